package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lunas-dev/lunas/internal/testutil"
)

// TestTLSBlocks reads tls blocks for both listeners; relative paths are
// relative to the configuration file, not the working directory.
func TestTLSBlocks(t *testing.T) {
	dir := t.TempDir()
	ca := testutil.NewCA(t, "test CA")
	ca.Issue(t, dir, "public")
	adminCert, adminKey, _ := ca.Issue(t, dir, "admin")
	path := filepath.Join(dir, "lunas.hcl")
	src := lifecycleBase + `
tls {
  cert_file = "public.crt"
  key_file  = "public.key"
}
admin {
  tls {
    cert_file = "` + adminCert + `"
    key_file  = "` + adminKey + `"
  }
}`
	if err := os.WriteFile(path, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if c.TLS == nil || c.TLS.CertFile != filepath.Join(dir, "public.crt") || c.TLS.KeyFile != filepath.Join(dir, "public.key") {
		t.Errorf("public tls = %+v", c.TLS)
	}
	if c.Admin.TLS == nil || c.Admin.TLS.CertFile != adminCert || c.Admin.TLS.KeyFile != adminKey {
		t.Errorf("admin tls = %+v", c.Admin.TLS)
	}
	c, err = Parse([]byte(lifecycleBase), "lunas.hcl")
	if err != nil || c.TLS != nil || c.Admin.TLS != nil {
		t.Errorf("without tls blocks: %+v %+v %v", c.TLS, c.Admin.TLS, err)
	}
}

func TestTLSErrors(t *testing.T) {
	dir := t.TempDir()
	ca := testutil.NewCA(t, "test CA")
	cert, key, _ := ca.Issue(t, dir, "one")
	_, otherKey, _ := ca.Issue(t, dir, "two")
	tests := map[string]struct{ hcl, want string }{
		"no key":       {"tls {\n  cert_file = \"" + cert + "\"\n}", "lunas.hcl:7: tls: key_file is required"},
		"no cert":      {"admin {\n  tls {\n    key_file = \"" + key + "\"\n  }\n}", "lunas.hcl:8: admin: tls: cert_file is required"},
		"missing file": {"tls {\n  cert_file = \"nowhere.crt\"\n  key_file = \"" + key + "\"\n}", "lunas.hcl:8: tls: cannot use cert_file and key_file: open nowhere.crt"},
		"wrong key":    {"tls {\n  cert_file = \"" + cert + "\"\n  key_file = \"" + otherKey + "\"\n}", "lunas.hcl:8: tls: cannot use cert_file and key_file: tls: private key does not match public key"},
		"twice":        {"tls {\n  cert_file = \"" + cert + "\"\n  key_file = \"" + key + "\"\n}\ntls {\n}", "lunas.hcl:11: duplicate tls block"},
		"misspelt":     {"tls {\n  certfile = \"" + cert + "\"\n}", "certfile"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := Parse([]byte(lifecycleBase+tt.hcl), "lunas.hcl")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}
