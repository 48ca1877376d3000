webhook "moota" {
  secrets = ["a-secret"]
}

webhook "moota-2" {
  secrets = ["ok", env("LUNAS_TEST_UNSET_SECRET")]
}

store "shop" {
  plugin   = "woocommerce"
  bank_ids = ["*"]
  settings = { consumer_key = env("LUNAS_TEST_EMPTY_KEY") }
}
