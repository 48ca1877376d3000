package sdk_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/lunas-dev/lunas/sdk"
	"github.com/lunas-dev/lunas/sdk/storetest"
)

// scripted is a Store whose behaviour each test sets.
type scripted struct {
	find  func(ctx context.Context, req *sdk.FindOpenOrdersRequest) (*sdk.FindOpenOrdersResponse, error)
	apply func(ctx context.Context, req *sdk.ApplyPaymentRequest) (*sdk.ApplyPaymentResponse, error)
}

var _ sdk.Store = (*scripted)(nil)

func (s *scripted) Configure(ctx context.Context, req *sdk.ConfigureRequest) (*sdk.ConfigureResponse, error) {
	var set struct {
		Name string `json:"name"`
	}
	if err := req.Decode(&set); err != nil {
		return nil, err
	}
	return &sdk.ConfigureResponse{}, nil
}

func (s *scripted) FindOpenOrders(ctx context.Context, req *sdk.FindOpenOrdersRequest) (*sdk.FindOpenOrdersResponse, error) {
	return s.find(ctx, req)
}

func (s *scripted) ApplyPayment(ctx context.Context, req *sdk.ApplyPaymentRequest) (*sdk.ApplyPaymentResponse, error) {
	return s.apply(ctx, req)
}

func (s *scripted) Health(context.Context, *sdk.HealthRequest) (*sdk.HealthResponse, error) {
	return &sdk.HealthResponse{Status: "ok"}, nil
}

func TestErrorsKeepTheirClassAcrossGRPC(t *testing.T) {
	tests := []struct {
		name      string
		err       error
		wantClass sdk.Class
		wantDelay time.Duration
		wantMsg   string
	}{
		{"retryable with delay", sdk.Retryable(errors.New("429 from store"), 2*time.Second), sdk.ClassRetryable, 2 * time.Second, "429 from store"},
		{"permanent", sdk.Permanentf("401: key needs read/write"), sdk.ClassPermanent, 0, "401: key needs read/write"},
		{"unclassified is retryable", errors.New("boom"), sdk.ClassRetryable, 0, "boom"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			store := storetest.InProcess(t, &scripted{find: func(context.Context, *sdk.FindOpenOrdersRequest) (*sdk.FindOpenOrdersResponse, error) {
				return nil, tt.err
			}})
			_, err := store.FindOpenOrders(context.Background(), &sdk.FindOpenOrdersRequest{})
			class, delay := sdk.ClassOf(err)
			if class != tt.wantClass || delay != tt.wantDelay {
				t.Fatalf("class %s delay %s, want %s %s (err %v)", class, delay, tt.wantClass, tt.wantDelay, err)
			}
			if err.Error() != tt.wantMsg {
				t.Fatalf("message %q, want %q", err.Error(), tt.wantMsg)
			}
		})
	}
}

func TestPanicBecomesPermanentError(t *testing.T) {
	calls := 0
	store := storetest.InProcess(t, &scripted{apply: func(context.Context, *sdk.ApplyPaymentRequest) (*sdk.ApplyPaymentResponse, error) {
		calls++
		if calls == 1 {
			var m map[string]int
			//lint:ignore SA5000 the nil map write is the plugin bug this test recovers from
			m["x"]++
		}
		return &sdk.ApplyPaymentResponse{Outcome: sdk.OutcomePaid}, nil
	}})
	_, err := store.ApplyPayment(context.Background(), &sdk.ApplyPaymentRequest{})
	if !sdk.IsPermanent(err) {
		t.Fatalf("panic came back as %v, want a permanent error", err)
	}
	resp, err := store.ApplyPayment(context.Background(), &sdk.ApplyPaymentRequest{})
	if err != nil || resp.Outcome != sdk.OutcomePaid {
		t.Fatalf("plugin did not survive its panic: %v", err)
	}
}

func TestDeadlineAndCancellationCrossTheBoundary(t *testing.T) {
	sawDeadline := make(chan bool, 1)
	store := storetest.InProcess(t, &scripted{find: func(ctx context.Context, _ *sdk.FindOpenOrdersRequest) (*sdk.FindOpenOrdersResponse, error) {
		_, ok := ctx.Deadline()
		sawDeadline <- ok
		<-ctx.Done()
		return nil, ctx.Err()
	}})
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, err := store.FindOpenOrders(ctx, &sdk.FindOpenOrdersRequest{})
	if !<-sawDeadline {
		t.Fatal("the plugin saw no deadline")
	}
	if !errors.Is(err, context.DeadlineExceeded) || sdk.IsPermanent(err) {
		t.Fatalf("err = %v, want a retryable deadline error", err)
	}
}

func TestUnknownSettingIsRefused(t *testing.T) {
	store := storetest.InProcess(t, &scripted{})
	_, err := store.Configure(context.Background(), &sdk.ConfigureRequest{Settings: []byte(`{"nmae":"x"}`)})
	if !sdk.IsPermanent(err) || err == nil {
		t.Fatalf("misspelt setting: %v, want a permanent error", err)
	}
}

func TestReversePaymentIsOptional(t *testing.T) {
	store := storetest.InProcess(t, &scripted{})
	_, err := store.(sdk.Reverser).ReversePayment(context.Background(), &sdk.ReversePaymentRequest{})
	if !errors.Is(err, sdk.ErrUnimplemented) || !sdk.IsPermanent(err) {
		t.Fatalf("err = %v, want permanent ErrUnimplemented", err)
	}
}

func TestAmountsAndTimesSurviveTheWire(t *testing.T) {
	created := time.Date(2025, 6, 3, 9, 14, 22, 0, time.UTC)
	store := storetest.InProcess(t, &scripted{find: func(_ context.Context, req *sdk.FindOpenOrdersRequest) (*sdk.FindOpenOrdersResponse, error) {
		return &sdk.FindOpenOrdersResponse{Orders: []sdk.Order{{ID: "1", Number: "#1", Amount: req.Amount, CreatedAt: created, Currency: "IDR",
			BankID: "4Aqz9OmvWPV", VANumber: "8808123456789012", PaymentRef: "4Aqz9OmvWPV.150123"}}}, nil
	}})
	resp, err := store.FindOpenOrders(context.Background(), &sdk.FindOpenOrdersRequest{Amount: 1211150})
	if err != nil {
		t.Fatal(err)
	}
	if o := resp.Orders[0]; o.Amount != 1211150 || !o.CreatedAt.Equal(created) || o.Number != "#1" ||
		o.BankID != "4Aqz9OmvWPV" || o.VANumber != "8808123456789012" || o.PaymentRef != "4Aqz9OmvWPV.150123" {
		t.Fatalf("order came back as %+v", o)
	}
}
