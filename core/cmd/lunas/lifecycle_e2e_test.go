package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"github.com/lunas-dev/lunas/core/queue"
	"github.com/lunas-dev/lunas/internal/testutil"
	"github.com/lunas-dev/lunas/plugins/demo/demostore"
	"github.com/lunas-dev/lunas/sdk"
)

// cli runs the lunas binary against the spine's admin listener.
func (s *spine) cli(t *testing.T, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command(testutil.Binary(t, "lunas"), append(args, "--admin", s.lunas.AdminURL)...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// advanceClock makes every task waiting in the store's retry set due now:
// to the queue, the time it was waiting for has passed.
func (s *spine) advanceClock(t *testing.T) {
	t.Helper()
	key := "asynq:{" + queue.StoreQueue("demo") + "}:retry"
	ids, err := s.rdb.ZRange(context.Background(), key, 0, -1).Result()
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		s.rdb.ZAdd(context.Background(), key, redis.Z{Score: float64(time.Now().Add(-time.Second).Unix()), Member: id})
	}
}

type slackSink struct {
	mu    sync.Mutex
	texts []string
}

func (k *slackSink) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Text string `json:"text"`
	}
	b, _ := io.ReadAll(r.Body)
	if json.Unmarshal(b, &body) != nil || r.Header.Get("Content-Type") != "application/json" {
		http.Error(w, "bad", 400)
		return
	}
	k.mu.Lock()
	k.texts = append(k.texts, body.Text)
	k.mu.Unlock()
}

func (k *slackSink) all() []string {
	k.mu.Lock()
	defer k.mu.Unlock()
	return append([]string(nil), k.texts...)
}

func TestLifecycleEndToEnd(t *testing.T) {
	sink := &slackSink{}
	hook := httptest.NewServer(sink)
	defer hook.Close()
	orders := []demostore.Order{
		{ID: "2001", Number: "2001", Status: "on-hold", Amount: sdk.Rupiah(410000), Currency: "IDR"},
		{ID: "2002", Number: "2002", Status: "on-hold", Amount: sdk.Rupiah(410000), Currency: "IDR"},
		{ID: "2010", Number: "2010", Status: "on-hold", Amount: sdk.Rupiah(88123), Currency: "IDR"},
	}
	s := startSpine(t, testutil.NewRedis(t), orders, fmt.Sprintf(`
review {
  recheck    = ["5m", "30m", "2h"]
  notify_url = %q
}`, hook.URL+"/services/T000/B000/SECRETPATH"))

	t.Run("a review item resolved by CLI pays the chosen order once; twice is refused clearly", func(t *testing.T) {
		s.lunas.Send(t, mutationJSON("amb-410000", "CR", 410000, "TRSF CR ANDI"))
		id := "moota:4Aqz9OmvWPV:amb-410000"
		testutil.Eventually(t, 30*time.Second, "the ambiguous review item", func() bool {
			out, err := s.cli(t, "review", "list", "--reason", "ambiguous")
			return err == nil && strings.Contains(out, id)
		})
		out, err := s.cli(t, "review", "show", id)
		if err != nil || !strings.Contains(out, "order 2001") || !strings.Contains(out, "order 2002") {
			t.Fatalf("review show: %v\n%s", err, out)
		}
		out, err = s.cli(t, "review", "resolve", id, "--order", "2002")
		if err != nil || !strings.Contains(out, "order 2002 paid") {
			t.Fatalf("review resolve: %v\n%s", err, out)
		}
		if o := s.order(t, "2002"); o.PaidBy != "amb-410000" || o.Writes != 1 {
			t.Fatalf("order 2002 after resolve: %+v", o)
		}
		out, err = s.cli(t, "review", "resolve", id, "--order", "2001")
		if err == nil || !strings.Contains(out, "already resolved by") || !strings.Contains(out, "HTTP 409") {
			t.Fatalf("second resolve: err=%v\n%s", err, out)
		}
		if o := s.order(t, "2001"); o.PaidBy != "" || o.Writes != 0 {
			t.Fatalf("order 2001 touched by a refused resolve: %+v", o)
		}
		if o := s.order(t, "2002"); o.Writes != 1 {
			t.Fatalf("order 2002 written again: %+v", o)
		}
		out, _ = s.cli(t, "review", "show", id)
		if !strings.Contains(out, "resolve") || !strings.Contains(out, "@") || !strings.Contains(out, "Paid order   2002") {
			t.Fatalf("history does not record who resolved it:\n%s", out)
		}
		testutil.Eventually(t, 30*time.Second, "a Slack notification for the review item", func() bool {
			for _, txt := range sink.all() {
				if strings.Contains(txt, id) && strings.Contains(txt, "ambiguous") {
					return true
				}
			}
			return false
		})
		if strings.Contains(s.lunas.Log(), "SECRETPATH") {
			t.Fatal("the notify URL (it holds a token) appears in the log")
		}
	})

	t.Run("dismiss records the reason", func(t *testing.T) {
		s.lunas.Send(t, mutationJSON("stray-1", "CR", 5, "TRSF CR SALAH KIRIM"))
		id := "moota:4Aqz9OmvWPV:stray-1"
		// An unmatched payment waits for its re-checks: make them due at once.
		testutil.Eventually(t, 60*time.Second, "the unmatched review item", func() bool {
			s.advanceClock(t)
			out, err := s.cli(t, "review", "list", "--reason", "unmatched")
			return err == nil && strings.Contains(out, id)
		})
		if out, err := s.cli(t, "review", "dismiss", id); err == nil {
			t.Fatalf("dismiss without a reason succeeded:\n%s", out)
		}
		if out, err := s.cli(t, "review", "dismiss", id, "--reason", "salah kirim, dikembalikan"); err != nil {
			t.Fatalf("dismiss: %v\n%s", err, out)
		}
		out, _ := s.cli(t, "review", "show", id)
		if !strings.Contains(out, "dismissed") || !strings.Contains(out, "salah kirim, dikembalikan") {
			t.Fatalf("dismissal not recorded:\n%s", out)
		}
	})

	t.Run("a payment followed 10 minutes later by its order is applied by a re-check", func(t *testing.T) {
		s.lunas.Send(t, mutationJSON("early-77000", "CR", 77000, "TRSF CR BAYAR DULU"))
		taskID := "moota:4Aqz9OmvWPV:early-77000"
		testutil.Eventually(t, 30*time.Second, "the first re-check to be scheduled", func() bool {
			info, err := s.insp.GetTaskInfo(queue.StoreQueue("demo"), taskID)
			return err == nil && info.State == asynq.TaskStateRetry
		})
		if len(s.lunas.Review(t)) > 0 {
			for _, it := range s.lunas.Review(t) {
				if it["mutation_id"] == "early-77000" {
					t.Fatal("went to review before its re-checks")
				}
			}
		}
		// Ten minutes later (simulated) the order reaches the store...
		if err := demostore.Put(context.Background(), s.rdb, s.ns, demostore.Order{ID: "2020", Number: "2020", Status: "on-hold", Amount: sdk.Rupiah(77000), Currency: "IDR", CreatedAt: time.Now().UTC()}); err != nil {
			t.Fatal(err)
		}
		s.advanceClock(t)
		if info := s.waitDone(t, "4Aqz9OmvWPV", "early-77000"); info.State != asynq.TaskStateCompleted {
			t.Fatalf("task %v", info.State)
		}
		if o := s.order(t, "2020"); o.PaidBy != "early-77000" || o.Writes != 1 {
			t.Fatalf("order 2020 = %+v, want paid once by the early payment", o)
		}
	})

	t.Run("an archived task is replayed by CLI and pays once", func(t *testing.T) {
		s.lunas.Send(t, mutationJSON("late-66000", "CR", 66000, "TRSF CR"))
		taskID := "moota:4Aqz9OmvWPV:late-66000"
		testutil.Eventually(t, 30*time.Second, "a scheduled re-check", func() bool {
			info, err := s.insp.GetTaskInfo(queue.StoreQueue("demo"), taskID)
			return err == nil && info.State == asynq.TaskStateRetry
		})
		// An operator archives it in asynqmon, later creates the order by hand and replays it.
		if err := s.insp.ArchiveTask(queue.StoreQueue("demo"), taskID); err != nil {
			t.Fatal(err)
		}
		if err := demostore.Put(context.Background(), s.rdb, s.ns, demostore.Order{ID: "2030", Number: "2030", Status: "on-hold", Amount: sdk.Rupiah(66000), Currency: "IDR", CreatedAt: time.Now().UTC()}); err != nil {
			t.Fatal(err)
		}
		if out, err := s.cli(t, "replay", "--queue", "store:nope", "--id", taskID); err == nil || !strings.Contains(out, "not found") {
			t.Fatalf("replay of an unknown queue: err=%v\n%s", err, out)
		}
		out, err := s.cli(t, "replay", "--queue", queue.StoreQueue("demo"), "--id", taskID)
		if err != nil || !strings.Contains(out, "replayed 1") {
			t.Fatalf("replay: %v\n%s", err, out)
		}
		s.waitDone(t, "4Aqz9OmvWPV", "late-66000")
		if o := s.order(t, "2030"); o.PaidBy != "late-66000" || o.Writes != 1 {
			t.Fatalf("order 2030 = %+v", o)
		}
	})

	t.Run("a reversed payment is recorded for review when the plugin cannot undo it", func(t *testing.T) {
		s.lunas.Send(t, mutationJSON("pay-88123", "CR", 88123, "TRSF CR 88123"))
		s.waitDone(t, "4Aqz9OmvWPV", "pay-88123")
		if o := s.order(t, "2010"); o.PaidBy != "pay-88123" {
			t.Fatalf("order 2010 not paid: %+v", o)
		}
		s.lunas.Send(t, mutationJSON("rev-88123", "DB", 88123, "REVERSAL TRSF 88123 DANA DIKEMBALIKAN"))
		s.waitDone(t, "4Aqz9OmvWPV", "rev-88123")
		found := false
		for _, it := range s.lunas.Review(t) {
			if it["mutation_id"] == "rev-88123" {
				found = it["reason"] == "reversed" && strings.Contains(it["detail"].(string), "order 2010")
			}
		}
		if !found {
			t.Fatalf("no reversed review item naming order 2010: %v", s.lunas.Review(t))
		}
	})

	t.Run("metrics expose outcomes and queue depths", func(t *testing.T) {
		resp, err := http.Get(s.lunas.AdminURL + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		for _, want := range []string{`lunas_mutations_processed_total{outcome="paid",store="demo"}`, `lunas_queue_tasks{queue="store:demo",state="completed"}`,
			"lunas_webhook_ack_seconds_bucket", "lunas_plugin_rpc_seconds_bucket", "lunas_mutation_to_paid_seconds_bucket", `lunas_review_items_created_total{reason="ambiguous"} 1`} {
			if !strings.Contains(string(b), want) {
				t.Errorf("/metrics lacks %s", want)
			}
		}
		// Every series the Grafana dashboard queries exists.
		dash, err := os.ReadFile(filepath.Join(testutil.RepoRoot(), "examples", "grafana", "lunas-dashboard.json"))
		if err != nil {
			t.Fatal(err)
		}
		names := regexp.MustCompile(`lunas_[a-z_]+`).FindAllString(string(dash), -1)
		if len(names) < 8 {
			t.Fatalf("dashboard names only %d series", len(names))
		}
		for _, n := range names {
			if !strings.Contains(string(b), n) {
				t.Errorf("the dashboard queries %s, which /metrics does not expose", n)
			}
		}
	})
}
