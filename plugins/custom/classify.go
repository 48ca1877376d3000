package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/lunas-dev/lunas/sdk"
)

// maxReasonLen bounds how much of a store's message goes into an error or a
// refusal reason.
const maxReasonLen = 300

// statusError turns an answer the operation does not treat as success or as
// a business outcome into a classified error. 429 and 5xx are retryable
// (honouring Retry-After); everything else is permanent, since sending the
// same signed request again cannot change the store's mind.
func statusError(op string, r *reply, now time.Time) error {
	reason := replyReason(r.body)
	where := fmt.Sprintf("%s: store answered HTTP %d", op, r.status)
	if reason != "" {
		where += ": " + reason
	}
	switch {
	case r.status == http.StatusTooManyRequests || r.status >= 500:
		return sdk.Retryable(fmt.Errorf("%s", where), sdk.RetryAfter(r.header.Get("Retry-After"), now))
	case r.status == http.StatusUnauthorized || r.status == http.StatusForbidden:
		return sdk.Permanentf("%s (the store refused Lunas's credentials: check that settings.secret equals the store's secret, "+
			"that settings.headers carry what its gateway expects, and that both clocks are right to within 5 minutes)", where)
	case r.status == http.StatusNotFound:
		return sdk.Permanentf("%s (check settings.base_url: the store must serve the /lunas/ paths of the contract)", where)
	case r.status >= 300 && r.status < 400:
		return sdk.Permanentf("%s redirect to %q (set settings.base_url to the final address)", where, r.header.Get("Location"))
	default:
		return sdk.Permanentf("%s", where)
	}
}

// replyReason extracts a short human message from an answer body: the
// reason, message or error field of a JSON object, otherwise the text.
func replyReason(body []byte) string {
	var obj map[string]any
	if json.Unmarshal(body, &obj) == nil {
		for _, k := range []string{"reason", "message", "error"} {
			if s, ok := obj[k].(string); ok && strings.TrimSpace(s) != "" {
				return clean(s)
			}
		}
		return ""
	}
	return clean(string(body))
}

// clean makes untrusted text from the store fit for one log line or error
// (sdk.CleanReason, cut to maxReasonLen runes).
func clean(s string) string { return sdk.CleanReason(s, maxReasonLen) }
