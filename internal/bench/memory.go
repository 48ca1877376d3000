package main

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/redis/go-redis/v9"
)

// keyKind is one kind of Redis key a mutation leaves behind, and what all
// keys of that kind take (MEMORY USAGE ... SAMPLES 0: the key name, the
// value with its encoding overhead, and the allocator's rounding).
type keyKind struct {
	name  string
	keys  int
	bytes int64
	// life is how long the records of this kind stay: the longest TTL
	// seen, the expiry Asynq gives its finished tasks, or 0 for records
	// with no TTL (kept forever or trimmed by age, at least the window).
	life time.Duration
}

// window is how long Lunas must remember a mutation: Moota re-delivers
// within it, and an operator looks a mutation up within it.
const window = 14 * 24 * time.Hour

// weight is how long a record of k stays, in 14-day windows: at a steady
// rate Redis holds life/window records of k per mutation of the window, so
// a task kept 1 hour costs 1/336 of its bytes and a record kept 31 days
// 2.2 times them. Records with no TTL (kept for good, or trimmed by age
// at the window) count once.
func (k keyKind) weight() float64 {
	if k.life <= 0 {
		return 1
	}
	return float64(k.life) / float64(window)
}

// kindOf names the kind of a key. Keys of the demo store (namespace) are
// the store's, not Lunas', and are left out.
func kindOf(key, namespace string) string {
	switch {
	case strings.HasPrefix(key, namespace):
		return ""
	case strings.HasPrefix(key, "asynq:{"):
		// asynq:{queue}:t:<id> is a task hash; asynq:{queue}:<set> an index.
		rest := key[strings.IndexByte(key, '}')+1:]
		switch {
		case strings.HasPrefix(rest, ":t:"):
			return "asynq task hash"
		case strings.HasPrefix(rest, ":completed"):
			return "asynq completed zset"
		case strings.HasPrefix(rest, ":processed") || strings.HasPrefix(rest, ":failed"):
			return "asynq daily counters"
		}
		return "asynq " + strings.TrimPrefix(rest, ":")
	case strings.HasPrefix(key, "asynq:"):
		return "asynq server state"
	case key == "lunas:applied:log":
		// The recent-payments log (2 days), not the permanent lunas:applied:{bank}.
		return key
	}
	// lunas:<kind>:... is a record of Lunas.
	f := strings.SplitN(key, ":", 3)
	if len(f) >= 2 {
		return f[0] + ":" + f[1]
	}
	return key
}

// redisBreakdown sums MEMORY USAGE per key kind over every key of rdb's
// database, skipping the demo store's namespace.
func redisBreakdown(ctx context.Context, rdb *redis.Client, namespace string) ([]keyKind, error) {
	kinds := map[string]*keyKind{}
	var completed time.Duration
	iter := rdb.Scan(ctx, 0, "*", 1000).Iterator()
	for iter.Next(ctx) {
		key := iter.Val()
		kind := kindOf(key, namespace)
		if kind == "" {
			continue
		}
		n, err := rdb.MemoryUsage(ctx, key, 0).Result()
		if err != nil {
			if err == redis.Nil {
				continue // expired between SCAN and MEMORY USAGE
			}
			return nil, err
		}
		k := kinds[kind]
		if k == nil {
			k = &keyKind{name: kind}
			kinds[kind] = k
		}
		k.keys++
		k.bytes += n
		if ttl, err := rdb.PTTL(ctx, key).Result(); err == nil && ttl > 0 {
			k.life = max(k.life, ttl)
		}
		if strings.HasSuffix(key, "}:completed") {
			// The score of a finished task is when Asynq's janitor deletes it.
			if z, err := rdb.ZRangeWithScores(ctx, key, -1, -1).Result(); err == nil && len(z) == 1 {
				completed = max(completed, time.Until(time.Unix(int64(z[0].Score), 0)))
			}
		}
	}
	if err := iter.Err(); err != nil {
		return nil, err
	}
	for _, name := range []string{"asynq task hash", "asynq completed zset"} {
		if k := kinds[name]; k != nil && completed > 0 {
			k.life = completed
		}
	}
	out := make([]keyKind, 0, len(kinds))
	for _, k := range kinds {
		out = append(out, *k)
	}
	slices.SortFunc(out, func(a, b keyKind) int { return cmp.Compare(b.bytes, a.bytes) })
	return out, nil
}

// retainedPerMutation is what the kinds cost per mutation retained for the
// whole window: each kind's bytes weighted by the share of the window its
// records stay.
func retainedPerMutation(kinds []keyKind, mutations int) float64 {
	var sum float64
	for _, k := range kinds {
		sum += float64(k.bytes) * k.weight()
	}
	return sum / float64(mutations)
}

// namespaceBytes sums MEMORY USAGE over the keys of the demo store.
func namespaceBytes(ctx context.Context, rdb *redis.Client, namespace string) int64 {
	var sum int64
	iter := rdb.Scan(ctx, 0, namespace+"*", 1000).Iterator()
	for iter.Next(ctx) {
		n, _ := rdb.MemoryUsage(ctx, iter.Val(), 0).Result()
		sum += n
	}
	return sum
}

// printBreakdown writes the bytes of each key kind per mutation, right
// after the run and weighted by how long the kind stays.
func printBreakdown(w io.Writer, kinds []keyKind, mutations int, usedPerMut, overheadPerMut float64) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "Redis bytes per mutation (%d mutations, MEMORY USAGE)\tkeys\tafter the run\tkept\tper retained mutation\t\n", mutations)
	var sum int64
	for _, k := range kinds {
		sum += k.bytes
		life := "no TTL"
		if k.life > 0 {
			life = fmt.Sprintf("%.1f days", k.life.Hours()/24)
		}
		fmt.Fprintf(tw, "%s\t%d\t%.0f\t%s\t%.0f\t\n", k.name, k.keys, float64(k.bytes)/float64(mutations), life,
			float64(k.bytes)*k.weight()/float64(mutations))
	}
	fmt.Fprintf(tw, "total (MEMORY USAGE)\t\t%.0f\t\t%.0f\t\n", float64(sum)/float64(mutations), retainedPerMutation(kinds, mutations))
	fmt.Fprintf(tw, "used_memory growth after the run, less the demo store's\t\t%.0f\t\t\t\n", usedPerMut)
	fmt.Fprintf(tw, "outside MEMORY USAGE once finished tasks are deleted (keyspace tables), counted whole\t\t\t\t%.0f\t\n", overheadPerMut)
	fmt.Fprintf(tw, "per retained mutation\t\t\t\t%.0f\t\n", retainedPerMutation(kinds, mutations)+overheadPerMut)
	tw.Flush()
}
