#!/usr/bin/env bash
# Cluster-wide L1 hit ratio per balancing algorithm, side by side in one run, on this machine over loopback.
# One `hexproperty cluster` (3 workers, each with a small L1: --l1 listing entries, --search-cache-mb of pages);
# for each algorithm: switch it at runtime (PUT /admin/cluster/balancer), empty every worker's L1
# (POST /admin/cache/invalidate {"all":true}, checked with GET /admin/cache/keys), drive the same seeded Zipf
# workload of listing GETs and searches through the gateway with `hexproperty loadtest --profile load`, then read
# every worker's L1 counters (cache_gets_total{tier="memory"} on its management port) and resident keys
# (GET /admin/cache/keys). Reports per algorithm: the cluster-wide L1 hit ratio of listing details and of search
# pages, the distinct listings resident in the cluster's L1s and the copies per distinct listing (memory
# duplication), and each worker's share of the requests.
# Before the first algorithm, --warmup seconds of the same load (round-robin, not measured) warm the JITs, so the
# first algorithm measured is not also the one that runs on cold JVMs.
# Usage: bench/cluster-hit-ratio.sh [--rate 80] [--duration 60] [--warmup 30] [--listings 2000] [--l1 100]
#          [--search-cache-mb 1] [--zipf 1.0] [--mix listing=60,search=20,map=20]
#          [--algorithms round-robin,least-connections,dynamic,hash,geographic]
#          [--port-base 20300] [--no-record] [--smoke]
# --smoke: 2 algorithms, 10 s each, 500 listings, nothing recorded (checks the script works; a few minutes).
# Writes docs/benchmarks/cluster-hit-ratio-run.md and docs/benchmarks/img/cluster-hit-ratio.png (unless --no-record);
# raw samples stay under var/bench-hit-ratio/out.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

RATE=80; DURATION=60; WARMUP=30; LISTINGS=2000; L1=100; SEARCH_MB=1; ZIPF=1.0; MIX="listing=60,search=20,map=20"; RECORD=1
ALGORITHMS="round-robin,least-connections,dynamic,hash,geographic"; PORT_BASE=20300
while [ $# -gt 0 ]; do
  case "$1" in
    --rate) RATE="$2"; shift 2 ;;
    --duration) DURATION="${2%s}"; shift 2 ;;
    --warmup) WARMUP="${2%s}"; shift 2 ;;
    --listings) LISTINGS="$2"; shift 2 ;;
    --l1) L1="$2"; shift 2 ;;
    --search-cache-mb) SEARCH_MB="$2"; shift 2 ;;
    --zipf) ZIPF="$2"; shift 2 ;;
    --mix) MIX="$2"; shift 2 ;;
    --algorithms) ALGORITHMS="$2"; shift 2 ;;
    --port-base) PORT_BASE="$2"; shift 2 ;;
    --no-record) RECORD=0; shift ;;
    --smoke) ALGORITHMS="round-robin,hash"; DURATION=10; WARMUP=0; LISTINGS=500; L1=25; RECORD=0; shift ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
done
PAGES=$(( (LISTINGS + 99) / 100 )) # the loadtest's key set: every listing
bench_tmp
trap bench_cleanup EXIT
cd "$BENCH_ROOT"

STATE="var/bench-hit-ratio"
OUT="$STATE/out"
TOKEN="bench-hit-ratio-admin-token-0001"
GW=$PORT_BASE; GW_ADMIN=$((PORT_BASE + 1))
rm -rf "$STATE"                     # a fresh database and no warm-start snapshot in any worker's state directory
mkdir -p "$OUT"
./hexproperty --help >/dev/null     # builds when the sources changed, before anything is timed
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)" | tee "$OUT/loadavg.txt" >&2

admin() { # port method path [body]
  if [ $# -ge 4 ]; then
    curl -sf -m 10 -X "$2" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d "$4" "http://127.0.0.1:$1$3"
  else
    curl -sf -m 10 -X "$2" -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$1$3"
  fi
}

log "starting the cluster: 3 workers, $LISTINGS listings, L1 of $L1 listing details and $SEARCH_MB MiB of search pages per worker"
./hexproperty cluster --workers 3 --port "$GW" --admin-port "$GW_ADMIN" --host 127.0.0.1 --listings "$LISTINGS" \
  --data-dir "$STATE/pg" --state-dir "$STATE/cluster" --admin-token "$TOKEN" --balancer round-robin --slow-start 0s \
  --worker-listing-cache-entries "$L1" --worker-search-cache-mb "$SEARCH_MB" >"$OUT/cluster.log" 2>&1 &
BENCH_PIDS+=($!)
for _ in $(seq 1 600); do
  grep -q 'cluster ready' "$OUT/cluster.log" && break
  kill -0 "${BENCH_PIDS[0]}" 2>/dev/null || { cat "$OUT/cluster.log" >&2; die "cluster exited"; }
  sleep 0.5
done
grep -q 'cluster ready' "$OUT/cluster.log" || die "cluster not ready in 300 s (see $OUT/cluster.log)"

# every phase reads each worker's management port from cluster.json (a restarted worker may have moved)
workers() { python3 -c "
import json; w=json.load(open('$STATE/cluster/cluster.json'))['workers']
print(' '.join(x['id'] + ':' + str(x['managementPort']) for x in sorted(w, key=lambda x: x['id'])))"; }
snapshot() { # phase-dir label: metrics and resident keys of every worker, and the gateway's view
  local dir="$1" label="$2" id port
  for w in $(workers); do
    id="${w%%:*}"; port="${w##*:}"
    curl -sf -m 10 "http://127.0.0.1:$port/metrics" >"$dir/$id.$label.metrics" || die "no /metrics from $id on $port"
    admin "$port" GET "/admin/cache/keys" >"$dir/$id.$label.keys.json" || die "no /admin/cache/keys from $id on $port"
  done
  admin "$GW_ADMIN" GET /admin/cluster >"$dir/cluster.$label.json"
}

if [ "$WARMUP" -gt 0 ]; then
  log "warm-up: ${WARMUP}s of the same load, round-robin, not measured"
  timeout --signal=INT --kill-after=30 "$((WARMUP + 120))" \
    ./hexproperty loadtest --profile load --rate "$RATE" --duration "${WARMUP}s" --mix "$MIX" --zipf "$ZIPF" --seed 7 \
      --discover-pages "$PAGES" --connections 64 --timeout 10s --no-images --target "http://127.0.0.1:$GW" \
      --out "$OUT/warmup" >"$OUT/warmup.log" 2>&1 || log "warm-up loadtest exited with $? (see $OUT/warmup.log)"
fi

IFS=',' read -r -a ALGS <<<"$ALGORITHMS"
for alg in "${ALGS[@]}"; do
  dir="$OUT/$alg"; mkdir -p "$dir"
  admin "$GW_ADMIN" PUT "/admin/cluster/balancer?name=$alg" >/dev/null || die "could not switch the balancer to $alg"
  for w in $(workers); do
    admin "${w##*:}" POST /admin/cache/invalidate '{"all":true}' >/dev/null || die "could not empty ${w%%:*}'s L1"
  done
  snapshot "$dir" before
  python3 - "$dir" <<'EOF' || die "an L1 was not empty after the flush"
import glob, json, sys
for f in glob.glob(sys.argv[1] + "/*.before.keys.json"):
    k = json.load(open(f))
    if k["listings"]["count"] or k["search"]["count"]:
        sys.exit(f + ": " + str({t: k[t]["count"] for t in k}))
EOF
  log "$alg: L1s empty; loadtest --profile load --rate $RATE --duration ${DURATION}s --mix $MIX --zipf $ZIPF ($PAGES pages of keys)"
  timeout --signal=INT --kill-after=30 "$((DURATION + 120))" \
    ./hexproperty loadtest --profile load --rate "$RATE" --duration "${DURATION}s" --mix "$MIX" --zipf "$ZIPF" --seed 42 \
      --discover-pages "$PAGES" --connections 64 --timeout 10s --no-images --target "http://127.0.0.1:$GW" \
      --out "$dir/loadtest" >"$dir/loadtest.log" 2>&1 || log "$alg: loadtest exited with $? (see $dir/loadtest.log)"
  snapshot "$dir" after
done

log "stopping the cluster"
kill -TERM "${BENCH_PIDS[0]}" 2>/dev/null || true
for _ in $(seq 1 120); do kill -0 "${BENCH_PIDS[0]}" 2>/dev/null || break; sleep 0.5; done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/loadavg.txt" >&2

python3 - "$OUT" "$ALGORITHMS" >"$OUT/table.md" <<'EOF'
import glob, json, os, re, sys
out, algs = sys.argv[1], sys.argv[2].split(",")
line = re.compile(r'^cache_gets_total\{([^}]*)\}\s+([0-9.eE+-]+)')
def gets(path):
    c = {}
    for l in open(path):
        m = line.match(l)
        if not m:
            continue
        tags = dict(t.split("=", 1) for t in re.findall(r'(\w+="[^"]*")', m.group(1)))
        tags = {k: v.strip('"') for k, v in tags.items()}
        if tags.get("tier") != "memory":
            continue
        key = (tags["cache"], tags["result"])
        c[key] = c.get(key, 0) + float(m.group(2))
    return c
tsv = ["algorithm\tlistingHitRatio\tsearchHitRatio\tdistinctListings\tresidentListings\tcopiesPerListing\tlistingGets\tsearchGets\tshares\tfailed"]
md = ["| algorithm | listing L1 hit ratio | search-page L1 hit ratio | distinct listings in the L1s | listing entries resident (sum) | copies per listing | listing GETs / searches reaching workers | requests per worker | loadtest: sent, failed, p99 |",
      "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
for alg in algs:
    d = os.path.join(out, alg)
    hits = {"listings": [0, 0], "search": [0, 0]}
    union, resident = set(), 0
    for before in sorted(glob.glob(d + "/*.before.metrics")):
        wid = os.path.basename(before).split(".")[0]
        b, a = gets(before), gets(os.path.join(d, wid + ".after.metrics"))
        for cache in hits:
            hits[cache][0] += a.get((cache, "hit"), 0) - b.get((cache, "hit"), 0)
            hits[cache][1] += a.get((cache, "miss"), 0) - b.get((cache, "miss"), 0)
        keys = json.load(open(os.path.join(d, wid + ".after.keys.json")))["listings"]["keys"]
        union |= set(keys); resident += len(keys)
    cb = {w["id"]: w["requests"] for w in json.load(open(d + "/cluster.before.json"))["workers"]}
    ca = {w["id"]: w["requests"] for w in json.load(open(d + "/cluster.after.json"))["workers"]}
    served = {w: ca[w] - cb.get(w, 0) for w in sorted(ca)}
    total = sum(served.values()) or 1
    shares = " / ".join("%.0f%%" % (100.0 * served[w] / total) for w in served)
    ratio = lambda h: h[0] / (h[0] + h[1]) if h[0] + h[1] else float("nan")
    lr, sr = ratio(hits["listings"]), ratio(hits["search"])
    copies = resident / len(union) if union else float("nan")
    load = "n/a"
    rj = os.path.join(d, "loadtest", "result.json")
    if os.path.exists(rj):
        r = json.load(open(rj))
        q = r["requests"]
        sent, failed, p99 = q["sent"], q["errors"] + q["dropped"], r["latencyMs"]["p99"]
        load = "%s, %s, %s ms" % (sent, failed, p99)
    tsv.append("%s\t%.4f\t%.4f\t%d\t%d\t%.2f\t%d\t%d\t%s\t%s" % (alg, lr, sr, len(union), resident, copies,
               sum(hits["listings"]), sum(hits["search"]), shares, load))
    md.append("| `%s` | **%.1f%%** (%d / %d) | %.1f%% (%d / %d) | %d | %d | %.2f | %d / %d | %s | %s |" % (alg,
              100 * lr, hits["listings"][0], sum(hits["listings"]), 100 * sr, hits["search"][0], sum(hits["search"]),
              len(union), resident, copies, sum(hits["listings"]), sum(hits["search"]), shares, load))
open(os.path.join(out, "results.tsv"), "w").write("\n".join(tsv) + "\n")
print("\n".join(md))
EOF
cat "$OUT/table.md"

JAVA="${JAVA_HOME:-/nonexistent}/bin/java"
[ -x "$JAVA" ] || JAVA="$(ls -d /usr/lib/jvm/*/bin/java 2>/dev/null | sort -rV | head -n1)"
"$JAVA" -Djava.awt.headless=true -cp "app/target/hexproperty-app.jar:app/target/lib/*" io.hexproperty.loadtest.report.HitRatioChart \
  "$OUT/results.tsv" --png "$OUT/cluster-hit-ratio.png" \
  --title "Cluster-wide L1 hit ratio, 3 workers, L1 = $L1 of $LISTINGS listings each, Zipf $ZIPF" || log "no chart (see above)"

if [ "$RECORD" = 1 ]; then
  cp "$OUT/cluster-hit-ratio.png" docs/benchmarks/img/cluster-hit-ratio.png 2>/dev/null || true
  {
    echo "## Run of $(date -u +%Y-%m-%dT%H:%MZ)"
    echo
    echo "Command: \`bench/cluster-hit-ratio.sh --rate $RATE --duration $DURATION --listings $LISTINGS --l1 $L1 --search-cache-mb $SEARCH_MB --zipf $ZIPF --mix $MIX --algorithms $ALGORITHMS\`"
    echo
    echo "- machine: $(nproc) cores; $(paste -sd';' "$OUT/loadavg.txt")"
    echo "- cluster: 3 workers, $LISTINGS listings; each worker's L1: $L1 listing details, $SEARCH_MB MiB of search pages"
    echo "- workload per algorithm: \`hexproperty loadtest --profile load --rate $RATE --duration ${DURATION}s --mix $MIX --zipf $ZIPF --seed 42 --discover-pages $PAGES\` through the gateway, after emptying every L1"
    echo
    cat "$OUT/table.md"
    echo
    echo "![cluster-wide L1 hit ratio](img/cluster-hit-ratio.png)"
  } >docs/benchmarks/cluster-hit-ratio-run.md
  log "wrote docs/benchmarks/cluster-hit-ratio-run.md and docs/benchmarks/img/cluster-hit-ratio.png"
fi
log "raw data under $OUT"
