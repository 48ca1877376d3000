package moota

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/lunas-dev/lunas/core"
	"github.com/lunas-dev/lunas/sdk"
)

// verifySlack widens the dates Verify lists on each side: a bank's date
// and the day Moota recorded the line can differ, and Moota files a
// mutation under either.
const verifySlack = 24 * time.Hour

// errFound stops the listing once the mutation is seen.
var errFound = errors.New("found")

// Verify confirms a delivered mutation through the API, as Moota's official
// WordPress plugin's verifyMutation does (moota-co/moota-wordpress
// src/Concerns/MootaPayment.php): it lists the account's mutations and
// requires one with the same mutation_id, amount and token. Unlike the
// plugin, which reads only the first page of all accounts, it lists the
// mutation's own account (bank=bank_id, credits) from the day before its
// date to the day after Moota recorded it, every page until found; amounts
// are compared as exact decimals, and the token only when the webhook
// carried one.
//
// The verdict is Verified, NotFound (no credit with that id: Moota never
// recorded it) or Mismatch (the id is there with another amount or token;
// Reason says which). The error is a failure to ask: retryable when Moota
// is down or throttling, permanent for a refused token; never a verdict.
func (c *Client) Verify(ctx context.Context, m *core.Mutation) (core.Verification, error) {
	if m == nil || strings.TrimSpace(m.ID) == "" || strings.TrimSpace(m.BankID) == "" {
		return core.Verification{}, sdk.Permanentf("moota: verify: the mutation needs an id and a bank id")
	}
	from, to := verifyWindow(m, time.Now())
	token := tokenOf(m.Raw)
	var found *core.Mutation
	var foundToken string
	err := c.Mutations(ctx, m.BankID, from, to, func(raw json.RawMessage) error {
		got, err := core.ParseMutation(raw)
		if err != nil || got.ID != m.ID {
			return nil // a line Lunas cannot read is not the one sought
		}
		found, foundToken = &got, tokenOf(raw)
		return errFound
	})
	if err != nil && !errors.Is(err, errFound) {
		return core.Verification{}, err
	}
	if found == nil {
		return core.Verification{Verdict: core.NotFound, Reason: fmt.Sprintf(
			"Moota's API lists no credit %s in account %s between %s and %s", m.ID, m.BankID,
			from.In(core.Jakarta).Format(time.DateOnly), to.In(core.Jakarta).Format(time.DateOnly))}, nil
	}
	var diffs []string
	if found.Amount != m.Amount {
		diffs = append(diffs, fmt.Sprintf("amount %s in Moota, %s in the webhook", found.Amount, m.Amount))
	}
	if token != "" && foundToken != token {
		diffs = append(diffs, "another token")
	}
	if found.BankID != "" && found.BankID != m.BankID {
		diffs = append(diffs, fmt.Sprintf("bank %s in Moota, %s in the webhook", found.BankID, m.BankID))
	}
	if len(diffs) > 0 {
		return core.Verification{Verdict: core.Mismatch, Reason: fmt.Sprintf(
			"Moota's API lists mutation %s with %s", m.ID, strings.Join(diffs, "; "))}, nil
	}
	return core.Verification{Verdict: core.Verified}, nil
}

// verifyWindow is the span of dates Verify lists: from the day before the
// bank date to the day after the later of that date and when Moota
// recorded it (now, when neither is known).
func verifyWindow(m *core.Mutation, now time.Time) (from, to time.Time) {
	first, last := m.Date, m.Date
	if first.IsZero() || (!m.CreatedAt.IsZero() && m.CreatedAt.Before(first)) {
		first = m.CreatedAt
	}
	if m.CreatedAt.After(last) {
		last = m.CreatedAt
	}
	if first.IsZero() {
		first, last = now, now
	}
	return first.Add(-verifySlack), last.Add(verifySlack)
}

// tokenOf reads a mutation object's token, a string or a number; "" when
// it has none.
func tokenOf(raw json.RawMessage) string {
	var m struct {
		Token json.RawMessage `json:"token"`
	}
	if json.Unmarshal(raw, &m) != nil || len(m.Token) == 0 {
		return ""
	}
	return idText(m.Token)
}
