package woo

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/lunas-dev/lunas/sdk"
)

// apiPath is where the WooCommerce REST API v3 lives under the site address.
const apiPath = "/wp-json/wc/v3"

const (
	userAgent = "Lunas-WooCommerce/1"
	maxBody   = 32 << 20
)

// client is a thin WooCommerce REST v3 client. Every error it returns is
// classified (sdk.Retryable or sdk.Permanent) and free of the API key.
// It is safe for concurrent use.
type client struct {
	http    *http.Client
	api     string // site address + apiPath
	auth    authenticator
	timeout time.Duration
	redact  *strings.Replacer
}

func newClient(cfg *config) *client {
	var pairs []string
	for _, s := range cfg.secrets {
		if s != "" {
			pairs = append(pairs, s, "[redacted]")
		}
	}
	return &client{
		http:    cfg.httpClient(),
		api:     cfg.base.String() + apiPath,
		auth:    cfg.auth,
		timeout: cfg.timeout,
		redact:  strings.NewReplacer(pairs...),
	}
}

// do sends one request to path (relative to wc/v3, e.g. "/orders/12"). A
// non-nil body is sent as JSON; a 2xx answer is decoded into out when out is
// not nil. It returns the response headers (for pagination).
func (c *client) do(ctx context.Context, method, path string, query url.Values, body, out any) (http.Header, error) {
	rctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	target := c.api + path
	if len(query) > 0 {
		target += "?" + encodeQuery(query)
	}
	var rdr io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, sdk.Permanent(fmt.Errorf("woocommerce %s %s: encode body: %w", method, path, err))
		}
		rdr = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(rctx, method, target, rdr)
	if err != nil {
		return nil, sdk.Permanent(fmt.Errorf("woocommerce %s %s: %s", method, path, c.redact.Replace(err.Error())))
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", userAgent)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if err := c.auth.authorize(req); err != nil {
		return nil, sdk.Retryable(fmt.Errorf("woocommerce %s %s: sign request: %s", method, path, c.redact.Replace(err.Error())), 0)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, c.transportError(ctx, method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	if err != nil {
		return nil, c.transportError(ctx, method, path, err)
	}
	if len(data) > maxBody {
		return nil, sdk.Permanent(fmt.Errorf("woocommerce %s %s: answer larger than %d MiB", method, path, maxBody>>20))
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp.Header, c.statusError(method, path, resp, data)
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			return resp.Header, sdk.Retryable(fmt.Errorf("woocommerce %s %s: answer %d is not the expected JSON (Content-Type %q): %v",
				method, path, resp.StatusCode, resp.Header.Get("Content-Type"), err), 0)
		}
	}
	return resp.Header, nil
}

// transportError classifies a failure to get an answer at all. It never
// wraps *url.Error, whose text quotes the URL and with it, under auth =
// "query", the consumer secret.
func (c *client) transportError(ctx context.Context, method, path string, err error) error {
	if ctx.Err() != nil {
		return sdk.Retryable(fmt.Errorf("woocommerce %s %s: %w", method, path, ctx.Err()), 0)
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return sdk.Retryable(fmt.Errorf("woocommerce %s %s: no answer within %s (setting timeout)", method, path, c.timeout), 0)
	}
	return sdk.Retryable(fmt.Errorf("woocommerce %s %s: %s", method, path, c.redact.Replace(err.Error())), 0)
}
