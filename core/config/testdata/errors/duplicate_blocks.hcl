admin {
  listen = "127.0.0.1:9090"
}
admin {
  listen = "127.0.0.1:9091"
}
webhook "moota" {
  secrets = ["s"]
}
store "shop" {
  plugin   = "woocommerce"
  bank_ids = ["*"]
  match { window = "1h" }
  match { window = "2h" }
}
