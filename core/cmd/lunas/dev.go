package main

import (
	"context"
	"encoding/json"
	"flag"
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

// devFlags are the flags of lunas dev.
type devFlags struct {
	listen, adminListen, secret, orders, logLevel string
}

func devCommand() *command {
	var o devFlags
	return &command{
		name: "dev", summary: "run locally with an embedded Redis and a demo store",
		about: `
Starts the bridge with an in-memory Redis and the demo store plugin (orders
from --orders), so a webhook can be sent and an order paid with nothing
installed. Nothing is kept on disk. Run it from the repository (make run).`,
		flags: func(fs *flag.FlagSet) {
			fs.StringVar(&o.listen, "listen", "127.0.0.1:8080", "public listener `address` (webhooks, /dev/orders)")
			fs.StringVar(&o.adminListen, "admin-listen", "127.0.0.1:9090", "admin listener `address` (asynqmon, /metrics); loopback only")
			fs.StringVar(&o.secret, "secret", "dev-secret", "webhook `secret`")
			fs.StringVar(&o.orders, "orders", "examples/dev/orders.json", "demo orders to seed (a JSON `file`)")
			choiceFlag(fs, &o.logLevel, "log-level", "info", logLevels, "log `level`: trace, debug, info, warn or error")
		},
		run: func(ctx context.Context, inv *invocation) error {
			if host, _, err := net.SplitHostPort(o.adminListen); err != nil || !isLoopback(host) {
				return inv.usageError("--admin-listen %q: lunas dev has no login, so its admin side stays on loopback", o.adminListen)
			}
			return runDev(ctx, o, inv.stdout, inv.stderr)
		},
	}
}

func runDev(ctx context.Context, o devFlags, stdout, stderr io.Writer) error {
	ordersPath, err := filepath.Abs(o.orders)
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
		Listen:               o.listen,
		MaxBodyBytesInFlight: config.DefaultMaxBodyBytesInFlight,
		Admin:                config.Admin{Listen: o.adminListen},
		Redis:                config.Redis{Addr: mr.Addr()},
		Worker:               config.Worker{Concurrency: config.DefaultConcurrency},
		Webhooks:             []config.Webhook{{Name: "moota", Secrets: []string{o.secret}, MaxBodyBytes: config.DefaultMaxBodyBytes}},
		Stores: []config.Store{{Name: "demo", Plugin: "demo", BankIDs: []string{config.AnyBank},
			Window: config.DefaultWindow, Slack: config.DefaultSlack, Timeout: config.DefaultTimeout, Settings: settings}},
		Review:   config.Review{Recheck: config.DefaultRecheck},
		Reversal: config.Reversal{Window: config.DefaultReversalWindow, Patterns: config.DefaultReversalPatterns},
	}
	if err := cfg.Validate(); err != nil {
		return err
	}
	app := &App{
		Config: cfg, Role: RoleAll,
		Logger: hclog.New(&hclog.LoggerOptions{Name: "lunas", Level: hclog.LevelFromString(o.logLevel), Output: stderr}),
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
`, o.secret, webhookURL, app.PublicAddr, app.AdminAddr, app.AdminAddr, selfName(), webhookURL, shellQuote(o.secret))
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
