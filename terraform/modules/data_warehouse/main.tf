locals {
  # ip_access[*].description is required by the provider since 3.0.
  ip_access = [
    for cidr in var.ip_allow_list : {
      source      = cidr
      description = "Allowed by terraform: ${cidr}"
    }
  ]

  tags = merge({ managed_by = "terraform" }, var.tags)
}

resource "clickhouse_service" "this" {
  name           = var.service_name
  cloud_provider = var.cloud_provider
  region         = var.cloud_region
  ip_access      = local.ip_access

  idle_scaling          = var.idle_scaling
  idle_timeout_minutes  = var.idle_scaling ? var.idle_timeout_minutes : null
  min_replica_memory_gb = var.min_replica_memory_gb
  max_replica_memory_gb = var.max_replica_memory_gb

  # Only the hash is sent, so the resource never stores the plaintext password.
  password_hash = base64sha256(var.admin_password)

  # All three fields are written (null when unset): Terraform 1.0.3 has no optional object attributes.
  backup_configuration = {
    backup_period_in_hours           = var.backup_start_time == null ? var.backup_period_in_hours : null
    backup_retention_period_in_hours = var.backup_retention_period_in_hours
    backup_start_time                = var.backup_start_time
  }

  tags = local.tags
}
