package payment_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/lunas-dev/lunas/core"
	"github.com/lunas-dev/lunas/core/payment"
	"github.com/lunas-dev/lunas/sdk"
)

// A store whose calls fail past the bound raises each waiting payment to
// review while retries go on; the item is kept current, and closes itself
// when the payment is applied once the store answers again.
func TestUnreachableStoreIsRaisedThenClosed(t *testing.T) {
	clock := now
	r := newRig(t, func(c *payment.Config) {
		c.Now = func() time.Time { return clock }
		c.UnreachableAfter = 30 * time.Minute
	})
	r.orders = []sdk.Order{order("1042", 150123)}
	down := true
	r.store.FindOpenOrdersFn = func(context.Context, *sdk.FindOpenOrdersRequest) (*sdk.FindOpenOrdersResponse, error) {
		if down {
			return nil, errors.New("dial tcp 10.0.0.9:443: connect: connection refused")
		}
		return &sdk.FindOpenOrdersResponse{Orders: r.orders}, nil
	}
	m := mutation(t, "mut-1", core.Credit, 150123, "")
	ctx := context.Background()
	retry := 0
	attempt := func() error {
		err := r.svc.Process(ctx, m, payment.Attempt{Retry: retry})
		retry++
		return err
	}
	if err := attempt(); err == nil || sdk.IsPermanent(err) {
		t.Fatalf("first attempt: %v, want a retryable failure", err)
	}
	r.noItem(t, m.TaskID())
	if st := r.svc.Health().Stores(); len(st) != 1 || st[0].FailingSince != now || !strings.Contains(st[0].LastError, "connection refused") {
		t.Fatalf("health %+v", st)
	}
	clock = now.Add(29 * time.Minute)
	if err := attempt(); err == nil {
		t.Fatal("want a retry")
	}
	r.noItem(t, m.TaskID())
	clock = now.Add(31 * time.Minute)
	if err := attempt(); err == nil || sdk.IsPermanent(err) {
		t.Fatalf("past the bound: %v, want retries to go on", err)
	}
	item := r.item(t, m.TaskID())
	if item.Reason != core.ReviewUnreachable || !strings.Contains(item.Detail, "unreachable since 2026-11-30 10:00 WIB") {
		t.Fatalf("item %s %q", item.Reason, item.Detail)
	}
	clock = now.Add(50 * time.Minute)
	if err := attempt(); err == nil {
		t.Fatal("want a retry")
	}
	if item := r.item(t, m.TaskID()); !strings.Contains(item.Detail, "last error at 2026-11-30 10:50 WIB") {
		t.Fatalf("item not kept current: %q", item.Detail)
	}
	down = false
	clock = now.Add(time.Hour)
	if err := attempt(); err != nil {
		t.Fatal(err)
	}
	if len(r.applied) != 1 {
		t.Fatalf("%d payments applied, want 1", len(r.applied))
	}
	item = r.item(t, m.TaskID())
	if item.Status != core.ReviewResolved || item.ResolvedOrder != "1042" || item.Actions[len(item.Actions)-1].Actor != "lunas" {
		t.Fatalf("item not closed: %+v", item)
	}
	if st := r.svc.Health().Stores(); !st[0].FailingSince.IsZero() {
		t.Fatalf("store still failing after a success: %+v", st)
	}
}

// Another reason's open item is left for a person when the payment is
// applied on a retry; a first attempt never looks.
func TestAppliedRetryLeavesOtherItemsAlone(t *testing.T) {
	r := newRig(t)
	r.orders = []sdk.Order{order("1042", 150123)}
	m := mutation(t, "mut-1", core.Credit, 150123, "")
	if _, err := r.review.PutReview(context.Background(), core.NewReviewItem(m, "shop", core.ReviewFailed, "x", nil)); err != nil {
		t.Fatal(err)
	}
	if err := r.svc.Process(context.Background(), m, payment.Attempt{Retry: 3}); err != nil {
		t.Fatal(err)
	}
	if item := r.item(t, m.TaskID()); item.Status != core.ReviewOpen {
		t.Fatalf("item %+v", item)
	}
}
