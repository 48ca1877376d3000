package config

import "github.com/hashicorp/hcl/v2"

// source records where each part of a parsed Config was written, so that
// Validate can name the line of a problem. A Config built in code has none,
// and its errors carry no position.
type source struct {
	root, admin, redis, sentinel, worker place
	moota, review, reversal              place
	tls, adminTLS                        place
	webhooks, stores                     []place
}

// place is where one block was written: its header and its attributes.
type place struct {
	label string // the block's label; a lookup under another name finds nothing
	what  string // how messages name the block: `store "toko-budi"`, "admin"; "" at the top
	def   hcl.Range
	attrs map[string]hcl.Range
}

func newPlace(label, what string, def hcl.Range) place {
	return place{label: label, what: what, def: def, attrs: map[string]hcl.Range{}}
}

// name is how messages name attribute attr of the block: `store "x": timeout`.
func (p place) name(attr string) string {
	if p.what == "" {
		return attr
	}
	return p.what + ": " + attr
}

// at returns the range of attribute name, or of the block when the
// attribute was not written, or nil when nothing is known.
func (p place) at(name string) *hcl.Range {
	if r, ok := p.attrs[name]; ok {
		return &r
	}
	if p.def.Filename == "" {
		return nil
	}
	return &p.def
}

// sourceOf returns where c was written; empty for a Config built in code.
func sourceOf(c *Config) source {
	if c.src == nil {
		return source{}
	}
	return *c.src
}

// webhook returns where webhook i was written, if it is still the one named name.
func (s source) webhook(i int, name string) place { return item(s.webhooks, i, name) }

// store returns where store i was written, if it is still the one named name.
func (s source) store(i int, name string) place { return item(s.stores, i, name) }

func item(ps []place, i int, name string) place {
	if i >= len(ps) || ps[i].label != name {
		return place{}
	}
	return ps[i]
}
