package main_test

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/lunas-dev/lunas/core/queue"
	"github.com/lunas-dev/lunas/internal/testutil"
	"github.com/lunas-dev/lunas/plugins/woocommerce/fakewoo"
)

// A store that stops answering is seen: past review.unreachable_after its
// waiting payments are in review as "store unreachable" and the overview
// shows the store failing, while retries go on; once it answers again,
// every payment is applied exactly once and the items close themselves.
func TestUnreachableStoreIsRaisedAndRecovers(t *testing.T) {
	r := testutil.NewRedis(t)
	fake := fakewoo.Start(t, fakewoo.Options{})
	shop := wooShop{name: "toko-down", bankID: "bank-down", fake: fake}
	l := testutil.StartLunas(t, testutil.LunasOptions{Redis: r,
		Extra: "review {\n  unreachable_after = \"2s\"\n}\n",
		Stores: fmt.Sprintf(`
store %q {
  plugin   = "woocommerce"
  bank_ids = [%q]
  settings = {
    base_url        = %q
    consumer_key    = env("WC_KEY")
    consumer_secret = env("WC_SECRET")
  }
}`, shop.name, shop.bankID, fake.URL()),
		Env: []string{"WC_KEY=" + fakewoo.DefaultConsumerKey, "WC_SECRET=" + fakewoo.DefaultConsumerSecret}})
	insp := asynq.NewInspector(asynq.RedisClientOpt{Addr: r.Addr, DB: r.DB})
	t.Cleanup(func() { insp.Close() })

	a, b := addOnHold(shop, 120001), addOnHold(shop, 120002)
	// The shop's host answers 503 to everything (Retry-After: 1, so the
	// test's retries come every two seconds instead of Asynq's backoff).
	fake.FailNext(100000, fakewoo.Fault{Status: http.StatusServiceUnavailable, RetryAfter: "1"})
	for _, p := range []struct {
		id     string
		amount int64
	}{{"down-1", 120001}, {"down-2", 120002}} {
		if resp := l.Send(t, mutationJSON(shop.bankID, p.id, p.amount)); resp.Status != http.StatusOK {
			t.Fatalf("delivery answered %d %s", resp.Status, resp.Raw)
		}
	}
	items := func(reason, status string) int {
		n := 0
		for _, it := range l.Review(t) {
			if it["reason"] == reason && it["status"] == status && strings.HasPrefix(it["mutation_id"].(string), "down-") {
				n++
			}
		}
		return n
	}
	testutil.Eventually(t, 60*time.Second, "both payments in review as store unreachable", func() bool {
		return items("unreachable", "open") == 2
	})
	resp, err := http.Get(l.AdminURL + "/review/overview")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(page), "<strong>toko-down</strong>: calls failing since") {
		t.Fatalf("the overview does not show the failing store:\n%s", page)
	}
	// /readyz stays 200 (restarting Lunas would not bring the shop back)
	// but says degraded and which store, and the metrics say so too.
	if code, body := adminGet(t, l.AdminURL+"/readyz"); code != http.StatusOK ||
		!strings.Contains(body, `"status":"degraded"`) || !strings.Contains(body, `"name":"toko-down","status":"failing","failing_since":"`) {
		t.Fatalf("/readyz with the shop down = %d %s", code, body)
	}
	if _, body := adminGet(t, l.AdminURL+"/metrics"); !strings.Contains(body, `lunas_store_up{store="toko-down"} 0`) {
		t.Fatalf("/metrics does not show the shop down:\n%s", body)
	}
	for _, id := range []string{"down-1", "down-2"} {
		info, err := insp.GetTaskInfo(queue.StoreQueue(shop.name), "moota:"+shop.bankID+":"+id)
		if err != nil || info.State == asynq.TaskStateArchived || info.State == asynq.TaskStateCompleted {
			t.Fatalf("task %s: %v %v, want it still retrying", id, info, err)
		}
	}

	fake.ClearFaults() // the shop is back
	testutil.Eventually(t, 60*time.Second, "both items closed by their payments", func() bool {
		return items("unreachable", "resolved") == 2
	})
	requirePaidOnce(t, shop, a.ID, "down-1")
	requirePaidOnce(t, shop, b.ID, "down-2")
	if code, body := adminGet(t, l.AdminURL+"/readyz"); code != http.StatusOK || !strings.Contains(body, `"status":"ok"`) {
		t.Fatalf("/readyz once the shop is back = %d %s", code, body)
	}
}

// adminGet reads an admin route: its status and body.
func adminGet(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}
