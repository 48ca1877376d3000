// Package pluginhost runs store plugins: it finds the binary, refuses it if
// others may write it, checks its sha256 pin and runs the very file it
// hashed, with a minimal environment (BaseEnv plus what the store's config
// names), launches it with go-plugin over gRPC with AutoMTLS, configures
// it, relays its hclog output, and restarts it after a crash. A Plugin is an
// sdk.Store the rest of the core calls like any other.
package pluginhost

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"

	"github.com/lunas-dev/lunas/sdk"
)

// Config describes one store's plugin.
type Config struct {
	Store    string          // the store's name, for logs and Configure
	Plugin   string          // "woocommerce" runs lunas-plugin-woocommerce from Dir
	Path     string          // an explicit binary path; wins over Plugin
	SHA256   string          // optional pin: lowercase hex sha256 of the binary
	Settings json.RawMessage // passed to Configure
	Dir      string          // where plugins live; default: DefaultDirs
	Logger   hclog.Logger    // default: a null logger
	// StartTimeout bounds launching and configuring; default 30s.
	StartTimeout time.Duration
	// PassEnv names the variables of Lunas's environment the plugin gets
	// besides BaseEnv: the store block's env list. Nothing else is inherited.
	PassEnv []string
	// Env is added to the plugin's environment as NAME=VALUE entries
	// (e.g. LUNAS_PLUGIN_LOG_LEVEL).
	Env []string
}

// Plugin is a running store plugin. It implements sdk.Store and
// sdk.Reverser, is safe for concurrent use, and relaunches the process on
// the next call after it died.
type Plugin struct {
	cfg  Config
	path string
	sum  []byte
	log  hclog.Logger

	mu          sync.Mutex
	client      *plugin.Client
	store       sdk.Store
	lastLaunch  time.Time
	launchCount int
	closed      bool
}

var (
	_ sdk.Store    = (*Plugin)(nil)
	_ sdk.Reverser = (*Plugin)(nil)
)

// BinaryName is the file name of the plugin called name.
func BinaryName(name string) string { return "lunas-plugin-" + name }

// Resolve returns the binary path for cfg, checking that it exists.
func Resolve(cfg Config) (string, error) {
	if cfg.Path != "" {
		p, err := filepath.Abs(cfg.Path)
		if err != nil {
			return "", err
		}
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("store %q: plugin binary %s: %w", cfg.Store, p, err)
		}
		return p, nil
	}
	if cfg.Plugin == "" {
		return "", fmt.Errorf("store %q: set plugin = \"NAME\" or path = \"...\"", cfg.Store)
	}
	dirs := []string{cfg.Dir}
	if cfg.Dir == "" {
		var err error
		if dirs, err = DefaultDirs(); err != nil {
			return "", err
		}
	}
	var tried []string
	for _, dir := range dirs {
		p := filepath.Join(dir, BinaryName(cfg.Plugin))
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
		tried = append(tried, p)
	}
	return "", fmt.Errorf("store %q: plugin %q not found at %s (run `make build`, or set path = \"...\" in the store block)", cfg.Store, cfg.Plugin, strings.Join(tried, " or "))
}

// DefaultDirs are where a bundled plugin is looked for when Config.Dir is
// empty, in order: the directory of the running lunas binary (as `make build`
// and the release archives lay them out), then ../lib/lunas beside it (as
// `make install` does: PREFIX/bin/lunas, PREFIX/lib/lunas/lunas-plugin-NAME,
// keeping the plugins off the PATH).
func DefaultDirs() ([]string, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	dir := filepath.Dir(exe)
	return []string{dir, filepath.Join(dir, "..", "lib", "lunas")}, nil
}

// Start launches and configures the plugin. The caller must Close it.
func Start(ctx context.Context, cfg Config) (*Plugin, error) {
	if cfg.Logger == nil {
		cfg.Logger = hclog.NewNullLogger()
	}
	if cfg.StartTimeout <= 0 {
		cfg.StartTimeout = 30 * time.Second
	}
	path, err := Resolve(cfg)
	if err != nil {
		return nil, err
	}
	p := &Plugin{cfg: cfg, path: path, log: cfg.Logger.Named("plugin").With("store", cfg.Store)}
	if cfg.SHA256 != "" {
		sum, err := hex.DecodeString(cfg.SHA256)
		if err != nil || len(sum) != sha256.Size {
			return nil, fmt.Errorf("store %q: sha256 must be 64 hex digits", cfg.Store)
		}
		p.sum = sum
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, err := p.launchLocked(ctx); err != nil {
		return nil, err
	}
	return p, nil
}

// Path is the plugin binary's path.
func (p *Plugin) Path() string { return p.path }

// Launches reports how many times the process was started (1 + restarts).
func (p *Plugin) Launches() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.launchCount
}

// Close stops the plugin process.
func (p *Plugin) Close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.closed = true
	if p.client != nil {
		p.client.Kill()
		p.client = nil
	}
}

func (p *Plugin) launchLocked(ctx context.Context) (sdk.Store, error) {
	p.lastLaunch = time.Now()
	p.launchCount++
	bin, err := openBinary(p.cfg.Store, p.path, p.sum)
	if err != nil {
		return nil, err
	}
	// The child has its own copy of the descriptor once started.
	defer bin.Close()
	if afterCheck != nil {
		afterCheck(p.path)
	}
	execPath, extra := bin.execPath()
	cmd := exec.Command(execPath)
	cmd.Args[0] = p.path
	cmd.ExtraFiles = extra
	cmd.Env = environment(p.cfg.PassEnv, p.cfg.Env)
	cc := &plugin.ClientConfig{
		HandshakeConfig:  sdk.Handshake,
		Plugins:          sdk.PluginMap(),
		Cmd:              cmd,
		AllowedProtocols: []plugin.Protocol{plugin.ProtocolGRPC},
		AutoMTLS:         true,
		Logger:           p.log,
		StartTimeout:     p.cfg.StartTimeout,
		// go-plugin would append all of os.Environ() to cmd.Env.
		SkipHostEnv: true,
	}
	client := plugin.NewClient(cc)
	rpc, err := client.Client()
	if err != nil {
		client.Kill()
		return nil, sdk.Retryable(fmt.Errorf("store %q: start plugin %s: %w", p.cfg.Store, p.path, err), time.Second)
	}
	raw, err := rpc.Dispense(sdk.PluginName)
	if err != nil {
		client.Kill()
		return nil, sdk.Permanent(fmt.Errorf("store %q: plugin %s is not a Lunas store plugin: %w", p.cfg.Store, p.path, err))
	}
	store, ok := raw.(sdk.Store)
	if !ok {
		client.Kill()
		return nil, sdk.Permanent(fmt.Errorf("store %q: plugin %s dispensed %T", p.cfg.Store, p.path, raw))
	}
	cctx, cancel := context.WithTimeout(ctx, p.cfg.StartTimeout)
	defer cancel()
	settings := p.cfg.Settings
	if len(settings) == 0 {
		settings = json.RawMessage("{}")
	}
	if _, err := store.Configure(cctx, &sdk.ConfigureRequest{StoreName: p.cfg.Store, Settings: settings}); err != nil {
		client.Kill()
		return nil, &ConfigureError{Store: p.cfg.Store, Err: err}
	}
	if p.launchCount > 1 {
		p.log.Warn("plugin restarted", "launches", p.launchCount)
	}
	p.client, p.store = client, store
	return store, nil
}

// ConfigureError is the plugin's Configure failing at start: for a
// permanent error (sdk.IsPermanent), the plugin refused the store block's
// settings.
type ConfigureError struct {
	Store string // the store's name
	Err   error  // the plugin's error, classified
}

func (e *ConfigureError) Error() string {
	return fmt.Sprintf("store %q: configure: %v", e.Store, e.Err)
}

// Unwrap returns the plugin's error.
func (e *ConfigureError) Unwrap() error { return e.Err }

// afterCheck, when set by a test, runs between the checks of a binary and
// its launch: where an attacker would swap the file.
var afterCheck func(path string)

// restartEvery is the shortest time between two launches, so that a plugin
// that dies at start does not spin.
const restartEvery = 250 * time.Millisecond

// current returns the live store, relaunching a dead process (at most once
// every restartEvery).
func (p *Plugin) current(ctx context.Context) (sdk.Store, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return nil, sdk.Retryable(fmt.Errorf("store %q: plugin is shutting down", p.cfg.Store), time.Second)
	}
	if p.client != nil && !p.client.Exited() {
		return p.store, nil
	}
	if p.client != nil {
		p.log.Error("plugin process exited; restarting it")
		p.client.Kill()
		p.client = nil
	}
	// Wait out the rest of the interval rather than failing every task
	// taken meanwhile: each failure would use up one of its retries.
	if wait := restartEvery - time.Since(p.lastLaunch); wait > 0 {
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, sdk.Retryable(fmt.Errorf("store %q: plugin crashed; restarting: %w", p.cfg.Store, ctx.Err()), time.Second)
		case <-t.C:
		}
	}
	return p.launchLocked(ctx)
}

// crashed turns an error from a call during which the process died into a
// retryable one: the task is retried against the restarted plugin.
func (p *Plugin) crashed(err error) error {
	if err == nil {
		return nil
	}
	p.mu.Lock()
	dead := p.client != nil && p.client.Exited()
	p.mu.Unlock()
	if dead {
		// A second is enough: the next call relaunches the plugin. The core's
		// exponential backoff would park every task that was in flight.
		return sdk.Retryable(fmt.Errorf("store %q: plugin crashed during the call: %w", p.cfg.Store, err), time.Second)
	}
	return err
}

// Configure re-sends the settings (rarely needed: Start configures).
func (p *Plugin) Configure(ctx context.Context, req *sdk.ConfigureRequest) (*sdk.ConfigureResponse, error) {
	s, err := p.current(ctx)
	if err != nil {
		return nil, err
	}
	resp, err := s.Configure(ctx, req)
	return resp, p.crashed(err)
}

// FindOpenOrders forwards to the plugin.
func (p *Plugin) FindOpenOrders(ctx context.Context, req *sdk.FindOpenOrdersRequest) (*sdk.FindOpenOrdersResponse, error) {
	s, err := p.current(ctx)
	if err != nil {
		return nil, err
	}
	resp, err := s.FindOpenOrders(ctx, req)
	return resp, p.crashed(err)
}

// ApplyPayment forwards to the plugin.
func (p *Plugin) ApplyPayment(ctx context.Context, req *sdk.ApplyPaymentRequest) (*sdk.ApplyPaymentResponse, error) {
	s, err := p.current(ctx)
	if err != nil {
		return nil, err
	}
	resp, err := s.ApplyPayment(ctx, req)
	return resp, p.crashed(err)
}

// Health forwards to the plugin.
func (p *Plugin) Health(ctx context.Context, req *sdk.HealthRequest) (*sdk.HealthResponse, error) {
	s, err := p.current(ctx)
	if err != nil {
		return nil, err
	}
	resp, err := s.Health(ctx, req)
	return resp, p.crashed(err)
}

// ReversePayment forwards to the plugin; plugins without it answer sdk.ErrUnimplemented.
func (p *Plugin) ReversePayment(ctx context.Context, req *sdk.ReversePaymentRequest) (*sdk.ReversePaymentResponse, error) {
	s, err := p.current(ctx)
	if err != nil {
		return nil, err
	}
	rev, ok := s.(sdk.Reverser)
	if !ok {
		return nil, sdk.Permanent(fmt.Errorf("store %q: %w", p.cfg.Store, sdk.ErrUnimplemented))
	}
	resp, err := rev.ReversePayment(ctx, req)
	return resp, p.crashed(err)
}

// Alive reports whether the plugin process is running.
func (p *Plugin) Alive() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.client != nil && !p.client.Exited()
}
