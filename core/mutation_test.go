package core

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lunas-dev/lunas/sdk"
)

func TestParseMutations(t *testing.T) {
	tests := []struct {
		name    string
		body    string
		want    []sdk.Amount
		account string
		wantErr string
	}{
		{name: "array with number amount", body: `[{"mutation_id":"a","bank_id":"b","amount":150123,"type":"CR","account_number":"123"}]`, want: []sdk.Amount{15012300}, account: "123"},
		{name: "string amount", body: `[{"mutation_id":"a","bank_id":"b","amount":"10000","type":"CR"}]`, want: []sdk.Amount{1000000}},
		{name: "decimal string amount", body: `[{"mutation_id":"a","bank_id":"b","amount":"12111.00","type":"CR"}]`, want: []sdk.Amount{1211100}},
		{name: "decimal number amount kept exact", body: `[{"mutation_id":"a","bank_id":"b","amount":3799460.89,"type":"CR"}]`, want: []sdk.Amount{379946089}},
		{name: "integer account number", body: `[{"mutation_id":"a","bank_id":"b","amount":1,"type":"CR","account_number":4966821}]`, want: []sdk.Amount{100}, account: "4966821"},
		{name: "lone object", body: `{"mutation_id":"a","bank_id":"b","amount":1,"type":"CR"}`, want: []sdk.Amount{100}},
		{name: "numeric ids", body: `[{"mutation_id":6192242,"bank_id":2219812,"amount":1,"type":"cr"}]`, want: []sdk.Amount{100}},
		{name: "unknown fields and missing bank, taggings, note", body: `[{"mutation_id":"a","bank_id":"b","amount":1,"type":"DB","new_field":{"x":[1,2]}}]`, want: []sdk.Amount{100}},
		{name: "two mutations", body: `[{"mutation_id":"a","bank_id":"b","amount":1,"type":"CR"},{"mutation_id":"c","bank_id":"b","amount":2,"type":"CR"}]`, want: []sdk.Amount{100, 200}},
		{name: "lone object without mutation_id", body: `{"bank_id":"b","amount":1,"type":"CR"}`, wantErr: "mutation_id is missing"},
		{name: "missing bank_id", body: `[{"mutation_id":"a","amount":1,"type":"CR"}]`, wantErr: "bank_id is missing"},
		{name: "missing amount", body: `[{"mutation_id":"a","bank_id":"b","type":"CR"}]`, wantErr: "amount is missing"},
		{name: "bad amount", body: `[{"mutation_id":"a","bank_id":"b","amount":"12,5","type":"CR"}]`, wantErr: "amount"},
		{name: "exponent amount", body: `[{"mutation_id":"a","bank_id":"b","amount":1e5,"type":"CR"}]`, wantErr: "exponent"},
		{name: "bad type", body: `[{"mutation_id":"a","bank_id":"b","amount":1,"type":"XX"}]`, wantErr: "type must be CR or DB"},
		{name: "not JSON", body: `hello`, wantErr: "expected a JSON array"},
		{name: "empty", body: ``, wantErr: "empty body"},
		{name: "array of strings", body: `["a"]`, wantErr: "mutation 0"},
		{name: "truncated", body: `[{"mutation_id":"a"`, wantErr: "not a JSON array"},
		{name: "id with colon", body: `[{"mutation_id":"a:b","bank_id":"b","amount":1,"type":"CR"}]`, wantErr: "may hold only letters"},
		{name: "id with an escape sequence", body: `[{"mutation_id":"a\u001b[2Jb","bank_id":"b","amount":1,"type":"CR"}]`, wantErr: `mutation_id "a\x1b[2Jb" may hold only`},
		{name: "id with a line separator", body: `[{"mutation_id":"a\u2028b","bank_id":"b","amount":1,"type":"CR"}]`, wantErr: `mutation_id "a\u2028b" may hold only`},
		{name: "id with a quote", body: `[{"mutation_id":"a'b","bank_id":"b","amount":1,"type":"CR"}]`, wantErr: "may hold only letters"},
		{name: "non-ASCII id", body: `[{"mutation_id":"\u0430bc","bank_id":"b","amount":1,"type":"CR"}]`, wantErr: "may hold only letters"},
		{name: "id of 129 bytes", body: `[{"mutation_id":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","bank_id":"b","amount":1,"type":"CR"}]`, wantErr: "129 bytes long; at most 128"},
		{name: "id of 128 bytes", body: `[{"mutation_id":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","bank_id":"b","amount":1,"type":"CR"}]`, want: []sdk.Amount{100}},
		{name: "bank_id with a slash", body: `[{"mutation_id":"a","bank_id":"../b","amount":1,"type":"CR"}]`, wantErr: "bank_id"},
		{name: "invalid UTF-8 in the description", body: "[{\"mutation_id\":\"a\",\"bank_id\":\"b\",\"amount\":1,\"type\":\"CR\",\"description\":\"x\xff\"}]", wantErr: "invalid UTF-8 at byte 73"},
		{name: "invalid UTF-8 in an unknown field", body: "{\"mutation_id\":\"a\",\"bank_id\":\"b\",\"amount\":1,\"type\":\"CR\",\"x\":\"\xc3\"}", wantErr: "invalid UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseMutations([]byte(tt.body))
			if tt.wantErr != "" {
				if err == nil || !errors.Is(err, ErrPayload) || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want ErrPayload containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("%d mutations, want %d", len(got), len(tt.want))
			}
			for i, m := range got {
				if m.Amount != tt.want[i] {
					t.Errorf("mutation %d amount = %s, want %s", i, m.Amount, tt.want[i])
				}
				if m.Type != Credit && m.Type != Debit {
					t.Errorf("type %q not normalised", m.Type)
				}
			}
			if tt.account != "" && got[0].AccountNumber != tt.account {
				t.Errorf("account number = %q, want %q", got[0].AccountNumber, tt.account)
			}
		})
	}
}

func TestParseMutationsStripsBankMeta(t *testing.T) {
	body := `[{"mutation_id":"a","bank_id":"b","amount":1,"type":"CR","bank":{"bank_type":"bca","meta":{"session_id":"s3cr3t"},"label":"BCA"}}]`
	got, err := ParseMutations([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(got[0].Raw), "s3cr3t") || strings.Contains(string(got[0].Raw), `"meta"`) {
		t.Fatalf("Raw still holds bank.meta: %s", got[0].Raw)
	}
	if got[0].BankType != "bca" || !strings.Contains(string(got[0].Raw), `"label":"BCA"`) {
		t.Fatalf("other bank fields lost: %s", got[0].Raw)
	}
	again, err := ParseMutation(got[0].Raw)
	if err != nil || again.Amount != got[0].Amount || again.ID != "a" {
		t.Fatalf("Raw does not parse back: %v %+v", err, again)
	}
}

// TestParseMutationsStripsBankMetaInAnySpelling was found by FuzzParseMutations: Go
// matches JSON field names case-insensitively, so "BAnk"/"META" (or a
// \u-escaped name) would have kept session tokens in the stored task.
func TestParseMutationsStripsBankMetaInAnySpelling(t *testing.T) {
	for _, body := range []string{
		`{"mutation_id":"a","bank_id":"b","amount":1,"type":"CR","BAnk":{"meta":{"s":"tok1"}}}`,
		`{"mutation_id":"a","bank_id":"b","amount":1,"type":"CR","bank":{"META":{"s":"tok1"}}}`,
		`{"mutation_id":"a","bank_id":"b","amount":1,"type":"CR","bank":{"\u006deta":{"s":"tok1"}}}`,
	} {
		ms, err := ParseMutations([]byte(body))
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(ms[0].Raw), "tok1") {
			t.Errorf("bank.meta kept for %s: %s", body, ms[0].Raw)
		}
	}
}

func TestParseMutationsDates(t *testing.T) {
	got, err := ParseMutations([]byte(`[{"mutation_id":"a","bank_id":"b","amount":1,"type":"CR","date":"2025-01-15 10:21:07"}]`))
	if err != nil {
		t.Fatal(err)
	}
	if want := "2025-01-15T03:21:07Z"; got[0].Date.UTC().Format("2006-01-02T15:04:05Z") != want {
		t.Fatalf("date = %s, want %s (Asia/Jakarta is UTC+7)", got[0].Date.UTC(), want)
	}
}

// TestSpecPayloads parses every verified payload shipped in examples/payloads.
func TestSpecPayloads(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("..", "examples", "payloads", "*.json"))
	if len(files) < 3 {
		t.Fatalf("found %d payloads, want at least the 3 from spec/payloads", len(files))
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			ms, err := ParseMutations(b)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range ms {
				if m.ID == "" || m.BankID == "" || m.Amount <= 0 {
					t.Errorf("incomplete mutation %+v", m.Mutation)
				}
				if strings.Contains(string(m.Raw), "browser_session_id") {
					t.Errorf("bank.meta kept in Raw")
				}
			}
		})
	}
}

// TestParseMutationIDIsStable: the id decided at the webhook is the id the
// worker re-parses from the stored payload (the task id and the
// idempotency key must agree), whatever duplicate keys the body holds.
func TestParseMutationIDIsStable(t *testing.T) {
	body := `{"mutation_id":"a","MUTATION_ID":"z","bank_id":"b","amount":1,"type":"CR","bank":{"meta":1}}`
	ms, err := ParseMutations([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	again, err := ParseMutation(ms[0].Raw)
	if err != nil || again.ID != ms[0].ID {
		t.Fatalf("id %q at the webhook, %q when re-parsed (%v)", ms[0].ID, again.ID, err)
	}
}
