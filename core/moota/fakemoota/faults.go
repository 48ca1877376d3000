package fakemoota

import (
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// Failure is a canned reply that replaces the next request's answer.
type Failure struct {
	Status int // HTTP status
	Body   string
	Header http.Header
	// Path limits the failure to requests whose path, relative to Root,
	// starts with it ("/mutation/" fails notes but not listings); empty: any.
	Path string
	// Method limits the failure to requests with this method; empty: any.
	Method string
}

// FailNext makes the next n requests (any route) answer status with the
// body Moota's stack sends for it: 401 {"error":"Unauthenticated."}, 429
// with Retry-After: 60, 5xx {"message":"Server Error"}, otherwise
// {"message": the status text}. Failures queue up in order.
func (s *Server) FailNext(n, status int) { s.FailNextWith(n, StatusFailure(status)) }

// FailNextWith makes the next n requests (those under f.Path, if set) answer f.
func (s *Server) FailNextWith(n int, f Failure) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.failures = append(s.failures, f)
	}
}

// StatusFailure is the reply Moota's stack gives with status.
func StatusFailure(status int) Failure {
	switch {
	case status == http.StatusUnauthorized:
		return Failure{Status: status, Body: UnauthenticatedBody}
	case status == http.StatusTooManyRequests:
		return TooManyRequests(60)
	case status >= 500:
		return Failure{Status: status, Body: `{"message":"Server Error"}`}
	}
	return Failure{Status: status, Body: `{"message":` + strconv.Quote(http.StatusText(status)) + `}`}
}

// TooManyRequests is Laravel's throttle answer: 429 with Retry-After in seconds.
func TooManyRequests(retryAfterSeconds int) Failure {
	return Failure{Status: http.StatusTooManyRequests, Body: `{"message":"Too Many Attempts."}`,
		Header: http.Header{"Retry-After": {strconv.Itoa(retryAfterSeconds)}, "X-Ratelimit-Remaining": {"0"}}}
}

// takeFailure pops the first queued failure that applies to method and path.
func (s *Server) takeFailure(method, path string) (Failure, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, f := range s.failures {
		if strings.HasPrefix(path, f.Path) && (f.Method == "" || f.Method == method) {
			s.failures = slices.Delete(s.failures, i, i+1)
			return f, true
		}
	}
	return Failure{}, false
}

func (f Failure) write(w http.ResponseWriter) {
	for k, vs := range f.Header {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(f.Status)
	_, _ = io.WriteString(w, f.Body)
}
