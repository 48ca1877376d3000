admin {
  username = "ops"
}
webhook "moota" {
  secrets = ["s"]
}
store "shop" {
  plugin   = "woocommerce"
  bank_ids = ["*"]
}
