#!/usr/bin/env bash
# Balancer benchmarks, side by side in one run, on this machine over loopback:
#   1. overhead: a cached listing GET direct to one worker, through the gateway, through HAProxy (same 3 workers)
#   2. one slow worker (+50 ms injected on 1 of 3): its traffic share and p99 per algorithm, and HAProxy roundrobin/leastconn
#   3. kill -9 and kill -STOP of a worker under wrk load: failed requests, time to take it out, time to rejoin
# Usage: bench/balancer.sh [--duration 15] [--warmup 3] [--threads 2] [--connections 32] [--port-base 20200] [--no-record]
# Writes docs/benchmarks/balancer-run.md (copy the tables into balancer.md) (unless --no-record). Needs wrk and haproxy (Debian packages).
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

DURATION=15; WARMUP=10; THREADS=2; CONNECTIONS=32; RECORD=1; PORT_BASE=20200
while [ $# -gt 0 ]; do
  case "$1" in
    --port-base) PORT_BASE="$2"; shift 2 ;;
    *) common_option "$@"; shift "$SHIFT" ;;
  esac
done
ensure_tools wrk wrk haproxy haproxy
bench_tmp
trap bench_cleanup EXIT
cd "$BENCH_ROOT"

STATE="var/bench-balancer"
TOKEN="bench-balancer-admin-token-0001"
GW=$PORT_BASE; GW_ADMIN=$((PORT_BASE + 1))
SHIM=$((PORT_BASE + 10)); SHIM_ADMIN=$((PORT_BASE + 11))
SLOWGW=$((PORT_BASE + 20)); SLOWGW_ADMIN=$((PORT_BASE + 21))
HAP=$((PORT_BASE + 30)); HAP_SLOW=$((PORT_BASE + 31))
mkdir -p "$STATE"

admin() { # port method path
  curl -sf -X "$2" -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$1$3"
}
worker_field() { # admin-port worker-id field
  admin "$1" GET /admin/cluster | python3 -c "import json,sys; d=json.load(sys.stdin); print(next(w['$3'] for w in d['workers'] if w['id']=='$2'))"
}

log "starting the cluster: 3 workers, embedded PostgreSQL under $STATE"
./hexproperty cluster --workers 3 --port "$GW" --admin-port "$GW_ADMIN" --host 127.0.0.1 --listings 20000 \
  --data-dir "$STATE/pg" --state-dir "$STATE/cluster" --admin-token "$TOKEN" --balancer round-robin --slow-start 0s \
  >"$BENCH_TMP/cluster.log" 2>&1 &
BENCH_PIDS+=($!)
for _ in $(seq 1 600); do
  grep -q 'cluster ready' "$BENCH_TMP/cluster.log" && break
  kill -0 "${BENCH_PIDS[0]}" 2>/dev/null || { cat "$BENCH_TMP/cluster.log" >&2; die "cluster exited"; }
  sleep 0.5
done
grep -q 'cluster ready' "$BENCH_TMP/cluster.log" || die "cluster not ready in 300 s"
read -r W1 W2 W3 A1 A2 A3 < <(python3 -c "
import json; w=json.load(open('$STATE/cluster/cluster.json'))['workers']
print(' '.join(str(x['port']) for x in w), ' '.join(str(x['agentPort']) for x in w))")
KEY="$(curl -sf "http://127.0.0.1:$GW/api/v1/listings?state=TX&limit=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["ListingKey"])')"
PATH_="/api/v1/listings/$KEY"
log "workers on $W1 $W2 $W3; benchmark path $PATH_"

# --- 1. overhead ---------------------------------------------------------------------------------------
./hexproperty cluster export haproxy --state-dir "$STATE/cluster" --balancer round-robin --front-port "$HAP" -o "$BENCH_TMP/haproxy.cfg"
haproxy -db -f "$BENCH_TMP/haproxy.cfg" >"$BENCH_TMP/haproxy.log" 2>&1 &
BENCH_PIDS+=($!)
sleep 3
run_wrk direct "http://127.0.0.1:$W1$PATH_"; D_RPS=$WRK_RPS; D_P99=$WRK_P99; D_ERR=$WRK_ERR
run_wrk gateway "http://127.0.0.1:$GW$PATH_"; G_RPS=$WRK_RPS; G_P99=$WRK_P99; G_ERR=$WRK_ERR
run_wrk haproxy "http://127.0.0.1:$HAP$PATH_"; H_RPS=$WRK_RPS; H_P99=$WRK_P99; H_ERR=$WRK_ERR
kill -TERM "${BENCH_PIDS[1]}"; wait "${BENCH_PIDS[1]}" 2>/dev/null || true

# --- 2. one slow worker ---------------------------------------------------------------------------------
log "slow worker: a gateway injecting 50 ms in front of worker 3, then a gateway over worker 1, 2 and that"
./hexproperty gateway --port "$SHIM" --admin-port "$SHIM_ADMIN" --host 127.0.0.1 --admin-token "$TOKEN" \
  --origin "http://127.0.0.1:$W3" --inject-latency 50ms --balancer round-robin --slow-start 0s >"$BENCH_TMP/shim.log" 2>&1 &
BENCH_PIDS+=($!)
./hexproperty gateway --port "$SLOWGW" --admin-port "$SLOWGW_ADMIN" --host 127.0.0.1 --admin-token "$TOKEN" \
  --origin "http://127.0.0.1:$W1" --origin "http://127.0.0.1:$W2" --origin "http://127.0.0.1:$SHIM" \
  --agent-port "$A1" --agent-port "$A2" --agent-port "$A3" --balancer round-robin --slow-start 0s >"$BENCH_TMP/slowgw.log" 2>&1 &
BENCH_PIDS+=($!)
for _ in $(seq 1 600); do curl -sf "http://127.0.0.1:$SLOWGW$PATH_" >/dev/null 2>&1 && break; sleep 0.5; done
SLOW_ROWS=""
for algo in round-robin weighted least-connections resource geographic dynamic hash; do
  admin "$SLOWGW_ADMIN" PUT "/admin/cluster/balancer?name=$algo" >/dev/null
  before="$(worker_field "$SLOWGW_ADMIN" origin-3 requests)"; total_before="$(admin "$SLOWGW_ADMIN" GET /admin/cluster | python3 -c 'import json,sys; print(json.load(sys.stdin)["gateway"]["requests"])')"
  run_wrk "slow-$algo" "http://127.0.0.1:$SLOWGW$PATH_"
  after="$(worker_field "$SLOWGW_ADMIN" origin-3 requests)"; total_after="$(admin "$SLOWGW_ADMIN" GET /admin/cluster | python3 -c 'import json,sys; print(json.load(sys.stdin)["gateway"]["requests"])')"
  share="$(awk -v a=$((after - before)) -v t=$((total_after - total_before)) 'BEGIN { printf "%.1f%%", 100 * a / t }')"
  SLOW_ROWS+="| gateway $algo | $WRK_RPS | $WRK_P99 | $share | $WRK_ERR |"$'\n'
done
for algo in round-robin least-connections; do
  ./hexproperty cluster export haproxy --balancer "$algo" --front-port "$HAP_SLOW" \
    --origin "http://127.0.0.1:$W1" --origin "http://127.0.0.1:$W2" --origin "http://127.0.0.1:$SHIM" -o "$BENCH_TMP/haproxy-slow.cfg"
  sed -i "s|^global$|global\n    stats socket $BENCH_TMP/hap.sock level admin|" "$BENCH_TMP/haproxy-slow.cfg"
  haproxy -db -f "$BENCH_TMP/haproxy-slow.cfg" >"$BENCH_TMP/haproxy-slow.log" 2>&1 &
  hp=$!; BENCH_PIDS+=($hp)
  sleep 3
  run_wrk "haproxy-slow-$algo" "http://127.0.0.1:$HAP_SLOW$PATH_"
  share="$(echo 'show stat' | python3 -c "
import socket,sys
s=socket.socket(socket.AF_UNIX); s.connect('$BENCH_TMP/hap.sock'); s.sendall(b'show stat\n')
data=b''
while True:
    b=s.recv(65536)
    if not b: break
    data+=b
rows=[l.split(',') for l in data.decode().splitlines()]
h=rows[0]; h[0]=h[0].lstrip('# '); i=h.index('stot')
srv={r[1]: int(r[i]) for r in rows[1:] if r and r[0]=='workers' and r[1].startswith('origin-')}
print('%.1f%%' % (100*srv['origin-3']/max(1,sum(srv.values()))))")"
  SLOW_ROWS+="| haproxy $algo | $WRK_RPS | $WRK_P99 | $share | $WRK_ERR |"$'\n'
  kill -TERM "$hp"; wait "$hp" 2>/dev/null || true
done

# --- 3. kill -9 and kill -STOP under load -----------------------------------------------------------------
admin "$GW_ADMIN" PUT "/admin/cluster/balancer?name=dynamic" >/dev/null
state_of() { worker_field "$GW_ADMIN" worker-2 state 2>/dev/null || echo unknown; }
timed_until() { # command... : prints milliseconds until "$@" succeeds (polled every 50 ms, at most 120 s)
  local t0; t0=$(date +%s%N)
  for _ in $(seq 1 2400); do "$@" && { echo $(( ($(date +%s%N) - t0) / 1000000 )); return; }; sleep 0.05; done
  echo "n/a"
}
is_out() { [[ "$(state_of)" =~ ^(down|ejected)$ ]]; }
is_up() { [ "$(state_of)" = "up" ]; }
FAULT_ROWS=""
for sig in KILL STOP; do
  DURATION_SAVED=$DURATION; DURATION=25; WARMUP_SAVED=$WARMUP; WARMUP=0
  run_wrk "fault-$sig" "http://127.0.0.1:$GW$PATH_" &
  wrk_pid=$!
  sleep 5
  pid="$(python3 -c "import json; print(next(w['pid'] for w in json.load(open('$STATE/cluster/cluster.json'))['workers'] if w['id']=='worker-2'))")"
  kill "-$sig" "$pid"
  out_ms="$(timed_until is_out)"
  [ "$sig" = STOP ] && { sleep 3; kill -CONT "$pid"; }
  back_ms="$(timed_until is_up)"
  wait "$wrk_pid"
  errors="$(awk '/Non-2xx or 3xx responses:/ {n=$NF} /Socket errors:/ {gsub(",", ""); s=$4+$6+$8+$10} END {print n+s}' "$BENCH_TMP/wrk-fault-$sig.txt")"
  rps="$(awk '/^Requests\/sec:/ {print $2}' "$BENCH_TMP/wrk-fault-$sig.txt")"
  FAULT_ROWS+="| kill -$sig worker-2 (dynamic) | $rps | $errors | $out_ms | $back_ms |"$'\n'
  DURATION=$DURATION_SAVED; WARMUP=$WARMUP_SAVED
  sleep 5
done

REPORT="$(cat <<MD
## Run of $(date -u +%Y-%m-%dT%H:%MZ)

Command: \`bench/balancer.sh --duration $DURATION --warmup $WARMUP --threads $THREADS --connections $CONNECTIONS\`
(wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s --latency on \`GET $PATH_\`, a cached listing)

$(machine_facts)

### 1. Overhead: direct vs gateway vs HAProxy (3 workers, round-robin)
| path | req/s | p99 ms | errors |
| --- | ---: | ---: | ---: |
| direct to worker 1 | $D_RPS | $D_P99 | $D_ERR |
| gateway (3 workers) | $G_RPS | $G_P99 | $G_ERR |
| HAProxy (3 workers, exported config) | $H_RPS | $H_P99 | $H_ERR |

gateway / HAProxy throughput: $(ratio "$G_RPS" "$H_RPS"); gateway / HAProxy p99: $(ratio "$G_P99" "$H_P99")

### 2. One slow worker (+50 ms injected in front of worker 3)
| balancer | req/s | p99 ms | share of the slow worker | errors |
| --- | ---: | ---: | ---: | ---: |
${SLOW_ROWS}
### 3. Faults under load (wrk 25 s; signal at 5 s)
| fault | req/s | failed requests | ms until taken out | ms until back up |
| --- | ---: | ---: | ---: | ---: |
${FAULT_ROWS}
MD
)"
echo "$REPORT"
if [ "$RECORD" = 1 ]; then
  echo "$REPORT" > docs/benchmarks/balancer-run.md
  log "recorded in docs/benchmarks/balancer-run.md"
fi
