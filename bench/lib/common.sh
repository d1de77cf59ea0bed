# Shared by bench/*.sh: logging, tools, a serve of our own, wrk runs and their parsing, machine facts.
# Sourced, not run. Everything started here is stopped by bench_cleanup (the scripts trap EXIT on it).

BENCH_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BENCH_PIDS=()          # processes we started, stopped in reverse order
BENCH_TMP=""

log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# The options both benchmark scripts take; sets SHIFT to how many words the option used.
common_option() {
  SHIFT=2
  case "$1" in
    --target) TARGET="$2" ;;
    --data-dir) DATA_DIR="$2" ;;
    --duration) DURATION="${2%s}" ;;
    --warmup) WARMUP="${2%s}" ;;
    --threads) THREADS="$2" ;;
    --connections) CONNECTIONS="$2" ;;
    --keys) KEYS="$2" ;;
    --rounds) ROUNDS="$2" ;;
    --no-record) RECORD=0; SHIFT=1 ;;
    # One short round on a small data set, nothing recorded: CI runs this so the scripts cannot rot.
    --smoke) SMOKE=1; ROUNDS=1; DURATION=2; WARMUP=1; RECORD=0; KEYS=$(( KEYS > 128 ? 128 : KEYS ))
             DATA_DIR="/tmp/hexproperty-bench/smoke-pg"; SERVE_ARGS+=(--listings 5000); SHIFT=1 ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
}

# Load is only ever sent to this machine.
require_loopback_target() {
  case "$TARGET" in ""|http://127.*|http://localhost*|http://\[::1\]*) ;; *) die "--target must be a loopback URL, got $TARGET" ;; esac
}

bench_tmp() {
  BENCH_TMP="$(mktemp -d /tmp/hexproperty-bench.XXXXXX)"
  chmod 755 "$BENCH_TMP"   # nginx workers run as nobody when we are root
}

bench_cleanup() {
  local i pid
  for ((i = ${#BENCH_PIDS[@]} - 1; i >= 0; i--)); do
    pid="${BENCH_PIDS[$i]}"
    if kill -0 "$pid" 2>/dev/null; then
      log "stopping pid $pid"
      kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
      kill -0 "$pid" 2>/dev/null && { log "pid $pid still alive after 30 s, killing"; kill -KILL "$pid" 2>/dev/null || true; }
    fi
  done
  [ -n "$BENCH_TMP" ] && [ -d "$BENCH_TMP" ] && rm -rf "$BENCH_TMP"
  return 0
}

# Installs the Debian packages for the given commands when they are missing (needs root).
ensure_tools() { # pairs: command package ...
  local missing=()
  while [ $# -gt 0 ]; do
    command -v "$1" >/dev/null 2>&1 || missing+=("$2")
    shift 2
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing ${missing[*]} (apt-get)"
  [ "$(id -u)" -eq 0 ] || die "need root to apt-get install ${missing[*]}; install them and run again"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null 2>&1 \
    || { apt-get update -q >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null; } \
    || die "apt-get install ${missing[*]} failed"
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

SERVE_ARGS=()   # extra serve options (--smoke adds --listings)
SMOKE=0
ROUNDS=5

# start_serve DATA_DIR [serve options...]: starts ./hexproperty serve on a free loopback port; sets TARGET.
# Waits for readiness. The management port is a free one too (its default, 8081, may be taken).
start_serve() {
  local data_dir="$1" port
  shift
  port="$(free_port)"
  mkdir -p "$data_dir"
  chmod 755 "$(dirname "$data_dir")" 2>/dev/null || true
  local out="$BENCH_TMP/serve.log"
  log "starting ./hexproperty serve --bench-routes --port $port --data-dir $data_dir ${SERVE_ARGS[*]} $* (log $out; first start seeds the listings)"
  # --bench-routes: GET /bench/static, the ceiling the scripts compare against (off by default).
  # Not under setsid: with the kernel's autogroup scheduling (sched_autogroup_enabled=1) every session
  # gets an equal CPU share on a busy machine, so a serve in a session of its own would get one share
  # while pgbench gets another. Here the serve shares the load generators' session (and share), and
  # PostgreSQL (pg_ctl starts its own session) has its share on both sides of every comparison.
  "$BENCH_ROOT/hexproperty" serve --bench-routes --host 127.0.0.1 --port "$port" --management-port 0 \
    --data-dir "$data_dir" "${SERVE_ARGS[@]}" "$@" >"$out" 2>&1 &
  BENCH_PIDS+=("$!")
  SERVE_PID="$!"
  TARGET="http://127.0.0.1:$port"
  SERVE_DATA_DIR="$data_dir"
  local waited=0
  until curl -fsS -o /dev/null "$TARGET/health/ready" 2>/dev/null; do
    kill -0 "$SERVE_PID" 2>/dev/null || { tail -n 20 "$out" >&2; die "serve exited before it was ready"; }
    [ "$waited" -ge 900 ] && { tail -n 20 "$out" >&2; die "serve not ready after 900 s"; }
    sleep 1; waited=$((waited + 1))
  done
  log "serve ready at $TARGET after ${waited} s"
}

wait_ready() {
  curl -fsS -o /dev/null "$1/health/ready" || die "$1/health/ready does not answer 200"
}

# Listing keys from the API (newest first, cursor pagination), shuffled so popularity rank is not recency.
collect_keys() { # target count file
  local target="$1" count="$2" file="$3"
  python3 - "$target" "$count" "$file" <<'PY'
import json, random, sys, urllib.parse, urllib.request
target, count, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
keys, cursor = [], None
while len(keys) < count:
    url = target + "/api/v1/listings?limit=100" + ("&cursor=" + urllib.parse.quote(cursor) if cursor else "")
    page = json.load(urllib.request.urlopen(url, timeout=30))
    keys += [item["ListingKey"] for item in page["items"]]
    cursor = page.get("next")
    if not cursor:
        break
random.Random(42).shuffle(keys)
open(path, "w").write("\n".join(keys[:count]) + "\n")
print(len(keys[:count]))
PY
}

# run_wrk NAME URL [wrk args...]: one measured run, parsed into WRK_RPS WRK_P50 WRK_P99 (ms) WRK_ERR.
# A warm-up run of WARMUP seconds comes first (JIT, connection pools, PostgreSQL buffers), not recorded.
run_wrk() {
  local name="$1" url="$2"; shift 2
  local out="$BENCH_TMP/wrk-${name}.txt"
  if [ "${WARMUP:-0}" != "0" ]; then
    log "$name: warm-up ${WARMUP}s"
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" "$@" "$url" >/dev/null 2>&1 || true
  fi
  log "$name: wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s --latency $* $url"
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --timeout 10s --latency "$@" "$url" >"$out" 2>&1 \
    || { cat "$out" >&2; die "wrk failed for $name"; }
  WRK_RPS="$(awk '/^Requests\/sec:/ {print $2}' "$out")"
  WRK_P50="$(awk '$1 == "50%" {print $2}' "$out" | to_ms)"
  WRK_P99="$(awk '$1 == "99%" {print $2}' "$out" | to_ms)"
  local non2xx sock
  non2xx="$(awk '/Non-2xx or 3xx responses:/ {print $NF}' "$out")"
  sock="$(awk '/Socket errors:/ {gsub(",", ""); print $4+$6+$8+$10}' "$out")"
  WRK_ERR=$(( ${non2xx:-0} + ${sock:-0} ))
  [ "$WRK_ERR" -gt 0 ] && log "$name: WARNING $WRK_ERR errors (non-2xx ${non2xx:-0}, socket ${sock:-0}); see below" && grep -E 'Non-2xx|Socket' "$out" >&2
  log "$name: $WRK_RPS req/s, p50 $WRK_P50 ms, p99 $WRK_P99 ms"
}

to_ms() { # wrk latency (e.g. 812.00us, 1.23ms, 2.01s) to milliseconds
  awk '{ v = $1; if (v ~ /us$/) { sub(/us$/, "", v); v /= 1000 } else if (v ~ /ms$/) { sub(/ms$/, "", v) }
         else if (v ~ /m$/) { sub(/m$/, "", v); v *= 60000 } else if (v ~ /s$/) { sub(/s$/, "", v); v *= 1000 }
         printf "%.3f\n", v }'
}

# summary V...: "median min max q1 q3" of the numbers given (n/a when none); quartiles by linear interpolation.
summary() {
  python3 - "$@" <<'PY'
import sys
v = sorted(float(x) for x in sys.argv[1:] if x not in ("", "n/a"))
if not v:
    print("n/a n/a n/a n/a n/a"); sys.exit()
def q(p):
    i = p * (len(v) - 1); lo = int(i); hi = min(lo + 1, len(v) - 1)
    return v[lo] + (v[hi] - v[lo]) * (i - lo)
print(" ".join("%.3f" % x for x in (q(0.5), v[0], v[-1], q(0.25), q(0.75))))
PY
}

# verdict NAME TARGET V...: one line on the per-round ratios of NAME against TARGET (or "-" for no target):
# the median, the spread, and whether the spread is wider than the effect claimed (the distance of the
# median from the target, or, without a target, how far apart two runs can land by noise alone).
verdict() {
  local name="$1" target="$2"; shift 2
  python3 - "$name" "$target" "$@" <<'PY'
import sys
name, target = sys.argv[1], sys.argv[2]
v = sorted(float(x) for x in sys.argv[3:] if x not in ("", "n/a"))
if not v:
    print(f"- {name}: no data"); sys.exit()
n = len(v); med = v[n // 2] if n % 2 else (v[n // 2 - 1] + v[n // 2]) / 2
lo, hi = v[0], v[-1]; spread = hi - lo
line = f"- {name}: median {med:.3f} over {n} round(s), min-max {lo:.3f}-{hi:.3f} (spread {spread:.3f}, {100 * spread / med if med else 0:.0f}% of the median)"
if n < 3:
    line += "; too few rounds to tell noise from effect (use --rounds 5 or more)"
elif target != "-":
    t = float(target); effect = abs(med - t)
    if lo >= t:
        line += f"; target {t} met in every round"
    elif hi < t:
        line += f"; target {t} missed in every round"
    else:
        line += f"; SPREAD WIDER THAN THE EFFECT: the rounds straddle the target {t} (median {'above' if med >= t else 'below'} by {effect:.3f} < spread {spread:.3f}): not a claimable pass or fail"
else:
    line += f"; differences under {spread:.3f} between runs of this ratio are noise on this machine"
print(line)
PY
}

# cpu_ms PID: CPU time (user + system, ms) of PID and its children: the live ones and those it reaped
# (cutime/cstime), e.g. the postmaster and its backends. CPU per request does not depend on how much
# of the shared machine a process got, unlike req/s: it is the load-independent efficiency figure.
cpu_ms() {
  local pid="$1" tck total child
  [ -n "$pid" ] && [ -r "/proc/$pid/stat" ] || { echo 0; return; }
  tck="$(getconf CLK_TCK)"
  total="$(awk '{ sub(/^.*\) /, ""); print $12 + $13 + $14 + $15 }' "/proc/$pid/stat")"
  for child in $(pgrep -P "$pid" 2>/dev/null); do
    total=$(( total + $(awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$child/stat" 2>/dev/null || echo 0) ))
  done
  echo $(( total * 1000 / tck ))
}

# listener_pid PORT: the process listening on a loopback TCP port (for --target runs), or nothing.
listener_pid() {
  ss -ltnpH "sport = :$1" 2>/dev/null | grep -o 'pid=[0-9]*' | head -n1 | cut -d= -f2
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.3f", a / b; else print "n/a" }'; }

machine_facts() {
  local cpu java_v
  cpu="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
  java_v="$("${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java" -version 2>&1 | head -n1)"
  echo "- machine: ${cpu:-unknown CPU}, $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo) RAM, $(uname -sr)"
  echo "- load average before the run: $(cut -d' ' -f1-3 /proc/loadavg) (the machine is shared with other engineers' builds and tests: numbers are noisy, compare ratios within one run, not absolute values across runs)"
  echo "- java: $java_v; wrk: $(wrk --version 2>&1 | head -n1 | awk '{print $2}'); nginx: $(nginx -v 2>&1 | sed 's/.*nginx\///'); pgbench: $(pgbench --version 2>/dev/null | awk '{print $3}')"
  echo "- load generator and servers share the same cores over loopback"
}
