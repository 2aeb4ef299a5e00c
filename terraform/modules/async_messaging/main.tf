resource "upstash_qstash_topic_v2" "this" {
  for_each = var.topics

  name      = each.key
  endpoints = toset(each.value)
}
