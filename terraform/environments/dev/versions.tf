terraform {
  required_version = ">= 1.0.3, < 2.0.0"

  required_providers {
    clickhouse = {
      source  = "ClickHouse/clickhouse"
      version = "~> 3.16"
    }
    upstash = {
      source  = "upstash/upstash"
      version = "~> 2.0"
    }
    clickhousedbops = {
      source  = "ClickHouse/clickhousedbops"
      version = ">= 1.11.2, < 2.0.0"
    }
  }
}
