package main

import (
	"context"
	"flag"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/lunas-dev/lunas/core"
)

// deliveriesCommand is `lunas deliveries`: the newest webhook deliveries
// as the receiver recorded them (kept 14 days), or those that carried one
// mutation: how an operator sees whether and when Moota delivered it.
func deliveriesCommand() *command {
	var c *adminClient
	var n int
	var mutation string
	var asJSON bool
	return &command{
		name: "deliveries", summary: "list the webhook deliveries Lunas received (the last 14 days)",
		about: `
Each delivery with its time, source address, answer and the mutation ids it
carried, newest first. --mutation shows the deliveries of one mutation among
the newest -n.` + adminAbout,
		flags: func(fs *flag.FlagSet) {
			c = adminFlags(fs)
			fs.IntVar(&n, "n", 100, "how many of the newest deliveries to look at (at most 100000)")
			fs.StringVar(&mutation, "mutation", "", "only deliveries that carried this mutation `id`")
			fs.BoolVar(&asJSON, "json", false, "print JSON")
		},
		run: func(ctx context.Context, inv *invocation) error {
			q := url.Values{"n": {strconv.Itoa(n)}}
			if mutation != "" {
				q.Set("mutation", mutation)
			}
			var out struct {
				Deliveries []core.Delivery `json:"deliveries"`
			}
			if err := c.do(ctx, "GET", "/api/deliveries?"+q.Encode(), nil, &out); err != nil {
				return err
			}
			if asJSON {
				return printJSON(inv.stdout, out)
			}
			if len(out.Deliveries) == 0 {
				fmt.Fprintln(inv.stdout, "no deliveries")
				return nil
			}
			tw := tabwriter.NewWriter(inv.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "TIME\tWEBHOOK\tFROM\tANSWER\tACCEPTED\tDUPLICATES\tMUTATIONS")
			for _, d := range out.Deliveries {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%d %s\t%d\t%d\t%s\n", zoned(d.Time, secondsLayout), termSafe(d.Webhook), termSafe(d.RemoteIP),
					d.Status, termSafe(d.Verdict), d.Accepted, d.Duplicates, termSafe(idList(d.MutationIDs)))
			}
			return tw.Flush()
		},
	}
}

// idList shows at most five ids and how many more there are.
func idList(ids []string) string {
	if len(ids) <= 5 {
		return strings.Join(ids, " ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(ids[:5], " "), len(ids)-5)
}
