package queue

import (
	"testing"
	"time"

	"github.com/lunas-dev/lunas/core"
)

func TestPayloadRoundTrip(t *testing.T) {
	ms, err := core.ParseMutations([]byte(` [ {"mutation_id":"m1","bank_id":"b","amount":"12111.00","type":"CR","description":"INV \u00e9 \"1042\""} ] `))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2025, 1, 15, 3, 21, 7, 5, time.UTC)
	b, err := encodePayload("mo\"ota", &ms[0], now)
	if err != nil {
		t.Fatal(err)
	}
	p, m, err := decodePayload(b)
	if err != nil {
		t.Fatalf("decode %s: %v", b, err)
	}
	if p.Webhook != "mo\"ota" || !p.ReceivedAt.Equal(now) || m.ID != "m1" || m.Amount != 1211100 || m.Description != `INV é "1042"` {
		t.Fatalf("round trip: %+v %+v", p, m.Mutation)
	}
}
