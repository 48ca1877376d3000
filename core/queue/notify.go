package queue

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
	"unicode"

	"github.com/hibiken/asynq"

	"github.com/lunas-dev/lunas/core"
	"github.com/lunas-dev/lunas/sdk"
)

// TypeNotify is the task that announces a new review item.
const TypeNotify = "review:notify"

// OpsQueue holds Lunas' own housekeeping tasks (notifications).
const OpsQueue = "lunas:ops"

// NewNotifyTask returns the task announcing item, once per item (TaskID).
func NewNotifyTask(item core.ReviewItem) (*asynq.Task, []asynq.Option) {
	b, _ := json.Marshal(item)
	return asynq.NewTask(TypeNotify, b), []asynq.Option{
		asynq.TaskID("notify:" + item.ID), asynq.Queue(OpsQueue), asynq.MaxRetry(10),
		asynq.Retention(24 * time.Hour), asynq.Timeout(30 * time.Second),
	}
}

// Notifier posts a Slack-compatible message ({"text": ...}) for each new
// review item to a webhook URL. The URL often holds a token: it is never
// logged or put in an error.
type Notifier struct {
	URL    string
	Client *http.Client // default: 10s timeout
}

// ProcessTask sends one notification.
func (n *Notifier) ProcessTask(ctx context.Context, t *asynq.Task) error {
	var item core.ReviewItem
	if err := json.Unmarshal(t.Payload(), &item); err != nil {
		return fmt.Errorf("%w: %v", asynq.SkipRetry, err)
	}
	body, _ := json.Marshal(map[string]string{"text": NotifyText(item)})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, n.URL, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("%w: review.notify_url is not usable", asynq.SkipRetry)
	}
	req.Header.Set("Content-Type", "application/json")
	client := n.Client
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	resp, err := client.Do(req)
	if err != nil {
		return sdk.Retryable(fmt.Errorf("notify: the review webhook did not answer"), 0)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4096))
	switch {
	case resp.StatusCode < 300:
		return nil
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
		return sdk.Retryable(fmt.Errorf("notify: the review webhook answered %d", resp.StatusCode), 0)
	}
	return fmt.Errorf("%w: notify: the review webhook answered %d", asynq.SkipRetry, resp.StatusCode)
}

// NotifyText is the human message for a new review item. Every field
// from the payload or a plugin goes through SlackEscape, so a description
// cannot mention @channel or show a link of its own.
func NotifyText(item core.ReviewItem) string {
	store := item.Store
	if store == "" {
		store = "(no store)"
	}
	e := SlackEscape
	return fmt.Sprintf("Lunas review [%s] %s: Rp %s %s, mutation %s (bank %s) in store %s: %s. Resolve with `lunas review show %s`.",
		e(string(item.Reason)), e(item.Type), item.Amount, e(item.Description), e(item.MutationID), e(item.BankID), e(store), e(item.Detail), e(item.ID))
}

// slackEscaper escapes the three characters Slack's message text gives a
// meaning (https://api.slack.com/reference/surfaces/formatting#escaping):
// with them escaped, "<!channel>" and "<https://evil|your bank>" are shown
// as typed instead of notifying everyone or making a link. Control
// characters and line separators become spaces, so one message stays one
// line per item; a backtick becomes a prime, so text cannot close the
// message's code span.
var slackEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", "`", "ʹ",
	"\n", " ", "\r", " ", "\t", " ", "\u2028", " ", "\u2029", " ")

// SlackEscape makes payload text inert in a Slack message.
func SlackEscape(s string) string {
	s = slackEscaper.Replace(s)
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
}
