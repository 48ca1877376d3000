package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/lunas-dev/lunas/core/config"
	"github.com/lunas-dev/lunas/core/moota/fakemoota"
	"github.com/lunas-dev/lunas/internal/testutil"
	"github.com/lunas-dev/lunas/plugins/demo/demostore"
	"github.com/lunas-dev/lunas/sdk"
)

// reconcileProcess runs `lunas reconcile` as the operator would.
func reconcileProcess(t *testing.T, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command(testutil.Binary(t, "lunas"), append([]string{"reconcile"}, args...)...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.String(), err
}

// Moota never delivered the webhooks: `lunas reconcile` finds the three
// credits in Moota's API, each pays its order exactly once, a second run
// queues nothing, and each paying mutation is tagged and annotated in Moota.
func TestReconcileEndToEnd(t *testing.T) {
	const token, bank = "mt-e2e-personal-token-7d1f", "4Aqz9OmvWPV"
	fake := fakemoota.New(t, token)
	fake.AddBank(fakemoota.Bank{ID: bank, Type: "bca", Meta: map[string]string{"session_id": "SECRET-SESSION"}})
	orders := []demostore.Order{
		{ID: "1001", Number: "1001", Status: "on-hold", Amount: sdk.Rupiah(150123), Currency: "IDR"},
		{ID: "1002", Number: "1002", Status: "on-hold", Amount: sdk.Rupiah(275000), Currency: "IDR"},
		{ID: "1003", Number: "1003", Status: "on-hold", Amount: sdk.Rupiah(99517), Currency: "IDR"},
		{ID: "1004", Number: "1004", Status: "on-hold", Amount: sdk.Rupiah(50000), Currency: "IDR"},
	}
	now := time.Now()
	paying := map[string]string{} // order id -> mutation id
	for i, o := range orders[:3] {
		m := fake.AddMutation(fakemoota.Mutation{BankID: bank, Amount: o.Amount, Description: "TRSF E-BANKING CR " + o.Number, Date: now.Add(-time.Duration(i+1) * time.Hour)})
		paying[o.ID] = m.ID
	}
	debit := fake.AddMutation(fakemoota.Mutation{BankID: bank, Type: "DB", Amount: orders[3].Amount, Description: "TRSF DB 50000", Date: now})

	s := startSpine(t, testutil.NewRedis(t), orders, fmt.Sprintf(`
moota {
  api_token       = %q
  base_url        = %q
  reconcile_every = "1m"
}`, token, fake.URL()))

	out, err := reconcileProcess(t, "--config", s.lunas.Config, "--since", "48h")
	if err != nil {
		t.Fatalf("lunas reconcile: %v\n%s", err, out)
	}
	t.Logf("lunas reconcile:\n%s", out)
	// Lunas serve reconciles every minute too; whoever ran first, the three
	// credits are each queued exactly once between them.
	if !regexp.MustCompile(`bank ` + bank + `: 3 seen, \d enqueued, \d already known`).MatchString(out) {
		t.Fatalf("first run printed:\n%s\nwant a summary of 3 credits seen in %s", out, bank)
	}
	for id, mid := range paying {
		if info := s.waitDone(t, bank, mid); info.State != asynq.TaskStateCompleted {
			t.Fatalf("task of %s: %v (%s)", mid, info.State, info.LastErr)
		}
		if o := s.order(t, id); o.Status != "processing" || o.PaidBy != mid || o.Writes != 1 {
			t.Fatalf("order %s = %+v, want processing, paid by %s, written once", id, o, mid)
		}
	}
	if _, err := s.insp.GetTaskInfo("store:demo", "moota:"+bank+":"+debit.ID); err == nil {
		t.Fatal("reconciliation queued a debit")
	}
	if o := s.order(t, "1004"); o.Status != "on-hold" || o.Writes != 0 {
		t.Fatalf("order 1004 = %+v, want untouched", o)
	}

	out, err = reconcileProcess(t, "--config", s.lunas.Config, "--since", "48h")
	if err != nil || !strings.Contains(out, "bank "+bank+": 3 seen, 0 enqueued, 3 already known") {
		t.Fatalf("second run: %v\n%s\nwant 3 seen, 0 enqueued, 3 already known", err, out)
	}
	for id := range paying {
		if o := s.order(t, id); o.Writes != 1 {
			t.Fatalf("second run wrote order %s again: %+v", id, o)
		}
	}

	for id, mid := range paying {
		testutil.Eventually(t, 30*time.Second, "write-back of order "+id, func() bool {
			return slices.Contains(fake.Tags(mid), id) && fake.Notes(mid) != ""
		})
		// Moota attaches only existing tags: the order's tag was created,
		// then attached, then the note set.
		created, attached, noted := -1, -1, -1
		for i, w := range fake.Writes() {
			switch {
			case w.Kind == "create_tag" && slices.Equal(w.Tags, []string{id}):
				created = i
			case w.Kind == "attach" && w.MutationID == mid && slices.Contains(w.Tags, id):
				attached = i
			case w.Kind == "note" && w.MutationID == mid:
				noted = i
			}
		}
		if created < 0 || attached < created || noted < attached {
			t.Fatalf("write-back of order %s: tag created at %d, attached at %d, note at %d; want them in that order (writes %+v)",
				id, created, attached, noted, fake.Writes())
		}
		if note := fake.Notes(mid); !strings.Contains(note, id) || !strings.Contains(note, "demo") {
			t.Fatalf("note of %s = %q, want it to name order %s and store demo", mid, note, id)
		}
	}
	if fake.Tags(debit.ID) != nil || fake.Notes(debit.ID) != "" {
		t.Fatal("the debit was written back")
	}
	for _, r := range fake.Requests() {
		if !r.Authorized {
			t.Fatalf("request without the token: %+v", r)
		}
	}
	if strings.Contains(s.lunas.Log(), token) || strings.Contains(out, token) || strings.Contains(s.lunas.Log(), "SECRET-SESSION") {
		t.Fatal("the Moota token or bank.meta appears in a log")
	}
}

func TestReconcileCommandErrors(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "lunas.hcl")
	base := `
redis {
  addr = "127.0.0.1:1"
}
webhook "moota" {
  secrets = ["s"]
}
store "shop" {
  plugin   = "demo"
  bank_ids = ["*"]
}
`
	cases := []struct {
		name, hcl string
		args      []string
		want      string
	}{
		{"no moota block", base, nil, "has no moota block"},
		{"since beyond the dedupe window", base + `moota {
  api_token = "t"
}`, []string{"--since", "720h"}, "--since must be positive and at most"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if err := os.WriteFile(cfg, []byte(tc.hcl), 0o600); err != nil {
				t.Fatal(err)
			}
			var out, errOut bytes.Buffer
			err := run(context.Background(), append([]string{"reconcile", "--config", cfg}, tc.args...), &out, &errOut)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err %v, want %q", err, tc.want)
			}
		})
	}
}

func TestReconcileBanks(t *testing.T) {
	cases := []struct {
		name   string
		moota  []string
		stores [][]string
		want   []string
	}{
		{"moota.bank_ids wins", []string{"m1"}, [][]string{{"a"}}, []string{"m1"}},
		{"every store's banks once", nil, [][]string{{"a", "b"}, {"b", "c"}}, []string{"a", "b", "c"}},
		{"a store claiming * means every bank in Moota", nil, [][]string{{"a"}, {"*"}}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := &config.Config{Moota: &config.Moota{BankIDs: tc.moota}}
			for _, ids := range tc.stores {
				cfg.Stores = append(cfg.Stores, config.Store{BankIDs: ids})
			}
			if got := reconcileBanks(cfg); !slices.Equal(got, tc.want) {
				t.Fatalf("reconcileBanks = %v, want %v", got, tc.want)
			}
		})
	}
}
