#!/usr/bin/env bash
# Logins per second: POST /api/v1/auth/login through krilin (embedded mode, one account,
# the right password, CLIENTS concurrent clients for SECONDS) vs raw argon2id verifications
# with the same parameters (bench_password_verify): a login costs one verification plus a
# session insert, so the ratio says how much the rest costs.
#   bench/auth.sh KRILIN_BIN VERIFY_BIN OUT_JSON
set -euo pipefail
krilin=$1 verify=$2 out=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
seconds=${BENCH_AUTH_SECONDS:-8}
clients=${BENCH_AUTH_CLIENTS:-8}
port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
KRILIN_ACCESS_LOG=false "$krilin" serve --listen "127.0.0.1:$port" --data-dir "$tmp/data" >/dev/null 2>&1 &
pid=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.1; done
raw=$("$verify" "$seconds")
http=$(node -e '
const [url, seconds, clients] = [process.argv[1], +process.argv[2], +process.argv[3]];
(async () => {
  const email = "bench@example.com", password = "correct horse battery staple";
  await fetch(url + "/api/v1/auth/signup", { method: "POST", headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password, name: "Bench" }) });
  const end = Date.now() + seconds * 1000;
  const lat = []; let ok = 0, bad = 0;
  const start = Date.now();
  await Promise.all(Array.from({ length: clients }, async () => {
    while (Date.now() < end) {
      const t0 = performance.now();
      const r = await fetch(url + "/api/v1/auth/login", { method: "POST", headers: { "content-type": "application/json" },
        body: JSON.stringify({ email, password }) });
      await r.arrayBuffer();
      lat.push(performance.now() - t0);
      r.status === 200 ? ok++ : bad++;
    }
  }));
  const secs = (Date.now() - start) / 1000;
  lat.sort((a, b) => a - b);
  const p = (q) => +lat[Math.min(lat.length - 1, Math.floor(q * lat.length))].toFixed(2);
  console.log(JSON.stringify({ logins_per_second: +(ok / secs).toFixed(1), failed: bad, p50_ms: p(0.5), p99_ms: p(0.99), clients }));
})();
' "http://127.0.0.1:$port" "$seconds" "$clients")
kill -TERM $pid; wait $pid || true
node -e '
const [raw, http, out] = process.argv.slice(1);
const r = JSON.parse(raw), h = JSON.parse(http);
const doc = {
  what: "POST /api/v1/auth/login (right password) through krilin vs raw argon2id verifications, same parameters",
  argon2id: r.hash,
  raw_verify: r,
  krilin_login: h,
  logins_per_second_per_core: +(h.logins_per_second / r.cores).toFixed(1),
  ratio_login_to_raw_verify_all_cores: +(h.logins_per_second / r.verifications_per_second_all_cores).toFixed(3),
};
require("fs").writeFileSync(out, JSON.stringify(doc, null, 2));
console.log(JSON.stringify(doc, null, 2));
' "$raw" "$http" "$out"
