package moota

import (
	"bytes"
	"encoding/json"
	"errors"
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
	e := &answerError{status: status, reason: reasonOf(body)}
	switch {
	case status == http.StatusTooManyRequests || status >= 500:
		e.text = where
		return sdk.Retryable(e, sdk.RetryAfter(h.Get("Retry-After"), now))
	case status == http.StatusUnauthorized:
		e.text = where + " (Moota refused the API token: check moota.api_token in lunas.hcl, a personal token from Moota's dashboard that has not been revoked)"
	case status == http.StatusForbidden:
		e.text = where + " (the token in moota.api_token may not do this: check its permissions in Moota's dashboard)"
	case status == http.StatusNotFound:
		e.text = where + " (Moota does not know it: check the bank or mutation id, and moota.base_url)"
	case status >= 300 && status < 400:
		e.text = fmt.Sprintf("%s redirect to %q (set moota.base_url to the API root, like %q)", where, clean(h.Get("Location")), DefaultBaseURL)
	default:
		e.text = where
	}
	return sdk.Permanent(e)
}

// answerError is a non-2xx answer, kept inside the classified error so that
// a caller can tell one 422 from another.
type answerError struct {
	status int
	reason string // Moota's message, cleaned
	text   string // the whole error text
}

func (e *answerError) Error() string { return e.text }

// isDataNotFound reports whether err is Moota's 422 {"error":true,
// "message":"Data tidak ditemukan"}: the answer of POST /tagging/mutation
// for a tag name the user does not have (moota-php-sdk
// tests/server/public/index.php), as opposed to a validation 422.
func isDataNotFound(err error) bool {
	var e *answerError
	if !errors.As(err, &e) || e.status != http.StatusUnprocessableEntity {
		return false
	}
	r := strings.ToLower(e.reason)
	return strings.Contains(r, "tidak ditemukan") || strings.Contains(r, "not found")
}

// apiError is every error shape Moota answers with: {"error": "..."},
// {"error": true, "message": "..."}, {"message": ...} and Laravel's 422
// {"message": ..., "errors": {field: [...]}}. error is a string in some
// answers and a boolean in others (moota-php-sdk tests/Mocking/MockRequestNotFound.json).
type apiError struct {
	Error   any                 `json:"error"`
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
	if text, ok := e.Error.(string); ok && msg == "" {
		msg = strings.TrimSpace(text)
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
