package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"strings"
)

// Sign returns Moota's signature of body: lowercase hex of HMAC-SHA256 keyed
// with the webhook secret, over the exact raw bytes.
func Sign(secret, body []byte) string {
	mac := hmac.New(sha256.New, secret)
	mac.Write(body)
	return hex.EncodeToString(mac.Sum(nil))
}

// Verify reports whether signature (hex, either case) is body's HMAC under
// any of secrets. Every secret is tried, and compared in constant time, so
// the time taken does not reveal which one matched or how much of it.
func Verify(secrets [][]byte, body []byte, signature string) bool {
	got, err := hex.DecodeString(strings.TrimSpace(signature))
	if err != nil || len(got) != sha256.Size {
		return false
	}
	ok := 0
	for _, s := range secrets {
		if len(s) == 0 {
			continue
		}
		mac := hmac.New(sha256.New, s)
		mac.Write(body)
		ok |= subtle.ConstantTimeCompare(mac.Sum(nil), got)
	}
	return ok == 1
}
