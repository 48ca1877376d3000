package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"

	"github.com/hashicorp/go-hclog"

	"github.com/lunas-dev/lunas/core/config"
	"github.com/lunas-dev/lunas/core/dev"
)

func runDev(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("dev", stderr)
	listen := fs.String("listen", "127.0.0.1:8080", "public listener (webhooks, /dev/orders)")
	adminListen := fs.String("admin-listen", "127.0.0.1:9090", "admin listener (asynqmon, /metrics); loopback only")
	secret := fs.String("secret", "dev-secret", "webhook secret")
	orders := fs.String("orders", "examples/dev/orders.json", "demo orders to seed")
	logLevel := fs.String("log-level", "info", "trace, debug, info, warn or error")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if host, _, err := net.SplitHostPort(*adminListen); err != nil || !isLoopback(host) {
		return &exitError{code: 2, err: fmt.Errorf("--admin-listen %q: lunas dev has no login, so its admin side stays on loopback", *adminListen)}
	}
	ordersPath, err := filepath.Abs(*orders)
	if err != nil {
		return err
	}
	if _, err := os.Stat(ordersPath); err != nil {
		return fmt.Errorf("demo orders: %w (run lunas dev from the repository, or pass --orders FILE)", err)
	}
	mr, err := dev.StartRedis()
	if err != nil {
		return fmt.Errorf("embedded redis: %w", err)
	}
	defer mr.Close()

	// The demo plugin serves its own order page on a socket in a private
	// directory; /dev/orders shows it (the core never reads a store's data).
	sockDir, err := os.MkdirTemp("", "lunas-dev-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(sockDir)
	ordersSocket := filepath.Join(sockDir, "orders.sock")
	settings, _ := json.Marshal(map[string]any{"redis_addr": mr.Addr(), "orders_file": ordersPath, "orders_socket": ordersSocket})
	cfg := &config.Config{
		Listen:   *listen,
		Admin:    config.Admin{Listen: *adminListen},
		Redis:    config.Redis{Addr: mr.Addr()},
		Worker:   config.Worker{Concurrency: config.DefaultConcurrency},
		Webhooks: []config.Webhook{{Name: "moota", Secrets: []string{*secret}, MaxBodyBytes: config.DefaultMaxBodyBytes}},
		Stores: []config.Store{{Name: "demo", Plugin: "demo", BankIDs: []string{config.AnyBank},
			Window: config.DefaultWindow, Timeout: config.DefaultTimeout, Settings: settings}},
		Review:   config.Review{Recheck: config.DefaultRecheck},
		Reversal: config.Reversal{Window: config.DefaultReversalWindow, Patterns: config.DefaultReversalPatterns},
	}
	if err := cfg.Validate(); err != nil {
		return err
	}
	app := &App{
		Config: cfg, Role: RoleAll,
		Logger: hclog.New(&hclog.LoggerOptions{Name: "lunas", Level: hclog.LevelFromString(*logLevel), Output: stderr}),
		PublicMux: func(mux *http.ServeMux) {
			mux.Handle("GET /dev/orders", dev.OrdersHandler(ordersSocket))
		},
	}
	if err := app.Open(ctx); err != nil {
		return err
	}
	defer app.Close()
	webhookURL := "http://" + app.PublicAddr + "/webhooks/moota"
	fmt.Fprintf(stdout, `
Lunas dev is running (embedded Redis, demo store; nothing is kept on disk).

  webhook secret  %s
  webhook URL     %s
  demo orders     http://%s/dev/orders
  asynqmon        http://%s/monitoring/
  metrics         http://%s/metrics

Send a test payment (pays order 1001, Rp 150.123):

  %s send --url %s --secret %s examples/payloads/bca_150123_inv1042.json

Press Ctrl+C to stop.
`, *secret, webhookURL, app.PublicAddr, app.AdminAddr, app.AdminAddr, selfName(), webhookURL, shellQuote(*secret))
	return app.Wait(ctx)
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func selfName() string {
	exe, err := os.Executable()
	if err != nil {
		return "lunas"
	}
	if wd, err := os.Getwd(); err == nil {
		if rel, err := filepath.Rel(wd, exe); err == nil && !filepath.IsAbs(rel) && len(rel) < len(exe) && rel[0] != '.' {
			return "./" + rel
		}
	}
	return exe
}

func shellQuote(s string) string {
	for _, c := range s {
		if !(c == '-' || c == '_' || c == '.' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
			return "'" + s + "'"
		}
	}
	return s
}
