package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"github.com/lunas-dev/lunas/core/config"
	"github.com/lunas-dev/lunas/core/queue"
)

// redisConn turns the redis block into a go-redis client and the matching
// Asynq connection option, so both talk to the same server and database.
func redisConn(c config.Redis) (redis.UniversalClient, asynq.RedisConnOpt, error) {
	switch {
	case c.URL != "":
		opt, err := redis.ParseURL(c.URL)
		if err != nil {
			return nil, nil, errors.New("redis.url is not a valid redis:// URL")
		}
		aopt, err := asynq.ParseRedisURI(c.URL)
		if err != nil {
			return nil, nil, errors.New("redis.url is not a valid redis:// URL")
		}
		return redis.NewClient(opt), aopt, nil
	case c.Sentinel != nil:
		fo := &redis.FailoverOptions{
			MasterName: c.Sentinel.MasterName, SentinelAddrs: c.Sentinel.Addrs, SentinelPassword: c.Sentinel.Password,
			Username: c.Username, Password: c.Password, DB: c.DB,
		}
		aopt := asynq.RedisFailoverClientOpt{
			MasterName: c.Sentinel.MasterName, SentinelAddrs: c.Sentinel.Addrs, SentinelPassword: c.Sentinel.Password,
			Username: c.Username, Password: c.Password, DB: c.DB,
		}
		return redis.NewFailoverClient(fo), aopt, nil
	default:
		opt := &redis.Options{Addr: c.Addr, Username: c.Username, Password: c.Password, DB: c.DB}
		aopt := asynq.RedisClientOpt{Addr: c.Addr, Username: c.Username, Password: c.Password, DB: c.DB}
		return redis.NewClient(opt), aopt, nil
	}
}

// checkPersistence refuses a Redis that would lose the queue on restart:
// neither AOF nor RDB snapshots configured.
func checkPersistence(ctx context.Context, rdb redis.UniversalClient) error {
	info, err := rdb.Info(ctx, "persistence").Result()
	if err != nil {
		return fmt.Errorf("redis: read persistence info: %w", err)
	}
	if strings.Contains(info, "aof_enabled:1") {
		return nil
	}
	if save, err := rdb.ConfigGet(ctx, "save").Result(); err == nil && strings.TrimSpace(save["save"]) != "" {
		return nil
	}
	return errors.New("redis keeps nothing on disk (no AOF, no RDB snapshots) and require_persistence = true: " +
		"enable appendonly yes (recommended) or set require_persistence = false")
}

// laneDialer makes the single-connection clients an acknowledging producer
// enqueues on (see queue.NewAckedProducer): the same server and database
// as redisConn, a pool of one, and a read timeout that outlasts WAIT.
func laneDialer(c config.Redis) queue.Dialer {
	readTimeout := max(3*time.Second, c.WaitTimeout+time.Second)
	return func(onConnect func(context.Context, *redis.Conn) error) redis.UniversalClient {
		switch {
		case c.URL != "":
			opt, _ := redis.ParseURL(c.URL) // redisConn parsed it already
			opt.PoolSize, opt.PipelinePoolSize, opt.MinIdleConns, opt.ReadTimeout, opt.OnConnect = 1, -1, 0, readTimeout, onConnect
			return redis.NewClient(opt)
		case c.Sentinel != nil:
			return redis.NewFailoverClient(&redis.FailoverOptions{
				MasterName: c.Sentinel.MasterName, SentinelAddrs: c.Sentinel.Addrs, SentinelPassword: c.Sentinel.Password,
				Username: c.Username, Password: c.Password, DB: c.DB,
				PoolSize: 1, PipelinePoolSize: -1, ReadTimeout: readTimeout, OnConnect: onConnect,
			})
		default:
			return redis.NewClient(&redis.Options{
				Addr: c.Addr, Username: c.Username, Password: c.Password, DB: c.DB,
				PoolSize: 1, PipelinePoolSize: -1, ReadTimeout: readTimeout, OnConnect: onConnect,
			})
		}
	}
}

// redisOpenTimeout bounds the start-up PING and persistence check.
const redisOpenTimeout = 5 * time.Second

// openRedis connects to the Redis that cfg names as serve does before it
// starts anything: a PING, then, with require_persistence, the persistence
// check. Its errors name the redis block's file:line. lunas check uses it
// too, so that it refuses exactly what serve would.
func openRedis(ctx context.Context, cfg *config.Config) (redis.UniversalClient, asynq.RedisConnOpt, error) {
	rdb, aopt, err := redisConn(cfg.Redis)
	if err != nil {
		return nil, nil, cfg.RedisError("url", err.Error())
	}
	ctx, cancel := context.WithTimeout(ctx, redisOpenTimeout)
	defer cancel()
	if err := rdb.Ping(ctx).Err(); err != nil {
		_ = rdb.Close()
		return nil, nil, cfg.RedisError(redisAttr(cfg.Redis), "redis: "+err.Error())
	}
	if cfg.Redis.RequirePersistence {
		if err := checkPersistence(ctx, rdb); err != nil {
			_ = rdb.Close()
			return nil, nil, cfg.RedisError("require_persistence", err.Error())
		}
	}
	return rdb, aopt, nil
}

// redisAttr is the attribute that says how to reach Redis, for an error
// about reaching it.
func redisAttr(c config.Redis) string {
	switch {
	case c.URL != "":
		return "url"
	case c.Sentinel != nil:
		return "sentinel"
	}
	return "addr"
}
