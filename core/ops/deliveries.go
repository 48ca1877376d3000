package ops

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"

	"github.com/lunas-dev/lunas/core"
)

// Deliveries reads the newest n delivery records, newest first (the
// Redis stream of lunas' core/redis.Auditor).
type Deliveries interface {
	Recent(ctx context.Context, n int64) ([]core.Delivery, error)
}

// MaxDeliveries is the most records one GET /api/deliveries looks at.
const MaxDeliveries = 100_000

// deliveriesAPI serves GET /api/deliveries?n=N&mutation=ID: the newest N
// delivery records (default 100, at most MaxDeliveries), or those among
// them that carried mutation ID.
type deliveriesAPI struct{ log Deliveries }

func (h deliveriesAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	n := int64(100)
	if s := q.Get("n"); s != "" {
		v, err := strconv.ParseInt(s, 10, 64)
		if err != nil || v < 1 || v > MaxDeliveries {
			writeError(w, http.StatusBadRequest, fmt.Sprintf("n must be a number from 1 to %d, got %q", MaxDeliveries, s))
			return
		}
		n = v
	}
	mutation := q.Get("mutation")
	if mutation != "" && !core.ValidID(mutation) {
		writeError(w, http.StatusBadRequest, "mutation must be a mutation id ([A-Za-z0-9._-], at most 128 characters)")
		return
	}
	ds, err := h.log.Recent(r.Context(), n)
	if err != nil {
		writeError(w, http.StatusServiceUnavailable, "could not read the delivery records: "+err.Error())
		return
	}
	if mutation != "" {
		ds = slices.DeleteFunc(ds, func(d core.Delivery) bool { return !slices.Contains(d.MutationIDs, mutation) })
	}
	if ds == nil {
		ds = []core.Delivery{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"deliveries": ds})
}
