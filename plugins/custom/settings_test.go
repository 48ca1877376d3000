package main

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/lunas-dev/lunas/sdk"
)

const goodSecret = "0123456789abcdef-good"

func configure(settings map[string]any) (*config, error) {
	raw, _ := json.Marshal(settings)
	return parseSettings(&sdk.ConfigureRequest{StoreName: "s", Settings: raw})
}

func TestSettingsDefaults(t *testing.T) {
	cfg, err := configure(map[string]any{"base_url": "https://shop.example.com/api/", "secret": goodSecret})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.base != "https://shop.example.com/api" || cfg.timeout != 15*time.Second || string(cfg.secret) != goodSecret || cfg.tls != nil {
		t.Fatalf("config = %+v", cfg)
	}
}

func TestSettingsAccepted(t *testing.T) {
	cfg, err := configure(map[string]any{"base_url": "http://127.0.0.1:8081", "secret": goodSecret, "timeout": "45s",
		"headers": map[string]string{"x-gateway-key": "k v\twith tab"}, "ca_file": "testdata/ca.pem"})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.timeout != 45*time.Second || cfg.headers.Get("X-Gateway-Key") != "k v\twith tab" || cfg.tls == nil {
		t.Fatalf("config = %+v", cfg)
	}
}

func TestSettingsRefused(t *testing.T) {
	const credential = "hunter2-credential"
	tests := []struct {
		name     string
		settings map[string]any
		want     string
	}{
		{"empty", map[string]any{}, "settings.base_url is required"},
		{"misspelt key", map[string]any{"base_url": "https://a.example", "secret": goodSecret, "secrett": "x"}, `unknown field "secrett"`},
		{"wrong type", map[string]any{"base_url": "https://a.example", "secret": goodSecret, "timeout": 15}, "timeout"},
		{"relative URL", map[string]any{"base_url": "shop.example.com", "secret": goodSecret}, "must start with https://"},
		{"ftp", map[string]any{"base_url": "ftp://shop.example.com", "secret": goodSecret}, "must start with https://"},
		{"no host", map[string]any{"base_url": "https://", "secret": goodSecret}, "has no host"},
		{"password in URL", map[string]any{"base_url": "https://admin:" + credential + "@shop.example.com", "secret": goodSecret}, "must not contain a user name or password"},
		{"token in query", map[string]any{"base_url": "https://shop.example.com/?key=" + credential, "secret": goodSecret}, "must not contain a query string"},
		{"unparseable URL with credential", map[string]any{"base_url": "https://a:" + credential + "@[::1", "secret": goodSecret}, "not a valid URL"},
		{"no secret", map[string]any{"base_url": "https://a.example"}, "settings.secret is required"},
		{"short secret", map[string]any{"base_url": "https://a.example", "secret": "hunter2-cred"}, "settings.secret is too short"},
		{"bad timeout", map[string]any{"base_url": "https://a.example", "secret": goodSecret, "timeout": "soon"}, `settings.timeout "soon" is not a duration`},
		{"timeout too long", map[string]any{"base_url": "https://a.example", "secret": goodSecret, "timeout": "10m"}, "settings.timeout 10m0s is out of range"},
		{"timeout too short", map[string]any{"base_url": "https://a.example", "secret": goodSecret, "timeout": "10ms"}, "out of range"},
		{"bad header name", map[string]any{"base_url": "https://a.example", "secret": goodSecret, "headers": map[string]string{"X Key": credential}}, `"X Key" is not a valid HTTP header name`},
		{"reserved header", map[string]any{"base_url": "https://a.example", "secret": goodSecret, "headers": map[string]string{"lunas-signature": credential}}, "Lunas-Signature is set by Lunas"},
		{"header injection", map[string]any{"base_url": "https://a.example", "secret": goodSecret, "headers": map[string]string{"X-Key": credential + "\r\nX-Evil: 1"}}, "the value of X-Key contains a line break"},
		{"missing CA file", map[string]any{"base_url": "https://a.example", "secret": goodSecret, "ca_file": "testdata/nope.pem"}, `settings.ca_file "testdata/nope.pem" cannot be read`},
		{"CA file without PEM", map[string]any{"base_url": "https://a.example", "secret": goodSecret, "ca_file": "settings_test.go"}, "holds no PEM certificate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := configure(tt.settings)
			if err == nil {
				t.Fatal("accepted")
			}
			if !sdk.IsPermanent(err) {
				t.Errorf("error %v is not permanent", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q, want it to contain %q", err, tt.want)
			}
			if strings.Contains(err.Error(), credential) || strings.Contains(err.Error(), "hunter2") {
				t.Errorf("error %q reveals a credential", err)
			}
		})
	}
}
