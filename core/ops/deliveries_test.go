package ops

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/lunas-dev/lunas/core"
)

type fakeDeliveries struct {
	ds  []core.Delivery
	n   int64
	err error
}

func (f *fakeDeliveries) Recent(_ context.Context, n int64) ([]core.Delivery, error) {
	f.n = n
	return f.ds, f.err
}

// GET /api/deliveries lists the newest records, or those of one mutation,
// and refuses what it cannot read with a reason.
func TestDeliveriesAPI(t *testing.T) {
	log := &fakeDeliveries{ds: []core.Delivery{
		{Webhook: "moota", Status: 200, Verdict: "accepted", MutationIDs: []string{"m2", "m3"}},
		{Webhook: "moota", Status: 401, Verdict: "bad_signature"},
		{Webhook: "moota", Status: 200, Verdict: "accepted", MutationIDs: []string{"m1"}},
	}}
	srv, _ := serve(t, Config{Deliveries: log})
	for _, tt := range []struct {
		query string
		code  int
		want  []string
		n     int64
	}{
		{"", 200, []string{`"m2"`, `"bad_signature"`, `"m1"`}, 100},
		{"?n=5000&mutation=m1", 200, []string{`"m1"`}, 5000},
		{"?mutation=m9", 200, []string{`{"deliveries":[]}`}, 100},
		{"?n=0", 400, []string{"n must be a number"}, 0},
		{"?n=x", 400, []string{"n must be a number"}, 0},
		{"?mutation=a%20b", 400, []string{"mutation must be a mutation id"}, 0},
	} {
		log.n = 0
		r := get(t, srv, "/api/deliveries"+tt.query, "", "")
		if r.code != tt.code || log.n != tt.n {
			t.Errorf("%s: %d, read %d; want %d, read %d (%s)", tt.query, r.code, log.n, tt.code, tt.n, r.body)
		}
		for _, w := range tt.want {
			if !strings.Contains(r.body, w) {
				t.Errorf("%s: body %s lacks %s", tt.query, r.body, w)
			}
		}
		if tt.query == "?n=5000&mutation=m1" && strings.Contains(r.body, "m2") {
			t.Errorf("the mutation filter kept another mutation's delivery: %s", r.body)
		}
	}
	log.err = errors.New("redis down")
	if r := get(t, srv, "/api/deliveries", "", ""); r.code != 503 || !strings.Contains(r.body, "redis down") {
		t.Errorf("Redis down: %d %s", r.code, r.body)
	}
}
