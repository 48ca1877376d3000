package ops

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"testing"
)

// fakeLister returns items and records the limit it was asked for.
type fakeLister struct {
	items []any
	err   error

	mu     sync.Mutex
	limits []int
}

var _ ReviewLister = (*fakeLister)(nil)

func (f *fakeLister) ListReview(_ context.Context, limit int) ([]any, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.limits = append(f.limits, limit)
	if f.err != nil {
		return nil, f.err
	}
	return f.items[:min(limit, len(f.items))], nil
}

func (f *fakeLister) lastLimit() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.limits) == 0 {
		return 0
	}
	return f.limits[len(f.limits)-1]
}

type reviewItem struct {
	MutationID string `json:"mutation_id"`
	Reason     string `json:"reason"`
	Amount     string `json:"amount"`
}

func TestReview(t *testing.T) {
	lister := &fakeLister{items: []any{
		reviewItem{MutationID: "m-1", Reason: "unmatched", Amount: "150123"},
		reviewItem{MutationID: "m-2", Reason: "ambiguous", Amount: "12111.50"},
		map[string]any{"mutation_id": "m-3", "reason": "refused"},
	}}
	srv, _ := serve(t, Config{Username: testUser, Password: testPass, Review: lister})

	tests := []struct {
		query     string
		wantCode  int
		wantLimit int // what the lister was asked for; 0 = not called
		wantItems []string
	}{
		{"", http.StatusOK, 100, []string{"m-1", "m-2", "m-3"}},
		{"?limit=2", http.StatusOK, 2, []string{"m-1", "m-2"}},
		{"?limit=1000", http.StatusOK, 1000, []string{"m-1", "m-2", "m-3"}},
		{"?limit=1001", http.StatusBadRequest, 0, nil},
		{"?limit=0", http.StatusBadRequest, 0, nil},
		{"?limit=-5", http.StatusBadRequest, 0, nil},
		{"?limit=ten", http.StatusBadRequest, 0, nil},
		{"?limit=2.5", http.StatusBadRequest, 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			lister.mu.Lock()
			lister.limits = nil
			lister.mu.Unlock()
			r := get(t, srv, "/api/review"+tt.query, testUser, testPass)
			if r.code != tt.wantCode {
				t.Fatalf("GET /api/review%s = %d %q; want %d", tt.query, r.code, r.body, tt.wantCode)
			}
			if got := lister.lastLimit(); got != tt.wantLimit {
				t.Errorf("lister asked for limit %d; want %d", got, tt.wantLimit)
			}
			if tt.wantCode != http.StatusOK {
				var body errorBody
				decode(t, r, &body)
				if body.Error != "limit must be a whole number from 1 to 1000" {
					t.Errorf("error body = %q", r.body)
				}
				return
			}
			var body struct{ Items []map[string]any }
			decode(t, r, &body)
			var ids []string
			for _, it := range body.Items {
				ids = append(ids, it["mutation_id"].(string))
			}
			if len(ids) != len(tt.wantItems) {
				t.Fatalf("items %v; want %v", ids, tt.wantItems)
			}
			for i := range ids {
				if ids[i] != tt.wantItems[i] {
					t.Errorf("items %v; want %v", ids, tt.wantItems)
				}
			}
			if len(body.Items) > 1 && body.Items[1]["amount"] != "12111.50" {
				t.Errorf("item fields not passed through: %v", body.Items[1])
			}
		})
	}
}

func TestReviewEmptyAndFailing(t *testing.T) {
	srv, _ := serve(t, Config{Review: &fakeLister{}})
	if r := get(t, srv, "/api/review", "", ""); r.code != http.StatusOK || r.body != "{\"items\":[]}\n" {
		t.Errorf("empty review = %d %q; want 200 {\"items\":[]}", r.code, r.body)
	}

	srv, _ = serve(t, Config{Review: &fakeLister{err: errors.New("redis: connection refused")}})
	r := get(t, srv, "/api/review", "", "")
	var body errorBody
	decode(t, r, &body)
	if r.code != http.StatusInternalServerError || body.Error == "" {
		t.Errorf("failing lister = %d %q; want 500 with a JSON error", r.code, r.body)
	}
}
