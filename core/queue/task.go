package queue

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/lunas-dev/lunas/core"
)

// TypeMutation is the Asynq task type of one Moota mutation.
const TypeMutation = "mutation:process"

// UnroutedQueue holds mutations whose bank account no store claims; the
// worker turns them into review items.
const UnroutedQueue = "lunas:unrouted"

// Retention is the window in which a re-delivered mutation is recognised
// as a duplicate (by its Seen record) and an operator can look it up.
const Retention = 14 * 24 * time.Hour

// TaskRetention keeps a finished mutation task (and so its TaskID) for an
// hour: long enough for asynqmon and for concurrent deliveries to meet on
// the TaskID, short enough that the 2 KB task does not sit in Redis for
// the whole Retention (its Seen record, 60 bytes, does).
const TaskRetention = time.Hour

// StoreQueue is the queue of a store: one per store, so an operator can
// pause one store in asynqmon without stopping the others.
func StoreQueue(store string) string { return "store:" + store }

// payload is what a mutation task carries. The mutation is kept as Moota
// sent it (minus bank.meta) so it can be re-parsed by a newer version.
type payload struct {
	Version    int             `json:"v"`
	Webhook    string          `json:"webhook"`
	ReceivedAt time.Time       `json:"received_at"`
	Mutation   json.RawMessage `json:"mutation"`
	// ConflictWith is, on a conflict task, the mutation stored first under
	// the same id (another amount or type than Mutation).
	ConflictWith json.RawMessage `json:"conflict_with,omitempty"`
}

// ConflictTaskID is the id of the task recording that m arrived with the
// id of a stored mutation but another amount or type: one per variant.
func ConflictTaskID(m *core.Mutation) string {
	sum := sha256.Sum256([]byte(m.Type + "|" + m.Amount.String()))
	return "conflict:" + m.BankID + ":" + m.ID + ":" + hex.EncodeToString(sum[:6])
}

// encodeConflict is the payload of a conflict task: m as it arrived now,
// and first as it was stored.
func encodeConflict(webhook string, m, first *core.Mutation, now time.Time) ([]byte, error) {
	return json.Marshal(payload{Version: 1, Webhook: webhook, ReceivedAt: now.UTC(), Mutation: m.Raw, ConflictWith: first.Raw})
}

// encodePayload writes the payload by hand: json.Marshal would scan and
// compact the raw mutation a third time, and the receiver has already
// validated it.
func encodePayload(webhook string, m *core.Mutation, now time.Time) ([]byte, error) {
	name, err := json.Marshal(webhook)
	if err != nil {
		return nil, err
	}
	raw := bytes.TrimSpace(m.Raw)
	if len(raw) == 0 {
		return nil, fmt.Errorf("mutation %s has no raw JSON", m.ID)
	}
	b := make([]byte, 0, len(raw)+96)
	b = append(b, `{"v":1,"webhook":`...)
	b = append(b, name...)
	b = append(b, `,"received_at":"`...)
	b = now.UTC().AppendFormat(b, time.RFC3339Nano)
	b = append(b, `","mutation":`...)
	b = append(b, raw...)
	return append(b, '}'), nil
}

// decodePayload reads a task payload and its mutation.
func decodePayload(b []byte) (payload, core.Mutation, error) {
	var p payload
	if err := json.Unmarshal(b, &p); err != nil {
		return p, core.Mutation{}, fmt.Errorf("task payload: %w", err)
	}
	m, err := core.ParseMutation(p.Mutation)
	if err != nil {
		return p, core.Mutation{}, fmt.Errorf("task payload: %w", err)
	}
	return p, m, nil
}
