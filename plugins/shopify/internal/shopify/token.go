package shopify

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/lunas-dev/lunas/sdk"
)

// tokenSource hands out the access token for X-Shopify-Access-Token.
type tokenSource interface {
	// token returns a token that should be valid now.
	token(ctx context.Context) (string, error)
	// invalidate reports that Shopify refused tok (HTTP 401). It returns
	// true when a fresh token can be obtained, false when the token is all
	// there is.
	invalidate(tok string) bool
	// current returns the token in use, for redaction; "" if none.
	current() string
}

// staticToken is a legacy custom app's permanent token.
type staticToken string

func (s staticToken) token(context.Context) (string, error) { return string(s), nil }
func (s staticToken) invalidate(string) bool                { return false }
func (s staticToken) current() string                       { return string(s) }

// refreshMargin is how long before expiry a client-credentials token is
// replaced. Tokens last about 24 hours; short-lived ones (tests) are
// replaced once nine tenths of their life is over.
const refreshMargin = 5 * time.Minute

// clientCredentials obtains tokens with the client-credentials grant and
// replaces them before they expire or once Shopify refuses one. Safe for
// concurrent use: one refresh at a time, shared by all callers.
type clientCredentials struct {
	url          string
	clientID     string
	clientSecret string
	http         *http.Client
	timeout      time.Duration
	redact       redactor

	mu      sync.Mutex
	tok     string
	refresh time.Time // replace the token after this
}

func (c *clientCredentials) current() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.tok
}

func (c *clientCredentials) invalidate(tok string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.tok == tok {
		c.tok = ""
	}
	return true
}

func (c *clientCredentials) token(ctx context.Context) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.tok != "" && time.Now().Before(c.refresh) {
		return c.tok, nil
	}
	tok, lifetime, err := c.grant(ctx)
	if err != nil {
		return "", err
	}
	c.tok = tok
	c.refresh = time.Now().Add(lifetime - min(refreshMargin, lifetime/10))
	return tok, nil
}

// grantReply is the grant endpoint's answer, success or OAuth error.
type grantReply struct {
	AccessToken      string `json:"access_token"`
	ExpiresIn        int64  `json:"expires_in"`
	Error            string `json:"error"`
	ErrorDescription string `json:"error_description"`
}

func (c *clientCredentials) grant(ctx context.Context) (string, time.Duration, error) {
	form := url.Values{
		"grant_type": {"client_credentials"}, "client_id": {c.clientID}, "client_secret": {c.clientSecret},
	}
	rctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(rctx, http.MethodPost, c.url, strings.NewReader(form.Encode()))
	if err != nil {
		return "", 0, sdk.Permanent(fmt.Errorf("shopify: build token request: %w", err))
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", userAgent)
	resp, err := c.http.Do(req)
	if err != nil {
		return "", 0, transportError(ctx, "client-credentials grant", err, c.redact)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	var r grantReply
	_ = json.Unmarshal(body, &r)
	switch {
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
		return "", 0, sdk.Retryable(fmt.Errorf("shopify: client-credentials grant: HTTP %d", resp.StatusCode), sdk.RetryAfter(resp.Header.Get("Retry-After"), time.Now()))
	case resp.StatusCode != http.StatusOK:
		reason := strings.TrimSpace(r.Error + " " + r.ErrorDescription)
		if reason == "" {
			reason = excerpt(body)
		}
		return "", 0, sdk.Permanent(fmt.Errorf("shopify: client-credentials grant refused (HTTP %d: %s): check client_id and client_secret, and that the app is installed on the shop",
			resp.StatusCode, c.redact.clean(reason)))
	case r.AccessToken == "":
		return "", 0, sdk.Permanent(fmt.Errorf("shopify: client-credentials grant answered without an access_token"))
	}
	lifetime := time.Duration(r.ExpiresIn) * time.Second
	if lifetime <= 0 {
		lifetime = 24 * time.Hour
	}
	return r.AccessToken, lifetime, nil
}
