package woo

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/lunas-dev/lunas/plugins/woocommerce/fakewoo"
	"github.com/lunas-dev/lunas/sdk"
)

func TestStoreErrorsAreRetryableWithTheServersDelay(t *testing.T) {
	httpDate := time.Now().Add(90 * time.Second).UTC().Format(http.TimeFormat)
	tests := []struct {
		name      string
		fault     fakewoo.Fault
		wantDelay time.Duration // 0: the core's backoff
		delta     time.Duration // tolerance for HTTP dates, which have whole seconds
	}{
		{"429 with Retry-After seconds", fakewoo.Fault{Status: 429, RetryAfter: "2"}, 2 * time.Second, 0},
		{"503 with Retry-After date", fakewoo.Fault{Status: 503, RetryAfter: httpDate}, 90 * time.Second, 2 * time.Second},
		{"500 without Retry-After", fakewoo.Fault{Status: 500}, 0, 0},
		{"502 from a proxy", fakewoo.Fault{Status: 502}, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			shop := newShop(t, nil)
			shop.fake.FailNext(1, tt.fault)
			_, err := shop.find(sdk.Rupiah(1000), time.Now().Add(-time.Hour))
			if err == nil {
				t.Fatal("FindOpenOrders succeeded through a fault")
			}
			class, delay := sdk.ClassOf(err)
			if class != sdk.ClassRetryable {
				t.Fatalf("class %s (%v), want retryable", class, err)
			}
			if d := delay - tt.wantDelay; d < -tt.delta || d > tt.delta {
				t.Errorf("RetryAfter = %s, want %s", delay, tt.wantDelay)
			}
			if _, err := shop.find(sdk.Rupiah(1000), time.Now().Add(-time.Hour)); err != nil {
				t.Errorf("the call after the fault failed: %v", err)
			}
		})
	}
}

func TestUnauthorizedIsPermanentAndNamesThePermission(t *testing.T) {
	const readKey, readSecret = "ck_readonly00000000000000000000000000000000", "cs_readonly11111111111111111111111111111111"
	fake := fakewoo.Start(t, fakewoo.Options{TLS: true, Keys: []fakewoo.Key{
		{ConsumerKey: fakewoo.DefaultConsumerKey, ConsumerSecret: fakewoo.DefaultConsumerSecret, Permissions: fakewoo.ReadWrite},
		{ConsumerKey: readKey, ConsumerSecret: readSecret, Permissions: fakewoo.Read},
	}})
	wrongSecret := "cs_wrong9999999999999999999999999999999999999"
	tests := []struct {
		name        string
		key, secret string
		auth        string
		call        func(*testShop) error
		wantWC      string // WooCommerce's own message
	}{
		{"wrong secret, Basic", fakewoo.DefaultConsumerKey, wrongSecret, "basic", findCall, "Consumer secret is invalid."},
		{"wrong secret, query", fakewoo.DefaultConsumerKey, wrongSecret, "query", findCall, "Consumer secret is invalid."},
		{"wrong secret, OAuth over TLS", fakewoo.DefaultConsumerKey, wrongSecret, "oauth1", findCall, "provided signature does not match"},
		{"read-only key writing", readKey, readSecret, "basic", applyCall, "does not have write permissions"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			shop := &testShop{fake: fake, store: configured(t, map[string]any{
				"base_url": fake.URL(), "consumer_key": tt.key, "consumer_secret": tt.secret,
				"auth": tt.auth, "ca_file": fake.CAFile(t),
			})}
			err := tt.call(shop)
			if err == nil || !sdk.IsPermanent(err) {
				t.Fatalf("err = %v, want permanent", err)
			}
			msg := err.Error()
			for _, want := range []string{"401", tt.wantWC, "the API key needs Read/Write permission"} {
				if !strings.Contains(msg, want) {
					t.Errorf("error %q does not mention %q", msg, want)
				}
			}
			for _, secret := range []string{tt.key, tt.secret} {
				if strings.Contains(msg, secret) {
					t.Errorf("error %q contains a credential", msg)
				}
			}
		})
	}
}

func findCall(s *testShop) error {
	_, err := s.find(sdk.Rupiah(1000), time.Now().Add(-time.Hour))
	return err
}

func applyCall(s *testShop) error {
	amt := sdk.Rupiah(42000)
	o := s.seed(amt, fakewoo.Order{})
	_, err := s.apply(o, mutation("mut-401", amt))
	return err
}

// A failed connection under auth = "query" must not leak the secret that
// travels in the URL: *url.Error quotes the whole URL.
func TestNetworkErrorsCarryNoSecret(t *testing.T) {
	fake := fakewoo.New(fakewoo.Options{TLS: true})
	ca := fake.CAFile(t)
	store := configured(t, map[string]any{"base_url": fake.URL(), "consumer_key": fakewoo.DefaultConsumerKey,
		"consumer_secret": fakewoo.DefaultConsumerSecret, "auth": "query", "ca_file": ca})
	fake.Close()
	_, err := store.FindOpenOrders(context.Background(), &sdk.FindOpenOrdersRequest{Since: time.Now()})
	if err == nil || sdk.IsPermanent(err) {
		t.Fatalf("err = %v, want retryable", err)
	}
	if strings.Contains(err.Error(), fakewoo.DefaultConsumerSecret) || strings.Contains(err.Error(), fakewoo.DefaultConsumerKey) {
		t.Fatalf("error leaks a credential: %v", err)
	}
}

func TestBadRequestIsPermanentWithWooCommercesMessage(t *testing.T) {
	shop := newShop(t, nil)
	_, c, _ := shop.store.current()
	_, err := c.do(context.Background(), "PUT", "/orders/1", nil, map[string]any{"status": "paid"}, nil)
	if !sdk.IsPermanent(err) || !strings.Contains(err.Error(), "rest_invalid_param: Invalid parameter(s): status") {
		t.Fatalf("err = %v, want permanent with WooCommerce's message", err)
	}
}

func TestRedirectIsReportedNotFollowed(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "https://www.tokobudi.id"+r.URL.RequestURI(), http.StatusMovedPermanently)
	}))
	t.Cleanup(srv.Close)
	store := configured(t, map[string]any{"base_url": srv.URL, "consumer_key": fakewoo.DefaultConsumerKey,
		"consumer_secret": fakewoo.DefaultConsumerSecret})
	_, err := store.FindOpenOrders(context.Background(), &sdk.FindOpenOrdersRequest{Since: time.Now()})
	if !sdk.IsPermanent(err) || !strings.Contains(err.Error(), "https://www.tokobudi.id/wp-json/wc/v3/orders") ||
		!strings.Contains(err.Error(), "base_url") {
		t.Fatalf("err = %v, want a permanent error naming the redirect target and base_url", err)
	}
	if strings.Contains(err.Error(), "oauth_signature") {
		t.Errorf("error repeats the signed query: %v", err)
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2025, 6, 3, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"", 0},
		{"2", 2 * time.Second},
		{" 120 ", 2 * time.Minute},
		{"0", 0},
		{"-5", 0},
		{"999999999999", sdk.MaxRetryAfter},
		{"Tue, 03 Jun 2025 09:00:30 GMT", 30 * time.Second},
		{"Tue, 03 Jun 2025 08:59:00 GMT", 0},
		{"soon", 0},
	}
	for _, tt := range tests {
		if got := sdk.RetryAfter(tt.in, now); got != tt.want {
			t.Errorf("RetryAfter(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestTimeoutIsRetryable(t *testing.T) {
	shop := newShop(t, map[string]any{"timeout": "100ms"})
	shop.fake.FailNext(1, fakewoo.Fault{Delay: 5 * time.Second})
	_, err := shop.find(0, time.Now().Add(-time.Hour))
	if err == nil || sdk.IsPermanent(err) || !strings.Contains(err.Error(), "no answer within 100ms") {
		t.Fatalf("err = %v, want a retryable timeout naming the setting", err)
	}
	if errors.Is(err, context.Canceled) {
		t.Errorf("a timeout of ours is reported as the caller's cancellation: %v", err)
	}
}
