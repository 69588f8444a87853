#!/usr/bin/env bash
# JSON row inserts into PostgreSQL: krilin's Store vs raw pgbench, same row, same table,
# same database, same number of clients, one after the other.
#   bench/store.sh DATABASE_URL OUT_JSON BENCH_STORE_INSERT_BIN
set -euo pipefail
url=$1 out=$2 bin=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
seconds=${BENCH_STORE_SECONDS:-10}
clients=${BENCH_STORE_CLIENTS:-8}
pgbin=$(ls -d /usr/lib/postgresql/15/bin)

psql -q "$url" -c "DROP TABLE IF EXISTS bench_store" \
  -c "CREATE TABLE bench_store (id TEXT PRIMARY KEY, user_id TEXT NOT NULL, data JSONB NOT NULL, created_at BIGINT NOT NULL)"

cat >"$tmp/insert.sql" <<'SQL'
INSERT INTO bench_store (id, user_id, data, created_at) VALUES (gen_random_uuid()::text, 'bench-user', :row, 1700000000000);
SQL
# The JSON row goes in as a bound parameter (-D), as it does through the store.
row='{"title":"Buy milk","done":false,"priority":2,"tags":["home","errands"]}'
run_pgbench() {
  "$pgbin/pgbench" -n -M prepared -c "$clients" -j 2 -T "$seconds" -D "row=$row" -f "$tmp/insert.sql" "$url" >"$tmp/pgbench.txt" 2>&1
  if ! grep -q '^tps = ' "$tmp/pgbench.txt"; then cat "$tmp/pgbench.txt" >&2; exit 1; fi
  awk '/^tps = / {print int($3)}' "$tmp/pgbench.txt"
  awk '/latency average/ {print $4}' "$tmp/pgbench.txt" >"$tmp/pgbench_lat.txt"
}
pg_tps=$(run_pgbench)
pg_lat=$(cat "$tmp/pgbench_lat.txt")
single=$("$bin" "$url" "$seconds" "$clients" 1)
batched=$("$bin" "$url" "$seconds" "$clients" 50)
rows=$(psql -qtA "$url" -c "SELECT count(*) FROM bench_store")

node -e '
const [pgTps, pgLat, single, batched, clients, seconds, rows, out] = process.argv.slice(1);
const s = JSON.parse(single), b = JSON.parse(batched);
const doc = {
  what: "INSERT of one JSON row (jsonb) per statement into the same table",
  clients: +clients, seconds: +seconds, postgresql_fsync: "on", rows_in_table_after: +rows,
  pgbench: { tool: `pgbench -n -M prepared -c ${clients} -j 2 -T ${seconds}, the row bound with -D`, rows_per_second: +pgTps, latency_avg_ms: +pgLat },
  krilin_store_single: s,
  krilin_store_batch50_pipelined: b,
  ratio_single_to_pgbench: +(s.rows_per_second / pgTps).toFixed(3),
  ratio_batched_to_pgbench: +(b.rows_per_second / pgTps).toFixed(3),
  target_ratio: 0.6,
};
require("fs").writeFileSync(out, JSON.stringify(doc, null, 2));
console.log(JSON.stringify(doc, null, 2));
' "$pg_tps" "$pg_lat" "$single" "$batched" "$clients" "$seconds" "$rows" "$out"
