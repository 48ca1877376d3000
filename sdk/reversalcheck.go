package sdk

import "fmt"

// ReversalMismatch returns why rev cannot be the reversal of orig, the
// payment it is said to undo, or "" when the pair is plausible: rev must be
// a debit, another mutation than orig, and of the same amount (a partial
// reversal is left to a person). The core pairs them before it calls
// ReversePayment; a Reverser checks again, as the last guard against a
// pairing no bank would make, and answers OutcomeRefused with this reason.
func ReversalMismatch(orig, rev Mutation) string {
	switch {
	case rev.Type != "DB":
		return fmt.Sprintf("mutation %s is not a debit (type %q): only money going out reverses a payment", rev.ID, rev.Type)
	case rev.ID == orig.ID:
		return fmt.Sprintf("the reversal and the payment are the same mutation %s", rev.ID)
	case rev.Amount != orig.Amount:
		return fmt.Sprintf("reversal %s is %s but payment %s was %s: a partial reversal is left to a person", rev.ID, rev.Amount, orig.ID, orig.Amount)
	}
	return ""
}
