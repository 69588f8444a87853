# Sourced by scripts/test and bench/run: starts a private PostgreSQL 15 and Redis 7 in a
# temporary directory, each on a free loopback port, never a system-wide instance, and
# stops them (and removes the directory) on exit.
#
#   services_start          sets KRILIN_TEST_DATABASE_URL, KRILIN_TEST_REDIS_URL,
#                           KRILIN_TEST_PG_PORT, KRILIN_TEST_PG_BIN, SERVICES_DIR
#   services_stop           (also installed as an EXIT trap)

PG_BIN=/usr/lib/postgresql/15/bin

free_port() {
  # Ask the kernel for a free port: bind port 0, read it back, release it.
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

# initdb and postgres refuse to run as root: run the private cluster as an unprivileged
# user (Debian's package creates `postgres`) in a directory that user owns.
as_pg_user() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

services_start() {
  SERVICES_DIR=$(mktemp -d /tmp/krilin-services.XXXXXX)
  chmod 755 "$SERVICES_DIR"
  mkdir -p "$SERVICES_DIR/pg" "$SERVICES_DIR/redis"
  if [ "$(id -u)" -eq 0 ]; then chown postgres "$SERVICES_DIR/pg"; fi
  trap services_stop EXIT

  local pg_port redis_port
  pg_port=$(free_port)
  as_pg_user "$PG_BIN/initdb" -D "$SERVICES_DIR/pg/data" -A trust -U postgres -E UTF8 \
    --locale=C.UTF-8 >"$SERVICES_DIR/pg/initdb.log" 2>&1 \
    || { cat "$SERVICES_DIR/pg/initdb.log" >&2; return 1; }
  as_pg_user "$PG_BIN/pg_ctl" -D "$SERVICES_DIR/pg/data" -l "$SERVICES_DIR/pg/server.log" -w -t 60 \
    -o "-p $pg_port -k $SERVICES_DIR/pg -c listen_addresses=127.0.0.1 -c fsync=${SERVICES_PG_FSYNC:-off} -c max_connections=200" \
    start >/dev/null || { cat "$SERVICES_DIR/pg/server.log" >&2; return 1; }
  "$PG_BIN/createdb" -h 127.0.0.1 -p "$pg_port" -U postgres krilin_test

  redis_port=$(free_port)
  redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no \
    --dir "$SERVICES_DIR/redis" --daemonize yes --pidfile "$SERVICES_DIR/redis/redis.pid" \
    --logfile "$SERVICES_DIR/redis/redis.log" >/dev/null
  for _ in $(seq 1 50); do
    redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break
    sleep 0.1
  done

  export KRILIN_TEST_PG_PORT=$pg_port
  export KRILIN_TEST_PG_BIN=$PG_BIN
  export KRILIN_TEST_PG_DATA="$SERVICES_DIR/pg/data"
  export KRILIN_TEST_DATABASE_URL="postgresql://postgres@127.0.0.1:$pg_port/krilin_test"
  export KRILIN_TEST_REDIS_URL="redis://127.0.0.1:$redis_port"
}

services_stop() {
  [ -n "${SERVICES_DIR:-}" ] && [ -d "$SERVICES_DIR" ] || return 0
  if [ -f "$SERVICES_DIR/redis/redis.pid" ]; then
    kill "$(cat "$SERVICES_DIR/redis/redis.pid")" 2>/dev/null || true
  fi
  if [ -d "$SERVICES_DIR/pg/data" ]; then
    as_pg_user "$PG_BIN/pg_ctl" -D "$SERVICES_DIR/pg/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$SERVICES_DIR"
  SERVICES_DIR=""
}
