package pluginhost

import (
	"context"
	"testing"

	"github.com/lunas-dev/lunas/sdk"
)

// BenchmarkHealth is one Health call to a real demo plugin process: a round
// trip and the demo store's Redis PING (internal/bench times the RPC alone).
func BenchmarkHealth(b *testing.B) {
	p, err := Start(context.Background(), demoConfig(b))
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close()
	ctx := context.Background()
	for b.Loop() {
		if _, err := p.Health(ctx, &sdk.HealthRequest{}); err != nil {
			b.Fatal(err)
		}
	}
}
