package sdk

import (
	"strings"
	"testing"
)

func TestCleanReason(t *testing.T) {
	for name, tc := range map[string]struct {
		in   string
		max  int
		want string
	}{
		"plain":                 {"order is cancelled", 100, "order is cancelled"},
		"trimmed":               {"  \t out of stock \n", 100, "out of stock"},
		"controls become space": {"line one\r\nline two\x00\x1b[31mred", 100, "line one line two [31mred"},
		"spaces collapse":       {"a    b\t\tc", 100, "a b c"},
		"cut on runes":          {"Pesanan sudah dibayar ✓✓✓", 23, "Pesanan sudah dibayar ✓…"},
		"exactly max":           {"abcde", 5, "abcde"},
		"one over":              {"abcdef", 5, "abcde…"},
		"space at the cut":      {"abcde fgh", 5, "abcde…"},
		"invalid utf-8":         {"bad \xff byte", 100, "bad \uFFFD byte"},
		"no limit":              {strings.Repeat("x", 500), 0, strings.Repeat("x", 500)},
		"empty":                 {" \n ", 10, ""},
	} {
		t.Run(name, func(t *testing.T) {
			if got := CleanReason(tc.in, tc.max); got != tc.want {
				t.Errorf("CleanReason(%q, %d) = %q, want %q", tc.in, tc.max, got, tc.want)
			}
		})
	}
}
