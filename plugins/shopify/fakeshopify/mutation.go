package fakeshopify

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Messages Shopify uses in userErrors.
const (
	msgCannotMarkPaid = "Order cannot be marked as paid."
	msgNoOrder        = "Order does not exist"
)

func userErrors(field []string, message string) []object {
	return []object{&record{typ: "UserError", fields: map[string]any{"field": field, "message": message}}}
}

func payload(typ, key string, v any, errs []object) object {
	if errs == nil {
		errs = []object{}
	}
	return &record{typ: typ, fields: map[string]any{key: v, "userErrors": errs}}
}

// inputOrder reads input.id and finds the order; unknown keys of the input
// object fail the request as GraphQL input coercion does.
func (s *Server) inputOrder(args map[string]any, typ string, allowed ...string) (map[string]any, *order, error) {
	in, ok := args["input"].(map[string]any)
	if !ok {
		return nil, nil, fmt.Errorf("Variable $input of type %s! was provided invalid value", typ)
	}
	for k := range in {
		if k != "id" && !slices.Contains(allowed, k) {
			return nil, nil, fmt.Errorf("Variable $input of type %s! was provided invalid value for %s (Field is not defined on %s)", typ, k, typ)
		}
	}
	id, _ := in["id"].(string)
	o, err := s.orderByGID(id)
	return in, o, err
}

// orderMarkAsPaid records a payment for the outstanding amount. Shopify
// refuses a paid or cancelled order with a userError, not an error.
func (s *Server) orderMarkAsPaid(args map[string]any) (any, error) {
	_, o, err := s.inputOrder(args, "OrderMarkAsPaidInput")
	switch {
	case err != nil:
		return nil, err
	case o == nil:
		return payload("OrderMarkAsPaidPayload", "order", nil, userErrors([]string{"id"}, msgNoOrder)), nil
	}
	o.MarkPaidTries++
	if !o.canMarkAsPaid() {
		return payload("OrderMarkAsPaidPayload", "order", nil, userErrors([]string{"id"}, msgCannotMarkPaid)), nil
	}
	o.FinancialStatus, o.Outstanding = "PAID", 0
	o.MarkPaidCalls++
	s.touched(o)
	return payload("OrderMarkAsPaidPayload", "order", s.orderRecord(o), nil), nil
}

// orderUpdate sets the fields given. The note is REPLACED, not appended to:
// the trap every integration must read around.
func (s *Server) orderUpdate(args map[string]any) (any, error) {
	in, o, err := s.inputOrder(args, "OrderInput", "note", "tags")
	switch {
	case err != nil:
		return nil, err
	case o == nil:
		return payload("OrderUpdatePayload", "order", nil, userErrors([]string{"id"}, msgNoOrder)), nil
	}
	if v, ok := in["note"]; ok {
		note, _ := v.(string)
		o.Note = note
		o.NoteWrites++
	}
	if v, ok := in["tags"]; ok {
		o.Tags = tagList(v)
	}
	s.touched(o)
	return payload("OrderUpdatePayload", "order", s.orderRecord(o), nil), nil
}

// tagsAdd adds tags (a list, or a comma-separated string) that the order
// does not have yet, ignoring case.
func (s *Server) tagsAdd(args map[string]any) (any, error) {
	id, _ := args["id"].(string)
	o, err := s.orderByGID(id)
	if err != nil {
		return nil, err
	}
	if o == nil {
		return payload("TagsAddPayload", "node", nil, userErrors([]string{"id"}, "Resource not found")), nil
	}
	tags := tagList(args["tags"])
	for _, t := range tags {
		if len(t) > 40 {
			return payload("TagsAddPayload", "node", nil, userErrors([]string{"tags"}, "Tags is too long (maximum is 40 characters)")), nil
		}
	}
	added := false
	for _, t := range tags {
		if !o.hasTag(t) {
			o.Tags = append(o.Tags, t)
			added = true
		}
	}
	if added {
		o.TagWrites++
	}
	return payload("TagsAddPayload", "node", s.orderRecord(o), nil), nil
}

func tagList(v any) []string {
	var raw []string
	switch x := v.(type) {
	case string:
		raw = []string{x}
	case []any:
		for _, e := range x {
			if s, ok := e.(string); ok {
				raw = append(raw, s)
			}
		}
	}
	var out []string
	for _, r := range raw {
		for _, t := range strings.Split(r, ",") {
			if t = strings.TrimSpace(t); t != "" {
				out = append(out, t)
			}
		}
	}
	return out
}

// metafieldsSet writes up to 25 metafields atomically: if any entry is
// invalid, none is written. compareDigest gives compare-and-set; an explicit
// null compareDigest means "only if it does not exist yet".
func (s *Server) metafieldsSet(args map[string]any) (any, error) {
	list, ok := args["metafields"].([]any)
	if !ok {
		return nil, fmt.Errorf("Variable $metafields of type [MetafieldsSetInput!]! was provided invalid value")
	}
	fail := func(i int, field, code, msg string) (any, error) {
		return payload("MetafieldsSetPayload", "metafields", []object{}, []object{&record{typ: "MetafieldsSetUserError", fields: map[string]any{
			"field": []string{"metafields", strconv.Itoa(i), field}, "message": msg, "code": code, "elementIndex": i,
		}}}), nil
	}
	if len(list) > 25 {
		return fail(0, "metafields", "LESS_THAN_OR_EQUAL_TO", "Exceeded the maximum metafields input limit of 25.")
	}
	type write struct {
		o  *order
		mf Metafield
	}
	var writes []write
	for i, e := range list {
		in, _ := e.(map[string]any)
		owner, _ := in["ownerId"].(string)
		ns, _ := in["namespace"].(string)
		key, _ := in["key"].(string)
		typ, _ := in["type"].(string)
		value, _ := in["value"].(string)
		o, err := s.orderByGID(owner)
		if err != nil || o == nil {
			return fail(i, "ownerId", "INVALID_VALUE", "Owner does not exist.")
		}
		if len(ns) < 3 || len(key) < 2 {
			return fail(i, "key", "TOO_SHORT", "Namespace and key are too short.")
		}
		existing, exists := o.Metafields[ns+"."+key]
		if typ == "" {
			if !exists {
				return fail(i, "type", "BLANK", "Type can't be blank.")
			}
			typ = existing.Type
		}
		if value == "" || (typ == "single_line_text_field" && strings.ContainsAny(value, "\r\n")) {
			return fail(i, "value", "INVALID_VALUE", "Value is invalid for type "+typ+".")
		}
		if d, given := in["compareDigest"]; given {
			want, _ := d.(string)
			if (d == nil && exists) || (d != nil && (!exists || digest(existing.Value) != want)) {
				return fail(i, "compareDigest", "STALE_OBJECT", "The resource has been updated since it was loaded. Try again with an updated `compareDigest` value.")
			}
		}
		writes = append(writes, write{o: o, mf: Metafield{Namespace: ns, Key: key, Type: typ, Value: value}})
	}
	out := make([]object, 0, len(writes))
	for _, w := range writes {
		w.o.Metafields[w.mf.Namespace+"."+w.mf.Key] = w.mf
		w.o.MetafieldWrites++
		out = append(out, metafieldRecord(w.o, w.mf))
	}
	return payload("MetafieldsSetPayload", "metafields", out, nil), nil
}

func digest(value string) string {
	sum := sha256.Sum256([]byte(value))
	return hex.EncodeToString(sum[:])
}
