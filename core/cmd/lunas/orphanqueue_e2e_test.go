package main

import (
	"strings"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/lunas-dev/lunas/internal/testutil"
)

// TestServeWarnsOfOrphanQueues: a store block renamed leaves its queue
// with payments no worker takes; serve says so at start, with the counts
// and the commands, and stays quiet about an empty one.
func TestServeWarnsOfOrphanQueues(t *testing.T) {
	r := testutil.NewRedis(t)
	opt := asynq.RedisClientOpt{Addr: r.Addr, DB: r.DB}
	client := asynq.NewClient(opt)
	insp := asynq.NewInspector(opt)
	t.Cleanup(func() { client.Close(); insp.Close() })
	enqueue := func(queue string, opts ...asynq.Option) *asynq.TaskInfo {
		t.Helper()
		info, err := client.Enqueue(asynq.NewTask("test:orphan", []byte("{}")), append(opts, asynq.Queue(queue))...)
		if err != nil {
			t.Fatal(err)
		}
		return info
	}
	enqueue("store:old-name")
	enqueue("store:old-name")
	enqueue("store:old-name", asynq.ProcessIn(time.Hour))
	if err := insp.ArchiveTask("store:old-name", enqueue("store:old-name").ID); err != nil {
		t.Fatal(err)
	}
	if err := insp.DeleteTask("store:emptied", enqueue("store:emptied").ID); err != nil {
		t.Fatal(err)
	}

	s := startSpine(t, r, nil)
	log := s.lunas.Log()
	var line string
	for _, l := range strings.Split(log, "\n") {
		if strings.Contains(l, "orphan queue") {
			line = l
			break
		}
	}
	for _, want := range []string{"[WARN]", "queue=store:old-name", "tasks=4", "pending=2", "scheduled=1", "archived=1", "retry=0"} {
		if !strings.Contains(line, want) {
			t.Errorf("the orphan queue warning %q lacks %s; log:\n%s", line, want, log)
		}
	}
	for _, want := range []string{`store "old-name" { ... }`, "lunas replay --queue store:old-name --state archived", "lunas replay --queue store:old-name --state retry"} {
		if !strings.Contains(log, want) {
			t.Errorf("the log lacks the command %q:\n%s", want, log)
		}
	}
	if strings.Contains(log, "store:emptied") || strings.Contains(log, "queue=store:demo") {
		t.Errorf("serve warns of a queue that is empty or configured:\n%s", log)
	}
}
