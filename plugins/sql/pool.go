package main

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
)

// pool is a small bounded pool of PostgreSQL connections. (pgx's own pool
// lives in another module; the plugin needs no more than bounded reuse.)
// It is safe for concurrent use.
type pool struct {
	cfg  *pgx.ConnConfig
	sem  chan struct{}  // one token per open or opening connection
	idle chan *pgx.Conn // connections ready for use
}

func newPool(cfg *pgx.ConnConfig, size int) *pool {
	return &pool{cfg: cfg, sem: make(chan struct{}, size), idle: make(chan *pgx.Conn, size)}
}

// acquire returns an idle connection or opens one, waiting for a free slot
// until ctx ends.
func (p *pool) acquire(ctx context.Context) (*pgx.Conn, error) {
	for {
		select {
		case c := <-p.idle:
			if c.IsClosed() {
				p.discard(c)
				continue
			}
			return c, nil
		default:
		}
		select {
		case c := <-p.idle:
			if c.IsClosed() {
				p.discard(c)
				continue
			}
			return c, nil
		case p.sem <- struct{}{}:
			c, err := pgx.ConnectConfig(ctx, p.cfg)
			if err != nil {
				<-p.sem
				return nil, err
			}
			return c, nil
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// release returns c to the pool, or closes it if it is broken or was left
// inside a transaction (a canceled call can leave either).
func (p *pool) release(c *pgx.Conn) {
	if c.IsClosed() || c.PgConn().TxStatus() != 'I' {
		p.discard(c)
		return
	}
	p.idle <- c
}

// discard closes c and frees its slot.
func (p *pool) discard(c *pgx.Conn) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = c.Close(ctx)
	<-p.sem
}

// close closes the idle connections. Connections in use are closed when
// they are released after close, as the pool is no longer referenced.
func (p *pool) close() {
	for {
		select {
		case c := <-p.idle:
			p.discard(c)
		default:
			return
		}
	}
}
