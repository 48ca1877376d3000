package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"

	"github.com/lunas-dev/lunas/core/webhook"
)

func runSign(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("sign", stderr)
	secret := fs.String("secret", os.Getenv("LUNAS_SECRET"), "webhook secret (default $LUNAS_SECRET)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	body, err := payloadArg(fs.Args(), *secret)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, webhook.Sign([]byte(*secret), body))
	return nil
}

func runSend(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("send", stderr)
	url := fs.String("url", "http://127.0.0.1:8080/webhooks/moota", "webhook URL")
	secret := fs.String("secret", os.Getenv("LUNAS_SECRET"), "webhook secret (default $LUNAS_SECRET)")
	timeout := fs.Duration("timeout", 10*time.Second, "request timeout")
	if err := fs.Parse(args); err != nil {
		return err
	}
	body, err := payloadArg(fs.Args(), *secret)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, *url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	// The headers Moota sends, so the receiver sees a realistic delivery.
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "MootaBot/1.5 (lunas send)")
	req.Header.Set("Signature", webhook.Sign([]byte(*secret), body))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	fmt.Fprintf(stdout, "%s %s\n", resp.Status, bytes.TrimSpace(out))
	if resp.StatusCode != http.StatusOK {
		return &exitError{code: 1, err: fmt.Errorf("webhook answered %s", resp.Status)}
	}
	return nil
}

func payloadArg(args []string, secret string) ([]byte, error) {
	if secret == "" {
		return nil, errors.New("--secret is required (or set LUNAS_SECRET)")
	}
	if len(args) != 1 {
		return nil, errors.New("give exactly one payload FILE (\"-\" reads standard input)")
	}
	if args[0] == "-" {
		return io.ReadAll(os.Stdin)
	}
	return os.ReadFile(args[0])
}
