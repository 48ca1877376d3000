package sdk

import (
	"errors"
	"fmt"
	"time"
)

// Class tells the core what to do with a failed call.
type Class string

// Error classes. An error without a class is treated as ClassRetryable with
// the core's default backoff: a failure nobody classified is assumed to be
// transient, and the core's retry limit still bounds it.
const (
	ClassRetryable Class = "retryable" // try again later (network, 5xx, 429, throttling)
	ClassPermanent Class = "permanent" // retrying cannot help (bad credentials, bad request, a bug)
)

// ErrUnimplemented is returned (wrapped) for an optional RPC the plugin does not implement.
var ErrUnimplemented = errors.New("not implemented by this plugin")

// Error is a classified failure. Plugins create one with Retryable or
// Permanent; the class and delay survive the gRPC boundary.
type Error struct {
	Class      Class
	RetryAfter time.Duration // suggested delay before the next try; 0 = core's backoff
	Err        error
}

func (e *Error) Error() string {
	if e.Err == nil {
		return string(e.Class) + " error"
	}
	return e.Err.Error()
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// Retryable marks err as transient. after is the suggested delay (for
// example from a Retry-After header); zero leaves the delay to the core.
func Retryable(err error, after time.Duration) error {
	if err == nil {
		err = errors.New("temporary failure")
	}
	return &Error{Class: ClassRetryable, RetryAfter: after, Err: err}
}

// Permanent marks err as one that retrying cannot fix.
func Permanent(err error) error {
	if err == nil {
		err = errors.New("permanent failure")
	}
	return &Error{Class: ClassPermanent, Err: err}
}

// Permanentf is Permanent(fmt.Errorf(format, args...)).
func Permanentf(format string, args ...any) error { return Permanent(fmt.Errorf(format, args...)) }

// ClassOf returns the class of err and its suggested delay. Unclassified
// errors are ClassRetryable with no delay.
func ClassOf(err error) (Class, time.Duration) {
	var e *Error
	if errors.As(err, &e) {
		return e.Class, e.RetryAfter
	}
	return ClassRetryable, 0
}

// IsPermanent reports whether err is classified permanent.
func IsPermanent(err error) bool {
	c, _ := ClassOf(err)
	return c == ClassPermanent
}
