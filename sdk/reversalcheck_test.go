package sdk

import (
	"strings"
	"testing"
)

func TestReversalMismatch(t *testing.T) {
	orig := Mutation{ID: "m-pay", Type: "CR", Amount: Rupiah(150000)}
	for name, tc := range map[string]struct {
		rev  Mutation
		want string // a part of the reason; "" for a plausible pair
	}{
		"a debit of the same amount": {Mutation{ID: "m-rev", Type: "DB", Amount: Rupiah(150000)}, ""},
		"a credit":                   {Mutation{ID: "m-rev", Type: "CR", Amount: Rupiah(150000)}, "not a debit"},
		"the payment itself":         {Mutation{ID: "m-pay", Type: "DB", Amount: Rupiah(150000)}, "same mutation m-pay"},
		"a partial reversal":         {Mutation{ID: "m-rev", Type: "DB", Amount: Rupiah(50000)}, "partial reversal"},
	} {
		t.Run(name, func(t *testing.T) {
			got := ReversalMismatch(orig, tc.rev)
			if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
				t.Errorf("ReversalMismatch = %q, want %q", got, tc.want)
			}
		})
	}
}
