package main

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/lunas-dev/lunas/sdk"
)

// FindOpenOrders posts the amount, window and hints to /lunas/open-orders.
func (s *Store) FindOpenOrders(ctx context.Context, req *sdk.FindOpenOrdersRequest) (*sdk.FindOpenOrdersResponse, error) {
	c, err := s.configured()
	if err != nil {
		return nil, err
	}
	hints := req.Hints
	if hints == nil {
		hints = []string{}
	}
	body, _ := json.Marshal(openOrdersRequest{Amount: req.Amount.String(), Since: timeText(req.Since), Hints: hints, BankID: req.BankID})
	r, err := c.do(ctx, http.MethodPost, pathOpenOrders, body, nil)
	if err != nil {
		return nil, err
	}
	const op = "list open orders"
	if r.status != http.StatusOK {
		return nil, statusError(op, r, c.now())
	}
	var out openOrdersResponse
	if err := json.Unmarshal(r.body, &out); err != nil {
		return nil, sdk.Permanentf("%s: the store's answer is not the contract's JSON: %v", op, err)
	}
	orders := make([]sdk.Order, 0, len(out.Orders))
	for _, w := range out.Orders {
		o, err := w.toOrder()
		if err != nil {
			return nil, sdk.Permanentf("%s: %v", op, err)
		}
		orders = append(orders, o)
	}
	return &sdk.FindOpenOrdersResponse{Orders: orders}, nil
}
