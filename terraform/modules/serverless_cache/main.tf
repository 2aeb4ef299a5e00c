resource "upstash_redis_database" "this" {
  database_name  = var.database_name
  region         = "global"
  primary_region = var.primary_region
  read_regions   = length(var.read_regions) > 0 ? toset(var.read_regions) : null

  tls        = var.tls_enabled
  eviction   = var.eviction_enabled
  auto_scale = var.auto_scale
  prod_pack  = var.prod_pack
  budget     = var.budget

  ip_allowlist = length(var.ip_allow_list) > 0 ? toset(var.ip_allow_list) : null
}
