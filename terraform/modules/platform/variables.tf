variable "environment" {
  type        = string
  description = "Name of the environment, dev or prod: it picks the network and backup policy and is the default environment tag."
  nullable    = false

  validation {
    condition     = contains(["dev", "prod"], var.environment)
    error_message = "The environment must be dev or prod, the two environments whose policies this module knows."
  }
}

variable "tags" {
  type        = map(string)
  description = "Cost-allocation tags; must contain project, environment, owner and cost_center. Merged over the environment's defaults."
  nullable    = false

  validation {
    condition     = length(setsubtract(["project", "environment", "owner", "cost_center"], keys(var.tags))) == 0
    error_message = "The tags must contain the keys project, environment, owner and cost_center."
  }

  validation {
    condition     = alltrue([for value in values(var.tags) : length(trimspace(value)) > 0])
    error_message = "Every tag must have a non-empty value."
  }

  validation {
    condition     = lookup(var.tags, "environment", var.environment) == var.environment
    error_message = "The environment tag must equal the environment variable."
  }
}

variable "clickhouse_service_name" {
  type        = string
  description = "Name of the ClickHouse Cloud service."
  nullable    = false
}

variable "clickhouse_cloud_region" {
  type        = string
  description = "AWS region of the ClickHouse Cloud service."
  default     = "us-east-1"
  nullable    = false
}

variable "ip_allow_list" {
  type        = list(string)
  description = "CIDR ranges allowed to reach the warehouse and the cache in dev; null in prod, which reads production_allow_list."
  default     = null

  validation {
    condition     = var.environment == "prod" ? var.ip_allow_list == null : var.ip_allow_list != null
    error_message = "The ip_allow_list must be set in dev and left out in prod, which reads production_allow_list."
  }

  validation {
    condition     = alltrue([for cidr in(var.ip_allow_list == null ? [] : var.ip_allow_list) : can(cidrhost(cidr, 0))])
    error_message = "Every ip_allow_list entry must be a CIDR range such as 203.0.113.0/24."
  }
}

variable "production_allow_list" {
  type        = list(string)
  description = "CIDR ranges allowed to reach the warehouse and the cache in prod; never empty, never a /0 range; null in dev."
  default     = null

  validation {
    condition     = var.environment == "prod" || var.production_allow_list == null
    error_message = "The production_allow_list must be left out in dev, which reads ip_allow_list."
  }

  validation {
    condition     = var.environment != "prod" || length(var.production_allow_list == null ? [] : var.production_allow_list) > 0
    error_message = "The production_allow_list must not be empty: prod needs an explicit allow list."
  }

  validation {
    condition     = alltrue([for cidr in(var.production_allow_list == null ? [] : var.production_allow_list) : can(cidrhost(cidr, 0))])
    error_message = "Every production_allow_list entry must be a CIDR range such as 203.0.113.0/24."
  }

  validation {
    condition     = alltrue([for cidr in(var.production_allow_list == null ? [] : var.production_allow_list) : !can(regex("/0$", trimspace(cidr)))])
    error_message = "The production_allow_list must not contain a /0 range: open-to-the-world access is not allowed in prod."
  }
}

variable "backup_period_in_hours" {
  type        = number
  description = "Hours between two ClickHouse backups: 6, 8, 12, 16, 20, 24, 36 or 48 (data_warehouse validates it)."
  default     = 24
  nullable    = false
}

variable "backup_retention_period_in_hours" {
  type        = number
  description = "Hours a ClickHouse backup is kept: 24 or 48 in dev; 168, 336, 504, 672 or 720 in prod (at least a week)."
  nullable    = false

  validation {
    condition     = var.environment != "dev" || contains([24, 48], var.backup_retention_period_in_hours)
    error_message = "The dev backup_retention_period_in_hours must be 24 or 48 (prod keeps backups longer)."
  }

  validation {
    condition     = var.environment != "prod" || contains([168, 336, 504, 672, 720], var.backup_retention_period_in_hours)
    error_message = "The prod backup_retention_period_in_hours must be one of 168, 336, 504, 672 or 720 (at least a week)."
  }
}

variable "idle_scaling" {
  type        = bool
  description = "Whether the ClickHouse service may scale down to zero when idle."
  nullable    = false
}

variable "min_replica_memory_gb" {
  type        = number
  description = "Minimum memory of one ClickHouse replica, in GB."
  nullable    = false
}

variable "max_replica_memory_gb" {
  type        = number
  description = "Maximum memory of one ClickHouse replica, in GB."
  nullable    = false
}

variable "cache_database_name" {
  type        = string
  description = "Name of the Upstash Redis database."
  nullable    = false
}

variable "cache_primary_region" {
  type        = string
  description = "Primary region of the global Upstash Redis database."
  default     = "us-east-1"
  nullable    = false
}

variable "cache_read_regions" {
  type        = list(string)
  description = "Read regions of the global Upstash Redis database."
  default     = []
  nullable    = false
}

variable "cache_budget" {
  type        = number
  description = "Monthly budget of the Upstash Redis database in USD."
  default     = 20
  nullable    = false
}

variable "cache_prod_pack" {
  type        = bool
  description = "Whether the Upstash production pack is enabled on the cache."
  default     = false
  nullable    = false
}

variable "topics" {
  type        = map(list(string))
  description = "QStash topics of the CDC pipeline: topic name to subscriber HTTPS URLs."
  nullable    = false
}

variable "clickhouse_admin_password" {
  type        = string
  description = "Password of the ClickHouse service's default user; sent write-only to the service."
  nullable    = false
  sensitive   = true
  ephemeral   = true
}

variable "clickhouse_admin_password_version" {
  type        = number
  description = "Version of clickhouse_admin_password: bump it (1, 2, ...) together with a new value to rotate the ClickHouse default user's password."
  default     = 1
  nullable    = false
}

variable "qstash_token" {
  type        = string
  description = "QStash token passed through to the outputs."
  nullable    = false
  sensitive   = true
}

variable "clickhouse_app_user_password" {
  type        = string
  description = "Password of the application's read-only ClickHouse user; sent write-only as a SHA-256 hash."
  nullable    = false
  sensitive   = true
  ephemeral   = true
}

variable "clickhouse_app_user_password_version" {
  type        = number
  description = "Version of clickhouse_app_user_password: bump it (1, 2, ...) together with a new value to rotate the application user's password."
  default     = 1
  nullable    = false
}

variable "clickhouse_cdc_user_password" {
  type        = string
  description = "Password of the CDC pipeline's ClickHouse user; sent write-only as a SHA-256 hash."
  nullable    = false
  sensitive   = true
  ephemeral   = true
}

variable "clickhouse_cdc_user_password_version" {
  type        = number
  description = "Version of clickhouse_cdc_user_password: bump it (1, 2, ...) together with a new value to rotate the CDC user's password."
  default     = 1
  nullable    = false
}
