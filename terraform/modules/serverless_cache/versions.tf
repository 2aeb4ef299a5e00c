terraform {
  required_version = ">= 1.11.0, < 2.0.0"

  required_providers {
    upstash = {
      source  = "upstash/upstash"
      version = ">= 2.0.0, < 3.0.0"
    }
  }
}
