package core

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkParseMutations parses Moota's own payload (a BCA credit with
// its bank object and bank.meta) alone and as a batch of 100.
func BenchmarkParseMutations(b *testing.B) {
	one, err := os.ReadFile(filepath.Join("..", "examples", "payloads", "bca_150123_inv1042.json"))
	if err != nil {
		b.Fatal(err)
	}
	obj := bytes.TrimSuffix(bytes.TrimPrefix(bytes.TrimSpace(one), []byte("[")), []byte("]"))
	for _, n := range []int{1, 100} {
		body := append([]byte("["), bytes.Repeat(append(obj, ','), n)...)
		body[len(body)-1] = ']'
		b.Run(fmt.Sprintf("mutations=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				if _, err := ParseMutations(body); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
