#!/usr/bin/env bash
# Starts the local PostgreSQL and Redis used by `npm run dev` and the tests, when they are not running.
set -u
pg_ready() { pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; }
redis_ready() { redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; }

if ! pg_ready && command -v pg_ctlcluster >/dev/null 2>&1; then
  for version in $(ls /etc/postgresql 2>/dev/null); do
    pg_ctlcluster --skip-systemctl-redirect "$version" main start 2>/dev/null || true
  done
  for _ in $(seq 1 30); do pg_ready && break; sleep 0.5; done
fi
if ! redis_ready && command -v redis-server >/dev/null 2>&1; then
  mkdir -p /var/lib/redis /var/log/redis 2>/dev/null || true
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/progress-api.log >/dev/null 2>&1 || true
  for _ in $(seq 1 30); do redis_ready && break; sleep 0.2; done
fi
pg_ready && echo "postgres: up on 127.0.0.1:5432" || echo "postgres: NOT reachable on 127.0.0.1:5432"
redis_ready && echo "redis: up on 127.0.0.1:6379" || echo "redis: NOT reachable on 127.0.0.1:6379"
pg_ready && redis_ready
