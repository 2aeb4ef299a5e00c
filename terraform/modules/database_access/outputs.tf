output "database_name" {
  description = "Name of the analytics database."
  value       = clickhousedbops_database.this.name
}

output "reader_role_name" {
  description = "Name of the read-only role."
  value       = clickhousedbops_role.reader.name
}

output "writer_role_name" {
  description = "Name of the writer role."
  value       = clickhousedbops_role.writer.name
}

output "app_user_name" {
  description = "Name of the application's read-only user."
  value       = clickhousedbops_user.app.name
}

output "cdc_user_name" {
  description = "Name of the CDC pipeline's writer user."
  value       = clickhousedbops_user.cdc.name
}
