// Package moota is the client of Moota's REST API v2 that Lunas uses for
// reconciliation (listing the credit mutations of a bank account, to catch
// webhooks Moota never delivered), write-back (tagging and annotating the
// mutation that paid an order, creating the tags first) and verification
// (confirming a delivered mutation against the account's list). It
// implements core.MootaAPI.
//
// Every error is classified for the queue: 429, 5xx, timeouts and network
// failures are sdk.Retryable (honouring Retry-After); 401, 403, 404, 422 and
// answers that are not what the API promises are sdk.Permanent, except the
// 422 "Data tidak ditemukan" of a tag Moota lacks, which Tag resolves by
// creating the tag. No error or log line ever holds the API token.
package moota

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

	"github.com/lunas-dev/lunas/core"
	"github.com/lunas-dev/lunas/sdk"
)

// DefaultBaseURL is Moota's API root.
const DefaultBaseURL = "https://app.moota.co/api/v2"

// Defaults of Config.
const (
	DefaultTimeout = 30 * time.Second
	DefaultPerPage = 100
)

// maxBodyBytes bounds how much of one answer is read: a page of 100
// mutations with their bank objects is well under 1 MiB.
const maxBodyBytes = 16 << 20

// Config configures a Client. Zero values mean the defaults.
type Config struct {
	// BaseURL is the API root; default DefaultBaseURL. Moota also serves
	// https://api.moota.co/api/v2.
	BaseURL string
	// Token is the personal access token, sent as a Bearer token. Required
	// by Moota; it never appears in an error.
	Token string
	// HTTPClient sends the requests; default a client without its own
	// timeout (Timeout bounds each request instead).
	HTTPClient *http.Client
	// Timeout bounds each request, including reading the answer; default 30s.
	Timeout time.Duration
	// PerPage is how many mutations one list request asks for; default 100.
	PerPage int
}

// Client talks to Moota's API v2. It is safe for concurrent use.
type Client struct {
	base    string
	token   string
	http    *http.Client
	timeout time.Duration
	perPage int
	tags    tagCache // tags known to exist, for Tag
}

var _ core.MootaAPI = (*Client)(nil)

// New returns a Client for cfg.
func New(cfg Config) *Client {
	c := &Client{
		base: strings.TrimRight(cfg.BaseURL, "/"), token: cfg.Token,
		http: cfg.HTTPClient, timeout: cfg.Timeout, perPage: cfg.PerPage,
	}
	if c.base == "" {
		c.base = DefaultBaseURL
	}
	if c.http == nil {
		c.http = &http.Client{}
	}
	if c.timeout <= 0 {
		c.timeout = DefaultTimeout
	}
	if c.perPage <= 0 {
		c.perPage = DefaultPerPage
	}
	return c
}

// call sends one request and decodes a 2xx JSON answer into out (nil: the
// body is ignored). path is relative to the base URL and already escaped.
func (c *Client) call(ctx context.Context, method, path string, query url.Values, body, out any) error {
	op := method + " " + path
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return sdk.Permanent(fmt.Errorf("moota: %s: encode request: %w", op, err))
		}
		rd = bytes.NewReader(b)
	}
	u := c.base + path
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return sdk.Permanent(fmt.Errorf("moota: %s: %w (check moota.base_url)", op, err))
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	// Without it Laravel answers an unauthenticated request with a redirect
	// to the login page instead of a JSON error.
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "lunas")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return transportError(op, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxBodyBytes))
	if err != nil {
		return transportError(op, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return statusError(op, resp.StatusCode, resp.Header, raw, c.token, time.Now())
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return sdk.Permanentf("moota: %s: the answer is not the JSON the API documents (%s); check moota.base_url", op, clean(err.Error()))
	}
	return nil
}

// transportError classifies a failure to get an answer at all: always
// retryable, the network or Moota may be back in a moment. The caller's own
// cancellation stays recognisable with errors.Is.
func transportError(op string, err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		// url.Error repeats the URL; the operation already names it.
		err = ue.Err
	}
	return sdk.Retryable(fmt.Errorf("moota: %s: %w", op, err), 0)
}
