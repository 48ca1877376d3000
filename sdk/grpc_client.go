package sdk

import (
	"context"
	"errors"
	"fmt"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	pb "github.com/lunas-dev/lunas/sdk/internal/storepb"
)

// grpcClient is the core's side of the wire: a Store that forwards each
// call, with its ctx, to the plugin process.
type grpcClient struct {
	c pb.StoreClient
}

var (
	_ Store    = (*grpcClient)(nil)
	_ Reverser = (*grpcClient)(nil)
)

// NewGRPCClient returns a Store backed by a gRPC connection to a plugin.
// It also implements Reverser; plugins without it answer ErrUnimplemented.
func NewGRPCClient(conn grpc.ClientConnInterface) Store {
	return &grpcClient{c: pb.NewStoreClient(conn)}
}

func (c *grpcClient) Configure(ctx context.Context, req *ConfigureRequest) (*ConfigureResponse, error) {
	if _, err := c.c.Configure(ctx, &pb.ConfigureRequest{StoreName: req.StoreName, SettingsJson: req.Settings}); err != nil {
		return nil, fromStatus(err)
	}
	return &ConfigureResponse{}, nil
}

func (c *grpcClient) FindOpenOrders(ctx context.Context, req *FindOpenOrdersRequest) (*FindOpenOrdersResponse, error) {
	out, err := c.c.FindOpenOrders(ctx, &pb.FindOpenOrdersRequest{
		Amount: req.Amount.String(), Since: timeToProto(req.Since), Hints: req.Hints, BankId: req.BankID,
	})
	if err != nil {
		return nil, fromStatus(err)
	}
	orders, err := ordersFromProto(out.Orders)
	if err != nil {
		return nil, Permanent(fmt.Errorf("plugin sent a bad order: %w", err))
	}
	return &FindOpenOrdersResponse{Orders: orders}, nil
}

func (c *grpcClient) ApplyPayment(ctx context.Context, req *ApplyPaymentRequest) (*ApplyPaymentResponse, error) {
	out, err := c.c.ApplyPayment(ctx, &pb.ApplyPaymentRequest{
		Order: orderToProto(req.Order), Mutation: mutationToProto(req.Mutation), IdempotencyKey: req.IdempotencyKey,
	})
	if err != nil {
		return nil, fromStatus(err)
	}
	return &ApplyPaymentResponse{Outcome: Outcome(out.Outcome), Reason: out.Reason, Status: out.Status}, nil
}

func (c *grpcClient) Health(ctx context.Context, _ *HealthRequest) (*HealthResponse, error) {
	out, err := c.c.Health(ctx, &pb.HealthRequest{})
	if err != nil {
		return nil, fromStatus(err)
	}
	return &HealthResponse{Status: out.Status, Message: out.Message, Version: out.Version}, nil
}

func (c *grpcClient) ReversePayment(ctx context.Context, req *ReversePaymentRequest) (*ReversePaymentResponse, error) {
	out, err := c.c.ReversePayment(ctx, &pb.ReversePaymentRequest{
		Order: orderToProto(req.Order), Original: mutationToProto(req.Original),
		Reversal: mutationToProto(req.Reversal), IdempotencyKey: req.IdempotencyKey,
	})
	if err != nil {
		return nil, fromStatus(err)
	}
	return &ReversePaymentResponse{Outcome: Outcome(out.Outcome), Reason: out.Reason, Status: out.Status}, nil
}

// fromStatus rebuilds a classified error from a gRPC status.
func fromStatus(err error) error {
	st, ok := status.FromError(err)
	if !ok {
		return Retryable(err, 0)
	}
	msg := st.Message()
	for _, d := range st.Details() {
		if det, ok := d.(*pb.ErrorDetail); ok {
			if det.Message != "" {
				msg = det.Message
			}
			base := errors.New(msg)
			switch st.Code() {
			case codes.Canceled:
				base = fmt.Errorf("%s: %w", msg, context.Canceled)
			case codes.DeadlineExceeded:
				base = fmt.Errorf("%s: %w", msg, context.DeadlineExceeded)
			case codes.Unimplemented:
				base = fmt.Errorf("%s: %w", msg, ErrUnimplemented)
			}
			return &Error{Class: Class(det.Class), RetryAfter: time.Duration(det.RetryAfterMs) * time.Millisecond, Err: base}
		}
	}
	switch st.Code() {
	case codes.Canceled:
		return Retryable(fmt.Errorf("plugin call canceled: %w", context.Canceled), 0)
	case codes.DeadlineExceeded:
		return Retryable(fmt.Errorf("plugin call timed out: %w", context.DeadlineExceeded), 0)
	case codes.Unimplemented:
		return Permanent(fmt.Errorf("%s: %w", msg, ErrUnimplemented))
	case codes.Unavailable:
		// No class attached: the connection itself failed, usually because
		// the plugin process died. The core restarts it within a second.
		return Retryable(fmt.Errorf("plugin unavailable: %s", msg), time.Second)
	}
	return Retryable(fmt.Errorf("plugin error (%s): %s", st.Code(), msg), 0)
}
