variable "database_name" {
  type        = string
  description = "Name of the analytics database: a lowercase identifier (letters, digits, underscores)."
  default     = "analytics"
  nullable    = false

  validation {
    condition     = can(regex("^[a-z][a-z0-9_]{0,62}$", var.database_name))
    error_message = "The database_name must be a lowercase identifier: a letter, then up to 62 letters, digits or underscores."
  }
}

variable "database_comment" {
  type        = string
  description = "Comment of the analytics database. Changing it recreates the database, so it is set once."
  default     = "Analytics events, managed by terraform"
  nullable    = false
}

variable "reader_role_name" {
  type        = string
  description = "Name of the read-only role granted to the application user."
  default     = "analytics_reader"
  nullable    = false

  validation {
    condition     = can(regex("^[a-z][a-z0-9_]{0,62}$", var.reader_role_name))
    error_message = "The reader_role_name must be a lowercase identifier: a letter, then up to 62 letters, digits or underscores."
  }
}

variable "writer_role_name" {
  type        = string
  description = "Name of the writer role granted to the CDC pipeline user."
  default     = "analytics_writer"
  nullable    = false

  validation {
    condition     = can(regex("^[a-z][a-z0-9_]{0,62}$", var.writer_role_name))
    error_message = "The writer_role_name must be a lowercase identifier: a letter, then up to 62 letters, digits or underscores."
  }
}

variable "reader_privileges" {
  type        = list(string)
  description = "Privileges of the read-only role on the analytics database (canonical names, no groups, no ALL)."
  default     = ["SELECT"]
  nullable    = false

  validation {
    condition     = length(var.reader_privileges) > 0 && alltrue([for p in var.reader_privileges : can(regex("^[A-Z]+( [A-Z]+)*$", p)) && p != "ALL"])
    error_message = "The reader_privileges must be a non-empty list of canonical upper-case privilege names such as SELECT; ALL cannot be granted on ClickHouse Cloud."
  }
}

variable "writer_privileges" {
  type        = list(string)
  description = "Privileges of the writer role on the analytics database (canonical names, no groups, no ALL)."
  default     = ["SELECT", "INSERT", "CREATE TABLE"]
  nullable    = false

  validation {
    condition     = length(var.writer_privileges) > 0 && alltrue([for p in var.writer_privileges : can(regex("^[A-Z]+( [A-Z]+)*$", p)) && p != "ALL"])
    error_message = "The writer_privileges must be a non-empty list of canonical upper-case privilege names such as INSERT; ALL cannot be granted on ClickHouse Cloud."
  }
}

variable "app_user_name" {
  type        = string
  description = "Name of the application's read-only database user."
  default     = "analytics_app"
  nullable    = false

  validation {
    condition     = can(regex("^[a-z][a-z0-9_]{0,62}$", var.app_user_name))
    error_message = "The app_user_name must be a lowercase identifier: a letter, then up to 62 letters, digits or underscores."
  }
}

variable "app_user_password" {
  type        = string
  description = "Password of the application user; only its SHA256 hash is sent, write-only, so neither reaches state or plan files."
  nullable    = false
  sensitive   = true
  ephemeral   = true

  validation {
    condition = (
      length(var.app_user_password) >= 12 &&
      can(regex("[a-z]", var.app_user_password)) &&
      can(regex("[A-Z]", var.app_user_password)) &&
      can(regex("[0-9]", var.app_user_password)) &&
      can(regex("[^a-zA-Z0-9]", var.app_user_password))
    )
    error_message = "The app_user_password must have at least 12 characters with a lowercase letter, an uppercase letter, a digit and a special character."
  }
}

variable "app_user_password_version" {
  type        = number
  description = "Version of app_user_password; Terraform cannot see a write-only value change, so bump this (1, 2, ...) to send a new password."
  default     = 1
  nullable    = false

  validation {
    condition     = var.app_user_password_version >= 1 && var.app_user_password_version <= 2147483647 && floor(var.app_user_password_version) == var.app_user_password_version
    error_message = "The app_user_password_version must be a whole number from 1 to 2147483647."
  }
}

variable "cdc_user_name" {
  type        = string
  description = "Name of the CDC pipeline's writer database user."
  default     = "cdc_pipeline"
  nullable    = false

  validation {
    condition     = can(regex("^[a-z][a-z0-9_]{0,62}$", var.cdc_user_name))
    error_message = "The cdc_user_name must be a lowercase identifier: a letter, then up to 62 letters, digits or underscores."
  }
}

variable "cdc_user_password" {
  type        = string
  description = "Password of the CDC pipeline user; only its SHA256 hash is sent, write-only, so neither reaches state or plan files."
  nullable    = false
  sensitive   = true
  ephemeral   = true

  validation {
    condition = (
      length(var.cdc_user_password) >= 12 &&
      can(regex("[a-z]", var.cdc_user_password)) &&
      can(regex("[A-Z]", var.cdc_user_password)) &&
      can(regex("[0-9]", var.cdc_user_password)) &&
      can(regex("[^a-zA-Z0-9]", var.cdc_user_password))
    )
    error_message = "The cdc_user_password must have at least 12 characters with a lowercase letter, an uppercase letter, a digit and a special character."
  }
}

variable "cdc_user_password_version" {
  type        = number
  description = "Version of cdc_user_password; Terraform cannot see a write-only value change, so bump this (1, 2, ...) to send a new password."
  default     = 1
  nullable    = false

  validation {
    condition     = var.cdc_user_password_version >= 1 && var.cdc_user_password_version <= 2147483647 && floor(var.cdc_user_password_version) == var.cdc_user_password_version
    error_message = "The cdc_user_password_version must be a whole number from 1 to 2147483647."
  }
}
