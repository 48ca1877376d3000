package fakewoo

import (
	"strconv"
	"testing"
	"time"
)

// A paid order sent back to on-hold (what a bank reversal does) is
// accepted, keeps its paid and completed dates as WooCommerce does, and
// gets WooCommerce's status note.
func TestBackToOnHoldKeepsPaymentDates(t *testing.T) {
	paid := time.Now().Add(-time.Hour).UTC().Truncate(time.Second)
	tests := []struct {
		name      string
		seed      Order
		completed bool // date_completed_gmt must stay set
		label     string
	}{
		{"from processing", Order{Status: "processing", DatePaid: paid}, false, "Processing"},
		{"from completed", Order{Status: "completed", DatePaid: paid, DateCompleted: paid}, true, "Completed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := Start(t, Options{TLS: true})
			o := s.AddOrder(tt.seed)
			var got struct {
				orderJSON
				DateCompletedGMT *string `json:"date_completed_gmt"`
			}
			body := map[string]any{"status": "on-hold", "meta_data": []map[string]any{{"key": "_lunas_reversed", "value": "rev-1"}}}
			if resp := call(t, s, "PUT", "/orders/"+strconv.FormatInt(o.ID, 10), body, &got); resp.StatusCode != 200 {
				t.Fatalf("PUT: %d", resp.StatusCode)
			}
			want := paid.Format(dateLayout)
			if got.Status != "on-hold" || got.DatePaidGMT == nil || *got.DatePaidGMT != want {
				t.Errorf("status %q date_paid_gmt %v; want on-hold with date_paid_gmt %s kept", got.Status, got.DatePaidGMT, want)
			}
			if (got.DateCompletedGMT != nil) != tt.completed {
				t.Errorf("date_completed_gmt %v, want set: %v", got.DateCompletedGMT, tt.completed)
			}
			stored, _ := s.Order(o.ID)
			if stored.MetaValue("_lunas_reversed") != "rev-1" || !stored.DatePaid.Equal(paid) {
				t.Errorf("stored: meta %q, paid %v", stored.MetaValue("_lunas_reversed"), stored.DatePaid)
			}
			notes := s.Notes(o.ID)
			if len(notes) != 1 || notes[0].Author != "shop-manager" || notes[0].Note != "Order status changed from "+tt.label+" to On hold." {
				t.Errorf("notes %+v, want WooCommerce's status note by the key's user (a REST status change is manual)", notes)
			}
			if l := s.Ledger(o.ID); l != (Ledger{Writes: 1, StatusChanges: 1}) {
				t.Errorf("ledger %+v, want one write and one status change", l)
			}
		})
	}
}

func TestAfterUpdatePlaysAnotherPluginsHook(t *testing.T) {
	s := Start(t, Options{TLS: true})
	o := s.AddOrder(Order{Status: "processing", DatePaid: time.Now()})
	s.AfterUpdate(func(o *Order) {
		if o.Status == "on-hold" {
			o.Status = "pending"
		}
	})
	var got orderJSON
	call(t, s, "PUT", "/orders/"+strconv.FormatInt(o.ID, 10), map[string]any{"status": "on-hold"}, &got)
	if got.Status != "pending" {
		t.Errorf("answer has status %q, want the hook's pending", got.Status)
	}
	if l := s.Ledger(o.ID); l != (Ledger{Writes: 1, StatusChanges: 2}) {
		t.Errorf("ledger %+v, want one write with two status changes", l)
	}
	if n := s.Notes(o.ID); len(n) != 2 || n[1].Note != "Order status changed from On hold to Pending payment." {
		t.Errorf("notes %+v, want a status note for each change", n)
	}

	s.AfterUpdate(nil)
	call(t, s, "PUT", "/orders/"+strconv.FormatInt(o.ID, 10), map[string]any{"status": "on-hold"}, &got)
	if got.Status != "on-hold" {
		t.Errorf("after removing the hook: status %q, want on-hold", got.Status)
	}
}
