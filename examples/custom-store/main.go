// Command custom-store is a runnable example of a store that Lunas's custom
// plugin talks to. It keeps orders in memory, verifies Lunas-Signature on
// every request and applies each payment at most once.
//
//	LUNAS_STORE_SECRET=$(openssl rand -hex 32) go run ./examples/custom-store \
//	    -listen 127.0.0.1:8081 -orders examples/custom-store/orders.json -order 1042=150123
//
// Then point a store block at it:
//
//	store "example" {
//	  plugin   = "custom"
//	  bank_ids = ["..."]
//	  settings = { base_url = "http://127.0.0.1:8081", secret = env("LUNAS_STORE_SECRET") }
//	}
//
// The secret comes from the environment, never from a flag, so that it does
// not show in the process list.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/lunas-dev/lunas/examples/custom-store/customstore"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "custom-store:", err)
		os.Exit(1)
	}
}

// orderFlags collects repeated -order NUMBER=AMOUNT flags.
type orderFlags []customstore.Order

func (f *orderFlags) String() string { return fmt.Sprint(len(*f), " orders") }

func (f *orderFlags) Set(v string) error {
	number, amount, ok := strings.Cut(v, "=")
	if !ok || number == "" {
		return errors.New("want NUMBER=AMOUNT, e.g. 1042=150123")
	}
	m, err := customstore.ParseMoney(amount)
	if err != nil {
		return err
	}
	*f = append(*f, customstore.Order{ID: number, Number: number, Amount: m})
	return nil
}

func run(args []string) error {
	fs := flag.NewFlagSet("custom-store", flag.ContinueOnError)
	listen := fs.String("listen", "127.0.0.1:8081", "address to listen on")
	ordersFile := fs.String("orders", "", "JSON file of orders to start with (see orders.json)")
	paidStatus := fs.String("paid-status", "processing", "status a paid order moves to")
	var extra orderFlags
	fs.Var(&extra, "order", "an open order NUMBER=AMOUNT created now (repeatable)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	srv, err := customstore.New(customstore.Config{Secret: os.Getenv("LUNAS_STORE_SECRET"), PaidStatus: *paidStatus, Log: log})
	if err != nil {
		return fmt.Errorf("%w (set LUNAS_STORE_SECRET to the plugin's settings.secret)", err)
	}
	if *ordersFile != "" {
		orders, err := customstore.LoadOrdersFile(*ordersFile)
		if err != nil {
			return err
		}
		extra = append(orders, extra...)
	}
	for _, o := range extra {
		srv.Seed(o)
	}

	hs := &http.Server{Addr: *listen, Handler: srv, ReadHeaderTimeout: 10 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = hs.Shutdown(shutdown)
	}()
	log.Info("custom store listening", "addr", *listen, "orders", len(srv.Orders()))
	if err := hs.ListenAndServe(); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
