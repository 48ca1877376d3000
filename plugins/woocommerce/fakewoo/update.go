package fakewoo

import (
	"encoding/json"
	"mime"
	"net/http"
	"slices"
	"strings"
	"time"
)

var errInvalidOrderID = &wpError{Status: http.StatusNotFound, Code: "woocommerce_rest_shop_order_invalid_id", Message: "Invalid ID."}

func (s *Server) getOrder(w http.ResponseWriter, r *http.Request, key *Key, id int64) {
	rec, ok := s.orders[id]
	if ok && key == nil {
		writeError(w, forbidden("woocommerce_rest_cannot_view", "Sorry, you cannot view this resource."))
		return
	}
	if !ok {
		writeError(w, errInvalidOrderID)
		return
	}
	writeJSON(w, http.StatusOK, fieldsOf(r).apply(s.renderOrder(&rec.order)))
}

// orderUpdate is the part of an update body the fake understands; other
// properties are accepted and ignored.
type orderUpdate struct {
	Status        *string `json:"status"`
	TransactionID *string `json:"transaction_id"`
	SetPaid       *bool   `json:"set_paid"`
	MetaData      []struct {
		ID    int64  `json:"id"`
		Key   string `json:"key"`
		Value any    `json:"value"`
	} `json:"meta_data"`
}

// updateOrder is WC_REST_Orders_Controller::update_item: parameters are
// validated first (as WordPress does before any callback), then the
// permission check, then the order is looked up (400 when missing, unlike
// GET). Properties are applied, then the status, then set_paid, which only
// acts on an order that still needs payment. No transition is refused:
// processing or completed back to on-hold is accepted like any other, and
// leaves date_paid and date_completed as they were (WooCommerce sets them
// once and never clears them; they are read-only through the API).
func (s *Server) updateOrder(w http.ResponseWriter, r *http.Request, key *Key, id int64) {
	var u orderUpdate
	if isJSON(r) {
		if err := json.NewDecoder(r.Body).Decode(&u); err != nil {
			writeError(w, &wpError{Status: http.StatusBadRequest, Code: "rest_invalid_json", Message: "Invalid JSON body passed."})
			return
		}
	} // WordPress ignores a body it cannot parse as parameters.
	if u.Status != nil && !slices.Contains(orderStatuses, *u.Status) {
		writeError(w, invalidParams(map[string]string{"status": "status is not one of " + strings.Join(orderStatuses, ", ") + "."}))
		return
	}
	rec, ok := s.orders[id]
	if ok && key == nil {
		writeError(w, forbidden("woocommerce_rest_cannot_edit", "Sorry, you are not allowed to edit this resource."))
		return
	}
	if !ok {
		writeError(w, &wpError{Status: http.StatusBadRequest, Code: "woocommerce_rest_shop_order_invalid_id", Message: "Invalid ID."})
		return
	}
	now := time.Now()
	o := &rec.order
	if u.TransactionID != nil {
		o.TransactionID = *u.TransactionID
	}
	for _, m := range u.MetaData {
		if m.Key != "" || m.ID != 0 {
			s.updateMeta(o, m.ID, m.Key, m.Value)
		}
	}
	o.Modified = now
	changes := 0
	// The REST controller changes the status as a manual update
	// (set_status( $request['status'], '', true ), class-wc-rest-orders-v2-controller.php),
	// so the status note is the key's user's; payment_complete's is not.
	if u.Status != nil && s.setStatus(rec, *u.Status, now, key.User) {
		changes++
	}
	if u.SetPaid != nil && *u.SetPaid && needsPayment(o) {
		// WC_Order::payment_complete
		if o.DatePaid.IsZero() {
			o.DatePaid = now
		}
		if s.setStatus(rec, paymentCompleteStatus(o), now, SystemAuthor) {
			changes++
		}
	}
	if s.afterUpdate != nil {
		changes += s.runAfterUpdate(rec, now)
	}
	rec.ledger.Writes++
	rec.ledger.StatusChanges += changes
	writeJSON(w, http.StatusOK, fieldsOf(r).apply(s.renderOrder(o)))
}

// updateMeta is WC_Data::update_meta_data: by id when given, otherwise the
// first entry with the key takes the value and other entries with that key
// are dropped; a new key is added.
func (s *Server) updateMeta(o *Order, id int64, key string, value any) {
	if id != 0 {
		for i := range o.Meta {
			if o.Meta[i].ID == id {
				if key != "" {
					o.Meta[i].Key = key
				}
				o.Meta[i].Value = value
				return
			}
		}
	}
	first := slices.IndexFunc(o.Meta, func(m Meta) bool { return m.Key == key })
	if first < 0 {
		s.nextMeta++
		o.Meta = append(o.Meta, Meta{ID: s.nextMeta, Key: key, Value: value})
		return
	}
	o.Meta[first].Value = value
	kept := o.Meta[:first+1]
	for _, m := range o.Meta[first+1:] {
		if m.Key != key {
			kept = append(kept, m)
		}
	}
	o.Meta = kept
}

func isJSON(r *http.Request) bool {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return err == nil && mt == "application/json"
}

// AfterUpdate installs fn to run on every order an update request saved,
// after WooCommerce's own changes and before the answer, as another
// plugin's save hook would (one that moves paid orders to a status of its
// own, say). A status fn sets is applied with WooCommerce's side effects
// and counted in the ledger. fn runs with the server locked and must not
// call the Server's methods. nil removes the hook.
func (s *Server) AfterUpdate(fn func(*Order)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.afterUpdate = fn
}

// runAfterUpdate runs the hook on rec and returns the number of status
// changes it made (0 or 1). s.mu must be held.
func (s *Server) runAfterUpdate(rec *record, now time.Time) int {
	before := rec.order.Status
	s.afterUpdate(&rec.order)
	after := rec.order.Status
	rec.order.Status = before
	if s.setStatus(rec, after, now, SystemAuthor) {
		return 1
	}
	return 0
}
