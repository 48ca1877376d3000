package main

import (
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func TestTimeCalls(t *testing.T) {
	block := strconv.Itoa(rpcBlock)
	tests := map[string]struct {
		n int
		// want is the order of the timed calls after the warm-up, as runs
		// of one call's name and their length.
		want []string
	}{
		"whole blocks":       {n: 2 * rpcBlock, want: []string{"a" + block, "b" + block, "a" + block, "b" + block}},
		"a short last block": {n: rpcBlock + 7, want: []string{"a" + block, "b" + block, "a7", "b7"}},
		"fewer than a block": {n: 3, want: []string{"a3", "b3"}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			var seq []string
			call := func(name string) rpcCall {
				return rpcCall{name: name, fn: func() error { seq = append(seq, name); return nil }}
			}
			out, err := timeCalls([]rpcCall{call("a"), call("b")}, tt.n)
			if err != nil {
				t.Fatal(err)
			}
			warm := slices.Concat(slices.Repeat([]string{"a"}, rpcWarmup), slices.Repeat([]string{"b"}, rpcWarmup))
			if !slices.Equal(seq[:len(warm)], warm) {
				t.Fatalf("warm-up is not %d calls of each in turn", rpcWarmup)
			}
			if got := runs(seq[len(warm):]); !slices.Equal(got, tt.want) {
				t.Errorf("timed calls ran as %v, want %v", got, tt.want)
			}
			for i, r := range out {
				if r.name != []string{"a", "b"}[i] || len(r.lat) != tt.n || !slices.IsSorted(r.lat) {
					t.Errorf("result %d: %s with %d latencies (sorted: %v), want %d sorted", i, r.name, len(r.lat), slices.IsSorted(r.lat), tt.n)
				}
			}
		})
	}
}

func TestTimeCallsError(t *testing.T) {
	boom := errors.New("boom")
	calls := 0
	fails := rpcCall{name: "fails", fn: func() error {
		if calls++; calls > rpcWarmup+3 {
			return boom
		}
		return nil
	}}
	ok := rpcCall{name: "ok", fn: func() error { return nil }}
	_, err := timeCalls([]rpcCall{ok, fails}, 10)
	if !errors.Is(err, boom) || !strings.HasPrefix(err.Error(), "fails: ") {
		t.Fatalf("err = %v, want boom named after the call", err)
	}
}

// runs compresses a sequence of names into name+count runs.
func runs(seq []string) []string {
	var out []string
	for i := 0; i < len(seq); {
		j := i
		for j < len(seq) && seq[j] == seq[i] {
			j++
		}
		out = append(out, seq[i]+strconv.Itoa(j-i))
		i = j
	}
	return out
}
