package core

import (
	"bytes"
	"encoding/json"
	"errors"
	"iter"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzParseMutations feeds ParseMutations arbitrary bodies, starting from
// the spec's payloads. It must never panic; every error must wrap
// ErrPayload; every mutation it accepts must be usable (ids, CR or DB),
// must parse again from its Raw to the same values (the worker re-parses
// Raw from the queue, so the two must agree), must decode as encoding/json
// decodes it, and must not carry bank.meta.
//
//	go test -run x -fuzz FuzzParseMutations -fuzztime 60s ./core/
func FuzzParseMutations(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("..", "examples", "payloads", "*.json"))
	if err != nil || len(files) == 0 {
		f.Fatalf("no seed payloads in examples/payloads: %v", err)
	}
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, c := range parseRegressions {
		f.Add([]byte(c.body))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		muts, err := ParseMutations(body)
		if err != nil {
			if !errors.Is(err, ErrPayload) {
				t.Fatalf("error %q does not wrap ErrPayload", err)
			}
			if muts != nil {
				t.Fatalf("mutations returned with an error")
			}
			return
		}
		for i := range muts {
			checkParsed(t, &muts[i])
		}
	})
}

// parseRegressions are bodies the fuzzer (or a reading of the parser)
// found wrong once; each must parse and pass checkParsed.
var parseRegressions = []struct{ name, body string }{
	{"lone object", `{"mutation_id":"a","bank_id":"b","amount":1,"type":"cr"}`},
	{"numeric ids and a string amount", `[{"mutation_id":123,"bank_id":456,"amount":"10000.00","type":"DB","account_number":1234567890}]`},
	{"meta outside bank is kept", `[{"mutation_id":"a","bank_id":"b","amount":1,"type":"CR","meta":{"x":1},"bank":{"bank_type":"bca"}}]`},
	{"bank.meta with an escaped key", `[{"mutation_id":"a","bank_id":"b","amount":1,"type":"CR","bank":{"m\u0065ta":{"session_id":"SECRET"}}}]`},
	{"bank.meta in another case", `[{"mutation_id":"a","bank_id":"b","amount":1,"type":"CR","bank":{"META":{"session_id":"SECRET"}}}]`},
	{"bank in another case", `[{"mutation_id":"a","bank_id":"b","amount":1,"type":"CR","Bank":{"meta":{"session_id":"SECRET"}}}]`},
	{"bank.meta twice", `[{"mutation_id":"a","bank_id":"b","amount":1,"type":"CR","bank":{"meta":{"session_id":"SECRET"},"meta":null}}]`},
	{"bank twice", `[{"mutation_id":"a","bank_id":"b","amount":1,"type":"CR","bank":{"meta":{"session_id":"SECRET"}},"bank":{"bank_type":"bca"}}]`},
	{"bank spelt with the Kelvin sign", `[{"mutation_id":"a","bank_id":"b","amount":1,"type":"CR","ban\u212a":{"meta":{"session_id":"SECRET"}}}]`},
	{"brackets and escaped quotes in strings", `[{"mutation_id":"a","bank_id":"b","amount":1,"type":"CR","description":"x\\\"}]{[\\","bank":{"label":"\"meta\"","meta":1}}]`},
	{"bank null after a bank object", `[{"mutation_id":"a","bank_id":"b","amount":1,"type":"CR","bank":{"bank_type":"bca","meta":1},"bank":null}]`},
	{"two bank objects merge", `[{"mutation_id":"a","bank_id":"b","amount":1,"type":"CR","bank":{"bank_type":"bca"},"bank":{"meta":{"x":1}}}]`},
	{"an id twice, in two cases, beside bank.meta", `[{"mutation_id":"a","MUTATION_ID":"b","bank_id":"x","amount":1,"type":"CR","bank":{"meta":{}}}]`},
}

func TestParseMutationsRegressions(t *testing.T) {
	for _, c := range parseRegressions {
		t.Run(c.name, func(t *testing.T) {
			muts, err := ParseMutations([]byte(c.body))
			if err != nil {
				t.Fatal(err)
			}
			for i := range muts {
				checkParsed(t, &muts[i])
			}
		})
	}
}

// checkParsed fails t unless m is what the rest of Lunas may rely on.
func checkParsed(t *testing.T, m *Mutation) {
	t.Helper()
	if !ValidID(m.ID) || !ValidID(m.BankID) {
		t.Fatalf("accepted a mutation with an empty, long or unsafe id: %+q / %+q", m.ID, m.BankID)
	}
	if !utf8.Valid(m.Raw) {
		t.Fatalf("accepted a mutation with invalid UTF-8: %q", m.Raw)
	}
	if m.Type != Credit && m.Type != Debit {
		t.Fatalf("accepted type %q", m.Type)
	}
	if field, ok := bankMeta(m.Raw); ok {
		t.Fatalf("Raw still holds bank.meta (as %q): %s", field, m.Raw)
	}
	// The hand-written field decoder must read Raw as encoding/json does.
	var std wire
	if err := json.Unmarshal(m.Raw, &std); err != nil {
		t.Fatalf("encoding/json refuses Raw that Lunas accepted: %v\nRaw: %s", err, m.Raw)
	}
	if mine, err := decodeWire(m.Raw); err != nil || !reflect.DeepEqual(mine, std) {
		t.Fatalf("decodeWire(Raw) = %+v, %v\nencoding/json gives %+v\nRaw: %s", mine, err, std, m.Raw)
	}
	again, err := ParseMutation(m.Raw)
	if err != nil {
		t.Fatalf("Raw does not parse again: %v\nRaw: %s", err, m.Raw)
	}
	if again.Mutation != m.Mutation || !again.CreatedAt.Equal(m.CreatedAt) {
		t.Fatalf("Raw parses to other values:\nfirst  %+v\nagain  %+v\nRaw: %s", m.Mutation, again.Mutation, m.Raw)
	}
}

// bankMeta reports whether raw, a JSON object, holds a "meta" member in a
// "bank" object, compared as Go's JSON decoding compares field names (any
// case, escapes decoded, every duplicate seen), and under which name.
func bankMeta(raw json.RawMessage) (string, bool) {
	for name, bank := range objectMembers(raw) {
		if !strings.EqualFold(name, "bank") {
			continue
		}
		for field := range objectMembers(bank) {
			if strings.EqualFold(field, "meta") {
				return name + "." + field, true
			}
		}
	}
	return "", false
}

// objectMembers yields each member of obj, if a JSON object, in order and
// with duplicates, decoded with encoding/json (the reference, not the
// scanner under test).
func objectMembers(obj json.RawMessage) iter.Seq2[string, json.RawMessage] {
	return func(yield func(string, json.RawMessage) bool) {
		dec := json.NewDecoder(bytes.NewReader(obj))
		if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
			return
		}
		for dec.More() {
			key, err := dec.Token()
			if err != nil {
				return
			}
			var value json.RawMessage
			if err := dec.Decode(&value); err != nil {
				return
			}
			if name, _ := key.(string); !yield(name, value) {
				return
			}
		}
	}
}
