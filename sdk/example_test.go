package sdk_test

import (
	"context"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lunas-dev/lunas/sdk"
	"github.com/lunas-dev/lunas/sdk/storetest"
)

// The plugin below is printed in sdk/README.md ("A whole plugin");
// TestReadmeShowsTheExample keeps the two the same.

// notebook is a whole store plugin: its orders are listed in its settings
// (order number -> amount due) and kept in memory.
type notebook struct {
	mu     sync.Mutex
	orders map[string]*sdk.Order
}

func (n *notebook) Configure(_ context.Context, req *sdk.ConfigureRequest) (*sdk.ConfigureResponse, error) {
	var set struct {
		Orders map[string]sdk.Amount `json:"orders"`
	}
	if err := req.Decode(&set); err != nil {
		return nil, err // already permanent, naming the bad setting
	}
	if len(set.Orders) == 0 {
		return nil, sdk.Permanentf("settings.orders must list at least one order")
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	n.orders = map[string]*sdk.Order{}
	for number, amount := range set.Orders {
		n.orders[number] = &sdk.Order{ID: number, Number: number, Status: "pending", Amount: amount, Currency: "IDR", CreatedAt: time.Now()}
	}
	return &sdk.ConfigureResponse{}, nil
}

func (n *notebook) FindOpenOrders(_ context.Context, req *sdk.FindOpenOrdersRequest) (*sdk.FindOpenOrdersResponse, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	var open []sdk.Order
	for _, o := range n.orders {
		if o.PaidBy == "" && o.Amount == req.Amount && !o.CreatedAt.Before(req.Since) {
			open = append(open, *o)
		}
	}
	return &sdk.FindOpenOrdersResponse{Orders: open}, nil
}

func (n *notebook) ApplyPayment(_ context.Context, req *sdk.ApplyPaymentRequest) (*sdk.ApplyPaymentResponse, error) {
	n.mu.Lock() // one payment at a time, so an order is never paid twice
	defer n.mu.Unlock()
	o, ok := n.orders[req.Order.ID]
	switch {
	case !ok || o.Amount != req.Mutation.Amount:
		return &sdk.ApplyPaymentResponse{Outcome: sdk.OutcomeRefused, Reason: "no such order due that amount"}, nil
	case o.PaidBy != "":
		return &sdk.ApplyPaymentResponse{Outcome: sdk.OutcomeAlreadyPaid, Status: o.Status}, nil
	}
	o.Status, o.PaidBy = "processing", req.Mutation.ID
	return &sdk.ApplyPaymentResponse{Outcome: sdk.OutcomePaid, Status: o.Status}, nil
}

func (n *notebook) Health(context.Context, *sdk.HealthRequest) (*sdk.HealthResponse, error) {
	return &sdk.HealthResponse{Status: "ok"}, nil
}

// Example_plugin is the plugin's main function. (It has no output: run by
// hand, Serve explains that the core starts plugins, and exits.)
func Example_plugin() { sdk.Serve(&notebook{}) }

// TestExamplePluginWorks drives the example over real gRPC.
func TestExamplePluginWorks(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	store := storetest.InProcess(t, &notebook{})
	if _, err := store.Configure(ctx, &sdk.ConfigureRequest{Settings: []byte(`{"orders":{}}`)}); !sdk.IsPermanent(err) ||
		!strings.Contains(err.Error(), "settings.orders") {
		t.Fatalf("Configure without orders: %v, want a permanent error naming settings.orders", err)
	}
	storetest.Configure(t, store, "notebook", map[string]any{"orders": map[string]string{"1042": "150123", "1043": "99000.50"}})
	found, err := store.FindOpenOrders(ctx, &sdk.FindOpenOrdersRequest{Amount: sdk.Rupiah(150123), Since: time.Now().Add(-time.Hour)})
	if err != nil || len(found.Orders) != 1 || found.Orders[0].Number != "1042" {
		t.Fatalf("FindOpenOrders = %+v, %v; want order 1042", found, err)
	}
	req := &sdk.ApplyPaymentRequest{Order: found.Orders[0], Mutation: sdk.Mutation{ID: "m1", Type: "CR", Amount: sdk.Rupiah(150123)}, IdempotencyKey: "moota:b:m1"}
	for _, want := range []sdk.Outcome{sdk.OutcomePaid, sdk.OutcomeAlreadyPaid} {
		if r, err := store.ApplyPayment(ctx, req); err != nil || r.Outcome != want {
			t.Fatalf("ApplyPayment = %+v, %v; want %s", r, err, want)
		}
	}
}

// TestReadmeShowsTheExample checks that every line of the README's plugin
// appears, in order, in this file, apart from the lines that differ by
// necessity (package, imports, main).
func TestReadmeShowsTheExample(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	self, err := os.ReadFile("example_test.go")
	if err != nil {
		t.Fatal(err)
	}
	const start = "<!-- the code of sdk/example_test.go -->\n```go\n"
	_, block, ok := strings.Cut(string(readme), start)
	if !ok {
		t.Fatalf("README.md has no %q block", strings.TrimSpace(start))
	}
	block, _, _ = strings.Cut(block, "```")
	mine := strings.Split(string(self), "\n")
	at, inImports := 0, false
	for line := range strings.SplitSeq(block, "\n") {
		switch {
		case strings.TrimSpace(line) == "", line == "package main":
			continue
		case line == "import (":
			inImports = true
			continue
		case inImports:
			inImports = line != ")"
			continue
		case line == "func main() { sdk.Serve(&notebook{}) }":
			line = "func Example_plugin() { sdk.Serve(&notebook{}) }"
		}
		for at < len(mine) && mine[at] != line {
			at++
		}
		if at == len(mine) {
			t.Fatalf("README.md's example has a line that example_test.go lacks (or has out of order):\n%s", line)
		}
	}
}
