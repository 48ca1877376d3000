package queue

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/redis/go-redis/v9"

	"github.com/lunas-dev/lunas/core"
)

// Redis keys of the review records.
const (
	reviewItemsKey = "lunas:review:items" // hash id -> JSON item
	reviewIndexKey = "lunas:review:index" // sorted set id by creation time
)

// ReviewStore keeps review records in Redis, outside Asynq's archive and its
// caps. It implements core.ReviewStore and is safe for concurrent use.
type ReviewStore struct {
	rdb redis.UniversalClient
}

var _ core.ReviewStore = (*ReviewStore)(nil)

// NewReviewStore returns a ReviewStore on rdb.
func NewReviewStore(rdb redis.UniversalClient) *ReviewStore { return &ReviewStore{rdb: rdb} }

// PutReview adds item, or replaces the record with the same ID (keeping its
// place in the list, so a retried mutation does not jump to the top).
func (s *ReviewStore) PutReview(ctx context.Context, item core.ReviewItem) error {
	b, err := json.Marshal(item)
	if err != nil {
		return err
	}
	_, err = s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.HSet(ctx, reviewItemsKey, item.ID, b)
		p.ZAddNX(ctx, reviewIndexKey, redis.Z{Score: float64(item.CreatedAt.UnixMilli()), Member: item.ID})
		return nil
	})
	if err != nil {
		return fmt.Errorf("store review item %s: %w", item.ID, err)
	}
	return nil
}

// ListReview returns up to limit records, newest first.
func (s *ReviewStore) ListReview(ctx context.Context, limit int) ([]core.ReviewItem, error) {
	if limit <= 0 {
		limit = 100
	}
	ids, err := s.rdb.ZRevRange(ctx, reviewIndexKey, 0, int64(limit-1)).Result()
	if err != nil {
		return nil, fmt.Errorf("list review items: %w", err)
	}
	if len(ids) == 0 {
		return []core.ReviewItem{}, nil
	}
	vals, err := s.rdb.HMGet(ctx, reviewItemsKey, ids...).Result()
	if err != nil {
		return nil, fmt.Errorf("list review items: %w", err)
	}
	out := make([]core.ReviewItem, 0, len(vals))
	for _, v := range vals {
		str, ok := v.(string)
		if !ok {
			continue
		}
		var item core.ReviewItem
		if err := json.Unmarshal([]byte(str), &item); err != nil {
			return nil, fmt.Errorf("decode review item: %w", err)
		}
		out = append(out, item)
	}
	return out, nil
}
