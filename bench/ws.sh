#!/usr/bin/env bash
# WebSockets on /ws of a real `krilin serve`, driven by bench_ws (bench/ws/ws_client.cpp,
# one io_context thread, a coroutine per socket):
#   1. idle memory: embedded mode (SQLite, in-process bus); CONNECTIONS sockets, each with
#      its own ticket, subscribed to habit-tracker/completion_updates; the server's VmRSS
#      before and after (read from /proc/PID/status, settled) → bytes per idle connection;
#   2. fan-out: scale-out mode (PostgreSQL as the store, Redis as the bus), CONNECTIONS
#      sockets of one user on that stream; alternating log_completion / undo_completion
#      actions each publish one event that every socket receives → deliveries/s and the
#      latency from just before the action's request to each receipt (p50/p99), for
#      LIGHT_EVENTS events at LIGHT_RATE per second (one fan-out at a time), EVENTS events
#      paced at RATE per second (10/s × 10k sockets = the 100k deliveries/s target) and
#      EVENTS events back to back; with the CPU seconds server and client were given;
#   baseline (same run, same machine): Redis's own PUBLISH rate, redis-benchmark -P 16,
#   with the payload krilin itself publishes on krilin:events.
#   bench/ws.sh KRILIN_BIN WS_CLIENT_BIN DATABASE_URL REDIS_URL OUT_JSON
# DATABASE_URL is a superuser's URL of any database of the PostgreSQL server (bench/run
# passes $KRILIN_TEST_DATABASE_URL): krilin connects as a fresh ordinary role owning a fresh
# database, both dropped at the end. Empty DATABASE_URL or REDIS_URL: idle part only.
# The client and the server share this machine's cores.
set -euo pipefail
krilin=$1 client=$2 pg_url=$3 redis_url=$4 out=$5
connections=${BENCH_WS_CONNECTIONS:-10000}
events=${BENCH_WS_EVENTS:-200}
rate=${BENCH_WS_RATE:-10}
light_events=${BENCH_WS_LIGHT_EVENTS:-20}
light_rate=${BENCH_WS_LIGHT_RATE:-1}
settle=${BENCH_WS_SETTLE:-4}
password="bench horse battery 42"

# Each socket is a descriptor in the server and in the client (plus the database, logs,
# ticket connections): ask for 65536; without CAP_SYS_RESOURCE the hard limit caps it.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
fd_limit=$(ulimit -n)
if [ "$fd_limit" != unlimited ] && [ "$fd_limit" -lt $((connections + 1000)) ]; then
  echo "ws.sh: open-file limit $fd_limit is too low for $connections connections (needs $((connections + 1000)))" >&2
  exit 1
fi

tmp=$(mktemp -d)
krilin_pid="" sub_pid="" bench_db=""
cleanup() {
  [ -n "$krilin_pid" ] && { kill -TERM "$krilin_pid" 2>/dev/null; wait "$krilin_pid" 2>/dev/null || true; }
  [ -n "$sub_pid" ] && { kill "$sub_pid" 2>/dev/null; wait "$sub_pid" 2>/dev/null || true; }
  if [ -n "$bench_db" ]; then
    psql -q "$pg_url" -c "DROP DATABASE IF EXISTS $bench_db" -c "DROP ROLE IF EXISTS $bench_db" >/dev/null 2>&1 || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT

free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
wait_up() { for _ in $(seq 100); do curl -sf "$1" >/dev/null && return 0; sleep 0.1; done; echo "ws.sh: server at $1 did not start" >&2; return 1; }
json_field() { node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const v=process.argv[1].split(".").reduce((o,k)=>o?.[k],JSON.parse(s));if(v===undefined){console.error("ws.sh: no "+process.argv[1]+" in "+s.slice(0,300));process.exit(1)}console.log(v)})' "$1"; }

# POST PATH BODY [TOKEN] → the answer's body; fails on a non-2xx answer.
post() {
  local code
  local auth=()
  [ -n "${3:-}" ] && auth=(-H "Authorization: Bearer $3")
  code=$(curl -s -o "$tmp/answer.json" -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
    "${auth[@]}" --data "$2" "$base$1")
  if [ "${code:0:1}" != 2 ]; then
    echo "ws.sh: POST $1 answered $code: $(head -c 500 "$tmp/answer.json")" >&2
    return 1
  fi
  cat "$tmp/answer.json"
}

start_krilin() {  # NAME [ENV=VALUE…]: starts krilin in the background, sets base and krilin_pid
  local name=$1
  shift
  local port
  port=$(free_port)
  base="http://127.0.0.1:$port"
  env "$@" KRILIN_ACCESS_LOG=false "$krilin" serve --listen "127.0.0.1:$port" --data-dir "$tmp/data-$name" \
    >"$tmp/krilin-$name.out" 2>"$tmp/krilin-$name.err" &
  krilin_pid=$!
  wait_up "$base/health" || { cat "$tmp/krilin-$name.out" "$tmp/krilin-$name.err" >&2; return 1; }
}

stop_krilin() {
  kill -TERM "$krilin_pid"
  wait "$krilin_pid" || true
  krilin_pid=""
}

signup() {  # → an access token of a fresh user with Habit Tracker installed
  local token
  token=$(post /api/v1/auth/signup "{\"email\":\"bench-ws@example.com\",\"password\":\"$password\",\"name\":\"Bench\"}" |
    json_field access_token)
  post /api/v1/apps/habit-tracker/install '{}' "$token" >/dev/null
  echo "$token"
}

# 1. Idle memory, embedded mode.
load_idle=$(cut -d' ' -f1-3 /proc/loadavg)
start_krilin idle -u KRILIN_DATABASE_URL -u KRILIN_REDIS_URL
token=$(signup)
port=${base##*:}
echo "ws.sh: idle: opening $connections sockets" >&2
"$client" idle --port "$port" --token "$token" --server-pid "$krilin_pid" --connections "$connections" \
  --settle "$settle" >"$tmp/idle.json"
stop_krilin
cat "$tmp/idle.json" >&2

# 2. Fan-out through Redis, PostgreSQL as the store.
if [ -n "$pg_url" ] && [ -n "$redis_url" ]; then
  bench_db="krilin_bench_ws_$$"
  psql -q "$pg_url" -c "CREATE ROLE $bench_db LOGIN NOSUPERUSER NOBYPASSRLS" -c "CREATE DATABASE $bench_db OWNER $bench_db"
  db_url=$(node -e 'const u = new URL(process.argv[1]); u.username = process.argv[2]; u.password = "";
    u.pathname = "/" + process.argv[2]; console.log(u.toString())' "$pg_url" "$bench_db")
  redis_host=$(node -e 'console.log(new URL(process.argv[1]).hostname || "127.0.0.1")' "$redis_url")
  redis_port=$(node -e 'console.log(new URL(process.argv[1]).port || 6379)' "$redis_url")
  load_fanout=$(cut -d' ' -f1-3 /proc/loadavg)
  start_krilin fanout "KRILIN_DATABASE_URL=$db_url" "KRILIN_REDIS_URL=$redis_url"
  token=$(signup)
  port=${base##*:}
  habit=$(post /api/v1/apps/habit-tracker/action '{"action":"create_habit","params":{"name":"x"}}' "$token" | json_field data.id)
  # One log and one undo while listening on krilin's channel: the payload the baseline
  # publishes is one krilin published (the stream is left with no completion today).
  redis-cli -h "$redis_host" -p "$redis_port" SUBSCRIBE krilin:events >"$tmp/channel.txt" &
  sub_pid=$!
  sleep 0.5
  post /api/v1/apps/habit-tracker/action "{\"action\":\"log_completion\",\"params\":{\"habit_id\":\"$habit\"}}" "$token" >/dev/null
  post /api/v1/apps/habit-tracker/action "{\"action\":\"undo_completion\",\"params\":{\"habit_id\":\"$habit\"}}" "$token" >/dev/null
  for _ in $(seq 50); do [ "$(grep -c '^{' "$tmp/channel.txt" || true)" -ge 2 ] && break; sleep 0.1; done
  kill "$sub_pid"; wait "$sub_pid" 2>/dev/null || true; sub_pid=""
  payload=$(grep '^{' "$tmp/channel.txt" | tail -1)
  [ -n "$payload" ] || { echo "ws.sh: nothing seen on krilin:events" >&2; exit 1; }
  echo "ws.sh: fan-out: opening $connections sockets, then $light_events events at $light_rate/s, $events at $rate/s and $events back to back" >&2
  "$client" fanout --port "$port" --token "$token" --server-pid "$krilin_pid" --connections "$connections" \
    --habit "$habit" --light-events "$light_events" --light-rate "$light_rate" --events "$events" --rate "$rate" \
    >"$tmp/fanout.json"
  stop_krilin
  cat "$tmp/fanout.json" >&2

  # The baseline, alone on the machine: PUBLISH with no subscriber (what Redis can take in)
  # and with one subscriber reading every message (what krilin's single subscription is).
  redis_bench() {
    redis-benchmark -h "$redis_host" -p "$redis_port" -n 200000 -P 16 -q PUBLISH bench:channel "$payload" |
      tr '\r' '\n' | awk '/requests per second/ { for (i = 1; i <= NF; i++) if ($(i+1) == "requests") v = $i } END { print v }'
  }
  pub0=$(redis_bench)
  redis-cli -h "$redis_host" -p "$redis_port" SUBSCRIBE bench:channel >/dev/null &
  sub_pid=$!
  sleep 0.3
  pub1=$(redis_bench)
  kill "$sub_pid"; wait "$sub_pid" 2>/dev/null || true; sub_pid=""
  echo "ws.sh: redis PUBLISH/s: $pub0 (no subscriber), $pub1 (one subscriber)" >&2
  printf '%s' "$payload" >"$tmp/payload.json"
else
  echo '"skipped: no DATABASE_URL or REDIS_URL"' >"$tmp/fanout.json"
  pub0="" pub1="" load_fanout=""
  : >"$tmp/payload.json"
fi

node -e '
const fs = require("fs");
const [idleFile, fanoutFile, payloadFile, pub0, pub1, fdLimit, loadIdle, loadFanout, out] = process.argv.slice(1);
const idle = JSON.parse(fs.readFileSync(idleFile, "utf8"));
const fanout = JSON.parse(fs.readFileSync(fanoutFile, "utf8"));
const payload = fs.readFileSync(payloadFile, "utf8");
const doc = {
  what: "WebSockets on /ws of krilin serve (release build), driven by bench_ws (bench/ws/): one io_context thread, a coroutine per socket, on the same 2 cores as the server",
  open_file_limit: fdLimit === "unlimited" ? fdLimit : +fdLimit,
  idle: {
    mode: "embedded (SQLite, in-process bus), access log off",
    load_average_before: loadIdle,
    ...idle,
    target_bytes_per_connection: 10240,
    meets_target: idle.bytes_per_connection <= 10240,
  },
};
if (typeof fanout === "string") {
  doc.fanout = fanout;
} else {
  const r0 = +pub0, r1 = +pub1;
  doc.fanout = {
    mode: "scale-out (PostgreSQL store, fsync on, ordinary role under RLS; Redis bus), access log off",
    load_average_before: loadFanout,
    latency_from: "just before the action request (log_completion / undo_completion) to the receipt on each socket, matched by seq",
    ...fanout,
  };
  doc.redis_publish_baseline = {
    tool: "redis-benchmark -n 200000 -P 16 -q PUBLISH bench:channel <payload krilin published on krilin:events>",
    payload_bytes: Buffer.byteLength(payload),
    publishes_per_second_no_subscriber: r0,
    publishes_per_second_one_subscriber: r1,
  };
  const burst = fanout.burst, steady = fanout.steady, light = fanout.light;
  doc.ratios = {
    burst_deliveries_per_second_to_redis_publish: +(burst.deliveries_per_second / r0).toFixed(3),
    burst_deliveries_per_second_to_redis_publish_one_subscriber: +(burst.deliveries_per_second / r1).toFixed(3),
  };
  doc.targets = {
    deliveries_per_second: 100000, p99_ms: 30,
    burst_meets_deliveries: burst.deliveries_per_second >= 100000,
    steady_meets_deliveries: steady.deliveries_per_second >= 100000,
    light_meets_p99: light.latency_ms.p99 < 30,
    steady_meets_p99: steady.latency_ms.p99 < 30,
  };
}
fs.writeFileSync(out, JSON.stringify(doc, null, 2));
console.log(JSON.stringify(doc, null, 2));
' "$tmp/idle.json" "$tmp/fanout.json" "$tmp/payload.json" "$pub0" "$pub1" "$fd_limit" "$load_idle" "$load_fanout" "$out"
