webhook "moota" {
  secrets = ["s"]
}

store "toko-budi" {
  plugin   = "woocommerce"
  bank_ids = ["bca-1", "mandiri-1"]
}

store "toko-sari" {
  plugin   = "shopify"
  bank_ids = ["mandiri-1"]
}

store "both" {
  plugin   = "woocommerce"
  path     = "/opt/lunas/plugin"
  bank_ids = []
}

store "neither" {
  bank_ids = ["bni-1", "bni-1"]
  sha256   = "9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08"
}

store "bad plugin" {
  plugin   = "WooCommerce"
  bank_ids = ["*"]
  timeout  = "0s"
  match {
    window = "-1h"
  }
}

store "also-all" {
  plugin   = "custom"
  bank_ids = ["*"]
}

store "toko-budi" {
  plugin   = "custom"
  bank_ids = ["bri-1"]
}

store "bad-env" {
  plugin   = "woocommerce"
  bank_ids = ["bri-1"]
  env      = ["GOOD_NAME", "1BAD", "HAS SPACE"]
}
