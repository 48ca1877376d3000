package main

import (
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/lunas-dev/lunas/plugins/custom/signature"
	"github.com/lunas-dev/lunas/sdk"
)

// Settings are the store block's settings for the custom plugin, as they
// appear in lunas.hcl.
type Settings struct {
	// BaseURL is the store's address; the contract's paths (/lunas/...) are
	// appended to it. Required.
	BaseURL string `json:"base_url"`
	// Secret signs every request (Lunas-Signature). Required, at least 16
	// characters. Never logged.
	Secret string `json:"secret"`
	// Timeout bounds each HTTP request, as a Go duration. Default "15s".
	Timeout string `json:"timeout"`
	// Headers are extra request headers, for example for an API gateway.
	// Their values are never logged.
	Headers map[string]string `json:"headers"`
	// CAFile is a PEM file of extra certificate authorities to trust, for a
	// store behind a private CA. Optional.
	CAFile string `json:"ca_file"`
}

// Limits of the settings.
const (
	defaultTimeout = 15 * time.Second
	minTimeout     = time.Second
	maxTimeout     = 5 * time.Minute
	minSecretLen   = 16
)

// reservedHeaders are set by the plugin itself; letting settings override
// them would break the signature or the request framing.
var reservedHeaders = map[string]bool{
	signature.Header: true, "Content-Type": true, "Content-Length": true, "Host": true,
	"Idempotency-Key": true, "Transfer-Encoding": true, "Connection": true, "User-Agent": true, "Accept": true,
}

// config is the validated form of Settings.
type config struct {
	base    string // base URL without a trailing slash
	secret  []byte
	timeout time.Duration
	headers http.Header
	tls     *tls.Config // nil: the system roots
}

// parseSettings decodes and validates the settings. Every error is
// permanent and names the setting; none quotes the secret, a header value or
// a credential embedded in base_url.
func parseSettings(req *sdk.ConfigureRequest) (*config, error) {
	var s Settings
	if err := req.Decode(&s); err != nil {
		return nil, err
	}
	base, err := parseBaseURL(s.BaseURL)
	if err != nil {
		return nil, err
	}
	cfg := &config{base: base, secret: []byte(s.Secret), timeout: defaultTimeout, headers: http.Header{}}
	switch {
	case s.Secret == "":
		return nil, sdk.Permanentf("settings.secret is required: the shared secret your store uses to verify the %s header", signature.Header)
	case len(s.Secret) < minSecretLen:
		return nil, sdk.Permanentf("settings.secret is too short: use at least %d characters (a random string, e.g. from `openssl rand -hex 32`)", minSecretLen)
	}
	if s.Timeout != "" {
		d, err := time.ParseDuration(s.Timeout)
		if err != nil {
			return nil, sdk.Permanentf("settings.timeout %q is not a duration such as \"15s\" or \"1m\"", s.Timeout)
		}
		if d < minTimeout || d > maxTimeout {
			return nil, sdk.Permanentf("settings.timeout %s is out of range: use %s to %s", d, minTimeout, maxTimeout)
		}
		cfg.timeout = d
	}
	for name, value := range s.Headers {
		if !validHeaderName(name) {
			return nil, sdk.Permanentf("settings.headers: %q is not a valid HTTP header name", name)
		}
		canon := http.CanonicalHeaderKey(name)
		if reservedHeaders[canon] {
			return nil, sdk.Permanentf("settings.headers: %s is set by Lunas and cannot be overridden", canon)
		}
		if !validHeaderValue(value) {
			// The value itself is not quoted: it may be a credential.
			return nil, sdk.Permanentf("settings.headers: the value of %s contains a line break or control character", canon)
		}
		cfg.headers.Set(canon, value)
	}
	if s.CAFile != "" {
		if cfg.tls, err = loadCAFile(s.CAFile); err != nil {
			return nil, err
		}
	}
	return cfg, nil
}

// parseBaseURL checks that raw is an absolute http(s) URL without
// credentials, query or fragment, and returns it without a trailing slash.
func parseBaseURL(raw string) (string, error) {
	if strings.TrimSpace(raw) == "" {
		return "", sdk.Permanentf("settings.base_url is required: the address of your store, e.g. \"https://shop.example.com\"")
	}
	u, err := url.Parse(raw)
	if err != nil {
		// url.Parse quotes the input; it may hold a password, so it is not repeated.
		return "", sdk.Permanentf("settings.base_url is not a valid URL")
	}
	switch {
	case u.User != nil:
		return "", sdk.Permanentf("settings.base_url must not contain a user name or password: send credentials with settings.headers")
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "":
		return "", sdk.Permanentf("settings.base_url must not contain a query string or fragment: send credentials with settings.headers")
	case u.Scheme != "http" && u.Scheme != "https":
		return "", sdk.Permanentf("settings.base_url %q must start with https:// (or http:// for a store on this machine or a private network)", raw)
	case u.Host == "":
		return "", sdk.Permanentf("settings.base_url %q has no host", raw)
	}
	return strings.TrimRight(u.String(), "/"), nil
}

// loadCAFile returns a TLS config that trusts the system roots plus the
// certificates in path.
func loadCAFile(path string) (*tls.Config, error) {
	pem, err := os.ReadFile(path)
	if err != nil {
		return nil, sdk.Permanentf("settings.ca_file %q cannot be read: %v", path, err)
	}
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(pem) {
		return nil, sdk.Permanentf("settings.ca_file %q holds no PEM certificate", path)
	}
	return &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}, nil
}

// validHeaderName reports whether name is an RFC 9110 token.
func validHeaderName(name string) bool {
	if name == "" {
		return false
	}
	for _, c := range []byte(name) {
		ok := c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
		if !ok {
			return false
		}
	}
	return true
}

// validHeaderValue reports whether value has no control character other
// than horizontal tab, so it cannot split or end the header block.
func validHeaderValue(value string) bool {
	for _, c := range []byte(value) {
		if c < ' ' && c != '\t' || c == 0x7f {
			return false
		}
	}
	return true
}
