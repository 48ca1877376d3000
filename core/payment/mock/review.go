package mock

import (
	"context"
	"fmt"
	"sort"
	"sync"

	"github.com/lunas-dev/lunas/core"
)

// ReviewStore is the review inbox in memory. PutErr, when set, fails PutReview.
type ReviewStore struct {
	mu     sync.Mutex
	items  map[string]core.ReviewItem
	PutErr error
}

var _ core.ReviewStore = (*ReviewStore)(nil)

// PutReview adds item or refreshes the open record with the same id.
func (s *ReviewStore) PutReview(_ context.Context, item core.ReviewItem) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.PutErr != nil {
		return false, s.PutErr
	}
	if s.items == nil {
		s.items = map[string]core.ReviewItem{}
	}
	if item.Status == "" {
		item.Status = core.ReviewOpen
	}
	old, ok := s.items[item.ID]
	if !ok {
		s.items[item.ID] = item
		return true, nil
	}
	if old.Status == core.ReviewOpen {
		old.Reason, old.Detail, old.Candidates, old.Store = item.Reason, item.Detail, item.Candidates, item.Store
		s.items[item.ID] = old
	}
	return false, nil
}

// GetReview returns one record.
func (s *ReviewStore) GetReview(_ context.Context, id string) (core.ReviewItem, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	item, ok := s.items[id]
	if !ok {
		return core.ReviewItem{}, fmt.Errorf("review item %q: %w", id, core.ErrNotFound)
	}
	return item, nil
}

// ListReview returns the records passing f, newest first.
func (s *ReviewStore) ListReview(_ context.Context, f core.ReviewFilter) ([]core.ReviewItem, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []core.ReviewItem{}
	for _, item := range s.items {
		if f.Match(item) {
			out = append(out, item)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].CreatedAt.After(out[j].CreatedAt) })
	if f.Limit > 0 && len(out) > f.Limit {
		out = out[:f.Limit]
	}
	return out, nil
}

// UpdateReview applies fn to the record under the store's lock.
func (s *ReviewStore) UpdateReview(_ context.Context, id string, fn func(*core.ReviewItem) error) (core.ReviewItem, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	item, ok := s.items[id]
	if !ok {
		return core.ReviewItem{}, fmt.Errorf("review item %q: %w", id, core.ErrNotFound)
	}
	item.Actions = append([]core.ReviewAction(nil), item.Actions...)
	if err := fn(&item); err != nil {
		return core.ReviewItem{}, err
	}
	s.items[id] = item
	return item, nil
}
