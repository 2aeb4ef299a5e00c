# Declarations only: the platform module holds the defaults (taken for a null) and every validation.

variable "environment" {
  type        = string
  description = "Name of the environment, dev or prod; picks the platform's network and backup policy."
}

variable "tags" {
  type        = map(string)
  description = "Cost-allocation tags; must contain project, environment, owner and cost_center."
}

variable "clickhouse_service_name" {
  type        = string
  description = "Name of the ClickHouse Cloud service."
}

variable "clickhouse_cloud_region" {
  type        = string
  description = "AWS region of the ClickHouse Cloud service (platform default: us-east-1)."
  default     = null
}

variable "ip_allow_list" {
  type        = list(string)
  description = "CIDR ranges allowed to reach the warehouse and the cache in dev; left out in prod."
  default     = null
}

variable "production_allow_list" {
  type        = list(string)
  description = "CIDR ranges allowed to reach the warehouse and the cache in prod; never empty, never a /0 range; left out in dev."
  default     = null
}

variable "backup_period_in_hours" {
  type        = number
  description = "Hours between two ClickHouse backups: 6, 8, 12, 16, 20, 24, 36 or 48 (platform default: 24)."
  default     = null
}

variable "backup_retention_period_in_hours" {
  type        = number
  description = "Hours a ClickHouse backup is kept: 24 or 48 in dev; 168, 336, 504, 672 or 720 in prod."
}

variable "idle_scaling" {
  type        = bool
  description = "Whether the ClickHouse service may scale down to zero when idle."
}

variable "min_replica_memory_gb" {
  type        = number
  description = "Minimum memory of one ClickHouse replica, in GB."
}

variable "max_replica_memory_gb" {
  type        = number
  description = "Maximum memory of one ClickHouse replica, in GB."
}

variable "cache_database_name" {
  type        = string
  description = "Name of the Upstash Redis database."
}

variable "cache_primary_region" {
  type        = string
  description = "Primary region of the global Upstash Redis database (platform default: us-east-1)."
  default     = null
}

variable "cache_read_regions" {
  type        = list(string)
  description = "Read regions of the global Upstash Redis database (platform default: none)."
  default     = null
}

variable "cache_budget" {
  type        = number
  description = "Monthly budget of the Upstash Redis database in USD (platform default: 20)."
  default     = null
}

variable "cache_prod_pack" {
  type        = bool
  description = "Whether the Upstash production pack is enabled on the cache (platform default: false)."
  default     = null
}

variable "topics" {
  type        = map(list(string))
  description = "QStash topics of the CDC pipeline: topic name to subscriber HTTPS URLs."
}

variable "clickhouse_admin_password" {
  type        = string
  description = "Password of the ClickHouse service's default user (tfctl injects TF_VAR_clickhouse_admin_password)."
  sensitive   = true
  ephemeral   = true
}

variable "clickhouse_admin_password_version" {
  type        = number
  description = "Version of clickhouse_admin_password: bump it (1, 2, ...) together with a new value to rotate the ClickHouse default user's password (platform default: 1)."
  default     = null
}

variable "qstash_token" {
  type        = string
  description = "QStash token passed through to the outputs (tfctl injects TF_VAR_qstash_token from QSTASH_TOKEN)."
  sensitive   = true
}

variable "clickhouse_app_user_password" {
  type        = string
  description = "Password of the application's read-only ClickHouse user (tfctl injects TF_VAR_clickhouse_app_user_password)."
  sensitive   = true
  ephemeral   = true
}

variable "clickhouse_app_user_password_version" {
  type        = number
  description = "Version of clickhouse_app_user_password: bump it (1, 2, ...) together with a new value to rotate the application user's password (platform default: 1)."
  default     = null
}

variable "clickhouse_cdc_user_password" {
  type        = string
  description = "Password of the CDC pipeline's ClickHouse user (tfctl injects TF_VAR_clickhouse_cdc_user_password)."
  sensitive   = true
  ephemeral   = true
}

variable "clickhouse_cdc_user_password_version" {
  type        = number
  description = "Version of clickhouse_cdc_user_password: bump it (1, 2, ...) together with a new value to rotate the CDC user's password (platform default: 1)."
  default     = null
}
