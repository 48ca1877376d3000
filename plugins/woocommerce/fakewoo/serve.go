package fakewoo

import (
	"net/http"
	"strconv"
	"strings"
)

const apiPrefix = "/wp-json/wc/v3"

// serve is the request pipeline: faults, authentication and key
// permissions (before routing, as WooCommerce's filters run), the route,
// then the route's own checks.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.requests = append(s.requests, r.Method+" "+r.URL.Path)
	fault, faulty := s.takeFault(r)
	s.mu.Unlock()
	if faulty && s.applyFault(w, r, fault) {
		return
	}
	if faulty && fault.Lose {
		s.loseAnswer(w, r, fault)
		return
	}
	s.handle(w, r)
}

// handle authenticates and routes one request.
func (s *Server) handle(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	key, err := s.authenticate(r)
	if err == nil && key != nil {
		err = checkPermissions(key, r.Method)
	}
	if err != nil {
		writeError(w, err)
		return
	}
	s.route(w, r, key)
}

// route dispatches /wp-json/wc/v3/orders, /orders/{id}, /orders/{id}/notes.
func (s *Server) route(w http.ResponseWriter, r *http.Request, key *Key) {
	rest, ok := strings.CutPrefix(r.URL.Path, apiPrefix+"/orders")
	if !ok {
		writeError(w, errNoRoute)
		return
	}
	parts := strings.Split(strings.Trim(rest, "/"), "/")
	switch {
	case rest == "" || rest == "/":
		if r.Method == http.MethodGet {
			s.listOrders(w, r, key)
			return
		}
	case len(parts) == 1 && isID(parts[0]):
		id, _ := strconv.ParseInt(parts[0], 10, 64)
		switch r.Method {
		case http.MethodGet:
			s.getOrder(w, r, key, id)
			return
		case http.MethodPut, http.MethodPost, http.MethodPatch:
			s.updateOrder(w, r, key, id)
			return
		}
	case len(parts) == 2 && isID(parts[0]) && parts[1] == "notes":
		id, _ := strconv.ParseInt(parts[0], 10, 64)
		switch r.Method {
		case http.MethodGet:
			s.listNotes(w, r, key, id)
			return
		case http.MethodPost:
			s.createNote(w, r, key, id)
			return
		}
	}
	writeError(w, errNoRoute)
}

func isID(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// forbidden is the permission callback's answer to an unauthenticated request.
func forbidden(code, msg string) *wpError {
	return &wpError{Status: http.StatusUnauthorized, Code: code, Message: msg}
}
