package ops

import (
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"sync"
	"time"

	"github.com/hashicorp/go-hclog"
)

// realm is what the browser shows in its login prompt.
const realm = `Basic realm="lunas-admin"`

// failureLogEvery bounds how often failed logins are logged, so that a
// password-guessing run cannot flood the log.
const failureLogEvery = 10 * time.Second

// basicAuth requires the configured username and password on every request.
type basicAuth struct {
	user, pass [sha256.Size]byte // digests: equal length, so the comparison leaks no length
	next       http.Handler
	log        hclog.Logger

	mu         sync.Mutex
	lastLog    time.Time
	suppressed int
}

func newBasicAuth(user, pass string, log hclog.Logger, next http.Handler) *basicAuth {
	return &basicAuth{user: sha256.Sum256([]byte(user)), pass: sha256.Sum256([]byte(pass)), next: next, log: log}
}

func (a *basicAuth) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	user, pass, given := r.BasicAuth()
	u, p := sha256.Sum256([]byte(user)), sha256.Sum256([]byte(pass))
	// Both comparisons always run, so timing does not tell which one failed.
	ok := subtle.ConstantTimeCompare(u[:], a.user[:]) & subtle.ConstantTimeCompare(p[:], a.pass[:])
	if given && ok == 1 {
		a.next.ServeHTTP(w, r)
		return
	}
	if given {
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
