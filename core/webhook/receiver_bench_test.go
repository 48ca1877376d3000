package webhook

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/lunas-dev/lunas/core"
)

// nopQueue takes every mutation without Redis, so the benchmarks measure
// only the receiver's own work per request.
type nopQueue struct{}

func (nopQueue) EnqueueMutation(context.Context, string, *core.Mutation) (bool, error) {
	return false, nil
}

type nopAudit struct{}

func (nopAudit) Record(core.Delivery) {}

func batchBody(n int) []byte {
	var b bytes.Buffer
	b.WriteByte('[')
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"account_number":"1234567890","date":"2025-01-15 10:21:07","description":"TRSF E-BANKING CR 1501/FTSCY/WS95051 150123.00 INV-1042 BUDI SANTOSO","note":"","amount":%d,"type":"CR","balance":2750123.5,"created_at":"2025-01-15 10:23:11","updated_at":"2025-01-15 10:23:11","mutation_id":"m%d","token":"m%d","bank_id":"4Aqz9OmvWPV","taggings":[],`+
			`"bank":{"corporate_id":null,"username":"tokobudi","atas_nama":"Toko Budi","balance":"2750123.50","account_number":"1234567890","bank_type":"bca","login_retry":0,"meta":{"session":"s3cr3t-session-cookie"},"interval_refresh":15,"is_active":true,"token":"4Aqz9OmvWPV","bank_id":"4Aqz9OmvWPV","label":"BCA"}}`, 150000+i, i, i)
	}
	b.WriteByte(']')
	return b.Bytes()
}

// BenchmarkReceiver measures the receiver (limits, signature, parse,
// audit, metrics) with a queue that costs nothing.
func BenchmarkReceiver(b *testing.B) {
	for _, n := range []int{1, 100} {
		b.Run(fmt.Sprintf("mutations=%d", n), func(b *testing.B) {
			body := batchBody(n)
			rc, _ := New(Config{Name: "moota", Secrets: [][]byte{[]byte("secret")}}, nopQueue{}, nopAudit{}, nil, NewMetrics(nil))
			sig := Sign([]byte("secret"), body)
			b.ReportAllocs()
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				req := httptest.NewRequest(http.MethodPost, "/webhooks/moota", bytes.NewReader(body))
				req.Header.Set("Signature", sig)
				rec := httptest.NewRecorder()
				rc.ServeHTTP(rec, req)
				if rec.Code != 200 {
					b.Fatal(rec.Code)
				}
			}
		})
	}
}

// BenchmarkBareHandler is the baseline: HMAC, decode, one payload per
// mutation, nothing else.
func BenchmarkBareHandler(b *testing.B) {
	for _, n := range []int{1, 100} {
		b.Run(fmt.Sprintf("mutations=%d", n), func(b *testing.B) {
			body := batchBody(n)
			sig := Sign([]byte("secret"), body)
			b.ReportAllocs()
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				req := httptest.NewRequest(http.MethodPost, "/webhooks/moota", bytes.NewReader(body))
				req.Header.Set("Signature", sig)
				mac := hmac.New(sha256.New, []byte("secret"))
				buf := new(bytes.Buffer)
				buf.ReadFrom(req.Body)
				mac.Write(buf.Bytes())
				got, _ := hex.DecodeString(req.Header.Get("Signature"))
				if !hmac.Equal(mac.Sum(nil), got) {
					b.Fatal("sig")
				}
				var raws []json.RawMessage
				if err := json.Unmarshal(buf.Bytes(), &raws); err != nil {
					b.Fatal(err)
				}
				for _, raw := range raws {
					var m struct {
						MutationID string `json:"mutation_id"`
						BankID     string `json:"bank_id"`
					}
					_ = json.Unmarshal(raw, &m)
				}
			}
		})
	}
}
