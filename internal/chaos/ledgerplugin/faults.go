package main

import (
	"context"
	"encoding/binary"
	"hash/fnv"
	"time"

	"github.com/lunas-dev/lunas/internal/chaos/ledger"
)

// faults are the misbehaviours the settings switch on. Every decision is a
// pure function of the seed and of what is being decided (the call, the
// payment, its attempt number, the storm slot), so a run can be repeated.
type faults struct {
	Seed int64 `json:"seed"`
	// CrashShare is the share of FindOpenOrders and ApplyPayment calls that
	// end the process with os.Exit(2); half of the ApplyPayment crashes come
	// after the payment was booked (the answer is lost, the write is not).
	CrashShare float64 `json:"crash_share"`
	// CrashLimit caps the crashes per payment; 0 means no cap. A cap keeps a
	// test's duration within Asynq's first retry delays.
	CrashLimit int64 `json:"crash_limit"`
	// StormShare is the share of call slots inside a storm, in which every
	// call answers 429 or 500 (retryable, with RetryAfterMS as Retry-After).
	// Half of the 500s on ApplyPayment come after the payment was booked.
	StormShare float64 `json:"storm_share"`
	// StormLength is how many consecutive calls of the store a storm lasts; default 20.
	StormLength int64 `json:"storm_length"`
	// RetryAfterMS is the Retry-After of a storm's answers; default 200.
	RetryAfterMS int64 `json:"retry_after_ms"`
	// HoldMS is how long ApplyPayment waits after booking before it
	// answers, so that a killed worker leaves booked but unanswered payments.
	HoldMS int64 `json:"hold_ms"`
}

// fault is what one call is made to do.
type fault int

const (
	noFault              fault = iota
	crashBefore                // exit before touching the ledger
	crashAfterBook             // book the payment, then exit before answering
	throttled                  // 429 with Retry-After, nothing booked
	serverError                // 500, nothing booked
	serverErrorAfterBook       // book the payment, then answer 500
)

// Call kinds, as the fault decisions and attempt counters name them.
const (
	kindFind  = "find"
	kindApply = "apply"
)

// decide picks the fault of one call of kind for the payment id (the
// mutation amount, unique in a chaos run).
func (f faults) decide(ctx context.Context, led *ledger.Ledger, kind, id string) (fault, error) {
	if f.CrashShare <= 0 && f.StormShare <= 0 {
		return noFault, nil
	}
	attempt, err := led.Attempt(ctx, kind, id)
	if err != nil {
		return noFault, err
	}
	if f.CrashShare > 0 && chance(f.Seed, "crash", kind, id, attempt) < f.CrashShare {
		crashed, err := led.Crashes(ctx, id, 0)
		if err != nil {
			return noFault, err
		}
		if f.CrashLimit == 0 || crashed < f.CrashLimit {
			if kind == kindApply && chance(f.Seed, "crash-after-book", kind, id, attempt) < 0.5 {
				return crashAfterBook, nil
			}
			return crashBefore, nil
		}
	}
	if f.StormShare > 0 {
		tick, err := led.Tick(ctx)
		if err != nil {
			return noFault, err
		}
		slot := (tick - 1) / f.stormLength()
		if chance(f.Seed, "storm", "", "", slot) < f.StormShare {
			if chance(f.Seed, "storm-kind", "", "", slot) < 0.5 {
				return throttled, nil
			}
			if kind == kindApply && chance(f.Seed, "500-after-book", kind, id, attempt) < 0.5 {
				return serverErrorAfterBook, nil
			}
			return serverError, nil
		}
	}
	return noFault, nil
}

func (f faults) stormLength() int64 {
	if f.StormLength <= 0 {
		return 20
	}
	return f.StormLength
}

func (f faults) retryAfter() time.Duration {
	if f.RetryAfterMS <= 0 {
		return 200 * time.Millisecond
	}
	return time.Duration(f.RetryAfterMS) * time.Millisecond
}

// chance returns a number in [0, 1) fixed by its arguments.
func chance(seed int64, what, kind, id string, n int64) float64 {
	h := fnv.New64a()
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], uint64(seed))
	h.Write(b[:])
	for _, s := range []string{what, kind, id} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	binary.LittleEndian.PutUint64(b[:], uint64(n))
	h.Write(b[:])
	// FNV's high bits mix poorly for near-identical inputs; finish with splitmix64.
	x := h.Sum64()
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return float64(x>>11) / (1 << 53)
}
