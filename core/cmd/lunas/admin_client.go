package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/user"
	"strings"
	"time"
)

// adminClient talks to the admin listener's API for the operator commands
// (review, replay). The password comes from $LUNAS_ADMIN_PASSWORD so it
// stays out of shell history.
type adminClient struct {
	url, user, password string
	http                *http.Client
}

func adminFlags(fs *flag.FlagSet) *adminClient {
	c := &adminClient{http: &http.Client{Timeout: 90 * time.Second}}
	def := os.Getenv("LUNAS_ADMIN_URL")
	if def == "" {
		def = "http://127.0.0.1:9090"
	}
	fs.StringVar(&c.url, "admin", def, "admin listener URL (default $LUNAS_ADMIN_URL or http://127.0.0.1:9090)")
	fs.StringVar(&c.user, "user", os.Getenv("LUNAS_ADMIN_USER"), "admin username (default $LUNAS_ADMIN_USER); the password is read from $LUNAS_ADMIN_PASSWORD")
	c.password = os.Getenv("LUNAS_ADMIN_PASSWORD")
	return c
}

// do sends a request and decodes a JSON answer into out. Errors carry the
// server's own message.
func (c *adminClient) do(ctx context.Context, method, path string, body, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimRight(c.url, "/")+path, rd)
	if err != nil {
		return err
	}
	// The admin side's Guard takes state-changing API calls only as JSON;
	// a program sends no Origin or Sec-Fetch-Site, so its cross-site check
	// lets the CLI through.
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Lunas-Actor", whoAmI())
	if c.user != "" {
		req.SetBasicAuth(c.user, c.password)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("admin API at %s: %w", c.url, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if resp.StatusCode >= 300 {
		var e struct {
			Error string `json:"error"`
		}
		if json.Unmarshal(raw, &e) == nil && e.Error != "" {
			return &exitError{code: 1, err: fmt.Errorf("%s (HTTP %d)", e.Error, resp.StatusCode)}
		}
		return &exitError{code: 1, err: fmt.Errorf("admin API answered HTTP %d", resp.StatusCode)}
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal(raw, out)
}

// whoAmI names the operator for the audit trail of manual actions.
func whoAmI() string {
	name := os.Getenv("USER")
	if u, err := user.Current(); err == nil && u.Username != "" {
		name = u.Username
	}
	host, _ := os.Hostname()
	if host != "" {
		return name + "@" + host
	}
	return name
}
