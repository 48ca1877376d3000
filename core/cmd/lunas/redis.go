package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"github.com/lunas-dev/lunas/core/config"
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
