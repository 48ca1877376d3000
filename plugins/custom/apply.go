package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/lunas-dev/lunas/sdk"
)

// ApplyPayment posts the order, the mutation and the idempotency key to
// /lunas/payments. 200 is the store's outcome, 409 already paid, 422 a
// refusal with its reason; other answers are classified errors.
func (s *Store) ApplyPayment(ctx context.Context, req *sdk.ApplyPaymentRequest) (*sdk.ApplyPaymentResponse, error) {
	c, err := s.configured()
	if err != nil {
		return nil, err
	}
	body, _ := json.Marshal(paymentRequest{Order: toSentOrder(req.Order), Mutation: toSentMutation(req.Mutation), IdempotencyKey: req.IdempotencyKey})
	extra := http.Header{}
	if req.IdempotencyKey != "" {
		extra.Set("Idempotency-Key", req.IdempotencyKey)
	}
	r, err := c.do(ctx, http.MethodPost, pathPayments, body, extra)
	if err != nil {
		return nil, err
	}
	op := fmt.Sprintf("apply payment to order %s", req.Order.ID)
	var out paymentResponse
	decodeErr := json.Unmarshal(r.body, &out)
	switch r.status {
	case http.StatusOK:
		if decodeErr != nil {
			return nil, sdk.Permanentf("%s: the store's answer is not the contract's JSON: %v", op, decodeErr)
		}
		return okOutcome(op, out)
	case http.StatusConflict:
		return &sdk.ApplyPaymentResponse{Outcome: sdk.OutcomeAlreadyPaid, Status: out.Status, Reason: clean(out.Reason)}, nil
	case http.StatusUnprocessableEntity:
		reason := replyReason(r.body)
		if reason == "" {
			reason = "the store refused the payment without a reason"
		}
		return &sdk.ApplyPaymentResponse{Outcome: sdk.OutcomeRefused, Status: out.Status, Reason: reason}, nil
	}
	return nil, statusError(op, r, c.now())
}

// okOutcome checks the outcome of a 200 answer.
func okOutcome(op string, out paymentResponse) (*sdk.ApplyPaymentResponse, error) {
	resp := &sdk.ApplyPaymentResponse{Outcome: sdk.Outcome(out.Outcome), Status: out.Status, Reason: clean(out.Reason)}
	switch resp.Outcome {
	case sdk.OutcomePaid, sdk.OutcomeAlreadyPaid:
		return resp, nil
	case sdk.OutcomeRefused:
		if resp.Reason == "" {
			resp.Reason = "the store refused the payment without a reason"
		}
		return resp, nil
	}
	// Guessing would risk marking an unpaid order paid, or the reverse.
	return nil, sdk.Permanentf("%s: the store answered 200 with outcome %q; the contract allows paid, already_paid or refused", op, clean(out.Outcome))
}
