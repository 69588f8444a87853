#!/usr/bin/env bash
# GET /health on krilin vs the bare Beast server, with wrk on loopback.
#   bench/http.sh KRILIN_BIN BARE_BIN OUT_JSON
# Each server runs alone; wrk -t2 -c32 -d10s --latency. Two rounds, each measuring the
# three in turn (bare, krilin, krilin with its JSON access log), so that a noisy moment on
# this shared machine does not fall on one side only; the best of each is kept.
set -euo pipefail
krilin=$1 bare=$2 out=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
duration=${BENCH_HTTP_SECONDS:-10}

free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }

# wrk's summary → "rps p50_ms p99_ms"
measure() {
  local url=$1
  wrk -t2 -c32 -d"${duration}s" --latency "$url" >"$tmp/wrk.txt" 2>&1
  local rps p50 p99
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$tmp/wrk.txt")
  p50=$(awk '$1=="50%" {print $2}' "$tmp/wrk.txt")
  p99=$(awk '$1=="99%" {print $2}' "$tmp/wrk.txt")
  to_ms() { awk -v v="$1" 'BEGIN { if (v ~ /us$/) print substr(v,1,length(v)-2)/1000; else if (v ~ /ms$/) print substr(v,1,length(v)-2)+0; else if (v ~ /s$/) print substr(v,1,length(v)-1)*1000; else print v }'; }
  echo "$rps $(to_ms "$p50") $(to_ms "$p99")"
}
better() { awk -v a="${1%% *}" -v b="${2%% *}" 'BEGIN { exit !(a > b) }' && echo "$1" || echo "$2"; }

wait_up() { for _ in $(seq 100); do curl -sf "$1" >/dev/null && return 0; sleep 0.1; done; echo "server at $1 did not start" >&2; return 1; }

run_krilin() {  # $1: access log true|false
  local port; port=$(free_port)
  KRILIN_ACCESS_LOG=$1 KRILIN_LOG_LEVEL=info "$krilin" serve --listen "127.0.0.1:$port" --data-dir "$tmp/data-$1" \
    >"$tmp/krilin.out" 2>/dev/null &
  local pid=$!
  wait_up "http://127.0.0.1:$port/health"
  measure "http://127.0.0.1:$port/health"
  kill -TERM $pid; wait $pid || true
}

run_bare() {
  local port; port=$(free_port)
  "$bare" "$port" >"$tmp/bare.out" &
  local pid=$!
  wait_up "http://127.0.0.1:$port/health"
  measure "http://127.0.0.1:$port/health"
  kill -TERM $pid; wait $pid || true
}

b="0 0 0" k="0 0 0" l="0 0 0"
for round in 1 2; do
  b=$(better "$(run_bare)" "$b")
  k=$(better "$(run_krilin false)" "$k")
  l=$(better "$(run_krilin true)" "$l")
done
read -r b_rps b_p50 b_p99 <<<"$b"
read -r k_rps k_p50 k_p99 <<<"$k"
read -r l_rps l_p50 l_p99 <<<"$l"

node -e '
const [b, k, l, dur, out] = process.argv.slice(1).map((x, i) => i < 3 ? x.split(" ").map(Number) : x);
const row = ([rps, p50, p99]) => ({ requests_per_second: rps, p50_ms: p50, p99_ms: p99 });
const doc = {
  tool: `wrk -t2 -c32 -d${dur}s --latency, best of 2 interleaved rounds`,
  route: "GET /health",
  bare_beast: row(b),
  krilin: row(k),
  krilin_with_access_log: row(l),
  ratio_krilin_to_bare: +(k[0] / b[0]).toFixed(3),
  ratio_krilin_with_access_log_to_bare: +(l[0] / b[0]).toFixed(3),
  target_ratio: 0.8,
};
require("fs").writeFileSync(out, JSON.stringify(doc, null, 2));
console.log(JSON.stringify(doc, null, 2));
' "$b_rps $b_p50 $b_p99" "$k_rps $k_p50 $k_p99" "$l_rps $l_p50 $l_p99" "$duration" "$out"
