#!/usr/bin/env bash
# Balancer benchmarks, side by side in one run, on this machine over loopback:
#   1. overhead: a cached listing GET direct to one worker, through the gateway, through HAProxy (same 3 workers)
#   2. one slow worker (+50 ms injected on 1 of 3): its traffic share and p99 per algorithm, and HAProxy roundrobin/leastconn
#   3. kill -9 and kill -STOP of a worker under wrk load: failed requests, time to take it out, time to rejoin
# Usage: bench/balancer.sh [--duration 15] [--warmup 3] [--threads 2] [--connections 32] [--rounds 5] [--port-base 20200]
#                          [--only overhead,slow,faults] [--no-record]
# Overhead alternates direct / gateway / HAProxy in --rounds rounds (one warm-up each first) and reports the median and
# the spread (min-max) of each, plus the CPU each proxy process spent per 1,000 requests (from /proc; the machine is
# shared, so CPU per request is the steadier comparison).
# Writes docs/benchmarks/balancer-run.md (copy the tables into balancer.md) (unless --no-record). Needs wrk and haproxy (Debian packages).
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

DURATION=15; WARMUP=10; THREADS=2; CONNECTIONS=32; RECORD=1; PORT_BASE=20200; ROUNDS=5; ONLY=all
while [ $# -gt 0 ]; do
  case "$1" in
    --port-base) PORT_BASE="$2"; shift 2 ;;
    --rounds) ROUNDS="$2"; shift 2 ;;
    --only) ONLY="$2"; shift 2 ;;
    *) common_option "$@"; shift "$SHIFT" ;;
  esac
done
ensure_tools wrk wrk haproxy haproxy
wants() { [ "$ONLY" = all ] || [[ ",$ONLY," == *",$1,"* ]]; } # --only takes a comma-separated list
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
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; } # user + system, in clock ticks
HZ="$(getconf CLK_TCK)"
OVERHEAD_ROWS=""; OVERHEAD_SUMMARY=""
if wants overhead; then
./hexproperty cluster export haproxy --state-dir "$STATE/cluster" --balancer round-robin --front-port "$HAP" -o "$BENCH_TMP/haproxy.cfg"
haproxy -db -f "$BENCH_TMP/haproxy.cfg" >"$BENCH_TMP/haproxy.log" 2>&1 &
HAP_PID=$!; BENCH_PIDS+=($HAP_PID)
sleep 3
declare -A URL=([direct]="http://127.0.0.1:$W1$PATH_" [gateway]="http://127.0.0.1:$GW$PATH_" [haproxy]="http://127.0.0.1:$HAP$PATH_")
declare -A PROC=([direct]="" [gateway]="${BENCH_PIDS[0]}" [haproxy]="$HAP_PID")
for t in direct gateway haproxy; do
  log "overhead $t: warm-up ${WARMUP}s"
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" "${URL[$t]}" >/dev/null 2>&1 || true
done
WARMUP_SAVED=$WARMUP; WARMUP=0
: >"$BENCH_TMP/overhead.tsv"
for r in $(seq 1 "$ROUNDS"); do
  for t in direct gateway haproxy; do
    pid="${PROC[$t]}"; c0=0; [ -n "$pid" ] && c0="$(cpu_ticks "$pid")"
    run_wrk "overhead-$t-$r" "${URL[$t]}"
    reqs="$(awk '/requests in/ {print $1}' "$BENCH_TMP/wrk-overhead-$t-$r.txt")"
    cpu="-"; [ -n "$pid" ] && cpu="$(awk -v t=$(( $(cpu_ticks "$pid") - c0 )) -v hz="$HZ" -v n="$reqs" 'BEGIN { printf "%.1f", t * 1000 / hz * 1000 / n }')"
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$r" "$t" "$WRK_RPS" "$WRK_P99" "$WRK_ERR" "$cpu" >>"$BENCH_TMP/overhead.tsv"
  done
done
WARMUP=$WARMUP_SAVED
kill -TERM "$HAP_PID"; wait "$HAP_PID" 2>/dev/null || true
python3 - "$BENCH_TMP/overhead.tsv" "$BENCH_TMP/overhead.md" "$BENCH_TMP/overhead-summary.txt" <<'PY'
import statistics, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
by = {}
for r, t, rps, p99, err, cpu in rows:
    d = by.setdefault(t, {"rps": [], "p99": [], "err": 0, "cpu": []})
    d["rps"].append(float(rps)); d["p99"].append(float(p99)); d["err"] += int(err)
    if cpu != "-": d["cpu"].append(float(cpu))
names = {"direct": "direct to worker 1", "gateway": "gateway (3 workers)", "haproxy": "HAProxy (3 workers, exported config)"}
med = lambda v: statistics.median(v)
out = []
for t in ("direct", "gateway", "haproxy"):
    d = by[t]
    cpu = "%.1f (%.1f-%.1f)" % (med(d["cpu"]), min(d["cpu"]), max(d["cpu"])) if d["cpu"] else "-"
    out.append("| %s | %.0f (%.0f-%.0f) | %.2f (%.2f-%.2f) | %s | %d |" % (names[t], med(d["rps"]), min(d["rps"]), max(d["rps"]),
               med(d["p99"]), min(d["p99"]), max(d["p99"]), cpu, d["err"]))
g, h = by["gateway"], by["haproxy"]
per_round = [a / b for a, b in zip(g["rps"], h["rps"])]
p99_round = [a / b for a, b in zip(g["p99"], h["p99"])]
summary = ("gateway / HAProxy throughput: median %.2f (rounds %.2f-%.2f); p99: median %.2f (rounds %.2f-%.2f)"
           % (med(per_round), min(per_round), max(per_round), med(p99_round), min(p99_round), max(p99_round)))
if g["cpu"] and h["cpu"]:
    summary += "; CPU per request gateway / HAProxy: %.2f" % (med(g["cpu"]) / med(h["cpu"]))
open(sys.argv[2], "w").write("\n".join(out) + "\n")
open(sys.argv[3], "w").write(summary + "\n")
PY
OVERHEAD_ROWS="$(cat "$BENCH_TMP/overhead.md")"; OVERHEAD_SUMMARY="$(cat "$BENCH_TMP/overhead-summary.txt")"
log "$OVERHEAD_SUMMARY"
fi

# --- 2. one slow worker ---------------------------------------------------------------------------------
SLOW_ROWS=""
if wants slow; then
log "slow worker: a gateway injecting 50 ms in front of worker 3, then a gateway over worker 1, 2 and that"
./hexproperty gateway --port "$SHIM" --admin-port "$SHIM_ADMIN" --host 127.0.0.1 --admin-token "$TOKEN" \
  --origin "http://127.0.0.1:$W3" --inject-latency 50ms --balancer round-robin --slow-start 0s >"$BENCH_TMP/shim.log" 2>&1 &
BENCH_PIDS+=($!)
./hexproperty gateway --port "$SLOWGW" --admin-port "$SLOWGW_ADMIN" --host 127.0.0.1 --admin-token "$TOKEN" \
  --origin "http://127.0.0.1:$W1" --origin "http://127.0.0.1:$W2" --origin "http://127.0.0.1:$SHIM" \
  --agent-port "$A1" --agent-port "$A2" --agent-port "$A3" --balancer round-robin --slow-start 0s >"$BENCH_TMP/slowgw.log" 2>&1 &
BENCH_PIDS+=($!)
for _ in $(seq 1 600); do curl -sf "http://127.0.0.1:$SLOWGW$PATH_" >/dev/null 2>&1 && break; sleep 0.5; done
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
fi

# --- 3. kill -9 and kill -STOP under load -----------------------------------------------------------------
FAULT_ROWS=""
if wants faults; then
admin "$GW_ADMIN" PUT "/admin/cluster/balancer?name=dynamic" >/dev/null
state_of() { worker_field "$GW_ADMIN" worker-2 state 2>/dev/null || echo unknown; }
timed_until() { # command... : prints milliseconds until "$@" succeeds (polled every 50 ms, at most 120 s)
  local t0; t0=$(date +%s%N)
  for _ in $(seq 1 2400); do "$@" && { echo $(( ($(date +%s%N) - t0) / 1000000 )); return; }; sleep 0.05; done
  echo "n/a"
}
is_out() { [[ "$(state_of)" =~ ^(down|ejected)$ ]]; }
is_up() { [ "$(state_of)" = "up" ]; }
for sig in KILL STOP; do
  DURATION_SAVED=$DURATION; DURATION=25; WARMUP_SAVED=$WARMUP; WARMUP=0
  run_wrk "fault-$sig" "http://127.0.0.1:$GW$PATH_" &
  wrk_pid=$!
  sleep 5
  pid="$(python3 -c "import json; print(next(w['pid'] for w in json.load(open('$STATE/cluster/cluster.json'))['workers'] if w['id']=='worker-2'))")"
  t_kill=$(date +%s%N)
  kill "-$sig" "$pid"
  out_ms="$(timed_until is_out)"
  # the admin API's poll is slow on a loaded machine; the ejection's remaining time dates it exactly
  # (a first ejection lasts --eject-time, 2 s by default): ejected at = now - (2000 - remaining)
  eject_ms="-"
  [ "$sig" = KILL ] && eject_ms="$(admin "$GW_ADMIN" GET /admin/cluster | python3 -c "
import json, sys, time
w = next(w for w in json.load(sys.stdin)['workers'] if w['id'] == 'worker-2')
now = time.time_ns()
print(round((now - $t_kill) / 1e6 - (2000 - w['ejectedForMillis'])) if w['state'] == 'ejected' and w['ejections'] == 1 else 'not ejected (' + w['state'] + ')')")"
  [ "$sig" = STOP ] && { sleep 3; kill -CONT "$pid"; }
  back_ms="$(timed_until is_up)"
  wait "$wrk_pid"
  errors="$(awk '/Non-2xx or 3xx responses:/ {n=$NF} /Socket errors:/ {gsub(",", ""); s=$4+$6+$8+$10} END {print n+s}' "$BENCH_TMP/wrk-fault-$sig.txt")"
  rps="$(awk '/^Requests\/sec:/ {print $2}' "$BENCH_TMP/wrk-fault-$sig.txt")"
  FAULT_ROWS+="| kill -$sig worker-2 (dynamic) | $rps | $errors | $eject_ms | $out_ms | $back_ms |"$'\n'
  DURATION=$DURATION_SAVED; WARMUP=$WARMUP_SAVED
  sleep 5
done
fi

REPORT="$(cat <<MD
## Run of $(date -u +%Y-%m-%dT%H:%MZ)

Command: \`bench/balancer.sh --duration $DURATION --warmup $WARMUP --threads $THREADS --connections $CONNECTIONS --rounds $ROUNDS --only $ONLY\`
(wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s --latency on \`GET $PATH_\`, a cached listing)

$(machine_facts)

### 1. Overhead: direct vs gateway vs HAProxy (3 workers, round-robin), $ROUNDS alternating rounds
| path | req/s median (min-max) | p99 ms median (min-max) | proxy CPU ms per 1,000 requests | errors |
| --- | ---: | ---: | ---: | ---: |
${OVERHEAD_ROWS}

${OVERHEAD_SUMMARY}

### 2. One slow worker (+50 ms injected in front of worker 3)
| balancer | req/s | p99 ms | share of the slow worker | errors |
| --- | ---: | ---: | ---: | ---: |
${SLOW_ROWS}
### 3. Faults under load (wrk 25 s; signal at 5 s)
| fault | req/s | failed requests | ms until ejected (from the ejection clock) | ms until the admin API showed it out (50 ms polls) | ms until back up |
| --- | ---: | ---: | ---: | ---: | ---: |
${FAULT_ROWS}
MD
)"
echo "$REPORT"
if [ "$RECORD" = 1 ]; then
  echo "$REPORT" > docs/benchmarks/balancer-run.md
  log "recorded in docs/benchmarks/balancer-run.md"
fi
