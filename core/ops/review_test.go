package ops

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/lunas-dev/lunas/core"
)

// fakeLister is an Inbox that returns items and records the filter it was asked for.
type fakeLister struct {
	items []core.ReviewItem
	err   error

	mu      sync.Mutex
	filters []core.ReviewFilter
}

var _ Inbox = (*fakeLister)(nil)

func (f *fakeLister) List(_ context.Context, flt core.ReviewFilter) ([]core.ReviewItem, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.filters = append(f.filters, flt)
	if f.err != nil {
		return nil, f.err
	}
	var out []core.ReviewItem
	for _, it := range f.items {
		if flt.Match(it) && len(out) < flt.Limit {
			out = append(out, it)
		}
	}
	return out, nil
}

func (f *fakeLister) Get(_ context.Context, id string) (core.ReviewItem, error) {
	for _, it := range f.items {
		if it.ID == id {
			return it, nil
		}
	}
	return core.ReviewItem{}, fmt.Errorf("review item %q: %w", id, core.ErrNotFound)
}

func (f *fakeLister) Resolve(_ context.Context, id, order, actor string) (core.ReviewItem, error) {
	switch order {
	case "refused":
		return core.ReviewItem{}, fmt.Errorf("order refused: cancelled: %w", core.ErrRefused)
	case "twice":
		return core.ReviewItem{}, fmt.Errorf("review item %s was already resolved by alice: %w", id, core.ErrConflict)
	}
	return core.ReviewItem{ID: id, Status: core.ReviewResolved, ResolvedOrder: order,
		Actions: []core.ReviewAction{{Actor: actor, Action: "resolve"}}}, nil
}

func (f *fakeLister) Dismiss(_ context.Context, id, reason, actor string) (core.ReviewItem, error) {
	if reason == "" {
		return core.ReviewItem{}, fmt.Errorf("a reason is required: %w", core.ErrInvalid)
	}
	return core.ReviewItem{ID: id, Status: core.ReviewDismissed, Actions: []core.ReviewAction{{Actor: actor, Action: "dismiss", Detail: reason}}}, nil
}

func (f *fakeLister) lastLimit() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.filters) == 0 {
		return 0
	}
	return f.filters[len(f.filters)-1].Limit
}

func TestReview(t *testing.T) {
	lister := &fakeLister{items: []core.ReviewItem{
		{MutationID: "m-1", Reason: "unmatched", Amount: 15012300, Status: core.ReviewOpen},
		{MutationID: "m-2", Reason: "ambiguous", Amount: 1211150, Status: core.ReviewOpen},
		{MutationID: "m-3", Reason: "refused", Status: core.ReviewResolved},
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
		{"?status=resolved", http.StatusOK, 100, []string{"m-3"}},
		{"?reason=ambiguous", http.StatusOK, 100, []string{"m-2"}},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			lister.mu.Lock()
			lister.filters = nil
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
				if body.Error != "limit must be a whole number from 1 to 1000" && body.Error != "status must be open, resolved or dismissed" {
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
			if len(body.Items) > 1 && body.Items[1]["amount"] != 12111.5 {
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
	if r.code != http.StatusBadGateway || body.Error == "" {
		t.Errorf("failing lister = %d %q; want 502 with a JSON error", r.code, r.body)
	}
}

func TestReviewActions(t *testing.T) {
	srv, _ := serve(t, Config{Username: testUser, Password: testPass, Review: &fakeLister{items: []core.ReviewItem{{ID: "moota:b:m1"}}}})
	tests := []struct {
		name, method, path, body string
		want                     int
		contains                 string
	}{
		{"get", http.MethodGet, "/api/review/moota:b:m1", "", 200, `"id":"moota:b:m1"`},
		{"get unknown", http.MethodGet, "/api/review/nope", "", 404, "not found"},
		{"get an id with an escape sequence", http.MethodGet, "/api/review/moota:b:m%1B%5B2J", "", 400, "review id"},
		{"resolve an id with a quote", http.MethodPost, "/api/review/moota:b:m'1/resolve", `{"order":"1002"}`, 400, "review id"},
		{"resolve", http.MethodPost, "/api/review/moota:b:m1/resolve", `{"order":"1002"}`, 200, `"actor":"` + testUser + ` (cli-user)"`},
		{"resolve refused", http.MethodPost, "/api/review/moota:b:m1/resolve", `{"order":"refused"}`, 422, "cancelled"},
		{"resolve twice", http.MethodPost, "/api/review/moota:b:m1/resolve", `{"order":"twice"}`, 409, "already resolved by alice"},
		{"resolve bad body", http.MethodPost, "/api/review/moota:b:m1/resolve", `{"ordr":"1"}`, 400, "unknown field"},
		{"dismiss", http.MethodPost, "/api/review/moota:b:m1/dismiss", `{"reason":"refunded by hand"}`, 200, "refunded by hand"},
		{"dismiss without reason", http.MethodPost, "/api/review/moota:b:m1/dismiss", `{}`, 400, "reason is required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest(tt.method, srv.URL+tt.path, strings.NewReader(tt.body))
			req.SetBasicAuth(testUser, testPass)
			req.Header.Set("X-Lunas-Actor", "cli-user")
			req.Header.Set("Content-Type", "application/json")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tt.want || !strings.Contains(string(b), tt.contains) {
				t.Fatalf("%s %s = %d %s; want %d containing %q", tt.method, tt.path, resp.StatusCode, b, tt.want, tt.contains)
			}
		})
	}
}
