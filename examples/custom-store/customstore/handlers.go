package customstore

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// openOrdersRequest is the body of POST /lunas/open-orders.
type openOrdersRequest struct {
	Amount string   `json:"amount"`
	Since  string   `json:"since"`
	Hints  []string `json:"hints"`
	BankID string   `json:"bank_id"`
}

func (s *Server) openOrders(w http.ResponseWriter, r *http.Request) {
	var req openOrdersRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		writeReason(w, http.StatusBadRequest, "body is not JSON: "+err.Error())
		return
	}
	amount, err := ParseMoney(req.Amount)
	if err != nil {
		writeReason(w, http.StatusBadRequest, "amount: "+err.Error())
		return
	}
	var since time.Time
	if req.Since != "" {
		if since, err = time.Parse(time.RFC3339, req.Since); err != nil {
			writeReason(w, http.StatusBadRequest, "since is not RFC 3339")
			return
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"orders": s.openOrdersFor(amount, since)})
}

// paymentRequest is the body of POST /lunas/payments. Only the fields the
// store checks are decoded.
type paymentRequest struct {
	Order struct {
		ID     string `json:"id"`
		Amount Money  `json:"amount"`
	} `json:"order"`
	Mutation struct {
		ID     string `json:"id"`
		Type   string `json:"type"`
		Amount Money  `json:"amount"`
	} `json:"mutation"`
	IdempotencyKey string `json:"idempotency_key"`
}

// paymentAnswer is the body of the payment answers (200, 409, 422).
type paymentAnswer struct {
	Outcome string `json:"outcome"`
	Status  string `json:"status,omitempty"`
	Reason  string `json:"reason,omitempty"`
	PaidBy  string `json:"paid_by,omitempty"`
}

func (s *Server) payments(w http.ResponseWriter, r *http.Request) {
	var req paymentRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		writeReason(w, http.StatusBadRequest, "body is not the contract's JSON: "+err.Error())
		return
	}
	if req.IdempotencyKey == "" || req.Order.ID == "" || req.Mutation.ID == "" {
		writeReason(w, http.StatusBadRequest, "idempotency_key, order.id and mutation.id are required")
		return
	}
	code, answer := s.apply(req)
	if code != http.StatusOK {
		s.cfg.Log.Info("payment not applied", "order", req.Order.ID, "mutation", req.Mutation.ID, "status", code, "reason", answer.Reason)
	}
	writeJSON(w, code, answer)
}

// apply is the whole payment decision, under the store's lock so that two
// concurrent requests for one order cannot both pay it.
func (s *Server) apply(req paymentRequest) (int, paymentAnswer) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if id, seen := s.keys[req.IdempotencyKey]; seen {
		o := s.orders[id]
		return http.StatusConflict, paymentAnswer{Outcome: "already_paid", Status: o.Status, PaidBy: o.PaidBy}
	}
	o, ok := s.orders[req.Order.ID]
	refuse := func(format string, args ...any) (int, paymentAnswer) {
		a := paymentAnswer{Outcome: "refused", Reason: fmt.Sprintf(format, args...)}
		if ok {
			a.Status = o.Status
		}
		return http.StatusUnprocessableEntity, a
	}
	switch {
	case !ok:
		return refuse("order %s does not exist", req.Order.ID)
	case o.PaidBy != "" || o.Status == s.cfg.PaidStatus:
		return http.StatusConflict, paymentAnswer{Outcome: "already_paid", Status: o.Status, PaidBy: o.PaidBy}
	case !s.isOpen(o.Status):
		return refuse("order %s is %s, not awaiting payment", o.ID, o.Status)
	case req.Mutation.Type == "DB":
		return refuse("a debit (DB) mutation never pays an order")
	case req.Order.Amount != o.Amount:
		return refuse("order %s is now due %s, not the %s Lunas matched", o.ID, o.Amount, req.Order.Amount)
	case req.Mutation.Amount != o.Amount:
		return refuse("order %s is due %s but the transfer was %s", o.ID, o.Amount, req.Mutation.Amount)
	}
	o.Status, o.PaidBy = s.cfg.PaidStatus, req.Mutation.ID
	s.keys[req.IdempotencyKey] = o.ID
	s.ledger = append(s.ledger, Payment{IdempotencyKey: req.IdempotencyKey, OrderID: o.ID,
		MutationID: req.Mutation.ID, Amount: o.Amount, At: s.cfg.Now()})
	return http.StatusOK, paymentAnswer{Outcome: "paid", Status: o.Status, PaidBy: o.PaidBy}
}
