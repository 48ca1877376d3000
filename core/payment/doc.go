// Package payment is the money path as a use case: it decides what a bank
// mutation does to a store's orders. A credit is routed to the store that
// owns its bank account, matched to the one open order it pays, and applied
// through the store plugin; a debit never pays, and one that reads like a
// bank reversal undoes the credit it reverses. Everything a person must
// decide goes to the review inbox, where Inbox resolves it through the same
// path.
//
// The package owns small interfaces for what it needs (Routes, Choices,
// Ledger, Rechecks, core.ReviewStore, a clock) and imports neither Asynq nor
// Redis: core/queue adapts a task to Service.Process, core/redis stores the
// records. Its decisions are unit-tested with the in-memory fakes of
// payment/mock.
package payment
