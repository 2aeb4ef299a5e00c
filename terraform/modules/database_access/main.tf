# cluster_name stays null everywhere: ClickHouse Cloud replicates access entities itself.
resource "clickhousedbops_database" "this" {
  name         = var.database_name
  comment      = var.database_comment
  cluster_name = null
}

resource "clickhousedbops_role" "reader" {
  name         = var.reader_role_name
  cluster_name = null
}

resource "clickhousedbops_role" "writer" {
  name         = var.writer_role_name
  cluster_name = null
}

resource "clickhousedbops_grant_privilege" "reader" {
  for_each = toset(var.reader_privileges)

  privilege_name    = each.value
  database_name     = clickhousedbops_database.this.name
  table_name        = null
  column_name       = null
  grantee_role_name = clickhousedbops_role.reader.name
  grantee_user_name = null
  grant_option      = false
  cluster_name      = null
}

resource "clickhousedbops_grant_privilege" "writer" {
  for_each = toset(var.writer_privileges)

  privilege_name    = each.value
  database_name     = clickhousedbops_database.this.name
  table_name        = null
  column_name       = null
  grantee_role_name = clickhousedbops_role.writer.name
  grantee_user_name = null
  grant_option      = false
  cluster_name      = null
}

# Write-only hex SHA256 of each password: neither the password nor its hash reaches state. Terraform
# cannot see a write-only value change, so a new value_wo_version is what sends a new password.
resource "clickhousedbops_user" "app" {
  name         = var.app_user_name
  cluster_name = null

  auth {
    sha256_hash {
      value_wo         = sha256(var.app_user_password)
      value_wo_version = var.app_user_password_version
    }
  }
}

resource "clickhousedbops_user" "cdc" {
  name         = var.cdc_user_name
  cluster_name = null

  auth {
    sha256_hash {
      value_wo         = sha256(var.cdc_user_password)
      value_wo_version = var.cdc_user_password_version
    }
  }
}

resource "clickhousedbops_grant_role" "app_reader" {
  role_name         = clickhousedbops_role.reader.name
  grantee_user_name = clickhousedbops_user.app.name
  grantee_role_name = null
  admin_option      = false
  cluster_name      = null
}

resource "clickhousedbops_grant_role" "cdc_writer" {
  role_name         = clickhousedbops_role.writer.name
  grantee_user_name = clickhousedbops_user.cdc.name
  grantee_role_name = null
  admin_option      = false
  cluster_name      = null
}
