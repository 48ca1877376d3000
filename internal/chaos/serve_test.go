package chaos

import (
	"bytes"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/lunas-dev/lunas/internal/testutil"
)

// server is a `lunas serve --role all` started with a whole config of the
// test's own: testutil.StartLunas writes its redis block itself, and the
// Sentinel test needs another one.
type server struct {
	PublicURL string
	cmd       *exec.Cmd
	log       *lockedBuffer
	exited    chan struct{}
}

// serve writes hcl (which must listen on public) and starts lunas with it;
// the process is stopped when the test ends, and its log printed if the
// test failed.
func serve(t *testing.T, hcl, public string) *server {
	t.Helper()
	cfg := filepath.Join(t.TempDir(), "lunas.hcl")
	if err := os.WriteFile(cfg, []byte(hcl), 0o600); err != nil {
		t.Fatal(err)
	}
	s := &server{PublicURL: "http://" + public, log: &lockedBuffer{}, exited: make(chan struct{})}
	s.cmd = exec.Command(testutil.Binary(t, "lunas"), "serve", "--config", cfg, "--role", "all")
	s.cmd.Stdout, s.cmd.Stderr = s.log, s.log
	if err := s.cmd.Start(); err != nil {
		t.Fatalf("start lunas: %v", err)
	}
	go func() { _ = s.cmd.Wait(); close(s.exited) }()
	t.Cleanup(func() {
		_ = s.cmd.Process.Signal(os.Interrupt)
		select {
		case <-s.exited:
		case <-time.After(15 * time.Second):
			_ = s.cmd.Process.Kill()
			<-s.exited
		}
		if t.Failed() {
			t.Logf("lunas log:\n%s", s.log.String())
		}
	})
	testutil.Eventually(t, time.Minute, "lunas to answer /healthz", func() bool {
		select {
		case <-s.exited:
			t.Fatalf("lunas exited during start:\n%s", s.log.String())
		default:
		}
		resp, err := http.Get(s.PublicURL + "/healthz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
	return s
}

// lockedBuffer is a bytes.Buffer safe for concurrent writes.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
