// Package signature signs and verifies the Lunas-Signature header that the
// custom store plugin puts on every request it sends to a merchant's store.
//
// The header reads
//
//	Lunas-Signature: t=1718000000,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd
//
// where t is the signing time in Unix seconds and v1 is the lowercase hex
// HMAC-SHA256 of "<t>.<raw body>" under the shared secret (for a GET the body
// is empty). Binding the time into the MAC lets the store refuse a captured
// request replayed after the tolerance window. A header may carry several v1
// values (one per secret while a secret is rotated); one match is enough.
//
// The package is deliberately small and dependency-free so that a store
// written in Go verifies with the very code Lunas signs with.
package signature

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Header is the name of the HTTP header that carries the signature.
const Header = "Lunas-Signature"

// DefaultTolerance is how far the signing time may be from the verifier's
// clock, in either direction, before a request is refused as stale.
const DefaultTolerance = 5 * time.Minute

// Verification failures. Verify wraps one of them, so a store can tell a
// missing header from a forged or a stale one with errors.Is.
var (
	ErrMissing   = errors.New("no Lunas-Signature header")
	ErrMalformed = errors.New("malformed Lunas-Signature header")
	ErrMismatch  = errors.New("Lunas-Signature does not match the body")
	ErrStale     = errors.New("Lunas-Signature timestamp is outside the tolerance")
)

// Sign returns the Lunas-Signature header value for body signed at t.
func Sign(secret []byte, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	return "t=" + ts + ",v1=" + mac(secret, ts, body)
}

// Verify checks header against body. It accepts the header when one of its
// v1 values is the HMAC of the body under secret and its timestamp lies
// within tolerance of now (a zero tolerance means DefaultTolerance). The
// comparison runs in constant time. The error wraps ErrMissing,
// ErrMalformed, ErrMismatch or ErrStale.
func Verify(secret []byte, header string, body []byte, now time.Time, tolerance time.Duration) error {
	if tolerance <= 0 {
		tolerance = DefaultTolerance
	}
	ts, sigs, err := parse(header)
	if err != nil {
		return err
	}
	want := []byte(mac(secret, ts, body))
	ok := false
	for _, s := range sigs {
		// Every candidate is compared, so timing does not reveal which matched.
		if hmac.Equal([]byte(s), want) {
			ok = true
		}
	}
	if !ok {
		return ErrMismatch
	}
	sec, _ := strconv.ParseInt(ts, 10, 64)
	if skew := now.Sub(time.Unix(sec, 0)); skew > tolerance || skew < -tolerance {
		return fmt.Errorf("%w: signed at %s, %s away from now (tolerance %s)",
			ErrStale, time.Unix(sec, 0).UTC().Format(time.RFC3339), skew.Abs().Round(time.Second), tolerance)
	}
	return nil
}

// parse splits "t=...,v1=...[,v1=...]" into the timestamp and the v1
// values. Unknown keys are ignored so that a later scheme (v2) can be sent
// alongside v1.
func parse(header string) (ts string, sigs []string, err error) {
	header = strings.TrimSpace(header)
	if header == "" {
		return "", nil, ErrMissing
	}
	for part := range strings.SplitSeq(header, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return "", nil, fmt.Errorf("%w: %q is not key=value", ErrMalformed, part)
		}
		switch k {
		case "t":
			if ts != "" {
				return "", nil, fmt.Errorf("%w: more than one t", ErrMalformed)
			}
			if _, perr := strconv.ParseInt(v, 10, 64); perr != nil || v == "" {
				return "", nil, fmt.Errorf("%w: t is not Unix seconds", ErrMalformed)
			}
			ts = v
		case "v1":
			sigs = append(sigs, v)
		}
	}
	if ts == "" {
		return "", nil, fmt.Errorf("%w: no t", ErrMalformed)
	}
	if len(sigs) == 0 {
		return "", nil, fmt.Errorf("%w: no v1", ErrMalformed)
	}
	return ts, sigs, nil
}

func mac(secret []byte, ts string, body []byte) string {
	h := hmac.New(sha256.New, secret)
	h.Write([]byte(ts))
	h.Write([]byte{'.'})
	h.Write(body)
	return hex.EncodeToString(h.Sum(nil))
}
