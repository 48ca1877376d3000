package moota_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lunas-dev/lunas/core"
	"github.com/lunas-dev/lunas/core/moota"
	"github.com/lunas-dev/lunas/core/moota/fakemoota"
	"github.com/lunas-dev/lunas/sdk"
)

const token = "mt-personal-token-0123456789abcdef"

var day = time.Date(2025, 1, 15, 10, 0, 0, 0, core.Jakarta)

func newClient(f *fakemoota.Server, tok string, perPage int) *moota.Client {
	return moota.New(moota.Config{BaseURL: f.URL(), Token: tok, PerPage: perPage})
}

// collect lists every mutation of bank on day and parses each with the core.
func collect(t *testing.T, c *moota.Client, bank string) []core.Mutation {
	t.Helper()
	var out []core.Mutation
	err := c.Mutations(context.Background(), bank, day, day, func(raw json.RawMessage) error {
		m, err := core.ParseMutation(raw)
		if err != nil {
			t.Fatalf("core.ParseMutation(%s): %v", raw, err)
		}
		out = append(out, m)
		return nil
	})
	if err != nil {
		t.Fatalf("Mutations: %v", err)
	}
	return out
}

func TestMutationsPagesThroughEveryCredit(t *testing.T) {
	f := fakemoota.New(t, token)
	want := map[string]bool{}
	for i := range 25 {
		m := f.AddMutation(fakemoota.Mutation{BankID: "bankA", Amount: sdk.Rupiah(int64(100000 + i)), Date: day.Add(time.Duration(i) * time.Minute)})
		want[m.ID] = true
	}
	f.AddMutation(fakemoota.Mutation{BankID: "bankA", Type: "DB", Amount: sdk.Rupiah(5000), Date: day})
	f.AddMutation(fakemoota.Mutation{BankID: "bankB", Amount: sdk.Rupiah(7000), Date: day})
	f.AddMutation(fakemoota.Mutation{BankID: "bankA", Amount: sdk.Rupiah(9000), Date: day.AddDate(0, 0, -1)})

	got := collect(t, newClient(f, token, 10), "bankA")
	if len(got) != len(want) {
		t.Fatalf("listed %d mutations, want %d", len(got), len(want))
	}
	for _, m := range got {
		if !want[m.ID] || m.Type != core.Credit || m.BankID != "bankA" {
			t.Fatalf("unexpected mutation %+v", m)
		}
		delete(want, m.ID)
	}
	if len(want) != 0 {
		t.Fatalf("never listed %v", want)
	}
	var pages []string
	for _, r := range f.Requests() {
		q, _ := url.ParseQuery(r.Query)
		if r.Method != "GET" || r.Path != "/mutation" || q.Get("type") != "CR" || q.Get("bank") != "bankA" ||
			q.Get("start_date") != "2025-01-15" || q.Get("end_date") != "2025-01-15" || q.Get("per_page") != "10" {
			t.Fatalf("request %+v, want GET /mutation?type=CR&bank=bankA&start_date=end_date=2025-01-15&per_page=10", r)
		}
		if !r.Authorized || r.Accept != "application/json" {
			t.Fatalf("request %+v without the Bearer token or Accept: application/json", r)
		}
		pages = append(pages, q.Get("page"))
	}
	if strings.Join(pages, ",") != "1,2,3" {
		t.Fatalf("asked for pages %v, want 1,2,3", pages)
	}
}

func TestMutationsDatesAreJakartaDays(t *testing.T) {
	f := fakemoota.New(t, token)
	c := newClient(f, token, 0)
	// 20:00 UTC on the 14th is 03:00 on the 15th in Jakarta.
	from := time.Date(2025, 1, 14, 20, 0, 0, 0, time.UTC)
	to := time.Date(2025, 1, 16, 16, 59, 0, 0, time.UTC)
	if err := c.Mutations(context.Background(), "bankA", from, to, func(json.RawMessage) error { return nil }); err == nil {
		t.Fatal("listing an unknown bank succeeded; the fake answers 404")
	}
	q, _ := url.ParseQuery(f.Requests()[0].Query)
	if q.Get("start_date") != "2025-01-15" || q.Get("end_date") != "2025-01-16" || q.Get("per_page") != "100" {
		t.Fatalf("query %v, want start_date 2025-01-15, end_date 2025-01-16, per_page 100 (the default)", q)
	}
}

func TestMutationsStringAmountsParseExactly(t *testing.T) {
	f := fakemoota.New(t, token)
	amounts := map[string]sdk.Amount{}
	for _, a := range []sdk.Amount{sdk.Rupiah(150123), 1211150, sdk.Rupiah(10000)} {
		amounts[f.AddMutation(fakemoota.Mutation{BankID: "bankA", Amount: a, Date: day}).ID] = a
	}
	var raws []string
	c := newClient(f, token, 0)
	err := c.Mutations(context.Background(), "bankA", day, day, func(raw json.RawMessage) error {
		raws = append(raws, string(raw))
		m, err := core.ParseMutation(raw)
		if err != nil {
			return err
		}
		if m.Amount != amounts[m.ID] {
			t.Errorf("mutation %s: amount %s, want %s", m.ID, m.Amount, amounts[m.ID])
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(raws) != 3 || !strings.Contains(strings.Join(raws, ""), `"amount":"150123.00"`) {
		t.Fatalf("want the fake's string amounts like \"150123.00\" in %v", raws)
	}
}

func TestMutationsStopsOnCallbackError(t *testing.T) {
	f := fakemoota.New(t, token)
	for range 3 {
		f.AddMutation(fakemoota.Mutation{BankID: "bankA", Amount: sdk.Rupiah(1000), Date: day})
	}
	stop := errors.New("redis is down")
	n := 0
	err := newClient(f, token, 1).Mutations(context.Background(), "bankA", day, day, func(json.RawMessage) error {
		n++
		return stop
	})
	if !errors.Is(err, stop) || n != 1 || len(f.Requests()) != 1 {
		t.Fatalf("err %v after %d calls and %d requests; want the callback's error after 1 call, 1 request", err, n, len(f.Requests()))
	}
}

// A simple paginator (next_page_url, no last_page) and a server that
// ignores type=CR: every page is read and debits never reach the caller.
func TestMutationsSimplePaginatorAndStrayDebits(t *testing.T) {
	pages := map[string]string{
		"1": `{"current_page":1,"data":[{"mutation_id":"a","bank_id":"b","type":"CR","amount":"1.00"},{"mutation_id":"d","bank_id":"b","type":"DB","amount":"1.00"}],"next_page_url":"x?page=2","per_page":"2"}`,
		"2": `{"current_page":2,"data":[{"mutation_id":"c","bank_id":"b","type":"CR","amount":2}],"next_page_url":null,"per_page":"2"}`,
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, pages[r.URL.Query().Get("page")])
	}))
	defer srv.Close()
	var ids []string
	err := moota.New(moota.Config{BaseURL: srv.URL, Token: token}).Mutations(context.Background(), "b", day, day, func(raw json.RawMessage) error {
		m, err := core.ParseMutation(raw)
		ids = append(ids, m.ID)
		return err
	})
	if err != nil || strings.Join(ids, ",") != "a,c" {
		t.Fatalf("ids %v, err %v; want a,c", ids, err)
	}
}

func TestBankIDs(t *testing.T) {
	for _, list := range []bool{false, true} {
		t.Run(fmt.Sprintf("bare list %v", list), func(t *testing.T) {
			f := fakemoota.New(t, token)
			f.ServeBanksAsList(list)
			var want []string
			for i := range 12 { // more than Laravel's default page of 10
				id := fmt.Sprintf("bank%02d", i)
				f.AddBank(fakemoota.Bank{ID: id, Meta: map[string]string{"session": "s"}})
				want = append(want, id)
			}
			got, err := newClient(f, token, 0).BankIDs(context.Background())
			if err != nil || strings.Join(got, ",") != strings.Join(want, ",") {
				t.Fatalf("BankIDs = %v, %v; want %v", got, err, want)
			}
			wantRequests := 2
			if list {
				wantRequests = 1
			}
			if n := len(f.Requests()); n != wantRequests {
				t.Fatalf("%d requests, want %d", n, wantRequests)
			}
		})
	}
}

func TestAddNoteAndTagBodies(t *testing.T) {
	f := fakemoota.New(t, token)
	id := f.AddMutation(fakemoota.Mutation{ID: "3ykV/Jx?nw#1", BankID: "bankA", Amount: sdk.Rupiah(150123), Date: day}).ID
	f.AddTag("WooCommerce")
	c := newClient(f, token, 0)
	ctx := context.Background()
	if err := c.Tag(ctx, id, []string{"1042", "WooCommerce"}); err != nil {
		t.Fatal(err)
	}
	if err := c.Tag(ctx, id, []string{"1042", "WooCommerce"}); err != nil { // a retry
		t.Fatal(err)
	}
	if err := c.AddNote(ctx, id, "Lunas: membayar pesanan #1042"); err != nil {
		t.Fatal(err)
	}
	if tags := f.Tags(id); !slices.Equal(tags, []string{"1042", "WooCommerce"}) {
		t.Fatalf("tags %v, want [1042 WooCommerce] once", tags)
	}
	if n := f.Notes(id); n != "Lunas: membayar pesanan #1042" {
		t.Fatalf("note %q", n)
	}
	reqs := f.Requests()
	want := []struct{ method, path, query, body string }{
		{"GET", "/tagging", "tag=1042%2CWooCommerce", ""},
		{"POST", "/tagging", "", `{"name":"1042"}`},
		{"POST", "/tagging/mutation/3ykV%2FJx%3Fnw%231", "", `{"name":["1042","WooCommerce"]}`},
		// The retry knows both tags exist: no listing.
		{"POST", "/tagging/mutation/3ykV%2FJx%3Fnw%231", "", `{"name":["1042","WooCommerce"]}`},
		{"POST", "/mutation/3ykV%2FJx%3Fnw%231/note", "", `{"note":"Lunas: membayar pesanan #1042"}`},
	}
	if len(reqs) != len(want) {
		t.Fatalf("%d requests %+v, want %d", len(reqs), reqs, len(want))
	}
	for i, w := range want {
		r := reqs[i]
		if r.Method != w.method || r.Path != w.path || r.Query != w.query || r.Body != w.body || !r.Authorized || r.Status != 200 {
			t.Fatalf("request %d = %+v, want %s %s?%s %s", i, r, w.method, w.path, w.query, w.body)
		}
	}
}

func TestErrorsAreClassified(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name      string
		token     string
		setup     func(f *fakemoota.Server)
		call      func(c *moota.Client, id string) error
		permanent bool
		delay     time.Duration
		contains  []string
	}{
		{name: "401 wrong token", token: "mt-wrong-token-999",
			call:      func(c *moota.Client, _ string) error { _, err := c.BankIDs(ctx); return err },
			permanent: true, contains: []string{"401", "Unauthenticated.", "moota.api_token"}},
		{name: "422 empty note",
			call:      func(c *moota.Client, id string) error { return c.AddNote(ctx, id, " ") },
			permanent: true, contains: []string{"422", "The note field is required."}},
		{name: "404 unknown mutation",
			call:      func(c *moota.Client, _ string) error { return c.Tag(ctx, "nope", []string{"x"}) },
			permanent: true, contains: []string{"404", "Data tidak ditemukan"}},
		{name: "429 honours Retry-After",
			setup:    func(f *fakemoota.Server) { f.FailNextWith(1, fakemoota.TooManyRequests(7)) },
			call:     func(c *moota.Client, id string) error { return c.AddNote(ctx, id, "x") },
			delay:    7 * time.Second,
			contains: []string{"429", "Too Many Attempts."}},
		{name: "503 retryable",
			setup:    func(f *fakemoota.Server) { f.FailNext(1, http.StatusServiceUnavailable) },
			call:     func(c *moota.Client, id string) error { return c.Tag(ctx, id, []string{"x"}) },
			contains: []string{"503"}},
		{name: "500 while listing",
			setup:    func(f *fakemoota.Server) { f.FailNext(1, http.StatusInternalServerError) },
			call:     func(c *moota.Client, _ string) error { return c.Mutations(ctx, "bankA", day, day, nil) },
			contains: []string{"500", "Server Error"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := fakemoota.New(t, token)
			id := f.AddMutation(fakemoota.Mutation{BankID: "bankA", Amount: sdk.Rupiah(1000), Date: day}).ID
			if tc.setup != nil {
				tc.setup(f)
			}
			tok := token
			if tc.token != "" {
				tok = tc.token
			}
			err := tc.call(newClient(f, tok, 0), id)
			if err == nil {
				t.Fatal("no error")
			}
			class, delay := sdk.ClassOf(err)
			if sdk.IsPermanent(err) != tc.permanent || delay != tc.delay {
				t.Fatalf("class %s delay %s (%v), want permanent=%v delay %s", class, delay, err, tc.permanent, tc.delay)
			}
			for _, s := range tc.contains {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not say %q", err, s)
				}
			}
			if strings.Contains(err.Error(), tok) || strings.Contains(err.Error(), token) {
				t.Fatalf("error %q holds the token", err)
			}
		})
	}
}

func TestTransportFailuresAreRetryable(t *testing.T) {
	t.Run("connection refused", func(t *testing.T) {
		srv := httptest.NewServer(http.NotFoundHandler())
		srv.Close()
		err := moota.New(moota.Config{BaseURL: srv.URL, Token: token}).AddNote(context.Background(), "m", "x")
		if err == nil || sdk.IsPermanent(err) {
			t.Fatalf("err %v, want retryable", err)
		}
	})
	t.Run("timeout", func(t *testing.T) {
		done := make(chan struct{})
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-done }))
		defer srv.Close()
		defer close(done)
		err := moota.New(moota.Config{BaseURL: srv.URL, Token: token, Timeout: 50 * time.Millisecond}).Tag(context.Background(), "m", []string{"x"})
		if err == nil || sdk.IsPermanent(err) || !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("err %v, want retryable deadline exceeded", err)
		}
	})
}

func TestAnswersThatAreNotTheAPI(t *testing.T) {
	cases := map[string]http.HandlerFunc{
		"an HTML page": func(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, "<html>hello</html>") },
		"a token echoed in an error": func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprintf(w, `{"message":"bad header %s"}`, r.Header.Get("Authorization"))
		},
	}
	for name, h := range cases {
		t.Run(name, func(t *testing.T) {
			srv := httptest.NewServer(h)
			defer srv.Close()
			_, err := moota.New(moota.Config{BaseURL: srv.URL, Token: token}).BankIDs(context.Background())
			if err == nil || !sdk.IsPermanent(err) || strings.Contains(err.Error(), token) {
				t.Fatalf("err %v, want permanent without the token", err)
			}
		})
	}
}

// Without Accept: application/json Laravel redirects an unauthenticated
// request to its login page; the fake does the same, and the client, which
// always sends the header, gets the JSON 401.
func TestUnauthenticatedIsJSONBecauseOfAccept(t *testing.T) {
	f := fakemoota.New(t, token)
	req, _ := http.NewRequest("GET", f.URL()+"/bank", nil)
	resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != "/login" {
		t.Fatalf("without Accept: %d %s, want a redirect to /login", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, err = newClient(f, "", 0).BankIDs(context.Background())
	if last := f.Requests()[1]; last.Status != http.StatusUnauthorized || !sdk.IsPermanent(err) {
		t.Fatalf("client without a token: answer %d, err %v; want 401, permanent", last.Status, err)
	}
}
