package chaos

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lunas-dev/lunas/internal/testutil"
)

// sender delivers webhooks the way Moota does: signed, and sent again
// after anything but a 200 (a 503, a timeout, a refused connection) until
// Lunas takes them. A 4xx is a bug in the test or in Lunas and stops it.
type sender struct {
	url    string // the webhook URL
	secret string
	pace   time.Duration // pause between one worker's deliveries
	client *http.Client

	fed         atomic.Int64 // deliveries taken up by a worker
	accepted    atomic.Int64 // mutations in deliveries answered 200
	unavailable atomic.Int64 // deliveries answered 503
	failed      atomic.Int64 // deliveries that got no answer
}

// newSender delivers to the "moota" webhook of the Lunas at publicURL.
func newSender(publicURL, secret string) *sender {
	return &sender{url: publicURL + "/webhooks/moota", secret: secret, client: &http.Client{Timeout: 10 * time.Second}}
}

// run delivers the bodies in order with workers goroutines and returns
// once all were answered 200, or with the first 4xx, or when ctx ends.
// Once stop is closed (nil: never) no further body is taken up; those
// taken up are still delivered.
func (s *sender) run(ctx context.Context, bodies [][]byte, workers int, stop <-chan struct{}) error {
	next := make(chan []byte)
	errs := make(chan error, workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for body := range next {
				if err := s.deliver(ctx, body); err != nil {
					errs <- err
					return
				}
				select {
				case <-ctx.Done():
				case <-time.After(s.pace):
				}
			}
		}()
	}
	var err error
feed:
	for _, b := range bodies {
		select {
		case next <- b:
			s.fed.Add(1)
		case <-stop:
			break feed
		case err = <-errs:
			break feed
		case <-ctx.Done():
			err = ctx.Err()
			break feed
		}
	}
	close(next)
	wg.Wait()
	if err == nil {
		select {
		case err = <-errs:
		default:
		}
	}
	return err
}

// deliver sends one body until it is answered 200.
func (s *sender) deliver(ctx context.Context, body []byte) error {
	backoff := 100 * time.Millisecond
	for {
		status, raw, err := s.post(ctx, body)
		switch {
		case err == nil && status == http.StatusOK:
			var ans struct{ Accepted, Duplicates int }
			if err := json.Unmarshal(raw, &ans); err != nil {
				return fmt.Errorf("200 answer is not JSON: %s", raw)
			}
			s.accepted.Add(int64(ans.Accepted + ans.Duplicates))
			return nil
		case err == nil && status == http.StatusServiceUnavailable:
			s.unavailable.Add(1)
		case err == nil:
			return fmt.Errorf("delivery answered %d: %s", status, raw)
		default:
			s.failed.Add(1)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("delivery never accepted: %w (last error %v)", ctx.Err(), err)
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, time.Second)
	}
}

func (s *sender) post(ctx context.Context, body []byte) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.url, bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "MootaBot/1.5")
	req.Header.Set("Signature", testutil.SignHex(s.secret, body))
	resp, err := s.client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	return resp.StatusCode, raw, err
}

// load is a sender running in the background.
type load struct {
	*sender
	done chan error
}

// startLoad delivers bodies in the background (see run); wait returns
// its result.
func startLoad(ctx context.Context, s *sender, bodies [][]byte, workers int, stop <-chan struct{}) *load {
	l := &load{sender: s, done: make(chan error, 1)}
	go func() { l.done <- s.run(ctx, bodies, workers, stop) }()
	return l
}

func (l *load) wait() error { return <-l.done }

func (l *load) String() string {
	return fmt.Sprintf("%d mutations accepted, %d deliveries answered 503, %d unanswered (all retried)",
		l.accepted.Load(), l.unavailable.Load(), l.failed.Load())
}
