admin {
  listen = "[::1]:9090"
}

redis {
  password = "master-password"
  sentinel {
    master_name = "lunas"
    addrs       = ["10.0.0.1:26379", "10.0.0.2:26379"]
    password    = "sentinel-password"
  }
}

webhook "moota" {
  secrets = ["moota-secret"]
}

store "shop" {
  plugin   = "shopify"
  bank_ids = ["bank-1"]
}
