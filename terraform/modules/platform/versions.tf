terraform {
  # 1.11: write-only attributes (with 1.10 ephemeral variables) keep supplied passwords out of state and plans.
  required_version = ">= 1.11.0, < 2.0.0"

  required_providers {
    clickhouse = {
      source  = "ClickHouse/clickhouse"
      version = ">= 3.16.0, < 4.0.0"
    }
    upstash = {
      source  = "upstash/upstash"
      version = ">= 2.0.0, < 3.0.0"
    }
    clickhousedbops = {
      source  = "ClickHouse/clickhousedbops"
      version = ">= 1.11.2, < 2.0.0"
    }
  }
}
