package shopify

import (
	"regexp"
	"strings"
)

// tokenPattern matches Shopify access tokens and secrets by their prefixes
// (shpat_, shpca_, shppa_, shpss_, ...).
var tokenPattern = regexp.MustCompile(`shp[a-z]{2}_[A-Za-z0-9]+`)

// redactor removes credentials from text that came from outside (response
// bodies, transport errors) before it goes into an error or a log line.
type redactor struct{ secrets []string }

func (r redactor) clean(s string) string {
	for _, sec := range r.secrets {
		if len(sec) >= 4 {
			s = strings.ReplaceAll(s, sec, "[redacted]")
		}
	}
	return tokenPattern.ReplaceAllString(s, "[redacted]")
}

// with returns a redactor that also removes extra.
func (r redactor) with(extra ...string) redactor {
	return redactor{secrets: append(append([]string{}, r.secrets...), extra...)}
}
