package ops

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/go-hclog"
	"github.com/hibiken/asynq"
)

// routes are every admin route; each must be behind the login.
var allRoutes = []string{"/", "/monitoring/", "/monitoring/api/queues", "/metrics", "/readyz", "/api/review", "/nope"}

func TestAuth(t *testing.T) {
	_, redis := serve(t, Config{})
	h := newHandler(t, Config{Username: testUser, Password: testPass, Review: &fakeLister{}, RedisOpt: asynq.RedisClientOpt{Addr: redis.Addr, DB: redis.DB}})
	tests := []struct {
		name       string
		user, pass string
		wantOK     bool
	}{
		{"no credentials", "", "", false},
		{"wrong username", "admin", testPass, false},
		{"wrong password", testUser, "correct-horse-battery-staple", false},
		{"password prefix", testUser, testPass[:5], false},
		{"empty password", testUser, "", false},
		{"swapped", testPass, testUser, false},
		{"right credentials", testUser, testPass, true},
	}
	client := 0
	for _, tt := range tests {
		for _, path := range allRoutes {
			// Each case comes from its own address, so that the login
			// backoff (TestAttackPasswordGuessing) does not answer first.
			client++
			remote := fmt.Sprintf("192.0.2.%d:1000", client)
			t.Run(tt.name+" "+path, func(t *testing.T) {
				hdr := map[string]string{}
				if tt.user != "" || tt.pass != "" {
					hdr["Authorization"] = basic(tt.user, tt.pass)
				}
				rec := send(h, http.MethodGet, path, remote, "", hdr)
				r := response{code: rec.Code, header: rec.Header(), body: rec.Body.String()}
				if tt.wantOK {
					if r.code == http.StatusUnauthorized {
						t.Fatalf("GET %s with the right credentials = 401", path)
					}
					return
				}
				if r.code != http.StatusUnauthorized {
					t.Fatalf("GET %s = %d; want 401", path, r.code)
				}
				if got := r.header.Get("WWW-Authenticate"); got != `Basic realm="lunas-admin"` {
					t.Errorf("WWW-Authenticate = %q", got)
				}
				var body errorBody
				decode(t, r, &body)
				if body.Error != "authentication required" {
					t.Errorf("401 body = %q", r.body)
				}
			})
		}
	}
}

func TestNoAuthWhenNotConfigured(t *testing.T) {
	srv, _ := serve(t, Config{})
	if r := get(t, srv, "/readyz", "", ""); r.code != http.StatusOK {
		t.Errorf("GET /readyz without auth configured = %d %q; want 200", r.code, r.body)
	}
}

// TestAuthLog checks that a failed login is logged without what was typed,
// and that the log is rate-limited.
func TestAuthLog(t *testing.T) {
	var buf syncBuffer
	log := hclog.New(&hclog.LoggerOptions{Output: &buf, Level: hclog.Trace})
	srv, _ := serve(t, Config{Username: testUser, Password: testPass, Logger: log})

	const typed = "typed-wrong-secret"
	for range 5 {
		get(t, srv, "/readyz", testUser, typed)
	}
	get(t, srv, "/readyz", testUser, testPass)
	get(t, srv, "/readyz", "", "")

	out := buf.String()
	if n := strings.Count(out, "admin login failed"); n != 1 {
		t.Errorf("failed logins logged %d times; want 1 (rate-limited):\n%s", n, out)
	}
	for _, secret := range []string{typed, testPass} {
		if strings.Contains(out, secret) {
			t.Errorf("the log contains a password:\n%s", out)
		}
	}
}

// syncBuffer is a bytes.Buffer safe for the server's goroutines.
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
