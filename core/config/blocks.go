package config

import "github.com/hashicorp/hcl/v2"

// The schemas name every attribute and block lunas.hcl may contain.
// Body.Content reports anything else, so a misspelt name is an error rather
// than a setting silently ignored.
var (
	rootSchema = &hcl.BodySchema{
		Attributes: []hcl.AttributeSchema{{Name: "listen"}},
		Blocks: []hcl.BlockHeaderSchema{
			{Type: "admin"}, {Type: "redis"}, {Type: "worker"},
			{Type: "webhook", LabelNames: []string{"name"}},
			{Type: "store", LabelNames: []string{"name"}},
			{Type: "moota"}, {Type: "review"}, {Type: "reversal"},
		},
	}
	adminSchema = &hcl.BodySchema{
		Attributes: []hcl.AttributeSchema{{Name: "listen"}, {Name: "username"}, {Name: "password"}},
	}
	redisSchema = &hcl.BodySchema{
		Attributes: []hcl.AttributeSchema{
			{Name: "addr"}, {Name: "url"}, {Name: "username"}, {Name: "password"},
			{Name: "db"}, {Name: "require_persistence"}, {Name: "wait_replicas"}, {Name: "wait_timeout"},
		},
		Blocks: []hcl.BlockHeaderSchema{{Type: "sentinel"}},
	}
	sentinelSchema = &hcl.BodySchema{
		Attributes: []hcl.AttributeSchema{{Name: "master_name"}, {Name: "addrs"}, {Name: "password"}},
	}
	workerSchema = &hcl.BodySchema{
		Attributes: []hcl.AttributeSchema{{Name: "concurrency"}},
	}
	webhookSchema = &hcl.BodySchema{
		Attributes: []hcl.AttributeSchema{
			{Name: "secrets"}, {Name: "allowed_ips"}, {Name: "trusted_proxies"}, {Name: "max_body_bytes"},
		},
	}
	storeSchema = &hcl.BodySchema{
		Attributes: []hcl.AttributeSchema{
			{Name: "plugin"}, {Name: "path"}, {Name: "sha256"}, {Name: "bank_ids"},
			{Name: "settings"}, {Name: "timeout"},
		},
		Blocks: []hcl.BlockHeaderSchema{{Type: "match"}},
	}
	matchSchema = &hcl.BodySchema{
		Attributes: []hcl.AttributeSchema{{Name: "window"}, {Name: "slack"}},
	}
)

func (d *decoder) config(body hcl.Body, filename string) *Config {
	c := &Config{
		Listen: DefaultListen,
		Admin:  Admin{Listen: DefaultAdminListen},
		Worker: Worker{Concurrency: DefaultConcurrency},
		src:    &source{},
	}
	c.src.root = newPlace("", "", hcl.Range{Filename: filename, Start: hcl.InitialPos, End: hcl.InitialPos})
	content := d.content(body, rootSchema)
	d.str(content.Attributes, "listen", c.src.root, &c.Listen)

	blocks := content.Blocks.ByType()
	if b := d.single(blocks["admin"]); b != nil {
		c.src.admin = d.admin(b, &c.Admin)
	}
	c.src.redis, c.src.sentinel = d.redis(d.single(blocks["redis"]), &c.Redis)
	if b := d.single(blocks["worker"]); b != nil {
		c.src.worker = newPlace("", "worker", b.DefRange)
		attrs := d.content(b.Body, workerSchema).Attributes
		d.smallInt(attrs, "concurrency", c.src.worker, &c.Worker.Concurrency)
	}
	for _, b := range blocks["webhook"] {
		w, p := d.webhook(b)
		c.Webhooks = append(c.Webhooks, w)
		c.src.webhooks = append(c.src.webhooks, p)
	}
	for _, b := range blocks["store"] {
		s, p := d.store(b)
		c.Stores = append(c.Stores, s)
		c.src.stores = append(c.src.stores, p)
	}
	d.lifecycle(blocks, c)
	return c
}

func (d *decoder) admin(b *hcl.Block, a *Admin) place {
	p := newPlace("", "admin", b.DefRange)
	attrs := d.content(b.Body, adminSchema).Attributes
	d.str(attrs, "listen", p, &a.Listen)
	d.str(attrs, "username", p, &a.Username)
	d.str(attrs, "password", p, &a.Password)
	return p
}

// redis decodes the redis block (b may be nil: no block at all). Addr
// defaults only when the block names no way to reach Redis.
func (d *decoder) redis(b *hcl.Block, r *Redis) (redisAt, sentinelAt place) {
	r.WaitTimeout = DefaultWaitTimeout
	if b == nil {
		r.Addr = DefaultRedisAddr
		return place{}, place{}
	}
	p := newPlace("", "redis", b.DefRange)
	content := d.content(b.Body, redisSchema)
	attrs := content.Attributes
	d.str(attrs, "addr", p, &r.Addr)
	d.str(attrs, "url", p, &r.URL)
	d.str(attrs, "username", p, &r.Username)
	d.str(attrs, "password", p, &r.Password)
	d.smallInt(attrs, "db", p, &r.DB)
	d.boolean(attrs, "require_persistence", p, &r.RequirePersistence)
	if sb := d.single(content.Blocks.ByType()["sentinel"]); sb != nil {
		sentinelAt = newPlace("", "redis: sentinel", sb.DefRange)
		sattrs := d.content(sb.Body, sentinelSchema).Attributes
		r.Sentinel = &Sentinel{}
		d.str(sattrs, "master_name", sentinelAt, &r.Sentinel.MasterName)
		d.strs(sattrs, "addrs", sentinelAt, &r.Sentinel.Addrs)
		d.str(sattrs, "password", sentinelAt, &r.Sentinel.Password)
	}
	if r.Sentinel != nil {
		r.WaitReplicas = 1
	}
	d.smallInt(attrs, "wait_replicas", p, &r.WaitReplicas)
	d.duration(attrs, "wait_timeout", p, &r.WaitTimeout)
	_, hasAddr := p.attrs["addr"]
	_, hasURL := p.attrs["url"]
	if !hasAddr && !hasURL && r.Sentinel == nil {
		r.Addr = DefaultRedisAddr
	}
	return p, sentinelAt
}

func (d *decoder) webhook(b *hcl.Block) (Webhook, place) {
	w := Webhook{Name: b.Labels[0], MaxBodyBytes: DefaultMaxBodyBytes}
	p := newPlace(w.Name, "webhook "+quote(w.Name), b.DefRange)
	attrs := d.content(b.Body, webhookSchema).Attributes
	d.strs(attrs, "secrets", p, &w.Secrets)
	d.strs(attrs, "allowed_ips", p, &w.AllowedIPs)
	d.strs(attrs, "trusted_proxies", p, &w.TrustedProxies)
	d.integer(attrs, "max_body_bytes", p, &w.MaxBodyBytes)
	return w, p
}

func (d *decoder) store(b *hcl.Block) (Store, place) {
	s := Store{Name: b.Labels[0], Window: DefaultWindow, Slack: DefaultSlack, Timeout: DefaultTimeout, Settings: []byte("{}")}
	p := newPlace(s.Name, "store "+quote(s.Name), b.DefRange)
	content := d.content(b.Body, storeSchema)
	attrs := content.Attributes
	d.str(attrs, "plugin", p, &s.Plugin)
	d.str(attrs, "path", p, &s.Path)
	d.str(attrs, "sha256", p, &s.SHA256)
	d.strs(attrs, "bank_ids", p, &s.BankIDs)
	d.duration(attrs, "timeout", p, &s.Timeout)
	d.settings(attrs, p, &s.Settings)
	if mb := d.single(content.Blocks.ByType()["match"]); mb != nil {
		// The match block shares the store's attributes, so that Validate
		// finds match.window's line under "window".
		mp := place{label: p.label, what: p.what + ": match", def: mb.DefRange, attrs: p.attrs}
		mattrs := d.content(mb.Body, matchSchema).Attributes
		d.duration(mattrs, "window", mp, &s.Window)
		d.duration(mattrs, "slack", mp, &s.Slack)
	}
	return s, p
}
