package shopify

import (
	"testing"
	"time"

	"github.com/lunas-dev/lunas/plugins/shopify/fakeshopify"
	"github.com/lunas-dev/lunas/sdk"
)

func TestFindsEveryOpenOrderAcrossPages(t *testing.T) {
	h := staticHarness(t, nil)
	now := time.Now().UTC()
	want := map[string]bool{}
	for i := range 260 {
		o := h.fake.AddOrder(fakeshopify.NewOrder{Amount: sdk.Rupiah(10000 + int64(i)), CreatedAt: now.Add(-time.Duration(i) * time.Minute)})
		want[o.ID] = true
	}
	// Orders that must not be listed.
	h.fake.AddOrder(fakeshopify.NewOrder{Amount: sdk.Rupiah(10000), FinancialStatus: "PAID"})
	h.fake.AddOrder(fakeshopify.NewOrder{Amount: sdk.Rupiah(10000), Cancelled: true})
	h.fake.AddOrder(fakeshopify.NewOrder{Amount: sdk.Rupiah(10000), Gateways: []string{"shopify_payments"}})
	h.fake.AddOrder(fakeshopify.NewOrder{Amount: sdk.Rupiah(10000), CreatedAt: now.Add(-8 * 24 * time.Hour)})

	orders := h.find(t, 0, now.Add(-7*24*time.Hour))
	seen := map[string]bool{}
	for _, o := range orders {
		if !want[o.ID] || seen[o.ID] {
			t.Fatalf("unexpected or repeated order %s (%s)", o.ID, o.Number)
		}
		seen[o.ID] = true
	}
	if len(seen) != len(want) {
		t.Fatalf("found %d orders, want all %d", len(seen), len(want))
	}
	st := h.fake.Stats()
	if st.Requests != 3 {
		t.Errorf("%d requests, want 3 pages of at most 100", st.Requests)
	}
	// Three pages of 100 cost more than the 1000-point bucket holds at
	// once: the store must wait for points instead of being throttled.
	if st.Throttled != 0 {
		t.Errorf("the listing was throttled %d times; it should wait for the budget", st.Throttled)
	}
}

func TestFindFiltersExactly(t *testing.T) {
	h := staticHarness(t, map[string]any{"gateways": []string{"Bank Deposit", "Transfer BCA"}})
	now := time.Now().UTC()
	cents := h.fake.AddOrder(fakeshopify.NewOrder{Amount: sdk.Amount(14990)}) // Shopify says "149.9"
	custom := h.fake.AddOrder(fakeshopify.NewOrder{Amount: sdk.Amount(14990), Gateways: []string{"transfer bca"}})
	h.fake.AddOrder(fakeshopify.NewOrder{Amount: sdk.Amount(14991)})
	h.fake.AddOrder(fakeshopify.NewOrder{Amount: sdk.Amount(14990), Gateways: []string{"Cash on Delivery (COD)"}})
	paid := h.fake.AddOrder(fakeshopify.NewOrder{Amount: sdk.Amount(14990)})
	h.fake.SetIndexLag(true)
	h.fake.MarkPaidByMerchant(paid.ID) // still indexed as pending

	orders := h.find(t, sdk.Amount(14990), now.Add(-time.Hour))
	if len(orders) != 2 {
		t.Fatalf("found %+v, want the two Rp149,90 bank-transfer orders", orders)
	}
	for _, o := range orders {
		if o.ID != cents.ID && o.ID != custom.ID {
			t.Errorf("unexpected order %s", o.Number)
		}
		if o.Amount != sdk.Amount(14990) || o.Currency != "IDR" || o.Number == "" || o.Status != "PENDING" || o.CreatedAt.IsZero() || o.PaidBy != "" {
			t.Errorf("order %s listed as %+v", o.ID, o)
		}
	}
}

func TestSearchQuery(t *testing.T) {
	tests := map[string]struct {
		since time.Time
		want  string
	}{
		"no bound": {time.Time{}, "financial_status:pending status:open"},
		// A day early: Shopify reads the date in the shop's zone.
		"utc morning":   {time.Date(2025, 6, 3, 2, 0, 0, 0, time.UTC), "financial_status:pending status:open created_at:>=2025-06-02"},
		"jakarta night": {time.Date(2025, 6, 3, 23, 30, 0, 0, wib), "financial_status:pending status:open created_at:>=2025-06-02"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := searchQuery(tc.since); got != tc.want {
				t.Fatalf("searchQuery = %q, want %q", got, tc.want)
			}
		})
	}
}
