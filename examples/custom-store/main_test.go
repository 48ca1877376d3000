package main

import (
	"testing"

	"github.com/lunas-dev/lunas/examples/custom-store/customstore"
)

func TestOrderFlag(t *testing.T) {
	var f orderFlags
	if err := f.Set("1042=150123.50"); err != nil {
		t.Fatal(err)
	}
	if len(f) != 1 || f[0].Number != "1042" || f[0].Amount != customstore.Money(15012350) {
		t.Fatalf("-order 1042=150123.50 parsed as %+v", f)
	}
	for _, bad := range []string{"1042", "=5", "1042=abc", "1042=1.234"} {
		if err := f.Set(bad); err == nil {
			t.Errorf("-order %q accepted", bad)
		}
	}
}

func TestRunRefusesMissingSecret(t *testing.T) {
	t.Setenv("LUNAS_STORE_SECRET", "")
	if err := run([]string{"-listen", "127.0.0.1:0"}); err == nil {
		t.Fatal("run started without LUNAS_STORE_SECRET")
	}
}
