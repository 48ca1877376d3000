package fakewoo

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

// call sends a request with Basic credentials over TLS and decodes the JSON answer.
func call(t *testing.T, s *Server, method, path string, body any, out any) *http.Response {
	t.Helper()
	var rdr io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rdr = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, s.URL()+apiPrefix+path, rdr)
	req.Header.Set("Content-Type", "application/json")
	req.SetBasicAuth(DefaultConsumerKey, DefaultConsumerSecret)
	resp, err := s.ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if out != nil {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			t.Fatalf("%s %s: decode: %v", method, path, err)
		}
	}
	return resp
}

type orderJSON struct {
	ID            int64   `json:"id"`
	Status        string  `json:"status"`
	TransactionID string  `json:"transaction_id"`
	DatePaidGMT   *string `json:"date_paid_gmt"`
	MetaData      []struct {
		ID    int64  `json:"id"`
		Key   string `json:"key"`
		Value string `json:"value"`
	} `json:"meta_data"`
}

func TestUpdateSemantics(t *testing.T) {
	tests := []struct {
		name       string
		seed       Order
		body       map[string]any
		wantStatus string
		wantPaid   bool
	}{
		{"cancelled accepts processing (no guard)", Order{Status: "cancelled"}, map[string]any{"status": "processing"}, "processing", true},
		{"set_paid is a no-op on on-hold", Order{Status: "on-hold"}, map[string]any{"set_paid": true}, "on-hold", false},
		{"set_paid pays a pending order", Order{Status: "pending"}, map[string]any{"set_paid": true}, "processing", true},
		{"set_paid completes a virtual pending order", Order{Status: "pending", Virtual: true}, map[string]any{"set_paid": true}, "completed", true},
		{"status before set_paid", Order{Status: "pending"}, map[string]any{"status": "on-hold", "set_paid": true}, "on-hold", false},
		{"processing on a virtual order sets no paid date", Order{Status: "on-hold", Virtual: true}, map[string]any{"status": "processing"}, "processing", false},
		{"completed after processing status sets the date", Order{Status: "on-hold"}, map[string]any{"status": "completed"}, "completed", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := Start(t, Options{TLS: true})
			o := s.AddOrder(tt.seed)
			var got orderJSON
			if resp := call(t, s, "PUT", "/orders/"+strconv.FormatInt(o.ID, 10), tt.body, &got); resp.StatusCode != 200 {
				t.Fatalf("PUT: %d", resp.StatusCode)
			}
			if got.Status != tt.wantStatus || (got.DatePaidGMT != nil) != tt.wantPaid {
				t.Errorf("status %q date_paid_gmt %v; want %q, paid date %v", got.Status, got.DatePaidGMT, tt.wantStatus, tt.wantPaid)
			}
			if l := s.Ledger(o.ID); l.Writes != 1 {
				t.Errorf("ledger %+v, want one write", l)
			}
		})
	}
}

func TestMetaMergesByKey(t *testing.T) {
	s := Start(t, Options{TLS: true})
	o := s.AddOrder(Order{Meta: []Meta{{Key: "_lunas_mutation", Value: "old"}, {Key: "other", Value: "x"}, {Key: "_lunas_mutation", Value: "dup"}}})
	var got orderJSON
	call(t, s, "PUT", "/orders/"+strconv.FormatInt(o.ID, 10), map[string]any{
		"transaction_id": "m1", "meta_data": []map[string]any{{"key": "_lunas_mutation", "value": "m1"}, {"key": "new", "value": "y"}},
	}, &got)
	keys := map[string]string{}
	for _, m := range got.MetaData {
		if _, dup := keys[m.Key]; dup {
			t.Errorf("meta key %q appears twice", m.Key)
		}
		keys[m.Key] = m.Value
	}
	if keys["_lunas_mutation"] != "m1" || keys["other"] != "x" || keys["new"] != "y" || got.TransactionID != "m1" {
		t.Errorf("meta %v, transaction_id %q", keys, got.TransactionID)
	}
}

func TestListPaginationAndFilters(t *testing.T) {
	s := Start(t, Options{TLS: true})
	base := time.Now().Add(-time.Hour).Truncate(time.Second)
	for i := range 25 {
		s.AddOrder(Order{Total: "1000.00", Created: base.Add(time.Duration(i) * time.Second)})
	}
	s.AddOrder(Order{Status: "cancelled", Created: base})
	s.AddOrder(Order{Created: base.Add(-time.Hour)})

	after := base.Add(-time.Second).UTC().Format(time.RFC3339)
	var page []orderJSON
	resp := call(t, s, "GET", "/orders?status=on-hold,pending&per_page=10&page=3&dates_are_gmt=true&after="+url.QueryEscape(after)+"&orderby=date&order=desc&payment_method=cod", nil, &page)
	if resp.Header.Get("X-WP-Total") != "25" || resp.Header.Get("X-WP-TotalPages") != "3" || len(page) != 5 {
		t.Fatalf("total %s pages %s, %d on page 3; want 25, 3, 5", resp.Header.Get("X-WP-Total"), resp.Header.Get("X-WP-TotalPages"), len(page))
	}
	if link := resp.Header.Get("Link"); !strings.Contains(link, `rel="prev"`) || strings.Contains(link, `rel="next"`) {
		t.Errorf("Link %q on the last page", link)
	}
	// Without dates_are_gmt the bound is compared with the site's local
	// time (UTC+7), so a UTC wall time lets earlier orders in.
	resp = call(t, s, "GET", "/orders?per_page=100&after="+url.QueryEscape(base.Add(-time.Second).UTC().Format("2006-01-02T15:04:05")), nil, &page)
	if resp.Header.Get("X-WP-Total") != "27" {
		t.Errorf("local-time comparison: total %s, want all 27 orders", resp.Header.Get("X-WP-Total"))
	}
	var e struct{ Code string }
	if resp := call(t, s, "GET", "/orders?per_page=101", nil, &e); resp.StatusCode != 400 || e.Code != "rest_invalid_param" {
		t.Errorf("per_page=101: %d %s, want 400 rest_invalid_param", resp.StatusCode, e.Code)
	}
}

func TestErrorsAndPermissions(t *testing.T) {
	s := Start(t, Options{TLS: true, Keys: []Key{
		{ConsumerKey: DefaultConsumerKey, ConsumerSecret: DefaultConsumerSecret, Permissions: ReadWrite},
		{ConsumerKey: "ck_read", ConsumerSecret: "cs_read", Permissions: Read},
	}})
	o := s.AddOrder(Order{})
	path := "/orders/" + strconv.FormatInt(o.ID, 10)
	tests := []struct {
		name, method, path string
		key, secret        string
		status             int
		code               string
	}{
		{"unknown order", "GET", "/orders/999999", DefaultConsumerKey, DefaultConsumerSecret, 404, "woocommerce_rest_shop_order_invalid_id"},
		{"update unknown order", "PUT", "/orders/999999", DefaultConsumerKey, DefaultConsumerSecret, 400, "woocommerce_rest_shop_order_invalid_id"},
		{"wrong secret", "GET", path, DefaultConsumerKey, "cs_nope", 401, "woocommerce_rest_authentication_error"},
		{"unknown key", "GET", path, "ck_nope", "cs_nope", 401, "woocommerce_rest_authentication_error"},
		{"read key writing", "PUT", path, "ck_read", "cs_read", 401, "woocommerce_rest_authentication_error"},
		{"no route", "GET", "/products", DefaultConsumerKey, DefaultConsumerSecret, 404, "rest_no_route"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest(tt.method, s.URL()+apiPrefix+tt.path, strings.NewReader(`{"status":"processing"}`))
			req.Header.Set("Content-Type", "application/json")
			req.SetBasicAuth(tt.key, tt.secret)
			resp, err := s.ts.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var e struct {
				Code string
				Data struct{ Status int }
			}
			_ = json.NewDecoder(resp.Body).Decode(&e)
			if resp.StatusCode != tt.status || e.Code != tt.code || e.Data.Status != tt.status {
				t.Errorf("%d %s (data.status %d), want %d %s", resp.StatusCode, e.Code, e.Data.Status, tt.status, tt.code)
			}
		})
	}
	if l := s.Ledger(o.ID); l.Writes != 0 {
		t.Errorf("refused requests wrote: %+v", l)
	}
}

func TestBasicOverPlainHTTPIsAnonymous(t *testing.T) {
	s := Start(t, Options{})
	req, _ := http.NewRequest("GET", s.URL()+apiPrefix+"/orders", nil)
	req.SetBasicAuth(DefaultConsumerKey, DefaultConsumerSecret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Fatalf("Basic over HTTP: %d, want 401", resp.StatusCode)
	}
}

// The RFC 5849 section 3.4.1 example without its repeated a3 parameter
// (PHP keeps one value per key) gives the RFC's base string minus that
// pair, with one WooCommerce difference: it sorts the raw names (strcmp)
// before encoding them, so "c2" comes before "c@" (encoded "c%40").
func TestStringToSignFollowsRFC5849(t *testing.T) {
	r := httptest.NewRequest("POST", "http://example.com/request", nil)
	params := map[string]string{
		"b5": "=%3D", "a3": "2 q", "c@": "", "a2": "r b", "c2": "",
		"oauth_consumer_key": "9djdj82h48djs9d2", "oauth_token": "kkk9d7dh3k39sjv7", "oauth_signature_method": "HMAC-SHA1",
		"oauth_timestamp": "137131201", "oauth_nonce": "7d8f3e4a", "oauth_signature": "ignored",
	}
	want := "POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26b5%3D%253D%25253D%26" +
		"c2%3D%26c%2540%3D%26oauth_consumer_key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26" +
		"oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk9d7dh3k39sjv7"
	if got := stringToSign(r, params); got != want {
		t.Errorf("string to sign\n got %s\nwant %s", got, want)
	}
}

func TestOAuthHMACSHA1IsAccepted(t *testing.T) {
	s := Start(t, Options{})
	u, _ := url.Parse(s.URL() + apiPrefix + "/orders")
	q := url.Values{"oauth_consumer_key": {DefaultConsumerKey}, "oauth_nonce": {"n-1"}, "oauth_signature_method": {"HMAC-SHA1"},
		"oauth_timestamp": {strconv.FormatInt(time.Now().Unix(), 10)}, "search": {"a b"}}
	params := map[string]string{}
	for k, v := range q {
		params[k] = v[0]
	}
	mac := hmac.New(sha1.New, []byte(DefaultConsumerSecret+"&"))
	mac.Write([]byte(stringToSign(httptest.NewRequest("GET", u.String(), nil), params)))
	q.Set("oauth_signature", base64.StdEncoding.EncodeToString(mac.Sum(nil)))
	u.RawQuery = q.Encode() // "+" for spaces: PHP decodes it like %20
	resp, err := http.Get(u.String())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("HMAC-SHA1 request: %d, want 200", resp.StatusCode)
	}
}

func TestFaults(t *testing.T) {
	s := Start(t, Options{TLS: true})
	o := s.AddOrder(Order{})
	s.FailNext(1, Fault{Method: "POST", Status: 429, RetryAfter: "2"})
	if resp := call(t, s, "GET", "/orders", nil, nil); resp.StatusCode != 200 {
		t.Errorf("a GET consumed a POST fault: %d", resp.StatusCode)
	}
	notes := "/orders/" + strconv.FormatInt(o.ID, 10) + "/notes"
	if resp := call(t, s, "POST", notes, map[string]any{"note": "x"}, nil); resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "2" {
		t.Errorf("fault: %d Retry-After %q, want 429 and 2", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	s.FailNotePosts(2, 500, true)
	for range 2 {
		if resp := call(t, s, "POST", notes, map[string]any{"note": "x"}, nil); resp.StatusCode != 500 {
			t.Errorf("note fault: %d, want 500", resp.StatusCode)
		}
	}
	if resp := call(t, s, "POST", notes, map[string]any{"note": "x"}, nil); resp.StatusCode != 201 {
		t.Errorf("after the faults: %d, want 201", resp.StatusCode)
	}
	if l := s.Ledger(o.ID); l.Notes != 3 {
		t.Errorf("ledger %+v, want 3 notes (2 applied despite the fault, 1 normal)", l)
	}
}
