package fakeshopify

import (
	"fmt"
	"strconv"
	"strings"
)

// tokKind is the lexical class of a GraphQL token.
type tokKind int

const (
	tEOF tokKind = iota
	tPunct
	tName
	tNumber
	tString
)

type token struct {
	kind tokKind
	text string
	pos  int
}

// lexer splits a GraphQL document into tokens. Commas, whitespace and
// comments are insignificant in GraphQL and are skipped.
type lexer struct {
	src string
	pos int
}

func (l *lexer) skipIgnored() {
	for l.pos < len(l.src) {
		c := l.src[l.pos]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',':
			l.pos++
		case c == '#':
			for l.pos < len(l.src) && l.src[l.pos] != '\n' {
				l.pos++
			}
		case strings.HasPrefix(l.src[l.pos:], "\ufeff"):
			l.pos += len("\ufeff")
		default:
			return
		}
	}
}

func (l *lexer) next() (token, error) {
	l.skipIgnored()
	start := l.pos
	if l.pos >= len(l.src) {
		return token{kind: tEOF, pos: start}, nil
	}
	c := l.src[l.pos]
	switch {
	case strings.HasPrefix(l.src[l.pos:], "..."):
		l.pos += 3
		return token{kind: tPunct, text: "...", pos: start}, nil
	case strings.ContainsRune("!$&()[]{}:=@|", rune(c)):
		l.pos++
		return token{kind: tPunct, text: string(c), pos: start}, nil
	case c == '_' || isLetter(c):
		for l.pos < len(l.src) && (l.src[l.pos] == '_' || isLetter(l.src[l.pos]) || isDigit(l.src[l.pos])) {
			l.pos++
		}
		return token{kind: tName, text: l.src[start:l.pos], pos: start}, nil
	case c == '-' || isDigit(c):
		l.pos++
		for l.pos < len(l.src) && strings.ContainsRune("0123456789.eE+-", rune(l.src[l.pos])) {
			l.pos++
		}
		return token{kind: tNumber, text: l.src[start:l.pos], pos: start}, nil
	case c == '"':
		return l.str(start)
	}
	return token{}, fmt.Errorf("Parse error on %q (at offset %d)", string(c), start)
}

func (l *lexer) str(start int) (token, error) {
	if strings.HasPrefix(l.src[l.pos:], `"""`) {
		end := strings.Index(l.src[l.pos+3:], `"""`)
		if end < 0 {
			return token{}, fmt.Errorf("Parse error: unterminated block string at offset %d", start)
		}
		text := l.src[l.pos+3 : l.pos+3+end]
		l.pos += end + 6
		return token{kind: tString, text: strings.TrimSpace(text), pos: start}, nil
	}
	l.pos++
	for l.pos < len(l.src) {
		switch l.src[l.pos] {
		case '\\':
			l.pos += 2
		case '"':
			l.pos++
			text, err := strconv.Unquote(l.src[start:l.pos])
			if err != nil {
				return token{}, fmt.Errorf("Parse error: bad string at offset %d", start)
			}
			return token{kind: tString, text: text, pos: start}, nil
		case '\n':
			return token{}, fmt.Errorf("Parse error: unterminated string at offset %d", start)
		default:
			l.pos++
		}
	}
	return token{}, fmt.Errorf("Parse error: unterminated string at offset %d", start)
}

func isLetter(c byte) bool { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') }
func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
