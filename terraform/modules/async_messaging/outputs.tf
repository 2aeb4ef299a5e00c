output "topic_names" {
  description = "Names of the QStash topics, sorted."
  value       = sort([for topic in upstash_qstash_topic_v2.this : topic.name])
}

output "topic_ids" {
  description = "IDs of the QStash topics, keyed by topic name."
  value       = { for name, topic in upstash_qstash_topic_v2.this : name => topic.id }
}

output "qstash_token" {
  description = "QStash token passed through from the qstash_token input, for publishers."
  value       = var.qstash_token
  sensitive   = true
}
