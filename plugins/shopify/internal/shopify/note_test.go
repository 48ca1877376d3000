package shopify

import (
	"testing"
	"time"

	"github.com/lunas-dev/lunas/sdk"
)

func TestNoteTemplate(t *testing.T) {
	m := sdk.Mutation{ID: "m-9", AccountNumber: "0012345", Amount: sdk.Amount(15012350), BankType: "mandiriBisnisV2",
		Date: time.Date(2025, 6, 3, 17, 30, 0, 0, time.UTC)}
	tests := map[string]struct{ template, want string }{
		"default": {DefaultNoteTemplate,
			"Lunas: pembayaran Rp150.123,50 diterima via transfer mandiriBisnisV2 pada 2025-06-04 00:30 WIB (mutasi Moota m-9)."},
		"every placeholder": {"{order} {amount} {bank} {account} {date} {mutation_id}",
			"#1042 150.123,50 mandiriBisnisV2 0012345 2025-06-04 00:30 WIB m-9"},
		"no placeholders": {"dibayar", "dibayar"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			n, err := newNoteTemplate(tc.template)
			if err != nil {
				t.Fatal(err)
			}
			if got := n.render("#1042", m); got != tc.want {
				t.Fatalf("render = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestReversalNoteTemplate(t *testing.T) {
	orig := sdk.Mutation{ID: "m-9", AccountNumber: "0012345", Amount: sdk.Amount(15012350), BankType: "bca",
		Date: time.Date(2025, 6, 3, 17, 30, 0, 0, time.UTC)}
	rev := sdk.Mutation{ID: "r-4", Type: "DB", Amount: orig.Amount, Date: time.Date(2025, 6, 5, 1, 0, 0, 0, time.UTC)}
	n, err := newReversalTemplate("{order} {amount} {bank} {account} {date} {mutation_id} {reversal_id} {reversal_date}")
	if err != nil {
		t.Fatal(err)
	}
	want := "#1042 150.123,50 bca 0012345 2025-06-04 00:30 WIB m-9 r-4 2025-06-05 08:00 WIB"
	if got := n.renderReversal("#1042", orig, rev); got != want {
		t.Fatalf("renderReversal = %q, want %q", got, want)
	}
}

func TestRupiah(t *testing.T) {
	tests := map[sdk.Amount]string{
		0: "0", sdk.Rupiah(999): "999", sdk.Rupiah(1000): "1.000", sdk.Rupiah(150123): "150.123",
		sdk.Amount(14990): "149,90", sdk.Rupiah(1234567890): "1.234.567.890", -sdk.Rupiah(5000): "-5.000",
	}
	for in, want := range tests {
		if got := rupiah(in); got != want {
			t.Errorf("rupiah(%d) = %q, want %q", in, got, want)
		}
	}
}

func TestAppendLine(t *testing.T) {
	tests := map[string]struct{ note, want string }{
		"empty":         {"", "L"},
		"blank":         {"  \n", "L"},
		"text":          {"kirim sore", "kirim sore\nL"},
		"trailing line": {"kirim sore\n", "kirim sore\nL"},
	}
	for name, tc := range tests {
		if got := appendLine(tc.note, "L"); got != tc.want {
			t.Errorf("%s: appendLine(%q) = %q, want %q", name, tc.note, got, tc.want)
		}
	}
}

func TestOrderGID(t *testing.T) {
	tests := map[string]struct {
		in, want string
		ok       bool
	}{
		"gid":     {"gid://shopify/Order/5001", "gid://shopify/Order/5001", true},
		"numeric": {"5001", "gid://shopify/Order/5001", true},
		"product": {"gid://shopify/Product/5001", "", false},
		"name":    {"#1042", "", false},
	}
	for name, tc := range tests {
		if got, ok := orderGID(tc.in); got != tc.want || ok != tc.ok {
			t.Errorf("%s: orderGID(%q) = %q, %v", name, tc.in, got, ok)
		}
	}
}
