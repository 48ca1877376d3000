# lunas.hcl: an annotated production configuration.
#
#   lunas check --config lunas.hcl   validates it, starts every plugin, calls Health
#   lunas serve --config lunas.hcl   runs the bridge
#
# Secrets never live in this file: env("NAME") reads them from the
# environment (an unset variable is an error naming this file and line).

# Public listener: POST /webhooks/{name} and GET /healthz only. Put it
# behind your TLS terminator; register https://your-host/webhooks/moota in
# Moota's webhook settings.
listen = "0.0.0.0:8080"

# Operators' listener: asynqmon at /monitoring, Prometheus /metrics,
# /readyz and the admin API (/api/review). A login is required unless it
# listens on loopback only.
admin {
  listen   = "127.0.0.1:9090"
  username = "ops"
  password = env("LUNAS_ADMIN_PASSWORD")
}

# Redis holds the queue (every mutation, 14 days), the review inbox and the
# delivery audit stream. Use a Redis that persists (appendonly yes):
# require_persistence refuses to start on one that keeps nothing.
redis {
  addr                = "127.0.0.1:6379"
  # url               = "redis://:password@redis.internal:6379/0"
  # sentinel {
  #   master_name = "lunas"
  #   addrs       = ["10.0.0.11:26379", "10.0.0.12:26379", "10.0.0.13:26379"]
  # }
  require_persistence = true
  # Replicas that must have each mutation before the webhook answers 200
  # (Redis WAIT). Replication is asynchronous: without it, a failover can
  # lose mutations the old master acknowledged. Default 1 with sentinel,
  # else 0; a delivery not acknowledged within wait_timeout gets a 503 and
  # Moota sends it again.
  # wait_replicas = 1
  # wait_timeout  = "1s"
}

# How many mutations are processed at once (across all stores).
worker {
  concurrency = 10
}

# POST /webhooks/moota. The secret is the one you set on the webhook in
# Moota; list two while rotating it.
webhook "moota" {
  secrets = [env("MOOTA_SECRET")]
  # Moota's current webhook senders. Optional: the signature is the real
  # control, and Moota publishes no authoritative list.
  allowed_ips = ["103.236.201.178", "103.28.52.182"]
  # Set when a proxy sits in front, so X-Forwarded-For is believed from it only.
  trusted_proxies = []
  # max_body_bytes = 1048576
}

# The review inbox: payments a person must decide (ambiguous, unmatched,
# refused, reversed). `lunas review list` shows them; `lunas review resolve
# ID --order NUMBER` pays the chosen order, `lunas review dismiss ID
# --reason TEXT` closes one. Unmatched payments are looked at again first,
# for orders that reach the store after the transfer.
review {
  recheck    = ["5m", "30m", "2h"]
  # A Slack-compatible incoming webhook told about every new item (optional).
  # notify_url = env("LUNAS_REVIEW_WEBHOOK")
}

# Bank reversals: a debit that returns an earlier credit (same account, same
# amount, a reversal narrative, within the window) puts the order it paid
# back (WooCommerce: on-hold with a note; Shopify: note and tag) and always
# creates a review item.
reversal {
  window = "720h"
  # patterns = ["(?i)\\brevers", "(?i)\\bkoreksi\\b", "(?i)\\bretur"]   # the defaults cover the usual Indonesian narratives
}

# Moota's API v2 (optional): reconciliation lists recent mutations and
# queues the ones whose webhook never arrived (deduplicated, so nothing is
# paid twice); write-back tags each paying mutation with its order.
# `lunas reconcile --config lunas.hcl --since 48h` runs it on demand.
# moota {
#   api_token       = env("MOOTA_TOKEN")
#   base_url        = "https://app.moota.co/api/v2"
#   reconcile_every = "30m"
#   lookback        = "48h"
#   writeback       = true
#   verify_payments = false  # true: confirm each credit in Moota's API before it pays
#                            # (same id, amount and token, as Moota's own plugin
#                            # can); unconfirmed credits go to review, needs https
# }

# A WooCommerce store (plugins/woocommerce/README.md has the details).
# Create the key in WooCommerce > Settings > Advanced > REST API > Add key,
# with Read/Write permission.
store "toko-budi" {
  plugin   = "woocommerce"          # runs bin/lunas-plugin-woocommerce
  # path   = "/opt/lunas/lunas-plugin-woocommerce"
  # sha256 = "..."                  # pin the binary: sha256sum lunas-plugin-woocommerce
  bank_ids = ["4Aqz9OmvWPV"]        # the Moota bank accounts that pay this store
  match {
    window = "168h"                 # orders placed up to 7 days before the transfer's bank date can be paid
    slack  = "1h"                   # and up to 1h after the end of that day (bank dates are often date-only);
                                    # an order placed after the money arrived is never paid by it
  }
  timeout = "30s"                   # per plugin call
  settings = {
    base_url        = "https://tokobudi.id"
    consumer_key    = env("WC_KEY")
    consumer_secret = env("WC_SECRET")
    auth            = "auto"        # Basic over HTTPS, OAuth 1.0a over plain HTTP
    paid_status     = "processing"  # or "completed", or "auto"
    payment_methods = ["bacs"]      # WooCommerce's Direct bank transfer
    customer_note   = false         # true also emails the note to the customer
  }
}

# A Shopify store (plugins/shopify/README.md): an app with read_orders and
# write_orders, client-credentials tokens refreshed by the plugin.
# store "toko-sari" {
#   plugin   = "shopify"
#   bank_ids = ["8Xyz1AbcDEF"]
#   match {
#     window = "168h"
#   }
#   settings = {
#     shop          = "toko-sari.myshopify.com"
#     client_id     = env("SHOPIFY_CLIENT_ID")
#     client_secret = env("SHOPIFY_CLIENT_SECRET")
#     # access_token = env("SHOPIFY_TOKEN")   # legacy shpat_ tokens instead
#     gateways      = ["Bank Deposit"]
#     tags          = ["lunas-paid"]
#   }
# }

# A store built in-house that speaks Lunas' small HTTP contract
# (plugins/custom/openapi.yaml, docs/custom-store/README.md).
# store "toko-kita" {
#   plugin   = "custom"
#   bank_ids = ["2219812"]
#   settings = {
#     base_url = "https://tokokita.id"
#     secret   = env("TOKO_KITA_LUNAS_SECRET")
#   }
# }
