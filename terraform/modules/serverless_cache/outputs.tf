output "database_id" {
  description = "ID of the Upstash Redis database."
  value       = upstash_redis_database.this.database_id
}

output "endpoint" {
  description = "Hostname of the Redis database."
  value       = upstash_redis_database.this.endpoint
}

output "port" {
  description = "Port of the Redis database."
  value       = upstash_redis_database.this.port
}

output "redis_url" {
  description = "TLS Redis URL with credentials: rediss://default:<password>@<endpoint>:<port>."
  value       = "rediss://default:${upstash_redis_database.this.password}@${upstash_redis_database.this.endpoint}:${upstash_redis_database.this.port}"
  sensitive   = true
}

output "redis_password" {
  description = "Password of the Redis database."
  value       = upstash_redis_database.this.password
  sensitive   = true
}

output "rest_url" {
  description = "Base URL of the database's REST API."
  value       = "https://${upstash_redis_database.this.endpoint}"
}

output "rest_token" {
  description = "Read-write token of the database's REST API."
  value       = upstash_redis_database.this.rest_token
  sensitive   = true
}
