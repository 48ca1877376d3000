# lunas.hcl: an annotated production configuration.
#
#   lunas check --config lunas.hcl   validates it, starts every plugin, calls Health
#   lunas serve --config lunas.hcl   runs the bridge
#
# Secrets never live in this file: env("NAME") reads them from the
# environment (an unset variable is an error naming this file and line).

# Public listener: POST /webhooks/{name} and GET /healthz only. Moota posts
# to an https URL: put it behind your TLS terminator, or give it its own
# certificate with a tls block. Register https://your-host/webhooks/moota in
# Moota's webhook settings.
#
# Both listeners answer headers over 64 KiB with 431, drop clients that send
# their headers slower than 5s or their body slower than 30s, and end any
# request after 90s (long enough for an admin resolve to wait for a store).
listen = "0.0.0.0:8080"

# Webhook body bytes held in memory at once, across all webhooks. A
# delivery beyond it gets 503 with Retry-After (Moota delivers again later),
# and one source address gets at most a quarter of it, so a flood of held
# bodies cannot exhaust memory or crowd Moota out. Requests without a
# Signature header are refused before their body is read. It must be at
# least four times every webhook's max_body_bytes. Default 64 MiB.
# max_body_bytes_in_flight = 67108864

# Serve HTTPS on the public listener. Relative paths are relative to this
# file. `kill -HUP` (systemctl reload) re-reads both files: a renewed
# certificate is served without a restart or a dropped connection.
# tls {
#   cert_file = "/etc/letsencrypt/live/pay.example.com/fullchain.pem"
#   key_file  = "/etc/letsencrypt/live/pay.example.com/privkey.pem"
# }

# Operators' listener: asynqmon at /monitoring, Prometheus /metrics,
# /readyz and the admin API (/api/review). A login is required unless it
# listens on loopback only; off loopback the password needs at least 12
# characters. Wrong passwords back off per client address (429 with
# Retry-After); cross-site writes, framing and, on a login-free loopback
# listener, foreign Host names (DNS rebinding) are refused.
admin {
  listen   = "127.0.0.1:9090"
  username = "ops"
  password = env("LUNAS_ADMIN_PASSWORD")
  # HTTPS for the admin listener too, reloaded on SIGHUP like the public one.
  # tls {
  #   cert_file = "admin.crt"
  #   key_file  = "admin.key"
  # }
}

# Redis holds the queue (every mutation, 14 days), the review inbox and the
# delivery audit stream. Use a Redis that persists (appendonly yes):
# require_persistence (default true) refuses to start on one that keeps
# nothing, because a restart would lose queued mutations and the record of
# what was paid. Set it false only for a throwaway test Redis.
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
  # A store whose calls have failed this long raises each waiting payment to
  # review as "store unreachable since ..." (retries go on; the item closes
  # when the payment is applied).
  unreachable_after = "30m"
}

# Bank reversals: a debit that returns an earlier credit (same account, same
# amount, a reversal narrative, within the window) puts the order it paid
# back (WooCommerce: on-hold with a note; Shopify: note and tag) and always
# creates a review item.
reversal {
  window = "30d"
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
  #   Lunas hashes the binary from an open file and runs that same file, and
  #   refuses one (or a folder above it) that its group or everyone may write.
  # env    = ["HTTPS_PROXY"]        # variables of Lunas's environment the plugin
  #   may see; it gets only these and PATH, HOME, TMPDIR, TZ and LANG (never the
  #   webhook secret or the admin password). Default: none.
  bank_ids = ["4Aqz9OmvWPV"]        # the Moota bank accounts that pay this store
  match {
    window = "7d"                   # orders placed up to 7 days before the transfer's bank date can be paid
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
#     window = "7d"
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
