package ops

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hibiken/asynq"

	"github.com/lunas-dev/lunas/internal/testutil"
)

const (
	testUser = "ops"
	testPass = "correct-horse-battery"
)

// serve starts the admin handler for cfg over HTTP; a missing RedisOpt is
// filled with a fresh test database, returned too.
func serve(t *testing.T, cfg Config) (*httptest.Server, testutil.Redis) {
	t.Helper()
	var r testutil.Redis
	if cfg.RedisOpt == nil {
		r = testutil.NewRedis(t)
		cfg.RedisOpt = asynq.RedisClientOpt{Addr: r.Addr, DB: r.DB}
	}
	h, err := NewHandler(cfg)
	if err != nil {
		t.Fatalf("NewHandler: %v", err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(func() {
		srv.Close()
		if err := h.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return srv, r
}

// response is what a test needs of an answer.
type response struct {
	code   int
	header http.Header
	body   string
}

// get requests path from srv, with basic auth when user is not empty.
func get(t *testing.T, srv *httptest.Server, path, user, pass string) response {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if user != "" || pass != "" {
		req.SetBasicAuth(user, pass)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: read body: %v", path, err)
	}
	return response{code: resp.StatusCode, header: resp.Header, body: string(b)}
}

// decode unmarshals a JSON body, failing the test if it is not JSON.
func decode(t *testing.T, r response, v any) {
	t.Helper()
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("Content-Type = %q; want application/json (body %q)", ct, r.body)
	}
	if err := json.Unmarshal([]byte(r.body), v); err != nil {
		t.Fatalf("body %q is not JSON: %v", r.body, err)
	}
}

func TestNewHandlerRejectsBadConfig(t *testing.T) {
	opt := asynq.RedisClientOpt{Addr: "127.0.0.1:1"}
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"username without password", Config{Username: "ops", RedisOpt: opt}, "set both admin username and password"},
		{"password without username", Config{Password: "pw", RedisOpt: opt}, "set both admin username and password"},
		{"no redis", Config{}, "RedisOpt is required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, err := NewHandler(tt.cfg)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("NewHandler error = %v; want one containing %q", err, tt.want)
			}
			if h != nil {
				t.Errorf("NewHandler returned a handler with an error")
			}
		})
	}
}

func TestRoutes(t *testing.T) {
	srv, _ := serve(t, Config{})
	if r := get(t, srv, "/", "", ""); r.code != http.StatusFound || r.header.Get("Location") != "/monitoring/" {
		t.Errorf("GET / = %d, Location %q; want 302 to /monitoring/", r.code, r.header.Get("Location"))
	}
	if r := get(t, srv, "/monitoring", "", ""); r.code/100 != 3 || r.header.Get("Location") != "/monitoring/" {
		t.Errorf("GET /monitoring = %d, Location %q; want a redirect to /monitoring/", r.code, r.header.Get("Location"))
	}
	r := get(t, srv, "/nope", "", "")
	var body errorBody
	decode(t, r, &body)
	if r.code != http.StatusNotFound || body.Error == "" {
		t.Errorf("GET /nope = %d %q; want 404 with a JSON error", r.code, r.body)
	}
	if r := get(t, srv, "/api/review", "", ""); r.code != http.StatusNotFound {
		t.Errorf("GET /api/review without a review lister = %d; want 404", r.code)
	}
}
