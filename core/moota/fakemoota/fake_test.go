package fakemoota_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/lunas-dev/lunas/core/moota/fakemoota"
	"github.com/lunas-dev/lunas/sdk"
)

func get(t *testing.T, f *fakemoota.Server, path, token string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", f.URL()+path, nil)
	req.Header.Set("Accept", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestFakeAnswersLikeMoota(t *testing.T) {
	f := fakemoota.New(t, "tok")
	day := time.Date(2025, 1, 15, 9, 0, 0, 0, time.UTC)
	for range 11 {
		f.AddMutation(fakemoota.Mutation{BankID: "b1", Amount: sdk.Rupiah(150123), Date: day})
	}
	f.AddMutation(fakemoota.Mutation{BankID: "b1", Type: "DB", Amount: sdk.Rupiah(1), Date: day})
	f.AddMutation(fakemoota.Mutation{BankID: "b1", Amount: sdk.Rupiah(1), Date: day.AddDate(0, 0, 2)})

	cases := []struct {
		name, path, token string
		status            int
		check             func(t *testing.T, body string)
	}{
		{"no token", "/mutation", "", 401, func(t *testing.T, body string) {
			if body != `{"error":"Unauthenticated."}` {
				t.Fatalf("body %s", body)
			}
		}},
		{"wrong token", "/bank", "nope", 401, nil},
		{"per_page defaults to 10", "/mutation?type=CR&bank=b1&start_date=2025-01-15&end_date=2025-01-15", "tok", 200, func(t *testing.T, body string) {
			var p struct {
				Data []struct {
					Amount json.RawMessage `json:"amount"`
					Type   string          `json:"type"`
				} `json:"data"`
				LastPage int `json:"last_page"`
				PerPage  int `json:"per_page"`
				Total    int `json:"total"`
			}
			if err := json.Unmarshal([]byte(body), &p); err != nil {
				t.Fatal(err)
			}
			if len(p.Data) != 10 || p.LastPage != 2 || p.PerPage != 10 || p.Total != 11 {
				t.Fatalf("page %+v, want 10 of 11 credits on 2 pages", p)
			}
			if string(p.Data[0].Amount) != `"150123.00"` || p.Data[0].Type != "CR" {
				t.Fatalf("first item %+v, want a CR with amount \"150123.00\"", p.Data[0])
			}
		}},
		{"bad date", "/mutation?start_date=15-01-2025&end_date=2025-13-01", "tok", 422, func(t *testing.T, body string) {
			var e struct {
				Message string              `json:"message"`
				Errors  map[string][]string `json:"errors"`
			}
			_ = json.Unmarshal([]byte(body), &e)
			if e.Message != "The start date does not match the format Y-m-d. (and 1 more error)" || len(e.Errors) != 2 {
				t.Fatalf("422 body %s", body)
			}
		}},
		{"unknown bank", "/mutation?bank=zz", "tok", 404, nil},
		{"unknown route", "/nothing", "tok", 404, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status, body := get(t, f, tc.path, tc.token)
			if status != tc.status {
				t.Fatalf("%s answered %d %s, want %d", tc.path, status, body, tc.status)
			}
			if tc.check != nil {
				tc.check(t, body)
			}
		})
	}
}

func TestFakeFailNext(t *testing.T) {
	f := fakemoota.New(t, "tok")
	f.FailNext(2, http.StatusBadGateway)
	for i, want := range []int{502, 502, 200} {
		if status, body := get(t, f, "/bank", "tok"); status != want {
			t.Fatalf("request %d answered %d %s, want %d", i, status, body, want)
		}
	}
	if reqs := f.Requests(); len(reqs) != 3 || !strings.HasPrefix(reqs[0].Path, "/bank") || reqs[2].Status != 200 {
		t.Fatalf("request log %+v", reqs)
	}
}
