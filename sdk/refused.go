package sdk

import "fmt"

// Refused is the ApplyPaymentResponse that refuses a payment: the order is
// left alone, status is what the store shows for it ("" when unknown) and
// the reason, made with fmt.Sprintf(format, args...), goes to the review
// item. A refusal is an outcome, not an error: the core does not retry it.
func Refused(status, format string, args ...any) *ApplyPaymentResponse {
	return &ApplyPaymentResponse{Outcome: OutcomeRefused, Reason: fmt.Sprintf(format, args...), Status: status}
}

// ReverseRefused is the ReversePaymentResponse that refuses a reversal, as
// Refused does a payment.
func ReverseRefused(status, format string, args ...any) *ReversePaymentResponse {
	return &ReversePaymentResponse{Outcome: OutcomeRefused, Reason: fmt.Sprintf(format, args...), Status: status}
}
