environment = "prod"

tags = {
  project     = "salla-analytics"
  environment = "prod"
  owner       = "data-platform"
  cost_center = "analytics-prod"
}

clickhouse_service_name = "salla-analytics-prod"
clickhouse_cloud_region = "us-east-1"
production_allow_list   = ["203.0.113.0/24", "198.51.100.10/32"]

backup_period_in_hours           = 12
backup_retention_period_in_hours = 336

idle_scaling          = false
min_replica_memory_gb = 16
max_replica_memory_gb = 64

cache_database_name  = "salla-cache-prod"
cache_primary_region = "us-east-1"
cache_read_regions   = ["eu-west-1"]
cache_budget         = 100
cache_prod_pack      = true

topics = {
  "cdc-prod"           = ["https://ingest.salla-analytics.example.com/cdc"]
  "notifications-prod" = ["https://notify.salla-analytics.example.com/events"]
}

# Rotation: set the new password in its TF_VAR_ variable and bump its version here in the same change.
clickhouse_admin_password_version    = 1
clickhouse_app_user_password_version = 1
clickhouse_cdc_user_password_version = 1
