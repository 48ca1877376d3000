package pluginhost

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/lunas-dev/lunas/sdk"
)

// privateCopy copies the demo plugin into a fresh 0700 folder with mode
// perm and returns its path.
func privateCopy(t *testing.T, cfg Config, perm os.FileMode) string {
	t.Helper()
	src, err := os.Open(filepath.Join(cfg.Dir, BinaryName("demo")))
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dir := t.TempDir()
	dst := filepath.Join(dir, BinaryName("demo"))
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_EXCL, 0o700)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, src); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dst, perm); err != nil {
		t.Fatal(err)
	}
	return dst
}

// TestPluginEnvironmentHoldsNoSecret is attack 3 of issue 12: every plugin
// could read Lunas's secrets in /proc/PID/environ. Only BaseEnv and what the
// store's config names may be there.
func TestPluginEnvironmentHoldsNoSecret(t *testing.T) {
	secrets := map[string]string{
		"LUNAS_WEBHOOK_SECRET":      "whsec-should-not-leak-1",
		"LUNAS_ADMIN_PASSWORD":      "admin-should-not-leak-2",
		"LUNAS_OTHER_STORE_KEY":     "ck_should_not_leak_3",
		"AWS_SECRET_ACCESS_KEY":     "aws-should-not-leak-4",
		"LUNAS_PLUGIN_LOG_LEVEL_XX": "not-named-5",
	}
	for k, v := range secrets {
		t.Setenv(k, v)
	}
	t.Setenv("LUNAS_STORE_TOKEN", "passed-on-purpose")
	t.Setenv("TZ", "Asia/Jakarta")
	cfg := demoConfig(t)
	cfg.PassEnv = []string{"LUNAS_STORE_TOKEN", "NOT_SET_ANYWHERE"}
	cfg.Env = []string{"LUNAS_PLUGIN_LOG_LEVEL=debug"}
	p, err := Start(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	raw, err := os.ReadFile("/proc/" + strconv.Itoa(p.client.ReattachConfig().Pid) + "/environ")
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{}
	for _, kv := range bytes.Split(raw, []byte{0}) {
		if k, v, ok := strings.Cut(string(kv), "="); ok {
			env[k] = v
		}
	}
	for k, v := range secrets {
		if bytes.Contains(raw, []byte(v)) {
			t.Errorf("the plugin's environment holds %s", k)
		}
	}
	for k, want := range map[string]string{"LUNAS_STORE_TOKEN": "passed-on-purpose", "TZ": "Asia/Jakarta", "PATH": os.Getenv("PATH"), "LUNAS_PLUGIN_LOG_LEVEL": "debug"} {
		if env[k] != want {
			t.Errorf("the plugin's %s = %q; want %q", k, env[k], want)
		}
	}
	for k := range env {
		switch {
		case k == "LUNAS_STORE_TOKEN" || k == "LUNAS_PLUGIN_LOG_LEVEL" || strings.HasPrefix(k, "PLUGIN_") || k == sdk.Handshake.MagicCookieKey:
		case contains(BaseEnv, k):
		default:
			t.Errorf("the plugin inherited %s", k)
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestSwappedBinaryIsNotExecuted is attack 7 of issue 12: the pin was
// checked on the path and the path executed afterwards, so a file renamed
// over it in between ran unchecked. The launch must run the bytes hashed.
func TestSwappedBinaryIsNotExecuted(t *testing.T) {
	cfg := demoConfig(t)
	cfg.Plugin, cfg.Path = "", privateCopy(t, cfg, 0o755)
	cfg.SHA256 = sum(t, cfg.Path)
	marker := filepath.Join(t.TempDir(), "evil-ran")
	evil := filepath.Join(filepath.Dir(cfg.Path), "evil")
	if err := os.WriteFile(evil, []byte("#!/bin/sh\ntouch '"+marker+"'\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	afterCheck = func(path string) {
		if err := os.Rename(evil, path); err != nil {
			t.Errorf("swap: %v", err)
		}
	}
	t.Cleanup(func() { afterCheck = nil })
	p, err := Start(context.Background(), cfg)
	if _, statErr := os.Stat(marker); statErr == nil {
		t.Fatal("the binary swapped in after the pin check was executed")
	}
	if err != nil {
		t.Fatalf("start: %v; want the checked binary to run", err)
	}
	defer p.Close()
	if h, err := p.Health(context.Background(), &sdk.HealthRequest{}); err != nil || h.Status != "ok" {
		t.Fatalf("health: %+v %v", h, err)
	}
	// The next launch checks the path again and finds the swapped file.
	afterCheck = nil
	p.Close()
	if _, err := Start(context.Background(), cfg); err == nil || !strings.Contains(err.Error(), "sha256 pin") {
		t.Fatalf("start of the swapped file: %v; want a pin mismatch", err)
	}
}

// TestUnsafePermissionsAreRefused is attack 7's second half: a plugin that
// others may write, or that sits in a folder others may write, is refused
// with a message that says how to fix it.
func TestUnsafePermissionsAreRefused(t *testing.T) {
	cfg := demoConfig(t)
	tests := []struct {
		name      string
		file, dir os.FileMode
		wantErr   string
	}{
		{"world-writable binary", 0o777, 0o700, "writable by its group or by everyone (mode 0777; chmod go-w it)"},
		{"group-writable binary", 0o775, 0o700, "writable by its group or by everyone (mode 0775"},
		{"world-writable folder", 0o755, 0o777, "is writable by its group or by everyone (mode 0777"},
		{"safe", 0o755, 0o755, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := cfg
			c.Plugin, c.Path = "", privateCopy(t, cfg, tt.file)
			if err := os.Chmod(filepath.Dir(c.Path), tt.dir); err != nil {
				t.Fatal(err)
			}
			p, err := Start(context.Background(), c)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				p.Close()
				return
			}
			if err == nil {
				p.Close()
				t.Fatal("started an unsafe plugin")
			}
			if !sdk.IsPermanent(err) || !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), "refusing to run it") {
				t.Fatalf("err = %v; want a permanent error containing %q", err, tt.wantErr)
			}
		})
	}
}
