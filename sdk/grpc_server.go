package sdk

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"

	"github.com/hashicorp/go-hclog"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	pb "github.com/lunas-dev/lunas/sdk/internal/storepb"
)

// grpcServer adapts a Store to the generated gRPC service. A panic in the
// Store is recovered into a permanent error so the plugin process (and the
// core's worker) survive a bug in one call.
type grpcServer struct {
	pb.UnimplementedStoreServer
	impl    Store
	log     hclog.Logger
	version string // reported when the Store's Health names none
}

func (s *grpcServer) recoverInto(method string, err *error) {
	if r := recover(); r != nil {
		s.log.Error("panic in plugin", "method", method, "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
		*err = toStatus(Permanentf("plugin panic in %s: %v", method, r))
	}
}

func (s *grpcServer) Configure(ctx context.Context, in *pb.ConfigureRequest) (out *pb.ConfigureResponse, err error) {
	defer s.recoverInto("Configure", &err)
	if _, err := s.impl.Configure(ctx, &ConfigureRequest{StoreName: in.StoreName, Settings: in.SettingsJson}); err != nil {
		return nil, toStatus(err)
	}
	return &pb.ConfigureResponse{}, nil
}

func (s *grpcServer) FindOpenOrders(ctx context.Context, in *pb.FindOpenOrdersRequest) (out *pb.FindOpenOrdersResponse, err error) {
	defer s.recoverInto("FindOpenOrders", &err)
	amt, err := amountFromProto(in.Amount)
	if err != nil {
		return nil, toStatus(Permanent(err))
	}
	since, err := timeFromProto(in.Since)
	if err != nil {
		return nil, toStatus(Permanent(err))
	}
	resp, err := s.impl.FindOpenOrders(ctx, &FindOpenOrdersRequest{Amount: amt, Since: since, Hints: in.Hints, BankID: in.BankId})
	if err != nil {
		return nil, toStatus(err)
	}
	if resp == nil {
		return &pb.FindOpenOrdersResponse{}, nil
	}
	return &pb.FindOpenOrdersResponse{Orders: ordersToProto(resp.Orders)}, nil
}

func (s *grpcServer) ApplyPayment(ctx context.Context, in *pb.ApplyPaymentRequest) (out *pb.ApplyPaymentResponse, err error) {
	defer s.recoverInto("ApplyPayment", &err)
	order, err := orderFromProto(in.Order)
	if err != nil {
		return nil, toStatus(Permanent(err))
	}
	mut, err := mutationFromProto(in.Mutation)
	if err != nil {
		return nil, toStatus(Permanent(err))
	}
	resp, err := s.impl.ApplyPayment(ctx, &ApplyPaymentRequest{Order: order, Mutation: mut, IdempotencyKey: in.IdempotencyKey})
	if err != nil {
		return nil, toStatus(err)
	}
	if resp == nil {
		return nil, toStatus(Permanentf("plugin returned no ApplyPayment response"))
	}
	return &pb.ApplyPaymentResponse{Outcome: string(resp.Outcome), Reason: resp.Reason, Status: resp.Status}, nil
}

func (s *grpcServer) Health(ctx context.Context, in *pb.HealthRequest) (out *pb.HealthResponse, err error) {
	defer s.recoverInto("Health", &err)
	resp, err := s.impl.Health(ctx, &HealthRequest{})
	if err != nil {
		return nil, toStatus(err)
	}
	if resp == nil {
		return &pb.HealthResponse{Status: "ok", Version: s.version}, nil
	}
	version := resp.Version
	if version == "" {
		version = s.version
	}
	return &pb.HealthResponse{Status: resp.Status, Message: resp.Message, Version: version}, nil
}

func (s *grpcServer) ReversePayment(ctx context.Context, in *pb.ReversePaymentRequest) (out *pb.ReversePaymentResponse, err error) {
	defer s.recoverInto("ReversePayment", &err)
	rev, ok := s.impl.(Reverser)
	if !ok {
		return nil, toStatus(ErrUnimplemented)
	}
	order, err := orderFromProto(in.Order)
	if err != nil {
		return nil, toStatus(Permanent(err))
	}
	orig, err := mutationFromProto(in.Original)
	if err != nil {
		return nil, toStatus(Permanent(err))
	}
	reversal, err := mutationFromProto(in.Reversal)
	if err != nil {
		return nil, toStatus(Permanent(err))
	}
	resp, err := rev.ReversePayment(ctx, &ReversePaymentRequest{Order: order, Original: orig, Reversal: reversal, IdempotencyKey: in.IdempotencyKey})
	if err != nil {
		return nil, toStatus(err)
	}
	if resp == nil {
		return nil, toStatus(Permanentf("plugin returned no ReversePayment response"))
	}
	return &pb.ReversePaymentResponse{Outcome: string(resp.Outcome), Reason: resp.Reason, Status: resp.Status}, nil
}

// toStatus turns an error into a gRPC status carrying its class in a detail.
func toStatus(err error) error {
	if err == nil {
		return nil
	}
	code := codes.Unavailable
	switch {
	case errors.Is(err, context.Canceled):
		code = codes.Canceled
	case errors.Is(err, context.DeadlineExceeded):
		code = codes.DeadlineExceeded
	case errors.Is(err, ErrUnimplemented):
		code = codes.Unimplemented
	}
	class, after := ClassOf(err)
	if errors.Is(err, ErrUnimplemented) {
		class = ClassPermanent
	}
	if class == ClassPermanent && code == codes.Unavailable {
		code = codes.FailedPrecondition
	}
	st := status.New(code, err.Error())
	if withDetail, derr := st.WithDetails(&pb.ErrorDetail{Class: string(class), RetryAfterMs: after.Milliseconds(), Message: err.Error()}); derr == nil {
		st = withDetail
	}
	return st.Err()
}
