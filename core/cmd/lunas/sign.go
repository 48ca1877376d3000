package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"

	"github.com/lunas-dev/lunas/core/webhook"
)

// payloadAbout explains the FILE argument of send and sign.
const payloadAbout = `
FILE is a webhook payload as Moota sends it (a JSON array of mutations);
"-" reads it from standard input. The secret is the webhook's secret in
Moota and in lunas.hcl; give it with --secret or $LUNAS_SECRET (which keeps
it out of shell history).`

func signCommand() *command {
	var secret string
	return &command{
		name: "sign", args: "FILE", minArgs: 1, maxArgs: 1, files: true,
		summary: "print the Signature header Moota would send with a payload",
		about:   payloadAbout,
		flags: func(fs *flag.FlagSet) {
			fs.StringVar(&secret, "secret", "", "webhook `secret` (default $LUNAS_SECRET)")
		},
		run: func(_ context.Context, inv *invocation) error {
			body, secret, err := payload(inv, secret)
			if err != nil {
				return err
			}
			fmt.Fprintln(inv.stdout, webhook.Sign([]byte(secret), body))
			return nil
		},
	}
}

func sendCommand() *command {
	var url, secret string
	var timeout time.Duration
	return &command{
		name: "send", args: "FILE", minArgs: 1, maxArgs: 1, files: true,
		summary: "sign a payload as Moota does and POST it to a webhook URL",
		about:   payloadAbout + "\n\nIt prints the answer's status and body, and fails unless it is 200 OK.",
		flags: func(fs *flag.FlagSet) {
			fs.StringVar(&url, "url", "http://127.0.0.1:8080/webhooks/moota", "webhook `URL`")
			fs.StringVar(&secret, "secret", "", "webhook `secret` (default $LUNAS_SECRET)")
			durationFlag(fs, &timeout, "timeout", 10*time.Second, "request timeout")
		},
		run: func(ctx context.Context, inv *invocation) error {
			body, secret, err := payload(inv, secret)
			if err != nil {
				return err
			}
			ctx, cancel := context.WithTimeout(ctx, timeout)
			defer cancel()
			req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
			if err != nil {
				return err
			}
			// The headers Moota sends, so the receiver sees a realistic delivery.
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Accept", "application/json")
			req.Header.Set("User-Agent", "MootaBot/1.5 (lunas send)")
			req.Header.Set("Signature", webhook.Sign([]byte(secret), body))
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				return err
			}
			defer resp.Body.Close()
			out, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
			fmt.Fprintf(inv.stdout, "%s %s\n", resp.Status, bytes.TrimSpace(out))
			if resp.StatusCode != http.StatusOK {
				return fmt.Errorf("webhook answered %s", resp.Status)
			}
			return nil
		},
	}
}

// payload reads the FILE argument and settles the secret: the flag, else
// $LUNAS_SECRET.
func payload(inv *invocation, secret string) (body []byte, _ string, err error) {
	if secret == "" {
		secret = os.Getenv("LUNAS_SECRET")
	}
	if secret == "" {
		return nil, "", inv.usageError("--secret is required (or set LUNAS_SECRET)")
	}
	if inv.args[0] == "-" {
		body, err = io.ReadAll(os.Stdin)
	} else {
		body, err = os.ReadFile(inv.args[0])
	}
	return body, secret, err
}
