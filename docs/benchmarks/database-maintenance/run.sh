#!/usr/bin/env bash
# p99 cost of VACUUM (ANALYZE) and REINDEX INDEX CONCURRENTLY under load.
# Three runs of the same open-model load against `serve --no-cache` (every request reaches PostgreSQL):
# baseline, with VACUUM (ANALYZE) of the hot partition running back to back, and with REINDEX INDEX
# CONCURRENTLY of the default sort's index, each every PAUSE_MS (0: back to back, the worst case of
# maintenance that never stops; the scheduler runs at most one action a minute).
#   PAUSE_MS=10000 docs/benchmarks/database-maintenance/run.sh [DATA_DIR] [RATE] [SECONDS]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
DATA="${1:-/tmp/hxbench/pg}"; RATE="${2:-200}"; SECS="${3:-60}"; PORT=18090
OUT="${OUT:-/tmp/hxbench/results}"; mkdir -p "$OUT"
HX="$ROOT/hexproperty"
[ -d "$DATA" ] || "$HX" seed --data-dir "$DATA" --listings 100000
"$HX" serve --data-dir "$DATA" --port "$PORT" --no-cache --no-seed --admin-token bench-admin-token-0123456789 \
  > "$OUT/serve.log" 2>&1 &
SERVE=$!
trap 'kill $SERVE 2>/dev/null; wait $SERVE 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$PORT/health/ready" >/dev/null && break; sleep 1; done
PGPORT="$(cat "$DATA/pgdata/postmaster.pid" | sed -n 4p)"
JDBC="jdbc:postgresql://127.0.0.1:$PGPORT/hexproperty"
SQL() { "$JAVA_HOME/bin/java" -Dsqlloop.pause="${PAUSE_MS:-0}" -cp "$ROOT/app/target/lib/*" "$ROOT/docs/benchmarks/database-maintenance/SqlLoop.java" "$JDBC" postgres "$@"; }
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
load() { "$HX" loadtest --profile soak --target "http://127.0.0.1:$PORT" --rate "$RATE" --duration "${SECS}s" \
  --mix listing=60,search=40 --out "$OUT/$1" --no-images > "$OUT/$1.log" 2>&1 || true; }
# 20% of the hot rows updated: dead tuples for the vacuum to clean, as after a day of feed updates.
PAUSE_MS=0 SQL 1 "UPDATE listings SET version = version + 1 WHERE standard_status = 'Active' AND listing_key LIKE '%0'" >/dev/null
SECS_MAIN=$SECS; SECS=20; load warmup; SECS=$SECS_MAIN   # JIT and caches warm before anything is measured
load baseline
PAUSE_MS=0 SQL 1 "UPDATE listings SET version = version + 1 WHERE standard_status = 'Active' AND listing_key LIKE '%1'" >/dev/null
# DISABLE_PAGE_SKIPPING: every pass reads the whole partition, as the first vacuum after a busy day does.
( SQL $((SECS - 5)) "VACUUM (ANALYZE, DISABLE_PAGE_SKIPPING) listings_hot" > "$OUT/vacuum-statements.log" ) &
LOOP=$!; load vacuum; wait $LOOP
IDX=listings_hot_listing_contract_date_listing_key_idx  # the default sort's index: every unfiltered search uses it
( SQL $((SECS - 5)) "REINDEX INDEX CONCURRENTLY $IDX" > "$OUT/reindex-statements.log" ) &
LOOP=$!; load reindex; wait $LOOP
load baseline-after   # the machine is shared: a second baseline shows the noise
for r in baseline vacuum reindex baseline-after; do
  printf '%-15s ' "$r"; jq -r '"p50 \(.latencyMs.p50) ms, p99 \(.latencyMs.p99) ms, p99.9 \(.latencyMs["p99.9"]) ms, achieved \(.requests.achievedRate)/s, error rate \(.requests.errorRate)"' "$OUT/$r/result.json" 2>/dev/null || echo "(no result.json; see $OUT/$r.log)"
done
