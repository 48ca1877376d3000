package fakemoota_test

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/lunas-dev/lunas/core/moota/fakemoota"
	"github.com/lunas-dev/lunas/sdk"
)

func post(t *testing.T, f *fakemoota.Server, path, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("POST", f.URL()+path, strings.NewReader(body))
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer tok")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestTaggingAnswersLikeMoota replays the tagging exchanges of
// moota-php-sdk's test server (tests/server/public/index.php) and mocks.
func TestTaggingAnswersLikeMoota(t *testing.T) {
	f := fakemoota.New(t, "tok")
	f.AddMutation(fakemoota.Mutation{ID: "8aolk43WJxM", BankID: "b1", Amount: sdk.Rupiah(1000), Date: time.Now()})
	steps := []struct {
		method, path, body string
		status             int
		answer             string
	}{
		{"GET", "/tagging", "", 200, `{"error":false,"tagging":[]}`},
		{"POST", "/tagging/mutation/8aolk43WJxM", `{"name":["assurance"]}`, 422, `{"error":true,"message":"Data tidak ditemukan"}`},
		{"POST", "/tagging", `{}`, 422, `{"errors":{"name":["Kolom name harus diisi."]},"message":"The given data was invalid."}`},
		{"POST", "/tagging", `{"name":"assurance"}`, 200, `{"error":false,"tagging":{"name":"assurance","tag_id":"`},
		{"GET", "/tagging?tag=assurance", "", 200, `{"error":false,"tagging":[{"name":"assurance","tag_id":"`},
		{"GET", "/tagging?tag=cash", "", 200, `{"error":false,"tagging":[]}`},
		{"POST", "/tagging/mutation/8aolk43WJxM", `{"name":["assurance"]}`, 200, `{"message":"OK"}`},
		{"POST", "/tagging/mutation/unknown", `{"name":["assurance"]}`, 404, `{"error":true,"message":"Data tidak ditemukan"}`},
		{"POST", "/mutation/unknown/note", `{"note":"x"}`, 404, `{"error":true,"message":"Data tidak ditemukan"}`},
		{"POST", "/mutation/8aolk43WJxM/note", `{"note":"Lunas"}`, 200, `{"mutation":{`},
	}
	for _, s := range steps {
		var status int
		var body string
		if s.method == "GET" {
			status, body = get(t, f, s.path, "tok")
		} else {
			status, body = post(t, f, s.path, s.body)
		}
		if status != s.status || !strings.HasPrefix(body, s.answer) {
			t.Fatalf("%s %s %s = %d %s, want %d %s...", s.method, s.path, s.body, status, body, s.status, s.answer)
		}
	}
	if tags := f.Tags("8aolk43WJxM"); len(tags) != 1 || tags[0] != "assurance" {
		t.Fatalf("tags %v", tags)
	}
	w := f.Writes()
	if len(w) != 3 || w[0].Kind != "create_tag" || w[1].Kind != "attach" || w[2].Kind != "note" || w[2].Note != "Lunas" {
		t.Fatalf("writes %+v, want create_tag, attach, note", w)
	}
}

func TestVirtualAccountMutation(t *testing.T) {
	f := fakemoota.New(t, "tok")
	f.AddMutation(fakemoota.Mutation{ID: "va1", BankID: "b1", BankType: "bniVA", AccountNumber: "9880812345678901",
		Token: "tk-va1", CheckoutOrderID: "moota-va#1042", Amount: sdk.Rupiah(250000), Date: time.Now()})
	_, body := get(t, f, "/mutation?bank=b1", "tok")
	for _, want := range []string{`"account_number":"9880812345678901"`, `"bank_type":"bniVA"`, `"token":"tk-va1"`, `"payment_detail":{"order_id":"moota-va#1042"}`} {
		if !strings.Contains(body, want) {
			t.Errorf("listing lacks %s: %s", want, body)
		}
	}
}
