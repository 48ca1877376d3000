package config

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

const lifecycleBase = `
webhook "moota" { secrets = ["s3cret-value"] }
store "shop" {
  plugin   = "woocommerce"
  bank_ids = ["b1"]
}
`

func TestLifecycleBlocks(t *testing.T) {
	t.Setenv("LUNAS_TEST_MOOTA_TOKEN", "tok-123")
	c, err := Parse([]byte(lifecycleBase+`
moota {
  api_token       = env("LUNAS_TEST_MOOTA_TOKEN")
  base_url        = "https://api.moota.co/api/v2"
  reconcile_every = "30m"
  lookback        = "72h"
  writeback       = false
  bank_ids        = ["b1"]
  verify_payments = true
}
review {
  recheck    = ["1m", "10m"]
  notify_url = "https://hooks.slack.com/services/T/B/X"
}
reversal {
  window   = "240h"
  patterns = ["(?i)reversal"]
}
`), "lunas.hcl")
	if err != nil {
		t.Fatal(err)
	}
	want := &Moota{APIToken: "tok-123", BaseURL: "https://api.moota.co/api/v2", ReconcileEvery: 30 * time.Minute, Lookback: 72 * time.Hour, BankIDs: []string{"b1"}, VerifyPayments: true}
	if !reflect.DeepEqual(c.Moota, want) {
		t.Errorf("moota = %+v, want %+v", c.Moota, want)
	}
	if !reflect.DeepEqual(c.Review, Review{Recheck: []time.Duration{time.Minute, 10 * time.Minute}, NotifyURL: "https://hooks.slack.com/services/T/B/X", UnreachableAfter: DefaultUnreachableAfter}) {
		t.Errorf("review = %+v", c.Review)
	}
	if !reflect.DeepEqual(c.Reversal, Reversal{Window: 240 * time.Hour, Patterns: []string{"(?i)reversal"}}) {
		t.Errorf("reversal = %+v", c.Reversal)
	}
}

func TestLifecycleDefaults(t *testing.T) {
	c, err := Parse([]byte(lifecycleBase+`moota { api_token = "t" }`), "lunas.hcl")
	if err != nil {
		t.Fatal(err)
	}
	if c.Moota.BaseURL != DefaultMootaBaseURL || c.Moota.Lookback != DefaultLookback || !c.Moota.Writeback || c.Moota.ReconcileEvery != 0 || c.Moota.VerifyPayments {
		t.Errorf("moota defaults = %+v", c.Moota)
	}
	if !reflect.DeepEqual(c.Review.Recheck, DefaultRecheck) || c.Reversal.Window != DefaultReversalWindow {
		t.Errorf("review %+v reversal %+v", c.Review, c.Reversal)
	}
}

func TestLifecycleErrors(t *testing.T) {
	tests := map[string]struct{ hcl, want string }{
		"token missing":          {`moota {}`, "lunas.hcl:7: moota: api_token is required"},
		"bad base url":           {"moota {\n api_token = \"t\"\n base_url = \"ftp://x\"\n}", "moota: base_url must be an http(s) URL"},
		"reconcile too often":    {"moota {\n api_token = \"t\"\n reconcile_every = \"10s\"\n}", "at least 1m"},
		"lookback too long":      {"moota {\n api_token = \"t\"\n lookback = \"400h\"\n}", "at most 12d"},
		"verify not a bool":      {"moota {\n api_token = \"t\"\n verify_payments = \"yes\"\n}", "verify_payments"},
		"verify over http":       {"moota {\n api_token = \"t\"\n base_url = \"http://moota.example/api/v2\"\n verify_payments = true\n}", "verify_payments needs base_url over https"},
		"recheck order":          {`review { recheck = ["30m", "5m"] }`, "increasing order"},
		"recheck not a duration": {`review { recheck = ["soon"] }`, `"soon" is not a duration`},
		"bad notify url":         {`review { notify_url = "hooks" }`, "notify_url must be an http(s) URL"},
		"bad pattern":            {`reversal { patterns = ["(unclosed"] }`, "is not a regular expression"},
		"unknown attribute":      {`reversal { windw = "1h" }`, "windw"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := Parse([]byte(lifecycleBase+tt.hcl), "lunas.hcl")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "s3cret-value") {
				t.Fatal("error holds a secret")
			}
		})
	}
}
