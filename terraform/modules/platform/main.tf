locals {
  # The tags given win over these defaults; the tags validation keeps their environment equal to var.environment.
  tags = merge(
    {
      environment = var.environment
      managed_by  = "terraform"
    },
    var.tags,
  )

  # prod reads its own, stricter variable; the validations make sure only the environment's list is set.
  allow_list = var.environment == "prod" ? var.production_allow_list : var.ip_allow_list
}

module "data_warehouse" {
  source = "../data_warehouse"

  service_name   = var.clickhouse_service_name
  cloud_provider = "aws"
  cloud_region   = var.clickhouse_cloud_region
  ip_allow_list  = local.allow_list
  admin_password = var.clickhouse_admin_password

  admin_password_version = var.clickhouse_admin_password_version

  backup_period_in_hours           = var.backup_period_in_hours
  backup_retention_period_in_hours = var.backup_retention_period_in_hours

  idle_scaling          = var.idle_scaling
  min_replica_memory_gb = var.min_replica_memory_gb
  max_replica_memory_gb = var.max_replica_memory_gb

  tags = local.tags
}

module "serverless_cache" {
  source = "../serverless_cache"

  database_name    = var.cache_database_name
  primary_region   = var.cache_primary_region
  read_regions     = var.cache_read_regions
  tls_enabled      = true
  eviction_enabled = true
  ip_allow_list    = local.allow_list
  budget           = var.cache_budget
  prod_pack        = var.cache_prod_pack
}

module "async_messaging" {
  source = "../async_messaging"

  topics       = var.topics
  qstash_token = var.qstash_token
}

module "database_access" {
  source = "../database_access"

  app_user_password = var.clickhouse_app_user_password
  cdc_user_password = var.clickhouse_cdc_user_password

  app_user_password_version = var.clickhouse_app_user_password_version
  cdc_user_password_version = var.clickhouse_cdc_user_password_version
}
