redis {
  url = env("LUNAS_TEST_REDIS_URL")
}

webhook "moota" {
  secrets = ["moota-secret"]
}

store "shop" {
  plugin   = "custom"
  bank_ids = ["bank-1"]
}
