// Command attack runs issue 12's resource and admin attacks against a real
// `lunas serve` (demo plugin, real Redis) and prints what Lunas answered
// and how much memory it held. It is a measurement, not a test: nothing in
// it asserts or times anything.
//
//	make build
//	scripts/with-redis.sh go run ./internal/attack -bin bin
//
// The body attack opens -conns connections that each announce a 1 MiB body,
// send all of it but the last byte, and hold the connection; meanwhile a
// genuine signed delivery is sent and its order is watched until paid. It
// runs three ways: unsigned (no Signature header), with a forged Signature
// from one address, and forged from -conns different loopback addresses.
// Peak VmRSS of the lunas process is sampled from /proc/PID/status.
package main

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/lunas-dev/lunas/core"
	"github.com/lunas-dev/lunas/internal/proc"
	"github.com/lunas-dev/lunas/plugins/demo/demostore"
	"github.com/lunas-dev/lunas/sdk"
)

const (
	secret    = "attack-battery-secret"
	adminUser = "ops"
	adminPass = "attack-battery-password"
	db        = 7
	ns        = "attack"
)

func main() {
	bin := flag.String("bin", "bin", "directory holding lunas and lunas-plugin-demo")
	redisAddr := flag.String("redis", os.Getenv("LUNAS_TEST_REDIS_ADDR"), "redis-server address (scripts/with-redis.sh sets it)")
	conns := flag.Int("conns", 300, "connections holding a body")
	bodyBytes := flag.Int("body", 1<<20, "announced body size")
	hold := flag.Duration("hold", 4*time.Second, "how long the bodies are held while RSS is sampled")
	flag.Parse()
	if *redisAddr == "" {
		fmt.Fprintln(os.Stderr, "no Redis: run under scripts/with-redis.sh or pass -redis")
		os.Exit(2)
	}
	if err := run(context.Background(), *bin, *redisAddr, *conns, *bodyBytes, *hold); err != nil {
		fmt.Fprintln(os.Stderr, "attack:", err)
		os.Exit(1)
	}
}

type target struct {
	public, admin string
	cmd           *exec.Cmd
	rdb           *redis.Client
}

func run(ctx context.Context, bin, redisAddr string, conns, bodyBytes int, hold time.Duration) error {
	t, err := start(ctx, bin, redisAddr)
	if err != nil {
		return err
	}
	defer t.stop()
	pid := t.cmd.Process.Pid
	time.Sleep(time.Second)
	fmt.Printf("lunas serve (pid %d), demo plugin, redis %s; %d connections x %d bytes\n\n", pid, redisAddr, conns, bodyBytes)
	fmt.Printf("idle: VmRSS %s\n\n", mib(proc.RSSKiB(pid)))

	amount := int64(150000)
	for i, v := range []struct {
		name    string
		forged  bool
		sources int
	}{
		{"unsigned bodies from one address", false, 1},
		{"forged-signature bodies from one address", true, 1},
		{fmt.Sprintf("forged-signature bodies from %d addresses", conns), true, conns},
	} {
		amount++
		order := demostore.Order{ID: strconv.Itoa(9000 + i), Number: strconv.Itoa(9000 + i), Status: "on-hold",
			Amount: sdk.Rupiah(amount), Currency: "IDR", CreatedAt: time.Now().UTC().Add(-time.Hour)}
		if err := demostore.Put(ctx, t.rdb, ns, order); err != nil {
			return err
		}
		held, answers := holdBodies(t.public, conns, bodyBytes, v.forged, v.sources)
		peak := sample(pid, hold)
		id := fmt.Sprintf("attack-genuine-%d", i)
		status := t.deliver(id, amount)
		peak = max(peak, proc.RSSKiB(pid))
		summary := answers()
		for _, c := range held {
			c.Close()
		}
		retry := ""
		if status != http.StatusOK {
			// As Moota does: deliver again once the flood has passed.
			time.Sleep(2 * time.Second)
			retry = fmt.Sprintf(", delivered again after the flood: HTTP %d", t.deliver(id, amount))
		}
		paid := t.waitPaid(ctx, order.ID, 30*time.Second)
		fmt.Printf("%s:\n  answers to the held requests: %s\n  peak VmRSS while held: %s\n  genuine signed delivery during the flood: HTTP %d%s; order paid: %v\n\n",
			v.name, summary, mib(peak), status, retry, paid)
		time.Sleep(2 * time.Second) // let the connections go before the next round
	}

	fmt.Printf("1 MB request header: HTTP %d\n", t.bigHeader())
	fmt.Printf("POST /api/review/x/resolve, text/plain, Origin http://evil.example: HTTP %d\n", t.adminRequest(http.MethodPost, "/api/review/x/resolve", "text/plain", "http://evil.example", adminPass))
	fmt.Printf("POST /monitoring/api/queues/store:demo:pause, Origin http://evil.example: HTTP %d\n", t.adminRequest(http.MethodPost, "/monitoring/api/queues/store:demo:pause", "", "http://evil.example", adminPass))
	codes := map[int]int{}
	retryAfter := ""
	start := time.Now()
	for i := range 2000 {
		req, _ := http.NewRequest(http.MethodGet, "http://"+t.admin+"/readyz", nil)
		req.SetBasicAuth(adminUser, "wrong-"+strconv.Itoa(i))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			codes[0]++
			continue
		}
		resp.Body.Close()
		codes[resp.StatusCode]++
		if resp.StatusCode == http.StatusTooManyRequests && retryAfter == "" {
			retryAfter = resp.Header.Get("Retry-After")
		}
	}
	fmt.Printf("2,000 wrong admin passwords in %s: %v (first Retry-After: %ss)\n", time.Since(start).Round(time.Millisecond), codes, retryAfter)
	return nil
}

func start(ctx context.Context, bin, redisAddr string) (*target, error) {
	rdb := redis.NewClient(&redis.Options{Addr: redisAddr, DB: db})
	if err := rdb.FlushDB(ctx).Err(); err != nil {
		return nil, err
	}
	t := &target{public: freeAddr(), admin: freeAddr(), rdb: rdb}
	dir, err := os.MkdirTemp("", "lunas-attack-")
	if err != nil {
		return nil, err
	}
	cfg := fmt.Sprintf(`listen = %q
admin {
  listen   = %q
  username = %q
  password = %q
}
redis {
  addr = %q
  db   = %d
}
webhook "moota" {
  secrets = [%q]
}
store "demo" {
  plugin   = "demo"
  bank_ids = ["*"]
  settings = {
    redis_addr = %q
    redis_db   = %d
    namespace  = %q
  }
}
`, t.public, t.admin, adminUser, adminPass, redisAddr, db, secret, redisAddr, db, ns)
	path := filepath.Join(dir, "lunas.hcl")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		return nil, err
	}
	t.cmd = exec.Command(filepath.Join(bin, "lunas"), "serve", "--config", path, "--log-level", "error")
	t.cmd.Stderr = os.Stderr
	if err := t.cmd.Start(); err != nil {
		return nil, err
	}
	for range 400 {
		if c, err := net.Dial("tcp", t.public); err == nil {
			c.Close()
			return t, nil
		}
		time.Sleep(25 * time.Millisecond)
	}
	t.stop()
	return nil, fmt.Errorf("lunas did not start listening on %s", t.public)
}

func (t *target) stop() {
	_ = t.cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { _ = t.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(15 * time.Second):
		_ = t.cmd.Process.Kill()
		<-done
	}
	t.rdb.Close()
}

// holdBodies opens n connections that each announce size bytes and send
// all but the last, from sources different 127.x addresses (starting at
// 127.0.1.1; the genuine delivery comes from 127.0.0.1). It returns the
// connections and a summary of what the server answered on them so far.
func holdBodies(addr string, n, size int, forged bool, sources int) ([]net.Conn, func() string) {
	var mu sync.Mutex
	codes := map[string]int{}
	var out []net.Conn
	chunk := make([]byte, 64<<10)
	for i := range chunk {
		chunk[i] = 'x'
	}
	var wg sync.WaitGroup
	for i := range n {
		src := &net.TCPAddr{IP: net.IPv4(127, 0, byte(1+(i%sources)/250), byte(1+(i%sources)%250))}
		c, err := (&net.Dialer{LocalAddr: src}).Dial("tcp", addr)
		if err != nil {
			codes["dial error"]++
			continue
		}
		out = append(out, c)
		wg.Add(1)
		go func() {
			defer wg.Done()
			sig := ""
			if forged {
				sig = "Signature: " + strings.Repeat("0", 64) + "\r\n"
			}
			fmt.Fprintf(c, "POST /webhooks/moota HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\n%sContent-Length: %d\r\n\r\n", addr, sig, size)
			go func() {
				buf := make([]byte, 512)
				n, err := c.Read(buf)
				answer := "closed by the server without an answer"
				if n > 0 {
					answer = strings.SplitN(string(buf[:n]), "\r\n", 2)[0]
				} else if err != nil {
					answer = "closed without an answer"
				}
				mu.Lock()
				codes[answer]++
				mu.Unlock()
			}()
			for left := size - 1; left > 0; {
				k := min(left, len(chunk))
				if _, err := c.Write(chunk[:k]); err != nil {
					return
				}
				left -= k
			}
		}()
	}
	wg.Wait()
	return out, func() string {
		mu.Lock()
		defer mu.Unlock()
		held := len(out)
		var parts []string
		for k, v := range codes {
			parts = append(parts, fmt.Sprintf("%d %q", v, k))
			held -= v
		}
		if held > 0 {
			parts = append(parts, fmt.Sprintf("%d held open by the server, body being read", held))
		}
		return strings.Join(parts, ", ")
	}
}

// sample returns the peak VmRSS of pid over d.
func sample(pid int, d time.Duration) int64 {
	var peak int64
	for end := time.Now().Add(d); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
		peak = max(peak, proc.RSSKiB(pid))
	}
	return peak
}

func (t *target) deliver(id string, amount int64) int {
	now := time.Now().In(core.Jakarta).Format(time.DateTime)
	body := fmt.Sprintf(`[{"mutation_id":%q,"bank_id":"4Aqz9OmvWPV","account_number":"1","type":"CR","amount":%d,"description":"TRSF CR","date":%q,"created_at":%q}]`, id, amount, now, now)
	req, _ := http.NewRequest(http.MethodPost, "http://"+t.public+"/webhooks/moota", strings.NewReader(body))
	req.Header.Set("Signature", hexHMAC(body))
	resp, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

func (t *target) waitPaid(ctx context.Context, id string, d time.Duration) bool {
	for end := time.Now().Add(d); time.Now().Before(end); time.Sleep(200 * time.Millisecond) {
		if o, ok, err := demostore.Get(ctx, t.rdb, ns, id); err == nil && ok && o.PaidAt != nil {
			return true
		}
	}
	return false
}

func (t *target) bigHeader() int {
	req, _ := http.NewRequest(http.MethodGet, "http://"+t.public+"/healthz", nil)
	req.Header.Set("X-Big", strings.Repeat("a", 1<<20))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

func (t *target) adminRequest(method, path, contentType, origin, pass string) int {
	req, _ := http.NewRequest(method, "http://"+t.admin+path, strings.NewReader(`{"order":"9000"}`))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	} else {
		req.Body, req.ContentLength = http.NoBody, 0
	}
	req.Header.Set("Origin", origin)
	req.Header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(adminUser+":"+pass)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

func hexHMAC(body string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(body))
	return hex.EncodeToString(m.Sum(nil))
}

func freeAddr() string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func mib(kib int64) string { return fmt.Sprintf("%.1f MiB", float64(kib)/1024) }
