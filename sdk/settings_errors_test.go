package sdk

import (
	"encoding/json"
	"testing"
)

func TestDecodeNamesTheSetting(t *testing.T) {
	var s struct {
		BaseURL string `json:"base_url"`
		Retries int    `json:"retries"`
		Auth    struct {
			Key string `json:"key"`
		} `json:"auth"`
	}
	for _, tt := range []struct{ settings, want string }{
		{`{"base_url":"https://x","consumer_kye":"ck_secret"}`, `settings: unknown field "consumer_kye": this plugin has no such setting (check its spelling)`},
		{`{"retries":"three"}`, `settings: setting "retries": a string is not allowed here (the plugin expects a number)`},
		{`{"auth":{"key":5}}`, `settings: setting "auth.key": a number is not allowed here (the plugin expects a string)`},
	} {
		err := (&ConfigureRequest{Settings: json.RawMessage(tt.settings)}).Decode(&s)
		if err == nil || err.Error() != tt.want || !IsPermanent(err) {
			t.Errorf("Decode(%s) = %v; want the permanent error %q", tt.settings, err, tt.want)
		}
	}
}
