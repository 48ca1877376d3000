package core

import (
	"reflect"
	"testing"
	"time"

	"github.com/lunas-dev/lunas/sdk"
)

func TestMatchOrders(t *testing.T) {
	now := time.Now()
	since := now.Add(-168 * time.Hour)
	o := func(id, number string, rupiah int64, age time.Duration) sdk.Order {
		return sdk.Order{ID: id, Number: number, Amount: sdk.Rupiah(rupiah), CreatedAt: now.Add(-age)}
	}
	tests := []struct {
		name     string
		desc     string
		amount   int64
		orders   []sdk.Order
		kind     MatchKind
		order    string
		byNumber bool
	}{
		{name: "one exact amount", amount: 150123, orders: []sdk.Order{o("1", "1001", 150123, time.Hour), o("2", "1002", 150124, time.Hour)}, kind: Matched, order: "1"},
		{name: "none", amount: 150123, orders: []sdk.Order{o("2", "1002", 150124, time.Hour)}, kind: Unmatched},
		{name: "outside window", amount: 150123, orders: []sdk.Order{o("1", "1001", 150123, 200*time.Hour)}, kind: Unmatched},
		{name: "created after the money arrived", amount: 150123, orders: []sdk.Order{o("1", "1001", 150123, -time.Minute)}, kind: Unmatched},
		{name: "no creation time is inside", amount: 150123, orders: []sdk.Order{{ID: "1", Number: "1", Amount: sdk.Rupiah(150123)}}, kind: Matched, order: "1"},
		{name: "already marked paid is no candidate", amount: 150123, orders: []sdk.Order{{ID: "1", Number: "1", Amount: sdk.Rupiah(150123), PaidBy: "m"}}, kind: Unmatched},
		{name: "two without a number in the description", desc: "TRSF CR SITI", amount: 275000, orders: []sdk.Order{o("2", "1002", 275000, time.Hour), o("3", "1003", 275000, time.Hour)}, kind: Ambiguous},
		{name: "two, description names one", desc: "TRSF CR INV-1003 SITI", amount: 275000, orders: []sdk.Order{o("2", "1002", 275000, time.Hour), o("3", "1003", 275000, time.Hour)}, kind: Matched, order: "3", byNumber: true},
		{name: "hash number", desc: "bayar order 1003", amount: 275000, orders: []sdk.Order{o("2", "#1002", 275000, time.Hour), o("3", "#1003", 275000, time.Hour)}, kind: Matched, order: "3", byNumber: true},
		{name: "number only as part of a longer token", desc: "REF 110030", amount: 275000, orders: []sdk.Order{o("2", "1002", 275000, time.Hour), o("3", "1003", 275000, time.Hour)}, kind: Ambiguous},
		{name: "description names both", desc: "1002 1003", amount: 275000, orders: []sdk.Order{o("2", "1002", 275000, time.Hour), o("3", "1003", 275000, time.Hour)}, kind: Ambiguous},
		{name: "number of an order with another amount does not count", desc: "INV-1009", amount: 275000, orders: []sdk.Order{o("2", "1002", 275000, time.Hour), o("3", "1003", 275000, time.Hour), o("9", "1009", 5, time.Hour)}, kind: Ambiguous},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := MatchOrders(Mutation{Mutation: sdk.Mutation{Amount: sdk.Rupiah(tt.amount), Description: tt.desc}}, tt.orders, Window{Since: since, Until: now})
			if m.Kind != tt.kind {
				t.Fatalf("kind = %s, want %s", m.Kind, tt.kind)
			}
			if m.Order.ID != tt.order || m.ByNumber != tt.byNumber {
				t.Fatalf("order = %q byNumber=%v, want %q byNumber=%v", m.Order.ID, m.ByNumber, tt.order, tt.byNumber)
			}
		})
	}
}

func TestHints(t *testing.T) {
	got := Hints("TRSF E-BANKING CR 1501/FTSCY/WS95051 150123.00 INV-1042 BUDI")
	want := []string{"1501", "WS95051", "150123", "INV-1042"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Hints = %q, want %q", got, want)
	}
}
