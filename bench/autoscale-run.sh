#!/usr/bin/env bash
# A real autoscaling run on loopback, bounded in time: starts `cluster --min 1 --max 4` with emulated
# capacity, runs `hexproperty loadtest` (step or spike profile) against its gateway, samples
# GET /admin/cluster every second, stops everything, and joins the two (AutoscaleTimeline): SLO breach,
# scale-out decision and first new worker serving, scale-in, failed requests by phase, and a PNG of
# workers, offered rate and p99 over time.
#
#   bench/autoscale-run.sh step     # PROFILE: step (default) or spike
#
# Settings (environment, defaults in brackets): PORT [18210] (admin = PORT+1), CAPACITY [30] rps per worker,
# RATE [15] rps typical, FACTOR [4], DURATION [300s], STABILIZATION [60s], POLICY [predictive],
# SLO_MS [250], WARM_POOL [1] standby workers (--warm-pool; 0: every scale-out starts a JVM; with a pool, the load
# starts once a standby is warm), TIMEOUT [60s] gateway and loadtest request timeout, TAIL [45] s of sampling after the load, MIX [listing=60,search=25,map=15: reads only, so the
# per-client inquiry limits (429) do not count as autoscaling failures], OUT [var/autoscale-run/<profile>-<time>].
# Everything lives under OUT; the cluster log is OUT/cluster.log.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PROFILE="${1:-step}"
PORT="${PORT:-18210}"
ADMIN_PORT=$((PORT + 1))
CAPACITY="${CAPACITY:-30}"
RATE="${RATE:-15}"
FACTOR="${FACTOR:-4}"
DURATION="${DURATION:-300s}"
STABILIZATION="${STABILIZATION:-60s}"
POLICY="${POLICY:-predictive}"
WARM_POOL="${WARM_POOL:-1}"
SLO_MS="${SLO_MS:-250}"
TAIL="${TAIL:-45}"
MIX="${MIX:-listing=60,search=25,map=15}"
# the gateway's request timeout and the loadtest's: above the workers' emulated queue (at most 30 s, then 503),
# so a queued request is slow, not failed, and a queueing worker is not ejected as if it had timed out
TIMEOUT="${TIMEOUT:-60s}"
OUT="${OUT:-var/autoscale-run/$PROFILE-$(date -u +%Y%m%dT%H%M%SZ)}"
TOKEN="autoscale-run-$RANDOM$RANDOM"
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"

./hexproperty --help >/dev/null # builds when the sources changed, before anything is timed
JAVA="${JAVA_HOME:-/nonexistent}/bin/java"
[ -x "$JAVA" ] || JAVA="$(ls -d /usr/lib/jvm/*/bin/java 2>/dev/null | sort -rV | head -n1)"
JAR="$ROOT/app/target/hexproperty-app.jar"
LIB="$ROOT/app/target/lib"

CLUSTER_PID=""
SAMPLER_PID=""
LOAD_PID=""
stop_all() {
  [ -n "$LOAD_PID" ] && kill "$LOAD_PID" 2>/dev/null || true
  [ -n "$SAMPLER_PID" ] && kill "$SAMPLER_PID" 2>/dev/null || true
  if [ -n "$CLUSTER_PID" ] && kill -0 "$CLUSTER_PID" 2>/dev/null; then
    kill -TERM "$CLUSTER_PID" 2>/dev/null || true # drains the gateway, stops workers and PostgreSQL
    for _ in $(seq 1 60); do kill -0 "$CLUSTER_PID" 2>/dev/null || break; sleep 1; done
    kill -KILL "$CLUSTER_PID" 2>/dev/null || true
  fi
}
trap stop_all EXIT

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)" | tee "$OUT/loadavg.txt"
echo "settings: profile $PROFILE rate $RATE factor $FACTOR duration $DURATION capacity $CAPACITY stabilization $STABILIZATION policy $POLICY warm pool $WARM_POOL mix $MIX timeout $TIMEOUT" | tee "$OUT/settings.txt"
HEXPROPERTY_ADMIN_TOKEN="$TOKEN" ./hexproperty cluster --port "$PORT" --host 127.0.0.1 --admin-port "$ADMIN_PORT" \
    --min 1 --max 4 --workers 1 --warm-pool "$WARM_POOL" --capacity-rps "$CAPACITY" --scaling-policy "$POLICY" \
    --scale-down-stabilization "$STABILIZATION" --listings 2000 --request-timeout "$TIMEOUT" \
    --state-dir "$OUT/cluster" --data-dir "$OUT/pg" >"$OUT/cluster.log" 2>&1 &
CLUSTER_PID=$!
echo "cluster pid $CLUSTER_PID, log $OUT/cluster.log"
for i in $(seq 1 300); do
  grep -q 'autoscaler on' "$OUT/cluster.log" && break
  kill -0 "$CLUSTER_PID" 2>/dev/null || { echo "cluster exited; see $OUT/cluster.log"; exit 1; }
  [ "$i" = 300 ] && { echo "cluster not ready in 300 s; see $OUT/cluster.log"; exit 1; }
  sleep 1
done

if [ "$WARM_POOL" != 0 ]; then
  # a warm pool is warmed ahead of need: the load comes once a standby is warm (bounded, like the start above)
  for i in $(seq 1 300); do
    curl -s -m 2 -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$ADMIN_PORT/admin/cluster" | tr -d ' \n' | grep -q '"warm":\["' && break
    kill -0 "$CLUSTER_PID" 2>/dev/null || { echo "cluster exited; see $OUT/cluster.log"; exit 1; }
    [ "$i" = 300 ] && { echo "no warm standby in 300 s; see $OUT/cluster.log"; exit 1; }
    sleep 1
  done
  echo "warm pool ready: $(grep -m1 'standby on' "$OUT/cluster.log")"
fi

# one line per second: <epoch ms> <GET /admin/cluster on one line> (empty when the admin port did not answer)
(
  while true; do
    now=$(date +%s%3N)
    body=$(curl -s -m 2 -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$ADMIN_PORT/admin/cluster" | tr -d '\n' || true)
    echo "$now $body"
    sleep 1
  done
) >"$OUT/samples.txt" &
SAMPLER_PID=$!

sleep 5 # a few samples of the idle cluster
seconds=$(echo "$DURATION" | sed 's/s$//')
# bounded: the run's duration plus the loadtest's drain (its timeout) and report, plus slack
timeout --signal=INT --kill-after=30 "$((seconds + 150))" \
  ./hexproperty loadtest --profile "$PROFILE" --rate "$RATE" --spike-factor "$FACTOR" --duration "$DURATION" \
    --mix "$MIX" --timeout "$TIMEOUT" --connections 1000 --target "http://127.0.0.1:$PORT" --out "$OUT/loadtest" >"$OUT/loadtest.log" 2>&1 &
LOAD_PID=$!
wait "$LOAD_PID" || echo "loadtest exited with $?"
LOAD_PID=""
echo "load average after the load: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/loadavg.txt"
sleep "$TAIL" # the scale-in may come after the load ends
kill "$SAMPLER_PID" 2>/dev/null || true
SAMPLER_PID=""
stop_all
CLUSTER_PID=""

"$JAVA" -Djava.awt.headless=true -cp "$JAR:$LIB/*" io.hexproperty.loadtest.report.AutoscaleTimeline \
    "$OUT/samples.txt" "$OUT/loadtest" --slo-ms "$SLO_MS" --png "$OUT/autoscale-$PROFILE.png" | tee "$OUT/timeline.md"
grep -E 'autoscaler|added in|drained|ready on|removed|warm pool|standby|admitted' "$OUT/cluster.log" >"$OUT/decisions.log" || true
echo "results in $OUT"
