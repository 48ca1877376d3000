package main

import (
	"context"
	"os"

	"github.com/lunas-dev/lunas/sdk"
)

// emptyStore is a store plugin that does no work: its Health answers at
// once. Timed through pluginhost, it is the plugin RPC alone (pluginhost,
// the sdk's gRPC client and server, go-plugin with AutoMTLS, a second
// process), which issue 16 compares with a bare gRPC round trip. The demo
// store cannot be that call: its Health pings its Redis, as the contract
// asks ("checks that the store answers"), which is the store's work and
// not the RPC's.
type emptyStore struct{}

var _ sdk.Store = emptyStore{}

func (emptyStore) Configure(context.Context, *sdk.ConfigureRequest) (*sdk.ConfigureResponse, error) {
	return &sdk.ConfigureResponse{}, nil
}

func (emptyStore) FindOpenOrders(context.Context, *sdk.FindOpenOrdersRequest) (*sdk.FindOpenOrdersResponse, error) {
	return &sdk.FindOpenOrdersResponse{}, nil
}

func (emptyStore) ApplyPayment(context.Context, *sdk.ApplyPaymentRequest) (*sdk.ApplyPaymentResponse, error) {
	return nil, sdk.Permanentf("the bench's empty store has no orders")
}

func (emptyStore) Health(context.Context, *sdk.HealthRequest) (*sdk.HealthResponse, error) {
	return &sdk.HealthResponse{Status: "ok"}, nil
}

// startedAsPlugin reports whether go-plugin launched this binary (it sets
// the handshake cookie), as timeRPC does to run emptyStore: the same
// executable, and so the same Go build and GOMAXPROCS, as the bare gRPC
// server it is compared with.
func startedAsPlugin() bool {
	return os.Getenv(sdk.Handshake.MagicCookieKey) == sdk.Handshake.MagicCookieValue
}
