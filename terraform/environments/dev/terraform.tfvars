environment = "dev"

tags = {
  project     = "salla-analytics"
  environment = "dev"
  owner       = "data-platform"
  cost_center = "analytics-dev"
}

clickhouse_service_name = "salla-analytics-dev"
clickhouse_cloud_region = "us-east-1"
ip_allow_list           = ["0.0.0.0/0"]

backup_period_in_hours           = 24
backup_retention_period_in_hours = 24

idle_scaling          = true
min_replica_memory_gb = 8
max_replica_memory_gb = 16

cache_database_name  = "salla-cache-dev"
cache_primary_region = "us-east-1"
cache_read_regions   = []
cache_budget         = 20
cache_prod_pack      = false

topics = {
  "cdc-dev"           = ["https://ingest.dev.salla-analytics.example.com/cdc"]
  "notifications-dev" = ["https://notify.dev.salla-analytics.example.com/events"]
}

# Rotation: set the new password in its TF_VAR_ variable and bump its version here in the same change.
clickhouse_admin_password_version    = 1
clickhouse_app_user_password_version = 1
clickhouse_cdc_user_password_version = 1
