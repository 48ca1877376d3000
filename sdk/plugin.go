package sdk

import (
	"context"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"

	pb "github.com/lunas-dev/lunas/sdk/internal/storepb"
)

// GRPCPlugin is the go-plugin glue for a Store. The core uses it with a nil
// Impl (client side); Serve sets Impl (server side).
type GRPCPlugin struct {
	plugin.NetRPCUnsupportedPlugin
	Impl   Store
	Logger hclog.Logger
	// Version is reported by Health when the Store's own answer has none.
	Version string
}

var _ plugin.GRPCPlugin = (*GRPCPlugin)(nil)

// GRPCServer registers the Store with the plugin's gRPC server.
func (p *GRPCPlugin) GRPCServer(_ *plugin.GRPCBroker, s *grpc.Server) error {
	log := p.Logger
	if log == nil {
		log = hclog.NewNullLogger()
	}
	pb.RegisterStoreServer(s, &grpcServer{impl: p.Impl, log: log, version: p.Version})
	return nil
}

// GRPCClient returns the Store the core calls.
func (p *GRPCPlugin) GRPCClient(_ context.Context, _ *plugin.GRPCBroker, c *grpc.ClientConn) (any, error) {
	return NewGRPCClient(c), nil
}
