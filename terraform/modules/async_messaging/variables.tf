variable "topics" {
  type        = map(list(string))
  description = "QStash topics of the CDC pipeline: topic name ([a-z0-9-_.]) to the HTTPS URLs of its subscribers."
  nullable    = false

  validation {
    condition     = length(var.topics) > 0
    error_message = "The topics map must name at least one topic."
  }

  validation {
    condition     = alltrue([for name in keys(var.topics) : can(regex("^[a-z0-9._-]+$", name))])
    error_message = "Every topic name must use only lowercase letters, digits, hyphens, underscores and dots ([a-z0-9-_.])."
  }

  validation {
    condition     = alltrue([for urls in values(var.topics) : length(urls) > 0])
    error_message = "Every topic must have at least one subscriber URL."
  }

  validation {
    condition     = alltrue(flatten([for urls in values(var.topics) : [for url in urls : can(regex("^https://[^\\s/]+", url))]]))
    error_message = "Every subscriber URL must start with https:// followed by a host."
  }
}

variable "qstash_token" {
  type        = string
  description = "QStash token that publishers use; no provider resource exposes it, so it is passed through (tfctl injects it from QSTASH_TOKEN)."
  nullable    = false
  sensitive   = true

  validation {
    condition     = length(trimspace(var.qstash_token)) > 0
    error_message = "The qstash_token must not be empty; set QSTASH_TOKEN (tfctl passes it as TF_VAR_qstash_token)."
  }
}
