package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/lunas-dev/lunas/internal/testutil"
)

func runCLI(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), args, &out, &errOut)
	return out.String(), errOut.String(), err
}

func TestSignPrintsMootasSignature(t *testing.T) {
	file := filepath.Join(testutil.RepoRoot(), "examples", "payloads", "bca_150123_inv1042.json")
	out, _, err := runCLI(t, "sign", "--secret", "test-secret-123", file)
	if err != nil || strings.TrimSpace(out) != "a26c39031c7ba1d6944f64e452c5bb55acc02220be03f316a31dda58648ff21b" {
		t.Fatalf("sign = %q, %v", out, err)
	}
	if _, _, err := runCLI(t, "sign", file); err == nil || !strings.Contains(err.Error(), "--secret") {
		t.Fatalf("sign without a secret: %v", err)
	}
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{{}, {"bogus"}, {"serve", "--role", "both"}, {"review", "frobnicate"}, {"replay"}} {
		_, _, err := runCLI(t, args...)
		var e *exitError
		if !errors.As(err, &e) || e.code != 2 {
			t.Errorf("lunas %v: %v, want a usage error (exit 2)", args, err)
		}
	}
	if out, _, err := runCLI(t, "version"); err != nil || !strings.HasPrefix(out, "lunas ") {
		t.Errorf("version = %q %v", out, err)
	}
}

func TestCheckStartsEachPluginAndCallsHealth(t *testing.T) {
	r := testutil.NewRedis(t)
	testutil.Binary(t, "lunas-plugin-demo")
	dir := t.TempDir()
	good := filepath.Join(dir, "good.hcl")
	redisBlock := fmt.Sprintf("redis {\n  addr = %q\n  db   = %d\n}\n", r.Addr, r.DB)
	os.WriteFile(good, []byte(`
webhook "moota" { secrets = ["s3cret-value"] }
`+redisBlock+`
store "demo" {
  plugin   = "demo"
  bank_ids = ["*"]
  settings = { redis_addr = "`+r.Addr+`" }
}`), 0o600)
	cmd := testutil.Binary(t, "lunas")
	out, err := execOut(cmd, "check", "--config", good)
	if err != nil || !strings.Contains(out, "configuration is valid") || !strings.Contains(out, "demo") || !strings.Contains(out, " ok ") {
		t.Fatalf("check of a good config: %v\n%s", err, out)
	}
	// The table names each plugin's version, from its build (make build
	// sets main.Version; go build records the VCS revision).
	if !regexp.MustCompile(`STORE +PLUGIN +VERSION +BANK IDS`).MatchString(out) {
		t.Fatalf("check prints no VERSION column:\n%s", out)
	}
	for _, line := range strings.Split(out, "\n") {
		if f := strings.Fields(line); len(f) >= 5 && f[0] == "demo" && (f[2] == "-" || f[2] == "") {
			t.Fatalf("the demo plugin reports no version: %q", line)
		}
	}
	bad := filepath.Join(dir, "bad.hcl")
	os.WriteFile(bad, []byte(`
webhook "moota" { secrets = ["s3cret-value"] }
`+redisBlock+`
store "demo" {
  plugin   = "demo"
  bank_ids = ["*"]
  settings = { redis_addr = "127.0.0.1:1" }
}`), 0o600)
	out, err = execOut(cmd, "check", "--config", bad)
	if err == nil || !strings.Contains(out, "error") || strings.Contains(out, "configuration is valid") {
		t.Fatalf("check with an unreachable store: %v\n%s", err, out)
	}
	typo := filepath.Join(dir, "typo.hcl")
	os.WriteFile(typo, []byte("webhok \"moota\" {}\n"), 0o600)
	out, err = execOut(cmd, "check", "--config", typo)
	if err == nil || !strings.Contains(out, "typo.hcl:1") {
		t.Fatalf("check of a misspelt block: %v\n%s", err, out)
	}
}

func execOut(bin string, args ...string) (string, error) {
	var b bytes.Buffer
	c := exec.Command(bin, args...)
	c.Stdout, c.Stderr = &b, &b
	err := c.Run()
	return b.String(), err
}

func TestPluginInitWritesASkeleton(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "magento")
	out, _, err := runCLI(t, "plugin", "init", "magento", "--dir", dir)
	if err != nil || !strings.Contains(out, "Wrote plugin") {
		t.Fatalf("plugin init: %v %s", err, out)
	}
	for _, f := range []string{"main.go", "store.go", "store_test.go", "README.md"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("skeleton lacks %s: %v", f, err)
		}
	}
	if _, _, err := runCLI(t, "plugin", "init", "Bad Name", "--dir", t.TempDir()); err == nil {
		t.Error("an invalid plugin name was accepted")
	}
	if _, _, err := runCLI(t, "plugin", "init", "magento", "--dir", dir); err == nil {
		t.Error("plugin init overwrote an existing skeleton")
	}
}
