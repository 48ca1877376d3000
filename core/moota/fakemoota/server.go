// Package fakemoota is a faithful fake of the slice of Moota's REST API v2
// that Lunas uses, for tests: an httptest server rooted at /api/v2 that
// answers like Moota's Laravel application does.
//
// What it serves: GET /bank and GET /mutation as Laravel length-aware
// paginators (per_page defaults to 10 when absent, as a Laravel paginator
// does; amounts and balances are decimal strings like "150123.00"; the
// type, bank, start_date and end_date filters; 422 with Laravel's
// {"message","errors"} shape for a bad filter), POST /mutation/{id}/note
// (replaces the note; 422 for an empty note), GET and POST /tagging (the
// user's tags; creates one) and POST /tagging/mutation/{id} (attaches tags
// the user already has; an unknown name is refused with 422 "Data tidak
// ditemukan", as the real API does; a tag the mutation has stays once); a
// mutation Moota does not know is 404 "Data tidak ditemukan". Every request needs
// "Authorization: Bearer <token>": otherwise 401 {"error":"Unauthenticated."},
// or, like Laravel, a redirect to the login page when the request did not
// say Accept: application/json.
//
// Tests seed banks, mutations and tags, read notes, tags and the ordered
// list of writes (Writes) back, inspect the request log, and make the next
// requests fail with a status. All methods
// are safe for concurrent use.
package fakemoota

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// Root is the path of the API root on the fake's host.
const Root = "/api/v2"

// UnauthenticatedBody is Moota's answer to a missing or wrong token.
const UnauthenticatedBody = `{"error":"Unauthenticated."}`

// Request is one request the fake received.
type Request struct {
	Method     string
	Path       string // escaped, relative to Root: "/mutation/abc/note"
	Query      string // raw query
	Body       string
	Authorized bool   // it carried the right Bearer token
	Accept     string // the Accept header
	Status     int    // what the fake answered
}

// Server is a running fake Moota.
type Server struct {
	srv   *httptest.Server
	token string
	mux   *http.ServeMux

	mu        sync.Mutex
	banks     []*Bank
	mutations []*mutation
	byID      map[string]*mutation
	seq       int
	failures  []Failure
	requests  []Request
	tags      []Tag   // the user's tags
	writes    []Write // what the API changed, in order
	bankList  bool    // GET /bank answers a bare array instead of a paginator
}

// New starts a fake Moota that accepts token; it is closed when the test ends.
func New(t testing.TB, token string) *Server {
	t.Helper()
	s := &Server{token: token, byID: map[string]*mutation{}, mux: http.NewServeMux()}
	s.routes()
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.srv.Close)
	return s
}

// URL is the API root to configure as moota.base_url: "http://127.0.0.1:PORT/api/v2".
func (s *Server) URL() string { return s.srv.URL + Root }

// Close stops the server.
func (s *Server) Close() { s.srv.Close() }

// Requests returns the request log, oldest first.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

// ServeBanksAsList makes GET /bank answer a bare JSON array of accounts
// (on) instead of a paginator (off, the default).
func (s *Server) ServeBanksAsList(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.bankList = on
}

func (s *Server) routes() {
	s.mux.HandleFunc("GET "+Root+"/bank", s.listBanks)
	s.mux.HandleFunc("GET "+Root+"/mutation", s.listMutations)
	s.mux.HandleFunc("POST "+Root+"/mutation/{id}/note", s.note)
	s.mux.HandleFunc("GET "+Root+"/tagging", s.listTags)
	s.mux.HandleFunc("POST "+Root+"/tagging", s.createTag)
	s.mux.HandleFunc("POST "+Root+"/tagging/mutation/{id}", s.attachTags)
	s.mux.HandleFunc("GET /login", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=UTF-8")
		_, _ = io.WriteString(w, "<!DOCTYPE html><html><body><form>Masuk ke Moota</form></body></html>")
	})
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusNotFound, map[string]string{
			"message": "The route " + strings.TrimPrefix(r.URL.Path, "/") + " could not be found.",
		})
	})
}

// serve records the request, then answers a queued failure, the
// authentication error, or the route.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	r.Body = io.NopCloser(bytes.NewReader(body))
	rec := &recorder{ResponseWriter: w, status: http.StatusOK}
	authorized := r.Header.Get("Authorization") == "Bearer "+s.token && s.token != ""
	defer func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.requests = append(s.requests, Request{
			Method: r.Method, Path: strings.TrimPrefix(r.URL.EscapedPath(), Root), Query: r.URL.RawQuery,
			Body: string(body), Authorized: authorized, Accept: r.Header.Get("Accept"), Status: rec.status,
		})
	}()
	if r.URL.Path == "/login" {
		s.mux.ServeHTTP(rec, r)
		return
	}
	if f, ok := s.takeFailure(r.Method, strings.TrimPrefix(r.URL.EscapedPath(), Root)); ok {
		f.write(rec)
		return
	}
	if !authorized {
		if !strings.Contains(r.Header.Get("Accept"), "json") {
			http.Redirect(rec, r, "/login", http.StatusFound)
			return
		}
		rec.Header().Set("Content-Type", "application/json")
		rec.WriteHeader(http.StatusUnauthorized)
		_, _ = io.WriteString(rec, UnauthenticatedBody)
		return
	}
	s.mux.ServeHTTP(rec, r)
}

// recorder remembers the status written.
type recorder struct {
	http.ResponseWriter
	status int
}

func (r *recorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// violations collects Laravel validation errors in the order the rules ran.
type violations struct {
	fields []string
	errs   map[string][]string
}

func (v *violations) add(field, msg string) {
	if v.errs == nil {
		v.errs = map[string][]string{}
	}
	if _, ok := v.errs[field]; !ok {
		v.fields = append(v.fields, field)
	}
	v.errs[field] = append(v.errs[field], msg)
}

// answer writes Laravel's 422 if there are violations: the first message,
// "(and N more errors)" when there are several, and every message by field.
func (v *violations) answer(w http.ResponseWriter) bool {
	if len(v.fields) == 0 {
		return false
	}
	msg := v.errs[v.fields[0]][0]
	n := -1
	for _, e := range v.errs {
		n += len(e)
	}
	switch {
	case n == 1:
		msg += " (and 1 more error)"
	case n > 1:
		msg += " (and " + strconv.Itoa(n) + " more errors)"
	}
	writeJSON(w, http.StatusUnprocessableEntity, map[string]any{"message": msg, "errors": v.errs})
	return true
}
