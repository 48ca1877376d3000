package shopify

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lunas-dev/lunas/sdk"
)

func validSettings() map[string]any {
	return map[string]any{"shop": "toko-sari.myshopify.com", "access_token": testAccessToken}
}

func TestConfigureRejectsBadSettings(t *testing.T) {
	dir := t.TempDir()
	notPEM := filepath.Join(dir, "not.pem")
	if err := os.WriteFile(notPEM, []byte("hello"), 0o600); err != nil {
		t.Fatal(err)
	}
	creds := map[string]any{"access_token": nil, "client_id": testClientID, "client_secret": testClientSecret}
	tests := map[string]struct {
		change map[string]any
		want   string // the setting the error must name
	}{
		"no shop":                      {map[string]any{"shop": nil}, "shop is required"},
		"shop with scheme":             {map[string]any{"shop": "https://toko-sari.myshopify.com"}, "shop"},
		"shop custom domain":           {map[string]any{"shop": "tokosari.id"}, "shop"},
		"shop with path":               {map[string]any{"shop": "toko-sari.myshopify.com/admin"}, "shop"},
		"version month":                {map[string]any{"api_version": "2026-02"}, "api_version"},
		"version form":                 {map[string]any{"api_version": "2026-1"}, "api_version"},
		"no credentials":               {map[string]any{"access_token": nil}, "access_token"},
		"both credentials":             {merge(creds, map[string]any{"access_token": testAccessToken}), "access_token and client_id/client_secret"},
		"id without secret":            {map[string]any{"access_token": nil, "client_id": testClientID}, "client_secret"},
		"secret without id":            {map[string]any{"access_token": nil, "client_secret": testClientSecret}, "client_id"},
		"no gateways":                  {map[string]any{"gateways": []string{}}, "gateways"},
		"blank gateway":                {map[string]any{"gateways": []string{"Bank Deposit", " "}}, "gateways[1]"},
		"tag with comma":               {map[string]any{"tags": []string{"lunas,paid"}}, "tags[0]"},
		"tag too long":                 {map[string]any{"tags": []string{strings.Repeat("x", 41)}}, "tags[0]"},
		"unknown placeholder":          {map[string]any{"note_template": "Lunas {jumlah}"}, "note_template"},
		"reversal id in payment note":  {map[string]any{"note_template": "Lunas {reversal_id}"}, "note_template: unknown placeholder {reversal_id}"},
		"reversal tag with comma":      {map[string]any{"reversal_tags": []string{"lunas,reversed"}}, "reversal_tags[0]"},
		"reversal tag too long":        {map[string]any{"reversal_tags": []string{"ok", strings.Repeat("x", 41)}}, "reversal_tags[1]"},
		"blank reversal tag":           {map[string]any{"reversal_tags": []string{" "}}, "reversal_tags[0] is empty"},
		"reversal unknown placeholder": {map[string]any{"reversal_note_template": "batal {alasan}"}, "reversal_note_template: unknown placeholder {alasan}"},
		"multi-line reversal note":     {map[string]any{"reversal_note_template": "batal\n{reversal_id}"}, "reversal_note_template"},
		"reversal leaves no sign": {map[string]any{"reversal_note_template": "", "reversal_tags": []string{}},
			"reversal_note_template and reversal_tags are both empty"},
		"multi-line note":        {map[string]any{"note_template": "a\nb"}, "note_template"},
		"timeout not a duration": {map[string]any{"timeout": "15"}, "timeout"},
		"timeout zero":           {map[string]any{"timeout": "0s"}, "timeout"},
		"base_url ftp":           {map[string]any{"base_url": "ftp://proxy.example.com"}, "base_url"},
		"base_url plain http":    {map[string]any{"base_url": "http://proxy.example.com"}, "base_url"},
		"base_url relative":      {map[string]any{"base_url": "proxy"}, "base_url"},
		"ca_file missing":        {map[string]any{"ca_file": filepath.Join(dir, "nope.pem")}, "ca_file"},
		"ca_file not PEM":        {map[string]any{"ca_file": notPEM}, "ca_file"},
		"misspelt setting":       {map[string]any{"acces_token": "x"}, "acces_token"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			settings := validSettings()
			for k, v := range tc.change {
				if v == nil {
					delete(settings, k)
				} else {
					settings[k] = v
				}
			}
			err := configure(New(nil), settings)
			if err == nil || !sdk.IsPermanent(err) {
				t.Fatalf("Configure(%v) = %v, want a permanent error", tc.change, err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not name %q", err, tc.want)
			}
			for _, secret := range []string{testAccessToken, testClientSecret} {
				if strings.Contains(err.Error(), secret) {
					t.Errorf("error %q repeats a credential", err)
				}
			}
		})
	}
}

func TestConfigureDefaults(t *testing.T) {
	st := New(nil)
	settings := validSettings()
	settings["shop"] = "Toko-Sari.myshopify.com"
	if err := configure(st, settings); err != nil {
		t.Fatal(err)
	}
	s, _ := st.configured()
	cfg := s.cfg
	if cfg.shop != "toko-sari.myshopify.com" || cfg.apiVersion != "2026-01" || cfg.timeout != 15*time.Second ||
		!slices.Equal(cfg.gateways, []string{"Bank Deposit"}) || !slices.Equal(cfg.tags, []string{"lunas-paid"}) ||
		cfg.note.text != DefaultNoteTemplate || !slices.Equal(cfg.reversalTags, []string{"lunas-reversed"}) ||
		cfg.reversalNote.text != DefaultReversalNoteTemplate || cfg.graphqlURL() != "https://toko-sari.myshopify.com/admin/api/2026-01/graphql.json" ||
		cfg.tokenURL() != "https://toko-sari.myshopify.com/admin/oauth/access_token" {
		t.Fatalf("defaults: %+v", cfg)
	}
	if err := configure(st, merge(validSettings(), map[string]any{"base_url": "http://127.0.0.1:8081/", "api_version": "2025-10"})); err != nil {
		t.Fatalf("loopback http base_url: %v", err)
	}
	if s, _ := st.configured(); s.cfg.graphqlURL() != "http://127.0.0.1:8081/admin/api/2025-10/graphql.json" {
		t.Fatalf("base_url endpoint = %s", s.cfg.graphqlURL())
	}
}

func TestUnconfiguredStoreFails(t *testing.T) {
	_, err := New(nil).Health(testCtx(t), &sdk.HealthRequest{})
	if !sdk.IsPermanent(err) {
		t.Fatalf("Health before Configure: %v, want a permanent error", err)
	}
}
