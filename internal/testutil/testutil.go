// Package testutil starts the real parts tests talk to: a throwaway
// redis-server and binaries built from this repository.
package testutil

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// Redis is a Redis database reserved for one test.
type Redis struct {
	Addr string
	DB   int
}

// Options returns go-redis options for the database.
func (r Redis) Options() *redis.Options { return &redis.Options{Addr: r.Addr, DB: r.DB} }

// URL returns a redis:// URL for the database.
func (r Redis) URL() string { return fmt.Sprintf("redis://%s/%d", r.Addr, r.DB) }

// NewRedis reserves an empty Redis database for t. Under `make test`
// (LUNAS_TEST_REDIS_ADDR set) it takes a fresh database number on the shared
// throwaway server; otherwise it starts a redis-server of its own.
func NewRedis(t testing.TB) Redis {
	t.Helper()
	addr := os.Getenv("LUNAS_TEST_REDIS_ADDR")
	if addr == "" {
		return Redis{Addr: StartRedis(t, nil).Addr}
	}
	c := redis.NewClient(&redis.Options{Addr: addr})
	defer c.Close()
	n, err := c.Incr(context.Background(), "lunas:test:next-db").Result()
	if err != nil {
		t.Fatalf("reserve a test database on %s: %v", addr, err)
	}
	db := int(n)
	if db >= 4096 {
		t.Fatalf("shared test redis ran out of databases")
	}
	r := Redis{Addr: addr, DB: db}
	t.Cleanup(func() {
		c := redis.NewClient(r.Options())
		defer c.Close()
		c.FlushDB(context.Background())
	})
	return r
}

// RedisServer is a redis-server process owned by a test.
type RedisServer struct {
	Addr string
	Dir  string
	args []string
	cmd  *exec.Cmd
}

// StartRedis starts a redis-server on a free loopback port with its data in
// a temporary directory, extra args appended (e.g. "--appendfsync", "always").
// It keeps an append-only file there (not fsynced), because lunas serve
// refuses a Redis without persistence unless told otherwise.
// It is stopped when the test ends.
func StartRedis(t testing.TB, extra []string) *RedisServer {
	t.Helper()
	if _, err := exec.LookPath("redis-server"); err != nil {
		t.Fatalf("redis-server is not installed (apt-get install -y redis-server): %v", err)
	}
	s := &RedisServer{Addr: FreeAddr(t), Dir: t.TempDir()}
	_, port, _ := net.SplitHostPort(s.Addr)
	s.args = append([]string{"--bind", "127.0.0.1", "--port", port, "--dir", s.Dir, "--save", "", "--appendonly", "yes", "--appendfsync", "no", "--databases", "64"}, extra...)
	s.Start(t)
	t.Cleanup(s.Stop)
	return s
}

// Start (re)starts the server with the same port, directory and arguments.
func (s *RedisServer) Start(t testing.TB) {
	t.Helper()
	s.cmd = exec.Command("redis-server", s.args...)
	if err := s.cmd.Start(); err != nil {
		t.Fatalf("start redis-server: %v", err)
	}
	c := redis.NewClient(&redis.Options{Addr: s.Addr})
	defer c.Close()
	deadline := time.Now().Add(10 * time.Second)
	for c.Ping(context.Background()).Err() != nil {
		if time.Now().After(deadline) {
			t.Fatalf("redis-server on %s did not come up", s.Addr)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Stop kills the server and waits for it to exit.
func (s *RedisServer) Stop() {
	if s.cmd != nil && s.cmd.Process != nil {
		_ = s.cmd.Process.Kill()
		_ = s.cmd.Wait()
		s.cmd = nil
	}
}

// FreeAddr returns a loopback address with a port that was free a moment ago.
func FreeAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("find a free port: %v", err)
	}
	defer l.Close()
	return l.Addr().String()
}

// RepoRoot returns the repository's top directory.
func RepoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

var (
	buildMu  sync.Mutex
	builtDir string
)

// Binary returns the path of a binary built from this repository, e.g.
// Binary(t, "lunas-plugin-demo") builds ./plugins/demo, Binary(t, "lunas")
// builds ./core/cmd/lunas. Under `make test` (LUNAS_TEST_BIN set to the
// bin/ directory that `make build` filled) it uses that; otherwise it builds
// into a directory shared by the test binary, once per name.
func Binary(t testing.TB, name string) string {
	t.Helper()
	if dir := os.Getenv("LUNAS_TEST_BIN"); dir != "" {
		p := filepath.Join(dir, name)
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	buildMu.Lock()
	defer buildMu.Unlock()
	if builtDir == "" {
		d, err := os.MkdirTemp("", "lunas-test-bin-"+strconv.Itoa(os.Getpid())+"-")
		if err != nil {
			t.Fatal(err)
		}
		builtDir = d
	}
	out := filepath.Join(builtDir, name)
	if _, err := os.Stat(out); err == nil {
		return out
	}
	pkg := "./core/cmd/lunas"
	if rest, ok := strings.CutPrefix(name, "lunas-plugin-"); ok {
		pkg = "./plugins/" + rest
	}
	cmd := exec.Command("go", "build", "-o", out, pkg)
	cmd.Dir = RepoRoot()
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", pkg, err, b)
	}
	return out
}
