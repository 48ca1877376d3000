package customstore

import (
	"slices"
	"strconv"
	"strings"
	"time"
)

// Seed adds an order and returns it as stored. Empty fields get defaults:
// ID the next free number, Number the ID, Status the first open status,
// Currency "IDR", CreatedAt now. An order with an existing ID replaces it.
func (s *Server) Seed(o Order) Order {
	s.mu.Lock()
	defer s.mu.Unlock()
	if o.ID == "" {
		for s.orders[strconv.Itoa(s.nextID)] != nil {
			s.nextID++
		}
		o.ID = strconv.Itoa(s.nextID)
		s.nextID++
	}
	if o.Number == "" {
		o.Number = o.ID
	}
	if o.Status == "" {
		o.Status = s.cfg.OpenStatuses[0]
	}
	if o.Currency == "" {
		o.Currency = "IDR"
	}
	if o.CreatedAt.IsZero() {
		o.CreatedAt = s.cfg.Now()
	}
	stored := o
	s.orders[o.ID] = &stored
	return o
}

// Order returns a copy of the order with id.
func (s *Server) Order(id string) (Order, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.orders[id]
	if !ok {
		return Order{}, false
	}
	return *o, true
}

// Orders returns a copy of every order, oldest first.
func (s *Server) Orders() []Order {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Order, 0, len(s.orders))
	for _, o := range s.orders {
		out = append(out, *o)
	}
	sortOrders(out)
	return out
}

// Ledger returns a copy of every payment the store applied, in order.
func (s *Server) Ledger() []Payment {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.ledger)
}

// Writes reports how many payments were applied to the order with id: 0 or
// 1 in a store that works.
func (s *Server) Writes(id string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, p := range s.ledger {
		if p.OrderID == id {
			n++
		}
	}
	return n
}

// openOrdersFor lists unpaid orders with exactly amount, created at or after since.
func (s *Server) openOrdersFor(amount Money, since time.Time) []Order {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []Order{}
	for _, o := range s.orders {
		if s.isOpen(o.Status) && o.PaidBy == "" && o.Amount == amount && !o.CreatedAt.Before(since) {
			out = append(out, *o)
		}
	}
	sortOrders(out)
	return out
}

func sortOrders(orders []Order) {
	slices.SortFunc(orders, func(a, b Order) int {
		if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
}
