#!/usr/bin/env bash
# Authenticated app calls over HTTP, on SQLite and on PostgreSQL:
#   POST /api/v1/apps/habit-tracker/action  log_completion (idempotent per day: read-mostly)
#   POST /api/v1/apps/habit-tracker/action  create_habit   (one insert per call)
#   POST /api/v1/apps/habit-tracker/query   20 of the caller's 200 unarchived habits
# each with a Bearer access token, wrk -t2 -c32 --latency (a Lua script sets the method,
# body and headers once; no per-request Lua), against baselines measured in the same run:
#   - GET /health on the bare Beast server (bench/http/bare_server.cpp), this machine's
#     HTTP ceiling, in interleaved rounds as bench/http.sh does;
#   - on PostgreSQL, raw pgbench of a single-row SELECT by id and a single-row INSERT of the
#     same habit row into the same table of the same database, as the same role under the
#     same row-level security, 8 clients (krilin's default database pool size), in the same
#     rounds.
#   bench/apps.sh KRILIN_BIN BARE_BIN DATABASE_URL OUT_JSON
# DATABASE_URL is a superuser's URL of any database on the PostgreSQL server (bench/run
# passes $KRILIN_TEST_DATABASE_URL). Krilin connects as docs/apps.md asks for production: as
# a fresh ordinary role (NOSUPERUSER NOBYPASSRLS) owning a fresh database, both dropped at
# the end. An empty DATABASE_URL measures SQLite only. Any non-2xx answer, or connect, read
# or write error, fails the run; wrk's timeouts (no answer within its 2 s) are counted in
# the results as wrk_timeouts, over all rounds: on this shared machine a build next door can
# stall one request.
set -euo pipefail
krilin=$1 bare=$2 pg_url=$3 out=$4
tmp=$(mktemp -d)
seconds=${BENCH_APPS_SECONDS:-6}
rounds=${BENCH_APPS_ROUNDS:-3}
pg_clients=${BENCH_APPS_PGBENCH_CLIENTS:-8}
seed=200
pgbin=/usr/lib/postgresql/15/bin

krilin_pid="" bare_pid="" bench_db=""
cleanup() {
  [ -n "$krilin_pid" ] && { kill -TERM "$krilin_pid" 2>/dev/null; wait "$krilin_pid" 2>/dev/null || true; }
  [ -n "$bare_pid" ] && { kill -TERM "$bare_pid" 2>/dev/null; wait "$bare_pid" 2>/dev/null || true; }
  if [ -n "$bench_db" ]; then
    psql -q "$pg_url" -c "DROP DATABASE IF EXISTS $bench_db" -c "DROP ROLE IF EXISTS $bench_db" >/dev/null 2>&1 || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT

free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
wait_up() { for _ in $(seq 100); do curl -sf "$1" >/dev/null && return 0; sleep 0.1; done; echo "server at $1 did not start" >&2; return 1; }
to_ms() { awk -v v="$1" 'BEGIN { if (v ~ /us$/) print substr(v,1,length(v)-2)/1000; else if (v ~ /ms$/) print substr(v,1,length(v)-2)+0; else if (v ~ /s$/) print substr(v,1,length(v)-1)*1000; else print v }'; }
better() { awk -v a="${1%% *}" -v b="${2%% *}" 'BEGIN { exit !(a > b) }' && echo "$1" || echo "$2"; }

# The POST bodies and headers come from the environment, read once per wrk thread.
cat >"$tmp/post.lua" <<'LUA'
wrk.method = "POST"
wrk.body = os.getenv("BENCH_BODY")
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN")
LUA

# wrk URL [TOKEN BODY] → "rps p50_ms p99_ms timeouts"; fails on any non-2xx answer or on
# connect, read or write errors.
measure() {
  local url=$1 token=${2:-} body=${3:-}
  if [ -n "$token" ]; then
    BENCH_TOKEN=$token BENCH_BODY=$body wrk -t2 -c32 -d"${seconds}s" --latency -s "$tmp/post.lua" "$url" >"$tmp/wrk.txt" 2>&1 || true
  else
    wrk -t2 -c32 -d"${seconds}s" --latency "$url" >"$tmp/wrk.txt" 2>&1 || true
  fi
  # "Socket errors: connect 0, read 0, write 0, timeout 0" (printed only when one is not 0)
  local socket timeouts
  socket=$(awk '/Socket errors:/ { gsub(",", ""); print $4 + $6 + $8 }' "$tmp/wrk.txt")
  timeouts=$(awk '/Socket errors:/ { print $10 + 0 }' "$tmp/wrk.txt")
  if grep -q 'Non-2xx' "$tmp/wrk.txt" || [ "${socket:-0}" != 0 ] || ! grep -q '^Requests/sec:' "$tmp/wrk.txt"; then
    echo "apps.sh: errors from $url ${body:+with $body}:" >&2
    cat "$tmp/wrk.txt" >&2
    return 1
  fi
  [ "${timeouts:-0}" = 0 ] || echo "apps.sh: warning: $timeouts wrk timeouts from $url ${body:+with $body}" >&2
  local rps p50 p99
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$tmp/wrk.txt")
  p50=$(awk '$1=="50%" {print $2}' "$tmp/wrk.txt")
  p99=$(awk '$1=="99%" {print $2}' "$tmp/wrk.txt")
  echo "$rps $(to_ms "$p50") $(to_ms "$p99") ${timeouts:-0}"
}

# One call with curl, to fail early and legibly when a request is wrong (wrk only counts).
check_call() {  # URL TOKEN BODY
  local code
  code=$(curl -s -o "$tmp/check.json" -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
    -H "Authorization: Bearer $2" --data "$3" "$1")
  if [ "${code:0:1}" != 2 ]; then
    echo "apps.sh: $1 with $3 answered $code: $(head -c 500 "$tmp/check.json")" >&2
    return 1
  fi
}

# Two accounts: a reader with $seed habits (log_completion and query), and a writer for
# create_habit, so that the rows it adds never grow the reader's query.
cat >"$tmp/client.mjs" <<'JS'
const [mode, base, seed] = process.argv.slice(2);
const password = "bench horse battery 42";
const call = async (path, body, token) => {
  const headers = { "content-type": "application/json" };
  if (token) headers.authorization = `Bearer ${token}`;
  const r = await fetch(base + path, { method: "POST", headers, body: JSON.stringify(body) });
  const text = await r.text();
  if (!r.ok) throw new Error(`${path} answered ${r.status}: ${text.slice(0, 500)}`);
  return JSON.parse(text);
};
const login = async (email) => (await call("/api/v1/auth/login", { email, password })).access_token;
if (mode === "setup") {
  const out = {};
  for (const who of ["reader", "writer"]) {
    const email = `bench-${who}@example.com`;
    const token = (await call("/api/v1/auth/signup", { email, password, name: `Bench ${who}` })).access_token;
    await call("/api/v1/apps/habit-tracker/install", {}, token);
    const user_id = JSON.parse(Buffer.from(token.split(".")[1], "base64url")).sub;
    out[who] = { email, token, user_id };
  }
  const ids = [];
  const create = (i) => call("/api/v1/apps/habit-tracker/action",
    { action: "create_habit", params: { name: `Habit ${i}` } }, out.reader.token);
  for (let i = 0; i < +seed; i += 8) {
    const batch = await Promise.all(Array.from({ length: Math.min(8, +seed - i) }, (_, j) => create(i + j)));
    for (const b of batch) ids.push(b.data.id);
  }
  out.habit_id = ids[0];
  console.log(JSON.stringify(out));
} else if (mode === "login") {
  console.log(await login(seed));
}
JS

run_backend() {  # NAME DATABASE_URL ADMIN_URL (both empty for SQLite) OUT_JSON
  local name=$1 db=$2 admin=$3 result=$4 port base
  port=$(free_port)
  base="http://127.0.0.1:$port"
  local dbenv=(-u KRILIN_DATABASE_URL)  # SQLite in the data directory unless a database is given
  [ -n "$db" ] && dbenv=("KRILIN_DATABASE_URL=$db")
  env "${dbenv[@]}" KRILIN_ACCESS_LOG=false "$krilin" serve --listen "127.0.0.1:$port" \
    --data-dir "$tmp/data-$name" >"$tmp/krilin-$name.out" 2>"$tmp/krilin-$name.err" &
  krilin_pid=$!
  wait_up "$base/health" || { cat "$tmp/krilin-$name.out" "$tmp/krilin-$name.err" >&2; return 1; }

  local setup reader writer habit reader_email writer_email reader_id writer_id token_at
  setup=$(node "$tmp/client.mjs" setup "$base" "$seed")
  field() { node -e 'console.log(process.argv[2].split(".").reduce((o, k) => o[k], JSON.parse(process.argv[1])))' "$setup" "$1"; }
  reader=$(field reader.token) reader_email=$(field reader.email) reader_id=$(field reader.user_id)
  writer=$(field writer.token) writer_email=$(field writer.email) writer_id=$(field writer.user_id)
  habit=$(field habit_id)
  token_at=$(date +%s)

  local action="$base/api/v1/apps/habit-tracker/action" query="$base/api/v1/apps/habit-tracker/query"
  local log_body="{\"action\":\"log_completion\",\"params\":{\"habit_id\":\"$habit\"}}"
  local create_body='{"action":"create_habit","params":{"name":"bench"}}'
  local query_body='{"table":"habits","where":{"archived":false},"limit":20}'
  check_call "$action" "$reader" "$log_body"
  check_call "$query" "$reader" "$query_body"
  node -e 'const d=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")); if (d.items.length !== 20) { console.error("query gave", d.items.length, "items"); process.exit(1) }' "$tmp/check.json"
  check_call "$action" "$writer" "$create_body"

  # pgbench, as krilin's role with the policy's krilin.user_id set for the session
  # (PGOPTIONS): the reader's habit read by id and owner as Records::find does, and the
  # habit row inserted as Records::insert does, as the writer (whose habits nobody reads).
  # Values go in through -D (pgbench takes any :word in the script for a variable).
  if [ -n "$db" ]; then
    cat >"$tmp/select.sql" <<'SQL'
SELECT id, data, version, created_at, updated_at FROM app_habit_tracker_habits WHERE id = :id AND user_id = :uid AND deleted_at IS NULL;
SQL
    cat >"$tmp/insert.sql" <<'SQL'
INSERT INTO app_habit_tracker_habits (id, user_id, data, version, created_at, updated_at) VALUES (gen_random_uuid()::text, :uid, :row, 1, 1700000000000, 1700000000000);
SQL
  fi
  pgbench_run() {  # SCRIPT USER_ID → "tps latency_avg_ms"
    PGOPTIONS="-c krilin.user_id=$2" \
    "$pgbin/pgbench" -n -M prepared -c "$pg_clients" -j 2 -T "$seconds" -D "id=$habit" -D "uid=$2" \
      -D 'row={"name":"bench","schedule":{"kind":"daily"},"target":1,"active":true,"archived":false}' \
      -f "$1" "$db" >"$tmp/pgbench.txt" 2>&1 || true
    if ! grep -q '^tps = ' "$tmp/pgbench.txt" || grep -q 'number of failed transactions: [1-9]' "$tmp/pgbench.txt"; then
      cat "$tmp/pgbench.txt" >&2; return 1
    fi
    echo "$(awk '/^tps = / {print $3}' "$tmp/pgbench.txt") $(awk '/latency average/ {print $4}' "$tmp/pgbench.txt")"
  }

  local b="0 0 0" l="0 0 0" c="0 0 0" q="0 0 0" ps="0 0" pi="0 0" r seen tb=0 tl=0 tq=0 tc=0
  for round in $(seq "$rounds"); do
    if [ $(( $(date +%s) - token_at )) -gt 600 ]; then  # access tokens live 15 minutes
      reader=$(node "$tmp/client.mjs" login "$base" "$reader_email")
      writer=$(node "$tmp/client.mjs" login "$base" "$writer_email")
      token_at=$(date +%s)
    fi
    # The bare server runs alone on its port while krilin sits idle.
    local bport; bport=$(free_port)
    "$bare" "$bport" >/dev/null &
    bare_pid=$!
    wait_up "http://127.0.0.1:$bport/health"
    r=$(measure "http://127.0.0.1:$bport/health"); b=$(better "$r" "$b"); tb=$((tb + ${r##* })); seen="bare $r"
    kill -TERM "$bare_pid"; wait "$bare_pid" || true; bare_pid=""

    r=$(measure "$action" "$reader" "$log_body"); l=$(better "$r" "$l"); tl=$((tl + ${r##* })); seen+=" | log_completion $r"
    r=$(measure "$query" "$reader" "$query_body"); q=$(better "$r" "$q"); tq=$((tq + ${r##* })); seen+=" | query $r"
    r=$(measure "$action" "$writer" "$create_body"); c=$(better "$r" "$c"); tc=$((tc + ${r##* })); seen+=" | create_habit $r"
    if [ -n "$db" ]; then
      r=$(pgbench_run "$tmp/select.sql" "$reader_id"); ps=$(better "$r" "$ps"); seen+=" | pgbench select $r"
      r=$(pgbench_run "$tmp/insert.sql" "$writer_id"); pi=$(better "$r" "$pi"); seen+=" | pgbench insert $r"
    fi
    echo "apps.sh: $name round $round (req/s p50_ms p99_ms wrk_timeouts): $seen" >&2
  done
  local logs habits
  if [ -n "$db" ]; then
    # The superuser sees past row-level security.
    logs=$(psql -qtA "$admin" -c "SELECT count(*) FROM app_habit_tracker_habit_logs")
    habits=$(psql -qtA "$admin" -c "SELECT count(*) FROM app_habit_tracker_habits WHERE user_id = '$reader_id'")
  else
    logs=-1 habits=-1
  fi
  kill -TERM "$krilin_pid"; wait "$krilin_pid" || true; krilin_pid=""

  node -e '
const [name, b, l, q, c, ps, pi, pgClients, logs, habits, out] = process.argv.slice(1);
const nums = (s) => s.split(" ").map(Number);
const timeouts = Object.fromEntries(process.argv.slice(12).map((kv) => kv.split("=")).map(([k, v]) => [k, +v]));
const row = (s, key) => { const [rps, p50, p99] = nums(s); return { requests_per_second: rps, p50_ms: p50, p99_ms: p99, wrk_timeouts: timeouts[key] }; };
const bare = nums(b)[0];
const doc = { bare_beast_health: row(b, "bare") };
const pg = name === "postgres";
const add = (key, s, what, pgb) => {
  doc[key] = { what, ...row(s, key), ratio_to_bare: +(nums(s)[0] / bare).toFixed(3) };
  if (pg) doc[key][`ratio_to_pgbench_${pgb}`] = +(nums(s)[0] / nums(pgb === "select" ? ps : pi)[0]).toFixed(3);
};
add("log_completion", l, "action log_completion on one habit, already logged today (read-mostly)", "select");
add("query", q, "query habits where archived = false, limit 20, of 200", "select");
add("create_habit", c, "action create_habit (one insert)", "insert");
if (pg) {
  const pgrow = (s) => { const [tps, lat] = nums(s); return { transactions_per_second: +tps.toFixed(1), latency_avg_ms: lat }; };
  doc.pgbench_select_by_id = { tool: `pgbench -n -M prepared -c ${pgClients} -j 2`, ...pgrow(ps) };
  doc.pgbench_insert = { tool: `pgbench -n -M prepared -c ${pgClients} -j 2`, ...pgrow(pi) };
  doc.rows_after = { habit_logs: +logs, habits_of_the_reader: +habits };
  doc.postgresql_role = "ordinary (NOSUPERUSER NOBYPASSRLS), owner of the database; pgbench as the same role with krilin.user_id set";
}
require("fs").writeFileSync(out, JSON.stringify(doc, null, 2));
' "$name" "$b" "$l" "$q" "$c" "$ps" "$pi" "$pg_clients" "$logs" "$habits" "$result" \
    "bare=$tb" "log_completion=$tl" "query=$tq" "create_habit=$tc"
}

run_backend sqlite "" "" "$tmp/sqlite.json"
if [ -n "$pg_url" ]; then
  bench_db="krilin_bench_apps_$$"
  psql -q "$pg_url" -c "CREATE ROLE $bench_db LOGIN NOSUPERUSER NOBYPASSRLS" -c "CREATE DATABASE $bench_db OWNER $bench_db"
  url_of() {  # USER|"" DATABASE → the URL of $pg_url with that user and database
    node -e 'const u = new URL(process.argv[1]); if (process.argv[2]) { u.username = process.argv[2]; u.password = ""; }
      u.pathname = "/" + process.argv[3]; console.log(u.toString())' "$pg_url" "$1" "$2"
  }
  run_backend postgres "$(url_of "$bench_db" "$bench_db")" "$(url_of "" "$bench_db")" "$tmp/postgres.json"
else
  echo '"skipped: no DATABASE_URL"' >"$tmp/postgres.json"
fi

node -e '
const fs = require("fs");
const [sqlite, postgres, seconds, rounds, seed, out] = process.argv.slice(1);
const doc = {
  tool: `wrk -t2 -c32 -d${seconds}s --latency (POST body and headers from a Lua script), best of ${rounds} interleaved rounds`,
  auth: "Authorization: Bearer <access token>; access log off; SQLite synchronous=FULL, PostgreSQL fsync=on",
  seeded_habits: +seed,
  sqlite: JSON.parse(fs.readFileSync(sqlite, "utf8")),
  postgres: JSON.parse(fs.readFileSync(postgres, "utf8")),
};
fs.writeFileSync(out, JSON.stringify(doc, null, 2));
console.log(JSON.stringify(doc, null, 2));
' "$tmp/sqlite.json" "$tmp/postgres.json" "$seconds" "$rounds" "$seed" "$out"
