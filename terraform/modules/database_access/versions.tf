terraform {
  required_version = ">= 1.0.3, < 2.0.0"

  required_providers {
    clickhousedbops = {
      source  = "ClickHouse/clickhousedbops"
      version = ">= 1.11.2, < 2.0.0"
    }
  }
}
