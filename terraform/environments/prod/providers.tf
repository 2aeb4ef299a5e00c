# Credentials come from the environment: CLICKHOUSE_ORG_ID, CLICKHOUSE_CLOUD_API_KEY, CLICKHOUSE_CLOUD_API_SECRET.
provider "clickhouse" {}

# Credentials come from the environment: UPSTASH_EMAIL, UPSTASH_API_KEY.
provider "upstash" {}

# clickhousedbops 1.11.x documents no credential variable: the admin password is an ephemeral, sensitive variable.
provider "clickhousedbops" {
  host     = module.platform.clickhouse_host
  port     = module.platform.clickhouse_port
  protocol = "https"

  auth_config = {
    strategy = "basicauth"
    username = "default"
    password = var.clickhouse_admin_password
  }
}
