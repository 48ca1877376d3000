// Package redis holds the Redis implementations of the money path's and the
// operators' records: the review inbox (ReviewStore), the order chosen for
// each mutation (Choices), the ledger of applied payments for reversals
// (Ledger), re-check counters (Rechecks), the delivery audit stream
// (Auditor) and replica acknowledgement (ReplicaAck). It knows nothing of
// Asynq; core/payment decides, this package only stores.
package redis
