package main

import (
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/lunas-dev/lunas/core/config"
	"github.com/lunas-dev/lunas/internal/testutil"
)

// TestServeReloadsCertificatesOnSIGHUP runs `lunas serve` with tls blocks
// on both listeners, checks both with a client that trusts only the test
// CA (and `lunas send` through the public one), then swaps the files and
// sends the process a real SIGHUP: new connections get the new
// certificates, a kept-alive connection goes on working, and the process
// is the same one.
func TestServeReloadsCertificatesOnSIGHUP(t *testing.T) {
	r := testutil.NewRedis(t)
	testutil.Binary(t, "lunas-plugin-demo")
	bin := testutil.Binary(t, "lunas")
	ca := testutil.NewCA(t, "lunas e2e CA")
	dir := t.TempDir()
	pubCert, pubKey, pubLeaf := ca.Issue(t, dir, "public")
	admCert, admKey, admLeaf := ca.Issue(t, dir, "admin")
	public, admin := testutil.FreeAddr(t), testutil.FreeAddr(t)
	cfg := filepath.Join(dir, "lunas.hcl")
	hcl := fmt.Sprintf(`listen = %q
tls {
  cert_file = "public.crt"
  key_file  = "public.key"
}
admin {
  listen = %q
  tls {
    cert_file = %q
    key_file  = %q
  }
}
redis {
  addr = %q
  db   = %d
}
webhook "moota" {
  secrets = ["tls-e2e-secret"]
}
store "demo" {
  plugin   = "demo"
  bank_ids = ["*"]
  settings = {
    redis_addr = %q
    redis_db   = %d
    namespace  = "lunas:demo:tls"
  }
}
`, public, admin, admCert, admKey, r.Addr, r.DB, r.Addr, r.DB)
	if err := os.WriteFile(cfg, []byte(hcl), 0o600); err != nil {
		t.Fatal(err)
	}
	logFile, err := os.Create(filepath.Join(dir, "lunas.log"))
	if err != nil {
		t.Fatal(err)
	}
	defer logFile.Close()
	log := func() string { b, _ := os.ReadFile(logFile.Name()); return string(b) }
	cmd := exec.Command(bin, "serve", "--config", cfg, "--log-level", "debug")
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		<-exited
		if t.Failed() {
			t.Logf("lunas log:\n%s", log())
		}
	})

	urls := map[string]string{"public": "https://" + public + "/healthz", "admin": "https://" + admin + "/readyz"}
	serials := map[string]string{"public": pubLeaf.SerialNumber.String(), "admin": admLeaf.SerialNumber.String()}
	files := map[string]*config.TLS{"public": {CertFile: pubCert, KeyFile: pubKey}, "admin": {CertFile: admCert, KeyFile: admKey}}
	testutil.Eventually(t, 60*time.Second, "lunas serves https", func() bool {
		select {
		case <-exited:
			t.Fatalf("lunas exited:\n%s", log())
		default:
		}
		resp, err := tlsClient(ca.Pool).Get(urls["public"])
		if err == nil {
			resp.Body.Close()
		}
		return err == nil && resp.StatusCode == http.StatusOK
	})
	kept := map[string]*http.Client{}
	for name, url := range urls {
		kept[name] = tlsClient(ca.Pool)
		if serial, _ := get(t, kept[name], url); serial != serials[name] {
			t.Fatalf("%s serves certificate %s, want %s", name, serial, serials[name])
		}
	}
	caFile := filepath.Join(dir, "ca.pem")
	testutil.WriteFile(t, caFile, ca.PEM)
	payload := filepath.Join(testutil.RepoRoot(), "examples", "payloads", "bca_150123_inv1042.json")
	send := exec.Command(bin, "send", payload, "--secret", "tls-e2e-secret", "--url", "https://"+public+"/webhooks/moota")
	send.Env = append(os.Environ(), "SSL_CERT_FILE="+caFile)
	if out, err := send.CombinedOutput(); err != nil || !strings.HasPrefix(string(out), "200 OK") {
		t.Fatalf("lunas send over https: %v\n%s", err, out)
	}

	renewed := map[string]string{}
	for name := range urls {
		renewed[name] = replace(t, ca, files[name])
	}
	if err := cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	for name, url := range urls {
		testutil.Eventually(t, 30*time.Second, name+" serves the renewed certificate", func() bool {
			serial, _ := get(t, tlsClient(ca.Pool), url)
			return serial == renewed[name]
		})
		serial, reused := get(t, kept[name], url)
		if !reused || serial != serials[name] {
			t.Errorf("%s: the kept-alive connection was not reused (%v) or changed certificate (%s)", name, reused, serial)
		}
	}
	select {
	case <-exited:
		t.Fatal("lunas exited after SIGHUP")
	default:
	}
	if !strings.Contains(log(), "tls certificate reloaded") {
		t.Error("the reload is not logged")
	}
}
