package fakeshopify

import (
	"fmt"
	"strings"
	"time"
)

// term is one filter of Shopify's search syntax, "field:>=value".
type term struct {
	field, op, value string
}

// parseSearch splits a query string such as
// "financial_status:pending status:open created_at:>=2025-06-01" into
// terms. Free text and unknown fields are ignored, as Shopify ignores what
// it cannot use; a malformed created_at fails the query, so that a client
// bug shows in tests instead of silently widening the search.
func parseSearch(q string) []term {
	var out []term
	for _, word := range splitWords(q) {
		field, value, ok := strings.Cut(word, ":")
		if !ok || strings.EqualFold(word, "AND") {
			continue
		}
		op := "="
		for _, p := range []string{">=", "<=", ">", "<"} {
			if strings.HasPrefix(value, p) {
				op, value = p, value[len(p):]
				break
			}
		}
		out = append(out, term{field: strings.ToLower(field), op: op, value: strings.Trim(value, `'"`)})
	}
	return out
}

// splitWords splits on spaces outside quotes.
func splitWords(q string) []string {
	var (
		out   []string
		cur   strings.Builder
		quote rune
	)
	for _, r := range q {
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
			}
			cur.WriteRune(r)
		case r == '\'' || r == '"':
			quote = r
			cur.WriteRune(r)
		case r == ' ' || r == '\t':
			if cur.Len() > 0 {
				out = append(out, cur.String())
				cur.Reset()
			}
		default:
			cur.WriteRune(r)
		}
	}
	if cur.Len() > 0 {
		out = append(out, cur.String())
	}
	return out
}

// matches reports whether the indexed view of an order passes every term.
func matches(v searchView, terms []term) (bool, error) {
	for _, t := range terms {
		ok, err := t.match(v)
		if err != nil || !ok {
			return false, err
		}
	}
	return true, nil
}

func (t term) match(v searchView) (bool, error) {
	switch t.field {
	case "financial_status":
		return strings.EqualFold(t.value, v.financial), nil
	case "status":
		switch strings.ToLower(t.value) {
		case "open":
			return !v.closed && !v.cancelled, nil
		case "closed":
			return v.closed, nil
		case "cancelled":
			return v.cancelled, nil
		case "not_closed":
			return !v.closed, nil
		case "any":
			return true, nil
		}
		return false, nil
	case "created_at":
		return matchTime(v.createdAt, t.op, t.value)
	}
	return true, nil
}

// matchTime compares a timestamp with a date (a whole UTC day: the fake
// shop's time zone is UTC) or an RFC 3339 time.
func matchTime(at time.Time, op, value string) (bool, error) {
	from, err := time.Parse(time.RFC3339, value)
	to := from
	if err != nil {
		day, derr := time.Parse("2006-01-02", value)
		if derr != nil {
			return false, fmt.Errorf("invalid created_at value %q", value)
		}
		from, to = day, day.Add(24*time.Hour-time.Nanosecond)
	}
	switch op {
	case ">=":
		return !at.Before(from), nil
	case ">":
		return at.After(to), nil
	case "<=":
		return !at.After(to), nil
	case "<":
		return at.Before(from), nil
	}
	return !at.Before(from) && !at.After(to), nil
}
