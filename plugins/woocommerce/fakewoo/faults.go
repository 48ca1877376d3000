package fakewoo

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Fault changes how the next requests are answered (see FailNext).
type Fault struct {
	// Method, when not empty, limits the fault to requests with this method
	// (e.g. "PUT"); other requests pass it by.
	Method string
	// Path, when not empty, limits the fault to requests whose path ends
	// with it (e.g. "/notes"); other requests pass it by.
	Path string
	// Lose handles the request (a write lands) and then loses the answer:
	// the connection is closed without a response, as when a proxy or the
	// network drops it on the way back. With Status also set, the request
	// is handled and Status is answered instead of the real answer, as a
	// gateway that timed out after the site applied it does.
	Lose bool
	// Status, when not zero, answers the request with this status without
	// handling it (unless Lose): 500 with WordPress's "critical error" body, anything else
	// (429, 502, 503, ...) with an HTML page, as a proxy or firewall would.
	Status int
	// RetryAfter is sent as the Retry-After header with Status (seconds or
	// an HTTP date), when not empty.
	RetryAfter string
	// Delay holds the request this long, or until the client gives up, and
	// then handles it normally: a write lands even if nobody reads the answer.
	Delay time.Duration
}

type noteFault struct {
	remaining int
	status    int
	applied   bool
}

// FailNext makes the next n requests (those with f.Method, when set) suffer f.
func (s *Server) FailNext(n int, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.faults = append(s.faults, f)
	}
}

// FailNotePosts makes the next n note posts answer status (500 when 0).
// When applied is true the note is stored anyway, as when the answer is
// lost on the way back.
func (s *Server) FailNotePosts(n, status int, applied bool) {
	if status == 0 {
		status = http.StatusInternalServerError
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.notePost = noteFault{remaining: n, status: status, applied: applied}
}

// takeFault pops the first queued fault that applies to the request. s.mu must be held.
func (s *Server) takeFault(r *http.Request) (Fault, bool) {
	i := slices.IndexFunc(s.faults, func(f Fault) bool {
		return (f.Method == "" || f.Method == r.Method) && strings.HasSuffix(r.URL.Path, f.Path)
	})
	if i < 0 {
		return Fault{}, false
	}
	f := s.faults[i]
	s.faults = slices.Delete(s.faults, i, i+1)
	return f, true
}

// applyFault applies f and reports whether the request has been answered.
func (s *Server) applyFault(w http.ResponseWriter, r *http.Request, f Fault) bool {
	if f.Delay > 0 {
		// Read the body first: net/http notices a client hanging up only
		// once the request body has been consumed.
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		t := time.NewTimer(f.Delay)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
		}
	}
	if f.Status == 0 || f.Lose {
		return false
	}
	if f.RetryAfter != "" {
		w.Header().Set("Retry-After", f.RetryAfter)
	}
	if f.Status == http.StatusInternalServerError {
		writeError(w, &wpError{Status: f.Status, Code: "internal_server_error",
			Message: "<p>There has been a critical error on this website.</p>"})
		return true
	}
	w.Header().Set("Content-Type", "text/html; charset=UTF-8")
	w.WriteHeader(f.Status)
	_, _ = w.Write([]byte("<html><body><h1>" + strconv.Itoa(f.Status) + " " + http.StatusText(f.Status) + "</h1></body></html>"))
	return true
}

// loseAnswer handles the request into a recorder, so that it is applied,
// and then answers as f says: f.Status in place of the real answer, or
// nothing at all (the handler aborts, and net/http closes the connection).
func (s *Server) loseAnswer(w http.ResponseWriter, r *http.Request, f Fault) {
	s.handle(httptest.NewRecorder(), r)
	if f.Status != 0 {
		f.Lose = false
		s.applyFault(w, r, f)
		return
	}
	panic(http.ErrAbortHandler)
}

// takeNoteFault reports whether this note post fails, with which status and
// whether the note is stored anyway. s.mu must be held.
func (s *Server) takeNoteFault() (status int, applied, fail bool) {
	if s.notePost.remaining == 0 {
		return 0, false, false
	}
	s.notePost.remaining--
	return s.notePost.status, s.notePost.applied, true
}

// ClearFaults drops the faults not yet suffered: the store answers again.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
}
