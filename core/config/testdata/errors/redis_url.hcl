redis {
  url      = "http://default:hunter2-redis@redis.internal:6379"
  password = "hunter2-other"
}
webhook "moota" {
  secrets = ["s"]
}
store "shop" {
  plugin   = "woocommerce"
  bank_ids = ["*"]
}
