package main

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// termSafe makes text from a payload or a plugin safe to print on an
// operator's terminal: control characters (ESC and the rest of C0 and C1,
// so no escape sequence can move the cursor, retitle the window or hide a
// line), line and paragraph separators (U+2028, U+2029), format characters
// (bidirectional overrides, zero-width characters) and invalid UTF-8 each
// become one '?'. Printable text, non-ASCII letters included, is kept.
func termSafe(s string) string {
	clean := true
	for i, r := range s {
		if unsafeRune(r) || (r == utf8.RuneError && !validAt(s, i)) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i, r := range s {
		if unsafeRune(r) || (r == utf8.RuneError && !validAt(s, i)) {
			b.WriteByte('?')
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func unsafeRune(r rune) bool {
	return unicode.IsControl(r) || r == '\u2028' || r == '\u2029' || unicode.Is(unicode.Cf, r)
}

// validAt reports whether the U+FFFD at s[i] was written as such, not
// decoded from a bad byte.
func validAt(s string, i int) bool {
	_, n := utf8.DecodeRuneInString(s[i:])
	return n == 3
}

// shellQuote quotes s for a POSIX shell: left alone when it holds only
// characters no shell treats specially, else in single quotes, with each
// single quote inside closing the quotes, adding an escaped quote and
// opening them again.
func shellQuote(s string) string {
	if s == "" {
		return "''"
	}
	for _, c := range s {
		if !(c == '-' || c == '_' || c == '.' || c == ':' || c == '/' || c == '@' || c == '=' || c == '+' || c == ',' ||
			(c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
			return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
		}
	}
	return s
}
