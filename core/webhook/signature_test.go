package webhook

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/lunas-dev/lunas/core"
)

// The verified vectors from spec/moota.md, shipped in examples/payloads.
var vectors = []struct{ file, secret, signature string }{
	{"sdk_fixture_two_mutations.json", "AElSnSQj", "08b0c237eb830bcb321726fa2c6378122f6357a0b1b60cf4c4d362aa93380cca"},
	{"dashboard_test_webhook.json", "secret-token", "e717ca2bf26ccaffa5633f56e6493dad309f2a0190581ced69de6b295155e616"},
	{"bca_150123_inv1042.json", "test-secret-123", "a26c39031c7ba1d6944f64e452c5bb55acc02220be03f316a31dda58648ff21b"},
}

func TestSpecVectorsVerifyAndParse(t *testing.T) {
	for _, v := range vectors {
		t.Run(v.file, func(t *testing.T) {
			body, err := os.ReadFile(filepath.Join("..", "..", "examples", "payloads", v.file))
			if err != nil {
				t.Fatal(err)
			}
			if got := Sign([]byte(v.secret), body); got != v.signature {
				t.Fatalf("Sign = %s, want %s", got, v.signature)
			}
			if !Verify([][]byte{[]byte("other-secret"), []byte(v.secret)}, body, v.signature) {
				t.Fatal("Verify rejected the vector with its secret as the second of two")
			}
			if Verify([][]byte{[]byte(v.secret + "x")}, body, v.signature) {
				t.Fatal("Verify accepted a wrong secret")
			}
			tampered := append([]byte{}, body...)
			tampered[len(tampered)/2] ^= 1
			if Verify([][]byte{[]byte(v.secret)}, tampered, v.signature) {
				t.Fatal("Verify accepted a tampered body")
			}
			if _, err := core.ParseMutations(body); err != nil {
				t.Fatalf("parse: %v", err)
			}
		})
	}
}

func TestVerifyRejectsMalformedSignatures(t *testing.T) {
	secrets := [][]byte{[]byte("s")}
	for _, sig := range []string{"", "zz", "08b0c237", "08b0c237eb830bcb321726fa2c6378122f6357a0b1b60cf4c4d362aa93380cca00"} {
		if Verify(secrets, []byte("body"), sig) {
			t.Errorf("Verify accepted %q", sig)
		}
	}
	if !Verify(secrets, []byte("body"), "  "+Sign([]byte("s"), []byte("body"))+" ") {
		t.Error("Verify rejected a signature with surrounding spaces")
	}
	if Verify([][]byte{{}}, []byte("body"), Sign(nil, []byte("body"))) {
		t.Error("Verify accepted an empty secret")
	}
}

// TestSharedSpecPayloads checks the payloads in ../shared/spec/payloads (the
// spec's own copies, beside the repository in CI) against the vectors, and
// that examples/payloads holds the same bytes.
func TestSharedSpecPayloads(t *testing.T) {
	dir := filepath.Join("..", "..", "..", "shared", "spec", "payloads")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("no spec checkout beside the repository (%v)", err)
	}
	for _, v := range vectors {
		spec, err := os.ReadFile(filepath.Join(dir, v.file))
		if err != nil {
			t.Fatal(err)
		}
		if !Verify([][]byte{[]byte(v.secret)}, spec, v.signature) {
			t.Errorf("%s does not verify with its secret", v.file)
		}
		if _, err := core.ParseMutations(spec); err != nil {
			t.Errorf("%s: %v", v.file, err)
		}
		ours, err := os.ReadFile(filepath.Join("..", "..", "examples", "payloads", v.file))
		if err != nil || string(ours) != string(spec) {
			t.Errorf("examples/payloads/%s differs from the spec's copy", v.file)
		}
	}
}
