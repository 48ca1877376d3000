package chaos

import (
	"bufio"
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lunas-dev/lunas/internal/testutil"
)

// One receiver and two workers on one Redis share the work: both workers
// apply payments, and none is applied twice.
func TestScaleOut(t *testing.T) {
	t.Parallel()
	n := size(300, 3000)
	r := newRig(t, testutil.NewRedis(t), n)
	insp := r.inspector(t)
	faults := map[string]any{"hold_ms": 5} // a store call takes a moment, as a real one does
	receiver := r.start(t, "receiver", 0, nil)
	workers := []*testutil.Lunas{r.start(t, "worker", 4, faults), r.start(t, "worker", 4, faults)}

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	deliverAll(t, startLoad(ctx, newSender(receiver.PublicURL, receiver.Secret), r.batches(10), 4, nil), n)
	r.settle(t, insp, 5*time.Minute)
	r.verify(t)

	total := 0
	for i, w := range workers {
		paid := processed(t, w, "paid")
		t.Logf("worker %d paid %d orders", i+1, paid)
		if paid == 0 {
			t.Errorf("worker %d paid no order: the work was not shared", i+1)
		}
		total += paid
	}
	if total != n {
		t.Errorf("the workers report %d orders paid, the ledger %d", total, n)
	}
}

// processed reads how many mutations the Lunas process counted with the
// outcome, from lunas_mutations_processed_total on its admin /metrics.
func processed(t *testing.T, l *testutil.Lunas, outcome string) int {
	t.Helper()
	resp, err := http.Get(l.AdminURL + "/metrics")
	if err != nil {
		t.Fatalf("GET /metrics: %v", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /metrics: %s", resp.Status)
	}
	sum := 0
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "lunas_mutations_processed_total{") || !strings.Contains(line, `outcome="`+outcome+`"`) {
			continue
		}
		v, err := strconv.ParseFloat(line[strings.LastIndexByte(line, ' ')+1:], 64)
		if err != nil {
			t.Fatalf("metrics line %q: %v", line, err)
		}
		sum += int(v)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return sum
}
