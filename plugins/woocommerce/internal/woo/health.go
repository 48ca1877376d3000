package woo

import (
	"context"
	"fmt"
	"net/url"

	"github.com/lunas-dev/lunas/sdk"
)

// Health checks the API key with two cheap calls: a one-order list (read
// permission) and a PUT on order 0, which cannot exist, so WooCommerce
// answers 400 "Invalid ID." to a key that may write and 401 to a read-only
// key, without changing anything. Store-side problems are reported as a
// degraded status with a message; only a canceled call is an error.
func (s *Store) Health(ctx context.Context, _ *sdk.HealthRequest) (*sdk.HealthResponse, error) {
	_, c, err := s.current()
	if err != nil {
		return nil, err
	}
	q := url.Values{"per_page": {"1"}, "_fields": {"id"}}
	if _, err := c.do(ctx, "GET", "/orders", q, nil, nil); err != nil {
		return s.degraded(ctx, "cannot list orders", err)
	}
	_, err = c.do(ctx, "PUT", "/orders/0", nil, map[string]any{}, nil)
	switch status := statusOf(err); {
	case err == nil, status == 400, status == 404:
		return &sdk.HealthResponse{Status: "ok", Message: "the API key can read and write orders"}, nil
	default:
		return s.degraded(ctx, "cannot write orders", err)
	}
}

func (s *Store) degraded(ctx context.Context, what string, err error) (*sdk.HealthResponse, error) {
	if ctx.Err() != nil {
		return nil, err
	}
	s.log.Warn("health check failed", "error", err.Error())
	return &sdk.HealthResponse{Status: "degraded", Message: fmt.Sprintf("%s: %v", what, err)}, nil
}
