package config

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// Error is one problem in a configuration. Parse and Validate report every
// problem they find, joined with errors.Join; errors.As finds the first.
// Messages never contain the value of a secret.
type Error struct {
	// Range is where the problem was written; nil for a Config built in code.
	Range *hcl.Range
	// Message says what is wrong.
	Message string

	columns bool // print the exact range (an expression) rather than the line (a block or attribute)
}

func (e *Error) Error() string {
	switch {
	case e.Range == nil:
		return e.Message
	case e.columns:
		return fmt.Sprintf("%s: %s", e.Range, e.Message)
	default:
		return fmt.Sprintf("%s:%d: %s", e.Range.Filename, e.Range.Start.Line, e.Message)
	}
}

// diagErrors turns HCL's error diagnostics into Errors.
func diagErrors(diags hcl.Diagnostics) []error {
	var errs []error
	for _, d := range diags {
		if d.Severity != hcl.DiagError {
			continue
		}
		errs = append(errs, diagError(d))
	}
	return errs
}

func diagError(d *hcl.Diagnostic) *Error {
	e := &Error{Range: d.Subject, Message: d.Summary, columns: true}
	if d.Detail != "" {
		e.Message += "; " + d.Detail
	}
	// A failed env() call reads better as what it is than as HCL's generic
	// "Error in function call", and the whole call is the thing to point at.
	if x, ok := hcl.DiagnosticExtra[hclsyntax.FunctionCallDiagExtra](d); ok && x.FunctionCallError() != nil {
		var fe *envError
		if errors.As(x.FunctionCallError(), &fe) {
			e.Message = fe.Error()
			if d.Context != nil {
				e.Range = d.Context
			}
		}
	}
	return e
}

// joinSorted joins errs in the order of the file, so that a reader can walk
// down it; errors without a position keep their order, at the end.
func joinSorted(errs []error) error {
	slices.SortStableFunc(errs, func(a, b error) int {
		ra, rb := errRange(a), errRange(b)
		switch {
		case ra == nil || rb == nil:
			return cmp.Compare(boolInt(ra == nil), boolInt(rb == nil))
		case ra.Filename != rb.Filename:
			return cmp.Compare(ra.Filename, rb.Filename)
		default:
			return cmp.Compare(ra.Start.Byte, rb.Start.Byte)
		}
	})
	return errors.Join(errs...)
}

func errRange(err error) *hcl.Range {
	var e *Error
	if errors.As(err, &e) {
		return e.Range
	}
	return nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// quote quotes a value from the file for a message, cut short: a message
// should show which value is wrong, not repeat a pasted blob. Never pass it
// a secret.
func quote(s string) string {
	const max = 64
	if r := []rune(s); len(r) > max {
		return strconv.Quote(string(r[:max])) + "..."
	}
	return strconv.Quote(s)
}
