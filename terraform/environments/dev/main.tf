module "platform" {
  source = "../../modules/platform"

  environment                          = var.environment
  tags                                 = var.tags
  clickhouse_service_name              = var.clickhouse_service_name
  clickhouse_cloud_region              = var.clickhouse_cloud_region
  ip_allow_list                        = var.ip_allow_list
  production_allow_list                = var.production_allow_list
  backup_period_in_hours               = var.backup_period_in_hours
  backup_retention_period_in_hours     = var.backup_retention_period_in_hours
  idle_scaling                         = var.idle_scaling
  min_replica_memory_gb                = var.min_replica_memory_gb
  max_replica_memory_gb                = var.max_replica_memory_gb
  cache_database_name                  = var.cache_database_name
  cache_primary_region                 = var.cache_primary_region
  cache_read_regions                   = var.cache_read_regions
  cache_budget                         = var.cache_budget
  cache_prod_pack                      = var.cache_prod_pack
  topics                               = var.topics
  clickhouse_admin_password            = var.clickhouse_admin_password
  clickhouse_admin_password_version    = var.clickhouse_admin_password_version
  qstash_token                         = var.qstash_token
  clickhouse_app_user_password         = var.clickhouse_app_user_password
  clickhouse_app_user_password_version = var.clickhouse_app_user_password_version
  clickhouse_cdc_user_password         = var.clickhouse_cdc_user_password
  clickhouse_cdc_user_password_version = var.clickhouse_cdc_user_password_version
}
