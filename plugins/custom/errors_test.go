package main

import (
	"context"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/lunas-dev/lunas/examples/custom-store/customstore"
	"github.com/lunas-dev/lunas/sdk"
)

// These tests go through the real plugin binary, so they also prove that an
// error's class and delay survive the gRPC boundary.

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return c
}

func paymentFor(o customstore.Order, mutationID string) *sdk.ApplyPaymentRequest {
	amt := sdk.Amount(o.Amount)
	return &sdk.ApplyPaymentRequest{
		Order:          sdk.Order{ID: o.ID, Number: o.Number, Status: o.Status, Amount: amt, Currency: o.Currency, CreatedAt: o.CreatedAt},
		Mutation:       sdk.Mutation{ID: mutationID, BankID: "bank-1", Type: "CR", Amount: amt, Description: "TRSF " + o.Number, Date: time.Now()},
		IdempotencyKey: "moota:bank-1:" + mutationID,
	}
}

// callAll makes each of the three calls and returns their errors by name.
func callAll(t *testing.T, store sdk.Store, o customstore.Order) map[string]error {
	_, healthErr := store.Health(ctx(t), &sdk.HealthRequest{})
	_, findErr := store.FindOpenOrders(ctx(t), &sdk.FindOpenOrdersRequest{Amount: sdk.Amount(o.Amount), Since: time.Now().Add(-time.Hour)})
	_, applyErr := store.ApplyPayment(ctx(t), paymentFor(o, "mut-x"))
	return map[string]error{"Health": healthErr, "FindOpenOrders": findErr, "ApplyPayment": applyErr}
}

func TestRejectedSignatureIsPermanent(t *testing.T) {
	tests := []struct {
		name        string
		storeClock  func() time.Time
		pluginKey   string
		storeReason string
	}{
		{"wrong secret", nil, "a-different-secret-0123456789", "does not match"},
		{"stale signature (store clock 10 minutes ahead)", func() time.Time { return time.Now().Add(10 * time.Minute) }, storeSecret, "outside the tolerance"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, url := startStore(t, customstore.Config{Now: tt.storeClock})
			o := srv.Seed(customstore.Order{Amount: customstore.Rupiah(150123), CreatedAt: time.Now().Add(-time.Minute)})
			store := launch(t, map[string]any{"base_url": url, "secret": tt.pluginKey})
			for call, err := range callAll(t, store, o) {
				if err == nil {
					t.Fatalf("%s succeeded against a store that refuses the signature", call)
				}
				if !sdk.IsPermanent(err) {
					t.Errorf("%s: %v is not permanent: a refused signature must not be retried forever", call, err)
				}
				msg := err.Error()
				for _, want := range []string{"HTTP 401", tt.storeReason, "settings.secret", "clocks"} {
					if !strings.Contains(msg, want) {
						t.Errorf("%s: error %q does not mention %q", call, msg, want)
					}
				}
				if strings.Contains(msg, tt.pluginKey) {
					t.Errorf("%s: error reveals the secret: %q", call, msg)
				}
			}
			if got := srv.Writes(o.ID); got != 0 {
				t.Errorf("order written %d times by unauthenticated requests", got)
			}
		})
	}
}

func TestStoreAnswers(t *testing.T) {
	srv, url := startStore(t, customstore.Config{})
	store := launch(t, map[string]any{"base_url": url, "secret": storeSecret})
	amt := customstore.Rupiah(250777)

	t.Run("409 is already_paid", func(t *testing.T) {
		o := srv.Seed(customstore.Order{Amount: amt, Status: "processing", PaidBy: "earlier"})
		r, err := store.ApplyPayment(ctx(t), paymentFor(o, "later"))
		if err != nil || r.Outcome != sdk.OutcomeAlreadyPaid || r.Status != "processing" {
			t.Fatalf("ApplyPayment on a paid order = %+v, %v; want already_paid with status processing", r, err)
		}
	})
	t.Run("422 is refused with the store's reason", func(t *testing.T) {
		o := srv.Seed(customstore.Order{Amount: amt, Status: "cancelled"})
		r, err := store.ApplyPayment(ctx(t), paymentFor(o, "m-cancelled"))
		if err != nil || r.Outcome != sdk.OutcomeRefused || r.Reason != "order "+o.ID+" is cancelled, not awaiting payment" {
			t.Fatalf("ApplyPayment on a cancelled order = %+v, %v; want refused with the store's reason", r, err)
		}
	})
	t.Run("429 with Retry-After is retryable with that delay", func(t *testing.T) {
		o := srv.Seed(customstore.Order{Amount: amt})
		srv.InjectFault(customstore.Fault{Path: "/lunas/payments", Status: http.StatusTooManyRequests, RetryAfter: 7 * time.Second, Count: 1})
		_, err := store.ApplyPayment(ctx(t), paymentFor(o, "m-throttled"))
		class, after := sdk.ClassOf(err)
		if err == nil || class != sdk.ClassRetryable || after != 7*time.Second {
			t.Fatalf("throttled ApplyPayment: err %v class %s delay %s; want retryable after 7s", err, class, after)
		}
		if srv.Writes(o.ID) != 0 {
			t.Fatal("a throttled request paid the order")
		}
		r, err := store.ApplyPayment(ctx(t), paymentFor(o, "m-throttled"))
		if err != nil || r.Outcome != sdk.OutcomePaid {
			t.Fatalf("retry after the throttle = %+v, %v; want paid", r, err)
		}
	})
	t.Run("503 is retryable", func(t *testing.T) {
		srv.InjectFault(customstore.Fault{Path: "/lunas/open-orders", Status: http.StatusServiceUnavailable, Count: 1})
		_, err := store.FindOpenOrders(ctx(t), &sdk.FindOpenOrdersRequest{Amount: sdk.Amount(amt), Since: time.Now().Add(-time.Hour)})
		if class, after := sdk.ClassOf(err); err == nil || class != sdk.ClassRetryable || after != 0 {
			t.Fatalf("FindOpenOrders on 503: err %v class %s delay %s; want retryable, core's backoff", err, class, after)
		}
	})
}

func TestWrongBaseURLPathIsPermanent(t *testing.T) {
	_, url := startStore(t, customstore.Config{})
	store := launch(t, map[string]any{"base_url": url + "/shop", "secret": storeSecret})
	_, err := store.Health(ctx(t), &sdk.HealthRequest{})
	if !sdk.IsPermanent(err) || !strings.Contains(err.Error(), "HTTP 404") || !strings.Contains(err.Error(), "settings.base_url") {
		t.Fatalf("Health against a wrong path: %v; want a permanent error pointing at settings.base_url", err)
	}
}

func TestUnreachableStoreIsRetryable(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nothing listens there now
	store := launch(t, map[string]any{"base_url": "http://" + addr, "secret": storeSecret})
	_, err = store.FindOpenOrders(ctx(t), &sdk.FindOpenOrdersRequest{Amount: sdk.Rupiah(1), Since: time.Now()})
	if err == nil || sdk.IsPermanent(err) || !strings.Contains(err.Error(), "cannot reach the store") {
		t.Fatalf("FindOpenOrders with nothing listening: %v; want a retryable 'cannot reach the store'", err)
	}
}
