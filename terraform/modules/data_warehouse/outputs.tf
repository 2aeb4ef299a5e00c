output "service_id" {
  description = "ID of the ClickHouse Cloud service."
  value       = clickhouse_service.this.id
}

output "host" {
  description = "Hostname of the service's HTTPS endpoint."
  value       = clickhouse_service.this.endpoints.https.host
}

output "port" {
  description = "Port of the service's HTTPS endpoint."
  value       = clickhouse_service.this.endpoints.https.port
}

output "connection_string" {
  description = "HTTPS connection URL of the service for the default user, without a password (clients supply it)."
  value       = "https://default@${clickhouse_service.this.endpoints.https.host}:${clickhouse_service.this.endpoints.https.port}"
  sensitive   = true
}
