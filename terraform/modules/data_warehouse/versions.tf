terraform {
  required_version = ">= 1.0.3, < 2.0.0"

  required_providers {
    clickhouse = {
      source  = "ClickHouse/clickhouse"
      version = ">= 3.16.0, < 4.0.0"
    }
  }
}
