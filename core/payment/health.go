package payment

import (
	"sort"
	"sync"
	"time"
)

// DefaultUnreachableAfter is how long a store's calls may fail before each
// payment waiting for it is raised to review.
const DefaultUnreachableAfter = 30 * time.Minute

// StoreState is one store's health as this process saw its calls.
type StoreState struct {
	Name         string
	FailingSince time.Time // zero: the last call succeeded, or none was made
	LastError    string    // the last failed call's error (plugin errors carry no secrets)
	LastErrorAt  time.Time
}

// Health tracks, per store, since when its calls have been failing. A
// success ends a run of failures. It is safe for concurrent use; the zero
// value is ready.
type Health struct {
	mu     sync.Mutex
	stores map[string]*StoreState
}

// Track makes the store known, so that it is listed before its first call.
func (h *Health) Track(store string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.state(store)
}

func (h *Health) state(store string) *StoreState {
	if h.stores == nil {
		h.stores = map[string]*StoreState{}
	}
	st, ok := h.stores[store]
	if !ok {
		st = &StoreState{Name: store}
		h.stores[store] = st
	}
	return st
}

// Observe records the outcome of one call to store at at.
func (h *Health) Observe(store string, err error, at time.Time) {
	h.mu.Lock()
	defer h.mu.Unlock()
	st := h.state(store)
	if err == nil {
		st.FailingSince = time.Time{}
		return
	}
	if st.FailingSince.IsZero() {
		st.FailingSince = at
	}
	st.LastError, st.LastErrorAt = err.Error(), at
}

// FailingSince returns when the store's current run of failures began, or
// the zero time.
func (h *Health) FailingSince(store string) time.Time {
	h.mu.Lock()
	defer h.mu.Unlock()
	if st, ok := h.stores[store]; ok {
		return st.FailingSince
	}
	return time.Time{}
}

// Stores returns every known store's state, by name.
func (h *Health) Stores() []StoreState {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make([]StoreState, 0, len(h.stores))
	for _, st := range h.stores {
		out = append(out, *st)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// state0 returns a copy of the store's state (zero when unknown).
func (h *Health) state0(store string) StoreState {
	h.mu.Lock()
	defer h.mu.Unlock()
	if st, ok := h.stores[store]; ok {
		return *st
	}
	return StoreState{Name: store}
}
