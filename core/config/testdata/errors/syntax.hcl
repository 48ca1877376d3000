webhook "moota" {
  secrets = ["moota-secret"
}
