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

// createNote is POST /orders/{id}/notes {"note":..., "customer_note":...}
// answering 201 with the note. Notes are not idempotent: every successful
// post adds one.
func (s *Server) createNote(w http.ResponseWriter, r *http.Request, key *Key, id int64) {
	var body struct {
		Note         *string `json:"note"`
		CustomerNote bool    `json:"customer_note"`
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
	note := Note{Author: key.User, Note: *body.Note, CustomerNote: body.CustomerNote}
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
