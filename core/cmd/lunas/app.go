package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"path/filepath"
	"regexp"
	"sync"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hibiken/asynq"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/redis/go-redis/v9"

	"github.com/lunas-dev/lunas/core"
	"github.com/lunas-dev/lunas/core/config"
	"github.com/lunas-dev/lunas/core/ops"
	"github.com/lunas-dev/lunas/core/payment"
	"github.com/lunas-dev/lunas/core/pluginhost"
	"github.com/lunas-dev/lunas/core/queue"
	lredis "github.com/lunas-dev/lunas/core/redis"
	"github.com/lunas-dev/lunas/core/webhook"
)

// Roles of a lunas serve process.
const (
	RoleAll      = "all"      // receiver and worker in one process
	RoleReceiver = "receiver" // webhooks only: scale out for ingest
	RoleWorker   = "worker"   // processing only: scale out for stores
)

// App is a running bridge: listeners, queue and plugins, wired from a
// Config. Open starts it, Close stops it in the order that loses nothing.
type App struct {
	Config     *config.Config
	Role       string
	ConfigDir  string       // base for relative plugin paths
	PluginDir  string       // where lunas-plugin-NAME binaries are; default next to lunas
	Logger     hclog.Logger // default: stderr, info
	PublicMux  func(*http.ServeMux)
	PluginEnv  []string
	PublicAddr string // set by Open: the bound public address
	AdminAddr  string // set by Open: the bound admin address

	rdb       redis.UniversalClient
	client    *asynq.Client
	payments  *payment.Service
	insp      *asynq.Inspector
	producer  *queue.Producer
	scheduler *asynq.Scheduler
	redisOpt  asynq.RedisConnOpt
	auditor   *lredis.Auditor
	plugins   map[string]*pluginhost.Plugin
	server    *asynq.Server
	servers   []*http.Server
	certs     []*certificate // the listeners' TLS certificates, reloaded on SIGHUP
	admin     *ops.Handler
	registry  *prometheus.Registry
	wg        sync.WaitGroup
	errs      chan error
}

// Open connects to Redis, starts the plugins and the worker (role worker or
// all), and the listeners. On error everything started is stopped again.
func (a *App) Open(ctx context.Context) (err error) {
	defer func() {
		if err != nil {
			a.Close()
		}
	}()
	if a.Role == "" {
		a.Role = RoleAll
	}
	if a.Logger == nil {
		a.Logger = hclog.New(&hclog.LoggerOptions{Name: "lunas", Level: hclog.Info})
	}
	a.errs = make(chan error, 4)
	a.registry = prometheus.NewRegistry()
	a.registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))

	rdb, aopt, err := openRedis(ctx, a.Config)
	if err != nil {
		return err
	}
	a.rdb = rdb
	review := lredis.NewReviewStore(rdb)
	a.redisOpt = aopt
	a.client = asynq.NewClient(aopt)
	a.insp = asynq.NewInspector(aopt)
	pcfg := queue.ProducerConfig{Inspector: a.insp, Seen: &queue.Seen{RDB: rdb}, Route: func(bankID string) string {
		if s, ok := a.Config.StoreForBank(bankID); ok {
			return queue.StoreQueue(s.Name)
		}
		return queue.UnroutedQueue
	}}
	if ack := a.replicaAck(); ack.Enabled() {
		a.producer = queue.NewAckedProducer(laneDialer(a.Config.Redis), ackLanes, ack, pcfg)
	} else {
		a.producer = queue.NewProducer(a.client, pcfg)
	}
	a.registry.MustRegister(queue.QueueCollector{Inspector: a.insp})

	if a.Role == RoleAll || a.Role == RoleWorker {
		if err := a.startWorker(ctx, aopt, review); err != nil {
			return err
		}
		a.warnOrphanQueues()
	}
	public := http.NewServeMux()
	if a.Role == RoleAll || a.Role == RoleReceiver {
		router, err := a.receivers()
		if err != nil {
			return err
		}
		public.Handle("/", router)
	} else {
		public.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"status":"ok"}` + "\n"))
		})
	}
	if a.PublicMux != nil {
		a.PublicMux(public)
	}
	opsCfg := ops.Config{
		Username: a.Config.Admin.Username, Password: a.Config.Admin.Password,
		RedisOpt: aopt, Redis: rdb, Registry: a.registry, Replayer: &queue.Replayer{Inspector: a.insp},
		Deliveries: lredis.DeliveryLog{RDB: rdb},
		Ready:      a.ready, Logger: a.Logger,
	}
	// Resolving applies payments, which needs the plugins: on a receiver-only
	// process (no worker) the inbox lists and dismisses but cannot resolve.
	opsCfg.Review = &payment.Inbox{Store: review, Payments: a.payments}
	opsCfg.Payments = paymentStats{lredis.NewLedger(rdb)}
	if a.payments != nil {
		opsCfg.StoreHealth = storeHealth{a.payments.Health()}
	}
	for _, s := range a.Config.Stores {
		opsCfg.Stores = append(opsCfg.Stores, s.Name)
	}
	// Each store's health on /metrics: lunas_store_up, lunas_store_failing_seconds.
	if opsCfg.StoreHealth != nil {
		a.registry.MustRegister(ops.StoreHealthCollector{Health: opsCfg.StoreHealth})
	}
	a.admin, err = ops.NewHandler(opsCfg)
	if err != nil {
		return err
	}
	if a.PublicAddr, err = a.listen(a.Config.Listen, public, a.Config.TLS); err != nil {
		return err
	}
	if a.AdminAddr, err = a.listen(a.Config.Admin.Listen, a.admin, a.Config.Admin.TLS); err != nil {
		return err
	}
	a.Logger.Info("lunas is running", "role", a.Role, "public", a.PublicAddr, "admin", a.AdminAddr, "stores", len(a.Config.Stores))
	return nil
}

// ackLanes is how many connections an acknowledging producer holds: each
// serves one webhook delivery at a time, for an enqueue and a WAIT of well
// under a millisecond on a healthy replica.
const ackLanes = 32

// replicaAck is how many replicas must acknowledge a stored mutation, and
// a worker's choice of order, before either counts as done.
func (a *App) replicaAck() lredis.ReplicaAck {
	return lredis.ReplicaAck{Replicas: a.Config.Redis.WaitReplicas, Timeout: a.Config.Redis.WaitTimeout}
}

func (a *App) receivers() (http.Handler, error) {
	a.auditor = lredis.NewAuditor(a.rdb, a.Logger)
	metrics := webhook.NewMetrics(a.registry)
	budget := webhook.NewBudget(a.Config.MaxBodyBytesInFlight)
	receivers := map[string]*webhook.Receiver{}
	for _, w := range a.Config.Webhooks {
		cfg := webhook.Config{Name: w.Name, MaxBodyBytes: w.MaxBodyBytes, Budget: budget}
		for _, s := range w.Secrets {
			cfg.Secrets = append(cfg.Secrets, []byte(s))
		}
		var err error
		if cfg.AllowedIPs, err = webhook.ParsePrefixes(w.AllowedIPs); err != nil {
			return nil, fmt.Errorf("webhook %q: allowed_ips: %w", w.Name, err)
		}
		if cfg.TrustedProxies, err = webhook.ParsePrefixes(w.TrustedProxies); err != nil {
			return nil, fmt.Errorf("webhook %q: trusted_proxies: %w", w.Name, err)
		}
		rc, err := webhook.New(cfg, a.producer, a.auditor, a.Logger, metrics)
		if err != nil {
			return nil, err
		}
		receivers[w.Name] = rc
	}
	return webhook.Router(receivers), nil
}

func (a *App) startWorker(ctx context.Context, aopt asynq.RedisConnOpt, review core.ReviewStore) error {
	a.plugins = map[string]*pluginhost.Plugin{}
	health := &payment.Health{}
	routes := routeTable{cfg: a.Config, byStore: map[string]payment.Route{}}
	var names []string
	for _, s := range a.Config.Stores {
		path := s.Path
		if path != "" && !filepath.IsAbs(path) && a.ConfigDir != "" {
			path = filepath.Join(a.ConfigDir, path)
		}
		p, err := pluginhost.Start(ctx, pluginhost.Config{
			Store: s.Name, Plugin: s.Plugin, Path: path, SHA256: s.SHA256, Settings: s.Settings,
			Dir: a.PluginDir, Logger: a.Logger, PassEnv: s.Env, Env: a.PluginEnv,
		})
		if err != nil {
			return storeStartError(a.Config, s.Name, err)
		}
		a.plugins[s.Name] = p
		health.Track(s.Name)
		routes.byStore[s.Name] = payment.Route{Name: s.Name, Store: p, Window: s.Window, Slack: s.Slack, Timeout: s.Timeout}
		names = append(names, s.Name)
	}
	patterns, err := compilePatterns(a.Config.Reversal.Patterns)
	if err != nil {
		return err
	}
	pcfg := payment.Config{
		Routes: routes, Review: review,
		Choices: &lredis.Choices{RDB: a.rdb, TTL: queue.Retention, Ack: a.replicaAck()},
		Ledger:  lredis.NewLedger(a.rdb),
		Health:  health, UnreachableAfter: a.Config.Review.UnreachableAfter,
		Rechecks: &lredis.Rechecks{RDB: a.rdb},
		Recheck:  a.Config.Review.Recheck, ReversalWindow: a.Config.Reversal.Window, ReversalPatterns: patterns,
		Logger: a.Logger, Metrics: queue.NewWorkerMetrics(a.registry),
	}
	mux := asynq.NewServeMux()
	extra := []string{queue.OpsQueue}
	if a.Config.Review.NotifyURL != "" {
		mux.Handle(queue.TypeNotify, &queue.Notifier{URL: a.Config.Review.NotifyURL})
		pcfg.OnReview = func(ctx context.Context, item core.ReviewItem) error {
			task, opts := queue.NewNotifyTask(item)
			return a.enqueue(ctx, task, opts...)
		}
	}
	if err := a.mootaHandlers(mux, &pcfg, &extra); err != nil {
		return err
	}
	a.payments, err = payment.New(pcfg)
	if err != nil {
		return err
	}
	mux.Handle(queue.TypeMutation, &queue.Handler{Payments: a.payments, Seen: &queue.Seen{RDB: a.rdb}})
	a.server = queue.NewServer(aopt, queue.ServerConfig{Stores: names, Extra: extra, Concurrency: a.Config.Worker.Concurrency, Logger: a.Logger})
	if err := a.server.Start(mux); err != nil {
		return fmt.Errorf("start worker: %w", err)
	}
	return nil
}

// enqueue adds a housekeeping task; a TaskID conflict means it is there already.
func (a *App) enqueue(ctx context.Context, task *asynq.Task, opts ...asynq.Option) error {
	_, err := a.client.EnqueueContext(ctx, task, opts...)
	if errors.Is(err, asynq.ErrTaskIDConflict) {
		return nil
	}
	return err
}

func compilePatterns(ps []string) ([]*regexp.Regexp, error) {
	out := make([]*regexp.Regexp, 0, len(ps))
	for _, p := range ps {
		re, err := regexp.Compile(p)
		if err != nil {
			return nil, fmt.Errorf("reversal pattern %q: %w", p, err)
		}
		out = append(out, re)
	}
	return out, nil
}

// listen binds addr and serves h in the background, over HTTPS when t
// names a certificate (see ReloadCertificates).
func (a *App) listen(addr string, h http.Handler, t *config.TLS) (string, error) {
	var cert *certificate
	if t != nil {
		var err error
		if cert, err = loadCertificate(t); err != nil {
			return "", err
		}
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return "", err
	}
	srv := newHTTPServer(h)
	serve := func() error { return srv.Serve(l) }
	if cert != nil {
		srv.TLSConfig = cert.tlsConfig()
		a.certs = append(a.certs, cert)
		serve = func() error { return srv.ServeTLS(l, "", "") }
	}
	a.servers = append(a.servers, srv)
	a.wg.Add(1)
	go func() {
		defer a.wg.Done()
		if err := serve(); err != nil && !errors.Is(err, http.ErrServerClosed) {
			a.errs <- err
		}
	}()
	return l.Addr().String(), nil
}

// Wait blocks until ctx is done or a listener fails.
func (a *App) Wait(ctx context.Context) error {
	select {
	case <-ctx.Done():
		return nil
	case err := <-a.errs:
		return err
	}
}

// ready is the admin /readyz check beyond Redis: every plugin process alive.
func (a *App) ready(ctx context.Context) error {
	for name, p := range a.plugins {
		if !p.Alive() {
			return fmt.Errorf("store %q: plugin process is not running", name)
		}
	}
	return nil
}

// Close stops taking webhooks first, then lets the worker finish what it
// holds, then stops the plugins and Redis connections.
func (a *App) Close() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, s := range a.servers {
		_ = s.Shutdown(ctx)
	}
	a.wg.Wait()
	if a.admin != nil {
		_ = a.admin.Close()
	}
	if a.scheduler != nil {
		a.scheduler.Shutdown()
	}
	if a.server != nil {
		a.server.Shutdown()
	}
	for _, p := range a.plugins {
		p.Close()
	}
	if a.auditor != nil {
		a.auditor.Close()
	}
	if a.producer != nil {
		_ = a.producer.Close()
	}
	if a.client != nil {
		_ = a.client.Close()
	}
	if a.insp != nil {
		_ = a.insp.Close()
	}
	if a.rdb != nil {
		_ = a.rdb.Close()
	}
}

// routeTable implements payment.Routes from the config.
type routeTable struct {
	cfg     *config.Config
	byStore map[string]payment.Route
}

func (r routeTable) ForBank(bankID string) (payment.Route, bool) {
	s, ok := r.cfg.StoreForBank(bankID)
	if !ok {
		return payment.Route{}, false
	}
	route, ok := r.byStore[s.Name]
	return route, ok
}
