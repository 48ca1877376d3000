package main

import (
	"os"
	"strings"
	"testing"

	"github.com/lunas-dev/lunas/plugins/custom/signature"
	"github.com/lunas-dev/lunas/sdk"
)

// TestOpenAPIDescribesThePlugin keeps openapi.yaml in step with the paths,
// the header and the limits the plugin actually uses.
func TestOpenAPIDescribesThePlugin(t *testing.T) {
	b, err := os.ReadFile("openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	for _, want := range []string{
		"openapi: 3.",
		"\n  " + pathOpenOrders + ":\n    post:",
		"\n  " + pathPayments + ":\n    post:",
		"\n  " + pathHealth + ":\n    get:",
		"name: " + signature.Header,
		"name: Idempotency-Key",
		"at most 1 h",         // sdk.MaxRetryAfter
		"up to 8 MiB",         // maxReplyBytes
		"more than 5 minutes", // signature.DefaultTolerance
	} {
		if !strings.Contains(doc, want) {
			t.Errorf("openapi.yaml does not contain %q", want)
		}
	}
	if sdk.MaxRetryAfter.Hours() != 1 || maxReplyBytes != 8<<20 || signature.DefaultTolerance.Minutes() != 5 {
		t.Error("a limit changed: update openapi.yaml and this test")
	}
}
