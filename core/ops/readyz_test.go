package ops

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"github.com/lunas-dev/lunas/internal/testutil"
)

func TestReadyz(t *testing.T) {
	server := testutil.StartRedis(t, nil)
	client := redis.NewClient(&redis.Options{Addr: server.Addr})
	t.Cleanup(func() { client.Close() })
	var pluginErr atomic.Pointer[error]
	srv, _ := serve(t, Config{
		Username: testUser, Password: testPass,
		RedisOpt: asynq.RedisClientOpt{Addr: server.Addr},
		Redis:    client,
		Ready: func(context.Context) error {
			if p := pluginErr.Load(); p != nil {
				return *p
			}
			return nil
		},
	})

	check := func(wantCode int, wantStatus, wantError string) {
		t.Helper()
		r := get(t, srv, "/readyz", testUser, testPass)
		var body readyBody
		decode(t, r, &body)
		if r.code != wantCode || body.Status != wantStatus || !strings.Contains(body.Error, wantError) {
			t.Errorf("GET /readyz = %d %q; want %d status %q error containing %q", r.code, r.body, wantCode, wantStatus, wantError)
		}
	}
	check(http.StatusOK, "ok", "")

	err := errors.New(`store "toko-budi": plugin is not healthy`)
	pluginErr.Store(&err)
	check(http.StatusServiceUnavailable, "unavailable", `store "toko-budi": plugin is not healthy`)
	pluginErr.Store(nil)
	check(http.StatusOK, "ok", "")

	server.Stop()
	check(http.StatusServiceUnavailable, "unavailable", "redis: ")
}

// TestReadyzOwnClient covers a Config without Redis: the handler makes its
// client from RedisOpt.
func TestReadyzOwnClient(t *testing.T) {
	srv, _ := serve(t, Config{})
	r := get(t, srv, "/readyz", "", "")
	if r.code != http.StatusOK || r.body != "{\"status\":\"ok\"}\n" {
		t.Errorf("GET /readyz = %d %q; want 200 {\"status\":\"ok\"}", r.code, r.body)
	}
}
