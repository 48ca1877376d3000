package config

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
)

// parseSetting parses a minimal config whose store settings hold v = expr,
// and returns the value the plugin would receive.
func parseSetting(t *testing.T, expr string) (any, error) {
	t.Helper()
	src := fmt.Sprintf(`webhook "moota" {
  secrets = ["s"]
}
store "shop" {
  plugin   = "woocommerce"
  bank_ids = ["*"]
  settings = {
    v = %s
  }
}
`, expr)
	c, err := Parse([]byte(src), "lunas.hcl")
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := json.Unmarshal(c.Stores[0].Settings, &m); err != nil {
		t.Fatalf("settings are not a JSON object: %v", err)
	}
	return m["v"], nil
}

func TestEnv(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string // "" = set but empty; absent = unset
		expr    string
		want    any
		wantErr string
	}{
		{"set", map[string]string{"LUNAS_TEST_X": "value-x"}, `env("LUNAS_TEST_X")`, "value-x", ""},
		{"unset", nil, `env("LUNAS_TEST_X")`, nil, `lunas.hcl:8,9-28: env("LUNAS_TEST_X") is not set`},
		{"empty", map[string]string{"LUNAS_TEST_X": ""}, `env("LUNAS_TEST_X")`, nil, `lunas.hcl:8,9-28: env("LUNAS_TEST_X") is empty`},
		{"default used when unset", nil, `env("LUNAS_TEST_X", "fallback")`, "fallback", ""},
		{"default used when empty", map[string]string{"LUNAS_TEST_X": ""}, `env("LUNAS_TEST_X", "fallback")`, "fallback", ""},
		{"default ignored when set", map[string]string{"LUNAS_TEST_X": "value-x"}, `env("LUNAS_TEST_X", "fallback")`, "value-x", ""},
		{"empty default", nil, `env("LUNAS_TEST_X", "")`, "", ""},
		{"in a template", map[string]string{"LUNAS_TEST_X": "host"}, `"https://${env("LUNAS_TEST_X")}/api"`, "https://host/api", ""},
		{"too many arguments", nil, `env("LUNAS_TEST_X", "a", "b")`, nil, `lunas.hcl:8,9-38: env("LUNAS_TEST_X") takes a variable name and at most one default`},
		{"no name", nil, `env("")`, nil, `lunas.hcl:8,9-16: env("") needs a variable name`},
		{"no arguments", nil, `env()`, nil, `lunas.hcl:8,13-14: Not enough function arguments`},
		{"other functions do not exist", nil, `upper("x")`, nil, `lunas.hcl:8,9-14: Call to unknown function; There is no function named "upper".`},
		{"variables do not exist", nil, `var.x`, nil, `lunas.hcl:8,9-12: Variables not allowed`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("LUNAS_TEST_X", "")
			if _, set := tt.env["LUNAS_TEST_X"]; !set {
				unsetenv(t, "LUNAS_TEST_X")
			}
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			got, err := parseSetting(t, tt.expr)
			if tt.wantErr != "" {
				if err == nil || !strings.HasPrefix(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v; want one starting %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("value = %#v; want %#v", got, tt.want)
			}
		})
	}
}

// unsetenv unsets key for the rest of the test; t.Setenv first registers
// the restore of its previous value.
func unsetenv(t *testing.T, key string) {
	t.Helper()
	t.Setenv(key, "")
	if err := os.Unsetenv(key); err != nil {
		t.Fatal(err)
	}
}
