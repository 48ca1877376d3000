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

// rpcCall is one kind of round trip to time.
type rpcCall struct {
	name string
	fn   func() error
}

// timeRPC times plugin round trips as the worker makes them (pluginhost,
// gRPC, AutoMTLS) and the bare gRPC floor, n calls of each. The first
// result is Health on emptyStore, the RPC alone, which is what issue 16's
// target is about; then calls that the demo plugin answers with its Redis,
// for what a store's own work adds; the last is the floor.
func timeRPC(ctx context.Context, bin, redisAddr string, n int) ([]rpcResult, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	empty, err := pluginhost.Start(ctx, pluginhost.Config{Store: "bench-empty", Path: exe, Logger: hclog.NewNullLogger()})
	if err != nil {
		return nil, err
	}
	defer empty.Close()
	settings, _ := json.Marshal(map[string]any{"redis_addr": redisAddr, "redis_db": 3, "namespace": "bench"})
	demo, err := pluginhost.Start(ctx, pluginhost.Config{Store: "bench", Plugin: "demo", Dir: bin, Settings: settings, Logger: hclog.NewNullLogger()})
	if err != nil {
		return nil, err
	}
	defer demo.Close()
	bare, stop, err := startBareGRPC(ctx)
	if err != nil {
		return nil, err
	}
	defer stop()
	return timeCalls([]rpcCall{
		{"Health (empty store: the RPC alone)", func() error { _, err := empty.Health(ctx, &sdk.HealthRequest{}); return err }},
		{"Health (demo store: one Redis PING)", func() error { _, err := demo.Health(ctx, &sdk.HealthRequest{}); return err }},
		{"FindOpenOrders (demo store, Redis read)", func() error {
			_, err := demo.FindOpenOrders(ctx, &sdk.FindOpenOrdersRequest{Amount: sdk.Rupiah(150123), Since: time.Now().Add(-time.Hour)})
			return err
		}},
		bare,
	}, n)
}

// Warm-up calls of each kind, and the calls timed in one turn.
const (
	rpcWarmup = 200
	rpcBlock  = 250
)

// timeCalls warms up each call, then times n of each in blocks of rpcBlock
// taken in turn, so that a noisy machine's slow and fast spells fall on
// every kind alike rather than on whichever ran during them. Each result
// holds n latencies, sorted.
func timeCalls(calls []rpcCall, n int) ([]rpcResult, error) {
	out := make([]rpcResult, len(calls))
	for i, c := range calls {
		for range rpcWarmup {
			if err := c.fn(); err != nil {
				return nil, fmt.Errorf("%s: %w", c.name, err)
			}
		}
		out[i] = rpcResult{name: c.name, lat: make([]time.Duration, 0, n)}
	}
	for done := 0; done < n; done += rpcBlock {
		for i, c := range calls {
			for range min(rpcBlock, n-done) {
				t0 := time.Now()
				if err := c.fn(); err != nil {
					return nil, fmt.Errorf("%s: %w", c.name, err)
				}
				out[i].lat = append(out[i].lat, time.Since(t0))
			}
		}
	}
	for _, r := range out {
		slices.Sort(r.lat)
	}
	return out, nil
}
