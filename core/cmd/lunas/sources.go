package main

import (
	"context"
	"time"

	"github.com/lunas-dev/lunas/core/ops"
	"github.com/lunas-dev/lunas/core/payment"
	lredis "github.com/lunas-dev/lunas/core/redis"
)

// storeHealth shows the money path's view of each store's calls to the
// admin side (overview, /readyz, metrics).
type storeHealth struct{ h *payment.Health }

var _ ops.StoreHealth = storeHealth{}

func (s storeHealth) Stores(context.Context) ([]ops.StoreStatus, error) {
	var out []ops.StoreStatus
	for _, st := range s.h.Stores() {
		out = append(out, ops.StoreStatus{Name: st.Name, FailingSince: st.FailingSince, LastError: st.LastError, LastErrorAt: st.LastErrorAt})
	}
	return out, nil
}

// paymentStats counts applied payments for the overview from the ledger's
// two-day log.
type paymentStats struct{ l *lredis.Ledger }

var _ ops.PaymentStats = paymentStats{}

func (p paymentStats) Applied(ctx context.Context, since time.Time) (ops.PaymentTotals, error) {
	n, total, err := p.l.Totals(ctx, since)
	return ops.PaymentTotals{Count: n, Amount: total}, err
}
