package queue

import (
	"strings"
	"testing"

	"github.com/lunas-dev/lunas/core"
	"github.com/lunas-dev/lunas/sdk"
)

// TestNotifyTextIsInert is attack 6 of issue 12 (Slack): a description
// with <!channel> or a link was forwarded to Slack as markup.
func TestNotifyTextIsInert(t *testing.T) {
	item := core.ReviewItem{
		ID: "moota:b1:m1", Reason: "unmatched", Type: "CR", Amount: sdk.Amount(1000000), MutationID: "m1", BankID: "b1",
		Description: "<!channel> urgent: verify at <https://evil.example/login|BCA KlikBCA> & `rm -rf`\nfake line",
		Detail:      "plugin said <@U123>",
	}
	text := NotifyText(item)
	for _, raw := range []string{"<!channel>", "<https://", "<@U123>", "& ", "`rm", "\n"} {
		if strings.Contains(text, raw) {
			t.Errorf("notification holds %q unescaped: %s", raw, text)
		}
	}
	for _, want := range []string{"&lt;!channel&gt;", "&lt;https://evil.example/login|BCA KlikBCA&gt;", "&amp;", "`lunas review show moota:b1:m1`"} {
		if !strings.Contains(text, want) {
			t.Errorf("notification lacks %q: %s", want, text)
		}
	}
}
