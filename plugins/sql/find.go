package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/lunas-dev/lunas/sdk"
)

// FindOpenOrders selects unpaid orders in an open status, created at or
// after req.Since, due exactly req.Amount.
func (s *Store) FindOpenOrders(ctx context.Context, req *sdk.FindOpenOrdersRequest) (*sdk.FindOpenOrdersResponse, error) {
	cfg, q, conns, err := s.state()
	if err != nil {
		return nil, err
	}
	const op = "list open orders"
	c, err := conns.acquire(ctx)
	if err != nil {
		return nil, classify(ctx, op, err)
	}
	defer conns.release(c)
	rows, err := c.Query(ctx, q.find, cfg.openStatuses, req.Since, req.Amount.String(), maxOrders)
	if err != nil {
		return nil, classify(ctx, op, err)
	}
	orders, err := pgx.CollectRows(rows, scanOrder)
	if err != nil {
		return nil, classify(ctx, op, err)
	}
	return &sdk.FindOpenOrdersResponse{Orders: orders}, nil
}

// scanOrder reads one row of the queries' column list.
func scanOrder(row pgx.CollectableRow) (sdk.Order, error) {
	var (
		o      sdk.Order
		amount string
	)
	if err := row.Scan(&o.ID, &o.Number, &o.Status, &amount, &o.Currency, &o.CreatedAt, &o.PaidBy,
		&o.BankID, &o.VANumber, &o.PaymentRef); err != nil {
		return o, err
	}
	a, err := sdk.ParseAmount(amount)
	if err != nil {
		return o, sdk.Permanent(fmt.Errorf("order %s: amount column: %w", o.ID, err))
	}
	o.Amount = a
	o.BankID, o.VANumber, o.PaymentRef = strings.TrimSpace(o.BankID), strings.TrimSpace(o.VANumber), strings.TrimSpace(o.PaymentRef)
	if o.Currency == "" {
		o.Currency = "IDR"
	}
	return o, nil
}
