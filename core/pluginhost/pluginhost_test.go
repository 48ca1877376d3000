package pluginhost

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/lunas-dev/lunas/internal/testutil"
	"github.com/lunas-dev/lunas/sdk"
)

func demoConfig(t testing.TB) Config {
	t.Helper()
	r := testutil.NewRedis(t)
	settings, _ := json.Marshal(map[string]any{"redis_addr": r.Addr, "redis_db": r.DB, "namespace": "pluginhost-test"})
	bin := testutil.Binary(t, "lunas-plugin-demo")
	return Config{Store: "demo", Plugin: "demo", Dir: filepath.Dir(bin), Settings: settings, Logger: hclog.NewNullLogger()}
}

func sum(t *testing.T, path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func TestStartFindsPluginNextToLunasAndChecksPin(t *testing.T) {
	cfg := demoConfig(t)
	bin := filepath.Join(cfg.Dir, BinaryName("demo"))

	cfg.SHA256 = sum(t, bin)
	p, err := Start(context.Background(), cfg)
	if err != nil {
		t.Fatalf("start with the right pin: %v", err)
	}
	if h, err := p.Health(context.Background(), &sdk.HealthRequest{}); err != nil || h.Status != "ok" {
		t.Fatalf("health: %+v %v", h, err)
	}
	p.Close()

	cfg.SHA256 = strings.Repeat("0", 64)
	if _, err := Start(context.Background(), cfg); err == nil || !sdk.IsPermanent(err) || !strings.Contains(err.Error(), "sha256 pin") {
		t.Fatalf("start with a wrong pin: %v, want a permanent error naming the pin", err)
	}
}

func TestResolveExplainsAMissingPlugin(t *testing.T) {
	_, err := Resolve(Config{Store: "toko", Plugin: "magento", Dir: t.TempDir()})
	if err == nil || !strings.Contains(err.Error(), "lunas-plugin-magento") || !strings.Contains(err.Error(), "make build") {
		t.Fatalf("err = %v", err)
	}
}

func TestConfigureErrorStopsStart(t *testing.T) {
	cfg := demoConfig(t)
	cfg.Settings = json.RawMessage(`{"redis_adr":"x"}`)
	_, err := Start(context.Background(), cfg)
	if err == nil || !sdk.IsPermanent(err) || !strings.Contains(err.Error(), "redis_adr") {
		t.Fatalf("err = %v, want a permanent error naming the misspelt setting", err)
	}
}

func TestRestartAfterCrash(t *testing.T) {
	p, err := Start(context.Background(), demoConfig(t))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	pid := p.client.ReattachConfig().Pid
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	// Calls fail with a retryable error until the plugin is back; then they work.
	var last error
	testutil.Eventually(t, 30*time.Second, "the plugin to be restarted", func() bool {
		_, last = p.Health(context.Background(), &sdk.HealthRequest{})
		if last != nil && sdk.IsPermanent(last) {
			t.Fatalf("a crash gave a permanent error: %v", last)
		}
		return last == nil
	})
	if n := p.Launches(); n != 2 {
		t.Fatalf("launches = %d, want 2", n)
	}
	if !p.Alive() {
		t.Fatal("plugin not alive after restart")
	}
}
