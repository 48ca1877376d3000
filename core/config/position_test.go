package config

import "testing"

func TestErrorsAfterParsingNameTheirLine(t *testing.T) {
	src := `webhook "moota" { secrets = ["s3cret-value"] }

redis {
  addr = "127.0.0.1:6379"
}

store "toko-budi" {
  plugin   = "woocommerce"
  bank_ids = ["*"]
  settings = {
    base_url = "https://toko.example"
  }
}
`
	c, err := Parse([]byte(src), "lunas.hcl")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		err  error
		want string
	}{
		{c.StoreError("toko-budi", "settings", `unknown field "consumer_kye"`), `lunas.hcl:10: store "toko-budi": settings: unknown field "consumer_kye"`},
		{c.StoreError("toko-budi", "timeout", "too short"), `lunas.hcl:7: store "toko-budi": timeout: too short`},
		{c.StoreError("gone", "settings", "refused"), `store "gone": settings: refused`},
		{c.StoreError("toko-budi", "", "not healthy"), `lunas.hcl:7: store "toko-budi": not healthy`},
		{c.RedisError("require_persistence", "no persistence"), "lunas.hcl:3: no persistence"},
		{c.RedisError("addr", "connection refused"), "lunas.hcl:4: connection refused"},
	} {
		if tt.err.Error() != tt.want {
			t.Errorf("got %q; want %q", tt.err, tt.want)
		}
	}

	bare, err := Parse([]byte(`webhook "moota" { secrets = ["s3cret-value"] }
store "x" {
  plugin   = "demo"
  bank_ids = ["*"]
}`), "bare.hcl")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := bare.RedisError("addr", "connection refused").Error(), "bare.hcl: no redis block, so the defaults: connection refused"; got != want {
		t.Errorf("got %q; want %q", got, want)
	}
	built := &Config{Stores: []Store{{Name: "x"}}}
	if got, want := built.StoreError("x", "settings", "refused").Error(), `store "x": settings: refused`; got != want {
		t.Errorf("a Config built in code: got %q; want %q", got, want)
	}
}
