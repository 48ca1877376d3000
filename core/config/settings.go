package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/big"
	"strconv"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// settings decodes `settings = { ... }`, an object of any HCL values, into
// the JSON object the plugin's Configure receives.
func (d *decoder) settings(attrs hcl.Attributes, p place, dst *json.RawMessage) {
	v, ok := d.value(attrs, "settings", cty.DynamicPseudoType, p)
	if !ok {
		return
	}
	r := attrs["settings"].Expr.Range()
	if t := v.Type(); !t.IsObjectType() && !t.IsMapType() {
		d.errorf(r, "%s: an object is required, like settings = { base_url = \"https://...\" }", p.name("settings"))
		return
	}
	g, err := plain(v, p.name("settings"))
	if err != nil {
		d.errorf(r, "%v", err)
		return
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(g); err != nil {
		d.errorf(r, "%s: %v", p.name("settings"), err)
		return
	}
	*dst = bytes.TrimSpace(b.Bytes())
}

// plain converts a known cty value to what encoding/json marshals the same
// way: numbers stay exact decimals (json.Number), never float64. Errors name
// the path of the offending value, never the value.
func plain(v cty.Value, path string) (any, error) {
	if v.IsNull() {
		return nil, nil
	}
	t := v.Type()
	switch {
	case t == cty.String:
		return v.AsString(), nil
	case t == cty.Bool:
		return v.True(), nil
	case t == cty.Number:
		return number(v.AsBigFloat(), path)
	case t.IsObjectType() || t.IsMapType():
		m := make(map[string]any, v.LengthInt())
		for it := v.ElementIterator(); it.Next(); {
			k, e := it.Element()
			g, err := plain(e, path+"."+k.AsString())
			if err != nil {
				return nil, err
			}
			m[k.AsString()] = g
		}
		return m, nil
	case t.IsListType() || t.IsSetType() || t.IsTupleType():
		s := make([]any, 0, v.LengthInt())
		for it := v.ElementIterator(); it.Next(); {
			_, e := it.Element()
			g, err := plain(e, path+"["+strconv.Itoa(len(s))+"]")
			if err != nil {
				return nil, err
			}
			s = append(s, g)
		}
		return s, nil
	default:
		return nil, fmt.Errorf("%s: a %s cannot be passed to a plugin", path, t.FriendlyName())
	}
}

// number renders f as an exact decimal. Magnitudes beyond float64's range
// are refused: no plugin could read them, and their decimal form is huge.
func number(f *big.Float, path string) (json.Number, error) {
	if f.IsInf() {
		return "", fmt.Errorf("%s: infinity cannot be passed to a plugin", path)
	}
	if exp := f.MantExp(nil); f.Sign() != 0 && (exp > 1024 || exp < -1021) {
		return "", fmt.Errorf("%s: the number is out of range", path)
	}
	return json.Number(f.Text('f', -1)), nil
}

// hugeNumbers reports number literals beyond float64's range. No setting
// needs one, and converting one to text (which HCL does for a string
// attribute) takes time and memory without bound.
func hugeNumbers(body hcl.Body) []error {
	b, ok := body.(*hclsyntax.Body)
	if !ok {
		return nil
	}
	var errs []error
	_ = hclsyntax.VisitAll(b, func(n hclsyntax.Node) hcl.Diagnostics {
		lit, ok := n.(*hclsyntax.LiteralValueExpr)
		if !ok || lit.Val.Type() != cty.Number || !lit.Val.IsKnown() || lit.Val.IsNull() {
			return nil
		}
		if _, err := number(lit.Val.AsBigFloat(), ""); err != nil {
			errs = append(errs, &Error{Range: lit.SrcRange.Ptr(), Message: "the number is out of range", columns: true})
		}
		return nil
	})
	return errs
}
