package moota

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"
	"unicode"

	"github.com/lunas-dev/lunas/sdk"
)

// maxReasonLen bounds how much of Moota's message goes into an error.
const maxReasonLen = 300

// statusError classifies a non-2xx answer. 429 and 5xx are retryable with
// Retry-After; everything else is permanent, since sending the same request
// again cannot change Moota's mind.
// A body that echoes token has it redacted.
func statusError(op string, status int, h http.Header, body []byte, token string, now time.Time) error {
	if token != "" {
		body = bytes.ReplaceAll(body, []byte(token), []byte("[redacted]"))
	}
	where := fmt.Sprintf("moota: %s: HTTP %d", op, status)
	if reason := reasonOf(body); reason != "" {
		where += ": " + reason
	}
	switch {
	case status == http.StatusTooManyRequests || status >= 500:
		return sdk.Retryable(fmt.Errorf("%s", where), sdk.RetryAfter(h.Get("Retry-After"), now))
	case status == http.StatusUnauthorized:
		return sdk.Permanentf("%s (Moota refused the API token: check moota.api_token in lunas.hcl, a personal token from Moota's dashboard that has not been revoked)", where)
	case status == http.StatusForbidden:
		return sdk.Permanentf("%s (the token in moota.api_token may not do this: check its permissions in Moota's dashboard)", where)
	case status == http.StatusNotFound:
		return sdk.Permanentf("%s (Moota does not know it: check the bank or mutation id, and moota.base_url)", where)
	case status >= 300 && status < 400:
		return sdk.Permanentf("%s redirect to %q (set moota.base_url to the API root, like %q)", where, clean(h.Get("Location")), DefaultBaseURL)
	default:
		return sdk.Permanentf("%s", where)
	}
}

// apiError is every error shape Moota answers with: {"error": ...},
// {"message": ...} and Laravel's 422 {"message": ..., "errors": {field: [...]}}.
type apiError struct {
	Error   string              `json:"error"`
	Message string              `json:"message"`
	Errors  map[string][]string `json:"errors"`
}

// reasonOf extracts a short, safe message from an error body. Laravel's
// message only names the first problem ("... (and 1 more error)"), so the
// field errors are added when there are several.
func reasonOf(body []byte) string {
	var e apiError
	if json.Unmarshal(body, &e) != nil {
		return clean(string(body))
	}
	msg := strings.TrimSpace(e.Message)
	if msg == "" {
		msg = strings.TrimSpace(e.Error)
	}
	if len(e.Errors) > 1 || (len(e.Errors) == 1 && msg == "") {
		fields := make([]string, 0, len(e.Errors))
		for f := range e.Errors {
			fields = append(fields, f)
		}
		sort.Strings(fields)
		var parts []string
		for _, f := range fields {
			parts = append(parts, f+": "+strings.Join(e.Errors[f], " "))
		}
		if msg != "" {
			msg += " "
		}
		msg += "[" + strings.Join(parts, "; ") + "]"
	}
	return clean(msg)
}

// clean makes untrusted text safe for one log line or error: control
// characters become spaces, and it is cut to maxReasonLen runes.
func clean(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, strings.TrimSpace(s))
	if r := []rune(s); len(r) > maxReasonLen {
		s = string(r[:maxReasonLen]) + "…"
	}
	return s
}
