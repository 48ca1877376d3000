package webhook

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
)

// stalledBody is a request body that tells when it is first read, then
// gives nothing until released: a sender holding its connection open.
type stalledBody struct {
	reading chan struct{}
	release chan struct{}
	once    bool
}

func newStalledBody() *stalledBody {
	return &stalledBody{reading: make(chan struct{}), release: make(chan struct{})}
}

func (s *stalledBody) Read([]byte) (int, error) {
	if !s.once {
		s.once = true
		close(s.reading)
	}
	<-s.release
	return 0, io.ErrUnexpectedEOF
}

// stall starts a request with a 1 MiB Content-Length whose body never
// comes, and returns once the receiver has reserved its bytes and waits.
func stall(t *testing.T, rc *Receiver, remote string, signed bool) (release func()) {
	t.Helper()
	body := newStalledBody()
	req := httptest.NewRequest(http.MethodPost, "/webhooks/moota", body)
	req.ContentLength = 1 << 20
	req.RemoteAddr = remote
	if signed {
		req.Header.Set("Signature", "0000") // a forgery: it cannot be checked before the body is in
	}
	done := make(chan int)
	go func() {
		rec := httptest.NewRecorder()
		rc.ServeHTTP(rec, req)
		done <- rec.Code
	}()
	select {
	case <-body.reading:
	case code := <-done:
		t.Fatalf("a held body from %s was answered %d at once", remote, code)
	}
	return func() {
		close(body.release)
		<-done
	}
}

func deliver(rc *Receiver, remote, body string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, "/webhooks/moota", strings.NewReader(body))
	req.RemoteAddr = remote
	req.Header.Set("Signature", Sign([]byte("secret"), []byte(body)))
	rec := httptest.NewRecorder()
	rc.ServeHTTP(rec, req)
	return rec
}

// TestBodyBudget is attack 4 of issue 12 (memory): bodies held open by
// senders were buffered without a global cap. Now they are answered 503
// with Retry-After once the budget is spent, one source holds at most a
// quarter of it, unsigned requests are refused before their body is read,
// and a genuine delivery from another address still gets 200.
func TestBodyBudget(t *testing.T) {
	q := &fakeQueue{}
	rc, err := New(Config{Name: "moota", Secrets: [][]byte{[]byte("secret")}, Budget: NewBudget(4 << 20)}, q, nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	const attacker = "198.51.100.7:1000"
	// Unsigned: refused before a byte of the body is read or reserved.
	for range 300 {
		req := httptest.NewRequest(http.MethodPost, "/webhooks/moota", newStalledBody())
		req.ContentLength = 1 << 20
		req.RemoteAddr = attacker
		rec := httptest.NewRecorder()
		rc.ServeHTTP(rec, req)
		if rec.Code != http.StatusUnauthorized {
			t.Fatalf("unsigned held body = %d; want 401 without reading it", rec.Code)
		}
	}
	// A forged signature gets a quarter of the budget (1 MiB) per source.
	releases := []func(){stall(t, rc, attacker, true)}
	rec := deliver(rc, attacker, body1)
	if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" {
		t.Fatalf("a second body from a source holding its share = %d %s, Retry-After %q; want 503 with Retry-After", rec.Code, rec.Body, rec.Header().Get("Retry-After"))
	}
	if rec := deliver(rc, "103.28.52.182:4000", body1); rec.Code != http.StatusOK {
		t.Fatalf("Moota's delivery beside one flooding source = %d %s; want 200", rec.Code, rec.Body)
	}
	// Four sources spend the whole budget: then everyone waits.
	for i := 2; i <= 4; i++ {
		releases = append(releases, stall(t, rc, "198.51.100."+strconv.Itoa(i)+":1000", true))
	}
	if rec := deliver(rc, "103.28.52.182:4000", body2); rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" {
		t.Fatalf("a delivery with the budget spent = %d %s; want 503 with Retry-After", rec.Code, rec.Body)
	}
	for _, release := range releases {
		release()
	}
	if rec := deliver(rc, "103.28.52.182:4000", body2); rec.Code != http.StatusOK {
		t.Fatalf("a delivery after the held bodies went = %d %s; want 200", rec.Code, rec.Body)
	}
	if len(q.ids) != 2 {
		t.Errorf("queued %d mutations; want 2", len(q.ids))
	}
}

// TestBodyBudgetChunked checks a body of unknown length: reserved as it
// grows, released after the request, and still limited to MaxBodyBytes.
func TestBodyBudgetChunked(t *testing.T) {
	budget := NewBudget(4 << 20)
	rc, err := New(Config{Name: "moota", Secrets: [][]byte{[]byte("secret")}, MaxBodyBytes: 100 << 10, Budget: budget}, &fakeQueue{}, nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		body string
		want int
	}{
		{body1, http.StatusOK},
		{"[" + strings.Repeat(" ", 200<<10) + "]", http.StatusRequestEntityTooLarge},
	} {
		req := httptest.NewRequest(http.MethodPost, "/webhooks/moota", io.MultiReader(strings.NewReader(tt.body)))
		req.ContentLength = -1
		req.Header.Set("Signature", Sign([]byte("secret"), []byte(tt.body)))
		rec := httptest.NewRecorder()
		rc.ServeHTTP(rec, req)
		if rec.Code != tt.want {
			t.Errorf("chunked body of %d bytes = %d %s; want %d", len(tt.body), rec.Code, rec.Body, tt.want)
		}
	}
	if budget.used != 0 || len(budget.source) != 0 {
		t.Errorf("after the requests the budget holds %d bytes for %d sources; want none", budget.used, len(budget.source))
	}
}

const body2 = `[{"mutation_id":"m2","bank_id":"b1","amount":2500,"type":"CR"}]`
