package config

import (
	"fmt"
	"math"
	"math/big"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
	"github.com/zclconf/go-cty/cty/function"
)

// decoder evaluates a body's attributes into Go values, collecting every
// problem instead of stopping at the first.
type decoder struct {
	ctx  *hcl.EvalContext
	errs []error
}

func newDecoder() *decoder {
	return &decoder{ctx: &hcl.EvalContext{Functions: map[string]function.Function{"env": envFunc}}}
}

// diags records the errors among ds and reports whether there were any.
func (d *decoder) diags(ds hcl.Diagnostics) bool {
	errs := diagErrors(ds)
	d.errs = append(d.errs, errs...)
	return len(errs) > 0
}

func (d *decoder) errorf(r hcl.Range, format string, args ...any) {
	d.errs = append(d.errs, &Error{Range: &r, Message: fmt.Sprintf(format, args...)})
}

// content splits body by schema; unknown attributes and blocks are errors.
func (d *decoder) content(body hcl.Body, schema *hcl.BodySchema) *hcl.BodyContent {
	c, ds := body.Content(schema)
	d.diags(ds)
	return c
}

// value evaluates attribute name of attrs as type ty, recording where it was
// written in p. ok is false when the attribute is absent or null (both mean
// "use the default") or when it could not be evaluated (an error is recorded).
func (d *decoder) value(attrs hcl.Attributes, name string, ty cty.Type, p place) (v cty.Value, ok bool) {
	a, found := attrs[name]
	if !found {
		return cty.NilVal, false
	}
	p.attrs[name] = a.Range
	v, ds := a.Expr.Value(d.ctx)
	if d.diags(ds) || v.IsNull() {
		return cty.NilVal, false
	}
	if ty != cty.DynamicPseudoType {
		var err error
		if v, err = convert.Convert(v, ty); err != nil {
			d.errorf(a.Expr.Range(), "%s: %s is required", p.name(name), typeName(ty))
			return cty.NilVal, false
		}
	}
	if !v.IsWhollyKnown() {
		d.errorf(a.Expr.Range(), "%s: the value is not known", p.name(name))
		return cty.NilVal, false
	}
	return v, true
}

func (d *decoder) str(attrs hcl.Attributes, name string, p place, dst *string) {
	if v, ok := d.value(attrs, name, cty.String, p); ok {
		*dst = v.AsString()
	}
}

// strs decodes a list of strings; a null element becomes "" (which
// validation then reports where it matters).
func (d *decoder) strs(attrs hcl.Attributes, name string, p place, dst *[]string) {
	v, ok := d.value(attrs, name, cty.List(cty.String), p)
	if !ok {
		return
	}
	out := make([]string, 0, v.LengthInt())
	for _, e := range v.AsValueSlice() {
		s := ""
		if !e.IsNull() {
			s = e.AsString()
		}
		out = append(out, s)
	}
	*dst = out
}

func (d *decoder) integer(attrs hcl.Attributes, name string, p place, dst *int64) {
	v, ok := d.value(attrs, name, cty.Number, p)
	if !ok {
		return
	}
	f := v.AsBigFloat()
	n, acc := f.Int64()
	switch {
	case !f.IsInt():
		d.errorf(attrs[name].Expr.Range(), "%s: a whole number is required", p.name(name))
		return
	case acc != big.Exact:
		d.errorf(attrs[name].Expr.Range(), "%s: the number is out of range", p.name(name))
		return
	}
	*dst = n
}

func (d *decoder) smallInt(attrs hcl.Attributes, name string, p place, dst *int) {
	n := int64(*dst)
	d.integer(attrs, name, p, &n)
	if n < math.MinInt32 || n > math.MaxInt32 {
		d.errorf(attrs[name].Expr.Range(), "%s: the number is out of range", p.name(name))
		return
	}
	*dst = int(n)
}

func (d *decoder) boolean(attrs hcl.Attributes, name string, p place, dst *bool) {
	if v, ok := d.value(attrs, name, cty.Bool, p); ok {
		*dst = v.True()
	}
}

// duration decodes a duration string such as "7d", "1h30m" or "30s" (see
// ParseDuration).
func (d *decoder) duration(attrs hcl.Attributes, name string, p place, dst *time.Duration) {
	v, ok := d.value(attrs, name, cty.String, p)
	if !ok {
		return
	}
	t, err := ParseDuration(v.AsString())
	if err != nil {
		d.errorf(attrs[name].Expr.Range(), "%s: %v", p.name(name), err)
		return
	}
	*dst = t
}

// single returns the one block of a type, reporting any repeat.
func (d *decoder) single(blocks hcl.Blocks) *hcl.Block {
	if len(blocks) == 0 {
		return nil
	}
	for _, b := range blocks[1:] {
		d.errorf(b.DefRange, "duplicate %s block (the first is at line %d); write it once", b.Type, blocks[0].DefRange.Start.Line)
	}
	return blocks[0]
}

// typeName says in words what a value of type ty looks like.
func typeName(ty cty.Type) string {
	switch {
	case ty == cty.String:
		return "a string"
	case ty == cty.Number:
		return "a number"
	case ty == cty.Bool:
		return "true or false"
	case ty.Equals(cty.List(cty.String)):
		return `a list of strings like ["a", "b"]`
	default:
		return ty.FriendlyName()
	}
}
