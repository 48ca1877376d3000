package woo

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lunas-dev/lunas/sdk"
)

const (
	testKey    = "ck_1111111111111111111111111111111111111111"
	testSecret = "cs_2222222222222222222222222222222222222222"
)

func TestConfigureRejectsBadSettings(t *testing.T) {
	notPEM := filepath.Join(t.TempDir(), "not.pem")
	if err := os.WriteFile(notPEM, []byte("hello"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		set  map[string]any
		want string
	}{
		{"no base_url", map[string]any{"base_url": ""}, "setting base_url is required"},
		{"relative base_url", map[string]any{"base_url": "tokobudi.id"}, "setting base_url must be an absolute http:// or https:// address"},
		{"ftp base_url", map[string]any{"base_url": "ftp://tokobudi.id"}, "setting base_url must be an absolute"},
		{"credentials in base_url", map[string]any{"base_url": "https://admin:hunter2@tokobudi.id"}, "must not contain a user name or password"},
		{"api path in base_url", map[string]any{"base_url": "https://tokobudi.id/wp-json/wc/v3"}, "without /wp-json"},
		{"query in base_url", map[string]any{"base_url": "https://tokobudi.id/?lang=id"}, "must not have a query"},
		{"no key", map[string]any{"consumer_key": ""}, "setting consumer_key is required"},
		{"no secret", map[string]any{"consumer_secret": ""}, "setting consumer_secret is required"},
		{"swapped", map[string]any{"consumer_key": testSecret, "consumer_secret": testKey}, "are swapped"},
		{"key without ck_", map[string]any{"consumer_key": "abc123"}, "setting consumer_key does not look like"},
		{"secret without cs_", map[string]any{"consumer_secret": "abc123"}, "setting consumer_secret does not look like"},
		{"unknown auth", map[string]any{"auth": "digest"}, `setting auth must be "auto", "basic", "oauth1" or "query" (got "digest")`},
		{"basic over http", map[string]any{"base_url": "http://tokobudi.id", "auth": "basic"}, `setting auth = "basic" sends the consumer secret in clear text`},
		{"query over http", map[string]any{"base_url": "http://tokobudi.id", "auth": "query"}, `setting auth = "query"`},
		{"unknown paid_status", map[string]any{"paid_status": "paid"}, `setting paid_status must be "processing", "completed" or "auto" (got "paid")`},
		{"empty payment_methods", map[string]any{"payment_methods": []string{}}, "setting payment_methods is empty"},
		{"blank payment method", map[string]any{"payment_methods": []string{"bacs", " "}}, "setting payment_methods[1]"},
		{"template without mutation id", map[string]any{"note_template": "Lunas Rp {amount}"}, "setting note_template: must contain {mutation_id}"},
		{"template with unknown placeholder", map[string]any{"note_template": "{mutation_id} {amout}"}, "setting note_template: unknown placeholder {amout}"},
		{"reversal template without reversal id", map[string]any{"reversal_note_template": "Dibatalkan: mutasi {mutation_id}"}, "setting reversal_note_template: must contain {reversal_id}"},
		{"reversal template with unknown placeholder", map[string]any{"reversal_note_template": "{reversal_id} {alasan}"}, "setting reversal_note_template: unknown placeholder {alasan}"},
		{"reversal template blank", map[string]any{"reversal_note_template": "   "}, "setting reversal_note_template: must not be empty"},
		{"payment template with reversal id", map[string]any{"note_template": "{mutation_id} {reversal_id}"}, "setting note_template: unknown placeholder {reversal_id}"},
		{"bad timeout", map[string]any{"timeout": "15"}, `setting timeout must be a duration such as "15s"`},
		{"negative timeout", map[string]any{"timeout": "-1s"}, "setting timeout must be more than 0"},
		{"huge timeout", map[string]any{"timeout": "1h"}, "at most 5m0s"},
		{"missing ca_file", map[string]any{"ca_file": "/nonexistent/ca.pem"}, "setting ca_file: open /nonexistent/ca.pem"},
		{"ca_file not PEM", map[string]any{"ca_file": notPEM}, "holds no PEM certificate"},
		{"ca_file over http", map[string]any{"base_url": "http://tokobudi.id", "ca_file": notPEM}, "setting ca_file is only used with an https:// base_url"},
		{"insecure_skip_verify", map[string]any{"insecure_skip_verify": true}, "setting insecure_skip_verify is not supported"},
		{"misspelt setting", map[string]any{"paidstatus": "completed"}, `unknown field "paidstatus"`},
		{"wrong type", map[string]any{"customer_note": "yes"}, "customer_note"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set := map[string]any{"base_url": "https://tokobudi.id", "consumer_key": testKey, "consumer_secret": testSecret}
			for k, v := range tt.set {
				set[k] = v
			}
			_, err := New(nil).Configure(context.Background(), configureRequest(t, set))
			if err == nil {
				t.Fatalf("Configure accepted %v", tt.set)
			}
			if !sdk.IsPermanent(err) {
				t.Errorf("error is not permanent: %v", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q\ndoes not say %q", err, tt.want)
			}
			for _, secret := range []string{testKey, testSecret, "hunter2"} {
				if strings.Contains(err.Error(), secret) {
					t.Errorf("error repeats a secret: %v", err)
				}
			}
		})
	}
}

func TestConfigureDefaults(t *testing.T) {
	tests := []struct {
		name     string
		baseURL  string
		auth     string
		wantAuth string
	}{
		{"https uses Basic", "https://TokoBudi.id/", "", authBasic},
		{"http uses OAuth 1.0a", "http://tokobudi.id", "", authOAuth1},
		{"oauth1 over https", "https://tokobudi.id/shop/", "oauth1", authOAuth1},
		{"query over https", "https://tokobudi.id", "query", authQuery},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := configured(t, map[string]any{"base_url": tt.baseURL, "consumer_key": testKey, "consumer_secret": testSecret, "auth": tt.auth})
			cfg, c, err := s.current()
			if err != nil {
				t.Fatal(err)
			}
			if cfg.auth.name() != tt.wantAuth {
				t.Errorf("auth %s, want %s", cfg.auth.name(), tt.wantAuth)
			}
			if strings.HasSuffix(c.api, "//wp-json/wc/v3") || !strings.HasSuffix(c.api, "/wp-json/wc/v3") || strings.Contains(c.api, "TokoBudi") {
				t.Errorf("API root %q", c.api)
			}
			if got := cfg.reversalNote.render(noteData{Mutation: mutation("m-1", sdk.Rupiah(1000)), Reversal: sdk.Mutation{ID: "r-1"}}); got !=
				"Pembayaran Rp 1.000 via BCA dibatalkan oleh bank (reversal r-1 atas mutasi Moota m-1). Pesanan dikembalikan ke on-hold; periksa sebelum mengirim." {
				t.Errorf("default reversal note %q", got)
			}
			if cfg.paidStatus != paidProcessing || !cfg.methods["bacs"] || len(cfg.methods) != 1 ||
				cfg.timeout != 15*time.Second || cfg.customerNote {
				t.Errorf("defaults: paid_status %s, methods %v, timeout %s, customer_note %v", cfg.paidStatus, cfg.methods, cfg.timeout, cfg.customerNote)
			}
		})
	}
}

func TestCallsBeforeConfigureArePermanentErrors(t *testing.T) {
	_, err := New(nil).FindOpenOrders(context.Background(), &sdk.FindOpenOrdersRequest{})
	if !sdk.IsPermanent(err) || !strings.Contains(err.Error(), "before Configure") {
		t.Fatalf("err = %v", err)
	}
}
