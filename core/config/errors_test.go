package config

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// TestParseErrors loads each broken file and compares every reported problem,
// in file order, with its position.
func TestParseErrors(t *testing.T) {
	t.Setenv("LUNAS_TEST_EMPTY_KEY", "")
	tests := []struct {
		file string
		want []string
	}{
		{"syntax.hcl", []string{
			`testdata/errors/syntax.hcl:3,1-2: Missing item separator; Expected a comma to mark the beginning of the next item.`,
		}},
		{"unknown.hcl", []string{
			`testdata/errors/unknown.hcl:3,3-10: Unsupported argument; An argument named "pasword" is not expected here. Did you mean "password"?`,
			`testdata/errors/unknown.hcl:5,1-7: Unsupported block type; Blocks of type "webhok" are not expected here. Did you mean "webhook"?`,
			`testdata/errors/unknown.hcl:11,3-11: Unsupported block type; Blocks of type "settings" are not expected here. Did you mean to define argument "settings"? If so, use the equals sign to assign it a value.`,
		}},
		{"env_unset.hcl", []string{
			`testdata/errors/env_unset.hcl:6,20-50: env("LUNAS_TEST_UNSET_SECRET") is not set`,
			`testdata/errors/env_unset.hcl:12,31-58: env("LUNAS_TEST_EMPTY_KEY") is empty`,
		}},
		{"types.hcl", []string{
			`testdata/errors/types.hcl:2: redis: db: a whole number is required`,
			`testdata/errors/types.hcl:3: redis: require_persistence: true or false is required`,
			`testdata/errors/types.hcl:6: worker: concurrency: a number is required`,
			`testdata/errors/types.hcl:9: webhook "moota": secrets: a list of strings like ["a", "b"] is required`,
			`testdata/errors/types.hcl:10: webhook "moota": max_body_bytes: the number is out of range`,
			`testdata/errors/types.hcl:15: store "shop": timeout: "1 minute" is not a duration (write it like "30s", "15m", "2h" or "7d")`,
			`testdata/errors/types.hcl:16: store "shop": settings: an object is required, like settings = { base_url = "https://..." }`,
			`testdata/errors/types.hcl:18: store "shop": match: window: "a week" is not a duration (write it like "30s", "15m", "2h" or "7d")`,
		}},
		{"duplicate_blocks.hcl", []string{
			`testdata/errors/duplicate_blocks.hcl:4: duplicate admin block (the first is at line 1); write it once`,
			`testdata/errors/duplicate_blocks.hcl:14: duplicate match block (the first is at line 13); write it once`,
		}},
		{"empty.hcl", []string{
			`testdata/errors/empty.hcl:1: at least one webhook "NAME" { secrets = [...] } block is required`,
			`testdata/errors/empty.hcl:1: at least one store "NAME" { plugin = "...", bank_ids = [...] } block is required`,
		}},
		{"admin.hcl", []string{
			`testdata/errors/admin.hcl:1: listen: "8080" is not a host:port address like "127.0.0.1:9090"`,
			`testdata/errors/admin.hcl:3: admin: username and password are required because listen "0.0.0.0:9090" is not a loopback address (127.0.0.0/8, ::1, localhost)`,
		}},
		{"admin_half.hcl", []string{
			`testdata/errors/admin_half.hcl:2: admin: username is set but password is not; set both or neither`,
		}},
		{"admin_short.hcl", []string{
			`testdata/errors/admin_short.hcl:4: admin: password must have at least 12 characters because listen "10.0.0.5:9090" is not a loopback address`,
		}},
		{"redis.hcl", []string{
			`testdata/errors/redis.hcl:1: redis: set only one of addr, url and sentinel (found addr and url)`,
			`testdata/errors/redis.hcl:2: redis: addr: "localhost" is not a host:port address like "127.0.0.1:9090"`,
			`testdata/errors/redis.hcl:3: redis: username, password and db cannot be combined with url; put them in the url (redis://user:password@host:6379/0)`,
			`testdata/errors/redis.hcl:4: redis: db must not be negative`,
			`testdata/errors/redis.hcl:5: redis: wait_replicas must not be negative`,
		}},
		{"redis_url.hcl", []string{
			`testdata/errors/redis_url.hcl:2: redis: url is not a valid redis:// or rediss:// URL (it is not shown because it may contain a password)`,
			`testdata/errors/redis_url.hcl:2: redis: username, password and db cannot be combined with url; put them in the url (redis://user:password@host:6379/0)`,
		}},
		{"sentinel.hcl", []string{
			`testdata/errors/sentinel.hcl:2: redis: sentinel: master_name is required`,
			`testdata/errors/sentinel.hcl:3: redis: sentinel: addrs[0]: "10.0.0.1" is not a host:port address like "127.0.0.1:9090"`,
		}},
		{"webhooks.hcl", []string{
			`testdata/errors/webhooks.hcl:5: webhook "moota" is declared twice (first at line 1)`,
			`testdata/errors/webhooks.hcl:6: webhook "moota": secrets is empty; at least one secret is required`,
			`testdata/errors/webhooks.hcl:9: webhook "moota/../admin": the name must be 1 to 64 letters, digits, '-', '_' or '.', starting with a letter or digit (it is used in URLs)`,
			`testdata/errors/webhooks.hcl:10: webhook "moota/../admin": secrets[1] is empty`,
			`testdata/errors/webhooks.hcl:11: webhook "moota/../admin": allowed_ips[1]: "103.236.201" is not an IP address or CIDR prefix like "203.0.113.0/24"`,
			`testdata/errors/webhooks.hcl:12: webhook "moota/../admin": trusted_proxies[0]: "10.0.0.0/33" is not an IP address or CIDR prefix like "203.0.113.0/24"`,
			`testdata/errors/webhooks.hcl:13: webhook "moota/../admin": max_body_bytes must be positive`,
		}},
		{"stores.hcl", []string{
			`testdata/errors/stores.hcl:12: store "toko-sari" and store "toko-budi" (line 5) both claim bank id "mandiri-1"; a bank account pays one store`,
			`testdata/errors/stores.hcl:17: store "both": set plugin or path, not both`,
			`testdata/errors/stores.hcl:18: store "both": bank_ids is empty; list the Moota bank ids that pay this store, or ["*"] for all`,
			`testdata/errors/stores.hcl:21: store "neither": set plugin (a bundled plugin such as "woocommerce") or path (a plugin executable)`,
			`testdata/errors/stores.hcl:22: store "neither": bank id "bni-1" is listed twice`,
			`testdata/errors/stores.hcl:23: store "neither": sha256 must be 64 lowercase hexadecimal digits, as sha256sum prints them`,
			`testdata/errors/stores.hcl:26: store "bad plugin": the name must be 1 to 64 letters, digits, '-', '_' or '.', starting with a letter or digit (it is used in URLs)`,
			`testdata/errors/stores.hcl:27: store "bad plugin": plugin "WooCommerce" is not a plugin name (lowercase letters, digits and '-')`,
			`testdata/errors/stores.hcl:29: store "bad plugin": timeout must be positive`,
			`testdata/errors/stores.hcl:31: store "bad plugin": match window must be positive`,
			`testdata/errors/stores.hcl:37: store "also-all" and store "bad plugin" (line 26) both claim every bank id ("*"); only one store may`,
			`testdata/errors/stores.hcl:40: store "toko-budi" is declared twice (first at line 5)`,
			`testdata/errors/stores.hcl:48: store "bad-env": env: "1BAD" is not an environment variable name (letters, digits and '_', not starting with a digit)`,
			`testdata/errors/stores.hcl:48: store "bad-env": env: "HAS SPACE" is not an environment variable name (letters, digits and '_', not starting with a digit)`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			c, err := Load("testdata/errors/" + tt.file)
			if err == nil {
				t.Fatalf("Load succeeded (%+v); want %d errors", c, len(tt.want))
			}
			got := strings.Split(err.Error(), "\n")
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("errors:\n%s\nwant:\n%s", err, strings.Join(tt.want, "\n"))
			}
			var e *Error
			if !errors.As(err, &e) || e.Range == nil {
				t.Errorf("errors.As(*Error) found %v; want an error with a position", e)
			}
		})
	}
}

// TestParseHostileInput checks that values nobody writes by accident are
// refused quickly and that messages do not repeat them whole.
func TestParseHostileInput(t *testing.T) {
	long := strings.Repeat("x", 10000)
	tests := []struct {
		name, src, want string
	}{
		{"huge number", "listen = 1e9999999\n", `lunas.hcl:1,10-19: the number is out of range`},
		{"tiny number in a template", `listen = "${1e-9999999}"` + "\n", `lunas.hcl:1,13-23: the number is out of range`},
		{"long value", `listen = "` + long + `"` + "\n", `lunas.hcl:1: listen: "` + long[:64] + `"... is not a host:port address like "127.0.0.1:9090"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.src), "lunas.hcl")
			if err == nil {
				t.Fatal("Parse succeeded")
			}
			if first := strings.Split(err.Error(), "\n")[0]; first != tt.want {
				t.Errorf("first error:\n%s\nwant:\n%s", first, tt.want)
			}
		})
	}
}

func TestLoadMissingFile(t *testing.T) {
	if _, err := Load("testdata/does-not-exist.hcl"); err == nil || !strings.Contains(err.Error(), "does-not-exist.hcl") {
		t.Errorf("Load of a missing file: %v; want an error naming the file", err)
	}
}

// TestValidateInCode checks a Config built in code: problems are found
// without positions, and a complete one passes.
func TestValidateInCode(t *testing.T) {
	err := (&Config{}).Validate()
	want := []string{
		`listen: "" is not a host:port address like "127.0.0.1:9090"`,
		`admin: listen: "" is not a host:port address like "127.0.0.1:9090"`,
		`redis: set one of addr, url or sentinel`,
		`worker: concurrency must be at least 1`,
		`max_body_bytes_in_flight must be positive`,
		`at least one webhook "NAME" { secrets = [...] } block is required`,
		`at least one store "NAME" { plugin = "...", bank_ids = [...] } block is required`,
	}
	if err == nil || err.Error() != strings.Join(want, "\n") {
		t.Errorf("Validate() of an empty Config:\n%v\nwant:\n%s", err, strings.Join(want, "\n"))
	}

	c := &Config{
		Listen:               DefaultListen,
		MaxBodyBytesInFlight: DefaultMaxBodyBytesInFlight,
		Admin:                Admin{Listen: "localhost:9090"},
		Redis:                Redis{URL: "redis://redis.internal"},
		Worker:               Worker{Concurrency: 1},
		Webhooks:             []Webhook{{Name: "dev", Secrets: []string{"dev-secret"}, MaxBodyBytes: DefaultMaxBodyBytes}},
		Stores:               []Store{{Name: "demo", Path: "/bin/demo", BankIDs: []string{"*"}, Window: time.Hour, Timeout: time.Second}},
	}
	if err := c.Validate(); err != nil {
		t.Errorf("Validate() of a complete Config: %v", err)
	}
	c.MaxBodyBytesInFlight = 2 * DefaultMaxBodyBytes
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "max_body_bytes 1048576 is more than a quarter of max_body_bytes_in_flight (2097152)") {
		t.Errorf("Validate() with a budget of two bodies: %v; want the quarter rule", err)
	}
	c.MaxBodyBytesInFlight = DefaultMaxBodyBytesInFlight
	c.Stores[0].Settings = []byte(`["not", "an", "object"]`)
	if err := c.Validate(); err == nil || err.Error() != `store "demo": settings must be a JSON object` {
		t.Errorf("Validate() with array settings: %v", err)
	}
}

func TestAdminLoopback(t *testing.T) {
	tests := []struct {
		listen   string
		loopback bool
	}{
		{"127.0.0.1:9090", true},
		{"127.8.9.10:9090", true},
		{"[::1]:9090", true},
		{"localhost:9090", true},
		{"LocalHost:9090", true},
		{"0.0.0.0:9090", false},
		{":9090", false},
		{"[::]:9090", false},
		{"10.0.0.1:9090", false},
		{"admin.example.com:9090", false},
		{"localhost.example.com:9090", false},
	}
	for _, tt := range tests {
		v := &problems{}
		validateAdmin(v, Admin{Listen: tt.listen}, place{})
		if got := len(v.errs) == 0; got != tt.loopback {
			t.Errorf("admin listen %q without credentials accepted = %v; want %v (%v)", tt.listen, got, tt.loopback, v.errs)
		}
		v = &problems{}
		validateAdmin(v, Admin{Listen: tt.listen, Username: "ops", Password: "twelve-chars"}, place{})
		if len(v.errs) != 0 {
			t.Errorf("admin listen %q with credentials: %v", tt.listen, v.errs)
		}
		// A short password is fine on loopback only.
		v = &problems{}
		validateAdmin(v, Admin{Listen: tt.listen, Username: "ops", Password: "eleven-char"}, place{})
		if got := len(v.errs) == 0; got != tt.loopback {
			t.Errorf("admin listen %q with an 11-character password accepted = %v; want %v (%v)", tt.listen, got, tt.loopback, v.errs)
		}
	}
}

func TestRedisURL(t *testing.T) {
	tests := []struct {
		url string
		ok  bool
	}{
		{"redis://127.0.0.1:6379", true},
		{"redis://127.0.0.1:6379/", true},
		{"redis://:pw@127.0.0.1:6379/15", true},
		{"rediss://user:pw@redis.example:6380/0", true},
		{"redis://redis.internal", true},
		{"unix:///run/redis.sock", false},
		{"http://redis.internal:6379", false},
		{"redis://", false},
		{"redis://host:6379/db", false},
		{"redis://host:6379/-1", false},
		{"redis://host:port/0", false},
		{"127.0.0.1:6379", false},
	}
	for _, tt := range tests {
		v := &problems{}
		validateRedisURL(v, Redis{URL: tt.url}, place{})
		if got := len(v.errs) == 0; got != tt.ok {
			t.Errorf("redis url %q accepted = %v; want %v (%v)", tt.url, got, tt.ok, v.errs)
		}
	}
}
