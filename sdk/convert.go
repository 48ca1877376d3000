package sdk

import (
	"fmt"
	"time"

	pb "github.com/lunas-dev/lunas/sdk/internal/storepb"
)

// The converters keep the generated proto types out of the public API.

func timeToProto(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

func timeFromProto(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	return time.Parse(time.RFC3339Nano, s)
}

func amountFromProto(s string) (Amount, error) {
	if s == "" {
		return 0, nil
	}
	return ParseAmount(s)
}

func orderToProto(o Order) *pb.Order {
	return &pb.Order{
		Id: o.ID, Number: o.Number, Status: o.Status, Amount: o.Amount.String(),
		Currency: o.Currency, CreatedAt: timeToProto(o.CreatedAt), PaidBy: o.PaidBy,
		BankId: o.BankID, VaNumber: o.VANumber, PaymentRef: o.PaymentRef,
	}
}

func orderFromProto(p *pb.Order) (Order, error) {
	if p == nil {
		return Order{}, nil
	}
	amt, err := amountFromProto(p.Amount)
	if err != nil {
		return Order{}, fmt.Errorf("order %s: %w", p.Id, err)
	}
	created, err := timeFromProto(p.CreatedAt)
	if err != nil {
		return Order{}, fmt.Errorf("order %s: created_at: %w", p.Id, err)
	}
	return Order{ID: p.Id, Number: p.Number, Status: p.Status, Amount: amt,
		Currency: p.Currency, CreatedAt: created, PaidBy: p.PaidBy,
		BankID: p.BankId, VANumber: p.VaNumber, PaymentRef: p.PaymentRef}, nil
}

func mutationToProto(m Mutation) *pb.Mutation {
	return &pb.Mutation{
		Id: m.ID, BankId: m.BankID, AccountNumber: m.AccountNumber, Type: m.Type,
		Amount: m.Amount.String(), Description: m.Description, Note: m.Note,
		Date: timeToProto(m.Date), BankType: m.BankType,
	}
}

func mutationFromProto(p *pb.Mutation) (Mutation, error) {
	if p == nil {
		return Mutation{}, nil
	}
	amt, err := amountFromProto(p.Amount)
	if err != nil {
		return Mutation{}, fmt.Errorf("mutation %s: %w", p.Id, err)
	}
	date, err := timeFromProto(p.Date)
	if err != nil {
		return Mutation{}, fmt.Errorf("mutation %s: date: %w", p.Id, err)
	}
	return Mutation{ID: p.Id, BankID: p.BankId, AccountNumber: p.AccountNumber, Type: p.Type,
		Amount: amt, Description: p.Description, Note: p.Note, Date: date, BankType: p.BankType}, nil
}

func ordersFromProto(ps []*pb.Order) ([]Order, error) {
	out := make([]Order, 0, len(ps))
	for _, p := range ps {
		o, err := orderFromProto(p)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, nil
}

func ordersToProto(os []Order) []*pb.Order {
	out := make([]*pb.Order, 0, len(os))
	for _, o := range os {
		out = append(out, orderToProto(o))
	}
	return out
}
