package moota

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/lunas-dev/lunas/core"
	"github.com/lunas-dev/lunas/sdk"
)

// maxPages stops a listing that never ends (a server that ignores page):
// 10,000 pages of 100 is far beyond any account's mutations in a lookback.
const maxPages = 10000

// page is a Laravel length-aware paginator. Simple paginators have no
// last_page but a next_page_url; both are understood.
type page struct {
	Data        []json.RawMessage `json:"data"`
	LastPage    flexInt           `json:"last_page"`
	NextPageURL *string           `json:"next_page_url"`
}

// more reports whether a page after n exists.
func (p *page) more(n int) bool {
	if len(p.Data) == 0 {
		return false
	}
	if p.LastPage > 0 {
		return n < int(p.LastPage)
	}
	return p.NextPageURL != nil && *p.NextPageURL != ""
}

// Mutations calls each for every credit mutation of bankID dated from from
// to to (inclusive dates in Asia/Jakarta), asking for one page at a time.
// A debit the server returns despite type=CR is skipped. An error from each
// stops the listing and is returned as is.
func (c *Client) Mutations(ctx context.Context, bankID string, from, to time.Time, each func(raw json.RawMessage) error) error {
	if strings.TrimSpace(bankID) == "" {
		return sdk.Permanentf("moota: list mutations: a bank id is required")
	}
	q := url.Values{
		"type":       {core.Credit},
		"bank":       {bankID},
		"start_date": {from.In(core.Jakarta).Format(time.DateOnly)},
		"end_date":   {to.In(core.Jakarta).Format(time.DateOnly)},
		"per_page":   {strconv.Itoa(c.perPage)},
	}
	for n := 1; n <= maxPages; n++ {
		q.Set("page", strconv.Itoa(n))
		var p page
		if err := c.call(ctx, "GET", "/mutation", q, nil, &p); err != nil {
			return err
		}
		for _, raw := range p.Data {
			if isDebit(raw) {
				continue
			}
			if err := each(raw); err != nil {
				return err
			}
		}
		if !p.more(n) {
			return nil
		}
	}
	return sdk.Permanentf("moota: GET /mutation: more than %d pages for bank %s; is moota.base_url Moota's API?", maxPages, bankID)
}

// isDebit reports whether raw is a mutation object of type DB.
func isDebit(raw json.RawMessage) bool {
	var m struct {
		Type string `json:"type"`
	}
	return json.Unmarshal(raw, &m) == nil && strings.EqualFold(strings.TrimSpace(m.Type), core.Debit)
}

// BankIDs lists the bank ids of the Moota user's accounts, following the
// paginator of GET /bank (a bare list is accepted too).
func (c *Client) BankIDs(ctx context.Context) ([]string, error) {
	var ids []string
	seen := map[string]bool{}
	for n := 1; n <= maxPages; n++ {
		var raw json.RawMessage
		if err := c.call(ctx, "GET", "/bank", url.Values{"page": {strconv.Itoa(n)}}, nil, &raw); err != nil {
			return nil, err
		}
		var p page
		raw = bytes.TrimSpace(raw)
		list := len(raw) > 0 && raw[0] == '['
		if list {
			if err := json.Unmarshal(raw, &p.Data); err != nil {
				return nil, sdk.Permanentf("moota: GET /bank: unexpected answer: %s", clean(err.Error()))
			}
		} else if err := json.Unmarshal(raw, &p); err != nil {
			return nil, sdk.Permanentf("moota: GET /bank: unexpected answer: %s", clean(err.Error()))
		}
		for _, b := range p.Data {
			var acct struct {
				BankID json.RawMessage `json:"bank_id"`
			}
			if json.Unmarshal(b, &acct) != nil {
				continue
			}
			id := idText(acct.BankID)
			if id != "" && !seen[id] {
				seen[id] = true
				ids = append(ids, id)
			}
		}
		if list || !p.more(n) {
			return ids, nil
		}
	}
	return nil, sdk.Permanentf("moota: GET /bank: more than %d pages; is moota.base_url Moota's API?", maxPages)
}

// idText reads an id sent as a JSON string or number.
func idText(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return strings.TrimSpace(s)
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		return n.String()
	}
	return ""
}

// flexInt is an integer Laravel may send as a number or a string.
type flexInt int

func (f *flexInt) UnmarshalJSON(b []byte) error {
	s := strings.Trim(strings.TrimSpace(string(b)), `"`)
	if s == "" || s == "null" {
		*f = 0
		return nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return fmt.Errorf("expected an integer, got %s", b)
	}
	*f = flexInt(n)
	return nil
}
