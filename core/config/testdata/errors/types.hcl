redis {
  db                  = 1.5
  require_persistence = "sometimes"
}
worker {
  concurrency = "many"
}
webhook "moota" {
  secrets        = "one-secret"
  max_body_bytes = 1e99
}
store "shop" {
  plugin   = "woocommerce"
  bank_ids = ["*"]
  timeout  = "1 minute"
  settings = "base_url=https://shop.example"
  match {
    window = "a week"
  }
}
