package ops

import (
	"context"
	"net/http"
	"time"

	"github.com/redis/go-redis/v9"
)

// readyTimeout bounds the readiness checks, so that a hung Redis makes the
// probe fail instead of hang.
const readyTimeout = 3 * time.Second

// readiness answers GET /readyz: 200 {"status":"ok"} when Redis answers PING
// and the extra check passes, 503 {"status":"unavailable","error":...} otherwise.
type readiness struct {
	redis redis.UniversalClient
	ready func(ctx context.Context) error
}

type readyBody struct {
	Status string `json:"status"`
	Error  string `json:"error,omitempty"`
}

func (h readiness) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), readyTimeout)
	defer cancel()
	if err := h.redis.Ping(ctx).Err(); err != nil {
		writeJSON(w, http.StatusServiceUnavailable, readyBody{Status: "unavailable", Error: "redis: " + err.Error()})
		return
	}
	if h.ready != nil {
		if err := h.ready(ctx); err != nil {
			writeJSON(w, http.StatusServiceUnavailable, readyBody{Status: "unavailable", Error: err.Error()})
			return
		}
	}
	writeJSON(w, http.StatusOK, readyBody{Status: "ok"})
}
