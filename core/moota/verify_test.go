package moota_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/lunas-dev/lunas/core"
	"github.com/lunas-dev/lunas/core/moota/fakemoota"
	"github.com/lunas-dev/lunas/sdk"
)

// delivered is the mutation a webhook would carry: the fake's own object
// for a genuine one, edited by change.
func delivered(t *testing.T, f *fakemoota.Server, bank, id string, change func(map[string]any)) *core.Mutation {
	t.Helper()
	var obj map[string]any
	err := newClient(f, token, 0).Mutations(context.Background(), bank, day.AddDate(0, 0, -1), day.AddDate(0, 0, 1), func(raw json.RawMessage) error {
		var o map[string]any
		if err := json.Unmarshal(raw, &o); err != nil {
			return err
		}
		if o["mutation_id"] == id {
			obj = o
		}
		return nil
	})
	if err != nil || obj == nil {
		t.Fatalf("mutation %s not in the fake: %v", id, err)
	}
	if change != nil {
		change(obj)
	}
	raw, _ := json.Marshal(obj)
	m, err := core.ParseMutation(raw)
	if err != nil {
		t.Fatal(err)
	}
	return &m
}

func TestVerify(t *testing.T) {
	f := fakemoota.New(t, token)
	// Enough other credits that the genuine one is on a later page.
	for range 25 {
		f.AddMutation(fakemoota.Mutation{BankID: "bankA", Amount: sdk.Rupiah(99000), Date: day.Add(time.Hour)})
	}
	f.AddMutation(fakemoota.Mutation{ID: "3ykVJxnwYkN", BankID: "bankA", Amount: sdk.Rupiah(150123), Date: day})
	f.AddMutation(fakemoota.Mutation{ID: "tokX", BankID: "bankA", Amount: sdk.Rupiah(50000), Date: day, Token: "tok-real"})
	f.AddMutation(fakemoota.Mutation{ID: "other", BankID: "bankB", Amount: sdk.Rupiah(150123), Date: day})
	genuine := delivered(t, f, "bankA", "3ykVJxnwYkN", nil)

	tests := []struct {
		name    string
		m       *core.Mutation
		verdict core.Verdict
		reason  string
	}{
		{"genuine", genuine, core.Verified, ""},
		{"genuine, with a token other than its id", delivered(t, f, "bankA", "tokX", nil), core.Verified, ""},
		{"forged: an id Moota never recorded", delivered(t, f, "bankA", "3ykVJxnwYkN", func(o map[string]any) {
			o["mutation_id"], o["token"] = "F0rg3dMut4t", "F0rg3dMut4t"
		}), core.NotFound, "lists no credit F0rg3dMut4t in account bankA"},
		{"forged: a genuine id with a larger amount", delivered(t, f, "bankA", "3ykVJxnwYkN", func(o map[string]any) {
			o["amount"] = "1500123.00"
		}), core.Mismatch, "amount 150123 in Moota, 1500123 in the webhook"},
		{"forged: a genuine id with another token", delivered(t, f, "bankA", "tokX", func(o map[string]any) {
			o["token"] = "tok-forged"
		}), core.Mismatch, "another token"},
		{"forged: another account's id", delivered(t, f, "bankB", "other", func(o map[string]any) {
			o["bank_id"] = "bankA"
		}), core.NotFound, "lists no credit other in account bankA"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := newClient(f, token, 10).Verify(context.Background(), tt.m)
			if err != nil {
				t.Fatal(err)
			}
			if v.Verdict != tt.verdict || !strings.Contains(v.Reason, tt.reason) {
				t.Fatalf("Verify = %+v, want %s with a reason containing %q", v, tt.verdict, tt.reason)
			}
		})
	}
	t.Run("stops listing once found", func(t *testing.T) {
		before := len(f.Requests())
		if _, err := newClient(f, token, 30).Verify(context.Background(), genuine); err != nil {
			t.Fatal(err)
		}
		if n := len(f.Requests()) - before; n != 1 {
			t.Fatalf("%d requests, want 1 (the mutation is on the first page of 30)", n)
		}
	})
}

func TestVerifyWhenMootaCannotBeAsked(t *testing.T) {
	f := fakemoota.New(t, token)
	f.AddMutation(fakemoota.Mutation{ID: "3ykVJxnwYkN", BankID: "bankA", Amount: sdk.Rupiah(150123), Date: day})
	m := delivered(t, f, "bankA", "3ykVJxnwYkN", nil)
	t.Run("API down is retryable, not a verdict", func(t *testing.T) {
		f.FailNext(1, http.StatusServiceUnavailable)
		v, err := newClient(f, token, 0).Verify(context.Background(), m)
		if err == nil || sdk.IsPermanent(err) || v.Verdict != "" {
			t.Fatalf("Verify = %+v, %v; want a retryable error and no verdict", v, err)
		}
	})
	t.Run("throttled is retryable after Retry-After", func(t *testing.T) {
		f.FailNextWith(1, fakemoota.TooManyRequests(30))
		_, err := newClient(f, token, 0).Verify(context.Background(), m)
		if _, delay := sdk.ClassOf(err); sdk.IsPermanent(err) || delay != 30*time.Second {
			t.Fatalf("err %v (delay %s), want retryable after 30s", err, delay)
		}
	})
	t.Run("a refused token is permanent", func(t *testing.T) {
		_, err := newClient(f, "mt-revoked", 0).Verify(context.Background(), m)
		if !sdk.IsPermanent(err) || strings.Contains(err.Error(), "mt-revoked") {
			t.Fatalf("err %v, want permanent without the token", err)
		}
	})
	t.Run("a mutation without ids is refused", func(t *testing.T) {
		if _, err := newClient(f, token, 0).Verify(context.Background(), &core.Mutation{}); !sdk.IsPermanent(err) {
			t.Fatalf("err %v, want permanent", err)
		}
	})
}
