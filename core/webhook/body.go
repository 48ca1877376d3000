package webhook

import (
	"errors"
	"io"
	"net/http"
	"net/netip"
)

// errBusy means the body budget has no room for this request now.
var errBusy = errors.New("too many request bytes in flight")

// firstChunk is the first buffer for a body of unknown length (chunked
// transfer encoding); it doubles as the body grows.
const firstChunk = 16 << 10

// heldBody is a request body read within the budget. Release returns its
// bytes to the budget once nothing refers to them any more.
type heldBody struct {
	data   []byte
	budget *Budget
	ip     netip.Addr
	held   int64
}

func (h *heldBody) Release() {
	h.budget.give(h.ip, h.held)
	h.held = 0
}

// readBody reads r's body, at most limit bytes, reserving the memory in
// budget first: the whole Content-Length when it is known, else each
// buffer as it grows. It fails with errBusy when the budget has no room,
// or with *http.MaxBytesError when the body is larger than limit. The
// returned body must be released, also after an error.
func readBody(w http.ResponseWriter, r *http.Request, budget *Budget, ip netip.Addr, limit int64) (*heldBody, error) {
	h := &heldBody{budget: budget, ip: ip}
	body := http.MaxBytesReader(w, r.Body, limit)
	if n := r.ContentLength; n >= 0 {
		if !budget.take(ip, n) {
			return h, errBusy
		}
		h.held = n
		h.data = make([]byte, n)
		if _, err := io.ReadFull(body, h.data); err != nil {
			return h, err
		}
		return h, nil
	}
	for {
		if int64(len(h.data)) == h.held {
			grow := max(h.held, firstChunk)
			grow = min(grow, limit+1-h.held) // one byte past limit shows it is too large
			if grow <= 0 {
				return h, &http.MaxBytesError{Limit: limit}
			}
			if !budget.take(ip, grow) {
				return h, errBusy
			}
			next := make([]byte, len(h.data), h.held+grow)
			copy(next, h.data)
			h.data, h.held = next, h.held+grow
		}
		n, err := body.Read(h.data[len(h.data):h.held])
		h.data = h.data[:len(h.data)+n]
		if errors.Is(err, io.EOF) {
			return h, nil
		}
		if err != nil {
			return h, err
		}
	}
}
