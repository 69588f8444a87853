#!/usr/bin/env bash
# Measures what the build costs on this machine, without ccache: a cold build of every
# default target (the test command's build), and one-file rebuilds of the krilin binary
# after touching the heaviest translation unit (src/http/server.cpp: Beast) and a light
# one (src/store/query.cpp). Writes bench/results/build-times.json.
# Targets (issue 2): cold ≤ 600 s, one-file rebuild ≤ 30 s.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
export CCACHE_DISABLE=1
cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKRILIN_WERROR=ON >/dev/null
secs() { local t0 t1; t0=$(date +%s.%N); "$@" >/dev/null; t1=$(date +%s.%N); awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }'; }
cold=$(secs ninja -C "$dir")
touch src/http/server.cpp
heavy=$(secs ninja -C "$dir" krilin)
touch src/store/query.cpp
light=$(secs ninja -C "$dir" krilin)
mkdir -p bench/results
node -e '
const os = require("os"); const [cold, heavy, light] = process.argv.slice(1).map(Number);
const doc = { date: new Date().toISOString(), ccache: "disabled",
  machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, memory_gib: Math.round(os.totalmem() / 2**30) },
  cold_build_all_targets_seconds: cold,
  rebuild_after_touching_src_http_server_cpp_seconds: heavy,
  rebuild_after_touching_src_store_query_cpp_seconds: light,
  targets: { cold_seconds_max: 600, one_file_rebuild_seconds_max: 30 } };
require("fs").writeFileSync("bench/results/build-times.json", JSON.stringify(doc, null, 2) + "\n");
console.log(JSON.stringify(doc, null, 2));
' "$cold" "$heavy" "$light"
