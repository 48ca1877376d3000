package woo

import (
	"context"
	"strings"
	"testing"

	"github.com/lunas-dev/lunas/plugins/woocommerce/fakewoo"
	"github.com/lunas-dev/lunas/sdk"
)

func TestHealth(t *testing.T) {
	keys := []fakewoo.Key{
		{ConsumerKey: "ck_rw", ConsumerSecret: "cs_rw", Permissions: fakewoo.ReadWrite},
		{ConsumerKey: "ck_read", ConsumerSecret: "cs_read", Permissions: fakewoo.Read},
		{ConsumerKey: "ck_write", ConsumerSecret: "cs_write", Permissions: fakewoo.Write},
	}
	fake := fakewoo.Start(t, fakewoo.Options{TLS: true, Keys: keys})
	tests := []struct {
		key, secret string
		status      string
		message     string
	}{
		{"ck_rw", "cs_rw", "ok", "can read and write"},
		{"ck_read", "cs_read", "degraded", "cannot write orders: woocommerce PUT /orders/0: 401"},
		{"ck_write", "cs_write", "degraded", "cannot list orders"},
		{"ck_rw", "cs_wrong", "degraded", "Consumer secret is invalid."},
	}
	for _, tt := range tests {
		t.Run(tt.key+"/"+tt.secret, func(t *testing.T) {
			s := configured(t, map[string]any{"base_url": fake.URL(), "consumer_key": tt.key, "consumer_secret": tt.secret, "ca_file": fake.CAFile(t)})
			resp, err := s.Health(context.Background(), &sdk.HealthRequest{})
			if err != nil {
				t.Fatalf("Health: %v", err)
			}
			if resp.Status != tt.status || !strings.Contains(resp.Message, tt.message) {
				t.Fatalf("Health = %s %q, want %s mentioning %q", resp.Status, resp.Message, tt.status, tt.message)
			}
			if tt.status != "ok" && !strings.Contains(resp.Message, "Read/Write permission") {
				t.Errorf("message %q does not name the key permission", resp.Message)
			}
			if strings.Contains(resp.Message, tt.secret) {
				t.Errorf("message repeats the secret: %q", resp.Message)
			}
		})
	}
}
