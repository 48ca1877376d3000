package woo

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lunas-dev/lunas/plugins/woocommerce/fakewoo"
	"github.com/lunas-dev/lunas/sdk"
)

func TestFindOpenOrdersReadsEveryPage(t *testing.T) {
	shop := newShop(t, nil)
	amt := sdk.Rupiah(210000)
	want := map[string]bool{}
	for i := range 250 {
		o := shop.seed(amt, fakewoo.Order{Created: time.Now().Add(-time.Duration(i+1) * time.Minute)})
		want[strconv.FormatInt(o.ID, 10)] = true
	}
	resp, err := shop.find(amt, time.Now().Add(-24*time.Hour))
	if err != nil {
		t.Fatalf("FindOpenOrders: %v", err)
	}
	if len(resp.Orders) != 250 {
		t.Fatalf("found %d orders, want 250", len(resp.Orders))
	}
	for _, o := range resp.Orders {
		if !want[o.ID] {
			t.Errorf("unexpected or repeated order %s", o.ID)
		}
		delete(want, o.ID)
	}
	if lists := countRequests(shop.fake, "GET /wp-json/wc/v3/orders"); lists != 3 {
		t.Errorf("%d list requests, want 3 pages of at most 100", lists)
	}
}

// A full last page may hide orders that arrived during the scan, so the
// plugin asks for one more page.
func TestFindOpenOrdersReadsPastAFullLastPage(t *testing.T) {
	shop := newShop(t, nil)
	amt := sdk.Rupiah(230000)
	for range 200 {
		shop.seed(amt, fakewoo.Order{})
	}
	resp, err := shop.find(amt, time.Now().Add(-24*time.Hour))
	if err != nil || len(resp.Orders) != 200 {
		t.Fatalf("FindOpenOrders: %d orders, %v; want 200", len(resp.Orders), err)
	}
	if lists := countRequests(shop.fake, "GET /wp-json/wc/v3/orders"); lists != 3 {
		t.Errorf("%d list requests, want 2 full pages and an empty third", lists)
	}
}

func TestFindOpenOrdersFiltersAndConverts(t *testing.T) {
	shop := newShop(t, map[string]any{"payment_methods": []string{"bacs", "cheque"}})
	amt := sdk.Amount(15012350) // 150123.50
	since := time.Now().Add(-48 * time.Hour).Truncate(time.Second)
	created := time.Now().Add(-2 * time.Hour).Truncate(time.Second)
	match := shop.seed(amt, fakewoo.Order{Number: "TB-1042", Created: created})
	pending := shop.seed(amt, fakewoo.Order{Status: "pending", PaymentMethod: "cheque"})
	atSince := shop.seed(amt, fakewoo.Order{Created: since})
	excluded := []fakewoo.Order{
		shop.seed(amt+1, fakewoo.Order{}),
		shop.seed(amt, fakewoo.Order{PaymentMethod: "cod"}),
		shop.seed(amt, fakewoo.Order{PaymentMethod: ""}),
		shop.seed(amt, fakewoo.Order{Status: "cancelled"}),
		shop.seed(amt, fakewoo.Order{Status: "processing", DatePaid: created}),
		shop.seed(amt, fakewoo.Order{Status: "on-hold", TransactionID: "external"}),
		shop.seed(amt, fakewoo.Order{Created: since.Add(-time.Second)}),
	}
	shop.fake.Edit(excluded[2].ID, func(o *fakewoo.Order) { o.PaymentMethod = "" })

	resp, err := shop.find(amt, since)
	if err != nil {
		t.Fatalf("FindOpenOrders: %v", err)
	}
	ids := orderIDs(resp.Orders)
	for _, o := range []fakewoo.Order{match, pending, atSince} {
		if !slices.Contains(ids, strconv.FormatInt(o.ID, 10)) {
			t.Errorf("order %d (%s, %s) not found", o.ID, o.Status, o.PaymentMethod)
		}
	}
	for _, o := range excluded {
		if slices.Contains(ids, strconv.FormatInt(o.ID, 10)) {
			t.Errorf("order %d (%s, %s, total %s, created %s) should not be listed", o.ID, o.Status, o.PaymentMethod, o.Total, o.Created)
		}
	}
	i := slices.Index(ids, strconv.FormatInt(match.ID, 10))
	if i < 0 {
		return
	}
	got := resp.Orders[i]
	want := sdk.Order{ID: strconv.FormatInt(match.ID, 10), Number: "TB-1042", Status: "on-hold", Amount: amt,
		Currency: "IDR", CreatedAt: created.UTC()}
	if got != want {
		t.Errorf("order = %+v\nwant    %+v", got, want)
	}
}

func TestFindOpenOrdersWithoutAmountListsAll(t *testing.T) {
	shop := newShop(t, nil)
	a := shop.seed(sdk.Rupiah(1000), fakewoo.Order{})
	b := shop.seed(sdk.Rupiah(2000), fakewoo.Order{Meta: []fakewoo.Meta{{Key: "_lunas_mutation", Value: "mut-earlier"}}})
	resp, err := shop.find(0, time.Now().Add(-24*time.Hour))
	if err != nil {
		t.Fatalf("FindOpenOrders: %v", err)
	}
	ids := orderIDs(resp.Orders)
	if len(ids) != 2 {
		t.Fatalf("found %v, want orders %d and %d", ids, a.ID, b.ID)
	}
	for _, o := range resp.Orders {
		if want := map[bool]string{true: "mut-earlier", false: ""}[o.ID == strconv.FormatInt(b.ID, 10)]; o.PaidBy != want {
			t.Errorf("order %s PaidBy %q, want %q", o.ID, o.PaidBy, want)
		}
	}
}

func TestFindOpenOrdersHonoursCancellation(t *testing.T) {
	shop := newShop(t, nil)
	for range 150 {
		shop.seed(sdk.Rupiah(5000), fakewoo.Order{})
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := shop.store.FindOpenOrders(ctx, &sdk.FindOpenOrdersRequest{Since: time.Now().Add(-time.Hour)})
	if !errors.Is(err, context.Canceled) || sdk.IsPermanent(err) {
		t.Fatalf("err = %v, want a retryable error wrapping context.Canceled", err)
	}
}

func orderIDs(orders []sdk.Order) []string {
	ids := make([]string, len(orders))
	for i, o := range orders {
		ids[i] = o.ID
	}
	return ids
}

func countRequests(fake *fakewoo.Server, req string) int {
	n := 0
	for _, r := range fake.Requests() {
		if r == req || strings.TrimSuffix(r, "/") == req {
			n++
		}
	}
	return n
}
