package shopify

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/lunas-dev/lunas/sdk"
)

const userAgent = "lunas-plugin-shopify"

// maxBody bounds a response body read into memory.
const maxBody = 8 << 20

// operation is a named GraphQL document. The name also keys the cost the
// throttle remembers.
type operation struct {
	name  string
	query string
}

// client is a thin GraphQL client for one shop's Admin API. It classifies
// every failure for the core (see errors.go) and paces requests by the cost
// budget Shopify reports. Safe for concurrent use.
type client struct {
	endpoint string
	http     *http.Client
	timeout  time.Duration
	tokens   tokenSource
	throttle *throttle
	redact   redactor
}

func newClient(cfg *config) *client {
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12, RootCAs: cfg.roots}
	hc := &http.Client{Transport: transport}
	red := redactor{secrets: []string{cfg.accessToken, cfg.clientSecret}}
	var tokens tokenSource = staticToken(cfg.accessToken)
	if cfg.accessToken == "" {
		tokens = &clientCredentials{url: cfg.tokenURL(), clientID: cfg.clientID, clientSecret: cfg.clientSecret,
			http: hc, timeout: cfg.timeout, redact: red}
	}
	return &client{endpoint: cfg.graphqlURL(), http: hc, timeout: cfg.timeout, tokens: tokens, throttle: newThrottle(), redact: red}
}

// do runs op with vars and decodes the reply's data into out. A 401 is
// answered by one token refresh when the credentials allow it.
func (c *client) do(ctx context.Context, op operation, vars map[string]any, out any) error {
	if err := c.throttle.wait(ctx, op.name); err != nil {
		return err
	}
	body, err := json.Marshal(map[string]any{"query": op.query, "variables": vars})
	if err != nil {
		return sdk.Permanent(fmt.Errorf("shopify %s: encode request: %w", op.name, err))
	}
	refreshed := false
	for {
		tok, err := c.tokens.token(ctx)
		if err != nil {
			return err
		}
		status, header, reply, err := c.post(ctx, tok, body)
		if err != nil {
			return transportError(ctx, op.name, err, c.cleaner())
		}
		if status == http.StatusUnauthorized {
			if !refreshed && c.tokens.invalidate(tok) {
				refreshed = true
				continue
			}
			return unauthorized(op.name, refreshed, reply, c.cleaner())
		}
		return c.handle(op, status, header, reply, out)
	}
}

func (c *client) post(ctx context.Context, tok string, body []byte) (int, http.Header, []byte, error) {
	rctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(rctx, http.MethodPost, c.endpoint, bytes.NewReader(body))
	if err != nil {
		return 0, nil, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", userAgent)
	req.Header.Set("X-Shopify-Access-Token", tok)
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	reply, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return 0, nil, nil, err
	}
	return resp.StatusCode, resp.Header, reply, nil
}

// envelope is a GraphQL reply. errors is a list on HTTP 200 but a plain
// string on some transport-level replies, so it is decoded lazily.
type envelope struct {
	Data       json.RawMessage `json:"data"`
	Errors     json.RawMessage `json:"errors"`
	Extensions struct {
		Cost *queryCost `json:"cost"`
	} `json:"extensions"`
}

// handle classifies a reply other than 401 and decodes its data.
func (c *client) handle(op operation, status int, header http.Header, reply []byte, out any) error {
	if status != http.StatusOK {
		return httpError(op.name, status, header, reply, c.cleaner())
	}
	var env envelope
	if err := json.Unmarshal(reply, &env); err != nil {
		return sdk.Retryable(fmt.Errorf("shopify %s: reply is not JSON: %s", op.name, c.cleaner().clean(excerpt(reply))), 0)
	}
	c.throttle.observe(op.name, env.Extensions.Cost)
	if len(env.Errors) > 0 && string(env.Errors) != "null" {
		return queryError(op.name, env.Errors, env.Extensions.Cost, header, c.cleaner())
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(env.Data, out); err != nil {
		return sdk.Permanent(fmt.Errorf("shopify %s: unexpected data: %w", op.name, err))
	}
	return nil
}

// cleaner redacts the configured secrets and the token in use.
func (c *client) cleaner() redactor { return c.redact.with(c.tokens.current()) }
