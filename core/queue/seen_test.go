package queue_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"github.com/lunas-dev/lunas/core"
	"github.com/lunas-dev/lunas/core/queue"
	"github.com/lunas-dev/lunas/internal/testutil"
)

// A finished task is kept only TaskRetention; once it is gone, the Seen
// record the worker wrote when the task started still makes a re-delivery
// a duplicate, and one with another amount a conflict task that shows the
// first's type and amount.
func TestSeenOutlivesTheTask(t *testing.T) {
	r := testutil.NewRedis(t)
	opt := asynq.RedisClientOpt{Addr: r.Addr, DB: r.DB}
	client, insp := asynq.NewClient(opt), asynq.NewInspector(opt)
	rdb := redis.NewClient(&redis.Options{Addr: r.Addr, DB: r.DB})
	t.Cleanup(func() { client.Close(); insp.Close(); rdb.Close() })
	seen := &queue.Seen{RDB: rdb}
	p := queue.NewProducer(client, queue.ProducerConfig{Inspector: insp, Seen: seen})
	ctx := context.Background()
	first := mutation(t, "m-1")
	if dup, err := p.EnqueueMutation(ctx, "moota", first); dup || err != nil {
		t.Fatalf("first: %v %v", dup, err)
	}
	info, err := insp.GetTaskInfo(queue.UnroutedQueue, first.TaskID())
	if err != nil {
		t.Fatal(err)
	}
	if info.Retention != queue.TaskRetention {
		t.Fatalf("task retention %s, want %s", info.Retention, queue.TaskRetention)
	}
	// The worker starts the task (Handler records it), the task finishes
	// and its retention passes.
	if err := seen.Record(ctx, first, time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := insp.DeleteTask(queue.UnroutedQueue, first.TaskID()); err != nil {
		t.Fatal(err)
	}
	if dup, err := p.EnqueueMutation(ctx, "moota", mutation(t, "m-1")); !dup || err != nil {
		t.Fatalf("re-delivery after the task expired: dup=%v err=%v, want a duplicate", dup, err)
	}
	other := mutation(t, "m-1")
	other.Amount++
	if dup, err := p.EnqueueMutation(ctx, "moota", other); dup || err != nil {
		t.Fatalf("another amount: dup=%v err=%v, want a conflict task", dup, err)
	}
	tasks, err := insp.ListPendingTasks(queue.UnroutedQueue)
	if err != nil {
		t.Fatal(err)
	}
	if len(tasks) != 1 || tasks[0].ID != queue.ConflictTaskID(other) {
		t.Fatalf("pending tasks %d, want only the conflict %s", len(tasks), queue.ConflictTaskID(other))
	}
	if got := string(tasks[0].Payload); !strings.Contains(got, `"conflict_with":{"mutation_id":"m-1","bank_id":"bank-1","type":"CR","amount":150123}`) {
		t.Fatalf("conflict payload %s does not show the first's type and amount", got)
	}
}

// A record made on one day is still found Retention later.
func TestSeenLastsTheRetention(t *testing.T) {
	r := testutil.NewRedis(t)
	rdb := redis.NewClient(&redis.Options{Addr: r.Addr, DB: r.DB})
	t.Cleanup(func() { rdb.Close() })
	seen := &queue.Seen{RDB: rdb}
	ctx := context.Background()
	day := time.Now().UTC().Truncate(24 * time.Hour).Add(23*time.Hour + 59*time.Minute)
	first := mutation(t, "m-2")
	if err := seen.Record(ctx, first, day); err != nil {
		t.Fatal(err)
	}
	got, err := seen.Lookup(ctx, "bank-1", "m-2", day.Add(queue.Retention))
	if err != nil || got == nil || got.Type != "CR" || got.Amount != first.Amount {
		t.Fatalf("Lookup a Retention later = %+v, %v; want the record", got, err)
	}
	if got, err := seen.Lookup(ctx, "bank-1", "m-3", day); got != nil || err != nil {
		t.Fatalf("Lookup of an unknown id = %+v, %v", got, err)
	}
}

// A mutation Moota just recorded skips the Seen lookup and meets an
// earlier delivery on the TaskID: the same content is a duplicate, another
// amount a conflict.
func TestFreshMutationMeetsOnTheTaskID(t *testing.T) {
	r := testutil.NewRedis(t)
	opt := asynq.RedisClientOpt{Addr: r.Addr, DB: r.DB}
	client, insp := asynq.NewClient(opt), asynq.NewInspector(opt)
	rdb := redis.NewClient(&redis.Options{Addr: r.Addr, DB: r.DB})
	t.Cleanup(func() { client.Close(); insp.Close(); rdb.Close() })
	p := queue.NewProducer(client, queue.ProducerConfig{Inspector: insp, Seen: &queue.Seen{RDB: rdb}})
	ctx := context.Background()
	fresh := func(amount int) *core.Mutation {
		created := time.Now().In(core.Jakarta).Format(time.DateTime)
		m, err := core.ParseMutation(fmt.Appendf(nil, `{"mutation_id":"m-9","bank_id":"bank-1","amount":%d,"type":"CR","created_at":%q}`, amount, created))
		if err != nil {
			t.Fatal(err)
		}
		return &m
	}
	if dup, err := p.EnqueueMutation(ctx, "moota", fresh(150123)); dup || err != nil {
		t.Fatalf("first: %v %v", dup, err)
	}
	if dup, err := p.EnqueueMutation(ctx, "moota", fresh(150123)); !dup || err != nil {
		t.Fatalf("again: dup=%v err=%v, want a duplicate", dup, err)
	}
	other := fresh(999)
	if dup, err := p.EnqueueMutation(ctx, "moota", other); dup || err != nil {
		t.Fatalf("another amount: dup=%v err=%v, want a conflict task", dup, err)
	}
	if _, err := insp.GetTaskInfo(queue.UnroutedQueue, queue.ConflictTaskID(other)); err != nil {
		t.Fatalf("conflict task: %v", err)
	}
}
