webhook "moota" {
  secrets = ["s"]
}

webhook "moota" {
  secrets = []
}

webhook "moota/../admin" {
  secrets         = ["ok", ""]
  allowed_ips     = ["103.236.201.178", "103.236.201"]
  trusted_proxies = ["10.0.0.0/33"]
  max_body_bytes  = 0
}

store "shop" {
  plugin   = "woocommerce"
  bank_ids = ["*"]
}
