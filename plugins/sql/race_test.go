package main

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/lunas-dev/lunas/internal/testutil"
	"github.com/lunas-dev/lunas/sdk"
	"github.com/lunas-dev/lunas/sdk/storetest"
)

// TestTwoProcessesPayOnce is two workers' plugins racing: two separate
// plugin processes, each with its own connections, apply payments to the
// same order at the same moment, round after round. Per round, three calls
// carry the same mutation (a retried task, the same idempotency key) and one
// per process carries a mutation of its own. Exactly one call may report
// paid, the order must be paid by that call's mutation, and the ledger must
// show exactly one UPDATE of the order.
func TestTwoProcessesPayOnce(t *testing.T) {
	d := newTestDB(t)
	table, settings := shopTable(d)
	bin := testutil.Binary(t, "lunas-plugin-sql")
	workers := []sdk.Store{
		storetest.Launch(t, bin, "sql-race", settings),
		storetest.Launch(t, bin, "sql-race", settings),
	}
	const rounds = 30
	amount := sdk.Rupiah(321987)
	for round := range rounds {
		order := seedShopOrder(t, d, table, storetest.SeedOrder{Amount: amount, State: storetest.Open, CreatedAt: time.Now().Add(-time.Hour)})
		shared := fmt.Sprintf("race-%d-shared", round)
		type call struct {
			worker   int
			mutation string
		}
		calls := []call{{0, shared}, {1, shared}, {0, shared}, {0, fmt.Sprintf("race-%d-w0", round)}, {1, fmt.Sprintf("race-%d-w1", round)}}

		var (
			start   = make(chan struct{})
			wg      sync.WaitGroup
			mu      sync.Mutex
			paidBy  []string
			results []string
		)
		for _, c := range calls {
			wg.Go(func() {
				ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
				defer cancel()
				m := sdk.Mutation{ID: c.mutation, BankID: "bank-race", Type: "CR", Amount: amount, Date: time.Now()}
				<-start
				r, err := workers[c.worker].ApplyPayment(ctx, &sdk.ApplyPaymentRequest{Order: order, Mutation: m, IdempotencyKey: "moota:bank-race:" + c.mutation})
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err != nil:
					results = append(results, fmt.Sprintf("worker %d %s: error %v", c.worker, c.mutation, err))
				case r.Outcome == sdk.OutcomePaid:
					paidBy = append(paidBy, c.mutation)
				case r.Outcome != sdk.OutcomeAlreadyPaid:
					results = append(results, fmt.Sprintf("worker %d %s: outcome %s (%s)", c.worker, c.mutation, r.Outcome, r.Reason))
				}
			})
		}
		close(start)
		wg.Wait()
		for _, r := range results {
			t.Errorf("round %d: %s", round, r)
		}
		if len(paidBy) != 1 {
			t.Fatalf("round %d: %d calls reported paid (%v), want exactly 1", round, len(paidBy), paidBy)
		}
		snap := lookupShopOrder(t, d, table, order.ID)
		if !snap.Paid || snap.PaidBy != paidBy[0] || snap.Writes != 1 {
			t.Fatalf("round %d: order %+v, want paid by %s with exactly one write", round, snap, paidBy[0])
		}
	}
}
