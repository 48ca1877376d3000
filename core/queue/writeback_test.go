package queue_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/lunas-dev/lunas/core"
	"github.com/lunas-dev/lunas/core/moota"
	"github.com/lunas-dev/lunas/core/moota/fakemoota"
	"github.com/lunas-dev/lunas/core/queue"
	"github.com/lunas-dev/lunas/sdk"
)

func writebackRig(t *testing.T, note string) (*fakemoota.Server, *asynq.Task, string) {
	t.Helper()
	f := fakemoota.New(t, mootaToken)
	fm := f.AddMutation(fakemoota.Mutation{ID: "3ykVJxnwYkN", BankID: "4Aqz9OmvWPV", Amount: sdk.Rupiah(150123), Note: note})
	m := core.Mutation{Mutation: sdk.Mutation{ID: fm.ID, BankID: fm.BankID, Note: note}}
	task, _ := queue.NewWritebackTask(&m, "demo", sdk.Order{ID: "55", Number: "#1001"})
	return f, task, fm.ID
}

func writeback(f *fakemoota.Server, token string) *queue.Writeback {
	return &queue.Writeback{API: moota.New(moota.Config{BaseURL: f.URL(), Token: token}),
		Platforms: map[string]string{"demo": queue.PlatformTag("woocommerce")}}
}

func TestNewWritebackTaskOptions(t *testing.T) {
	m := core.Mutation{Mutation: sdk.Mutation{ID: "m1", BankID: "b1"}}
	task, opts := queue.NewWritebackTask(&m, "demo", sdk.Order{Number: "1001"})
	got := map[asynq.OptionType]any{}
	for _, o := range opts {
		got[o.Type()] = o.Value()
	}
	if task.Type() != queue.TypeWriteback || got[asynq.TaskIDOpt] != "writeback:b1:m1" || got[asynq.QueueOpt] != queue.MootaQueue ||
		got[asynq.RetentionOpt] != queue.Retention || got[asynq.MaxRetryOpt] != 20 {
		t.Fatalf("task %s with options %v", task.Type(), got)
	}
}

func TestWritebackTagsAndNotes(t *testing.T) {
	f, task, id := writebackRig(t, "")
	w := writeback(f, mootaToken)
	for range 2 { // a retry after success repeats both calls harmlessly
		if err := w.ProcessTask(context.Background(), task); err != nil {
			t.Fatal(err)
		}
	}
	if tags := f.Tags(id); len(tags) != 2 || tags[0] != "1001" || tags[1] != "WooCommerce" {
		t.Fatalf("tags %v, want [1001 WooCommerce]", tags)
	}
	if note := f.Notes(id); note != "Lunas: membayar pesanan #1001 di toko demo" {
		t.Fatalf("note %q", note)
	}
	// Moota attaches only tags that exist: both were created first, once.
	var writes []string
	for _, w := range f.Writes() {
		writes = append(writes, w.Kind+" "+strings.Join(w.Tags, ","))
	}
	want := []string{"create_tag 1001", "create_tag WooCommerce", "attach 1001,WooCommerce", "note ", "attach ", "note "}
	if strings.Join(writes, "|") != strings.Join(want, "|") {
		t.Fatalf("writes %q, want %q", writes, want)
	}
}

func TestWritebackWithoutAPlatform(t *testing.T) {
	f, task, id := writebackRig(t, "")
	w := writeback(f, mootaToken)
	w.Platforms = nil
	if err := w.ProcessTask(context.Background(), task); err != nil {
		t.Fatal(err)
	}
	if tags := f.Tags(id); len(tags) != 1 || tags[0] != "1001" {
		t.Fatalf("tags %v, want [1001]", tags)
	}
}

func TestWritebackKeepsTheMerchantsNote(t *testing.T) {
	f, task, id := writebackRig(t, "dari Budi, DP")
	if err := writeback(f, mootaToken).ProcessTask(context.Background(), task); err != nil {
		t.Fatal(err)
	}
	if note := f.Notes(id); note != "dari Budi, DP | Lunas: membayar pesanan #1001 di toko demo" {
		t.Fatalf("note %q", note)
	}
}

func TestWritebackFailures(t *testing.T) {
	ctx := context.Background()
	t.Run("a revoked token is archived", func(t *testing.T) {
		f, task, id := writebackRig(t, "")
		err := writeback(f, "mt-revoked-token").ProcessTask(ctx, task)
		if !errors.Is(err, asynq.SkipRetry) || !sdk.IsPermanent(err) || strings.Contains(err.Error(), "mt-revoked-token") {
			t.Fatalf("err %v, want SkipRetry, permanent, without the token", err)
		}
		if len(f.Tags(id)) != 0 {
			t.Fatal("tagged with a revoked token")
		}
	})
	t.Run("503 on the note after the tag is retried and completes", func(t *testing.T) {
		f, task, id := writebackRig(t, "")
		fail := fakemoota.StatusFailure(http.StatusServiceUnavailable)
		fail.Path = "/mutation/"
		f.FailNextWith(1, fail)
		w := writeback(f, mootaToken)
		err := w.ProcessTask(ctx, task)
		if err == nil || errors.Is(err, asynq.SkipRetry) || sdk.IsPermanent(err) {
			t.Fatalf("err %v, want retryable", err)
		}
		if len(f.Tags(id)) != 2 || f.Notes(id) != "" {
			t.Fatalf("after the failed note: tags %v note %q", f.Tags(id), f.Notes(id))
		}
		if err := w.ProcessTask(ctx, task); err != nil {
			t.Fatal(err)
		}
		if tags := f.Tags(id); len(tags) != 2 || f.Notes(id) == "" {
			t.Fatalf("after the retry: tags %v note %q, want both tags once and the note", tags, f.Notes(id))
		}
	})
	t.Run("429 is retried after Retry-After", func(t *testing.T) {
		f, task, _ := writebackRig(t, "")
		f.FailNextWith(1, fakemoota.TooManyRequests(9))
		err := writeback(f, mootaToken).ProcessTask(ctx, task)
		if err == nil || errors.Is(err, asynq.SkipRetry) {
			t.Fatalf("err %v, want retryable", err)
		}
		if d := queue.RetryDelay(1, err, task); d != 10*time.Second {
			t.Fatalf("retry delay %s, want Moota's 9s plus the 1s Asynq rounds away", d)
		}
	})
	t.Run("a mutation Moota does not know is archived", func(t *testing.T) {
		f := fakemoota.New(t, mootaToken)
		m := core.Mutation{Mutation: sdk.Mutation{ID: "gone", BankID: "b"}}
		task, _ := queue.NewWritebackTask(&m, "demo", sdk.Order{Number: "1"})
		if err := writeback(f, mootaToken).ProcessTask(ctx, task); !errors.Is(err, asynq.SkipRetry) {
			t.Fatalf("err %v, want SkipRetry", err)
		}
	})
}

func TestOrderTagAndNote(t *testing.T) {
	tags := map[string]string{"#1001": "1001", "1042": "1042", " #INV/2025 07 ": "INV-2025-07", "A_b-9": "A_b-9", "é1": "-1"}
	for in, want := range tags {
		if got := queue.OrderTag(in); got != want {
			t.Errorf("OrderTag(%q) = %q, want %q", in, got, want)
		}
	}
	ours := "Lunas: membayar pesanan #7 di toko t"
	notes := []struct{ name, existing, want string }{
		{"none", "", ours},
		{"kept", "dari Budi", "dari Budi | " + ours},
		{"already there", "dari Budi | " + ours, "dari Budi | " + ours},
	}
	for _, tc := range notes {
		if got := queue.WritebackNote(tc.existing, "#7", "t"); got != tc.want {
			t.Errorf("%s: WritebackNote = %q, want %q", tc.name, got, tc.want)
		}
	}
	long := queue.WritebackNote(strings.Repeat("x", 400), "#7", "t")
	if n := len([]rune(long)); n != 255 || !strings.HasSuffix(long, " | "+ours) {
		t.Errorf("a long merchant note gives %d runes %q, want 255 ending with ours", n, long)
	}
}
