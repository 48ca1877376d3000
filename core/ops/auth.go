package ops

import (
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/hashicorp/go-hclog"
)

// realm is what the browser shows in its login prompt.
const realm = `Basic realm="lunas-admin"`

// failureLogEvery bounds how often failed logins are logged, so that a
// password-guessing run cannot flood the log.
const failureLogEvery = 10 * time.Second

// basicAuth requires the configured username and password on every
// request, and slows down wrong passwords per client address (loginLimiter).
// The client address is the connection's: behind a reverse proxy every
// login shares the proxy's, so keep the admin listener off proxies.
type basicAuth struct {
	user, pass [sha256.Size]byte // digests: equal length, so the comparison leaks no length
	next       http.Handler
	log        hclog.Logger
	limit      *loginLimiter

	mu         sync.Mutex
	lastLog    time.Time
	suppressed int
}

func newBasicAuth(user, pass string, log hclog.Logger, next http.Handler) *basicAuth {
	return &basicAuth{user: sha256.Sum256([]byte(user)), pass: sha256.Sum256([]byte(pass)), next: next, log: log, limit: newLoginLimiter()}
}

func (a *basicAuth) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	user, pass, given := r.BasicAuth()
	var reserved bool
	if given {
		var wait time.Duration
		if wait, reserved = a.limit.attempt(r.RemoteAddr); wait > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(int((wait+time.Second-1)/time.Second)))
			writeError(w, http.StatusTooManyRequests, "too many failed logins from your address: try again later")
			return
		}
	}
	u, p := sha256.Sum256([]byte(user)), sha256.Sum256([]byte(pass))
	// Both comparisons always run, so timing does not tell which one failed.
	ok := subtle.ConstantTimeCompare(u[:], a.user[:]) & subtle.ConstantTimeCompare(p[:], a.pass[:])
	if given && ok == 1 {
		a.limit.succeeded(r.RemoteAddr)
		a.next.ServeHTTP(w, r)
		return
	}
	if given {
		a.limit.failed(r.RemoteAddr, reserved)
		a.logFailure(r)
	}
	w.Header().Set("WWW-Authenticate", realm)
	writeError(w, http.StatusUnauthorized, "authentication required")
}

// logFailure notes a wrong login: the remote address and path only, never
// what was typed (a mistyped password is still a password).
func (a *basicAuth) logFailure(r *http.Request) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if now := time.Now(); now.Sub(a.lastLog) >= failureLogEvery {
		a.log.Warn("admin login failed", "remote", r.RemoteAddr, "path", r.URL.Path, "suppressed_since_last", a.suppressed)
		a.lastLog, a.suppressed = now, 0
		return
	}
	a.suppressed++
}
