package fakeshopify

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/lunas-dev/lunas/sdk"
)

// Seeding and merchant actions: what happens to orders outside the API.

// AddOrder seeds an order and returns it.
func (s *Server) AddOrder(n NewOrder) Order {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextID++
	s.nextName++
	o := &order{Order: Order{
		ID: "gid://shopify/Order/" + strconv.FormatInt(s.nextID, 10), LegacyID: s.nextID,
		Name: "#" + strconv.Itoa(s.nextName), CreatedAt: n.CreatedAt.UTC().Truncate(time.Second),
		Closed: n.Closed, FinancialStatus: n.FinancialStatus, Gateways: n.Gateways,
		Total: n.Amount, Outstanding: n.Amount, Currency: n.Currency, Note: n.Note, Tags: n.Tags,
		Metafields: map[string]Metafield{},
	}}
	if o.CreatedAt.IsZero() {
		o.CreatedAt = time.Now().UTC().Truncate(time.Second)
	}
	if o.FinancialStatus == "" {
		o.FinancialStatus = "PENDING"
	}
	if o.FinancialStatus == "PAID" {
		o.Outstanding = 0
	}
	if o.Gateways == nil {
		o.Gateways = []string{"Bank Deposit"}
	}
	if o.Currency == "" {
		o.Currency = "IDR"
	}
	if n.Cancelled {
		o.CancelledAt = o.CreatedAt.Add(time.Minute)
	}
	o.reindex()
	s.orders[o.ID] = o
	return o.clone()
}

// Order returns a snapshot of the order with global or numeric id.
func (s *Server) Order(id string) (Order, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.lookup(id)
	if o == nil {
		return Order{}, false
	}
	return o.clone(), true
}

func (s *Server) lookup(id string) *order {
	if !strings.HasPrefix(id, "gid://") {
		id = "gid://shopify/Order/" + id
	}
	return s.orders[id]
}

// update applies f to the order as a merchant in the admin would.
func (s *Server) update(id string, f func(o *order)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.lookup(id)
	if o == nil {
		panic(fmt.Sprintf("fakeshopify: no order %s", id))
	}
	f(o)
	s.touched(o)
}

// touched brings the search index up to date unless the index lags.
func (s *Server) touched(o *order) {
	if !s.indexLag {
		o.reindex()
	}
}

// Cancel cancels the order, as a merchant would in the admin.
func (s *Server) Cancel(id string) {
	s.update(id, func(o *order) { o.CancelledAt = time.Now().UTC().Truncate(time.Second) })
}

// MarkPaidByMerchant records the payment by hand in the admin (not through
// the API, so MarkPaidCalls does not change).
func (s *Server) MarkPaidByMerchant(id string) {
	s.update(id, func(o *order) { o.FinancialStatus, o.Outstanding = "PAID", 0 })
}

// Refund refunds the whole payment, as a merchant would in the admin after
// a bank took the transfer back: REFUNDED, nothing outstanding.
func (s *Server) Refund(id string) {
	s.update(id, func(o *order) { o.FinancialStatus, o.Outstanding = "REFUNDED", 0 })
}

// SetNote replaces the note, as a merchant editing the order would.
func (s *Server) SetNote(id, note string) { s.update(id, func(o *order) { o.Note = note }) }

// SetTags replaces the order's tags, as a merchant editing the order would.
func (s *Server) SetTags(id string, tags ...string) { s.update(id, func(o *order) { o.Tags = tags }) }

// DeleteMetafield removes namespace.key from the order.
func (s *Server) DeleteMetafield(id, namespace, key string) {
	s.update(id, func(o *order) { delete(o.Metafields, namespace+"."+key) })
}

// SetOutstanding changes the amount due (an edited order).
func (s *Server) SetOutstanding(id string, a sdk.Amount) {
	s.update(id, func(o *order) { o.Outstanding = a })
}

// SetIndexLag makes writes stop reaching the search index (on) or brings
// the index up to date and keeps it so (off). Shopify's search is
// eventually consistent: a just-cancelled or just-paid order can still
// match financial_status:pending status:open for a while.
func (s *Server) SetIndexLag(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.indexLag = on
	if !on {
		for _, o := range s.orders {
			o.reindex()
		}
	}
}

// SetScopes replaces the granted access scopes.
func (s *Server) SetScopes(scopes ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.setScopes(scopes)
}

func (s *Server) setScopes(scopes []string) {
	s.scopes = map[string]bool{}
	for _, sc := range scopes {
		s.scopes[sc] = true
	}
}
