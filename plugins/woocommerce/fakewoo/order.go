package fakewoo

import (
	"slices"
	"strconv"
	"time"
)

// Order statuses WooCommerce knows (without the "wc-" prefix).
var orderStatuses = []string{"pending", "processing", "on-hold", "completed", "cancelled", "refunded", "failed", "checkout-draft"}

var statusLabels = map[string]string{
	"pending": "Pending payment", "processing": "Processing", "on-hold": "On hold", "completed": "Completed",
	"cancelled": "Cancelled", "refunded": "Refunded", "failed": "Failed", "checkout-draft": "Draft",
}

// Order is a WooCommerce order as seeded and read back by tests.
type Order struct {
	ID            int64  // assigned by AddOrder when zero
	Number        string // customer-visible number; defaults to the id
	Status        string // defaults to "on-hold" (where bacs checkout leaves orders)
	Currency      string // defaults to "IDR"
	Total         string // decimal string as WooCommerce sends it, e.g. "150123.00"
	PaymentMethod string // gateway id; defaults to "bacs"
	TransactionID string
	Customer      string    // billing first name, searchable
	Created       time.Time // defaults to now
	Modified      time.Time
	DatePaid      time.Time // zero: unpaid (date_paid_gmt null)
	DateCompleted time.Time
	Virtual       bool // a virtual/downloadable-only order: needs_processing is false
	Meta          []Meta
}

// Meta is one meta_data entry.
type Meta struct {
	ID    int64
	Key   string
	Value any
}

// MetaValue returns the value of the meta key as a string, or "".
func (o Order) MetaValue(key string) string {
	for _, m := range o.Meta {
		if m.Key == key {
			if s, ok := m.Value.(string); ok {
				return s
			}
		}
	}
	return ""
}

// Paid reports whether WooCommerce would call the order paid (is_paid):
// its status is processing or completed.
func (o Order) Paid() bool { return o.Status == "processing" || o.Status == "completed" }

// Note is an order note.
type Note struct {
	ID           int64
	Author       string // SystemAuthor, or the user who added it (Key.User, AdminUser)
	Note         string
	CustomerNote bool
	Created      time.Time
}

// Ledger counts what the API did to one order. Changes made with Edit or
// SetStatus (the merchant in wp-admin) are not counted.
type Ledger struct {
	Writes        int // successful update requests (PUT/POST/PATCH on the order)
	StatusChanges int // status transitions caused by the API
	Notes         int // notes added through the notes endpoint
}

type record struct {
	order  Order
	notes  []Note
	ledger Ledger
}

// AddOrder stores o, filling defaults, and returns it as stored.
func (s *Server) AddOrder(o Order) Order {
	s.mu.Lock()
	defer s.mu.Unlock()
	if o.ID == 0 {
		s.nextID++
		o.ID = s.nextID
	} else if o.ID > s.nextID {
		s.nextID = o.ID
	}
	if o.Number == "" {
		o.Number = strconv.FormatInt(o.ID, 10)
	}
	if o.Status == "" {
		o.Status = "on-hold"
	}
	if o.Currency == "" {
		o.Currency = "IDR"
	}
	if o.Total == "" {
		o.Total = "0.00"
	}
	if o.PaymentMethod == "" {
		o.PaymentMethod = "bacs"
	}
	if o.Created.IsZero() {
		o.Created = time.Now()
	}
	o.Created = o.Created.UTC().Truncate(time.Second)
	if o.Modified.IsZero() {
		o.Modified = o.Created
	}
	o.Meta = slices.Clone(o.Meta)
	for i := range o.Meta {
		if o.Meta[i].ID == 0 {
			s.nextMeta++
			o.Meta[i].ID = s.nextMeta
		}
	}
	s.orders[o.ID] = &record{order: o}
	return cloneOrder(o)
}

// Order returns the order with id as currently stored.
func (s *Server) Order(id int64) (Order, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.orders[id]
	if !ok {
		return Order{}, false
	}
	return cloneOrder(r.order), true
}

// Edit changes an order as the merchant would in wp-admin (not counted in
// the ledger). It reports whether the order exists.
func (s *Server) Edit(id int64, fn func(*Order)) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.orders[id]
	if !ok {
		return false
	}
	fn(&r.order)
	return true
}

// SetStatus changes an order's status as the merchant would in wp-admin,
// with WooCommerce's side effects (paid date, status note by AdminUser: a
// manual change by a logged-in user, WC_AJAX::mark_order_status calls
// update_status( $status, ”, true )), not counted in the ledger. It
// reports whether the order exists.
func (s *Server) SetStatus(id int64, status string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.orders[id]
	if ok {
		s.setStatus(r, status, time.Now(), AdminUser)
	}
	return ok
}

// Notes returns the order's notes, oldest first.
func (s *Server) Notes(id int64) []Note {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r, ok := s.orders[id]; ok {
		return slices.Clone(r.notes)
	}
	return nil
}

// Ledger returns what the API did to the order.
func (s *Server) Ledger(id int64) Ledger {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r, ok := s.orders[id]; ok {
		return r.ledger
	}
	return Ledger{}
}

func cloneOrder(o Order) Order {
	o.Meta = slices.Clone(o.Meta)
	return o
}

// setStatus is WC_Order::set_status followed by save: on a real transition
// it sets the paid and completed dates the way WooCommerce does and adds
// the status note, by author (see noteAuthor). It reports whether the
// status changed.
func (s *Server) setStatus(r *record, to string, now time.Time, author string) bool {
	o := &r.order
	from := o.Status
	if from == to {
		return false
	}
	o.Status = to
	o.Modified = now
	s.maybeSetDatePaid(o, now)
	if to == "completed" && o.DateCompleted.IsZero() {
		o.DateCompleted = now
	}
	s.addNoteLocked(r, Note{Author: author, Note: "Order status changed from " + statusLabels[from] + " to " + statusLabels[to] + "."}, now)
	return true
}

// maybeSetDatePaid mirrors WC_Order::maybe_set_date_paid: the paid date is
// set once, when the order reaches its payment-complete status (processing,
// or completed for an order that needs no processing), or completed while
// that status is processing. From any previous status: there is no guard.
func (s *Server) maybeSetDatePaid(o *Order, now time.Time) {
	if !o.DatePaid.IsZero() {
		return
	}
	complete := paymentCompleteStatus(o)
	if o.Status == complete || (complete == "processing" && o.Status == "completed") {
		o.DatePaid = now
	}
}

func paymentCompleteStatus(o *Order) string {
	if o.Virtual {
		return "completed"
	}
	return "processing"
}

// needsPayment is WC_Order::needs_payment for a positive total.
func needsPayment(o *Order) bool { return o.Status == "pending" || o.Status == "failed" }

func (s *Server) addNoteLocked(r *record, n Note, now time.Time) Note {
	s.nextNote++
	n.ID = s.nextNote
	n.Created = now.UTC().Truncate(time.Second)
	r.notes = append(r.notes, n)
	return n
}
