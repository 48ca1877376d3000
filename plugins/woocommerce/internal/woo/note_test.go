package woo

import (
	"strings"
	"testing"
	"time"

	"github.com/lunas-dev/lunas/sdk"
)

func TestNoteTemplateRendersEveryPlaceholder(t *testing.T) {
	tmpl, err := parseNoteTemplate("{amount}|{amount_raw}|{bank}|{account}|{mutation_id}|{order_number}|{date}|{not closed")
	if err != nil {
		t.Fatal(err)
	}
	m := sdk.Mutation{ID: "3ykVJxnwYkN", Amount: 15012350, BankType: "mandiriBisnisV2", AccountNumber: "1370012345678",
		Date: time.Date(2025, 6, 3, 16, 20, 0, 0, time.FixedZone("WIB", 7*3600))}
	got := tmpl.render(noteData{Mutation: m, OrderNumber: "TB-1042"})
	want := "150.123,50|150123.50|mandiriBisnisV2|1370012345678|3ykVJxnwYkN|TB-1042|2025-06-03 16:20|{not closed"
	if got != want {
		t.Errorf("render\n got %q\nwant %q", got, want)
	}
}

func TestReversalTemplateRendersEveryPlaceholder(t *testing.T) {
	tmpl, err := parseReversalTemplate("{amount}|{amount_raw}|{bank}|{account}|{mutation_id}|{order_number}|{date}|{reversal_id}|{reversal_date}")
	if err != nil {
		t.Fatal(err)
	}
	wib := time.FixedZone("WIB", 7*3600)
	m := sdk.Mutation{ID: "3ykVJxnwYkN", Amount: 15012350, BankType: "bca", AccountNumber: "8730123456",
		Date: time.Date(2025, 6, 3, 16, 20, 0, 0, wib)}
	rev := sdk.Mutation{ID: "rVx81Lk0", Type: "DB", Amount: 15012350, Date: time.Date(2025, 6, 4, 9, 5, 0, 0, wib)}
	got := tmpl.render(noteData{Mutation: m, Reversal: rev, OrderNumber: "TB-1042"})
	want := "150.123,50|150123.50|BCA|8730123456|3ykVJxnwYkN|TB-1042|2025-06-03 16:20|rVx81Lk0|2025-06-04 09:05"
	if got != want {
		t.Errorf("render\n got %q\nwant %q", got, want)
	}
}

func TestFormatRupiah(t *testing.T) {
	tests := map[sdk.Amount]string{
		0: "0", 100: "1", 99900: "999", 100000: "1.000", 15012300: "150.123", 15012350: "150.123,50",
		sdk.Rupiah(1234567890): "1.234.567.890", 5: "0,05", -15012300: "-150.123",
	}
	for in, want := range tests {
		if got := formatRupiah(in); got != want {
			t.Errorf("formatRupiah(%d) = %q, want %q", in, got, want)
		}
	}
}

func TestBankName(t *testing.T) {
	tests := map[string]string{"bca": "BCA", "bri": "BRI", "jago": "JAGO", "briCmsV2": "briCmsV2", "": "transfer bank"}
	for in, want := range tests {
		if got := bankName(sdk.Mutation{BankType: in}); got != want {
			t.Errorf("bankName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNoteTemplateErrors(t *testing.T) {
	tests := map[string]string{
		"":                           "must not be empty",
		"Lunas":                      "must contain {mutation_id}",
		"{mutation_id} {nominal}":    "unknown placeholder {nominal}",
		strings.Repeat("x", 2001):    "at most 2000",
		"{mutation_id}" + "{Amount}": "unknown placeholder {Amount}",
	}
	for in, want := range tests {
		if _, err := parseNoteTemplate(in); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("parseNoteTemplate(%.30q) = %v, want an error saying %q", in, err, want)
		}
	}
}

func TestHasNoteFor(t *testing.T) {
	tests := []struct {
		name  string
		notes []wcNote
		id    string
		want  bool
	}{
		{"our note", []wcNote{{Note: "Pembayaran Rp 150.123 (mutasi Moota 3ykVJxnwYkN)."}}, "3ykVJxnwYkN", true},
		{"id inside a longer word", []wcNote{{Note: "ref X3ykVJxnwYkN2"}}, "3ykVJxnwYkN", false},
		{"numeric id inside an amount", []wcNote{{Note: "Rp 150.123 (mutasi Moota 99)"}}, "123", false},
		{"numeric id as a word", []wcNote{{Note: "Rp 150.123 (mutasi Moota 123)"}}, "123", true},
		{"numeric id ending a sentence", []wcNote{{Note: "Lunas: mutasi 123."}}, "123", true},
		{"numeric id after a thousands separator", []wcNote{{Note: "Rp 1,123 masuk"}}, "123", false},
		{"a status note", []wcNote{{Note: "Order status changed from On hold to Processing."}}, "3ykVJxnwYkN", false},
		{"no notes", nil, "3ykVJxnwYkN", false},
	}
	for _, tt := range tests {
		if got := hasNoteFor(tt.notes, tt.id); got != tt.want {
			t.Errorf("%s: hasNoteFor = %v, want %v", tt.name, got, tt.want)
		}
	}
}
