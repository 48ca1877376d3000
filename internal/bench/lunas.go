package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/lunas-dev/lunas/core/pluginhost"
	"github.com/lunas-dev/lunas/sdk"
)

const lunasDB = 1

// startLunasReceiver runs `lunas serve --role receiver`: the production
// ingest path (limits, signature, parse, enqueue, audit, metrics).
func startLunasReceiver(bin, redisAddr string) (*server, error) {
	public, err := freeAddr()
	if err != nil {
		return nil, err
	}
	admin, err := freeAddr()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "lunas-bench-")
	if err != nil {
		return nil, err
	}
	cfg := fmt.Sprintf(`listen = %q
admin {
  listen = %q
}
redis {
  addr = %q
  db   = %d
}
webhook "moota" {
  secrets = [%q]
}
store "bench" {
  plugin   = "demo"
  bank_ids = ["*"]
}
`, public, admin, redisAddr, lunasDB, benchSecret)
	path := filepath.Join(dir, "lunas.hcl")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		return nil, err
	}
	cmd := exec.Command(filepath.Join(bin, "lunas"), append([]string{"serve", "--config", path, "--role", "receiver", "--log-level", "warn"}, profileArgs("receiver.pprof")...)...)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &server{name: "lunas", url: "http://" + public + "/webhooks/moota", db: lunasDB, cmd: cmd}
	return s, waitListening(public)
}

type rpcResult struct {
	name string
	lat  []time.Duration
}

func (r rpcResult) pct(p float64) time.Duration {
	return loadResult{lat: r.lat}.pct(p)
}

// timeRPC starts the demo plugin as the worker does and times round trips.
func timeRPC(ctx context.Context, bin, redisAddr string, n int) ([]rpcResult, error) {
	settings, _ := json.Marshal(map[string]any{"redis_addr": redisAddr, "redis_db": 3, "namespace": "bench"})
	p, err := pluginhost.Start(ctx, pluginhost.Config{Store: "bench", Plugin: "demo", Dir: bin, Settings: settings, Logger: hclog.NewNullLogger()})
	if err != nil {
		return nil, err
	}
	defer p.Close()
	calls := []struct {
		name string
		fn   func() error
	}{
		{"Health (empty round trip)", func() error { _, err := p.Health(ctx, &sdk.HealthRequest{}); return err }},
		{"FindOpenOrders (demo store, Redis read)", func() error {
			_, err := p.FindOpenOrders(ctx, &sdk.FindOpenOrdersRequest{Amount: sdk.Rupiah(150123), Since: time.Now().Add(-time.Hour)})
			return err
		}},
	}
	var out []rpcResult
	for _, c := range calls {
		for range 200 { // warm up connections and caches
			if err := c.fn(); err != nil {
				return nil, err
			}
		}
		lat := make([]time.Duration, 0, n)
		for range n {
			t0 := time.Now()
			if err := c.fn(); err != nil {
				return nil, err
			}
			lat = append(lat, time.Since(t0))
		}
		slices.Sort(lat)
		out = append(out, rpcResult{name: c.name, lat: lat})
	}
	return out, nil
}
