package ops

import (
	"fmt"
	"html"
	"mime"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// Guard is the admin side's request policy, one middleware in front of
// every admin route: the review API, replay, asynqmon's UI and API, and any
// HTML console mounted behind it. Wrap a handler with Guard.Wrap. It
//
//   - sends X-Frame-Options: DENY, Content-Security-Policy: frame-ancestors
//     'none', X-Content-Type-Options: nosniff and Referrer-Policy: no-referrer
//     on every response, so no other site can frame an admin page or read a
//     URL from a referrer;
//   - with LoopbackHostOnly, refuses a Host header that is not a loopback
//     name or address (421), so a DNS-rebinding page cannot reach a
//     login-free loopback listener under its own name;
//   - refuses a state-changing request (any method but GET, HEAD and
//     OPTIONS) that a browser marks as cross-site: Sec-Fetch-Site other than
//     same-origin or none, or, from browsers that do not send it, an Origin
//     whose host is not the request's Host (403). Requests with neither header
//     come from programs (the lunas CLI, curl), not from a page, and pass;
//   - requires Content-Type: application/json on state-changing requests to
//     the JSON API under /api/ (415), and on those to asynqmon's API under
//     /monitoring/api/ that carry a body (its UI sends actions like
//     :pause with no body and no Content-Type);
//   - requires a valid CSRF token (form field or X-CSRF-Token header, see
//     CSRFToken) on state-changing form posts (application/x-www-form-urlencoded
//     or multipart/form-data), wherever they are sent: an HTML console calls
//     CSRFToken(r) when it renders a form.
//
// Guard's zero value is usable; set the fields before the first request.
// It is safe for concurrent use.
type Guard struct {
	// LoopbackHostOnly refuses a Host that is not localhost, a name under
	// .localhost, or a loopback address. Set it on a listener without a
	// login, which may only be bound to loopback.
	LoopbackHostOnly bool
	// Tokens signs and checks CSRF tokens for forms. Nil means a fresh
	// random key for this process, so tokens do not survive a restart.
	Tokens *CSRFKey

	cop *http.CrossOriginProtection
}

// Wrap returns next behind the guard.
func (g *Guard) Wrap(next http.Handler) http.Handler {
	if g.Tokens == nil {
		g.Tokens = NewCSRFKey()
	}
	g.cop = http.NewCrossOriginProtection()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Frame-Options", "DENY")
		h.Set("Content-Security-Policy", "frame-ancestors 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		if g.LoopbackHostOnly && !LoopbackHost(r.Host) {
			writeError(w, http.StatusMisdirectedRequest, "host "+quoteValue(r.Host)+" is not a loopback name: this admin listener has no login and answers only to localhost or a loopback address")
			return
		}
		if err := g.cop.Check(r); err != nil {
			writeError(w, http.StatusForbidden, "cross-site request refused: the admin side accepts changes only from its own pages, or from programs that send no Origin")
			return
		}
		if safeMethod(r.Method) {
			next.ServeHTTP(w, withTokens(r, g.Tokens))
			return
		}
		if code, msg := g.checkBody(r); code != 0 {
			refuse(w, r, code, msg)
			return
		}
		next.ServeHTTP(w, withTokens(r, g.Tokens))
	})
}

// checkBody applies the content-type and token rules to a state-changing
// request; a zero code lets it through.
func (g *Guard) checkBody(r *http.Request) (int, string) {
	ct := r.Header.Get("Content-Type")
	media, _, _ := mime.ParseMediaType(ct)
	switch {
	case strings.HasPrefix(r.URL.Path, "/api/"):
		if media != "application/json" {
			return http.StatusUnsupportedMediaType, "the admin API takes Content-Type: application/json, not " + quoteValue(ct)
		}
	case strings.HasPrefix(r.URL.Path, MonitoringPath+"/api/"):
		empty := ct == "" && (r.ContentLength == 0 || r.Body == nil || r.Body == http.NoBody)
		if !empty && media != "application/json" {
			return http.StatusUnsupportedMediaType, "asynqmon's API takes Content-Type: application/json or no body, not " + quoteValue(ct)
		}
	case media == "application/x-www-form-urlencoded" || media == "multipart/form-data":
		if !g.Tokens.Valid(r, formToken(r)) {
			return http.StatusForbidden, "This form did not come from this console, or its token expired. Nothing was done. Reload the page and try again."
		}
	}
	return 0, ""
}

// formToken finds a CSRF token in the X-CSRF-Token header or the form.
func formToken(r *http.Request) string {
	if t := r.Header.Get(CSRFHeader); t != "" {
		return t
	}
	r.Body = http.MaxBytesReader(nil, r.Body, maxFormBytes)
	return r.PostFormValue(CSRFField)
}

// maxFormBytes bounds a console form read to find its token.
const maxFormBytes = 1 << 20

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// LoopbackHost reports whether a Host header (with or without a port) names
// this machine: localhost, a name under .localhost (RFC 6761 reserves both
// for loopback), or a loopback IP address.
func LoopbackHost(host string) bool {
	h := host
	if hh, _, err := net.SplitHostPort(host); err == nil {
		h = hh
	}
	h = strings.TrimSuffix(strings.ToLower(h), ".")
	if h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return true
	}
	ip, err := netip.ParseAddr(strings.TrimSuffix(strings.TrimPrefix(h, "["), "]"))
	return err == nil && ip.Unmap().IsLoopback()
}

// quoteValue quotes a header value for an error message, cut short so an
// oversized header does not come back whole.
func quoteValue(s string) string {
	if len(s) > 100 {
		s = s[:100] + "…"
	}
	return `"` + strings.ToValidUTF8(s, "?") + `"`
}

// refuse answers a refused request: a small HTML page to a browser's form
// post (a person reads it), the JSON error body to everything else.
func refuse(w http.ResponseWriter, r *http.Request, code int, msg string) {
	if !strings.Contains(r.Header.Get("Accept"), "text/html") {
		writeError(w, code, msg)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; frame-ancestors 'none'")
	w.WriteHeader(code)
	fmt.Fprintf(w, `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>%d %s</title><link rel="stylesheet" href="/review/assets/console.css"></head><body><main><p class="flash flash-error" role="alert"><strong>%d %s.</strong> %s</p><p><a href="/review">Back to the review inbox</a></p></main></body></html>`,
		code, html.EscapeString(http.StatusText(code)), code, html.EscapeString(http.StatusText(code)), html.EscapeString(msg))
}
