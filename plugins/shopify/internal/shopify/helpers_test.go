package shopify

import (
	"bytes"
	"context"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/lunas-dev/lunas/plugins/shopify/fakeshopify"
	"github.com/lunas-dev/lunas/sdk"
)

// Credentials the tests hand out. They look like real ones so that a leak
// would be caught by value, not only by pattern.
const (
	testAccessToken  = "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"
	testClientID     = "7c2f0e8d4b1a9c3e5f6a7b8c9d0e1f2a"
	testClientSecret = "a91b2c3d4e5f60718293a4b5c6d7e8f9"
)

// syncBuffer collects log output written from several goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// harness is a Store configured against a fake Shopify.
type harness struct {
	fake  *fakeshopify.Server
	store *Store
	logs  *syncBuffer
}

// staticHarness uses a legacy access token.
func staticHarness(t *testing.T, extra map[string]any) *harness {
	t.Helper()
	fake := fakeshopify.New(t, fakeshopify.Options{AccessToken: testAccessToken})
	return newHarness(t, fake, merge(settingsFor(fake), map[string]any{"access_token": testAccessToken}, extra))
}

// credentialsHarness uses the client-credentials grant.
func credentialsHarness(t *testing.T, opts fakeshopify.Options) *harness {
	t.Helper()
	opts.ClientID, opts.ClientSecret = testClientID, testClientSecret
	fake := fakeshopify.New(t, opts)
	return newHarness(t, fake, merge(settingsFor(fake), map[string]any{"client_id": testClientID, "client_secret": testClientSecret}))
}

func newHarness(t *testing.T, fake *fakeshopify.Server, settings map[string]any) *harness {
	t.Helper()
	logs := &syncBuffer{}
	h := &harness{fake: fake, logs: logs,
		store: New(hclog.New(&hclog.LoggerOptions{Output: logs, Level: hclog.Trace, JSONFormat: true}))}
	if err := configure(h.store, settings); err != nil {
		t.Fatalf("Configure: %v", err)
	}
	return h
}

func settingsFor(fake *fakeshopify.Server) map[string]any {
	return map[string]any{"shop": "toko-sari.myshopify.com", "base_url": fake.URL(), "ca_file": fake.CAFile()}
}

func merge(maps ...map[string]any) map[string]any {
	out := map[string]any{}
	for _, m := range maps {
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}

func configure(s *Store, settings map[string]any) error {
	raw, err := json.Marshal(settings)
	if err != nil {
		return err
	}
	_, err = s.Configure(context.Background(), &sdk.ConfigureRequest{StoreName: "toko-sari", Settings: raw})
	return err
}

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

var jakartaMorning = time.Date(2025, 6, 3, 2, 5, 0, 0, time.UTC) // 09:05 WIB

func mutation(id string, amount sdk.Amount) sdk.Mutation {
	return sdk.Mutation{ID: id, BankID: "bank-1", AccountNumber: "1234567890", Type: "CR", Amount: amount,
		Description: "TRSF E-BANKING CR 0306/FTSCY/WS95031", Date: jakartaMorning, BankType: "bca"}
}

func (h *harness) find(t *testing.T, amount sdk.Amount, since time.Time) []sdk.Order {
	t.Helper()
	resp, err := h.store.FindOpenOrders(testCtx(t), &sdk.FindOpenOrdersRequest{Amount: amount, Since: since})
	if err != nil {
		t.Fatalf("FindOpenOrders(%s): %v", amount, err)
	}
	return resp.Orders
}

func (h *harness) pay(t *testing.T, o fakeshopify.Order, m sdk.Mutation) *sdk.ApplyPaymentResponse {
	t.Helper()
	resp, err := h.apply(t, o, m)
	if err != nil {
		t.Fatalf("ApplyPayment(%s, %s): %v", o.Name, m.ID, err)
	}
	return resp
}

func (h *harness) apply(t *testing.T, o fakeshopify.Order, m sdk.Mutation) (*sdk.ApplyPaymentResponse, error) {
	t.Helper()
	return h.store.ApplyPayment(testCtx(t), &sdk.ApplyPaymentRequest{
		Order:    sdk.Order{ID: o.ID, Number: o.Name, Amount: o.Outstanding, Currency: o.Currency},
		Mutation: m, IdempotencyKey: "moota:" + m.BankID + ":" + m.ID,
	})
}

func (h *harness) order(t *testing.T, id string) fakeshopify.Order {
	t.Helper()
	o, ok := h.fake.Order(id)
	if !ok {
		t.Fatalf("fake has no order %s", id)
	}
	return o
}

// writes is an order's ledger: mark-as-paid tries, note, tag and metafield writes.
func writes(o fakeshopify.Order) [4]int {
	return [4]int{o.MarkPaidTries, o.NoteWrites, o.TagWrites, o.MetafieldWrites}
}
