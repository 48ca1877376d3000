package config

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"
)

// setTestEnv sets the variables testdata/valid.hcl reads.
func setTestEnv(t *testing.T) {
	t.Setenv("LUNAS_TEST_ADMIN_PASSWORD", "admin-password-123")
	t.Setenv("LUNAS_TEST_MOOTA_SECRET", "moota-secret-abc")
	t.Setenv("LUNAS_TEST_WC_KEY", "ck_live_123")
	t.Setenv("LUNAS_TEST_REDIS_PASSWORD", "")
}

func load(t *testing.T, path string) *Config {
	t.Helper()
	c, err := Load(path)
	if err != nil {
		t.Fatalf("Load(%s): %v", path, err)
	}
	if c.src == nil {
		t.Fatalf("Load(%s) kept no source positions", path)
	}
	c.src = nil // compared as a Config built in code would be
	return c
}

func TestParse(t *testing.T) {
	setTestEnv(t)
	t.Setenv("LUNAS_TEST_REDIS_URL", "rediss://default:pw@redis.internal:6380/3")
	tests := []struct {
		file string
		want *Config
	}{
		{"testdata/valid.hcl", &Config{
			Listen:               "0.0.0.0:8080",
			MaxBodyBytesInFlight: DefaultMaxBodyBytesInFlight,
			Admin:                Admin{Listen: "0.0.0.0:9090", Username: "ops", Password: "admin-password-123"},
			Redis:                Redis{Addr: "10.0.0.5:6379", Password: "fallback-redis", DB: 2, RequirePersistence: true, WaitReplicas: 2, WaitTimeout: 250 * time.Millisecond},
			Worker:               Worker{Concurrency: 4},
			Webhooks: []Webhook{{
				Name:           "moota",
				Secrets:        []string{"moota-secret-abc", "previous-secret"},
				AllowedIPs:     []string{"103.236.201.178", "103.28.52.0/24", "2001:db8::/32"},
				TrustedProxies: []string{"10.0.0.1"},
				MaxBodyBytes:   2 << 20,
			}},
			Stores: []Store{{
				Name:    "toko-budi",
				Plugin:  "woocommerce",
				BankIDs: []string{"4Aqz9OmvWPV", "bank-2"},
				Window:  72 * time.Hour, Slack: DefaultSlack,
				Timeout:  10 * time.Second,
				Settings: json.RawMessage(`{"base_url":"https://tokobudi.id","consumer_key":"ck_live_123","fee":2500.5,"huge":12345678901234567890.12,"nested":{"x":1,"y":null},"note":"<b>&</b>","paid_status":"processing","retries":3,"tags":["a","b"],"verify_tls":true}`),
			}, {
				Name:    "catch-all",
				Path:    "/opt/lunas/lunas-plugin-custom",
				SHA256:  "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
				BankIDs: []string{"*"},
				Env:     []string{"CUSTOM_CA_BUNDLE", "HTTPS_PROXY"},
				Window:  DefaultWindow, Slack: DefaultSlack,
				Timeout:  DefaultTimeout,
				Settings: json.RawMessage(`{}`),
			}},
		}},
		{"testdata/minimal.hcl", &Config{
			Listen:               DefaultListen,
			MaxBodyBytesInFlight: DefaultMaxBodyBytesInFlight,
			Admin:                Admin{Listen: DefaultAdminListen},
			Redis:                Redis{Addr: DefaultRedisAddr, RequirePersistence: true, WaitTimeout: DefaultWaitTimeout},
			Worker:               Worker{Concurrency: DefaultConcurrency},
			Webhooks:             []Webhook{{Name: "moota", Secrets: []string{"moota-secret"}, MaxBodyBytes: 1 << 20}},
			Stores: []Store{{
				Name: "shop", Plugin: "woocommerce", BankIDs: []string{"*"},
				Window: 168 * time.Hour, Slack: time.Hour, Timeout: 30 * time.Second, Settings: json.RawMessage(`{}`),
			}},
		}},
		{"testdata/sentinel.hcl", &Config{
			Listen:               DefaultListen,
			MaxBodyBytesInFlight: DefaultMaxBodyBytesInFlight,
			Admin:                Admin{Listen: "[::1]:9090"},
			Redis: Redis{Password: "master-password", Sentinel: &Sentinel{
				MasterName: "lunas",
				Addrs:      []string{"10.0.0.1:26379", "10.0.0.2:26379"},
				Password:   "sentinel-password",
			}, RequirePersistence: true, WaitReplicas: 1, WaitTimeout: DefaultWaitTimeout},
			Worker:   Worker{Concurrency: DefaultConcurrency},
			Webhooks: []Webhook{{Name: "moota", Secrets: []string{"moota-secret"}, MaxBodyBytes: DefaultMaxBodyBytes}},
			Stores: []Store{{
				Name: "shop", Plugin: "shopify", BankIDs: []string{"bank-1"},
				Window: DefaultWindow, Slack: DefaultSlack, Timeout: DefaultTimeout, Settings: json.RawMessage(`{}`),
			}},
		}},
		{"testdata/redis_url.hcl", &Config{
			Listen:               DefaultListen,
			MaxBodyBytesInFlight: DefaultMaxBodyBytesInFlight,
			Admin:                Admin{Listen: DefaultAdminListen},
			Redis:                Redis{URL: "rediss://default:pw@redis.internal:6380/3", RequirePersistence: true, WaitTimeout: DefaultWaitTimeout},
			Worker:               Worker{Concurrency: DefaultConcurrency},
			Webhooks:             []Webhook{{Name: "moota", Secrets: []string{"moota-secret"}, MaxBodyBytes: DefaultMaxBodyBytes}},
			Stores: []Store{{
				Name: "shop", Plugin: "custom", BankIDs: []string{"bank-1"},
				Window: DefaultWindow, Slack: DefaultSlack, Timeout: DefaultTimeout, Settings: json.RawMessage(`{}`),
			}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			withLifecycleDefaults(tt.want)
			got := load(t, tt.file)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Load(%s):\n got %+v\nwant %+v", tt.file, got, tt.want)
				for i := range min(len(got.Stores), len(tt.want.Stores)) {
					if g, w := string(got.Stores[i].Settings), string(tt.want.Stores[i].Settings); g != w {
						t.Errorf("store %d settings:\n got %s\nwant %s", i, g, w)
					}
				}
			}
			if err := got.Validate(); err != nil {
				t.Errorf("Validate() of the parsed config without positions: %v", err)
			}
		})
	}
}

func TestStoreForBank(t *testing.T) {
	c := &Config{Stores: []Store{
		{Name: "all", BankIDs: []string{AnyBank}},
		{Name: "budi", BankIDs: []string{"bca-1", "mandiri-1"}},
		{Name: "sari", BankIDs: []string{"bni-1"}},
	}}
	tests := []struct {
		bankID string
		want   string
	}{
		{"bca-1", "budi"},
		{"mandiri-1", "budi"},
		{"bni-1", "sari"},
		{"unknown", "all"},
		{"", "all"},
	}
	for _, tt := range tests {
		got, ok := c.StoreForBank(tt.bankID)
		if !ok || got.Name != tt.want {
			t.Errorf("StoreForBank(%q) = %v, %v; want store %q", tt.bankID, got, ok, tt.want)
		}
	}
	if got, _ := c.StoreForBank("bca-1"); got != &c.Stores[1] {
		t.Errorf("StoreForBank returned a copy, not the config's store")
	}

	c.Stores = c.Stores[1:]
	if got, ok := c.StoreForBank("unknown"); ok || got != nil {
		t.Errorf("StoreForBank(unknown) without a \"*\" store = %v, %v; want nil, false", got, ok)
	}
}

// withLifecycleDefaults fills in what Parse sets when a file has no review
// or reversal block.
func withLifecycleDefaults(c *Config) {
	if c.Review.Recheck == nil {
		c.Review.Recheck = DefaultRecheck
	}
	if c.Review.UnreachableAfter == 0 {
		c.Review.UnreachableAfter = DefaultUnreachableAfter
	}
	if c.Reversal.Window == 0 {
		c.Reversal = Reversal{Window: DefaultReversalWindow, Patterns: DefaultReversalPatterns}
	}
}
