package woo

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lunas-dev/lunas/plugins/woocommerce/fakewoo"
	"github.com/lunas-dev/lunas/sdk"
)

// The example request of RFC 5849 section 3.4.1 (its query, body and
// oauth_* parameters all signed) gives this signature base string.
func TestSignatureBaseMatchesRFC5849(t *testing.T) {
	params := url.Values{
		"b5": {"=%3D"}, "a3": {"a", "2 q"}, "c@": {""}, "a2": {"r b"}, "c2": {""},
		"oauth_consumer_key": {"9djdj82h48djs9d2"}, "oauth_token": {"kkk9d7dh3k39sjv7"},
		"oauth_signature_method": {"HMAC-SHA1"}, "oauth_timestamp": {"137131201"}, "oauth_nonce": {"7d8f3e4a"},
	}
	u, _ := url.Parse("http://EXAMPLE.COM:80/request")
	got := signatureBase("post", baseURI(u), params)
	want := "POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26a3%3Da%26b5%3D%253D%25253D%26" +
		"c%2540%3D%26c2%3D%26oauth_consumer_key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26" +
		"oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk9d7dh3k39sjv7"
	if got != want {
		t.Errorf("signature base\n got %s\nwant %s", got, want)
	}
}

func TestPercentEncode(t *testing.T) {
	tests := map[string]string{
		"abcXYZ019-._~":        "abcXYZ019-._~",
		"a b":                  "a%20b",
		"a+b":                  "a%2Bb",
		"on-hold,pending":      "on-hold%2Cpending",
		"2025-06-03T09:14:22Z": "2025-06-03T09%3A14%3A22Z",
		"*'()!":                "%2A%27%28%29%21",
		"Rp é":                 "Rp%20%C3%A9",
	}
	for in, want := range tests {
		if got := percentEncode(in); got != want {
			t.Errorf("percentEncode(%q) = %q, want %q", in, got, want)
		}
	}
}

// oauthShop is a plain-HTTP fake and a client signing with OAuth 1.0a.
func oauthShop(t *testing.T, secret string) (*fakewoo.Server, *client, *oauth1) {
	t.Helper()
	fake := fakewoo.Start(t, fakewoo.Options{})
	store := configured(t, map[string]any{"base_url": fake.URL(), "consumer_key": fakewoo.DefaultConsumerKey,
		"consumer_secret": secret})
	cfg, c, _ := store.current()
	o, ok := cfg.auth.(*oauth1)
	if !ok {
		t.Fatalf("auth over plain HTTP is %T, want OAuth 1.0a", cfg.auth)
	}
	return fake, c, o
}

func TestOAuth1IsAcceptedWithSpacesInParameters(t *testing.T) {
	fake, c, _ := oauthShop(t, fakewoo.DefaultConsumerSecret)
	o := fake.AddOrder(fakewoo.Order{Total: "150123.00", Customer: "Budi Santoso", Created: time.Now().Add(-time.Hour)})
	var orders []wcOrder
	q := url.Values{
		"search":  {"budi santoso"},
		"after":   {time.Now().Add(-2 * time.Hour).UTC().Format("2006-01-02 15:04:05")},
		"_fields": {"id,number"},
	}
	if _, err := c.do(context.Background(), "GET", "/orders", q, nil, &orders); err != nil {
		t.Fatalf("signed GET with spaces in parameters: %v", err)
	}
	if len(orders) != 1 || orders[0].ID != o.ID {
		t.Fatalf("got %+v, want order %d (the fake applied the search)", orders, o.ID)
	}
	// A signed write with a JSON body: the body is not part of the signature.
	if _, err := c.do(context.Background(), "POST", "/orders/"+strconv.FormatInt(o.ID, 10)+"/notes", nil, map[string]any{"note": "a b+c"}, nil); err != nil {
		t.Fatalf("signed POST: %v", err)
	}
}

func TestOAuth1Rejections(t *testing.T) {
	tests := []struct {
		name   string
		secret string
		tweak  func(*oauth1)
		repeat bool // send the same request twice; the second must fail
		want   string
	}{
		{name: "wrong secret", secret: "cs_not-the-secret000000000000000000000000", want: "Invalid signature - provided signature does not match."},
		{name: "stale timestamp", tweak: func(o *oauth1) { o.now = func() time.Time { return time.Now().Add(-16 * time.Minute) } }, want: "Invalid timestamp."},
		{name: "future timestamp", tweak: func(o *oauth1) { o.now = func() time.Time { return time.Now().Add(16 * time.Minute) } }, want: "Invalid timestamp."},
		{name: "reused nonce", tweak: func(o *oauth1) { o.nonce = func() (string, error) { return "same-nonce", nil } }, repeat: true, want: "Invalid nonce - nonce has already been used."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			secret := tt.secret
			if secret == "" {
				secret = fakewoo.DefaultConsumerSecret
			}
			_, c, o := oauthShop(t, secret)
			if tt.tweak != nil {
				tt.tweak(o)
			}
			get := func() error {
				_, err := c.do(context.Background(), "GET", "/orders", url.Values{"per_page": {"1"}}, nil, nil)
				return err
			}
			if tt.repeat {
				if err := get(); err != nil {
					t.Fatalf("first request: %v", err)
				}
			}
			err := get()
			if err == nil || !sdk.IsPermanent(err) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want a permanent 401 saying %q", err, tt.want)
			}
			if strings.Contains(err.Error(), secret) {
				t.Errorf("error contains the secret: %v", err)
			}
		})
	}
}

// WordPress ignores Basic credentials over plain HTTP: the request is
// anonymous and refused.
func TestBasicOverPlainHTTPIsRefused(t *testing.T) {
	_, c, _ := oauthShop(t, fakewoo.DefaultConsumerSecret)
	c.auth = basicAuth{key: fakewoo.DefaultConsumerKey, secret: fakewoo.DefaultConsumerSecret}
	_, err := c.do(context.Background(), "GET", "/orders", nil, nil, nil)
	if statusOf(err) != 401 || !strings.Contains(err.Error(), "woocommerce_rest_cannot_view") {
		t.Fatalf("err = %v, want 401 woocommerce_rest_cannot_view", err)
	}
}
