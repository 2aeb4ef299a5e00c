output "clickhouse_service_id" {
  description = "ID of the ClickHouse Cloud service."
  value       = module.platform.clickhouse_service_id
}

output "clickhouse_host" {
  description = "Hostname of the ClickHouse HTTPS endpoint."
  value       = module.platform.clickhouse_host
}

output "clickhouse_port" {
  description = "Port of the ClickHouse HTTPS endpoint."
  value       = module.platform.clickhouse_port
}

output "clickhouse_connection_string" {
  description = "HTTPS connection URL of the ClickHouse service for the default user, without its password."
  value       = module.platform.clickhouse_connection_string
  sensitive   = true
}

output "clickhouse_database_name" {
  description = "Name of the analytics database."
  value       = module.platform.clickhouse_database_name
}

output "redis_database_id" {
  description = "ID of the Upstash Redis database."
  value       = module.platform.redis_database_id
}

output "redis_endpoint" {
  description = "Hostname of the Upstash Redis database."
  value       = module.platform.redis_endpoint
}

output "redis_url" {
  description = "TLS Redis URL with credentials."
  value       = module.platform.redis_url
  sensitive   = true
}

output "redis_rest_url" {
  description = "Base URL of the Redis REST API."
  value       = module.platform.redis_rest_url
}

output "qstash_topic_names" {
  description = "Names of the QStash topics."
  value       = module.platform.qstash_topic_names
}

output "qstash_token" {
  description = "QStash token for publishers (the one supplied secret kept in state; see README.md)."
  value       = module.platform.qstash_token
  sensitive   = true
}
