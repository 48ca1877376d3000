package fakeshopify

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/lunas-dev/lunas/sdk"
)

const testToken = "shpat_fake_static_token"

type reply struct {
	Status int
	Data   map[string]any
	Errors []gqlError
	Cost   map[string]any
	Raw    string
}

func post(t *testing.T, s *Server, token, query string, vars map[string]any) reply {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, s.URL()+"/admin/api/2026-01/graphql.json", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Shopify-Access-Token", token)
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatalf("post: %v", err)
	}
	defer resp.Body.Close()
	var raw bytes.Buffer
	_, _ = raw.ReadFrom(resp.Body)
	var env struct {
		Data       map[string]any `json:"data"`
		Errors     []gqlError     `json:"errors"`
		Extensions struct {
			Cost map[string]any `json:"cost"`
		} `json:"extensions"`
	}
	_ = json.Unmarshal(raw.Bytes(), &env)
	return reply{Status: resp.StatusCode, Data: env.Data, Errors: env.Errors, Cost: env.Extensions.Cost, Raw: raw.String()}
}

func newFake(t *testing.T) *Server {
	return New(t, Options{AccessToken: testToken, ClientID: "cid", ClientSecret: "csecret"})
}

const listQuery = `query($q: String!, $first: Int!, $after: String) {
  orders(first: $first, after: $after, query: $q, sortKey: CREATED_AT, reverse: true) {
    pageInfo { hasNextPage endCursor }
    nodes { id name totalOutstandingSet { shopMoney { amount } } }
  }
}`

func nodeIDs(t *testing.T, r reply) ([]string, map[string]any) {
	t.Helper()
	if len(r.Errors) > 0 {
		t.Fatalf("errors: %+v", r.Errors)
	}
	orders := r.Data["orders"].(map[string]any)
	var ids []string
	for _, n := range orders["nodes"].([]any) {
		ids = append(ids, n.(map[string]any)["id"].(string))
	}
	return ids, orders["pageInfo"].(map[string]any)
}

func TestValidationRejectsWholeDocument(t *testing.T) {
	s := newFake(t)
	o := s.AddOrder(NewOrder{Amount: sdk.Rupiah(1000), Note: "keep"})
	tests := map[string]struct {
		query string
		vars  map[string]any
		want  string
	}{
		"unknown field":             {`query { shop { nam } }`, nil, "Field 'nam' doesn't exist on type 'Shop'"},
		"scalar with selections":    {`query { shop { name { x } } }`, nil, "Selections can't be made on scalars"},
		"object without selections": {`query { shop }`, nil, "Field must have selections"},
		"unused variable":           {`query($x: ID!) { shop { name } }`, map[string]any{"x": "1"}, "declared by anonymous query but not used"},
		"undeclared variable":       {`query { order(id: $id) { id } }`, nil, "not declared"},
		"missing required variable": {`query($id: ID!) { order(id: $id) { id } }`, nil, "was provided invalid value"},
		"bad mutation field": {`mutation($in: OrderInput!) { orderUpdate(input: $in) { userErrors { field message } } tagsAdd(id: "x") { nope } }`,
			map[string]any{"in": map[string]any{"id": o.ID, "note": "overwritten"}}, "Field 'nope' doesn't exist"},
		"first above 250": {`query { orders(first: 251) { nodes { id } } }`, nil, "maximum number of records"},
		"no first":        {`query { orders { nodes { id } } }`, nil, "one of first or last"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			r := post(t, s, testToken, tc.query, tc.vars)
			if r.Status != http.StatusOK || len(r.Errors) == 0 || !strings.Contains(r.Errors[0].Message, tc.want) {
				t.Fatalf("got HTTP %d %s, want an error containing %q", r.Status, r.Raw, tc.want)
			}
		})
	}
	if got, _ := s.Order(o.ID); got.Note != "keep" || got.NoteWrites != 0 {
		t.Fatalf("an invalid document ran a mutation: %+v", got)
	}
}

func TestOrdersPaginationAndFilters(t *testing.T) {
	s := newFake(t)
	now := time.Now().UTC()
	var open []string
	for i := range 5 {
		open = append(open, s.AddOrder(NewOrder{Amount: sdk.Rupiah(1000), CreatedAt: now.Add(-time.Duration(i) * time.Minute)}).ID)
	}
	s.AddOrder(NewOrder{Amount: sdk.Rupiah(1000), FinancialStatus: "PAID"})
	s.AddOrder(NewOrder{Amount: sdk.Rupiah(1000), Cancelled: true})
	s.AddOrder(NewOrder{Amount: sdk.Rupiah(1000), CreatedAt: now.AddDate(0, 0, -10)})
	q := "financial_status:pending status:open created_at:>=" + now.AddDate(0, 0, -2).Format("2006-01-02")

	var got []string
	vars := map[string]any{"q": q, "first": 2}
	for pages := 1; ; pages++ {
		ids, info := nodeIDs(t, post(t, s, testToken, listQuery, vars))
		got = append(got, ids...)
		if info["hasNextPage"] != true {
			if pages != 3 {
				t.Fatalf("%d pages, want 3", pages)
			}
			break
		}
		vars["after"] = info["endCursor"]
	}
	if strings.Join(got, ",") != strings.Join(open, ",") {
		t.Fatalf("pages gave %v, want newest first %v", got, open)
	}

	bad := post(t, s, testToken, listQuery, map[string]any{"q": q, "first": 2, "after": "not-a-cursor"})
	if len(bad.Errors) == 0 || !strings.Contains(bad.Errors[0].Message, "Invalid cursor") {
		t.Fatalf("bad cursor: %s", bad.Raw)
	}

	s.SetIndexLag(true)
	s.Cancel(open[0])
	if ids, _ := nodeIDs(t, post(t, s, testToken, listQuery, map[string]any{"q": q, "first": 10})); len(ids) != 5 {
		t.Fatalf("with a lagging index a just-cancelled order should still match: %d orders", len(ids))
	}
	s.SetIndexLag(false)
	if ids, _ := nodeIDs(t, post(t, s, testToken, listQuery, map[string]any{"q": q, "first": 10})); len(ids) != 4 {
		t.Fatalf("after reindexing the cancelled order should not match: %d orders", len(ids))
	}
}

func TestMutationsKeepShopifysSemantics(t *testing.T) {
	s := newFake(t)
	o := s.AddOrder(NewOrder{Amount: sdk.Amount(14990), Note: "first line"})
	if o.Name == "" || o.Outstanding != sdk.Amount(14990) {
		t.Fatalf("seeded %+v", o)
	}
	r := post(t, s, testToken, `query($id: ID!) { order(id: $id) { totalOutstandingSet { shopMoney { amount } } } }`, map[string]any{"id": o.ID})
	if amt := r.Data["order"].(map[string]any)["totalOutstandingSet"].(map[string]any)["shopMoney"].(map[string]any)["amount"]; amt != "149.9" {
		t.Fatalf("amount = %v, want Shopify's unpadded 149.9", amt)
	}

	mark := `mutation($input: OrderMarkAsPaidInput!) { orderMarkAsPaid(input: $input) { order { displayFinancialStatus } userErrors { field message } } }`
	first := post(t, s, testToken, mark, map[string]any{"input": map[string]any{"id": o.ID}})
	if p := first.Data["orderMarkAsPaid"].(map[string]any); len(p["userErrors"].([]any)) != 0 {
		t.Fatalf("first mark: %s", first.Raw)
	}
	second := post(t, s, testToken, mark, map[string]any{"input": map[string]any{"id": o.ID}})
	if !strings.Contains(second.Raw, "Order cannot be marked as paid.") || second.Status != http.StatusOK {
		t.Fatalf("second mark: %s", second.Raw)
	}

	post(t, s, testToken, `mutation($in: OrderInput!) { orderUpdate(input: $in) { userErrors { message } } }`,
		map[string]any{"in": map[string]any{"id": o.ID, "note": "replaced"}})
	post(t, s, testToken, `mutation($id: ID!, $tags: [String!]!) { tagsAdd(id: $id, tags: $tags) { userErrors { message } } }`,
		map[string]any{"id": o.ID, "tags": []string{"a", "b, c"}})
	mf := post(t, s, testToken, `mutation($m: [MetafieldsSetInput!]!) { metafieldsSet(metafields: $m) { metafields { key } userErrors { code } } }`,
		map[string]any{"m": []any{
			map[string]any{"ownerId": o.ID, "namespace": "lunas", "key": "mutation", "type": "single_line_text_field", "value": "m1"},
			map[string]any{"ownerId": o.ID, "namespace": "lunas", "key": "other", "value": "no type"},
		}})
	if !strings.Contains(mf.Raw, "BLANK") {
		t.Fatalf("metafieldsSet with a bad entry: %s", mf.Raw)
	}
	got, _ := s.Order(o.ID)
	if got.FinancialStatus != "PAID" || got.MarkPaidCalls != 1 || got.Note != "replaced" || got.NoteWrites != 1 ||
		strings.Join(got.Tags, ",") != "a,b,c" || got.Metafield("lunas", "mutation") != "" {
		t.Fatalf("after mutations: %+v", got)
	}
}

func TestCostAndThrottle(t *testing.T) {
	s := newFake(t)
	for range 3 {
		s.AddOrder(NewOrder{Amount: sdk.Rupiah(5)})
	}
	r := post(t, s, testToken, `query { orders(first: 10) { nodes { id } } }`, nil)
	if r.Cost["requestedQueryCost"] != 12.0 || r.Cost["actualQueryCost"] != 5.0 {
		t.Fatalf("cost = %v, want requested 2+10 and actual 2+3", r.Cost)
	}
	s.SetAvailable(3)
	r = post(t, s, testToken, `query { orders(first: 10) { nodes { id } } }`, nil)
	if r.Status != http.StatusOK || len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != "THROTTLED" {
		t.Fatalf("empty bucket: %s", r.Raw)
	}
	if ts := r.Cost["throttleStatus"].(map[string]any); ts["currentlyAvailable"].(float64) >= 12 || ts["restoreRate"] != 50.0 {
		t.Fatalf("throttle status %v", ts)
	}
	s.SetAvailable(1000)
	s.ForceThrottle(1)
	if r = post(t, s, testToken, `query { shop { name } }`, nil); len(r.Errors) == 0 {
		t.Fatalf("forced throttle did not throttle: %s", r.Raw)
	}
	if r = post(t, s, testToken, `query { shop { name } }`, nil); len(r.Errors) != 0 {
		t.Fatalf("after the forced throttle: %s", r.Raw)
	}
	if st := s.Stats(); st.Throttled != 2 {
		t.Fatalf("throttled = %d, want 2", st.Throttled)
	}
}

func TestTokens(t *testing.T) {
	s := newFake(t)
	if r := post(t, s, "shpat_wrong", `query { shop { name } }`, nil); r.Status != http.StatusUnauthorized || !strings.Contains(r.Raw, "Invalid API key or access token") {
		t.Fatalf("wrong token: %d %s", r.Status, r.Raw)
	}
	grant := func(secret string) (int, string) {
		resp, err := s.Client().PostForm(s.URL()+"/admin/oauth/access_token", url.Values{
			"grant_type": {"client_credentials"}, "client_id": {"cid"}, "client_secret": {secret}})
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out struct {
			AccessToken string `json:"access_token"`
			ExpiresIn   int    `json:"expires_in"`
		}
		_ = json.NewDecoder(resp.Body).Decode(&out)
		return resp.StatusCode, out.AccessToken
	}
	if code, _ := grant("wrong"); code != http.StatusBadRequest {
		t.Fatalf("grant with a wrong secret: HTTP %d", code)
	}
	code, tok := grant("csecret")
	if code != http.StatusOK || tok == "" {
		t.Fatalf("grant: HTTP %d", code)
	}
	if r := post(t, s, tok, `query { shop { name } }`, nil); r.Status != http.StatusOK {
		t.Fatalf("granted token refused: %s", r.Raw)
	}
	s.ExpireTokens()
	if r := post(t, s, tok, `query { shop { name } }`, nil); r.Status != http.StatusUnauthorized {
		t.Fatalf("expired token accepted: %s", r.Raw)
	}
	s.SetScopes("read_orders")
	r := post(t, s, testToken, `mutation($id: ID!, $t: [String!]!) { tagsAdd(id: $id, tags: $t) { userErrors { message } } }`,
		map[string]any{"id": "gid://shopify/Order/1", "t": []string{"x"}})
	if len(r.Errors) == 0 || r.Errors[0].Extensions["code"] != "ACCESS_DENIED" || !strings.Contains(r.Errors[0].Message, "write_orders") {
		t.Fatalf("mutation without write_orders: %s", r.Raw)
	}
}
