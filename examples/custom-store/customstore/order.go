package customstore

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"
)

// Order is an order in the example store, in the contract's JSON shape.
type Order struct {
	ID        string    `json:"id"`
	Number    string    `json:"number"`
	Status    string    `json:"status"`
	Amount    Money     `json:"amount"`
	Currency  string    `json:"currency"`
	CreatedAt time.Time `json:"created_at"`
	PaidBy    string    `json:"paid_by"`
}

// Payment is one entry of the store's ledger: a payment it applied.
type Payment struct {
	IdempotencyKey string    `json:"idempotency_key"`
	OrderID        string    `json:"order_id"`
	MutationID     string    `json:"mutation_id"`
	Amount         Money     `json:"amount"`
	At             time.Time `json:"at"`
}

// LoadOrders reads a JSON array of orders (the shape of Order; amounts as
// numbers or decimal strings). Missing fields get Seed's defaults.
func LoadOrders(r io.Reader) ([]Order, error) {
	var orders []Order
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&orders); err != nil {
		return nil, fmt.Errorf("orders: %w", err)
	}
	return orders, nil
}

// LoadOrdersFile is LoadOrders on the file at path.
func LoadOrdersFile(path string) ([]Order, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	orders, err := LoadOrders(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return orders, nil
}
