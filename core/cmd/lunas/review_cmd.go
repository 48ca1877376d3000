package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"text/tabwriter"
	"time"
	"unicode/utf8"

	"github.com/lunas-dev/lunas/core"
)

const reviewUsage = `usage:
  lunas review list    [--status open|resolved|dismissed] [--reason R] [--store S] [--limit N] [--json]
  lunas review show    ID
  lunas review resolve ID --order NUMBER
  lunas review dismiss ID --reason TEXT
(common flags: --admin URL --user NAME; password from $LUNAS_ADMIN_PASSWORD)`

// runReview is `lunas review`: the review inbox from the command line.
func runReview(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return &exitError{code: 2, err: errors.New(reviewUsage)}
	}
	sub, rest := args[0], args[1:]
	fs := newFlags("review "+sub, stderr)
	c := adminFlags(fs)
	var (
		status, reason, store, order, why string
		limit                             int
		asJSON                            bool
	)
	switch sub {
	case "list":
		fs.StringVar(&status, "status", "open", "open, resolved, dismissed, or all")
		fs.StringVar(&reason, "reason", "", "ambiguous, unmatched, refused, unrouted, failed or reversed")
		fs.StringVar(&store, "store", "", "only this store")
		fs.IntVar(&limit, "limit", 100, "at most this many")
		fs.BoolVar(&asJSON, "json", false, "print JSON")
	case "show":
	case "resolve":
		fs.StringVar(&order, "order", "", "the order number the payment is for (required)")
	case "dismiss":
		fs.StringVar(&why, "reason", "", "why nothing is to be paid (required)")
	default:
		return &exitError{code: 2, err: errors.New(reviewUsage)}
	}
	id, rest := leadingArg(rest)
	if err := fs.Parse(rest); err != nil {
		return err
	}
	if id == "" && fs.NArg() > 0 {
		id = fs.Arg(0)
	}
	if sub != "list" && id == "" {
		return &exitError{code: 2, err: errors.New(reviewUsage)}
	}
	path := "/api/review/" + url.PathEscape(id)
	switch sub {
	case "list":
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
			return printJSON(stdout, out.Items)
		}
		printReviewTable(stdout, out.Items)
		return nil
	case "show":
		var item core.ReviewItem
		if err := c.do(ctx, "GET", path, nil, &item); err != nil {
			return err
		}
		printReviewItem(stdout, item)
		return nil
	case "resolve":
		if order == "" {
			return &exitError{code: 2, err: errors.New("--order NUMBER is required")}
		}
		var item core.ReviewItem
		if err := c.do(ctx, "POST", path+"/resolve", map[string]string{"order": order}, &item); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "resolved %s: order %s paid\n", termSafe(item.ID), termSafe(item.ResolvedOrder))
		return nil
	default: // dismiss
		if strings.TrimSpace(why) == "" {
			return &exitError{code: 2, err: errors.New("--reason TEXT is required")}
		}
		var item core.ReviewItem
		if err := c.do(ctx, "POST", path+"/dismiss", map[string]string{"reason": why}, &item); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "dismissed %s\n", termSafe(item.ID))
		return nil
	}
}

// leadingArg takes a positional argument written before the flags.
func leadingArg(args []string) (string, []string) {
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		return args[0], args[1:]
	}
	return "", args
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
			it.CreatedAt.In(core.Jakarta).Format("2006-01-02 15:04"), truncateText(termSafe(it.Detail), 60))
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
		it.Date.In(core.Jakarta).Format("2006-01-02 15:04"), t(it.Description))
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
			fmt.Fprintf(w, "  %s  %s  %s  %s\n", a.At.In(core.Jakarta).Format(time.DateTime), t(a.Actor), t(a.Action), t(a.Detail))
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
