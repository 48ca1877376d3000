package config

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
)

// Validate reports every problem in c, each as an *Error, joined with
// errors.Join; nil means c is usable. Parse calls it; call it yourself on a
// Config built in code (whose errors carry no position). Validate does not
// fill in defaults: zero values are errors wherever zero is not meaningful.
func (c *Config) Validate() error {
	src := sourceOf(c)
	v := &problems{}
	v.hostPort(src.root.at("listen"), "listen", c.Listen)
	validateAdmin(v, c.Admin, src.admin)
	validateTLS(v, c.TLS, src.tls, "tls")
	validateTLS(v, c.Admin.TLS, src.adminTLS, "admin: tls")
	validateRedis(v, c.Redis, src.redis, src.sentinel)
	if c.Worker.Concurrency < 1 {
		v.add(src.worker.at("concurrency"), "worker: concurrency must be at least 1")
	}
	validateWebhooks(v, c.Webhooks, c.MaxBodyBytesInFlight, src)
	validateStores(v, c.Stores, src)
	validateLifecycle(v, c, src)
	return joinSorted(v.errs)
}

// problems collects validation errors.
type problems struct{ errs []error }

func (v *problems) add(r *hcl.Range, format string, args ...any) {
	v.errs = append(v.errs, &Error{Range: r, Message: fmt.Sprintf(format, args...)})
}

// hostPort checks that addr is host:port with a numeric port; the host may be
// empty (every interface). It reports whether addr is fine.
func (v *problems) hostPort(r *hcl.Range, what, addr string) bool {
	_, port, err := net.SplitHostPort(addr)
	if err == nil {
		var n int
		n, err = strconv.Atoi(port)
		if err == nil && (n < 0 || n > 65535) {
			err = errors.New("port out of range")
		}
	}
	if err != nil {
		v.add(r, "%s: %s is not a host:port address like \"127.0.0.1:9090\"", what, quote(addr))
		return false
	}
	return true
}

var nameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$`)

// name checks a block label that ends up in URLs and queue names.
func (v *problems) name(r *hcl.Range, what, name string) {
	if !nameRE.MatchString(name) {
		v.add(r, "%s: the name must be 1 to 64 letters, digits, '-', '_' or '.', starting with a letter or digit (it is used in URLs)", what)
	}
}

// loopback reports whether the host of addr (host:port) is a loopback
// address: 127.0.0.0/8, ::1 or localhost.
func loopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.IsLoopback()
}

// MinAdminPasswordLen is the shortest admin password accepted on a listener
// other machines can reach; the login backoff slows guessing, length makes
// it hopeless.
const MinAdminPasswordLen = 12

func validateAdmin(v *problems, a Admin, p place) {
	if !v.hostPort(p.at("listen"), "admin: listen", a.Listen) {
		return
	}
	switch {
	case a.Username == "" && a.Password != "":
		v.add(p.at("password"), "admin: password is set but username is not; set both or neither")
	case a.Username != "" && a.Password == "":
		v.add(p.at("username"), "admin: username is set but password is not; set both or neither")
	case a.Username == "" && !loopback(a.Listen):
		v.add(p.at("listen"), "admin: username and password are required because listen %s is not a loopback address (127.0.0.0/8, ::1, localhost)", quote(a.Listen))
	case !loopback(a.Listen) && utf8.RuneCountInString(a.Password) < MinAdminPasswordLen:
		// The length only: the password itself never appears in a message.
		v.add(p.at("password"), "admin: password must have at least %d characters because listen %s is not a loopback address", MinAdminPasswordLen, quote(a.Listen))
	}
}

func validateRedis(v *problems, r Redis, p, sentinelAt place) {
	var ways []string
	for _, w := range []struct {
		name string
		set  bool
	}{{"addr", r.Addr != ""}, {"url", r.URL != ""}, {"sentinel", r.Sentinel != nil}} {
		if w.set {
			ways = append(ways, w.name)
		}
	}
	switch len(ways) {
	case 0:
		v.add(p.at(""), "redis: set one of addr, url or sentinel")
	case 1:
	default:
		v.add(p.at(""), "redis: set only one of addr, url and sentinel (found %s)", strings.Join(ways, " and "))
	}
	if r.Addr != "" {
		v.hostPort(p.at("addr"), "redis: addr", r.Addr)
	}
	if r.URL != "" {
		validateRedisURL(v, r, p)
	}
	if r.DB < 0 {
		v.add(p.at("db"), "redis: db must not be negative")
	}
	if r.WaitReplicas < 0 {
		v.add(p.at("wait_replicas"), "redis: wait_replicas must not be negative")
	}
	if r.WaitReplicas > 0 && r.WaitTimeout <= 0 {
		v.add(p.at("wait_timeout"), "redis: wait_timeout must be positive when wait_replicas is set")
	}
	if s := r.Sentinel; s != nil {
		if s.MasterName == "" {
			v.add(sentinelAt.at("master_name"), "redis: sentinel: master_name is required")
		}
		if len(s.Addrs) == 0 {
			v.add(sentinelAt.at("addrs"), "redis: sentinel: addrs is empty; list the sentinels as \"host:port\"")
		}
		for i, a := range s.Addrs {
			v.hostPort(sentinelAt.at("addrs"), fmt.Sprintf("redis: sentinel: addrs[%d]", i), a)
		}
	}
}

// validateRedisURL accepts what both go-redis and Asynq read:
// redis[s]://[user:password@]host[:port][/db]. It never quotes the URL: it
// usually carries the password.
func validateRedisURL(v *problems, r Redis, p place) {
	u, err := url.Parse(r.URL)
	ok := err == nil && (u.Scheme == "redis" || u.Scheme == "rediss") && u.Host != "" && redisDBPath(u.Path)
	if !ok {
		v.add(p.at("url"), "redis: url is not a valid redis:// or rediss:// URL (it is not shown because it may contain a password)")
	}
	if r.Username != "" || r.Password != "" || r.DB != 0 {
		v.add(p.at("url"), "redis: username, password and db cannot be combined with url; put them in the url (redis://user:password@host:6379/0)")
	}
}

// redisDBPath reports whether a redis URL's path is empty or a database number.
func redisDBPath(path string) bool {
	db, found := strings.CutPrefix(path, "/")
	if !found || db == "" {
		return path == "" || path == "/"
	}
	n, err := strconv.Atoi(db)
	return err == nil && n >= 0
}
