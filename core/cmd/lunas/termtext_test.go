package main

import (
	"bytes"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/lunas-dev/lunas/core"
	"github.com/lunas-dev/lunas/sdk"
)

func TestShellQuote(t *testing.T) {
	tests := []string{"", "plain-id_1.2", "moota:bank:m1", "it's", "a b", "'", "''", `$(touch /tmp/x)`, "`id`", `back\slash`, "new\nline", "semi;colon", "a'b'c"}
	for _, s := range tests {
		quoted := shellQuote(s)
		out, err := exec.Command("sh", "-c", "printf %s "+quoted).Output()
		if err != nil {
			t.Fatalf("sh -c printf %%s %s: %v", quoted, err)
		}
		if string(out) != s {
			t.Errorf("shellQuote(%q) = %s; the shell reads it as %q", s, quoted, out)
		}
	}
}

func TestTermSafe(t *testing.T) {
	tests := []struct{ in, want string }{
		{"BCA transfer INV-1042", "BCA transfer INV-1042"},
		{"Pembayaran café ✓", "Pembayaran café ✓"},
		{"\x1b[2J\x1b]0;pwned\x07", "?[2J?]0;pwned?"},
		{"a\u2028b\u2029c", "a?b?c"},
		{"tab\there\r\nnext", "tab?here??next"},
		{"\u202edesrever", "?desrever"},
		{"zero\u200bwidth", "zero?width"},
		{"c1\u009bcontrol", "c1?control"},
		{"bad\xffbyte", "bad?byte"},
		{"real \ufffd kept", "real \ufffd kept"},
	}
	for _, tt := range tests {
		if got := termSafe(tt.in); got != tt.want {
			t.Errorf("termSafe(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

// TestReviewPrintingIsInert is attack 6 of issue 12 (CLI): payload text
// reached the operator's terminal raw and the suggested command unquoted.
func TestReviewPrintingIsInert(t *testing.T) {
	item := core.ReviewItem{
		ID: "moota:b:x'y", Status: core.ReviewOpen, Reason: "unmatched", Store: "toko",
		MutationID: "m\x1b[8m", BankID: "b\u2028", Type: "CR", Amount: sdk.Amount(100),
		Description: "pay \x1b]52;c;ZWNobyBwd25lZA==\x07 now", Detail: "line1\nline2\x1b[1A",
		Date: time.Date(2026, 1, 1, 0, 0, 0, 0, core.Jakarta), CreatedAt: time.Now(),
	}
	var show, list bytes.Buffer
	printReviewItem(&show, item)
	printReviewTable(&list, []core.ReviewItem{item})
	for name, out := range map[string]string{"show": show.String(), "list": list.String()} {
		if strings.ContainsAny(out, "\x1b\x07\u2028") {
			t.Errorf("review %s prints a control character: %q", name, out)
		}
	}
	if !strings.Contains(show.String(), `lunas review resolve 'moota:b:x'\''y' --order`) {
		t.Errorf("the suggested command does not quote the id:\n%s", show.String())
	}
}
