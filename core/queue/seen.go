package queue

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/lunas-dev/lunas/core"
	"github.com/lunas-dev/lunas/sdk"
)

// Seen is the compact record of the mutations Lunas took in, kept for the
// whole Retention window after their task finished Asynq's much shorter
// TaskRetention: one field per mutation (its id, value "type|amount") in a
// hash per bank account and UTC day, lunas:dedupe:{bank_id}:{yyyymmdd}, that
// expires as a whole Retention after its day ended. About 60 bytes per
// mutation, where the finished task took about 2 KB.
//
// The worker records a mutation when its task starts (Seen.Middleware),
// before the task can finish, so from the enqueue until the record expires
// either the task (kept TaskRetention after it finished) or the record
// exists: the producer checks the record, then enqueues with the TaskID,
// and a re-delivery at any time within Retention is answered duplicate, or
// recorded as a conflict when its amount or type differ. It is safe for
// concurrent use.
type Seen struct {
	RDB redis.UniversalClient // required
}

// seenDays is how many day buckets a lookup reads: today and the
// Retention's days before it, so a record is found for at least Retention.
var seenDays = int(Retention/(24*time.Hour)) + 1

func seenKey(bankID string, day time.Time) string {
	return "lunas:dedupe:" + bankID + ":" + day.UTC().Format("20060102")
}

func seenValue(m *core.Mutation) string { return m.Type + "|" + m.Amount.String() }

// lookupSeen returns the first value of field ARGV[1] in KEYS, or false.
var lookupSeen = redis.NewScript(`
for i = 1, #KEYS do
  local v = redis.call("HGET", KEYS[i], ARGV[1])
  if v then return v end
end
return false`)

// Lookup returns the type and amount recorded for the mutation id of bank
// within Retention, if any, as a mutation with just those fields.
func (s *Seen) Lookup(ctx context.Context, bankID, mutationID string, now time.Time) (*core.Mutation, error) {
	keys := make([]string, seenDays)
	day := now.UTC()
	for i := range keys {
		keys[i] = seenKey(bankID, day.AddDate(0, 0, -i))
	}
	v, err := lookupSeen.Run(ctx, s.RDB, keys, mutationID).Text()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read the record of mutation %s: %w", mutationID, err)
	}
	typ, amount, ok := strings.Cut(v, "|")
	a, aerr := sdk.ParseAmount(amount)
	if !ok || aerr != nil {
		return nil, fmt.Errorf("the record of mutation %s reads %q, want type|amount", mutationID, v)
	}
	m := &core.Mutation{}
	m.ID, m.BankID, m.Type, m.Amount = mutationID, bankID, typ, a
	// What a conflict task shows of the first: the fields the record keeps.
	m.Raw = fmt.Appendf(nil, `{"mutation_id":%q,"bank_id":%q,"type":%q,"amount":%s}`, mutationID, bankID, typ, a.String())
	return m, nil
}

// Record notes m as taken in today (the first record of an id stays).
func (s *Seen) Record(ctx context.Context, m *core.Mutation, now time.Time) error {
	day := now.UTC().Truncate(24 * time.Hour)
	key := seenKey(m.BankID, day)
	_, err := s.RDB.Pipelined(ctx, func(p redis.Pipeliner) error {
		p.HSetNX(ctx, key, m.ID, seenValue(m))
		p.ExpireAt(ctx, key, day.Add(24*time.Hour+Retention))
		return nil
	})
	if err != nil {
		return fmt.Errorf("record mutation %s: %w", m.ID, err)
	}
	return nil
}
