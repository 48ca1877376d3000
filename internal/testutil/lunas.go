package testutil

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// LunasOptions describes a `lunas serve` process for an end-to-end test.
type LunasOptions struct {
	Redis  Redis  // where the queue lives
	Secret string // the "moota" webhook's secret; default "e2e-secret"
	// Stores is HCL with one or more store blocks (plugins are found next to
	// the lunas binary, which testutil.Binary builds into the same directory).
	Stores string
	// Extra is more top-level HCL (a worker block, ...).
	Extra string
	// Webhook is extra HCL inside the webhook "moota" block.
	Webhook string
	// Admin is extra HCL inside the admin block (username, password).
	Admin string
	Role  string   // default "all"
	Env   []string // added to the process environment
}

// Lunas is a running `lunas serve` process.
type Lunas struct {
	PublicURL string // http://127.0.0.1:PORT
	AdminURL  string
	Secret    string
	Config    string // the config file's path

	cmd    *exec.Cmd
	log    *syncBuffer
	exited chan struct{}
}

// StartLunas writes a config and starts `lunas serve` with it; the process
// is stopped when the test ends and its log printed if the test failed.
func StartLunas(t testing.TB, o LunasOptions) *Lunas {
	t.Helper()
	if o.Secret == "" {
		o.Secret = "e2e-secret"
	}
	if o.Role == "" {
		o.Role = "all"
	}
	bin := Binary(t, "lunas")
	// Make sure the bundled plugins sit next to the lunas binary.
	for _, name := range pluginNames(o.Stores) {
		if p := Binary(t, "lunas-plugin-"+name); filepath.Dir(p) != filepath.Dir(bin) {
			t.Fatalf("plugin %s built into %s, not next to lunas in %s", name, filepath.Dir(p), filepath.Dir(bin))
		}
	}
	public, admin := FreeAddr(t), FreeAddr(t)
	hcl := fmt.Sprintf(`listen = %q
admin {
  listen = %q
  %s
}
redis {
  addr = %q
  db   = %d
}
webhook "moota" {
  secrets = [%q]
  %s
}
%s
%s
`, public, admin, o.Admin, o.Redis.Addr, o.Redis.DB, o.Secret, o.Webhook, o.Extra, o.Stores)
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "lunas.hcl")
	if err := os.WriteFile(cfgPath, []byte(hcl), 0o600); err != nil {
		t.Fatal(err)
	}
	l := &Lunas{PublicURL: "http://" + public, AdminURL: "http://" + admin, Secret: o.Secret, Config: cfgPath,
		log: &syncBuffer{}, exited: make(chan struct{})}
	l.cmd = exec.Command(bin, "serve", "--config", cfgPath, "--role", o.Role, "--log-level", "debug")
	l.cmd.Env = append(os.Environ(), o.Env...)
	l.cmd.Stdout, l.cmd.Stderr = l.log, l.log
	if err := l.cmd.Start(); err != nil {
		t.Fatalf("start lunas: %v", err)
	}
	go func() { _ = l.cmd.Wait(); close(l.exited) }()
	t.Cleanup(func() {
		l.Stop()
		if t.Failed() {
			t.Logf("lunas log:\n%s", l.log.String())
		}
	})
	l.waitHealthy(t)
	return l
}

func pluginNames(hcl string) []string {
	var out []string
	for _, line := range strings.Split(hcl, "\n") {
		line = strings.TrimSpace(line)
		if rest, ok := strings.CutPrefix(line, "plugin"); ok {
			rest = strings.TrimSpace(rest)
			if rest, ok = strings.CutPrefix(rest, "="); ok {
				out = append(out, strings.Trim(strings.TrimSpace(rest), `"`))
			}
		}
	}
	return out
}

func (l *Lunas) waitHealthy(t testing.TB) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-l.exited:
			t.Fatalf("lunas exited during start:\n%s", l.log.String())
		default:
		}
		resp, err := http.Get(l.PublicURL + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("lunas did not become healthy:\n%s", l.log.String())
}

// Log returns what the process printed so far.
func (l *Lunas) Log() string { return l.log.String() }

// Stop sends SIGTERM and waits (then kills after 15s).
func (l *Lunas) Stop() {
	if l.cmd.Process == nil {
		return
	}
	select {
	case <-l.exited:
		return
	default:
	}
	_ = l.cmd.Process.Signal(os.Interrupt)
	select {
	case <-l.exited:
	case <-time.After(15 * time.Second):
		_ = l.cmd.Process.Kill()
		<-l.exited
	}
}

// Kill sends SIGKILL and waits.
func (l *Lunas) Kill() {
	_ = l.cmd.Process.Kill()
	<-l.exited
}

// Response is a webhook answer.
type Response struct {
	Status int
	Body   map[string]any
	Raw    string
}

// Send signs body with the webhook secret and POSTs it to /webhooks/moota.
func (l *Lunas) Send(t testing.TB, body []byte) Response {
	t.Helper()
	return l.SendSigned(t, body, SignHex(l.Secret, body))
}

// SendSigned POSTs body with the given Signature header ("" = none).
func (l *Lunas) SendSigned(t testing.TB, body []byte, signature string) Response {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, l.PublicURL+"/webhooks/moota", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if signature != "" {
		req.Header.Set("Signature", signature)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("POST webhook: %v", err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	r := Response{Status: resp.StatusCode, Raw: string(raw)}
	_ = json.Unmarshal(raw, &r.Body)
	return r
}

// Review returns the admin API's review items.
func (l *Lunas) Review(t testing.TB) []map[string]any {
	t.Helper()
	resp, err := http.Get(l.AdminURL + "/api/review?limit=1000")
	if err != nil {
		t.Fatalf("GET /api/review: %v", err)
	}
	defer resp.Body.Close()
	var out struct {
		Items []map[string]any `json:"items"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /api/review: status %d, %v", resp.StatusCode, err)
	}
	return out.Items
}

// SignHex is Moota's signature: hex HMAC-SHA256 of body keyed by secret.
func SignHex(secret string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return hex.EncodeToString(mac.Sum(nil))
}

// Eventually polls cond until it returns true or timeout passes.
func Eventually(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	for !cond() {
		select {
		case <-ctx.Done():
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// PID is the process id of lunas serve.
func (l *Lunas) PID() int { return l.cmd.Process.Pid }
