package fakeshopify

import (
	"net/http"
	"slices"
	"strconv"
)

// Failure is a canned HTTP reply to a GraphQL request, for the transport
// layer of Shopify's errors.
type Failure struct {
	Status int    // HTTP status; 0 drops the connection without a reply
	Body   string // response body
	Header http.Header
}

// queuedFailure is a Failure waiting for a request; field, when set,
// limits it to documents that ask for that root field.
type queuedFailure struct {
	field string
	f     Failure
}

// FailNext makes the next n GraphQL requests answer f instead of running.
// Failures queue up: FailNext(1, a) then FailNext(1, b) answers a, then b.
func (s *Server) FailNext(n int, f Failure) { s.FailOperation("", n, f) }

// FailOperation makes the next n GraphQL requests whose document asks for
// the root field (orders, orderMarkAsPaid, tagsAdd, ...) answer f; other
// requests run normally. An empty field matches every request.
func (s *Server) FailOperation(field string, n int, f Failure) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.failures = append(s.failures, queuedFailure{field: field, f: f})
	}
}

// Frozen is Shopify's reply for a shop whose billing is frozen.
func Frozen() Failure {
	return Failure{Status: http.StatusPaymentRequired, Body: `{"errors":"Unavailable Shop"}`}
}

// MissingScope is Shopify's reply to a token without the scope.
func MissingScope(scope string) Failure {
	return Failure{Status: http.StatusForbidden,
		Body: `{"errors":"[API] This action requires merchant approval for ` + scope + ` scope."}`}
}

// Locked is Shopify's reply for a locked shop.
func Locked() Failure {
	return Failure{Status: http.StatusLocked, Body: `{"errors":"This shop is unavailable"}`}
}

// Unavailable is a 503 from Shopify's edge.
func Unavailable() Failure {
	return Failure{Status: http.StatusServiceUnavailable, Body: `{"errors":"Service Unavailable"}`}
}

// TooManyRequests is an HTTP 429 with a Retry-After header in seconds.
func TooManyRequests(retryAfterSeconds int) Failure {
	return Failure{Status: http.StatusTooManyRequests, Body: `{"errors":"Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service."}`,
		Header: http.Header{"Retry-After": {strconv.Itoa(retryAfterSeconds)}}}
}

// Dropped closes the connection without answering.
func Dropped() Failure { return Failure{} }

// takeFailure pops the first queued failure that applies to a document
// asking for fields. Callers hold s.mu.
func (s *Server) takeFailure(fields []string) (Failure, bool) {
	for i, q := range s.failures {
		if q.field == "" || slices.Contains(fields, q.field) {
			s.failures = slices.Delete(s.failures, i, i+1)
			return q.f, true
		}
	}
	return Failure{}, false
}

func writeFailure(w http.ResponseWriter, f Failure) {
	if f.Status == 0 {
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				conn.Close()
				return
			}
		}
		f.Status = http.StatusBadGateway
	}
	for k, vs := range f.Header {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(f.Status)
	_, _ = w.Write([]byte(f.Body))
}
