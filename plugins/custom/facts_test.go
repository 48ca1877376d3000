package main

import (
	"encoding/json"
	"io"
	"net/http"
	"sync"
	"testing"

	"github.com/lunas-dev/lunas/sdk"
)

// TestOrderPaymentFactsCrossTheContract checks the optional bank_id,
// va_number and payment_ref of openapi.yaml: read from the store's list
// (a VA number in an integer column included) and sent back with the
// payment, and absent from the payment when the order has none.
func TestOrderPaymentFactsCrossTheContract(t *testing.T) {
	var (
		mu    sync.Mutex
		order map[string]any
	)
	store, _ := serveFake(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/lunas/open-orders":
			io.WriteString(w, `{"orders":[
				{"id":"1","amount":"250000","created_at":"2024-06-10T09:30:00+07:00","bank_id":" 4Aqz9OmvWPV ","va_number":8808123456789012,"payment_ref":"moota-va#1"},
				{"id":"2","amount":"250000","created_at":"2024-06-10T09:30:00+07:00"}]}`)
		case "/lunas/payments":
			var body struct {
				Order map[string]any `json:"order"`
			}
			_ = json.NewDecoder(r.Body).Decode(&body)
			mu.Lock()
			order = body.Order
			mu.Unlock()
			io.WriteString(w, `{"outcome":"paid","status":"processing"}`)
		}
	}, nil)
	found, err := store.FindOpenOrders(ctx(t), &sdk.FindOpenOrdersRequest{Amount: sdk.Rupiah(250000)})
	if err != nil || len(found.Orders) != 2 {
		t.Fatalf("FindOpenOrders = %+v, %v", found, err)
	}
	if o := found.Orders[0]; o.BankID != "4Aqz9OmvWPV" || o.VANumber != "8808123456789012" || o.PaymentRef != "moota-va#1" {
		t.Fatalf("order 1 = %+v, want its bank_id, va_number and payment_ref", o)
	}
	if o := found.Orders[1]; o.BankID != "" || o.VANumber != "" || o.PaymentRef != "" {
		t.Fatalf("order 2 = %+v, want no payment facts", o)
	}
	for i, want := range []map[string]any{
		{"bank_id": "4Aqz9OmvWPV", "va_number": "8808123456789012", "payment_ref": "moota-va#1"},
		{},
	} {
		req := samplePayment()
		req.Order = found.Orders[i]
		if _, err := store.ApplyPayment(ctx(t), req); err != nil {
			t.Fatal(err)
		}
		mu.Lock()
		for _, k := range []string{"bank_id", "va_number", "payment_ref"} {
			if got, ok := order[k]; got != want[k] || ok != (want[k] != nil) {
				t.Errorf("order %d sent with %s = %v (present %v), want %v", i+1, k, got, ok, want[k])
			}
		}
		mu.Unlock()
	}
}
