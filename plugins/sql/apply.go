package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/lunas-dev/lunas/sdk"
)

// ApplyPayment locks the order's row, decides, and marks it paid in the
// same transaction. A second caller for the same order waits for the lock
// and then sees the order paid.
func (s *Store) ApplyPayment(ctx context.Context, req *sdk.ApplyPaymentRequest) (*sdk.ApplyPaymentResponse, error) {
	cfg, q, conns, err := s.state()
	if err != nil {
		return nil, err
	}
	op := "apply payment to order " + req.Order.ID
	c, err := conns.acquire(ctx)
	if err != nil {
		return nil, classify(ctx, op, err)
	}
	defer conns.release(c)
	tx, err := c.Begin(ctx)
	if err != nil {
		return nil, classify(ctx, op, err)
	}
	defer rollback(tx)

	rows, err := tx.Query(ctx, q.lock, req.Order.ID)
	if err != nil {
		return nil, classify(ctx, op, err)
	}
	current, err := pgx.CollectExactlyOneRow(rows, scanOrder)
	switch {
	case errors.Is(err, pgx.ErrNoRows) || notAnID(err):
		return sdk.Refused("", "order %s does not exist in %s", req.Order.ID, cfg.table.Sanitize()), nil
	case errors.Is(err, pgx.ErrTooManyRows):
		return nil, sdk.Permanentf("%s: several rows have id %s: settings.columns.id must name a unique column", op, req.Order.ID)
	case err != nil:
		return nil, classify(ctx, op, err)
	}
	if resp := decide(cfg, current, req); resp != nil {
		return resp, nil
	}
	tag, err := tx.Exec(ctx, q.pay, cfg.paidStatus, req.Mutation.ID, req.Order.ID)
	if err != nil {
		return nil, classify(ctx, op, err)
	}
	if tag.RowsAffected() != 1 {
		// The row lock makes this unreachable; if it happens, let the core retry and re-read.
		return nil, sdk.Retryable(fmt.Errorf("%s: the update touched %d rows", op, tag.RowsAffected()), 0)
	}
	if err := tx.Commit(ctx); err != nil {
		// If the commit did land, the retry finds the order paid by this mutation.
		return nil, classify(ctx, op, err)
	}
	s.log.Info("order paid", "order", req.Order.ID, "mutation", req.Mutation.ID, "status", cfg.paidStatus)
	return &sdk.ApplyPaymentResponse{Outcome: sdk.OutcomePaid, Status: cfg.paidStatus}, nil
}

// rollback ends tx if it is still open; after a Commit it does nothing. It
// has its own deadline because the call's context may be the reason to stop.
func rollback(tx pgx.Tx) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = tx.Rollback(ctx)
}

// decide returns the outcome for an order that must not be paid, or nil
// when the payment may be applied.
func decide(cfg *config, cur sdk.Order, req *sdk.ApplyPaymentRequest) *sdk.ApplyPaymentResponse {
	switch {
	case cur.PaidBy == req.Mutation.ID:
		return &sdk.ApplyPaymentResponse{Outcome: sdk.OutcomeAlreadyPaid, Status: cur.Status,
			Reason: fmt.Sprintf("order %s was already paid by this mutation", cur.ID)}
	case cur.PaidBy != "":
		return &sdk.ApplyPaymentResponse{Outcome: sdk.OutcomeAlreadyPaid, Status: cur.Status,
			Reason: fmt.Sprintf("order %s was already paid by mutation %s", cur.ID, cur.PaidBy)}
	case cur.Status == cfg.paidStatus:
		return &sdk.ApplyPaymentResponse{Outcome: sdk.OutcomeAlreadyPaid, Status: cur.Status,
			Reason: fmt.Sprintf("order %s is already %s", cur.ID, cur.Status)}
	case !slices.Contains(cfg.openStatuses, cur.Status):
		return sdk.Refused(cur.Status, "order %s is %s, not awaiting payment", cur.ID, cur.Status)
	case cur.Amount != req.Order.Amount:
		return sdk.Refused(cur.Status, "order %s is now due %s, not the %s Lunas matched", cur.ID, cur.Amount, req.Order.Amount)
	case cur.Amount != req.Mutation.Amount:
		return sdk.Refused(cur.Status, "order %s is due %s but the transfer was %s", cur.ID, cur.Amount, req.Mutation.Amount)
	case req.Mutation.Type == "DB":
		return sdk.Refused(cur.Status, "a debit (DB) mutation never pays an order")
	}
	return nil
}
