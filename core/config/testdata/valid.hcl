# A complete configuration using every setting.
listen = "0.0.0.0:8080"

admin {
  listen   = "0.0.0.0:9090"
  username = "ops"
  password = env("LUNAS_TEST_ADMIN_PASSWORD")
}

redis {
  addr                = "10.0.0.5:6379"
  password            = env("LUNAS_TEST_REDIS_PASSWORD", "fallback-redis")
  db                  = 2
  require_persistence = true
  wait_replicas       = 2
  wait_timeout        = "250ms"
}

worker {
  concurrency = 4
}

webhook "moota" {
  secrets         = [env("LUNAS_TEST_MOOTA_SECRET"), "previous-secret"]
  allowed_ips     = ["103.236.201.178", "103.28.52.0/24", "2001:db8::/32"]
  trusted_proxies = ["10.0.0.1"]
  max_body_bytes  = 2097152
}

store "toko-budi" {
  plugin   = "woocommerce"
  bank_ids = ["4Aqz9OmvWPV", "bank-2"]
  timeout  = "10s"
  match {
    window = "72h"
  }
  settings = {
    base_url        = "https://tokobudi.id"
    consumer_key    = env("LUNAS_TEST_WC_KEY")
    paid_status     = "processing"
    fee             = 2500.50
    huge            = 12345678901234567890.12
    note            = "<b>&</b>"
    retries         = 3
    verify_tls      = true
    tags            = ["a", "b"]
    nested          = { x = 1, y = null }
  }
}

store "catch-all" {
  path     = "/opt/lunas/lunas-plugin-custom"
  sha256   = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
  bank_ids = ["*"]
  env      = ["CUSTOM_CA_BUNDLE", "HTTPS_PROXY"]
}
