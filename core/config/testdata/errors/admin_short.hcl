admin {
  listen   = "10.0.0.5:9090"
  username = "ops"
  password = "hunter2-abc"
}
webhook "moota" {
  secrets = ["s"]
}
store "shop" {
  plugin   = "woocommerce"
  bank_ids = ["*"]
}
