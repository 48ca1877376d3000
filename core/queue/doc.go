// Package queue is the Asynq side of Lunas: the mutation task, the producer
// the webhook receiver enqueues with, the worker that matches and applies
// payments, the retry policy, and the Redis records kept beside the queue
// (review items and the delivery audit stream).
package queue
