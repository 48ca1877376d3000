package main

import (
	"crypto/tls"
	"crypto/x509"
	"io"
	"net/http"
	"net/http/httptrace"
	"os"
	"testing"

	"github.com/hashicorp/go-hclog"

	"github.com/lunas-dev/lunas/core/config"
	"github.com/lunas-dev/lunas/internal/testutil"
)

// tlsClient trusts only pool and keeps its connections alive.
func tlsClient(pool *x509.CertPool) *http.Client {
	return &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}, MaxIdleConnsPerHost: 1}}
}

// get fetches url and reports the certificate served and whether the
// request went over a connection opened before.
func get(t *testing.T, c *http.Client, url string) (serial string, reused bool) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	req = req.WithContext(httptrace.WithClientTrace(req.Context(), &httptrace.ClientTrace{
		GotConn: func(info httptrace.GotConnInfo) { reused = info.Reused },
	}))
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s", url, resp.Status)
	}
	return resp.TLS.PeerCertificates[0].SerialNumber.String(), reused
}

// replace swaps the certificate and key at the paths of t for a new pair
// from ca, as a renewal does, and returns the new certificate's serial.
func replace(t *testing.T, ca *testutil.CA, files *config.TLS) string {
	t.Helper()
	dir := t.TempDir()
	cert, key, leaf := ca.Issue(t, dir, "renewed")
	for src, dst := range map[string]string{cert: files.CertFile, key: files.KeyFile} {
		b, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		testutil.WriteFile(t, dst, b)
	}
	return leaf.SerialNumber.String()
}

// TestListenersServeTLSAndReload: both listeners serve the configured
// certificate; after the files are replaced and ReloadCertificates runs
// (what SIGHUP does), new connections get the new certificate while a
// kept-alive connection goes on working; files that do not load leave the
// last good certificate in place.
func TestListenersServeTLSAndReload(t *testing.T) {
	ca := testutil.NewCA(t, "lunas test CA")
	dir := t.TempDir()
	files := map[string]*config.TLS{}
	serials := map[string]string{}
	a := &App{Logger: hclog.NewNullLogger(), errs: make(chan error, 4)}
	defer a.Close()
	ok := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("ok")) })
	urls := map[string]string{}
	for _, name := range []string{"public", "admin"} {
		cert, key, leaf := ca.Issue(t, dir, name)
		files[name] = &config.TLS{CertFile: cert, KeyFile: key}
		serials[name] = leaf.SerialNumber.String()
		addr, err := a.listen("127.0.0.1:0", ok, files[name])
		if err != nil {
			t.Fatal(err)
		}
		urls[name] = "https://" + addr + "/"
	}

	untrusting := tlsClient(x509.NewCertPool())
	if _, err := untrusting.Get(urls["public"]); err == nil {
		t.Fatal("a client that does not trust the CA connected")
	}
	kept := map[string]*http.Client{}
	for name, url := range urls {
		kept[name] = tlsClient(ca.Pool)
		if serial, _ := get(t, kept[name], url); serial != serials[name] {
			t.Fatalf("%s serves certificate %s, want %s", name, serial, serials[name])
		}
	}

	renewed := map[string]string{}
	for name := range urls {
		renewed[name] = replace(t, ca, files[name])
	}
	if err := a.ReloadCertificates(); err != nil {
		t.Fatal(err)
	}
	for name, url := range urls {
		serial, reused := get(t, kept[name], url)
		if !reused || serial != serials[name] {
			t.Errorf("%s: the kept-alive connection was not reused (%v) or changed certificate (%s)", name, reused, serial)
		}
		if serial, _ := get(t, tlsClient(ca.Pool), url); serial != renewed[name] {
			t.Errorf("%s: a new connection got certificate %s, want the renewed %s", name, serial, renewed[name])
		}
	}

	testutil.WriteFile(t, files["public"].CertFile, []byte("half a renewal"))
	if err := a.ReloadCertificates(); err == nil {
		t.Fatal("a certificate file that does not load was accepted")
	}
	if serial, _ := get(t, tlsClient(ca.Pool), urls["public"]); serial != renewed["public"] {
		t.Errorf("after a failed reload the public listener serves %s, want the last good %s", serial, renewed["public"])
	}
}
