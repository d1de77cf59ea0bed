#!/usr/bin/env bash
# Scale: the same open-model mix at the same rate against catalogues of different sizes, cold and warm,
# p50 and p99 per request kind (issue 9: "p99 at 10M <= 1.5 x p99 at 100k for every kind").
#
# Each size has its own data directory, seeded once on the node's first start (the seed time is read from
# the node's log and reported) and reused by later runs. A run of one size is: start a node with a new,
# empty state directory (no warm-start snapshot: empty L1, and its embedded PostgreSQL just started),
# run the load once ("cold"), then once more on the same node ("warm"), stop it. Sizes alternate within
# each round (small cold, small warm, large cold, large warm, small cold, ...) so that the machine's drift
# lands on every size alike; the result is the median over the rounds per size, phase and kind, and the
# p99 ratio against the smallest size. The operating system's page cache is not dropped: "cold" is the
# application and PostgreSQL's shared buffers, not the disk.
#
# The workload is hexproperty loadtest's ("load" profile: 20% ramp-up, plateau, 10% ramp-down), keys
# discovered from the API (the newest listings, --discover-pages pages of 100), Zipf popularity.
# Loopback only; stops every node it started.
#
#   bench/scale.sh                                         # 100k and 1M listings, 3 rounds of 30 s per run
#   bench/scale.sh --sizes "100000 1000000 10000000"       # with 10M (seeding took 30 min and 18 GB here)
#   bench/scale.sh --smoke                                 # 2,000 and 5,000 listings, 1 round of 6 s, not recorded
#
# Options (defaults): --sizes LIST ("100000 1000000") --rate N (150 requests/s) --duration SECONDS per run (30)
#   --rounds N (3) --data-root DIR (/tmp/hexproperty-scale) --mix MIX (listing=60,search=30,map=10)
#   --discover-pages N (50) --no-record (do not append to docs/benchmarks/scale.md)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

SIZES="100000 1000000" RATE=150 DURATION=30 ROUNDS=3 DATA_ROOT="/tmp/hexproperty-scale" RECORD=1
MIX="listing=60,search=30,map=10" PAGES=50 TARGET_RATIO=1.5
COMMAND="bench/scale.sh${*:+ $*}"
while [ $# -gt 0 ]; do
  case "$1" in
    --sizes) SIZES="$2"; shift 2 ;;
    --rate) RATE="$2"; shift 2 ;;
    --duration) DURATION="${2%s}"; shift 2 ;;
    --rounds) ROUNDS="$2"; shift 2 ;;
    --data-root) DATA_ROOT="$2"; shift 2 ;;
    --mix) MIX="$2"; shift 2 ;;
    --discover-pages) PAGES="$2"; shift 2 ;;
    --no-record) RECORD=0; shift ;;
    --smoke) SIZES="2000 5000"; ROUNDS=1; DURATION=6; RATE=40; PAGES=5; RECORD=0; DATA_ROOT="/tmp/hexproperty-scale-smoke"; shift ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
done
[ "$ROUNDS" -ge 1 ] || die "--rounds must be at least 1"
[ "$DURATION" -ge 5 ] || die "--duration must be at least 5 s (the load profile ramps up and down)"
for n in $SIZES; do [[ "$n" =~ ^[0-9]+$ ]] && [ "$n" -ge 1 ] || die "--sizes: '$n' is not a listing count"; done

trap bench_cleanup EXIT
trap 'exit 130' INT TERM
ensure_tools curl curl python3 python3
bench_tmp
FACTS="$(machine_facts)"
RUNS="$BENCH_TMP/runs.txt"
: > "$RUNS"
mkdir -p "$DATA_ROOT"
chmod 755 "$DATA_ROOT" 2>/dev/null || true

NODE_PID="" NODE_URL=""
start_node() { # size
  local size="$1" port state out waited=0 last=""
  port="$(free_port)"
  state="$(mktemp -d "$BENCH_TMP/state-$size.XXXX")"
  out="$BENCH_TMP/serve-$size.log"
  mkdir -p "$DATA_ROOT/$size"
  "$BENCH_ROOT/hexproperty" serve --host 127.0.0.1 --port "$port" --management-port 0 --listings "$size" \
    --data-dir "$DATA_ROOT/$size/pg" --state-dir "$state" >>"$out" 2>&1 &
  NODE_PID="$!"
  BENCH_PIDS+=("$NODE_PID")
  NODE_URL="http://127.0.0.1:$port"
  until curl -fsS -o /dev/null "$NODE_URL/health/ready" 2>/dev/null; do
    kill -0 "$NODE_PID" 2>/dev/null || { tail -n 20 "$out" >&2; die "serve ($size listings) exited before it was ready"; }
    [ "$waited" -ge 3600 ] && { tail -n 20 "$out" >&2; die "serve ($size listings) not ready after 3600 s"; }
    # seeding shows its progress bars in the node's log: repeat the newest one every 10 s
    if [ $((waited % 10)) -eq 9 ]; then
      local now; now="$(tr '\r' '\n' <"$out" | grep -E '^(prepare|copy|index|analyze) ' | tail -n 1 || true)"
      [ -n "$now" ] && [ "$now" != "$last" ] && log "  $size: $now" && last="$now"
    fi
    sleep 1; waited=$((waited + 1))
  done
  log "node with $size listings ready at $NODE_URL after ${waited} s"
}

stop_node() {
  kill -TERM "$NODE_PID" 2>/dev/null || true
  for _ in $(seq 1 120); do kill -0 "$NODE_PID" 2>/dev/null || break; sleep 0.5; done
  kill -0 "$NODE_PID" 2>/dev/null && kill -KILL "$NODE_PID" 2>/dev/null || true
  wait "$NODE_PID" 2>/dev/null || true
}

run_load() { # size phase round
  local out="$BENCH_TMP/load-$1-$2-$3"
  log "  $1 listings, $2, round $3: ${RATE} req/s for ${DURATION} s ($MIX)"
  "$BENCH_ROOT/hexproperty" loadtest --profile load --target "$NODE_URL" --rate "$RATE" --duration "${DURATION}s" \
    --mix "$MIX" --discover-pages "$PAGES" --seed 42 --no-images --out "$out" >"$out.log" 2>&1 \
    || { tail -n 20 "$out.log" >&2; die "loadtest failed ($1 listings, $2, round $3)"; }
  echo "$1 $2 $3 $out/result.json" >> "$RUNS"
}

log "scale: sizes $SIZES; $ROUNDS round(s); $RATE req/s for $DURATION s per run; data in $DATA_ROOT"
for round in $(seq 1 "$ROUNDS"); do
  for size in $SIZES; do
    start_node "$size"
    run_load "$size" cold "$round"
    run_load "$size" warm "$round"
    stop_node
  done
done

# The seed time of each size, from the first start's log line (a reused data directory has none).
SEEDS="$BENCH_TMP/seeds.txt"
: > "$SEEDS"
for size in $SIZES; do
  line="$(grep -h 'seeded [0-9,]* listings' "$BENCH_TMP/serve-$size.log" 2>/dev/null | head -n 1 || true)"
  echo "$size ${line:-reused}" >> "$SEEDS"
done

REPORT="$BENCH_TMP/report.md"
# the chart goes to docs/benchmarks/img only when the run is recorded
IMG_DIR="$BENCH_TMP"; [ "$RECORD" = 1 ] && IMG_DIR="$BENCH_ROOT/docs/benchmarks/img"
HTML="$IMG_DIR/scale.html"
python3 - "$RUNS" "$SEEDS" "$TARGET_RATIO" "$REPORT" "$HTML" <<'PY'
import json, statistics, sys
runs, seeds, target, report, html = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4], sys.argv[5]
data = {}   # (size, phase, kind) -> {"p50": [...], "p99": [...], "errors": n, "completed": n}
sizes, kinds = [], []
for line in open(runs):
    size, phase, rnd, path = line.split()
    size = int(size)
    if size not in sizes:
        sizes.append(size)
    result = json.load(open(path))
    for kind, k in result["kinds"].items():
        if kind not in kinds:
            kinds.append(kind)
        d = data.setdefault((size, phase, kind), {"p50": [], "p99": [], "errors": 0, "completed": 0})
        d["p50"].append(k["p50"]); d["p99"].append(k["p99"])
        d["errors"] += k["errors"]; d["completed"] += k["completed"]
sizes.sort()
small = sizes[0]
med = lambda xs: statistics.median(xs) if xs else float("nan")
lines = ["| listings | phase | kind | requests | errors | p50 ms | p99 ms (median; min-max over rounds) | p99 / p99 at %s |" % f"{small:,}",
         "|---:|---|---|---:|---:|---:|---:|---:|"]
verdicts = []
for phase in ("cold", "warm"):
    for kind in kinds:
        base = med(data.get((small, phase, kind), {}).get("p99", []))
        for size in sizes:
            d = data.get((size, phase, kind))
            if not d:
                continue
            p99 = med(d["p99"])
            ratio = p99 / base if base > 0 else float("nan")
            lines.append(f"| {size:,} | {phase} | {kind} | {d['completed']:,} | {d['errors']} | {med(d['p50']):.2f} | "
                         f"{p99:.2f} ({min(d['p99']):.2f}-{max(d['p99']):.2f}) | {ratio:.2f} |")
            if size == sizes[-1] and size != small:
                verdicts.append((phase, kind, ratio))
seed_lines = []
for line in open(seeds):
    size, rest = line.split(" ", 1)
    seed_lines.append(f"- {int(size):,} listings: {rest.strip().split(' - ', 1)[-1]}")
ok = all(r <= target for _, _, r in verdicts)
summary = ", ".join(f"{k} {p} {r:.2f}" for p, k, r in verdicts)
verdict = (f"p99 at {sizes[-1]:,} against {small:,} listings: {summary} "
           f"(target <= {target}): {'met' if ok else 'NOT met'} for every kind")
with open(report, "w") as f:
    f.write("\n".join(lines) + "\n\nSeed (first start of each data directory):\n" + "\n".join(seed_lines)
            + "\n\n**" + verdict + "**\n")
# A chart: p99 per kind, grouped by size, cold and warm side by side (inline SVG; screenshot to PNG).
bars, W, H, pad = [], 900, 420, 60
groups = [(phase, kind) for phase in ("cold", "warm") for kind in kinds]
top = max([med(d["p99"]) for d in data.values()] + [1.0])
gw = (W - 2 * pad) / max(1, len(groups))
colors = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728"]
for gi, (phase, kind) in enumerate(groups):
    x0 = pad + gi * gw
    bars.append(f'<text x="{x0 + gw / 2:.0f}" y="{H - pad + 18}" text-anchor="middle" font-size="12">{kind} ({phase})</text>')
    bw = gw * 0.8 / len(sizes)
    for si, size in enumerate(sizes):
        d = data.get((size, phase, kind))
        if not d:
            continue
        v = med(d["p99"])
        h = (H - 2 * pad) * v / top
        x = x0 + gw * 0.1 + si * bw
        bars.append(f'<rect x="{x:.1f}" y="{H - pad - h:.1f}" width="{bw - 2:.1f}" height="{h:.1f}" fill="{colors[si % 4]}"/>'
                    f'<text x="{x + bw / 2:.1f}" y="{H - pad - h - 4:.1f}" text-anchor="middle" font-size="10">{v:.1f}</text>')
legend = "".join(f'<rect x="{pad + i * 160}" y="12" width="12" height="12" fill="{colors[i % 4]}"/>'
                 f'<text x="{pad + i * 160 + 18}" y="23" font-size="12">{s:,} listings</text>' for i, s in enumerate(sizes))
svg = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" font-family="sans-serif">{legend}'
       f'<text x="{pad}" y="48" font-size="13">p99 latency (ms) per request kind, median over rounds</text>'
       f'<line x1="{pad}" y1="{H - pad}" x2="{W - pad}" y2="{H - pad}" stroke="#333"/>' + "".join(bars) + "</svg>")
with open(html, "w") as f:
    f.write(f"<!doctype html><meta charset=utf-8><title>Scale</title><body style='margin:0'>{svg}<p style='font:12px sans-serif;margin:4px {pad}px'>{verdict}</p></body>")
print(verdict)
PY
cat "$REPORT"
if command -v chromium >/dev/null 2>&1; then
  chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --screenshot="$IMG_DIR/scale.png" \
    --window-size=900,460 "file://$HTML" >/dev/null 2>&1 && log "chart: $IMG_DIR/scale.png" || log "chart: screenshot failed (see $HTML)"
fi
if [ "$RECORD" = 1 ]; then
  {
    echo
    echo "## $(date -u +%Y-%m-%dT%H:%MZ): $SIZES listings, $ROUNDS round(s), $RATE req/s, $DURATION s per run"
    echo
    echo '```'
    echo "$COMMAND"
    echo '```'
    echo
    echo "$FACTS"
    echo
    cat "$REPORT"
    echo
    echo "![p99 per kind and size](img/scale.png)"
  } >> "$BENCH_ROOT/docs/benchmarks/scale.md"
  log "recorded in docs/benchmarks/scale.md"
fi
