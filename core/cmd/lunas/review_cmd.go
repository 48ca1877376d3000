package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/url"
	"strings"
	"text/tabwriter"
	"time"
	"unicode/utf8"

	"github.com/lunas-dev/lunas/core"
)

// reviewCommand is `lunas review`: the review inbox from the command line.
func reviewCommand() *command {
	return &command{
		name: "review", summary: "the review inbox: payments a person must decide",
		about: `
Ambiguous, unmatched, refused and reversed payments wait here until an
operator pays the right order (resolve) or decides nothing is to be paid
(dismiss). The same inbox is in the admin console.` + adminAbout,
		subs: []*command{reviewListCommand(), reviewShowCommand(), reviewResolveCommand(), reviewDismissCommand()},
	}
}

func reviewListCommand() *command {
	var c *adminClient
	var status, reason, store string
	var limit int
	var asJSON bool
	return &command{
		name: "list", summary: "list review items, newest first",
		flags: func(fs *flag.FlagSet) {
			c = adminFlags(fs)
			choiceFlag(fs, &status, "status", "open", []string{"open", "resolved", "dismissed", "all"}, "`status`: open, resolved, dismissed or all")
			choiceFlag(fs, &reason, "reason", "", reasonNames(), "only this `reason`: "+strings.Join(reasonNames(), ", "))
			fs.StringVar(&store, "store", "", "only this `store`")
			fs.IntVar(&limit, "limit", 100, "list at most `N` items")
			fs.BoolVar(&asJSON, "json", false, "print JSON")
		},
		run: func(ctx context.Context, inv *invocation) error {
			q := url.Values{"limit": {fmt.Sprint(limit)}}
			if status != "all" {
				q.Set("status", status)
			}
			if reason != "" {
				q.Set("reason", reason)
			}
			if store != "" {
				q.Set("store", store)
			}
			var out struct {
				Items []core.ReviewItem `json:"items"`
			}
			if err := c.do(ctx, "GET", "/api/review?"+q.Encode(), nil, &out); err != nil {
				return err
			}
			if asJSON {
				return printJSON(inv.stdout, out.Items)
			}
			printReviewTable(inv.stdout, out.Items)
			return nil
		},
	}
}

func reviewShowCommand() *command {
	var c *adminClient
	return &command{
		name: "show", args: "ID", minArgs: 1, maxArgs: 1,
		summary: "show one review item: the mutation, the candidate orders, the history",
		flags:   func(fs *flag.FlagSet) { c = adminFlags(fs) },
		run: func(ctx context.Context, inv *invocation) error {
			var item core.ReviewItem
			if err := c.do(ctx, "GET", reviewPath(inv), nil, &item); err != nil {
				return err
			}
			printReviewItem(inv.stdout, item)
			return nil
		},
	}
}

func reviewResolveCommand() *command {
	var c *adminClient
	var order string
	return &command{
		name: "resolve", args: "ID", minArgs: 1, maxArgs: 1,
		summary: "pay the order a review item's payment is for",
		flags: func(fs *flag.FlagSet) {
			c = adminFlags(fs)
			fs.StringVar(&order, "order", "", "the order `number` the payment is for (required)")
		},
		run: func(ctx context.Context, inv *invocation) error {
			if order == "" {
				return inv.usageError("--order NUMBER is required")
			}
			var item core.ReviewItem
			if err := c.do(ctx, "POST", reviewPath(inv)+"/resolve", map[string]string{"order": order}, &item); err != nil {
				return err
			}
			fmt.Fprintf(inv.stdout, "resolved %s: order %s paid\n", termSafe(item.ID), termSafe(item.ResolvedOrder))
			return nil
		},
	}
}

func reviewDismissCommand() *command {
	var c *adminClient
	var why string
	return &command{
		name: "dismiss", args: "ID", minArgs: 1, maxArgs: 1,
		summary: "close a review item without paying anything",
		flags: func(fs *flag.FlagSet) {
			c = adminFlags(fs)
			fs.StringVar(&why, "reason", "", "why nothing is to be paid (required)")
		},
		run: func(ctx context.Context, inv *invocation) error {
			if strings.TrimSpace(why) == "" {
				return inv.usageError("--reason TEXT is required")
			}
			var item core.ReviewItem
			if err := c.do(ctx, "POST", reviewPath(inv)+"/dismiss", map[string]string{"reason": why}, &item); err != nil {
				return err
			}
			fmt.Fprintf(inv.stdout, "dismissed %s\n", termSafe(item.ID))
			return nil
		},
	}
}

// reviewPath is the admin API path of the item the ID argument names.
func reviewPath(inv *invocation) string { return "/api/review/" + url.PathEscape(inv.args[0]) }

// timeLayout is how review times are printed: in Asia/Jakarta, the zone
// Moota's dates are in, named so that nobody reads them as local time.
const (
	timeLayout    = "2006-01-02 15:04 MST"
	secondsLayout = "2006-01-02 15:04:05 MST"
)

// zoned formats t in Asia/Jakarta with layout; the zero time, which means
// "not known", is "-" rather than a date in year 1.
func zoned(t time.Time, layout string) string {
	if t.IsZero() {
		return "-"
	}
	return t.In(core.Jakarta).Format(layout)
}

func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func printReviewTable(w io.Writer, items []core.ReviewItem) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSTATUS\tREASON\tSTORE\tAMOUNT\tCREATED\tDETAIL")
	for _, it := range items {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", termSafe(it.ID), termSafe(string(it.Status)), termSafe(string(it.Reason)), termSafe(it.Store), it.Amount,
			zoned(it.CreatedAt, timeLayout), truncateText(termSafe(it.Detail), 60))
	}
	tw.Flush()
	if len(items) == 0 {
		fmt.Fprintln(w, "(no review items)")
	}
}

// printReviewItem prints one item. Every string in it may come from a
// payload or a plugin, so each goes through termSafe, and the suggested
// commands quote the id for the shell.
func printReviewItem(w io.Writer, it core.ReviewItem) {
	t := termSafe
	fmt.Fprintf(w, "ID           %s\nStatus       %s\nReason       %s\nDetail       %s\nStore        %s\n", t(it.ID), t(string(it.Status)), t(string(it.Reason)), t(it.Detail), t(it.Store))
	fmt.Fprintf(w, "Mutation     %s (%s) Rp %s on bank %s, %s\nDescription  %s\n", t(it.MutationID), t(it.Type), it.Amount, t(it.BankID),
		zoned(it.Date, timeLayout), t(it.Description))
	if it.ResolvedOrder != "" {
		fmt.Fprintf(w, "Paid order   %s\n", t(it.ResolvedOrder))
	}
	if len(it.Candidates) > 0 {
		fmt.Fprintln(w, "Candidates:")
		for _, o := range it.Candidates {
			fmt.Fprintf(w, "  order %s (id %s) Rp %s %s\n", t(o.Number), t(o.ID), o.Amount, t(o.Status))
		}
	}
	if len(it.Actions) > 0 {
		fmt.Fprintln(w, "History:")
		for _, a := range it.Actions {
			fmt.Fprintf(w, "  %s  %s  %s  %s\n", zoned(a.At, secondsLayout), t(a.Actor), t(a.Action), t(a.Detail))
		}
	}
	if it.Status == core.ReviewOpen {
		id := shellQuote(t(it.ID))
		fmt.Fprintf(w, "\nResolve: lunas review resolve %s --order NUMBER\nDismiss: lunas review dismiss %s --reason TEXT\n", id, id)
	}
}

// truncateText cuts s to n runes, marking the cut.
func truncateText(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

// reasonNames are the review reasons, as the API and --reason spell them.
func reasonNames() []string {
	out := make([]string, len(core.ReviewReasons))
	for i, r := range core.ReviewReasons {
		out[i] = string(r)
	}
	return out
}
