package config

import (
	"fmt"
	"strings"
	"testing"
)

// TestErrorsHideSecrets breaks configurations around secrets in every way a
// secret's value could leak into a message, and checks that none does.
func TestErrorsHideSecrets(t *testing.T) {
	const secret = "hunter2-S3CRET"
	t.Setenv("LUNAS_TEST_SECRET", secret)
	valid := `webhook "moota" {
  secrets = ["s"]
}
store "shop" {
  plugin   = "woocommerce"
  bank_ids = ["*"]
}
`
	tests := []struct {
		name string
		src  string
	}{
		{"redis url with a bad scheme", `redis { url = "http://default:` + secret + `@redis:6379" }`},
		{"redis url that does not parse", `redis { url = "redis://default:` + secret + `@redis:port/0" }`},
		{"redis url that does not parse, from env", `redis { url = "redis://u:${env("LUNAS_TEST_SECRET")}@redis:port/0" }`},
		{"redis url and password", `redis {
  url      = "redis://redis:6379"
  password = env("LUNAS_TEST_SECRET")
}`},
		{"secret where a number belongs", `redis { db = env("LUNAS_TEST_SECRET") }`},
		{"secret where a bool belongs", `redis { require_persistence = env("LUNAS_TEST_SECRET") }`},
		{"secret where a list belongs", `webhook "w2" { secrets = env("LUNAS_TEST_SECRET") }`},
		{"secret in arithmetic", `store "s2" {
  plugin   = "custom"
  bank_ids = ["b"]
  settings = { key = env("LUNAS_TEST_SECRET") + 1 }
}`},
		{"secret as a missing key", `store "s2" {
  plugin   = "custom"
  bank_ids = ["b"]
  settings = { key = { a = 1 }[env("LUNAS_TEST_SECRET")] }
}`},
		{"secret as a settings object", `store "s2" {
  plugin   = "custom"
  bank_ids = ["b"]
  settings = env("LUNAS_TEST_SECRET")
}`},
		{"admin without username", `admin {
  listen   = "0.0.0.0:9090"
  password = env("LUNAS_TEST_SECRET")
}`},
		{"sentinel incomplete", `redis {
  sentinel { password = env("LUNAS_TEST_SECRET") }
}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(valid+tt.src+"\n"), "lunas.hcl")
			if err == nil {
				t.Fatal("Parse succeeded; want an error")
			}
			if strings.Contains(err.Error(), secret) || strings.Contains(fmt.Sprintf("%#v", err), secret) {
				t.Errorf("the error reveals the secret:\n%v", err)
			}
		})
	}
}
