package sdk

import (
	"bytes"
	"context"
)

// Store is what a store plugin implements. Every method must honour ctx: the
// core's deadline and cancellation cross the process boundary.
//
// Implementations must be safe for concurrent use: the core calls them from
// several workers at once.
type Store interface {
	// Configure validates and applies the settings. It is called once after
	// start (and again after a plugin restart). Wrong settings return a
	// Permanent error naming the setting.
	Configure(ctx context.Context, req *ConfigureRequest) (*ConfigureResponse, error)
	// FindOpenOrders lists unpaid orders created since req.Since.
	FindOpenOrders(ctx context.Context, req *FindOpenOrdersRequest) (*FindOpenOrdersResponse, error)
	// ApplyPayment re-reads the order, refuses it if it is no longer payable,
	// and otherwise marks it paid exactly once per IdempotencyKey.
	ApplyPayment(ctx context.Context, req *ApplyPaymentRequest) (*ApplyPaymentResponse, error)
	// Health checks that the store answers with the configured credentials.
	Health(ctx context.Context, req *HealthRequest) (*HealthResponse, error)
}

// Reverser is the optional interface of stores that can undo a payment after
// a bank reversal. A plugin whose Store does not implement it answers
// ErrUnimplemented to ReversePayment.
type Reverser interface {
	ReversePayment(ctx context.Context, req *ReversePaymentRequest) (*ReversePaymentResponse, error)
}

func bytesReader(b []byte) *bytes.Reader { return bytes.NewReader(b) }
