package customstore

import (
	"net/http"
	"strconv"
	"time"
)

// Fault makes the store answer the next Count signed requests to Path with
// Status instead of handling them: a test aid for 429, 5xx and outages.
type Fault struct {
	Path       string        // e.g. "/lunas/payments"
	Status     int           // e.g. 429 or 503
	RetryAfter time.Duration // sent as Retry-After in whole seconds when > 0
	Count      int           // how many requests fail; at least 1
}

// InjectFault queues f. Faults on the same path apply in the order queued.
func (s *Server) InjectFault(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, f)
}

// takeFault consumes one request's worth of the first fault for path.
func (s *Server) takeFault(path string) (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range s.faults {
		f := &s.faults[i]
		if f.Path != path {
			continue
		}
		out := *f
		if f.Count--; f.Count <= 0 {
			s.faults = append(s.faults[:i], s.faults[i+1:]...)
		}
		return out, true
	}
	return Fault{}, false
}

func (f Fault) write(w http.ResponseWriter) {
	if f.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int(f.RetryAfter.Round(time.Second)/time.Second)))
	}
	writeReason(w, f.Status, "injected fault: "+http.StatusText(f.Status))
}
