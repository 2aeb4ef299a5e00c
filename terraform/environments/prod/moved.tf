# State written before the platform module existed (the four modules called from this root) moves, not replaces.
# The one exception to "no logic in a root": history, read by terraform only while such state may still exist.
moved {
  from = module.data_warehouse
  to   = module.platform.module.data_warehouse
}

moved {
  from = module.serverless_cache
  to   = module.platform.module.serverless_cache
}

moved {
  from = module.async_messaging
  to   = module.platform.module.async_messaging
}

moved {
  from = module.database_access
  to   = module.platform.module.database_access
}
