package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lunas-dev/lunas/internal/testutil"
)

// TestCheckReportsWhatServeWouldRefuse: check fails, naming file:line, on
// each thing serve refuses at start, and says "valid" only without them.
func TestCheckReportsWhatServeWouldRefuse(t *testing.T) {
	testutil.Binary(t, "lunas-plugin-woocommerce")
	testutil.Binary(t, "lunas-plugin-demo")
	cmd := testutil.Binary(t, "lunas")
	r := testutil.NewRedis(t)
	dir := t.TempDir()
	write := func(name, redis, store string) string {
		t.Helper()
		path := filepath.Join(dir, name)
		// Line 1 is empty, the redis block starts on line 3, the store on line 8.
		src := "\nwebhook \"moota\" { secrets = [\"s3cret-value\"] }\n" + redis + "\n" + store + "\n"
		if err := os.WriteFile(path, []byte(src), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	redisAt := func(addr string, db int, persistence bool) string {
		return fmt.Sprintf("redis {\n  addr = %q\n  db   = %d\n  require_persistence = %v\n}", addr, db, persistence)
	}
	demo := fmt.Sprintf("store \"demo\" {\n  plugin   = \"demo\"\n  bank_ids = [\"*\"]\n  settings = { redis_addr = %q, redis_db = %d }\n}", r.Addr, r.DB)

	t.Run("a misspelt plugin setting", func(t *testing.T) {
		woo := "store \"toko-budi\" {\n  plugin   = \"woocommerce\"\n  bank_ids = [\"*\"]\n  settings = {\n" +
			"    base_url     = \"https://toko.example\"\n    consumer_key = \"ck_0123456789abcdef\"\n" +
			"    consumer_kye = \"cs_0123456789abcdef\"\n  }\n}"
		path := write("woo.hcl", redisAt(r.Addr, r.DB, true), woo)
		out, err := execOut(cmd, "check", "--config", path)
		want := path + `:11: store "toko-budi": settings: the plugin refused them: unknown field "consumer_kye"`
		if err == nil || !strings.Contains(out, want) || strings.Contains(out, "configuration is valid") {
			t.Fatalf("check with a misspelt setting: %v\n%s\nwant a failure with %q", err, out, want)
		}
		if strings.Contains(out, "cs_0123456789abcdef") || strings.Contains(out, "ck_0123456789abcdef") {
			t.Errorf("check prints a consumer key or secret:\n%s", out)
		}
	})

	t.Run("a Redis that keeps nothing on disk", func(t *testing.T) {
		volatile := testutil.StartRedis(t, []string{"--appendonly", "no", "--save", ""})
		path := write("volatile.hcl", redisAt(volatile.Addr, 0, true), demo)
		out, err := execOut(cmd, "check", "--config", path)
		want := path + ":6: redis keeps nothing on disk"
		if err == nil || !strings.Contains(out, want) || strings.Contains(out, "configuration is valid") {
			t.Fatalf("check on a Redis without persistence: %v\n%s\nwant a failure with %q", err, out, want)
		}
		// Told not to insist, check accepts it, as serve does.
		path = write("volatile-ok.hcl", redisAt(volatile.Addr, 0, false), demo)
		if out, err := execOut(cmd, "check", "--config", path); err != nil || !strings.Contains(out, "configuration is valid") {
			t.Fatalf("check with require_persistence = false: %v\n%s", err, out)
		}
	})

	t.Run("a Redis that does not answer", func(t *testing.T) {
		path := write("down.hcl", redisAt(testutil.FreeAddr(t), 0, true), demo)
		out, err := execOut(cmd, "check", "--config", path)
		want := path + ":4: redis: dial tcp"
		if err == nil || !strings.Contains(out, want) || strings.Contains(out, "configuration is valid") {
			t.Fatalf("check with Redis down: %v\n%s\nwant a failure with %q", err, out, want)
		}
	})

	t.Run("a good config", func(t *testing.T) {
		path := write("good.hcl", redisAt(r.Addr, r.DB, true), demo)
		out, err := execOut(cmd, "check", "--config", path)
		if err != nil || !strings.Contains(out, path+": configuration is valid") {
			t.Fatalf("check of a good config: %v\n%s", err, out)
		}
	})
}
