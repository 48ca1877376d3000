package shopify

import (
	"context"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/lunas-dev/lunas/plugins/shopify/fakeshopify"
	"github.com/lunas-dev/lunas/sdk"
)

func (h *harness) findErr(t *testing.T) error {
	t.Helper()
	_, err := h.store.FindOpenOrders(testCtx(t), &sdk.FindOpenOrdersRequest{Since: time.Now().Add(-time.Hour)})
	return err
}

func TestThrottledReplyIsRetryableWithComputedDelay(t *testing.T) {
	h := staticHarness(t, nil)
	h.fake.AddOrder(fakeshopify.NewOrder{Amount: sdk.Rupiah(1000)})
	if err := h.findErr(t); err != nil {
		t.Fatal(err)
	}
	requested := h.fake.Stats().LastCost.Requested
	// Another job of the same app used the budget: 60 points short.
	h.fake.SetAvailable(float64(requested - 60))

	err := h.findErr(t)
	class, delay := sdk.ClassOf(err)
	if err == nil || class != sdk.ClassRetryable {
		t.Fatalf("throttled call: %v (class %s), want a retryable error", err, class)
	}
	c := h.fake.Stats().LastCost
	want := time.Duration(math.Ceil((float64(c.Requested)-c.CurrentlyAvailable)/c.RestoreRate*1000)) * time.Millisecond
	if want < time.Second {
		want = time.Second
	}
	if h.fake.Stats().Throttled != 1 || delay != want {
		t.Fatalf("delay = %s after %d THROTTLED replies, want (%d-%v)/%v s = %s",
			delay, h.fake.Stats().Throttled, c.Requested, c.CurrentlyAvailable, c.RestoreRate, want)
	}

	time.Sleep(delay)
	if err := h.findErr(t); err != nil {
		t.Fatalf("after waiting the suggested %s: %v", delay, err)
	}
}

func TestForcedThrottleAndHTTP429(t *testing.T) {
	tests := map[string]struct {
		arm  func(*fakeshopify.Server)
		want time.Duration
	}{
		// Throttled although points remain: the computed deficit is
		// negative, so the floor applies.
		"THROTTLED with points left": {func(f *fakeshopify.Server) { f.ForceThrottle(1) }, time.Second},
		"HTTP 429 Retry-After":       {func(f *fakeshopify.Server) { f.FailNext(1, fakeshopify.TooManyRequests(3)) }, 3 * time.Second},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			h := staticHarness(t, nil)
			tc.arm(h.fake)
			err := h.findErr(t)
			if class, delay := sdk.ClassOf(err); class != sdk.ClassRetryable || delay != tc.want {
				t.Fatalf("%v: class %s delay %s, want retryable after %s", err, class, delay, tc.want)
			}
			if err := h.findErr(t); err != nil {
				t.Fatalf("next call: %v", err)
			}
		})
	}
}

func TestExpiredTokenIsRefreshedOnce(t *testing.T) {
	h := credentialsHarness(t, fakeshopify.Options{})
	if _, err := h.store.Health(testCtx(t), &sdk.HealthRequest{}); err != nil {
		t.Fatalf("Health: %v", err)
	}
	h.fake.ExpireTokens()
	if err := h.findErr(t); err != nil {
		t.Fatalf("call with an expired token: %v, want it refreshed and the call to succeed", err)
	}
	if st := h.fake.Stats(); st.TokenGrants != 2 || st.Unauthorized != 1 {
		t.Fatalf("grants %d, 401s %d; want 2 grants and the one 401 that caused the refresh", st.TokenGrants, st.Unauthorized)
	}

	h.fake.RejectTokens(true) // the app was uninstalled
	err := h.findErr(t)
	if !sdk.IsPermanent(err) || !strings.Contains(err.Error(), "HTTP 401") || !strings.Contains(err.Error(), "client_id") {
		t.Fatalf("with every token refused: %v, want a permanent 401 error pointing at the credentials", err)
	}
	if st := h.fake.Stats(); st.TokenGrants != 3 || st.Unauthorized != 3 {
		t.Fatalf("grants %d, 401s %d; want exactly one more refresh (3 grants, 3 401s)", st.TokenGrants, st.Unauthorized)
	}
}

func TestTokenIsRefreshedBeforeExpiry(t *testing.T) {
	h := credentialsHarness(t, fakeshopify.Options{TokenTTL: time.Second})
	if _, err := h.store.Health(testCtx(t), &sdk.HealthRequest{}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(time.Second)
	if _, err := h.store.Health(testCtx(t), &sdk.HealthRequest{}); err != nil {
		t.Fatal(err)
	}
	if st := h.fake.Stats(); st.TokenGrants != 2 || st.Unauthorized != 0 {
		t.Fatalf("grants %d, 401s %d; want a second grant before the first token ran out and no 401", st.TokenGrants, st.Unauthorized)
	}
}

func TestTransportAndQueryErrors(t *testing.T) {
	tests := map[string]struct {
		arm       func(*fakeshopify.Server)
		permanent bool
		want      []string
	}{
		"402 frozen":         {func(f *fakeshopify.Server) { f.FailNext(1, fakeshopify.Frozen()) }, true, []string{"402", "frozen"}},
		"403 scope":          {func(f *fakeshopify.Server) { f.FailNext(1, fakeshopify.MissingScope("read_orders")) }, true, []string{"403", "read_orders", "write_orders"}},
		"423 locked":         {func(f *fakeshopify.Server) { f.FailNext(1, fakeshopify.Locked()) }, true, []string{"423", "locked"}},
		"503":                {func(f *fakeshopify.Server) { f.FailNext(1, fakeshopify.Unavailable()) }, false, []string{"503"}},
		"dropped connection": {func(f *fakeshopify.Server) { f.FailNext(1, fakeshopify.Dropped()) }, false, []string{"FindOpenOrders"}},
		"ACCESS_DENIED":      {func(f *fakeshopify.Server) { f.SetScopes("write_orders") }, true, []string{"read_orders", "access denied"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			h := staticHarness(t, nil)
			tc.arm(h.fake)
			err := h.findErr(t)
			if err == nil || sdk.IsPermanent(err) != tc.permanent {
				t.Fatalf("error %v: permanent=%v, want %v", err, sdk.IsPermanent(err), tc.permanent)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

func TestMutationScopeMissingIsPermanent(t *testing.T) {
	h := staticHarness(t, nil)
	o := h.fake.AddOrder(fakeshopify.NewOrder{Amount: sdk.Rupiah(1000)})
	h.fake.SetScopes("read_orders")
	_, err := h.apply(t, o, mutation("m", sdk.Rupiah(1000)))
	if !sdk.IsPermanent(err) || !strings.Contains(err.Error(), "write_orders") {
		t.Fatalf("ApplyPayment without write_orders: %v, want a permanent error naming write_orders", err)
	}
}

func TestCanceledContextIsNotPermanent(t *testing.T) {
	h := staticHarness(t, nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := h.store.FindOpenOrders(ctx, &sdk.FindOpenOrdersRequest{})
	if err == nil || sdk.IsPermanent(err) || !strings.Contains(err.Error(), context.Canceled.Error()) {
		t.Fatalf("canceled call: %v, want a retryable error wrapping context.Canceled", err)
	}
}

// TestNoSecretInErrorsOrLogs drives every failure path that quotes
// something from Shopify, including a proxy that echoes the token back.
func TestNoSecretInErrorsOrLogs(t *testing.T) {
	var texts []string
	check := func(h *harness) {
		t.Helper()
		secrets := append([]string{testAccessToken, testClientSecret}, h.fake.IssuedTokens()...)
		for _, text := range append(texts, h.logs.String()) {
			for _, s := range secrets {
				if strings.Contains(text, s) {
					t.Fatalf("secret %.10s... appears in %q", s, text)
				}
			}
		}
	}

	static := staticHarness(t, nil)
	static.fake.FailNext(1, fakeshopify.Failure{Status: 500, Body: `{"errors":"upstream rejected token ` + testAccessToken + `"}`})
	static.fake.FailNext(1, fakeshopify.Failure{Status: 400, Body: `bad request for X-Shopify-Access-Token: ` + testAccessToken})
	static.fake.FailNext(1, fakeshopify.MissingScope("write_orders"))
	for range 3 {
		texts = append(texts, static.findErr(t).Error())
	}
	wrong := newHarness(t, static.fake, merge(settingsFor(static.fake), map[string]any{"access_token": "shpat_wrong0000000000000000000000000"}))
	texts = append(texts, wrong.findErr(t).Error())
	check(static)

	creds := credentialsHarness(t, fakeshopify.Options{})
	if err := creds.findErr(t); err != nil {
		t.Fatal(err)
	}
	tok := creds.fake.IssuedTokens()[0]
	creds.fake.FailNext(1, fakeshopify.Failure{Status: 502, Body: `{"errors":"proxy saw ` + tok + `"}`})
	texts = append(texts, creds.findErr(t).Error())
	creds.fake.RejectTokens(true)
	texts = append(texts, creds.findErr(t).Error())
	badSecret := newHarness(t, creds.fake, merge(settingsFor(creds.fake), map[string]any{"client_id": testClientID, "client_secret": testClientSecret + "x"}))
	texts = append(texts, badSecret.findErr(t).Error())
	for _, s := range texts {
		if s == "" {
			t.Fatal("a failure path returned no error")
		}
	}
	check(creds)
	check(badSecret)
}
