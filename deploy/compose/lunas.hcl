# lunas.hcl for compose.yaml: examples/lunas.hcl (which explains every
# setting) with the addresses a container needs. docs/config.md lists all
# settings. Secrets come from the environment compose.yaml passes in.

listen = "0.0.0.0:8080"

# 0.0.0.0 inside the container; compose.yaml publishes it on the host's
# loopback only. Off loopback a login is required.
admin {
  listen   = "0.0.0.0:9090"
  username = "ops"
  password = env("LUNAS_ADMIN_PASSWORD")
}

redis {
  addr                = "redis:6379"
  password            = env("REDIS_PASSWORD")
  require_persistence = true
}

webhook "moota" {
  secrets = [env("MOOTA_SECRET")]
  # Set to the proxy's address when a TLS terminator forwards to Lunas.
  trusted_proxies = []
}

# Replace with your store (plugins/*/README.md).
store "toko-budi" {
  plugin   = "woocommerce"
  bank_ids = ["4Aqz9OmvWPV"]
  settings = {
    base_url        = "https://tokobudi.id"
    consumer_key    = env("WC_KEY")
    consumer_secret = env("WC_SECRET")
    payment_methods = ["bacs"]
  }
}
