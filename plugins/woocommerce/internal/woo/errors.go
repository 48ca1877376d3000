package woo

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/lunas-dev/lunas/sdk"
)

// permissionHint is added to every 401/403: it is what the merchant must check.
const permissionHint = "the API key needs Read/Write permission (WooCommerce > Settings > Advanced > REST API)"

// apiError is a non-2xx answer from WooCommerce, with the error body
// {"code":...,"message":...,"data":{"status":N}} when there was one.
type apiError struct {
	Method, Path string // Path is relative to wc/v3 and carries no query
	Status       int
	Code         string // e.g. "woocommerce_rest_shop_order_invalid_id"; "" for non-WordPress bodies
	Message      string
	RetryAfter   time.Duration
}

func (e *apiError) Error() string {
	msg := e.Message
	if msg == "" {
		msg = http.StatusText(e.Status)
	}
	if e.Code != "" {
		return fmt.Sprintf("woocommerce %s %s: %d %s: %s", e.Method, e.Path, e.Status, e.Code, msg)
	}
	return fmt.Sprintf("woocommerce %s %s: HTTP %d: %s", e.Method, e.Path, e.Status, msg)
}

// statusOf returns the HTTP status of the apiError inside err, or 0.
func statusOf(err error) int {
	var e *apiError
	if errors.As(err, &e) {
		return e.Status
	}
	return 0
}

// statusError turns a non-2xx answer into a classified error: 401/403 and
// other 4xx are permanent, 408/425/429 and 5xx retryable with the server's
// Retry-After, redirects permanent with the address to configure.
func (c *client) statusError(method, path string, resp *http.Response, body []byte) error {
	e := &apiError{Method: method, Path: path, Status: resp.StatusCode,
		RetryAfter: sdk.RetryAfter(resp.Header.Get("Retry-After"), time.Now())}
	var wpErr struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	}
	if json.Unmarshal(body, &wpErr) == nil {
		e.Code = c.redact.Replace(sdk.CleanReason(wpErr.Code, 100))
		e.Message = c.redact.Replace(sdk.CleanReason(wpErr.Message, 300))
	}
	switch s := resp.StatusCode; {
	case s >= 300 && s < 400:
		return sdk.Permanent(fmt.Errorf("woocommerce %s %s: redirected (%d) to %s: set base_url to the address WordPress redirects to",
			method, path, s, withoutQuery(resp.Header.Get("Location"))))
	case s == http.StatusUnauthorized || s == http.StatusForbidden:
		hint := permissionHint
		if e.Code == "" {
			hint += ", or a firewall in front of WordPress blocked the request"
		}
		return sdk.Permanent(fmt.Errorf("%w; %s", e, hint))
	case s == http.StatusNotFound && e.Code == "rest_no_route":
		return sdk.Permanent(fmt.Errorf("%w; is WooCommerce active and are pretty permalinks enabled (Settings > Permalinks not \"Plain\")?", e))
	case s == http.StatusRequestTimeout || s == http.StatusTooEarly || s == http.StatusTooManyRequests || s >= 500:
		return sdk.Retryable(e, e.RetryAfter)
	}
	return sdk.Permanent(e)
}

// withoutQuery drops a redirect target's query, which may echo the key.
func withoutQuery(loc string) string {
	u, err := url.Parse(loc)
	if err != nil {
		return "(an unparsable Location)"
	}
	u.RawQuery, u.Fragment, u.User = "", "", nil
	return u.String()
}
