package ops

import (
	"context"
	"time"

	"github.com/lunas-dev/lunas/sdk"
)

// StoreHealth tells the overview which stores' calls are failing. The
// worker, which sees every call to a store plugin, implements it.
type StoreHealth interface {
	// Stores returns the health of every configured store, in any order.
	// It must be safe for concurrent use and answer quickly (the overview
	// page waits for it).
	Stores(ctx context.Context) ([]StoreStatus, error)
}

// StoreStatus is one store's health as the worker last saw it.
type StoreStatus struct {
	// Name is the store block's label.
	Name string
	// FailingSince is when the current run of failed calls began; zero
	// means the last call succeeded (or none was made yet).
	FailingSince time.Time
	// LastError is the last failed call's error, with no secret in it.
	LastError string
	// LastErrorAt is when that call failed; zero when none has.
	LastErrorAt time.Time
}

// Failing reports whether the store's calls are failing now.
func (s StoreStatus) Failing() bool { return !s.FailingSince.IsZero() }

// PaymentStats counts the payments Lunas applied to orders (the store
// answered paid), for the overview.
type PaymentStats interface {
	// Applied returns the payments applied at or after since: how many, and
	// their total. The overview asks for today (since midnight Asia/Jakarta)
	// and the last hour, so an implementation must keep at least a day.
	Applied(ctx context.Context, since time.Time) (PaymentTotals, error)
}

// PaymentTotals is a count of applied payments and their sum.
type PaymentTotals struct {
	Count  int64
	Amount sdk.Amount
}
