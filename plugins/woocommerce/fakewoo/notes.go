package fakewoo

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"time"
)

var errInvalidNoteOrder = &wpError{Status: http.StatusNotFound, Code: "woocommerce_rest_order_invalid_id", Message: "Invalid order ID."}

// listNotes is GET /orders/{id}/notes: all notes, newest first, filtered
// by type (any, customer, internal).
func (s *Server) listNotes(w http.ResponseWriter, r *http.Request, key *Key, id int64) {
	typ := r.URL.Query().Get("type")
	switch typ {
	case "", "any", "customer", "internal":
	default:
		writeError(w, invalidParams(map[string]string{"type": "type is not one of any, customer, internal."}))
		return
	}
	rec, ok := s.orders[id]
	if ok && key == nil {
		writeError(w, forbidden("woocommerce_rest_cannot_view", "Sorry, you cannot list resources."))
		return
	}
	if !ok {
		writeError(w, errInvalidNoteOrder)
		return
	}
	out := []map[string]any{}
	for _, n := range slices.Backward(rec.notes) {
		if (typ == "customer" && !n.CustomerNote) || (typ == "internal" && n.CustomerNote) {
			continue
		}
		out = append(out, s.renderNote(n))
	}
	writeJSON(w, http.StatusOK, out)
}

// SystemAuthor is the author of an order note nobody added by hand: every
// note created over REST without added_by_user, and WooCommerce's own.
// WC_Order::add_order_note (includes/class-wc-order.php) sets comment_author
// to __( 'WooCommerce' ) unless $added_by_user and the current user can
// edit orders; the v3 notes controller (includes/rest-api/Controllers/
// Version3/class-wc-rest-order-notes-controller.php, prepare_item_for_response)
// prints "system" only for an author equal to __( 'woocommerce' ), lower
// case, which "WooCommerce" is not, so an English site answers "WooCommerce".
const SystemAuthor = "WooCommerce"

// AdminUser is the display name of the merchant who changes orders in
// wp-admin (SetStatus).
const AdminUser = "Admin Toko"

// noteAuthor is who WooCommerce records as a note's author: the key's user
// when the request asked for added_by_user (the REST API logs the key's
// user in, and this fake's keys may edit orders), else SystemAuthor.
func noteAuthor(key *Key, addedByUser bool) string {
	if addedByUser && key != nil {
		return key.User
	}
	return SystemAuthor
}

// createNote is POST /orders/{id}/notes {"note":..., "customer_note":...,
// "added_by_user":...} answering 201 with the note
// (class-wc-rest-order-notes-controller.php create_item). Notes are not
// idempotent: every successful post adds one.
func (s *Server) createNote(w http.ResponseWriter, r *http.Request, key *Key, id int64) {
	var body struct {
		Note         *string `json:"note"`
		CustomerNote bool    `json:"customer_note"`
		AddedByUser  bool    `json:"added_by_user"`
	}
	if isJSON(r) {
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			writeError(w, &wpError{Status: http.StatusBadRequest, Code: "rest_invalid_json", Message: "Invalid JSON body passed."})
			return
		}
	}
	if body.Note == nil {
		writeError(w, &wpError{Status: http.StatusBadRequest, Code: "rest_missing_callback_param", Message: "Missing parameter(s): note"})
		return
	}
	if key == nil {
		writeError(w, forbidden("woocommerce_rest_cannot_create", "Sorry, you are not allowed to create resources."))
		return
	}
	rec, ok := s.orders[id]
	if !ok {
		writeError(w, &wpError{Status: http.StatusBadRequest, Code: "woocommerce_rest_order_invalid_id", Message: "Invalid order ID."})
		return
	}
	if *body.Note == "" {
		writeError(w, &wpError{Status: http.StatusInternalServerError, Code: "woocommerce_rest_cannot_create_order_note", Message: "Cannot create order note, please try again."})
		return
	}
	note := Note{Author: noteAuthor(key, body.AddedByUser), Note: *body.Note, CustomerNote: body.CustomerNote}
	if status, applied, fail := s.takeNoteFault(); fail {
		if applied {
			s.addNoteLocked(rec, note, time.Now())
			rec.ledger.Notes++
		}
		writeError(w, &wpError{Status: status, Code: "fakewoo_note_fault", Message: http.StatusText(status)})
		return
	}
	n := s.addNoteLocked(rec, note, time.Now())
	rec.ledger.Notes++
	w.Header().Set("Location", apiPrefix+"/orders/"+strconv.FormatInt(id, 10)+"/notes/"+strconv.FormatInt(n.ID, 10))
	writeJSON(w, http.StatusCreated, s.renderNote(n))
}
