package redis

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/lunas-dev/lunas/core"
)

// Redis keys of the review inbox. Each item has its own key (so it can be
// locked with WATCH), indexed by creation time overall and per status.
// Nothing expires: unlike Asynq's archive (10,000 tasks, 90 days), the inbox
// keeps every item until a person deals with it.
const (
	reviewItemPrefix  = "lunas:review:item:"
	reviewIndexKey    = "lunas:review:index"
	reviewStatusIndex = "lunas:review:status:"
)

// ReviewStore is the review inbox in Redis. It implements core.ReviewStore
// and is safe for concurrent use.
type ReviewStore struct {
	rdb goredis.UniversalClient
}

var _ core.ReviewStore = (*ReviewStore)(nil)

// NewReviewStore returns a ReviewStore on rdb.
func NewReviewStore(rdb goredis.UniversalClient) *ReviewStore { return &ReviewStore{rdb: rdb} }

func itemKey(id string) string { return reviewItemPrefix + id }

// PutReview adds item or refreshes the open record with the same ID.
func (s *ReviewStore) PutReview(ctx context.Context, item core.ReviewItem) (bool, error) {
	if item.Status == "" {
		item.Status = core.ReviewOpen
	}
	created := false
	err := s.watch(ctx, item.ID, func(tx *goredis.Tx, old *core.ReviewItem) error {
		next := item
		if old != nil {
			if old.Status != core.ReviewOpen {
				return nil // a person already decided; a reprocessed mutation does not reopen it
			}
			next = *old
			next.Reason, next.Detail, next.Candidates, next.Store = item.Reason, item.Detail, item.Candidates, item.Store
			next.UpdatedAt = time.Now().UTC()
			if len(item.Mutation) > 0 {
				next.Mutation = item.Mutation
			}
		} else {
			created = true
		}
		return s.write(ctx, tx, old, next)
	})
	if err != nil {
		return false, fmt.Errorf("store review item %s: %w", item.ID, err)
	}
	return created, nil
}

// GetReview reads one record.
func (s *ReviewStore) GetReview(ctx context.Context, id string) (core.ReviewItem, error) {
	item, err := s.get(ctx, s.rdb, id)
	if err != nil {
		return core.ReviewItem{}, err
	}
	if item == nil {
		return core.ReviewItem{}, fmt.Errorf("review item %q: %w", id, core.ErrNotFound)
	}
	return *item, nil
}

// UpdateReview applies fn under an optimistic lock on the item.
func (s *ReviewStore) UpdateReview(ctx context.Context, id string, fn func(*core.ReviewItem) error) (core.ReviewItem, error) {
	var out core.ReviewItem
	err := s.watch(ctx, id, func(tx *goredis.Tx, old *core.ReviewItem) error {
		if old == nil {
			return fmt.Errorf("review item %q: %w", id, core.ErrNotFound)
		}
		next := *old
		next.Actions = append([]core.ReviewAction(nil), old.Actions...)
		if err := fn(&next); err != nil {
			return err
		}
		next.UpdatedAt = time.Now().UTC()
		out = next
		return s.write(ctx, tx, old, next)
	})
	return out, err
}

// ListReview returns the records passing f, newest first.
func (s *ReviewStore) ListReview(ctx context.Context, f core.ReviewFilter) ([]core.ReviewItem, error) {
	if f.Limit <= 0 {
		f.Limit = 100
	}
	index := reviewIndexKey
	if f.Status != "" {
		index = reviewStatusIndex + string(f.Status)
	}
	out := []core.ReviewItem{}
	const chunk = 200
	for start := int64(0); len(out) < f.Limit && start < 50000; start += chunk {
		ids, err := s.rdb.ZRevRange(ctx, index, start, start+chunk-1).Result()
		if err != nil {
			return nil, fmt.Errorf("list review items: %w", err)
		}
		if len(ids) == 0 {
			break
		}
		keys := make([]string, len(ids))
		for i, id := range ids {
			keys[i] = itemKey(id)
		}
		vals, err := s.rdb.MGet(ctx, keys...).Result()
		if err != nil {
			return nil, fmt.Errorf("list review items: %w", err)
		}
		for _, v := range vals {
			str, ok := v.(string)
			if !ok {
				continue
			}
			var item core.ReviewItem
			if err := json.Unmarshal([]byte(str), &item); err != nil {
				return nil, fmt.Errorf("decode review item: %w", err)
			}
			if f.Match(item) {
				out = append(out, item)
				if len(out) == f.Limit {
					break
				}
			}
		}
	}
	return out, nil
}

func (s *ReviewStore) get(ctx context.Context, c goredis.Cmdable, id string) (*core.ReviewItem, error) {
	b, err := c.Get(ctx, itemKey(id)).Bytes()
	if errors.Is(err, goredis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var item core.ReviewItem
	if err := json.Unmarshal(b, &item); err != nil {
		return nil, fmt.Errorf("decode review item %s: %w", id, err)
	}
	return &item, nil
}

// watch runs fn with the current item under WATCH, retrying when another
// writer got in between.
func (s *ReviewStore) watch(ctx context.Context, id string, fn func(tx *goredis.Tx, old *core.ReviewItem) error) error {
	for range 20 {
		err := s.rdb.Watch(ctx, func(tx *goredis.Tx) error {
			old, err := s.get(ctx, tx, id)
			if err != nil {
				return err
			}
			return fn(tx, old)
		}, itemKey(id))
		if !errors.Is(err, goredis.TxFailedErr) {
			return err
		}
	}
	return fmt.Errorf("review item %q is being changed by someone else: %w", id, core.ErrConflict)
}

func (s *ReviewStore) write(ctx context.Context, tx *goredis.Tx, old *core.ReviewItem, next core.ReviewItem) error {
	b, err := json.Marshal(next)
	if err != nil {
		return err
	}
	score := float64(next.CreatedAt.UnixMilli())
	_, err = tx.TxPipelined(ctx, func(p goredis.Pipeliner) error {
		p.Set(ctx, itemKey(next.ID), b, 0)
		p.ZAdd(ctx, reviewIndexKey, goredis.Z{Score: score, Member: next.ID})
		if old != nil && old.Status != next.Status {
			p.ZRem(ctx, reviewStatusIndex+string(old.Status), next.ID)
		}
		p.ZAdd(ctx, reviewStatusIndex+string(next.Status), goredis.Z{Score: score, Member: next.ID})
		return nil
	})
	return err
}
