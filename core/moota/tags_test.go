package moota_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/lunas-dev/lunas/core/moota/fakemoota"
	"github.com/lunas-dev/lunas/sdk"
)

// kinds lists the writes of f as "create_tag 1042", "attach m 1042,WooCommerce", "note m".
func kinds(f *fakemoota.Server) []string {
	var out []string
	for _, w := range f.Writes() {
		s := w.Kind
		if w.MutationID != "" {
			s += " " + w.MutationID
		}
		if len(w.Tags) > 0 {
			s += " " + strings.Join(w.Tags, ",")
		}
		out = append(out, s)
	}
	return out
}

func TestTagCreatesWhatMootaLacks(t *testing.T) {
	ctx := context.Background()
	t.Run("a missing tag is created, then attached", func(t *testing.T) {
		f := fakemoota.New(t, token)
		id := f.AddMutation(fakemoota.Mutation{ID: "m1", BankID: "b", Amount: sdk.Rupiah(1000), Date: day}).ID
		if err := newClient(f, token, 0).Tag(ctx, id, []string{"1042", "WooCommerce"}); err != nil {
			t.Fatal(err)
		}
		if got := kinds(f); !slices.Equal(got, []string{"create_tag 1042", "create_tag WooCommerce", "attach m1 1042,WooCommerce"}) {
			t.Fatalf("writes %v", got)
		}
	})
	t.Run("an existing tag is only attached", func(t *testing.T) {
		f := fakemoota.New(t, token)
		id := f.AddMutation(fakemoota.Mutation{ID: "m1", BankID: "b", Amount: sdk.Rupiah(1000), Date: day}).ID
		f.AddTag("1042")
		if err := newClient(f, token, 0).Tag(ctx, id, []string{"1042"}); err != nil {
			t.Fatal(err)
		}
		if got := kinds(f); !slices.Equal(got, []string{"attach m1 1042"}) {
			t.Fatalf("writes %v", got)
		}
	})
	t.Run("known tags are cached across mutations", func(t *testing.T) {
		f := fakemoota.New(t, token)
		c := newClient(f, token, 0)
		for _, id := range []string{"m1", "m2"} {
			f.AddMutation(fakemoota.Mutation{ID: id, BankID: "b", Amount: sdk.Rupiah(1000), Date: day})
			if err := c.Tag(ctx, id, []string{"WooCommerce"}); err != nil {
				t.Fatal(err)
			}
		}
		lists := 0
		for _, r := range f.Requests() {
			if r.Method == "GET" && r.Path == "/tagging" {
				lists++
			}
		}
		if lists != 1 {
			t.Fatalf("%d tag listings for two mutations with the same tag, want 1", lists)
		}
	})
	t.Run("a tag deleted since it was cached is made again", func(t *testing.T) {
		f := fakemoota.New(t, token)
		c := newClient(f, token, 0)
		f.AddMutation(fakemoota.Mutation{ID: "m1", BankID: "b", Amount: sdk.Rupiah(1000), Date: day})
		f.AddMutation(fakemoota.Mutation{ID: "m2", BankID: "b", Amount: sdk.Rupiah(1000), Date: day})
		if err := c.Tag(ctx, "m1", []string{"WooCommerce"}); err != nil {
			t.Fatal(err)
		}
		f.RemoveTag("WooCommerce")
		if err := c.Tag(ctx, "m2", []string{"WooCommerce"}); err != nil {
			t.Fatalf("after the tag was deleted in Moota: %v", err)
		}
		if got := f.Tags("m2"); !slices.Equal(got, []string{"WooCommerce"}) {
			t.Fatalf("m2 tags %v", got)
		}
	})
	t.Run("a name Moota will not create is permanent", func(t *testing.T) {
		f := fakemoota.New(t, token)
		f.AddMutation(fakemoota.Mutation{ID: "m1", BankID: "b", Amount: sdk.Rupiah(1000), Date: day})
		f.FailNextWith(1, fakemoota.Failure{Method: "POST", Path: "/tagging", Status: 422,
			Body: `{"message":"The given data was invalid.","errors":{"name":["Kolom name harus diisi."]}}`})
		err := newClient(f, token, 0).Tag(ctx, "m1", []string{"1042"})
		if !sdk.IsPermanent(err) || !strings.Contains(err.Error(), `will not create a tag named "1042"`) {
			t.Fatalf("err %v, want permanent naming the tag", err)
		}
		if len(f.Tags("m1")) != 0 {
			t.Fatal("tagged although the tag could not be made")
		}
	})
}

func TestTagErrorsAreClassified(t *testing.T) {
	ctx := context.Background()
	t.Run("an unknown mutation is permanent", func(t *testing.T) {
		f := fakemoota.New(t, token)
		err := newClient(f, token, 0).Tag(ctx, "nope", []string{"1042"})
		if !sdk.IsPermanent(err) || !strings.Contains(err.Error(), "404") {
			t.Fatalf("err %v, want a permanent 404", err)
		}
	})
	t.Run("Moota down while listing tags is retryable", func(t *testing.T) {
		f := fakemoota.New(t, token)
		f.AddMutation(fakemoota.Mutation{ID: "m1", BankID: "b", Amount: sdk.Rupiah(1000), Date: day})
		f.FailNextWith(1, fakemoota.Failure{Method: "GET", Path: "/tagging", Status: http.StatusServiceUnavailable, Body: `{"message":"Server Error"}`})
		err := newClient(f, token, 0).Tag(ctx, "m1", []string{"1042"})
		if err == nil || sdk.IsPermanent(err) {
			t.Fatalf("err %v, want retryable", err)
		}
		if len(f.Writes()) != 0 {
			t.Fatalf("writes %v after a failed listing", kinds(f))
		}
	})
	t.Run("a 422 that stays after the tags were confirmed is permanent", func(t *testing.T) {
		f := fakemoota.New(t, token)
		f.AddMutation(fakemoota.Mutation{ID: "m1", BankID: "b", Amount: sdk.Rupiah(1000), Date: day})
		f.AddTag("1042")
		notFound := fakemoota.Failure{Method: "POST", Path: "/tagging/mutation/", Status: 422, Body: `{"error":true,"message":"Data tidak ditemukan"}`}
		f.FailNextWith(2, notFound)
		err := newClient(f, token, 0).Tag(ctx, "m1", []string{"1042"})
		if !sdk.IsPermanent(err) || !strings.Contains(err.Error(), "does not know mutation m1") {
			t.Fatalf("err %v, want permanent", err)
		}
	})
	t.Run("a 422 right after creating the tag is retried", func(t *testing.T) {
		f := fakemoota.New(t, token)
		f.AddMutation(fakemoota.Mutation{ID: "m1", BankID: "b", Amount: sdk.Rupiah(1000), Date: day})
		notFound := fakemoota.Failure{Method: "POST", Path: "/tagging/mutation/", Status: 422, Body: `{"error":true,"message":"Data tidak ditemukan"}`}
		f.FailNextWith(1, notFound)
		c := newClient(f, token, 0)
		// Cached and then deleted: the second attach follows a fresh create.
		f.AddTag("1042")
		if err := c.Tag(ctx, "m1", []string{"1042"}); err != nil {
			t.Fatalf("one 422 with the tag present: %v, want the repeated attach to succeed", err)
		}
		f.RemoveTag("1042")
		// The first attach finds the tag gone; the one after creating it
		// again still does: Moota does not see the new tag yet.
		f.FailNextWith(2, notFound)
		err := c.Tag(ctx, "m1", []string{"1042"})
		if err == nil || sdk.IsPermanent(err) {
			t.Fatalf("err %v, want retryable: the tag was only just created", err)
		}
	})
}
