package shopify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/lunas-dev/lunas/sdk"
)

// Shopify reports failures in three layers; each is classified here.
//
//  1. Transport: network errors and timeouts (retryable), HTTP 401 (token;
//     refreshed once, then permanent), 402 frozen, 403 scope, 423 locked
//     (permanent), 429 and 5xx (retryable).
//  2. Query: HTTP 200 with top-level errors[]; THROTTLED is retryable with
//     the delay the cost budget needs, anything else is permanent.
//  3. Business: per-mutation userErrors, handled by each caller.

// scopesHint names what the app must be granted.
const scopesHint = "the app needs the read_orders and write_orders access scopes (and read_all_orders for orders older than 60 days)"

// transportError classifies a request that got no HTTP reply.
func transportError(ctx context.Context, op string, err error, r redactor) error {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return sdk.Retryable(fmt.Errorf("shopify %s: %w", op, ctxErr), 0)
	}
	msg := r.clean(err.Error())
	if errors.Is(err, context.DeadlineExceeded) {
		return sdk.Retryable(fmt.Errorf("shopify %s: timed out (see the timeout setting): %s", op, msg), 0)
	}
	return sdk.Retryable(fmt.Errorf("shopify %s: %s", op, msg), 0)
}

// unauthorized is the error for a 401 that a refresh did not (or could
// not) cure.
func unauthorized(op string, refreshed bool, body []byte, r redactor) error {
	hint := "check access_token, and that the app is still installed"
	if refreshed {
		hint = "a fresh client-credentials token was refused too: check client_id and client_secret, and that the app is still installed"
	}
	return sdk.Permanent(fmt.Errorf("shopify %s: access token refused (HTTP 401: %s): %s", op, r.clean(bodyMessage(body)), hint))
}

// httpError classifies a non-200 reply other than 401.
func httpError(op string, status int, header http.Header, body []byte, r redactor) error {
	msg := r.clean(bodyMessage(body))
	switch {
	case status == http.StatusPaymentRequired:
		return sdk.Permanent(fmt.Errorf("shopify %s: the shop is frozen (HTTP 402: %s): its Shopify bill is unpaid; the owner must settle it", op, msg))
	case status == http.StatusForbidden:
		return sdk.Permanent(fmt.Errorf("shopify %s: access denied (HTTP 403: %s): %s", op, msg, scopesHint))
	case status == http.StatusLocked:
		return sdk.Permanent(fmt.Errorf("shopify %s: the shop is locked (HTTP 423: %s): Shopify has locked it; contact Shopify support", op, msg))
	case status == http.StatusNotFound:
		return sdk.Permanent(fmt.Errorf("shopify %s: not found (HTTP 404): check shop, api_version and base_url", op))
	case status == http.StatusTooManyRequests:
		return sdk.Retryable(fmt.Errorf("shopify %s: rate limited (HTTP 429: %s)", op, msg), max(minDelay, sdk.RetryAfter(header.Get("Retry-After"), time.Now())))
	case status >= 500:
		return sdk.Retryable(fmt.Errorf("shopify %s: server error (HTTP %d: %s)", op, status, msg), sdk.RetryAfter(header.Get("Retry-After"), time.Now()))
	}
	return sdk.Permanent(fmt.Errorf("shopify %s: HTTP %d: %s", op, status, msg))
}

// gqlError is one entry of a reply's top-level errors.
type gqlError struct {
	Message    string `json:"message"`
	Extensions struct {
		Code string `json:"code"`
	} `json:"extensions"`
}

// queryError classifies the top-level errors of an HTTP 200 reply.
func queryError(op string, raw json.RawMessage, cost *queryCost, header http.Header, r redactor) error {
	var list []gqlError
	if err := json.Unmarshal(raw, &list); err != nil {
		var s string
		_ = json.Unmarshal(raw, &s)
		list = []gqlError{{Message: s}}
	}
	var msgs []string
	for _, e := range list {
		switch e.Extensions.Code {
		case "THROTTLED":
			delay := minDelay
			if cost != nil {
				delay = cost.deficitDelay()
			}
			if ra := sdk.RetryAfter(header.Get("Retry-After"), time.Now()); ra > 0 {
				delay = ra
			}
			return sdk.Retryable(fmt.Errorf("shopify %s: throttled by the API cost budget; retry in %s", op, delay), delay)
		case "ACCESS_DENIED":
			return sdk.Permanent(fmt.Errorf("shopify %s: access denied: %s; %s", op, r.clean(e.Message), scopesHint))
		}
		msgs = append(msgs, r.clean(e.Message))
	}
	return sdk.Permanent(fmt.Errorf("shopify %s: %s", op, strings.Join(msgs, "; ")))
}

// bodyMessage extracts Shopify's message from an error body, whose errors
// field is a string, a list or an object depending on the endpoint.
func bodyMessage(body []byte) string {
	var env struct {
		Errors json.RawMessage `json:"errors"`
	}
	if json.Unmarshal(body, &env) == nil && len(env.Errors) > 0 {
		var s string
		if json.Unmarshal(env.Errors, &s) == nil {
			return s
		}
		var list []gqlError
		if json.Unmarshal(env.Errors, &list) == nil && len(list) > 0 {
			return list[0].Message
		}
		return excerpt(env.Errors)
	}
	return excerpt(body)
}

// excerpt shortens a body for an error message (sdk.CleanReason, 200 runes).
func excerpt(b []byte) string {
	if s := sdk.CleanReason(string(b), 200); s != "" {
		return s
	}
	return "empty body"
}
