package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"sync/atomic"

	"github.com/lunas-dev/lunas/core/config"
)

// certificate is a listener's TLS certificate, read from its files and
// read again by reload. Handshakes take whichever certificate is current
// when they start, so a reload changes what new connections see and leaves
// open ones alone. It is safe for concurrent use.
type certificate struct {
	certFile, keyFile string
	current           atomic.Pointer[tls.Certificate]
}

// loadCertificate reads the files a tls block names.
func loadCertificate(t *config.TLS) (*certificate, error) {
	c := &certificate{certFile: t.CertFile, keyFile: t.KeyFile}
	if err := c.reload(); err != nil {
		return nil, err
	}
	return c, nil
}

// reload reads the files again. On an error (a renewal half written, a key
// that does not match) the previous certificate stays in use.
func (c *certificate) reload() error {
	pair, err := tls.LoadX509KeyPair(c.certFile, c.keyFile)
	if err != nil {
		return fmt.Errorf("tls certificate %s: %w", c.certFile, err)
	}
	if pair.Leaf == nil { // parsed by LoadX509KeyPair since Go 1.23; kept for the log line
		if pair.Leaf, err = x509.ParseCertificate(pair.Certificate[0]); err != nil {
			return fmt.Errorf("tls certificate %s: %w", c.certFile, err)
		}
	}
	c.current.Store(&pair)
	return nil
}

// tlsConfig serves the current certificate; TLS 1.2 is the oldest version
// offered (Moota's sender and every supported client speak it).
func (c *certificate) tlsConfig() *tls.Config {
	return &tls.Config{
		MinVersion: tls.VersionTLS12,
		GetCertificate: func(*tls.ClientHelloInfo) (*tls.Certificate, error) {
			return c.current.Load(), nil
		},
	}
}

// ReloadCertificates reads every listener's certificate files again (what
// SIGHUP does). A certificate that fails to load keeps the previous one in
// use; the errors come back joined.
func (a *App) ReloadCertificates() error {
	var errs []error
	for _, c := range a.certs {
		if err := c.reload(); err != nil {
			a.Logger.Error("tls certificate not reloaded; the previous one stays in use", "error", err)
			errs = append(errs, err)
			continue
		}
		leaf := c.current.Load().Leaf
		a.Logger.Info("tls certificate reloaded", "file", c.certFile, "subject", leaf.Subject.String(), "not_after", leaf.NotAfter)
	}
	return errors.Join(errs...)
}

// reloadOn reloads the certificates on every signal from hangups until ctx
// is done.
func (a *App) reloadOn(ctx context.Context, hangups <-chan os.Signal) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-hangups:
			_ = a.ReloadCertificates()
		}
	}
}
