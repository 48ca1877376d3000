package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/lunas-dev/lunas/plugins/custom/signature"
	"github.com/lunas-dev/lunas/sdk"
)

// maxReplyBytes bounds how much of a store's answer is read. A list of open
// orders for one amount is tiny; anything near this is a misbehaving store.
const maxReplyBytes = 8 << 20

const userAgent = "lunas-plugin-custom"

// client sends signed requests to one store. It is safe for concurrent use.
type client struct {
	cfg  *config
	http *http.Client
	now  func() time.Time
	log  hclog.Logger
}

// reply is a store's HTTP answer.
type reply struct {
	status int
	header http.Header
	body   []byte
}

func newClient(cfg *config, log hclog.Logger) *client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 8
	if cfg.tls != nil {
		tr.TLSClientConfig = cfg.tls
	}
	return &client{
		cfg: cfg,
		http: &http.Client{
			Transport: tr,
			Timeout:   cfg.timeout,
			// A redirected request would carry a signature made for another
			// URL; the store's address belongs in base_url instead.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
		now: time.Now,
		log: log,
	}
}

// do signs and sends one request and reads the answer, whatever its status.
// The error, if any, is a transport failure, already classified.
func (c *client) do(ctx context.Context, method, path string, body []byte, extra http.Header) (*reply, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.cfg.base+path, rd)
	if err != nil {
		return nil, sdk.Permanentf("build %s %s: %v", method, path, err)
	}
	for k, v := range c.cfg.headers {
		req.Header[k] = v
	}
	for k, v := range extra {
		req.Header[k] = v
	}
	req.Header.Set("User-Agent", userAgent)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set(signature.Header, signature.Sign(c.cfg.secret, c.now(), body))

	start := time.Now()
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, c.transportError(ctx, method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxReplyBytes+1))
	if err != nil {
		return nil, c.transportError(ctx, method, path, err)
	}
	if len(b) > maxReplyBytes {
		return nil, sdk.Permanentf("%s %s: the store's answer is larger than %d MiB", method, path, maxReplyBytes>>20)
	}
	c.log.Debug("store answered", "method", method, "path", path, "status", resp.StatusCode,
		"duration_ms", time.Since(start).Milliseconds())
	return &reply{status: resp.StatusCode, header: resp.Header, body: b}, nil
}

// transportError classifies a failure to get an answer at all. The core's
// own cancellation passes through (so it is reported as canceled); anything
// else is a network problem, worth retrying.
func (c *client) transportError(ctx context.Context, method, path string, err error) error {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return fmt.Errorf("%s %s: %w", method, path, ctxErr)
	}
	var certErr *tls.CertificateVerificationError
	if errors.As(err, &certErr) {
		// Retrying cannot make an untrusted certificate trusted.
		return sdk.Permanent(fmt.Errorf("%s %s: the store's TLS certificate is not trusted (%v); if it is signed by a private CA, name that CA in settings.ca_file",
			method, path, certErr.Err))
	}
	var urlErr interface{ Timeout() bool }
	if errors.As(err, &urlErr) && urlErr.Timeout() {
		return sdk.Retryable(fmt.Errorf("%s %s: the store did not answer within %s (settings.timeout)", method, path, c.cfg.timeout), 0)
	}
	return sdk.Retryable(fmt.Errorf("%s %s: cannot reach the store: %w", method, path, unwrapURLError(err)), 0)
}

// unwrapURLError drops net/url's "Post \"https://...\":" prefix: the path is
// already in the message, and the base URL is in the settings.
func unwrapURLError(err error) error {
	if u, ok := err.(interface{ Unwrap() error }); ok {
		if inner := u.Unwrap(); inner != nil {
			return inner
		}
	}
	return err
}
