package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/accessibility"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/dom"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"github.com/lunas-dev/lunas/core"
	"github.com/lunas-dev/lunas/internal/testutil"
	"github.com/lunas-dev/lunas/plugins/demo/demostore"
	"github.com/lunas-dev/lunas/sdk"
)

// The admin login of the console test.
const (
	consoleUser = "ops"
	consolePass = "console-test-password"
)

// chromiumPath finds Debian's chromium. The test skips without it unless
// LUNAS_REQUIRE_BROWSER is set (CI sets it after installing chromium).
func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("LUNAS_REQUIRE_BROWSER") != "" {
		t.Fatal("chromium is not installed and LUNAS_REQUIRE_BROWSER is set (apt-get install -y chromium)")
	}
	t.Skip("chromium is not installed (apt-get install -y chromium); set LUNAS_REQUIRE_BROWSER=1 to make this a failure")
	return ""
}

// newBrowser starts a headless chromium with a fresh profile that sends the
// admin login with every request.
func newBrowser(t *testing.T, chromium string) context.Context {
	t.Helper()
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(chromium),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 800),
	)
	ctx, cancelCtx := chromedp.NewContext(alloc)
	ctx, cancelTimeout := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	auth := "Basic " + base64.StdEncoding.EncodeToString([]byte(consoleUser+":"+consolePass))
	if err := chromedp.Do(ctx,
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			if _, err := cdp.Call(ctx, tg, network.Enable, network.EnableParams{}); err != nil {
				return err
			}
			_, err := cdp.Call(ctx, tg, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{Headers: network.Headers{"Authorization": auth}})
			return err
		}),
	); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

// byRoleName finds elements by their computed accessible role and name, as
// a screen reader or a person reading the label would, through Chrome's
// accessibility tree.
func byRoleName(role, name string) chromedp.QueryOption {
	return chromedp.ByFunc(func(ctx context.Context, tg *chromedp.Target, n *chromedp.Node) ([]cdp.NodeID, error) {
		res, err := cdp.Call(ctx, tg, accessibility.QueryAXTree, accessibility.QueryAXTreeParams{NodeID: n.NodeID, AccessibleName: name, Role: role})
		if err != nil {
			return nil, err
		}
		var backend []cdp.BackendNodeID
		for _, ax := range res.Nodes {
			if ax.BackendDOMNodeID != 0 && !ax.Ignored {
				backend = append(backend, ax.BackendDOMNodeID)
			}
		}
		if len(backend) == 0 {
			return nil, nil
		}
		ids, err := cdp.Call(ctx, tg, dom.PushNodesByBackendIDsToFrontend, dom.PushNodesByBackendIDsToFrontendParams{BackendNodeIDs: backend})
		return ids.NodeIDs, err
	})
}

// dialogs accepts every confirm dialog the page opens and records its text.
type dialogs struct {
	mu   sync.Mutex
	seen []string
}

func acceptDialogs(ctx context.Context) *dialogs {
	d := &dialogs{}
	events := chromedp.Events(ctx, page.JavascriptDialogOpening)
	go func() {
		for ev, err := range events {
			if err != nil {
				return
			}
			d.mu.Lock()
			d.seen = append(d.seen, string(ev.Type)+": "+ev.Message)
			d.mu.Unlock()
			_, _ = chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true})
		}
	}()
	return d
}

func (d *dialogs) all() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]string(nil), d.seen...)
}

// shooter saves screenshots into $LUNAS_SCREENSHOTS (relative to the
// repository root), at a laptop's and a phone's width. Unset, it does nothing.
type shooter struct {
	t   *testing.T
	dir string
}

func newShooter(t *testing.T) shooter {
	dir := os.Getenv("LUNAS_SCREENSHOTS")
	if dir != "" && !filepath.IsAbs(dir) {
		dir = filepath.Join(testutil.RepoRoot(), dir)
	}
	if dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return shooter{t: t, dir: dir}
}

func (s shooter) shoot(ctx context.Context, name string) {
	s.t.Helper()
	if s.dir == "" {
		return
	}
	for _, v := range []struct {
		suffix string
		w, h   int64
		mobile bool
	}{{"desktop", 1280, 800, false}, {"phone", 390, 844, true}} {
		opts := []chromedp.EmulateViewportOption{chromedp.EmulateScale(1)}
		if v.mobile {
			opts = append(opts, chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulatePortrait)
		}
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(v.w, v.h, opts...)); err != nil {
			s.t.Fatalf("screenshot %s: %v", name, err)
		}
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			s.t.Fatalf("screenshot %s: %v", name, err)
		}
		if err := os.WriteFile(filepath.Join(s.dir, name+"-"+v.suffix+".png"), png, 0o644); err != nil {
			s.t.Fatal(err)
		}
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 800)); err != nil {
		s.t.Fatal(err)
	}
}

// TestConsoleInABrowser drives the review console in chromium against the
// whole stack: lunas serve with the demo store plugin on a real Redis.
func TestConsoleInABrowser(t *testing.T) {
	chromium := chromiumPath(t)
	r := testutil.NewRedis(t)

	// Two open orders of 275.000 make the demo payload ambiguous. They were
	// placed the morning of the payload's bank date (15 Jan 2025), so they
	// existed when the money arrived.
	placed := time.Date(2025, 1, 15, 8, 0, 0, 0, core.Jakarta)
	orders := []demostore.Order{
		{ID: "1001", Number: "1001", Status: "on-hold", Amount: sdk.Rupiah(150123), Currency: "IDR", CreatedAt: placed},
		{ID: "1002", Number: "1002", Status: "on-hold", Amount: sdk.Rupiah(275000), Currency: "IDR", CreatedAt: placed},
		{ID: "1003", Number: "1003", Status: "pending", Amount: sdk.Rupiah(275000), Currency: "IDR", CreatedAt: placed},
	}
	dir := t.TempDir()
	b, _ := json.Marshal(orders)
	ordersFile := filepath.Join(dir, "orders.json")
	if err := os.WriteFile(ordersFile, b, 0o600); err != nil {
		t.Fatal(err)
	}
	ns := "lunas:demo:console"
	l := testutil.StartLunas(t, testutil.LunasOptions{Redis: r,
		Admin: fmt.Sprintf("username = %q\n  password = %q", consoleUser, consolePass),
		Stores: fmt.Sprintf(`
store "demo" {
  plugin   = "demo"
  bank_ids = ["*"]
  settings = {
    redis_addr  = %q
    redis_db    = %d
    namespace   = %q
    orders_file = %q
  }
}`, r.Addr, r.DB, ns, ordersFile)})
	rdb := redis.NewClient(r.Options())
	defer rdb.Close()
	order := func(id string) demostore.Order {
		t.Helper()
		o, ok, err := demostore.Get(context.Background(), rdb, ns, id)
		if err != nil || !ok {
			t.Fatalf("order %s: found=%v err=%v", id, ok, err)
		}
		return o
	}

	// A queue left behind by a renamed store block, for the overview.
	client := asynq.NewClient(asynq.RedisClientOpt{Addr: r.Addr, DB: r.DB})
	defer client.Close()
	for i := range 3 {
		if _, err := client.Enqueue(asynq.NewTask("moota:mutation", []byte(`{}`)), asynq.Queue("store:toko-lama"), asynq.TaskID(fmt.Sprintf("moota:4Aqz9OmvWPV:old%d", i))); err != nil {
			t.Fatal(err)
		}
	}

	body, err := os.ReadFile(filepath.Join(testutil.RepoRoot(), "examples", "payloads", "demo_275000_ambiguous.json"))
	if err != nil {
		t.Fatal(err)
	}
	if resp := l.Send(t, body); resp.Status != http.StatusOK {
		t.Fatalf("webhook answered %d %s", resp.Status, resp.Raw)
	}
	const itemID = "moota:4Aqz9OmvWPV:dEmO275000b"
	item := func() map[string]any {
		t.Helper()
		var it map[string]any
		if code := adminGet(t, l.AdminURL+"/api/review/"+itemID, &it); code != http.StatusOK {
			return nil
		}
		return it
	}
	testutil.Eventually(t, 60*time.Second, "the ambiguous review item", func() bool {
		it := item()
		return it != nil && it["reason"] == "ambiguous"
	})

	ctx := newBrowser(t, chromium)
	seen := acceptDialogs(ctx)
	shots := newShooter(t)
	itemURL := l.AdminURL + "/review/" + itemID

	t.Run("the list shows the item and links to it", func(t *testing.T) {
		if err := chromedp.Do(ctx, chromedp.Navigate(l.AdminURL+"/review")); err != nil {
			t.Fatal(err)
		}
		text, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main")))
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"Rp 275.000", "15 Jan 2025, 11:02:40 WIB", "Several orders fit", "TRSF E-BANKING CR 1501/FTSCY/WS95077 275000.00 SITI"} {
			if !strings.Contains(text, want) {
				t.Errorf("list lacks %q:\n%s", want, text)
			}
		}
		// The keyboard's first stop is the skip link, and it leads to the content.
		if err := chromedp.Do(ctx, chromedp.KeyEvent("\t")); err != nil {
			t.Fatal(err)
		}
		focused, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.activeElement.textContent`))
		if err != nil || focused != "Skip to content" {
			t.Errorf("first Tab focuses %q (%v); want the skip link", focused, err)
		}
		shots.shoot(ctx, "list")
	})

	t.Run("the overview shows the orphan queue and the open item", func(t *testing.T) {
		if err := chromedp.Do(ctx, chromedp.Navigate(l.AdminURL+"/review/overview")); err != nil {
			t.Fatal(err)
		}
		text, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main")))
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"Orphan queues", "store:toko-lama", "3 tasks: 3 pending", "lunas replay --queue store:toko-lama", "store:demo"} {
			if !strings.Contains(text, want) {
				t.Errorf("overview lacks %q:\n%s", want, text)
			}
		}
		shots.shoot(ctx, "overview")
	})

	t.Run("the item page shows the mutation and its candidates", func(t *testing.T) {
		if err := chromedp.Do(ctx, chromedp.Navigate(l.AdminURL+"/review"), chromedp.Click(chromedp.CSS(`a[href="/review/`+itemID+`"]`))); err != nil {
			t.Fatal(err)
		}
		if err := chromedp.Do(ctx, chromedp.WaitVisible("", byRoleName("button", "Pay order 1002"))); err != nil {
			t.Fatal(err)
		}
		text, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main")))
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"Rp 275.000", "1234567890", "15 Jan 2025, 11:02:40 WIB (UTC+07:00)", "Order 1003", "Created 15 Jan 2025"} {
			if !strings.Contains(text, want) {
				t.Errorf("item page lacks %q:\n%s", want, text)
			}
		}
		shots.shoot(ctx, "item")
	})

	t.Run("a form post without the CSRF token pays nothing", func(t *testing.T) {
		// From the browser: the form for order 1003 with its token removed.
		if err := chromedp.Do(ctx,
			chromedp.Navigate(itemURL),
			chromedp.Evaluate[chromedp.Void](`document.querySelectorAll('input[name="csrf_token"]').forEach(function (i) { i.remove(); })`),
			chromedp.Click("", byRoleName("button", "Pay order 1003")),
			// The refusal page and an outcome on the item page both show a
			// .flash message; the item page before the post has none.
			chromedp.WaitVisible(chromedp.CSS("main .flash")),
		); err != nil {
			t.Fatal(err)
		}
		text, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main")))
		if !strings.Contains(text, "403") || !strings.Contains(text, "Nothing was done") {
			t.Errorf("post without a token shows %q; want the 403 refusal", text)
		}
		// From another program with the login but no token.
		req, _ := http.NewRequest(http.MethodPost, itemURL+"/pay", strings.NewReader(url.Values{"order": {"1003"}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.SetBasicAuth(consoleUser, consolePass)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("POST without a token = %d; want 403", resp.StatusCode)
		}
		if o := order("1003"); o.PaidBy != "" || o.Status != "pending" {
			t.Fatalf("order 1003 after posts without a token: %+v; want it still pending and unpaid", o)
		}
		if it := item(); it["status"] != "open" {
			t.Fatalf("review item after posts without a token: %v; want open", it["status"])
		}
	})

	t.Run("Pay order 1002 asks, pays, and shows the outcome", func(t *testing.T) {
		if err := chromedp.Do(ctx,
			chromedp.Navigate(itemURL),
			chromedp.Click("", byRoleName("button", "Pay order 1002")),
			chromedp.WaitVisible(chromedp.ID("outcome")),
		); err != nil {
			t.Fatal(err)
		}
		outcome, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("outcome")))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(outcome, "Order 1002 paid") {
			t.Fatalf("outcome %q; want %q", outcome, "Order 1002 paid")
		}
		var confirmed bool
		for _, d := range seen.all() {
			confirmed = confirmed || (strings.HasPrefix(d, "confirm: ") && strings.Contains(d, "Pay order 1002"))
		}
		if !confirmed {
			t.Fatalf("no confirm dialog for order 1002; dialogs seen: %q", seen.all())
		}
		history, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("ol.history")))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(history, consoleUser) || !strings.Contains(history, "WIB") {
			t.Errorf("history %q; want the action by %s with its zone", history, consoleUser)
		}
		shots.shoot(ctx, "item-paid")

		if o := order("1002"); o.PaidBy != "dEmO275000b" || o.Status != "processing" {
			t.Fatalf("order 1002 in the demo store: %+v; want paid by dEmO275000b", o)
		}
		if o := order("1003"); o.PaidBy != "" {
			t.Fatalf("order 1003 was paid too: %+v", o)
		}
		it := item()
		if it["status"] != "resolved" || it["resolved_order"] != "1002" {
			t.Fatalf("review item %v; want resolved with order 1002", it)
		}
		acts, _ := it["actions"].([]any)
		if len(acts) == 0 || acts[len(acts)-1].(map[string]any)["actor"] != consoleUser {
			t.Fatalf("review item actions %v; want the last by %s", acts, consoleUser)
		}
	})
}

// adminGet GETs an admin API URL with the console's login into v.
func adminGet(t *testing.T, u string, v any) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	req.SetBasicAuth(consoleUser, consolePass)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode == http.StatusOK {
		if err := json.Unmarshal(b, v); err != nil {
			t.Fatalf("GET %s: %v", u, err)
		}
	}
	return resp.StatusCode
}
