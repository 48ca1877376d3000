package fakeshopify

import (
	"fmt"
	"strconv"
)

// document is one parsed GraphQL operation. The fake supports what an
// Admin API client sends: a single query or mutation with variables, fields,
// aliases, arguments and inline fragments (no named fragments or directives).
type document struct {
	opType   string            // "query" or "mutation"
	name     string            // operation name, may be empty
	varTypes map[string]string // declared variables: name -> type ("ID!", "[String!]!")
	varDefs  map[string]any    // declared default values
	usedVars map[string]bool
	sels     []selection
}

// selection is a field or an inline fragment (onType set, name empty).
type selection struct {
	alias, name string
	args        map[string]any // literal values; variables as varRef, enums as enumVal
	sels        []selection
	onType      string
}

// key is the name the field has in the response.
func (s selection) key() string {
	if s.alias != "" {
		return s.alias
	}
	return s.name
}

type varRef string
type enumVal string

type parser struct {
	lx  lexer
	tok token
	doc *document
}

// parseDocument parses src as a single GraphQL operation.
func parseDocument(src string) (*document, error) {
	p := &parser{lx: lexer{src: src}, doc: &document{
		varTypes: map[string]string{}, varDefs: map[string]any{}, usedVars: map[string]bool{},
	}}
	if err := p.advance(); err != nil {
		return nil, err
	}
	if err := p.operation(); err != nil {
		return nil, err
	}
	if p.tok.kind != tEOF {
		return nil, fmt.Errorf("Parse error on %q (at offset %d): the fake Shopify accepts one operation and no fragments", p.tok.text, p.tok.pos)
	}
	return p.doc, nil
}

func (p *parser) advance() error {
	t, err := p.lx.next()
	if err != nil {
		return err
	}
	p.tok = t
	return nil
}

func (p *parser) is(text string) bool { return p.tok.kind == tPunct && p.tok.text == text }

func (p *parser) expect(text string) error {
	if !p.is(text) {
		return p.unexpected("expected " + text)
	}
	return p.advance()
}

func (p *parser) unexpected(want string) error {
	if p.tok.kind == tEOF {
		return fmt.Errorf("Parse error on end of document (%s)", want)
	}
	return fmt.Errorf("Parse error on %q (at offset %d): %s", p.tok.text, p.tok.pos, want)
}

func (p *parser) name() (string, error) {
	if p.tok.kind != tName {
		return "", p.unexpected("expected a name")
	}
	n := p.tok.text
	return n, p.advance()
}

func (p *parser) operation() error {
	p.doc.opType = "query"
	if p.tok.kind == tName {
		switch p.tok.text {
		case "query", "mutation":
			p.doc.opType = p.tok.text
		default:
			return p.unexpected("expected query or mutation")
		}
		if err := p.advance(); err != nil {
			return err
		}
		if p.tok.kind == tName {
			p.doc.name = p.tok.text
			if err := p.advance(); err != nil {
				return err
			}
		}
		if p.is("(") {
			if err := p.variableDefinitions(); err != nil {
				return err
			}
		}
	}
	if p.is("@") {
		return p.unexpected("directives are not supported by the fake")
	}
	sels, err := p.selectionSet()
	p.doc.sels = sels
	return err
}

func (p *parser) variableDefinitions() error {
	if err := p.advance(); err != nil {
		return err
	}
	for !p.is(")") {
		if err := p.expect("$"); err != nil {
			return err
		}
		n, err := p.name()
		if err != nil {
			return err
		}
		if err := p.expect(":"); err != nil {
			return err
		}
		typ, err := p.typeRef()
		if err != nil {
			return err
		}
		p.doc.varTypes[n] = typ
		if p.is("=") {
			if err := p.advance(); err != nil {
				return err
			}
			v, err := p.value()
			if err != nil {
				return err
			}
			p.doc.varDefs[n] = v
		}
	}
	return p.advance()
}

func (p *parser) typeRef() (string, error) {
	var t string
	if p.is("[") {
		if err := p.advance(); err != nil {
			return "", err
		}
		inner, err := p.typeRef()
		if err != nil {
			return "", err
		}
		if err := p.expect("]"); err != nil {
			return "", err
		}
		t = "[" + inner + "]"
	} else {
		n, err := p.name()
		if err != nil {
			return "", err
		}
		t = n
	}
	if p.is("!") {
		t += "!"
		return t, p.advance()
	}
	return t, nil
}

func (p *parser) selectionSet() ([]selection, error) {
	if err := p.expect("{"); err != nil {
		return nil, err
	}
	var out []selection
	for !p.is("}") {
		s, err := p.selection()
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	if len(out) == 0 {
		return nil, p.unexpected("empty selection set")
	}
	return out, p.advance()
}

func (p *parser) selection() (selection, error) {
	if p.is("...") {
		if err := p.advance(); err != nil {
			return selection{}, err
		}
		if p.tok.kind != tName || p.tok.text != "on" {
			return selection{}, p.unexpected("named fragments are not supported by the fake; use ... on Type")
		}
		if err := p.advance(); err != nil {
			return selection{}, err
		}
		typ, err := p.name()
		if err != nil {
			return selection{}, err
		}
		sels, err := p.selectionSet()
		return selection{onType: typ, sels: sels}, err
	}
	var s selection
	n, err := p.name()
	if err != nil {
		return s, err
	}
	s.name = n
	if p.is(":") {
		if err := p.advance(); err != nil {
			return s, err
		}
		if s.name, err = p.name(); err != nil {
			return s, err
		}
		s.alias = n
	}
	if p.is("(") {
		if s.args, err = p.arguments(); err != nil {
			return s, err
		}
	}
	if p.is("@") {
		return s, p.unexpected("directives are not supported by the fake")
	}
	if p.is("{") {
		s.sels, err = p.selectionSet()
	}
	return s, err
}

func (p *parser) arguments() (map[string]any, error) {
	if err := p.advance(); err != nil {
		return nil, err
	}
	args := map[string]any{}
	for !p.is(")") {
		n, err := p.name()
		if err != nil {
			return nil, err
		}
		if err := p.expect(":"); err != nil {
			return nil, err
		}
		if args[n], err = p.value(); err != nil {
			return nil, err
		}
	}
	return args, p.advance()
}

func (p *parser) value() (any, error) {
	t := p.tok
	switch {
	case p.is("$"):
		if err := p.advance(); err != nil {
			return nil, err
		}
		n, err := p.name()
		p.doc.usedVars[n] = true
		return varRef(n), err
	case t.kind == tNumber:
		f, err := strconv.ParseFloat(t.text, 64)
		if err != nil {
			return nil, p.unexpected("bad number")
		}
		return f, p.advance()
	case t.kind == tString:
		return t.text, p.advance()
	case t.kind == tName:
		var v any
		switch t.text {
		case "true":
			v = true
		case "false":
			v = false
		case "null":
			v = nil
		default:
			v = enumVal(t.text)
		}
		return v, p.advance()
	case p.is("["):
		return p.list()
	case p.is("{"):
		return p.object()
	}
	return nil, p.unexpected("expected a value")
}

func (p *parser) list() (any, error) {
	if err := p.advance(); err != nil {
		return nil, err
	}
	out := []any{}
	for !p.is("]") {
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, p.advance()
}

func (p *parser) object() (any, error) {
	if err := p.advance(); err != nil {
		return nil, err
	}
	out := map[string]any{}
	for !p.is("}") {
		n, err := p.name()
		if err != nil {
			return nil, err
		}
		if err := p.expect(":"); err != nil {
			return nil, err
		}
		if out[n], err = p.value(); err != nil {
			return nil, err
		}
	}
	return out, p.advance()
}
