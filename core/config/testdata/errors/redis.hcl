redis {
  addr     = "localhost"
  url      = "redis://default:hunter2-redis@redis.internal:6379/0"
  db       = -1
  wait_replicas = -1
}
webhook "moota" {
  secrets = ["s"]
}
store "shop" {
  plugin   = "woocommerce"
  bank_ids = ["*"]
}
