package main

import (
	"net/http"
	"time"
)

// Limits of both listeners. Request headers beyond MaxHeaderBytes are
// answered 431; the timeouts drop clients that send or read too slowly, so
// that held connections cannot pile up. WriteTimeout covers a whole
// request after its headers, so it leaves room for an admin resolve, which
// waits for the store's plugin (30s by default).
const (
	MaxHeaderBytes    = 64 << 10
	ReadHeaderTimeout = 5 * time.Second
	ReadTimeout       = 30 * time.Second
	WriteTimeout      = 90 * time.Second
	IdleTimeout       = 120 * time.Second
)

// newHTTPServer is the http.Server every Lunas listener uses for h.
func newHTTPServer(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		MaxHeaderBytes:    MaxHeaderBytes,
		ReadHeaderTimeout: ReadHeaderTimeout,
		ReadTimeout:       ReadTimeout,
		WriteTimeout:      WriteTimeout,
		IdleTimeout:       IdleTimeout,
	}
}
