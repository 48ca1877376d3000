redis {
  sentinel {
    addrs = ["10.0.0.1"]
  }
}
webhook "moota" {
  secrets = ["s"]
}
store "shop" {
  plugin   = "woocommerce"
  bank_ids = ["*"]
}
