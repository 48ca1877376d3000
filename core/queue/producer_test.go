package queue_test

import (
	"context"
	"testing"

	"github.com/hibiken/asynq"

	"github.com/lunas-dev/lunas/core/queue"
	"github.com/lunas-dev/lunas/internal/testutil"
)

// A mutation id arriving again with another amount or type is stored as a
// conflict task (for review), not counted a duplicate; the same content is
// a duplicate; each variant is stored once.
func TestProducerTellsConflictsFromDuplicates(t *testing.T) {
	r := testutil.NewRedis(t)
	opt := asynq.RedisClientOpt{Addr: r.Addr, DB: r.DB}
	client, insp := asynq.NewClient(opt), asynq.NewInspector(opt)
	t.Cleanup(func() { client.Close(); insp.Close() })
	p := queue.NewProducer(client, queue.ProducerConfig{Inspector: insp})
	ctx := context.Background()
	first := mutation(t, "m-1")
	if dup, err := p.EnqueueMutation(ctx, "moota", first); dup || err != nil {
		t.Fatalf("first: %v %v", dup, err)
	}
	if dup, err := p.EnqueueMutation(ctx, "moota", mutation(t, "m-1")); !dup || err != nil {
		t.Fatalf("same again: dup=%v err=%v, want a duplicate", dup, err)
	}
	other := mutation(t, "m-1")
	other.Amount++
	for range 2 {
		if dup, err := p.EnqueueMutation(ctx, "moota", other); dup || err != nil {
			t.Fatalf("another amount: dup=%v err=%v, want a new (conflict) task", dup, err)
		}
	}
	tasks, err := insp.ListPendingTasks(queue.UnroutedQueue)
	if err != nil {
		t.Fatal(err)
	}
	if len(tasks) != 2 || tasks[1].ID != queue.ConflictTaskID(other) {
		ids := []string{}
		for _, task := range tasks {
			ids = append(ids, task.ID)
		}
		t.Fatalf("pending tasks %v, want the mutation and one conflict %s", ids, queue.ConflictTaskID(other))
	}
}
