package main

import (
	"bytes"
	"cmp"
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

// adminAbout is the help text on how operator commands reach the admin API.
const adminAbout = `

It calls the admin API of a running lunas (--admin); with a login, the
password is read from $LUNAS_ADMIN_PASSWORD so it stays out of shell
history. An https URL is checked against the system's certificate
authorities; SSL_CERT_FILE=ca.pem adds a private one.`

// defaultAdminURL is the admin listener of a default configuration.
const defaultAdminURL = "http://127.0.0.1:9090"

// adminFlags defines --admin and --user; an unset flag falls back to its
// environment variable when the request is made.
func adminFlags(fs *flag.FlagSet) *adminClient {
	c := &adminClient{http: &http.Client{Timeout: 90 * time.Second}}
	fs.StringVar(&c.url, "admin", "", "admin listener `URL` (default $LUNAS_ADMIN_URL, else "+defaultAdminURL+")")
	fs.StringVar(&c.user, "user", "", "admin `username` (default $LUNAS_ADMIN_USER)")
	return c
}

// settle fills what the flags left unset from the environment.
func (c *adminClient) settle() {
	if c.url == "" {
		c.url = cmp.Or(os.Getenv("LUNAS_ADMIN_URL"), defaultAdminURL)
	}
	if c.user == "" {
		c.user = os.Getenv("LUNAS_ADMIN_USER")
	}
	c.password = os.Getenv("LUNAS_ADMIN_PASSWORD")
}

// do sends a request and decodes a JSON answer into out. Errors carry the
// server's own message.
func (c *adminClient) do(ctx context.Context, method, path string, body, out any) error {
	c.settle()
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
