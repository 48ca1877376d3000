package queue_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/lunas-dev/lunas/core"
	"github.com/lunas-dev/lunas/core/moota"
	"github.com/lunas-dev/lunas/core/moota/fakemoota"
	"github.com/lunas-dev/lunas/core/queue"
	"github.com/lunas-dev/lunas/internal/testutil"
	"github.com/lunas-dev/lunas/sdk"
)

const mootaToken = "mt-test-token-5f2c9a"

// reconcileRig is a fake Moota and a real Redis queue.
type reconcileRig struct {
	fake     *fakemoota.Server
	producer *queue.Producer
	insp     *asynq.Inspector
}

func newReconcileRig(t *testing.T) *reconcileRig {
	t.Helper()
	r := testutil.NewRedis(t)
	opt := asynq.RedisClientOpt{Addr: r.Addr, DB: r.DB}
	client := asynq.NewClient(opt)
	insp := asynq.NewInspector(opt)
	t.Cleanup(func() { client.Close(); insp.Close() })
	return &reconcileRig{
		fake:     fakemoota.New(t, mootaToken),
		producer: queue.NewProducer(client, queue.ProducerConfig{Route: func(string) string { return queue.StoreQueue("demo") }}),
		insp:     insp,
	}
}

func (g *reconcileRig) reconciler(token string, banks ...string) *queue.Reconciler {
	api := moota.New(moota.Config{BaseURL: g.fake.URL(), Token: token, PerPage: 2})
	return &queue.Reconciler{API: api, Queue: g.producer, BankIDs: banks}
}

// webhookOf is the mutation as its webhook would have delivered it.
func webhookOf(t *testing.T, m fakemoota.Mutation) core.Mutation {
	t.Helper()
	b, _ := json.Marshal(map[string]any{"mutation_id": m.ID, "bank_id": m.BankID, "type": "CR", "amount": m.Amount, "date": m.Date.Format(time.DateTime)})
	cm, err := core.ParseMutation(b)
	if err != nil {
		t.Fatal(err)
	}
	return cm
}

func TestReconcileEnqueuesWhatNoWebhookDelivered(t *testing.T) {
	g := newReconcileRig(t)
	ctx := context.Background()
	now := time.Now()
	var a []fakemoota.Mutation
	for i := range 3 {
		a = append(a, g.fake.AddMutation(fakemoota.Mutation{BankID: "bankA", Amount: sdk.Rupiah(int64(150000 + i)), Date: now.Add(-time.Duration(i) * time.Hour)}))
	}
	g.fake.AddMutation(fakemoota.Mutation{BankID: "bankA", Type: "DB", Amount: sdk.Rupiah(150000), Date: now})
	g.fake.AddMutation(fakemoota.Mutation{BankID: "bankA", Amount: sdk.Rupiah(99000), Date: now.AddDate(0, 0, -6)}) // before since
	g.fake.AddRawMutation(json.RawMessage(`{"mutation_id":"garbled","bank_id":"bankA","type":"CR","amount":"1.2.3","date":"` + now.In(core.Jakarta).Format(time.DateTime) + `"}`))
	b := g.fake.AddMutation(fakemoota.Mutation{BankID: "bankB", Amount: sdk.Rupiah(275000), Date: now})

	// The webhook delivered the first credit of bankA before reconciliation ran.
	delivered := webhookOf(t, a[0])
	if dup, err := g.producer.EnqueueMutation(ctx, "moota", &delivered); err != nil || dup {
		t.Fatalf("webhook enqueue: dup=%v err=%v", dup, err)
	}

	rc := g.reconciler(mootaToken) // no BankIDs: every account Moota reports
	var done []queue.Progress
	res, err := rc.Run(ctx, now.Add(-48*time.Hour), func(p queue.Progress) {
		if p.Done {
			done = append(done, p)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []queue.BankResult{
		{BankID: "bankA", Seen: 4, Enqueued: 2, Duplicates: 1, Bad: 1},
		{BankID: "bankB", Seen: 1, Enqueued: 1},
	}
	if len(res.Banks) != 2 || res.Banks[0] != want[0] || res.Banks[1] != want[1] {
		t.Fatalf("first run: %+v, want %+v", res.Banks, want)
	}
	if len(done) != 2 || done[0].BankResult != want[0] || done[1].BankResult != want[1] {
		t.Fatalf("progress at the end of each bank: %+v", done)
	}
	for _, m := range []fakemoota.Mutation{a[0], a[1], a[2], b} {
		info, err := g.insp.GetTaskInfo(queue.StoreQueue("demo"), "moota:"+m.BankID+":"+m.ID)
		if err != nil {
			t.Fatalf("mutation %s not queued: %v", m.ID, err)
		}
		webhook := "reconcile"
		if m.ID == a[0].ID {
			webhook = "moota"
		}
		if !strings.Contains(string(info.Payload), `"webhook":"`+webhook+`"`) {
			t.Fatalf("task of %s: payload %s, want webhook %q", m.ID, info.Payload, webhook)
		}
	}

	// A second run finds everything known.
	res, err = rc.Run(ctx, now.Add(-48*time.Hour), nil)
	if err != nil {
		t.Fatal(err)
	}
	if tot := res.Totals(); tot.Seen != 5 || tot.Enqueued != 0 || tot.Duplicates != 4 || tot.Bad != 1 {
		t.Fatalf("second run totals %+v, want 5 seen, 0 enqueued, 4 duplicates, 1 bad", tot)
	}
	if n, _ := g.insp.GetQueueInfo(queue.StoreQueue("demo")); n.Size != 4 {
		t.Fatalf("queue holds %d tasks, want 4", n.Size)
	}
}

func TestReconcileFailures(t *testing.T) {
	ctx := context.Background()
	since := time.Now().Add(-time.Hour)

	t.Run("a bank Moota does not know does not stop the others", func(t *testing.T) {
		g := newReconcileRig(t)
		g.fake.AddMutation(fakemoota.Mutation{BankID: "bankA", Amount: sdk.Rupiah(1000)})
		res, err := g.reconciler(mootaToken, "ghost", "bankA").Run(ctx, since, nil)
		if err == nil || !sdk.IsPermanent(err) || !strings.Contains(err.Error(), "ghost") {
			t.Fatalf("err %v, want a permanent error naming the bank", err)
		}
		if len(res.Banks) != 2 || res.Banks[1].Enqueued != 1 || res.Banks[0].Err == nil {
			t.Fatalf("result %+v, want ghost failed and bankA reconciled", res.Banks)
		}
	})
	t.Run("a Moota outage is retryable", func(t *testing.T) {
		g := newReconcileRig(t)
		g.fake.AddMutation(fakemoota.Mutation{BankID: "bankA", Amount: sdk.Rupiah(1000)})
		g.fake.FailNext(1, http.StatusServiceUnavailable)
		_, err := g.reconciler(mootaToken, "bankA").Run(ctx, since, nil)
		if err == nil || sdk.IsPermanent(err) {
			t.Fatalf("err %v, want retryable", err)
		}
	})
	t.Run("looking back past the dedupe window is refused", func(t *testing.T) {
		g := newReconcileRig(t)
		_, err := g.reconciler(mootaToken, "bankA").Run(ctx, time.Now().Add(-queue.Retention), nil)
		if err == nil || !sdk.IsPermanent(err) || len(g.fake.Requests()) != 0 {
			t.Fatalf("err %v after %d requests, want a permanent error before asking Moota", err, len(g.fake.Requests()))
		}
	})
}

func TestReconcileTask(t *testing.T) {
	ctx := context.Background()
	g := newReconcileRig(t)
	g.fake.AddMutation(fakemoota.Mutation{BankID: "bankA", Amount: sdk.Rupiah(1000), Date: time.Now().Add(-30 * time.Hour)})
	g.fake.AddMutation(fakemoota.Mutation{BankID: "bankA", Amount: sdk.Rupiah(2000), Date: time.Now().AddDate(0, 0, -5)})
	task := queue.NewReconcileTask()

	rc := g.reconciler(mootaToken, "bankA") // Lookback 0: the default 48h
	if err := rc.ProcessTask(ctx, task); err != nil {
		t.Fatal(err)
	}
	if n, _ := g.insp.GetQueueInfo(queue.StoreQueue("demo")); n.Size != 1 {
		t.Fatalf("queue holds %d tasks, want the one credit within 48h", n.Size)
	}
	long := g.reconciler(mootaToken, "bankA")
	long.Lookback = 30 * 24 * time.Hour // beyond MaxLookback: clamped, not refused
	if err := long.ProcessTask(ctx, task); err != nil {
		t.Fatalf("lookback of 30 days: %v, want it clamped to %s", err, queue.MaxLookback)
	}
	if n, _ := g.insp.GetQueueInfo(queue.StoreQueue("demo")); n.Size != 2 {
		t.Fatalf("queue holds %d tasks, want both credits within %s", n.Size, queue.MaxLookback)
	}
	err := g.reconciler("mt-revoked", "bankA").ProcessTask(ctx, task)
	if !errors.Is(err, asynq.SkipRetry) || strings.Contains(err.Error(), "mt-revoked") {
		t.Fatalf("with a revoked token: %v, want SkipRetry without the token", err)
	}
	g.fake.FailNext(1, http.StatusBadGateway)
	if err := rc.ProcessTask(ctx, task); err == nil || errors.Is(err, asynq.SkipRetry) {
		t.Fatalf("with Moota down: %v, want a retryable error", err)
	}
}
