package core

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// withoutBankMeta returns the object raw with every member named "meta"
// removed from every member named "bank" that is an object. Names are
// compared as Go's JSON decoder compares them with struct fields (escapes
// decoded, any case), so nothing that would decode as bank.meta is ever
// kept. Every other byte is kept as Moota sent it, duplicate keys
// included: the result decodes to the same fields as raw, now and when the
// worker parses it again.
//
// raw must be a valid JSON object. It is returned as is when it holds no
// bank.meta; otherwise it is copied without those members.
func withoutBankMeta(raw []byte) ([]byte, error) {
	if bytes.IndexByte(raw, '\\') < 0 && !containsMetaFold(raw) {
		return raw, nil
	}
	var out []byte
	copied := 0 // raw[:copied] is in out already
	err := members(raw, func(_ int, key []byte, vs, ve int) {
		if !nameIs(key, "bank") || raw[vs] != '{' {
			return
		}
		bank, removed := withoutMember(raw[vs:ve], "meta")
		if !removed {
			return
		}
		if out == nil {
			out = make([]byte, 0, len(raw))
		}
		out = append(out, raw[copied:vs]...)
		out = append(out, bank...)
		copied = ve
	})
	if err != nil {
		return nil, err
	}
	if out == nil {
		return raw, nil
	}
	return append(out, raw[copied:]...), nil
}

// withoutMember returns obj, a valid JSON object, rebuilt without its
// members called name, and whether there were any.
func withoutMember(obj []byte, name string) ([]byte, bool) {
	var kept [][2]int // spans "key":value of the members kept
	removed := false
	_ = members(obj, func(ks int, key []byte, _, ve int) {
		if nameIs(key, name) {
			removed = true
			return
		}
		kept = append(kept, [2]int{ks, ve})
	})
	if !removed {
		return obj, false
	}
	b := make([]byte, 0, len(obj))
	b = append(b, '{')
	for i, s := range kept {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, obj[s[0]:s[1]]...)
	}
	return append(b, '}'), true
}

// nameIs reports whether key, a JSON string literal with its quotes,
// names the field name as encoding/json matches names: escapes decoded,
// case folded.
func nameIs(key []byte, name string) bool {
	k := key[1 : len(key)-1]
	if bytes.IndexByte(k, '\\') < 0 && isASCII(k) {
		return bytes.EqualFold(k, []byte(name))
	}
	var s string
	if json.Unmarshal(key, &s) != nil {
		return false
	}
	return strings.EqualFold(s, name)
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// containsMetaFold reports whether b holds "meta" in any ASCII case ("meta"
// has no non-ASCII case folds).
func containsMetaFold(b []byte) bool {
	for i := 0; i+4 <= len(b); i++ {
		if b[i]|0x20 == 'm' && b[i+1]|0x20 == 'e' && b[i+2]|0x20 == 't' && b[i+3]|0x20 == 'a' {
			return true
		}
	}
	return false
}

// elements calls fn with each element of the valid JSON array arr, until
// fn returns an error.
func elements(arr []byte, fn func(elem []byte) error) error {
	i := skipSpace(arr, 0)
	if i >= len(arr) || arr[i] != '[' {
		return errNotArray
	}
	i = skipSpace(arr, i+1)
	if i < len(arr) && arr[i] == ']' {
		return nil
	}
	for i < len(arr) {
		end, ok := skipValue(arr, i)
		if !ok {
			return errNotArray
		}
		if err := fn(arr[i:end]); err != nil {
			return err
		}
		i = skipSpace(arr, end)
		if i >= len(arr) {
			return errNotArray
		}
		if arr[i] == ']' {
			return nil
		}
		if arr[i] != ',' {
			return errNotArray
		}
		i = skipSpace(arr, i+1)
	}
	return errNotArray
}

var errNotArray = errors.New("not a JSON array")

// errNotObject is returned by members for input that is not a valid JSON
// object (callers validate first; this is a guard, not a parser).
var errNotObject = errors.New("not a JSON object")

// members calls fn for each member of the valid JSON object obj with where
// the member starts (its key), its key literal, and its value's span
// [vs, ve).
func members(obj []byte, fn func(ks int, key []byte, vs, ve int)) error {
	i := skipSpace(obj, 0)
	if i >= len(obj) || obj[i] != '{' {
		return errNotObject
	}
	i = skipSpace(obj, i+1)
	if i < len(obj) && obj[i] == '}' {
		return nil
	}
	for i < len(obj) {
		ks := i
		ke, ok := skipString(obj, i)
		if !ok {
			return errNotObject
		}
		i = skipSpace(obj, ke)
		if i >= len(obj) || obj[i] != ':' {
			return errNotObject
		}
		vs := skipSpace(obj, i+1)
		ve, ok := skipValue(obj, vs)
		if !ok {
			return errNotObject
		}
		fn(ks, obj[ks:ke], vs, ve)
		i = skipSpace(obj, ve)
		if i >= len(obj) {
			return errNotObject
		}
		if obj[i] == '}' {
			return nil
		}
		if obj[i] != ',' {
			return errNotObject
		}
		i = skipSpace(obj, i+1)
	}
	return errNotObject
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// skipString returns the index just past the string literal at b[i].
func skipString(b []byte, i int) (int, bool) {
	if i >= len(b) || b[i] != '"' {
		return i, false
	}
	for j := i + 1; ; {
		q := bytes.IndexByte(b[j:], '"')
		if q < 0 {
			return len(b), false
		}
		j += q
		// The quote ends the string unless an odd run of backslashes escapes it.
		n := 0
		for k := j - 1; k > i && b[k] == '\\'; k-- {
			n++
		}
		if n%2 == 0 {
			return j + 1, true
		}
		j++
	}
}

// skipValue returns the index just past the JSON value at b[i], which
// must be valid (strings are skipped whole, so brackets in them are text).
func skipValue(b []byte, i int) (int, bool) {
	if i >= len(b) {
		return i, false
	}
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		depth := 0
		for i < len(b) {
			switch b[i] {
			case '"':
				end, ok := skipString(b, i)
				if !ok {
					return end, false
				}
				i = end
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1, true
				}
			}
			i++
		}
		return i, false
	default: // number, true, false, null
		for i < len(b) && !strings.ContainsRune(",}] \t\r\n", rune(b[i])) {
			i++
		}
		return i, true
	}
}

// decodeWire reads the fields of wire from obj, a valid JSON object, as
// json.Unmarshal would (names matched in any case, a later duplicate
// overriding an earlier one, null leaving a string as it was), without
// reflection or a second validation pass.
func decodeWire(obj []byte) (wire, error) {
	var w wire
	var ferr error
	err := members(obj, func(_ int, key []byte, vs, ve int) {
		if ferr != nil {
			return
		}
		v := obj[vs:ve]
		switch {
		case nameIs(key, "mutation_id"):
			ferr = w.MutationID.UnmarshalJSON(v)
		case nameIs(key, "bank_id"):
			ferr = w.BankID.UnmarshalJSON(v)
		case nameIs(key, "account_number"):
			ferr = w.AccountNumber.UnmarshalJSON(v)
		case nameIs(key, "type"):
			ferr = jsonString(v, "type", &w.Type)
		case nameIs(key, "amount"):
			w.Amount = json.RawMessage(v)
		case nameIs(key, "description"):
			ferr = jsonString(v, "description", &w.Description)
		case nameIs(key, "note"):
			if v[0] == 'n' {
				w.Note = nil
				return
			}
			var s string
			if ferr = jsonString(v, "note", &s); ferr == nil {
				w.Note = &s
			}
		case nameIs(key, "date"):
			ferr = jsonString(v, "date", &w.Date)
		case nameIs(key, "created_at"):
			ferr = jsonString(v, "created_at", &w.CreatedAt)
		case nameIs(key, "payment_detail"):
			w.PaymentDetail = json.RawMessage(v)
		case nameIs(key, "bank"):
			switch v[0] {
			case 'n':
				w.Bank = nil
			case '{':
				if w.Bank == nil { // a repeated bank object is merged into the first, as json does
					w.Bank = &wireBank{}
				}
				_ = members(v, func(_ int, bkey []byte, bvs, bve int) {
					if ferr == nil && nameIs(bkey, "bank_type") {
						ferr = jsonString(v[bvs:bve], "bank.bank_type", &w.Bank.BankType)
					}
				})
			default:
				ferr = fmt.Errorf("bank: expected an object, got %s", kindOf(v))
			}
		}
	})
	if err != nil {
		return w, err
	}
	return w, ferr
}

// jsonString decodes the JSON string literal v into dst; null leaves dst
// as it was. field names the field in the error for any other value.
func jsonString(v []byte, field string, dst *string) error {
	switch v[0] {
	case 'n':
		return nil
	case '"':
		in := v[1 : len(v)-1]
		if bytes.IndexByte(in, '\\') < 0 && utf8.Valid(in) {
			*dst = string(in)
			return nil
		}
		return json.Unmarshal(v, dst) // escapes, and invalid UTF-8 made U+FFFD as json does
	}
	return fmt.Errorf("%s: expected a string, got %s", field, kindOf(v))
}

// kindOf names the kind of the valid JSON value v for an error message.
func kindOf(v []byte) string {
	switch v[0] {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	case '"':
		return "a string"
	}
	return "a number"
}
