// Package storetest is the conformance suite for Lunas store plugins.
//
// Every plugin in this repository runs it, and so should yours: describe how
// to create orders in your store's backing data (Harness.Seed) and how to read
// them back (Harness.Lookup), hand over a configured sdk.Store, and call Run.
//
//	func TestConformance(t *testing.T) {
//		store := storetest.Launch(t, "../../bin/lunas-plugin-mystore", "mystore", settings)
//		storetest.Run(t, storetest.Harness{Store: store, Seed: seed, Lookup: lookup})
//	}
//
// Run checks what the core relies on: open orders are found with exact
// amounts, paid and cancelled ones are not, a payment is applied exactly once
// per idempotency key (also under concurrency), a replay or a second mutation
// changes nothing, a changed or cancelled order is refused, and cancellation
// crosses the call. When the store implements sdk.Reverser, Run also checks
// that a reversal undoes its payment once, that a replay answers
// already_reversed, and that implausible pairs, reversals of a payment that
// did not pay the order and a second reversal are refused.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lunas-dev/lunas/sdk"
)

// State is the lifecycle state of a seeded order.
type State int

// Order states for Seed.
const (
	Open      State = iota // awaiting a bank transfer
	Paid                   // already paid
	Cancelled              // cancelled by the merchant or the customer
)

func (s State) String() string {
	return [...]string{"open", "paid", "cancelled"}[s]
}

// SeedOrder describes an order the suite wants to exist in the store.
type SeedOrder struct {
	Amount    sdk.Amount
	State     State
	CreatedAt time.Time // honour it: the suite checks FindOpenOrders' Since
}

// Snapshot is what Lookup reports of an order in the store's backing data.
type Snapshot struct {
	Paid   bool   // the store considers the order paid
	Status string // the store's status word
	PaidBy string // the idempotency marker (mutation id), "" if none
	Writes int    // optional: how many payment writes the order saw; -1 if not counted
}

// Harness describes the store under test.
type Harness struct {
	// Store is the configured store, ideally a real plugin process (see Launch).
	Store sdk.Store
	// Seed creates an order and returns it as FindOpenOrders would list it.
	Seed func(t testing.TB, o SeedOrder) sdk.Order
	// Lookup reads an order back from the backing data by its ID.
	Lookup func(t testing.TB, id string) Snapshot
	// SkipConcurrency, when non-empty, skips the concurrent-apply check and says why.
	SkipConcurrency string
	// Timeout bounds each call; zero means 20 seconds.
	Timeout time.Duration
}

var amountSeq atomic.Int64

// nextAmount returns an amount no other check in this process uses, so
// checks do not see each other's orders.
func nextAmount() sdk.Amount {
	n := amountSeq.Add(1)
	return sdk.Rupiah(700000 + (time.Now().UnixNano()/1000)%97*1000 + n*17)
}

// Run runs the conformance suite as subtests of t.
func Run(t *testing.T, h Harness) {
	t.Helper()
	if h.Store == nil || h.Seed == nil || h.Lookup == nil {
		t.Fatal("storetest: Harness needs Store, Seed and Lookup")
	}
	if h.Timeout == 0 {
		h.Timeout = 20 * time.Second
	}
	s := &suite{h: h}
	t.Run("Health", s.health)
	t.Run("FindsOpenOrderWithExactAmount", s.findsOpen)
	t.Run("OmitsPaidAndCancelled", s.omitsClosed)
	t.Run("OmitsOrdersBeforeSince", s.omitsOld)
	t.Run("AppliesPaymentOnce", s.appliesOnce)
	t.Run("SecondMutationDoesNotRepay", s.secondMutation)
	t.Run("RefusesCancelledOrder", s.refusesCancelled)
	t.Run("RefusesChangedAmount", s.refusesChangedAmount)
	t.Run("RefusesUnknownOrder", s.refusesUnknown)
	t.Run("ConcurrentApplyPaysOnce", s.concurrent)
	t.Run("HonoursCanceledContext", s.canceledContext)
	t.Run("Reverser", s.runReverser)
}

type suite struct{ h Harness }

func (s *suite) ctx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), s.h.Timeout)
	t.Cleanup(cancel)
	return ctx
}

func mutationFor(id string, amt sdk.Amount) sdk.Mutation {
	return sdk.Mutation{ID: id, BankID: "storetest-bank", AccountNumber: "1234567890", Type: "CR",
		Amount: amt, Description: "TRSF E-BANKING CR storetest", Date: time.Now()}
}

func (s *suite) find(t *testing.T, amt sdk.Amount, since time.Time) []sdk.Order {
	t.Helper()
	resp, err := s.h.Store.FindOpenOrders(s.ctx(t), &sdk.FindOpenOrdersRequest{Amount: amt, Since: since, BankID: "storetest-bank"})
	if err != nil {
		t.Fatalf("FindOpenOrders(%s): %v", amt, err)
	}
	return resp.Orders
}

func (s *suite) apply(t *testing.T, o sdk.Order, m sdk.Mutation) *sdk.ApplyPaymentResponse {
	t.Helper()
	resp, err := s.h.Store.ApplyPayment(s.ctx(t), &sdk.ApplyPaymentRequest{Order: o, Mutation: m, IdempotencyKey: "moota:" + m.BankID + ":" + m.ID})
	if err != nil {
		t.Fatalf("ApplyPayment(order %s, mutation %s): %v", o.ID, m.ID, err)
	}
	return resp
}

func findByID(orders []sdk.Order, id string) (sdk.Order, bool) {
	i := slices.IndexFunc(orders, func(o sdk.Order) bool { return o.ID == id })
	if i < 0 {
		return sdk.Order{}, false
	}
	return orders[i], true
}

func uniq(t *testing.T, prefix string) string {
	return fmt.Sprintf("%s-%d", prefix, time.Now().UnixNano())
}

func (s *suite) health(t *testing.T) {
	resp, err := s.h.Store.Health(s.ctx(t), &sdk.HealthRequest{})
	if err != nil {
		t.Fatalf("Health: %v", err)
	}
	if resp.Status != "ok" {
		t.Fatalf("Health status = %q (%s), want ok", resp.Status, resp.Message)
	}
}

func (s *suite) findsOpen(t *testing.T) {
	amt := nextAmount()
	seeded := s.h.Seed(t, SeedOrder{Amount: amt, State: Open, CreatedAt: time.Now().Add(-time.Hour)})
	got, ok := findByID(s.find(t, amt, time.Now().Add(-24*time.Hour)), seeded.ID)
	if !ok {
		t.Fatalf("FindOpenOrders(%s) did not return open order %s", amt, seeded.ID)
	}
	if got.Amount != amt {
		t.Errorf("order %s amount = %s, want exactly %s", got.ID, got.Amount, amt)
	}
	if got.Number == "" {
		t.Errorf("order %s has no Number (customers write the number, the matcher needs it)", got.ID)
	}
	if got.Currency == "" {
		t.Errorf("order %s has no Currency", got.ID)
	}
	if got.PaidBy != "" {
		t.Errorf("open order %s has PaidBy %q", got.ID, got.PaidBy)
	}
}

func (s *suite) omitsClosed(t *testing.T) {
	amt := nextAmount()
	paid := s.h.Seed(t, SeedOrder{Amount: amt, State: Paid, CreatedAt: time.Now().Add(-time.Hour)})
	cancelled := s.h.Seed(t, SeedOrder{Amount: amt, State: Cancelled, CreatedAt: time.Now().Add(-time.Hour)})
	orders := s.find(t, amt, time.Now().Add(-24*time.Hour))
	for _, o := range []sdk.Order{paid, cancelled} {
		if _, ok := findByID(orders, o.ID); ok {
			t.Errorf("FindOpenOrders returned order %s, which is not open", o.ID)
		}
	}
}

func (s *suite) omitsOld(t *testing.T) {
	amt := nextAmount()
	old := s.h.Seed(t, SeedOrder{Amount: amt, State: Open, CreatedAt: time.Now().Add(-10 * 24 * time.Hour)})
	if _, ok := findByID(s.find(t, amt, time.Now().Add(-7*24*time.Hour)), old.ID); ok {
		t.Errorf("FindOpenOrders returned order %s created before Since", old.ID)
	}
}

func (s *suite) appliesOnce(t *testing.T) {
	amt := nextAmount()
	order := s.h.Seed(t, SeedOrder{Amount: amt, State: Open, CreatedAt: time.Now().Add(-time.Hour)})
	m := mutationFor(uniq(t, "mut"), amt)
	if r := s.apply(t, order, m); r.Outcome != sdk.OutcomePaid {
		t.Fatalf("first ApplyPayment outcome = %q (%s), want paid", r.Outcome, r.Reason)
	}
	snap := s.h.Lookup(t, order.ID)
	if !snap.Paid || snap.PaidBy != m.ID {
		t.Fatalf("after payment: %+v, want paid by %s", snap, m.ID)
	}
	if r := s.apply(t, order, m); r.Outcome != sdk.OutcomeAlreadyPaid {
		t.Fatalf("replayed ApplyPayment outcome = %q, want already_paid", r.Outcome)
	}
	again := s.h.Lookup(t, order.ID)
	if again.Writes >= 0 && snap.Writes >= 0 && again.Writes != snap.Writes {
		t.Errorf("replay wrote to the order again: writes %d -> %d", snap.Writes, again.Writes)
	}
	if _, ok := findByID(s.find(t, amt, time.Now().Add(-24*time.Hour)), order.ID); ok {
		t.Errorf("paid order %s is still listed as open", order.ID)
	}
}

func (s *suite) secondMutation(t *testing.T) {
	amt := nextAmount()
	order := s.h.Seed(t, SeedOrder{Amount: amt, State: Open, CreatedAt: time.Now().Add(-time.Hour)})
	first := mutationFor(uniq(t, "first"), amt)
	if r := s.apply(t, order, first); r.Outcome != sdk.OutcomePaid {
		t.Fatalf("ApplyPayment outcome = %q (%s), want paid", r.Outcome, r.Reason)
	}
	second := mutationFor(uniq(t, "second"), amt)
	if r := s.apply(t, order, second); r.Outcome != sdk.OutcomeAlreadyPaid && r.Outcome != sdk.OutcomeRefused {
		t.Fatalf("second mutation on a paid order: outcome %q, want already_paid or refused", r.Outcome)
	}
	if snap := s.h.Lookup(t, order.ID); snap.PaidBy != first.ID {
		t.Errorf("order paid by %q after a second mutation, want %q", snap.PaidBy, first.ID)
	}
}

func (s *suite) refusesCancelled(t *testing.T) {
	amt := nextAmount()
	order := s.h.Seed(t, SeedOrder{Amount: amt, State: Cancelled, CreatedAt: time.Now().Add(-time.Hour)})
	r := s.apply(t, order, mutationFor(uniq(t, "mut"), amt))
	if r.Outcome != sdk.OutcomeRefused || r.Reason == "" {
		t.Fatalf("ApplyPayment on a cancelled order: outcome %q reason %q, want refused with a reason", r.Outcome, r.Reason)
	}
	if snap := s.h.Lookup(t, order.ID); snap.Paid || snap.PaidBy != "" {
		t.Errorf("cancelled order was touched: %+v", snap)
	}
}

func (s *suite) refusesChangedAmount(t *testing.T) {
	amt := nextAmount()
	order := s.h.Seed(t, SeedOrder{Amount: amt, State: Open, CreatedAt: time.Now().Add(-time.Hour)})
	stale := order
	stale.Amount = amt + sdk.Rupiah(1)
	r := s.apply(t, stale, mutationFor(uniq(t, "mut"), stale.Amount))
	if r.Outcome != sdk.OutcomeRefused || r.Reason == "" {
		t.Fatalf("ApplyPayment with an amount the order no longer has: outcome %q reason %q, want refused", r.Outcome, r.Reason)
	}
	if snap := s.h.Lookup(t, order.ID); snap.Paid {
		t.Errorf("order paid with the wrong amount: %+v", snap)
	}
}

func (s *suite) refusesUnknown(t *testing.T) {
	amt := nextAmount()
	ghost := sdk.Order{ID: "999999001", Number: "999999001", Status: "on-hold", Amount: amt, Currency: "IDR"}
	r := s.apply(t, ghost, mutationFor(uniq(t, "mut"), amt))
	if r.Outcome != sdk.OutcomeRefused {
		t.Fatalf("ApplyPayment on an order that does not exist: outcome %q, want refused", r.Outcome)
	}
}

func (s *suite) concurrent(t *testing.T) {
	if s.h.SkipConcurrency != "" {
		t.Skip(s.h.SkipConcurrency)
	}
	amt := nextAmount()
	order := s.h.Seed(t, SeedOrder{Amount: amt, State: Open, CreatedAt: time.Now().Add(-time.Hour)})
	m := mutationFor(uniq(t, "mut"), amt)
	const n = 6
	var (
		wg       sync.WaitGroup
		paid     atomic.Int32
		failures = make(chan error, n)
	)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := s.h.Store.ApplyPayment(s.ctx(t), &sdk.ApplyPaymentRequest{Order: order, Mutation: m, IdempotencyKey: "moota:" + m.BankID + ":" + m.ID})
			switch {
			case err != nil:
				failures <- err
			case r.Outcome == sdk.OutcomePaid:
				paid.Add(1)
			case r.Outcome != sdk.OutcomeAlreadyPaid:
				failures <- fmt.Errorf("outcome %q (%s)", r.Outcome, r.Reason)
			}
		}()
	}
	wg.Wait()
	close(failures)
	for err := range failures {
		// A retryable error is acceptable under contention: the core retries it.
		if sdk.IsPermanent(err) {
			t.Errorf("concurrent ApplyPayment: %v", err)
		}
	}
	if got := paid.Load(); got != 1 {
		t.Fatalf("%d concurrent calls reported paid, want exactly 1", got)
	}
	if snap := s.h.Lookup(t, order.ID); !snap.Paid || snap.PaidBy != m.ID || snap.Writes > 1 {
		t.Fatalf("after concurrent payment: %+v, want paid once by %s", snap, m.ID)
	}
}

func (s *suite) canceledContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := s.h.Store.FindOpenOrders(ctx, &sdk.FindOpenOrdersRequest{Amount: nextAmount(), Since: time.Now().Add(-time.Hour)})
	if err == nil {
		t.Fatal("FindOpenOrders with a canceled context returned no error")
	}
	if !errors.Is(err, context.Canceled) && sdk.IsPermanent(err) {
		t.Fatalf("canceled call returned a permanent error: %v", err)
	}
}
