package redis

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/lunas-dev/lunas/core"
	"github.com/lunas-dev/lunas/internal/testutil"
)

func newReviewStore(t *testing.T) *ReviewStore {
	r := testutil.NewRedis(t)
	rdb := goredis.NewClient(r.Options())
	t.Cleanup(func() { rdb.Close() })
	return NewReviewStore(rdb)
}

func item(id string, reason core.ReviewReason, store string, at time.Time) core.ReviewItem {
	return core.ReviewItem{ID: id, Reason: reason, Store: store, MutationID: id, CreatedAt: at, Status: core.ReviewOpen}
}

func TestReviewStorePutMergesAndNeverReopens(t *testing.T) {
	s := newReviewStore(t)
	ctx := context.Background()
	now := time.Now().UTC()
	created, err := s.PutReview(ctx, item("a", core.ReviewUnmatched, "shop", now))
	if err != nil || !created {
		t.Fatalf("first put: created=%v err=%v", created, err)
	}
	again := item("a", core.ReviewAmbiguous, "shop", now.Add(time.Hour))
	if created, err := s.PutReview(ctx, again); err != nil || created {
		t.Fatalf("second put: created=%v err=%v, want an update", created, err)
	}
	got, _ := s.GetReview(ctx, "a")
	if got.Reason != core.ReviewAmbiguous || !got.CreatedAt.Equal(now) {
		t.Fatalf("after update: %+v, want the new reason and the first creation time", got)
	}
	if _, err := s.UpdateReview(ctx, "a", func(it *core.ReviewItem) error { it.Status = core.ReviewDismissed; return nil }); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PutReview(ctx, item("a", core.ReviewUnmatched, "shop", now)); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.GetReview(ctx, "a"); got.Status != core.ReviewDismissed {
		t.Fatalf("a reprocessed mutation reopened a dismissed item: %+v", got)
	}
	if _, err := s.GetReview(ctx, "missing"); !errors.Is(err, core.ErrNotFound) {
		t.Fatalf("missing item: %v", err)
	}
}

func TestReviewStoreListFilters(t *testing.T) {
	s := newReviewStore(t)
	ctx := context.Background()
	base := time.Now().UTC()
	for i, it := range []core.ReviewItem{
		item("1", core.ReviewUnmatched, "a", base), item("2", core.ReviewAmbiguous, "a", base.Add(time.Second)),
		item("3", core.ReviewUnmatched, "b", base.Add(2*time.Second)),
	} {
		if _, err := s.PutReview(ctx, it); err != nil {
			t.Fatal(i, err)
		}
	}
	s.UpdateReview(ctx, "3", func(it *core.ReviewItem) error { it.Status = core.ReviewResolved; return nil })
	tests := []struct {
		f    core.ReviewFilter
		want []string
	}{
		{core.ReviewFilter{}, []string{"3", "2", "1"}},
		{core.ReviewFilter{Status: core.ReviewOpen}, []string{"2", "1"}},
		{core.ReviewFilter{Status: core.ReviewResolved}, []string{"3"}},
		{core.ReviewFilter{Reason: core.ReviewUnmatched}, []string{"3", "1"}},
		{core.ReviewFilter{Store: "a", Limit: 1}, []string{"2"}},
	}
	for _, tt := range tests {
		items, err := s.ListReview(ctx, tt.f)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, it := range items {
			ids = append(ids, it.ID)
		}
		if len(ids) != len(tt.want) {
			t.Fatalf("filter %+v: %v, want %v", tt.f, ids, tt.want)
		}
		for i := range ids {
			if ids[i] != tt.want[i] {
				t.Fatalf("filter %+v: %v, want %v", tt.f, ids, tt.want)
			}
		}
	}
}

func TestReviewStoreUpdateIsExclusive(t *testing.T) {
	s := newReviewStore(t)
	ctx := context.Background()
	s.PutReview(ctx, item("x", core.ReviewAmbiguous, "a", time.Now()))
	var won atomic.Int32
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := s.UpdateReview(ctx, "x", func(it *core.ReviewItem) error {
				if it.Status != core.ReviewOpen {
					return core.ErrConflict
				}
				it.Status = core.ReviewResolved
				return nil
			})
			if err == nil {
				won.Add(1)
			}
		}()
	}
	wg.Wait()
	if won.Load() != 1 {
		t.Fatalf("%d concurrent updates closed the item, want 1", won.Load())
	}
}
