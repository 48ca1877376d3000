package webhook

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzSignature: Verify never panics on any header; a body's own signature
// always verifies, with either secret of a rotation pair; a changed body
// or a changed signature never does.
func FuzzSignature(f *testing.F) {
	for _, v := range vectors {
		if b, err := os.ReadFile(filepath.Join("..", "..", "examples", "payloads", v.file)); err == nil {
			f.Add(b, []byte(v.secret), v.signature, uint(0))
		}
	}
	f.Add([]byte(""), []byte("s"), "zz", uint(3))
	f.Fuzz(func(t *testing.T, body, secret []byte, header string, flip uint) {
		secrets := [][]byte{[]byte("other-secret"), secret}
		Verify(secrets, body, header) // must not panic on any header
		if len(secret) == 0 {
			return
		}
		sig := Sign(secret, body)
		if !Verify(secrets, body, sig) {
			t.Fatalf("own signature rejected")
		}
		if len(body) > 0 {
			changed := append([]byte{}, body...)
			changed[int(flip%uint(len(body)))] ^= 0x01
			if Verify([][]byte{secret}, changed, sig) {
				t.Fatalf("a changed body verified")
			}
		}
		b := []byte(sig)
		i := int(flip % uint(len(b)))
		if b[i] == '0' {
			b[i] = '1'
		} else {
			b[i] = '0'
		}
		if Verify([][]byte{secret}, body, string(b)) {
			t.Fatalf("a changed signature verified")
		}
	})
}
