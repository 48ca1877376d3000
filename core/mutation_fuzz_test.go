package core

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse feeds ParseMutations arbitrary bodies, seeded with the spec's
// payloads. It must never panic; anything it accepts is complete, keeps no
// bank.meta, and its Raw parses back to the same mutation.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("..", "examples", "payloads", "*.json"))
	for _, file := range files {
		if b, err := os.ReadFile(file); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`{"mutation_id":"a","bank_id":"b","amount":"12111.00","type":"CR"}`))
	f.Add([]byte(`[{"mutation_id":1,"bank_id":2,"amount":1e2,"type":"DB","bank":{"meta":{"x":1}}}]`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, body []byte) {
		ms, err := ParseMutations(body)
		if err != nil {
			if !errors.Is(err, ErrPayload) {
				t.Fatalf("error does not wrap ErrPayload: %v", err)
			}
			return
		}
		for _, m := range ms {
			if m.ID == "" || m.BankID == "" || (m.Type != Credit && m.Type != Debit) {
				t.Fatalf("accepted an incomplete mutation: %+v", m.Mutation)
			}
			if bankHasMeta(t, m.Raw) {
				t.Fatalf("bank.meta kept in Raw: %s", m.Raw)
			}
			again, err := ParseMutation(m.Raw)
			if err != nil {
				t.Fatalf("Raw does not parse back: %v\n%s", err, m.Raw)
			}
			if again.ID != m.ID || again.BankID != m.BankID || again.Amount != m.Amount || again.Type != m.Type || again.Description != m.Description {
				t.Fatalf("Raw parses to %+v, want %+v", again.Mutation, m.Mutation)
			}
		}
	})
}
