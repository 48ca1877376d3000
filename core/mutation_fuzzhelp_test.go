package core

import (
	"encoding/json"
	"strings"
	"testing"
)

// bankHasMeta reports whether raw holds anything a struct decoder would
// take for bank.meta (field names match case-insensitively).
func bankHasMeta(t *testing.T, raw []byte) bool {
	t.Helper()
	var obj map[string]json.RawMessage
	if json.Unmarshal(raw, &obj) != nil {
		return false
	}
	for k, v := range obj {
		var bank map[string]json.RawMessage
		if !strings.EqualFold(k, "bank") || json.Unmarshal(v, &bank) != nil {
			continue
		}
		for bk := range bank {
			if strings.EqualFold(bk, "meta") {
				return true
			}
		}
	}
	return false
}
