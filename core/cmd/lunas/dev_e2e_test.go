package main

import (
	"bufio"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/lunas-dev/lunas/internal/testutil"
)

// TestDevQuickstart is the README's quickstart: `lunas dev` (what make run
// starts, no Redis installed needed), then the `lunas send` line it prints.
func TestDevQuickstart(t *testing.T) {
	testutil.Binary(t, "lunas-plugin-demo")
	bin := testutil.Binary(t, "lunas")
	public, admin := testutil.FreeAddr(t), testutil.FreeAddr(t)
	cmd := exec.Command(bin, "dev", "--listen", public, "--admin-listen", admin)
	cmd.Dir = testutil.RepoRoot()
	stdout, _ := cmd.StdoutPipe()
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	})

	lines := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	var banner []string
	sendLine := ""
	deadline := time.After(60 * time.Second)
	for sendLine == "" || !strings.Contains(strings.Join(banner, "\n"), "Press Ctrl+C") {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("lunas dev exited:\n%s\n%s", strings.Join(banner, "\n"), stderr.String())
			}
			banner = append(banner, l)
			if strings.Contains(l, " send --url ") {
				sendLine = strings.TrimSpace(l)
			}
		case <-deadline:
			t.Fatalf("no banner:\n%s\n%s", strings.Join(banner, "\n"), stderr.String())
		}
	}
	text := strings.Join(banner, "\n")
	for _, want := range []string{"dev-secret", "http://" + public + "/webhooks/moota", "http://" + admin + "/monitoring/"} {
		if !strings.Contains(text, want) {
			t.Errorf("banner lacks %q:\n%s", want, text)
		}
	}

	// Paste the printed line (its program is this lunas binary).
	args := strings.Fields(sendLine)[1:]
	send := exec.Command(bin, args...)
	send.Dir = testutil.RepoRoot()
	if out, err := send.CombinedOutput(); err != nil || !strings.Contains(string(out), `"accepted":1`) {
		t.Fatalf("%s: %v\n%s", sendLine, err, out)
	}

	testutil.Eventually(t, 30*time.Second, "order 1001 to show paid at /dev/orders", func() bool {
		var orders []map[string]any
		getJSON(t, "http://"+public+"/dev/orders", &orders)
		for _, o := range orders {
			if o["id"] == "1001" {
				return o["status"] == "processing" && o["paid_by"] == "3ykVJxnwYkN" && o["amount"] == 150123.0
			}
		}
		return false
	})
	var tasks struct {
		Tasks []struct {
			ID string `json:"id"`
		} `json:"tasks"`
	}
	getJSON(t, "http://"+admin+"/monitoring/api/queues/store:demo/completed_tasks", &tasks)
	if len(tasks.Tasks) != 1 || tasks.Tasks[0].ID != "moota:4Aqz9OmvWPV:3ykVJxnwYkN" {
		t.Fatalf("asynqmon shows %+v, want the completed task", tasks)
	}

	// The login-free admin listener answers a page that reached it through
	// DNS rebinding (its own host name resolving to 127.0.0.1) with 421.
	req, _ := http.NewRequest(http.MethodGet, "http://"+admin+"/monitoring/api/queues", nil)
	req.Host = "rebind.evil.example"
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMisdirectedRequest {
		t.Fatalf("lunas dev's admin with Host rebind.evil.example = %d; want 421", resp.StatusCode)
	}
}

func getJSON(t *testing.T, url string, v any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("GET %s: %d %s", url, resp.StatusCode, b)
	}
}
