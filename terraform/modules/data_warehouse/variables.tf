variable "service_name" {
  type        = string
  description = "Name of the ClickHouse Cloud service: 3-50 lowercase letters, digits and hyphens, starting and ending with a letter or digit."
  nullable    = false

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{1,48}[a-z0-9]$", var.service_name))
    error_message = "The service_name must be 3-50 characters of lowercase letters, digits and hyphens, starting and ending with a letter or digit."
  }
}

variable "cloud_provider" {
  type        = string
  description = "Cloud provider that hosts the service: aws, gcp or azure."
  default     = "aws"
  nullable    = false

  validation {
    condition     = contains(["aws", "gcp", "azure"], var.cloud_provider)
    error_message = "The cloud_provider must be one of aws, gcp or azure."
  }
}

variable "cloud_region" {
  type        = string
  description = "Region of the cloud provider that hosts the service, e.g. us-east-1."
  default     = "us-east-1"
  nullable    = false

  validation {
    condition     = can(regex("^[a-z0-9-]+$", var.cloud_region))
    error_message = "The cloud_region must be a region name such as us-east-1 (lowercase letters, digits and hyphens)."
  }
}

variable "ip_allow_list" {
  type        = list(string)
  description = "CIDR ranges allowed to connect to the service; rendered into ip_access with a description each. Empty means no network access."
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for cidr in var.ip_allow_list : can(cidrhost(cidr, 0))])
    error_message = "Every ip_allow_list entry must be a CIDR range such as 203.0.113.0/24 or 198.51.100.7/32."
  }
}

variable "admin_password" {
  type        = string
  description = "Password of the service's default user; sent write-only (password_wo), so it is in neither state nor plan files."
  nullable    = false
  sensitive   = true
  ephemeral   = true

  validation {
    condition = (
      length(var.admin_password) >= 12 &&
      can(regex("[a-z]", var.admin_password)) &&
      can(regex("[A-Z]", var.admin_password)) &&
      can(regex("[0-9]", var.admin_password)) &&
      can(regex("[^a-zA-Z0-9]", var.admin_password))
    )
    error_message = "The admin_password must have at least 12 characters with a lowercase letter, an uppercase letter, a digit and a special character (ClickHouse Cloud password rules)."
  }
}

variable "admin_password_version" {
  type        = number
  description = "Version of admin_password; Terraform cannot see a write-only value change, so bump this (1, 2, ...) to send a new password."
  default     = 1
  nullable    = false

  validation {
    condition     = var.admin_password_version >= 1 && floor(var.admin_password_version) == var.admin_password_version
    error_message = "The admin_password_version must be a whole number of at least 1."
  }
}

variable "backup_period_in_hours" {
  type        = number
  description = "Hours between two backups: 6, 8, 12, 16, 20, 24, 36 or 48. Ignored when backup_start_time is set."
  default     = 24
  nullable    = false

  validation {
    condition     = contains([6, 8, 12, 16, 20, 24, 36, 48], var.backup_period_in_hours)
    error_message = "The backup_period_in_hours must be one of 6, 8, 12, 16, 20, 24, 36 or 48."
  }
}

variable "backup_retention_period_in_hours" {
  type        = number
  description = "Hours a backup is kept: 24, 48, 72, 96, 120, 144, 168, 336, 504, 672 or 720."
  default     = 24
  nullable    = false

  validation {
    condition     = contains([24, 48, 72, 96, 120, 144, 168, 336, 504, 672, 720], var.backup_retention_period_in_hours)
    error_message = "The backup_retention_period_in_hours must be one of 24, 48, 72, 96, 120, 144, 168, 336, 504, 672 or 720."
  }
}

variable "backup_start_time" {
  type        = string
  description = "Optional UTC start time (HH:00) of a daily two-hour backup window; when set, backups run once a day and backup_period_in_hours is not sent."
  default     = null

  validation {
    condition     = var.backup_start_time == null || can(regex("^([01][0-9]|2[0-3]):00$", var.backup_start_time))
    error_message = "The backup_start_time must be null or a whole UTC hour in HH:00 form, e.g. 02:00."
  }
}

variable "idle_scaling" {
  type        = bool
  description = "Whether the service may scale down to zero when idle."
  default     = true
  nullable    = false
}

variable "idle_timeout_minutes" {
  type        = number
  description = "Minutes of inactivity before an idle service is suspended (at least 5); only sent when idle_scaling is true."
  default     = 15
  nullable    = false

  validation {
    condition     = var.idle_timeout_minutes >= 5 && floor(var.idle_timeout_minutes) == var.idle_timeout_minutes
    error_message = "The idle_timeout_minutes must be a whole number of at least 5."
  }
}

variable "min_replica_memory_gb" {
  type        = number
  description = "Minimum memory of one replica during auto-scaling, in GB."
  default     = 8
  nullable    = false

  validation {
    condition     = var.min_replica_memory_gb >= 1 && floor(var.min_replica_memory_gb) == var.min_replica_memory_gb
    error_message = "The min_replica_memory_gb must be a whole number of GB, at least 1."
  }
}

variable "max_replica_memory_gb" {
  type        = number
  description = "Maximum memory of one replica during auto-scaling, in GB (not less than min_replica_memory_gb)."
  default     = 16
  nullable    = false

  validation {
    condition     = var.max_replica_memory_gb >= 1 && floor(var.max_replica_memory_gb) == var.max_replica_memory_gb
    error_message = "The max_replica_memory_gb must be a whole number of GB, at least 1."
  }

  validation {
    condition     = var.max_replica_memory_gb >= var.min_replica_memory_gb
    error_message = "The max_replica_memory_gb must not be less than min_replica_memory_gb."
  }
}

variable "tags" {
  type        = map(string)
  description = "Cost-allocation tags; must contain project, environment, owner and cost_center. Merged over managed_by = terraform."
  nullable    = false

  validation {
    condition     = length(setsubtract(["project", "environment", "owner", "cost_center"], keys(var.tags))) == 0
    error_message = "The tags must contain the keys project, environment, owner and cost_center."
  }

  validation {
    condition     = length(var.tags) <= 49 && alltrue([for value in values(var.tags) : length(trimspace(value)) > 0])
    error_message = "The tags must have non-empty values and at most 49 entries (ClickHouse Cloud allows 50 including managed_by)."
  }
}
