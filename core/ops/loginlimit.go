package ops

import (
	"net"
	"net/netip"
	"sync"
	"time"
)

// Login backoff defaults: a client address gets loginFreeTries attempts
// with a wrong password, then waits loginFirstWait before the next, twice
// as long after each further failure, up to loginMaxWait. At the ceiling a
// guesser gets 144 tries a day per address; an operator who mistypes a few
// times never notices.
const (
	loginFreeTries = 5
	loginFirstWait = time.Second
	loginMaxWait   = 10 * time.Minute
	// loginForgetAfter is how long an address must stay quiet before its
	// failures are forgotten.
	loginForgetAfter = 24 * time.Hour
	// loginMaxClients bounds the memory of the table; when it is full, the
	// records that have gone quiet longest are dropped first.
	loginMaxClients = 10000
)

// loginLimiter slows password guessing per client address. Each address
// (an IPv6 client by its /64, which one host usually owns whole) is
// counted on its own, so a guesser elsewhere never locks the operator out.
// It is safe for concurrent use.
type loginLimiter struct {
	mu      sync.Mutex
	now     func() time.Time
	clients map[netip.Prefix]*loginRecord
}

type loginRecord struct {
	failures int
	until    time.Time // no attempt before this
	last     time.Time
}

func newLoginLimiter() *loginLimiter {
	return &loginLimiter{now: time.Now, clients: map[netip.Prefix]*loginRecord{}}
}

// attempt is called before the credentials of a login from remote
// (host:port) are checked. A positive wait means the address must wait
// that long, and the credentials must not be checked at all: a right
// password refused with 429 tells a guesser nothing.
//
// Once an address is past its free tries, each attempt reserves the next
// wait before its credentials are checked (reserved is true), so parallel
// guesses cannot share one opening; a right password then clears the
// record. Within the free tries, attempts are counted when they fail, so
// a browser loading a page with several requests at once is never slowed.
func (l *loginLimiter) attempt(remote string) (wait time.Duration, reserved bool) {
	key, ok := clientKey(remote)
	if !ok {
		return 0, false
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	rec := l.clients[key]
	if rec == nil {
		return 0, false
	}
	if d := rec.until.Sub(now); d > 0 {
		return d, false
	}
	if now.Sub(rec.last) > loginForgetAfter {
		delete(l.clients, key) // quiet long enough: start afresh
		return 0, false
	}
	if rec.failures < loginFreeTries {
		return 0, false
	}
	rec.count(now)
	return 0, true
}

// failed counts a wrong login from remote, unless attempt reserved it.
func (l *loginLimiter) failed(remote string, reserved bool) {
	key, ok := clientKey(remote)
	if !ok || reserved {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	rec := l.clients[key]
	if rec == nil {
		l.makeRoom(now)
		rec = &loginRecord{}
		l.clients[key] = rec
	}
	rec.count(now)
}

// count adds a failure and sets the wait it earns.
func (rec *loginRecord) count(now time.Time) {
	rec.failures++
	rec.last = now
	if n := rec.failures - loginFreeTries; n > 0 {
		d := loginMaxWait
		if n <= 20 && loginFirstWait<<(n-1) < loginMaxWait {
			d = loginFirstWait << (n - 1)
		}
		rec.until = now.Add(d)
	}
}

// succeeded forgets the failures of remote after a correct login.
func (l *loginLimiter) succeeded(remote string) {
	if key, ok := clientKey(remote); ok {
		l.mu.Lock()
		delete(l.clients, key)
		l.mu.Unlock()
	}
}

// makeRoom drops records quiet for loginForgetAfter and, if the table is
// still full, the one quiet longest. The caller holds l.mu.
func (l *loginLimiter) makeRoom(now time.Time) {
	if len(l.clients) < loginMaxClients {
		return
	}
	var oldest netip.Prefix
	var oldestAt time.Time
	for k, rec := range l.clients {
		if now.Sub(rec.last) > loginForgetAfter {
			delete(l.clients, k)
			continue
		}
		if oldestAt.IsZero() || rec.last.Before(oldestAt) {
			oldest, oldestAt = k, rec.last
		}
	}
	if len(l.clients) >= loginMaxClients {
		delete(l.clients, oldest)
	}
}

// clientKey is the address a login is counted against.
func clientKey(remote string) (netip.Prefix, bool) {
	host, _, err := net.SplitHostPort(remote)
	if err != nil {
		host = remote
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Prefix{}, false
	}
	ip = ip.Unmap().WithZone("")
	bits := 32
	if ip.Is6() {
		bits = 64
	}
	p, _ := ip.Prefix(bits)
	return p, true
}
