// Package config reads lunas.hcl: the listeners, Redis, the webhooks Lunas
// accepts and the stores it pays orders in.
//
// The file is HCL. Secrets stay out of it with env("NAME") (an unset
// variable is an error) or env("NAME", "default"). Parse applies the
// defaults documented on each field and validates the result; every error
// names the file and line it is about and never contains a secret's value.
package config

import (
	"encoding/json"
	"time"

	"github.com/lunas-dev/lunas/core/payment"
)

// Defaults applied by Parse to settings the file leaves out. A configuration
// built in code should use them too: Validate refuses the zero values.
const (
	DefaultListen       = "0.0.0.0:8080"
	DefaultAdminListen  = "127.0.0.1:9090"
	DefaultRedisAddr    = "127.0.0.1:6379"
	DefaultConcurrency  = 10
	DefaultMaxBodyBytes = 1 << 20
	DefaultWindow       = payment.DefaultWindow  // a store's match window
	DefaultSlack        = payment.DefaultSlack   // a store's match slack
	DefaultTimeout      = payment.DefaultTimeout // a store's plugin call timeout
)

// Config is a whole lunas.hcl. It is read-only after Parse and then safe for
// concurrent use.
type Config struct {
	// Listen is the public listener (webhooks and /healthz), host:port.
	// Default "0.0.0.0:8080".
	Listen string
	// Admin is the operators' listener (asynqmon, /metrics, /readyz, admin API).
	Admin Admin
	// Redis is where the queue and the audit trail live.
	Redis Redis
	// Worker tunes the mutation worker.
	Worker Worker
	// Webhooks are the `webhook "NAME"` blocks, in file order; at least one.
	Webhooks []Webhook
	// Stores are the `store "NAME"` blocks, in file order; at least one.
	Stores []Store
	// Moota is the optional `moota` block (API v2: reconciliation, write-back); nil when absent.
	Moota *Moota
	// Review tunes the review inbox (re-checks of unmatched payments, notifications).
	Review Review
	// Reversal tunes how bank reversals of paying credits are recognised.
	Reversal Reversal

	src *source // where each part was written; nil for a Config built in code
}

// Admin is the `admin` block.
type Admin struct {
	// Listen is host:port. Default "127.0.0.1:9090".
	Listen string
	// Username and Password protect every admin route with basic auth. Both
	// are required unless Listen is a loopback address.
	Username, Password string
}

// Redis is the `redis` block. Exactly one of Addr, URL and Sentinel is set;
// Addr defaults to "127.0.0.1:6379" when the block names none of them.
type Redis struct {
	// Addr is host:port of a single Redis server.
	Addr string
	// URL is a redis:// or rediss:// URL carrying everything needed to
	// connect; Username, Password and DB must then stay unset.
	URL string
	// Username and Password authenticate to Redis (with Addr, or to the
	// master found through Sentinel).
	Username, Password string
	// DB is the database number (with Addr or Sentinel).
	DB int
	// RequirePersistence makes Lunas refuse to start on a Redis that keeps
	// nothing across a restart (neither AOF nor RDB snapshots). Default false.
	RequirePersistence bool
	// Sentinel, when set, finds the master through Redis Sentinel.
	Sentinel *Sentinel
	// WaitReplicas is how many replicas must acknowledge a mutation before
	// the webhook answers 200 (Redis WAIT on the connection that stored
	// it), and a worker's order choice before it pays: replication is
	// asynchronous, so without it a failover can lose writes the old master
	// acknowledged. Default 1 with Sentinel, else 0 (do not wait).
	WaitReplicas int
	// WaitTimeout bounds that wait; a mutation not acknowledged in time is
	// answered 503 and Moota delivers it again. Default 1s.
	WaitTimeout time.Duration
}

// DefaultWaitTimeout is how long a write waits for its replicas by default.
const DefaultWaitTimeout = time.Second

// Sentinel is the `sentinel` block inside `redis`.
type Sentinel struct {
	MasterName string   // master_name: the monitored master's name
	Addrs      []string // addrs: the sentinels, host:port each
	Password   string   // password for the sentinels themselves
}

// Worker is the optional `worker` block.
type Worker struct {
	// Concurrency is how many mutations are processed at once. Default 10.
	Concurrency int
}

// Webhook is a `webhook "NAME"` block: an endpoint POST /webhooks/NAME.
type Webhook struct {
	// Name is the block label, used in the URL.
	Name string
	// Secrets are the HMAC secrets a delivery may be signed with; two while
	// a secret is being rotated. At least one, none empty.
	Secrets []string
	// AllowedIPs, if not empty, restricts senders to these IPs or CIDR prefixes.
	AllowedIPs []string
	// TrustedProxies are the IPs or CIDR prefixes whose X-Forwarded-For is believed.
	TrustedProxies []string
	// MaxBodyBytes bounds a delivery's size (larger is answered 413).
	// Default 1 MiB.
	MaxBodyBytes int64
}

// Store is a `store "NAME"` block: an online store paid through a plugin.
type Store struct {
	// Name is the block label; the store's queue is "store:NAME".
	Name string
	// Plugin names a bundled plugin ("woocommerce" runs
	// lunas-plugin-woocommerce next to the lunas binary). Exactly one of
	// Plugin and Path is set.
	Plugin string
	// Path is the plugin executable's path.
	Path string
	// SHA256, if set, pins the plugin executable's checksum (64 lowercase hex digits).
	SHA256 string
	// BankIDs are the Moota bank accounts whose mutations pay this store's
	// orders. ["*"] claims every bank id no other store lists; only one
	// store may use it.
	BankIDs []string
	// Window is how far back an order may have been placed to be matched
	// (`match { window = "168h" }`). Default 168h.
	Window time.Duration
	// Slack is how long after the end of a mutation's bank date (Asia/Jakarta)
	// an order may have been placed and still be paid by it: an order placed
	// after the money arrived is never paid by it, but bank dates are often
	// date-only (`match { slack = "1h" }`). Default 1h.
	Slack time.Duration
	// Settings is the `settings = { ... }` object as JSON, handed to the
	// plugin's Configure; "{}" when absent. It holds secrets: never log it.
	Settings json.RawMessage
	// Timeout bounds each plugin call. Default 30s.
	Timeout time.Duration
}

// StoreForBank returns the store that mutations of bankID belong to: the
// store listing bankID itself, otherwise the store listing "*".
func (c *Config) StoreForBank(bankID string) (*Store, bool) {
	var fallback *Store
	for i := range c.Stores {
		for _, id := range c.Stores[i].BankIDs {
			switch id {
			case bankID:
				return &c.Stores[i], true
			case AnyBank:
				if fallback == nil {
					fallback = &c.Stores[i]
				}
			}
		}
	}
	return fallback, fallback != nil
}

// AnyBank in a store's bank_ids claims every bank id no other store lists.
const AnyBank = "*"
