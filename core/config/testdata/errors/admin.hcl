listen = "8080"
admin {
  listen   = "0.0.0.0:9090"
}
webhook "moota" {
  secrets = ["s"]
}
store "shop" {
  plugin   = "woocommerce"
  bank_ids = ["*"]
}
