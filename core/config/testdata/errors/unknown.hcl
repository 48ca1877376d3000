listen = "0.0.0.0:8080"
admin {
  pasword = "x"
}
webhok "moota" {
  secrets = ["s"]
}
store "shop" {
  plugin   = "woocommerce"
  bank_ids = ["*"]
  settings {
    base_url = "https://shop.example"
  }
}
