package sdk

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// CleanReason makes text a store or its API sent (a refusal reason, an
// error message, a response body) fit for one log line, an error or a
// review item: invalid UTF-8 becomes U+FFFD, control characters and runs of
// white space become one space, the ends are trimmed, and text longer than
// max runes is cut to max and ends in "…". A max of 0 or less does not cut.
// It does not redact: a plugin removes its secrets before or after.
func CleanReason(s string, max int) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	n := 0
	for _, r := range strings.ToValidUTF8(s, string(utf8.RuneError)) {
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			space = b.Len() > 0
			continue
		}
		if max > 0 && n+btoi(space) >= max {
			b.WriteString("…")
			return b.String()
		}
		if space {
			b.WriteByte(' ')
			n++
			space = false
		}
		b.WriteRune(r)
		n++
	}
	return b.String()
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
