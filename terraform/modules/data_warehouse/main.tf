locals {
  # ip_access[*].description is required by the provider since 2.3.0.
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

  # Write-only: neither the password nor its hash reaches state; a new version sends it again.
  password_wo         = var.admin_password
  password_wo_version = var.admin_password_version

  backup_configuration = {
    # The provider rejects a period together with a start time, which means one run a day.
    backup_period_in_hours           = var.backup_start_time == null ? var.backup_period_in_hours : null
    backup_retention_period_in_hours = var.backup_retention_period_in_hours
    backup_start_time                = var.backup_start_time
  }

  tags = local.tags
}
