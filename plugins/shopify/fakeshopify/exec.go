package fakeshopify

import "fmt"

// object is a value with fields, as the executor sees it.
type object interface {
	typeName() string
	field(name string, args map[string]any) (any, error)
}

// resolver computes a field that takes arguments.
type resolver func(args map[string]any) (any, error)

// record is an object whose fields are plain values, nested objects or
// resolvers. Scalars are stored as they appear in the JSON response.
type record struct {
	typ    string
	fields map[string]any
}

func (r *record) typeName() string { return r.typ }

func (r *record) field(name string, args map[string]any) (any, error) {
	v := r.fields[name]
	if f, ok := v.(resolver); ok {
		return f(args)
	}
	return v, nil
}

// executor walks a validated selection set over objects and builds the
// response data. It also tallies the cost of connection nodes that were
// requested but not returned, which Shopify refunds.
type executor struct {
	doc    *document
	vars   map[string]any
	refund int
}

func (e *executor) args(s selection) map[string]any {
	out := make(map[string]any, len(s.args))
	for k, v := range s.args {
		out[k] = e.doc.resolveValue(v, e.vars)
	}
	return out
}

func (e *executor) selectionSet(o object, sels []selection) (map[string]any, error) {
	out := map[string]any{}
	for _, s := range sels {
		if s.onType != "" {
			if o.typeName() != s.onType {
				continue
			}
			sub, err := e.selectionSet(o, s.sels)
			if err != nil {
				return nil, err
			}
			for k, v := range sub {
				out[k] = v
			}
			continue
		}
		if s.name == "__typename" {
			out[s.key()] = o.typeName()
			continue
		}
		v, err := o.field(s.name, e.args(s))
		if err != nil {
			return nil, err
		}
		if len(s.sels) == 0 {
			out[s.key()] = v
			continue
		}
		if out[s.key()], err = e.complete(v, s); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (e *executor) complete(v any, s selection) (any, error) {
	switch x := v.(type) {
	case nil:
		return nil, nil
	case *connection:
		e.refund += (x.requested - len(x.page)) * nodeCost(s, e)
		return e.selectionSet(x, s.sels)
	case object:
		return e.selectionSet(x, s.sels)
	case []object:
		out := make([]any, 0, len(x))
		for _, o := range x {
			m, err := e.selectionSet(o, s.sels)
			if err != nil {
				return nil, err
			}
			out = append(out, m)
		}
		return out, nil
	}
	return nil, fmt.Errorf("internal error: field '%s' is not an object", s.name)
}
