output "clickhouse_service_id" {
  description = "ID of the ClickHouse Cloud service."
  value       = module.data_warehouse.service_id
}

output "clickhouse_host" {
  description = "Hostname of the ClickHouse HTTPS endpoint."
  value       = module.data_warehouse.host
}

output "clickhouse_port" {
  description = "Port of the ClickHouse HTTPS endpoint."
  value       = module.data_warehouse.port
}

output "clickhouse_connection_string" {
  description = "HTTPS connection URL of the ClickHouse service for the default user, without its password."
  value       = module.data_warehouse.connection_string
  sensitive   = true
}

output "clickhouse_database_name" {
  description = "Name of the analytics database."
  value       = module.database_access.database_name
}

output "redis_database_id" {
  description = "ID of the Upstash Redis database."
  value       = module.serverless_cache.database_id
}

output "redis_endpoint" {
  description = "Hostname of the Upstash Redis database."
  value       = module.serverless_cache.endpoint
}

output "redis_url" {
  description = "TLS Redis URL with credentials."
  value       = module.serverless_cache.redis_url
  sensitive   = true
}

output "redis_rest_url" {
  description = "Base URL of the Redis REST API."
  value       = module.serverless_cache.rest_url
}

output "qstash_topic_names" {
  description = "Names of the QStash topics."
  value       = module.async_messaging.topic_names
}

output "qstash_token" {
  description = "QStash token for publishers, passed through from the input (a root output keeps it in state)."
  value       = module.async_messaging.qstash_token
  sensitive   = true
}
