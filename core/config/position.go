package config

import "github.com/hashicorp/hcl/v2"

// StoreError returns an *Error at attribute attr of store name's block (the
// block itself when attr was not written), for a problem found after
// parsing, such as a plugin refusing its settings: it reads like a
// validation error, with file:line. The message is prefixed with the
// attribute's name (`store "toko-budi": settings: `), or the block's when
// attr is ""; it must not contain a secret. A Config built in code, or a store not in it, gives an Error
// without a position.
func (c *Config) StoreError(name, attr, message string) error {
	src := sourceOf(c)
	for i, s := range c.Stores {
		if s.Name == name {
			p := src.store(i, name)
			if p.what == "" {
				p.what = "store " + quote(name)
			}
			return &Error{Range: p.at(attr), Message: storeWhat(p, attr) + ": " + message}
		}
	}
	return &Error{Message: storeWhat(newPlace(name, "store "+quote(name), hcl.Range{}), attr) + ": " + message}
}

func storeWhat(p place, attr string) string {
	if attr == "" {
		return p.what
	}
	return p.name(attr)
}

// RedisError returns an *Error at attribute attr of the redis block (the
// block when attr was not written), for a problem found with the Redis it
// names, such as no persistence. The message is used as it is. Without a
// redis block (all defaults) it names the file alone.
func (c *Config) RedisError(attr, message string) error {
	src := sourceOf(c)
	if r := src.redis.at(attr); r != nil {
		return &Error{Range: r, Message: message}
	}
	if f := src.root.def.Filename; f != "" {
		return &Error{Message: f + ": no redis block, so the defaults: " + message}
	}
	return &Error{Message: message}
}
