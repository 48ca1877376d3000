# The smallest useful configuration: everything else takes its default.
webhook "moota" {
  secrets = ["moota-secret"]
}

store "shop" {
  plugin   = "woocommerce"
  bank_ids = ["*"]
}
