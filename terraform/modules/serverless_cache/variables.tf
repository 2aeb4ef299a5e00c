variable "database_name" {
  type        = string
  description = "Name of the Upstash Redis database: 3-60 lowercase letters, digits and hyphens. Changing it replaces the database."
  nullable    = false

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{1,58}[a-z0-9]$", var.database_name))
    error_message = "The database_name must be 3-60 characters of lowercase letters, digits and hyphens, starting and ending with a letter or digit."
  }
}

variable "primary_region" {
  type        = string
  description = "Primary region of the global database, e.g. us-east-1. Changing it replaces the database."
  default     = "us-east-1"
  nullable    = false

  validation {
    condition     = can(regex("^[a-z]{2}-[a-z]+-[0-9]$", var.primary_region))
    error_message = "The primary_region must be an Upstash region name such as us-east-1 or eu-west-1."
  }
}

variable "read_regions" {
  type        = list(string)
  description = "Additional read regions of the global database; empty for none."
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for region in var.read_regions : can(regex("^[a-z]{2}-[a-z]+-[0-9]$", region))])
    error_message = "Every read_regions entry must be an Upstash region name such as eu-west-1."
  }
}

variable "tls_enabled" {
  type        = bool
  description = "Whether connections use TLS. TLS is mandatory; false is rejected."
  default     = true
  nullable    = false

  validation {
    condition     = var.tls_enabled
    error_message = "The tls_enabled must be true: TLS is mandatory for the cache."
  }
}

variable "eviction_enabled" {
  type        = bool
  description = "Eviction policy: whether keys are evicted when the database reaches its maximum size (true suits a cache)."
  default     = true
  nullable    = false
}

variable "ip_allow_list" {
  type        = list(string)
  description = "CIDR ranges allowed to connect; empty leaves the database open to any address (authenticated by password)."
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for cidr in var.ip_allow_list : can(cidrhost(cidr, 0))])
    error_message = "Every ip_allow_list entry must be a CIDR range such as 203.0.113.0/24 or 198.51.100.7/32."
  }
}

variable "budget" {
  type        = number
  description = "Monthly spending cap of the database in USD."
  default     = 20
  nullable    = false

  validation {
    condition     = var.budget > 0 && floor(var.budget) == var.budget
    error_message = "The budget must be a whole, positive number of USD."
  }
}

variable "auto_scale" {
  type        = bool
  description = "Whether the database moves to a higher plan automatically when it hits its quotas."
  default     = false
  nullable    = false
}

variable "prod_pack" {
  type        = bool
  description = "Whether the production pack (uptime SLA, monitoring) is enabled."
  default     = false
  nullable    = false
}
