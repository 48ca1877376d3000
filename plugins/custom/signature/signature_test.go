package signature

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// The vector is also printed in docs/custom-store/README.md, so stores in
// other languages can check their verifier against it; it was computed with
// openssl dgst -sha256 -hmac, independently of this package.
const (
	vecSecret = "lunas-example-secret-2024"
	vecBody   = `{"amount":"150123","since":"2024-06-03T06:13:20Z","hints":["INV-1042"],"bank_id":"4Aqz9OmvWPV"}`
	vecHeader = "t=1718000000,v1=83641f98123f7b84e55644a357fede8e08ef93f4e88615821cabff474f2e4e33"
	vecEmpty  = "t=1718000000,v1=212ee3992ba76bef07c4866549a609a524233a02cb60b51bbe2418cf8b227d85"
)

var vecTime = time.Unix(1718000000, 0)

func TestSignMatchesVector(t *testing.T) {
	if got := Sign([]byte(vecSecret), vecTime, []byte(vecBody)); got != vecHeader {
		t.Errorf("Sign = %s, want %s", got, vecHeader)
	}
	if got := Sign([]byte(vecSecret), vecTime, nil); got != vecEmpty {
		t.Errorf("Sign(empty body) = %s, want %s", got, vecEmpty)
	}
}

func TestVerify(t *testing.T) {
	secret := []byte(vecSecret)
	body := []byte(vecBody)
	rotated := "t=1718000000,v1=" + strings.Repeat("0", 64) + ",v1=83641f98123f7b84e55644a357fede8e08ef93f4e88615821cabff474f2e4e33"
	tests := []struct {
		name   string
		header string
		body   []byte
		now    time.Time
		want   error
	}{
		{"valid", vecHeader, body, vecTime, nil},
		{"valid with spaces and unknown scheme", " t=1718000000, v0=abc, v1=83641f98123f7b84e55644a357fede8e08ef93f4e88615821cabff474f2e4e33 ", body, vecTime, nil},
		{"second v1 matches (rotation)", rotated, body, vecTime, nil},
		{"4m59s late is within tolerance", vecHeader, body, vecTime.Add(4*time.Minute + 59*time.Second), nil},
		{"4m59s early is within tolerance", vecHeader, body, vecTime.Add(-4*time.Minute - 59*time.Second), nil},
		{"missing", "", body, vecTime, ErrMissing},
		{"no t", "v1=83641f98123f7b84e55644a357fede8e08ef93f4e88615821cabff474f2e4e33", body, vecTime, ErrMalformed},
		{"no v1", "t=1718000000", body, vecTime, ErrMalformed},
		{"t not a number", "t=yesterday,v1=83641f98123f7b84e55644a357fede8e08ef93f4e88615821cabff474f2e4e33", body, vecTime, ErrMalformed},
		{"two t", "t=1,t=1718000000,v1=83641f98123f7b84e55644a357fede8e08ef93f4e88615821cabff474f2e4e33", body, vecTime, ErrMalformed},
		{"not key=value", "t=1718000000,garbage", body, vecTime, ErrMalformed},
		{"body changed by one byte", vecHeader, []byte(strings.Replace(vecBody, "150123", "150124", 1)), vecTime, ErrMismatch},
		{"timestamp moved", strings.Replace(vecHeader, "t=1718000000", "t=1718000001", 1), body, vecTime, ErrMismatch},
		{"uppercase hex", "t=1718000000,v1=" + strings.ToUpper(strings.TrimPrefix(vecHeader, "t=1718000000,v1=")), body, vecTime, ErrMismatch},
		{"5m01s late is stale", vecHeader, body, vecTime.Add(5*time.Minute + time.Second), ErrStale},
		{"5m01s early is stale", vecHeader, body, vecTime.Add(-5*time.Minute - time.Second), ErrStale},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Verify(secret, tt.header, tt.body, tt.now, 0)
			if tt.want == nil && err != nil {
				t.Fatalf("Verify: %v, want success", err)
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Fatalf("Verify: %v, want %v", err, tt.want)
			}
		})
	}
}

func TestVerifyWrongSecret(t *testing.T) {
	err := Verify([]byte("another-secret-of-length"), vecHeader, []byte(vecBody), vecTime, 0)
	if !errors.Is(err, ErrMismatch) {
		t.Fatalf("Verify with the wrong secret: %v, want ErrMismatch", err)
	}
}

func TestVerifyCustomTolerance(t *testing.T) {
	now := vecTime.Add(90 * time.Second)
	if err := Verify([]byte(vecSecret), vecHeader, []byte(vecBody), now, time.Minute); !errors.Is(err, ErrStale) {
		t.Fatalf("90s skew with a 1m tolerance: %v, want ErrStale", err)
	}
	if err := Verify([]byte(vecSecret), vecHeader, []byte(vecBody), now, 2*time.Minute); err != nil {
		t.Fatalf("90s skew with a 2m tolerance: %v", err)
	}
}

func TestRoundTrip(t *testing.T) {
	secret := []byte("0123456789abcdef")
	now := time.Now()
	for _, body := range [][]byte{nil, []byte("{}"), []byte("x.y.z"), make([]byte, 70000)} {
		if err := Verify(secret, Sign(secret, now, body), body, now, 0); err != nil {
			t.Errorf("Verify(Sign(%d bytes)): %v", len(body), err)
		}
	}
}
