package woo

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"time"
)

// config is the validated form of Settings.
type config struct {
	base         *url.URL // site address, no trailing slash
	auth         authenticator
	paidStatus   string          // paidProcessing, paidCompleted or paidAuto
	methods      map[string]bool // payment_method ids Lunas may confirm
	note         *noteTemplate
	customerNote bool
	reversalNote *noteTemplate // always a private note
	timeout      time.Duration
	roots        *x509.CertPool // nil: the system roots
	secrets      []string       // redacted from every error text
}

// statusFor returns the status an order moves to when paid.
// needsProcessing is nil on WooCommerce versions that do not report it.
func (c *config) statusFor(needsProcessing *bool) string {
	if c.paidStatus == paidAuto {
		if needsProcessing != nil && !*needsProcessing {
			return paidCompleted
		}
		return paidProcessing
	}
	return c.paidStatus
}

// loadCAFile returns the system roots plus the certificates in path, or nil
// (the system roots alone) when path is empty.
func loadCAFile(path string) (*x509.CertPool, error) {
	if path == "" {
		return nil, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("setting ca_file: %w", err)
	}
	pool, err := x509.SystemCertPool()
	if err != nil {
		pool = x509.NewCertPool()
	}
	n := 0
	for rest := b; ; {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		if block.Type != "CERTIFICATE" {
			continue
		}
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("setting ca_file: %s: certificate %d: %w", path, n+1, err)
		}
		pool.AddCert(cert)
		n++
	}
	if n == 0 {
		return nil, fmt.Errorf("setting ca_file: %s holds no PEM certificate (-----BEGIN CERTIFICATE-----)", path)
	}
	return pool, nil
}

// httpClient builds the client for one configuration. Redirects are not
// followed: Go would turn a redirected PUT into a GET and drop the
// Authorization header on another host, so a redirect is reported instead.
func (c *config) httpClient() *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12, RootCAs: c.roots}
	tr.MaxIdleConnsPerHost = pageWorkers + 2
	tr.ResponseHeaderTimeout = c.timeout
	return &http.Client{
		Transport:     tr,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}
