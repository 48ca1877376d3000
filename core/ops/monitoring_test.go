package ops

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/hibiken/asynq"
)

// TestMonitoring checks that asynqmon serves its UI, its assets and its API
// under /monitoring/ and sees a task enqueued on the queue's Redis.
func TestMonitoring(t *testing.T) {
	srv, r := serve(t, Config{Username: testUser, Password: testPass})
	client := asynq.NewClient(asynq.RedisClientOpt{Addr: r.Addr, DB: r.DB})
	t.Cleanup(func() { client.Close() })
	if _, err := client.Enqueue(asynq.NewTask("mutation:process", []byte(`{"mutation_id":"m-1"}`)), asynq.Queue("store:toko-budi"), asynq.TaskID("moota:bank-1:m-1")); err != nil {
		t.Fatalf("enqueue: %v", err)
	}

	ui := get(t, srv, "/monitoring/", testUser, testPass)
	if ui.code != http.StatusOK || !strings.Contains(ui.body, "<title>Asynq - Monitoring</title>") {
		t.Fatalf("GET /monitoring/ = %d; want the asynqmon page, got %.300q", ui.code, ui.body)
	}
	// html/template escapes the slash inside the script; JavaScript reads "/monitoring".
	if !strings.Contains(ui.body, `window.FLAG_ROOT_PATH="\/monitoring"`) {
		t.Errorf("the asynqmon page is not rooted at /monitoring: %.600q", ui.body)
	}
	// The page's script must be served from where the page says it is.
	m := regexp.MustCompile(`src="(/monitoring/static/js/main\.[0-9a-f]+\.chunk\.js)"`).FindStringSubmatch(ui.body)
	if m == nil {
		t.Fatalf("the asynqmon page names no main script: %.600q", ui.body)
	}
	js := get(t, srv, m[1], testUser, testPass)
	if js.code != http.StatusOK || !strings.HasPrefix(js.header.Get("Content-Type"), "application/javascript") || len(js.body) < 1000 {
		t.Errorf("GET %s = %d %q (%d bytes); want the script", m[1], js.code, js.header.Get("Content-Type"), len(js.body))
	}
	// A deep link (the UI's own routing) answers the page too.
	if deep := get(t, srv, "/monitoring/queues/store:toko-budi", testUser, testPass); deep.code != http.StatusOK || !strings.Contains(deep.body, "<title>Asynq - Monitoring</title>") {
		t.Errorf("deep link = %d; want the asynqmon page", deep.code)
	}

	api := get(t, srv, "/monitoring/api/queues", testUser, testPass)
	var queues struct {
		Queues []struct {
			Queue   string `json:"queue"`
			Size    int    `json:"size"`
			Pending int    `json:"pending"`
			Paused  bool   `json:"paused"`
		} `json:"queues"`
	}
	// asynqmon answers JSON labelled text/plain, so the body is decoded as is.
	if err := json.Unmarshal([]byte(api.body), &queues); err != nil {
		t.Fatalf("GET /monitoring/api/queues = %d %q: not JSON: %v", api.code, api.body, err)
	}
	if api.code != http.StatusOK || len(queues.Queues) != 1 {
		t.Fatalf("GET /monitoring/api/queues = %d %s; want the one queue", api.code, api.body)
	}
	if q := queues.Queues[0]; q.Queue != "store:toko-budi" || q.Pending != 1 || q.Size != 1 {
		t.Errorf("queue = %+v; want store:toko-budi with 1 pending task", q)
	}

	task := get(t, srv, "/monitoring/api/queues/store:toko-budi/pending_tasks", testUser, testPass)
	if task.code != http.StatusOK || !strings.Contains(task.body, `"id":"moota:bank-1:m-1"`) {
		t.Errorf("pending tasks = %d %s; want the enqueued task", task.code, task.body)
	}
}
