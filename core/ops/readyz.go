package ops

import (
	"context"
	"net/http"
	"sort"
	"time"

	"github.com/redis/go-redis/v9"
)

// readyTimeout bounds the readiness checks, so that a hung Redis makes the
// probe fail instead of hang.
const readyTimeout = 3 * time.Second

// Readiness statuses.
const (
	readyOK          = "ok"
	readyDegraded    = "degraded"
	readyUnavailable = "unavailable"
)

// readiness answers GET /readyz. Redis not answering PING, or the extra
// check failing (a plugin process dead), is 503 "unavailable": this process
// cannot do its work, and an orchestrator is right to stop sending it
// traffic or restart it.
//
// A store whose calls fail is not: the fault is in the store (its server is
// down, its credentials were revoked), the webhooks are still received and
// queued without loss, and restarting Lunas would not bring the store back,
// only interrupt the other stores. So a failing store keeps 200 with status
// "degraded" and the per-store detail, for a person or an alert rule to
// read (the metric lunas_store_up says the same).
type readiness struct {
	redis  redis.UniversalClient
	ready  func(ctx context.Context) error
	health StoreHealth
}

type readyBody struct {
	Status string `json:"status"`
	Error  string `json:"error,omitempty"`
	// Stores is each configured store's health, when this process tracks it.
	Stores []storeReady `json:"stores,omitempty"`
	// StoresError says why the store health is missing.
	StoresError string `json:"stores_error,omitempty"`
}

// storeReady is one store's health in /readyz. Times are RFC 3339 in
// Asia/Jakarta, with their offset.
type storeReady struct {
	Name         string `json:"name"`
	Status       string `json:"status"` // "ok" or "failing"
	FailingSince string `json:"failing_since,omitempty"`
	LastError    string `json:"last_error,omitempty"`
	LastErrorAt  string `json:"last_error_at,omitempty"`
}

func (h readiness) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), readyTimeout)
	defer cancel()
	body := readyBody{Status: readyOK}
	code := http.StatusOK
	if err := h.redis.Ping(ctx).Err(); err != nil {
		writeJSON(w, http.StatusServiceUnavailable, readyBody{Status: readyUnavailable, Error: "redis: " + err.Error()})
		return
	}
	if h.ready != nil {
		if err := h.ready(ctx); err != nil {
			body.Status, body.Error, code = readyUnavailable, err.Error(), http.StatusServiceUnavailable
		}
	}
	if h.health != nil {
		stores, err := h.health.Stores(ctx)
		if err != nil {
			body.StoresError = err.Error()
		}
		list, failing := storesReady(stores)
		body.Stores = list
		if failing && body.Status == readyOK {
			body.Status = readyDegraded
		}
	}
	writeJSON(w, code, body)
}

// storesReady lists the stores by name and reports whether any is failing.
func storesReady(stores []StoreStatus) ([]storeReady, bool) {
	out := make([]storeReady, 0, len(stores))
	failing := false
	for _, s := range stores {
		v := storeReady{Name: s.Name, Status: "ok", LastError: s.LastError, LastErrorAt: machineTime(s.LastErrorAt)}
		if s.Failing() {
			v.Status, v.FailingSince, failing = "failing", machineTime(s.FailingSince), true
		}
		out = append(out, v)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, failing
}
