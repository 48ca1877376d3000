package fakewoo

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
)

// TestNoteAuthorsAreWooCommerces checks the authors WooCommerce gives
// notes: a REST note is its own unless added_by_user, a status change
// through the REST API is the key's user's (a manual change), a status
// change by payment_complete (set_paid) is WooCommerce's own.
func TestNoteAuthorsAreWooCommerces(t *testing.T) {
	s := Start(t, Options{TLS: true})
	o := s.AddOrder(Order{Status: "on-hold"})
	p := s.AddOrder(Order{Status: "pending"})
	path := "/orders/" + strconv.FormatInt(o.ID, 10)
	var note struct {
		Author string `json:"author"`
	}
	if resp := call(t, s, "POST", path+"/notes", map[string]any{"note": "Pembayaran diterima"}, &note); resp.StatusCode != 201 || note.Author != SystemAuthor {
		t.Fatalf("REST note: %d author %q, want 201 by %q", resp.StatusCode, note.Author, SystemAuthor)
	}
	if call(t, s, "POST", path+"/notes", map[string]any{"note": "by hand", "added_by_user": true}, &note); note.Author != "shop-manager" {
		t.Fatalf("added_by_user note by %q, want the key's user", note.Author)
	}
	call(t, s, "PUT", path, map[string]any{"status": "processing"}, nil)
	call(t, s, "PUT", "/orders/"+strconv.FormatInt(p.ID, 10), map[string]any{"set_paid": true}, nil)
	var listed []struct {
		Author string `json:"author"`
		Note   string `json:"note"`
	}
	call(t, s, "GET", path+"/notes", nil, &listed)
	want := []string{"shop-manager", "shop-manager", SystemAuthor} // newest first
	if len(listed) != 3 || listed[0].Author != want[0] || listed[1].Author != want[1] || listed[2].Author != want[2] {
		t.Fatalf("notes %+v, want authors %v", listed, want)
	}
	if n := s.Notes(p.ID); len(n) != 1 || n[0].Author != SystemAuthor {
		t.Fatalf("set_paid status note %+v, want one by %q", n, SystemAuthor)
	}
}

// TestLostAnswers checks Fault.Lose: the request is applied and its
// answer never arrives, or arrives as a gateway error.
func TestLostAnswers(t *testing.T) {
	s := Start(t, Options{TLS: true})
	o := s.AddOrder(Order{Status: "on-hold"})
	notes := "/orders/" + strconv.FormatInt(o.ID, 10) + "/notes"

	s.FailNext(1, Fault{Method: "POST", Path: "/notes", Lose: true})
	if resp := call(t, s, "GET", notes, nil, nil); resp.StatusCode != 200 {
		t.Fatalf("a GET consumed a POST fault: %d", resp.StatusCode)
	}
	req, _ := http.NewRequest("POST", s.URL()+apiPrefix+notes, strings.NewReader(`{"note":"lost"}`))
	req.Header.Set("Content-Type", "application/json")
	req.SetBasicAuth(DefaultConsumerKey, DefaultConsumerSecret)
	if resp, err := s.ts.Client().Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("lost answer arrived: %d", resp.StatusCode)
	}
	if n := s.Notes(o.ID); len(n) != 1 || n[0].Note != "lost" {
		t.Fatalf("notes %+v, want the note applied although its answer was lost", n)
	}

	s.FailNext(1, Fault{Method: "POST", Lose: true, Status: http.StatusGatewayTimeout})
	if resp := call(t, s, "POST", notes, map[string]any{"note": "timed out"}, nil); resp.StatusCode != http.StatusGatewayTimeout {
		t.Fatalf("status %d, want 504", resp.StatusCode)
	}
	if n := s.Notes(o.ID); len(n) != 2 {
		t.Fatalf("notes %+v, want the second note applied despite the 504", n)
	}
}
