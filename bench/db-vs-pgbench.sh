#!/usr/bin/env bash
# Uncached API against pgbench running the identical SQL: how much of PostgreSQL's own throughput the
# HTTP API keeps for a listing-by-key read and a typical search. pgbench runs the SQL text the server
# runs (columns read from ListingRows.java, predicates as SearchSql.java builds them; prepared, as the
# server's pool caches prepared statements) with as many connections as the server's pool; wrk hits
# the API for the same keys (Zipf, s = 0.99) and the same search. The API has no cache yet, so every
# request reads PostgreSQL. Loopback only; stops everything it started.
#
#   bench/db-vs-pgbench.sh                     # starts ./hexproperty serve on a free port (data: /tmp/hexproperty-bench/pg)
#   bench/db-vs-pgbench.sh --target http://127.0.0.1:18180 --data-dir /tmp/bench-var/pg --duration 5
#
# Options (defaults): --target URL (start our own serve) --data-dir DIR (/tmp/hexproperty-bench/pg; with
#   --target, the serve's --data-dir: the PostgreSQL port is line 4 of DIR/pgdata/postmaster.pid)
#   --duration SECONDS (15) --warmup SECONDS (10) --clients N (pgbench connections: the pool's default
#   max(8, 4 x cores)) --threads N (2) --connections N (wrk, 64) --keys N (128, pgbench's script limit)
#   --no-record (do not write docs/benchmarks/database.md)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

TARGET="" DATA_DIR="/tmp/hexproperty-bench/pg" DURATION=15 WARMUP=10 THREADS=2 CONNECTIONS=64 KEYS=128
CLIENTS=$(( 4 * $(nproc) > 8 ? 4 * $(nproc) : 8 )) RECORD=1
SEARCH_CITY="Houston" SEARCH_STATE="TX" SEARCH_LIMIT=20
COMMAND="bench/db-vs-pgbench.sh${*:+ $*}"
while [ $# -gt 0 ]; do
  case "$1" in
    --clients) CLIENTS="$2"; shift 2 ;;
    *) common_option "$@"; shift "$SHIFT" ;;
  esac
done
[ "$KEYS" -ge 1 ] && [ "$KEYS" -le 128 ] || die "--keys must be 1..128 (pgbench takes at most 128 scripts), got $KEYS"
require_loopback_target

trap bench_cleanup EXIT
trap 'exit 130' INT TERM
ensure_tools wrk wrk pgbench postgresql-client psql postgresql-client curl curl python3 python3
bench_tmp
FACTS="$(machine_facts)"

if [ -z "$TARGET" ]; then
  start_serve "$DATA_DIR"
else
  wait_ready "$TARGET"
  log "using the running server at $TARGET"
fi
PID_FILE="$DATA_DIR/pgdata/postmaster.pid"
[ -r "$PID_FILE" ] || die "no $PID_FILE: is $DATA_DIR the --data-dir of the serve at $TARGET?"
PGPORT="$(sed -n 4p "$PID_FILE")"
export PGHOST=127.0.0.1 PGPORT PGUSER=postgres PGDATABASE=hexproperty
# the embedded server requires its generated superuser password (scram-sha-256, ADR 0015)
[ -r "$DATA_DIR/postgres-password" ] && export PGPASSWORD="$(cat "$DATA_DIR/postgres-password")"
psql -X -qAtc "SELECT 1" >/dev/null || die "cannot connect to PostgreSQL at 127.0.0.1:$PGPORT as postgres"
log "PostgreSQL $(psql -X -qAtc 'SHOW server_version') on 127.0.0.1:$PGPORT; $(psql -X -qAtc 'SELECT count(*) FROM listings') listings"

# The SQL the server runs, from its source, so the two sides cannot drift apart.
COLUMNS="$(python3 - "$BENCH_ROOT/database/src/main/java/io/hexproperty/database/ListingRows.java" <<'PY'
import re, sys
src = open(sys.argv[1]).read()
m = re.search(r'COLUMNS\s*=\s*((?:"[^"]*"\s*\+?\s*)+);', src)
print("".join(re.findall(r'"([^"]*)"', m.group(1))))
PY
)"
[ -n "$COLUMNS" ] || die "could not read ListingRows.COLUMNS"
grep -q '"SELECT " + ListingRows.COLUMNS + " FROM listings WHERE listing_key = \$1"' \
  "$BENCH_ROOT/database/src/main/java/io/hexproperty/database/PgListingStore.java" \
  || die "PgListingStore's FIND changed; update the detail SQL here"
SEARCH_SRC="$BENCH_ROOT/database/src/main/java/io/hexproperty/database/SearchSql.java"
for fragment in '"lower(city) = lower(" + bind(params, v) + ")"' '"state_or_province = " + bind(params, v)' \
    '" ORDER BY listing_contract_date DESC, listing_key ASC"' '" LIMIT ").append(bind(params, (long) q.limit() + 1))'; do
  grep -qF "$fragment" "$SEARCH_SRC" || die "SearchSql changed ($fragment not found); update the search SQL here"
done
DETAIL_SQL="SELECT $COLUMNS FROM listings WHERE listing_key = \$1"
# SearchSql.of(city, state, sort=newest, limit): lower(city) = lower($1) AND state_or_province = $2 ... LIMIT limit+1
SEARCH_SQL="SELECT $COLUMNS FROM listings WHERE lower(city) = lower(\$1) AND state_or_province = \$2 ORDER BY listing_contract_date DESC, listing_key ASC LIMIT \$3"

log "collecting $KEYS listing keys through the API"
n="$(collect_keys "$TARGET" "$KEYS" "$BENCH_TMP/keys.txt")"
[ "$n" -eq "$KEYS" ] || die "got $n keys, wanted $KEYS"

# pgbench has no string variables: one script per key, weighted by Zipf rank (same law as the wrk script).
mkdir -p "$BENCH_TMP/pgbench"
DETAIL_ARGS=()
r=0
while read -r key; do
  r=$((r + 1))
  f="$BENCH_TMP/pgbench/detail-$r.sql"
  echo "SELECT $COLUMNS FROM listings WHERE listing_key = '$key';" >"$f"
  DETAIL_ARGS+=(-f "$f@$(awk -v r="$r" 'BEGIN { w = int(1000000 / r ^ 0.99 + 0.5); print (w < 1 ? 1 : w) }')")
done <"$BENCH_TMP/keys.txt"
cat >"$BENCH_TMP/pgbench/search.sql" <<SQL
\set lim $((SEARCH_LIMIT + 1))
SELECT $COLUMNS FROM listings WHERE lower(city) = lower('$SEARCH_CITY') AND state_or_province = '$SEARCH_STATE' ORDER BY listing_contract_date DESC, listing_key ASC LIMIT :lim;
SQL

STATEMENTS=0
psql -X -qAtc "SELECT 1 FROM pg_extension WHERE extname = 'pg_stat_statements'" | grep -q 1 && STATEMENTS=1
# statement_stats LABEL LIKE: the busiest statement matching LIKE since the last reset (database-side time)
statement_stats() {
  [ "$STATEMENTS" = 1 ] || return 0
  psql -X -qAtF ' ' -c "SELECT calls, round(mean_exec_time::numeric, 4) FROM pg_stat_statements
      WHERE query LIKE '$2' ORDER BY calls DESC LIMIT 1" | { read -r calls mean || true; echo "$1 ${calls:-0} ${mean:-n/a}"; }
}
reset_statements() { [ "$STATEMENTS" = 1 ] && psql -X -qAtc "SELECT pg_stat_statements_reset()" >/dev/null || true; }

declare -A RPS P50 P99 ERR DBCALLS DBMEAN
record_db() { # name like
  local line; line="$(statement_stats "$1" "$2")"
  [ -n "$line" ] && { DBCALLS[$1]="$(echo "$line" | cut -d' ' -f2)"; DBMEAN[$1]="$(echo "$line" | cut -d' ' -f3)"; }
  return 0
}

run_pgbench() { # name script-args...
  local name="$1"; shift
  if [ "$WARMUP" != "0" ]; then
    log "$name: pgbench warm-up ${WARMUP}s"
    pgbench -n -M prepared -c "$CLIENTS" -j "$THREADS" -T "$WARMUP" "$@" >/dev/null 2>&1 || true
  fi
  reset_statements
  log "$name: pgbench -n -M prepared -c $CLIENTS -j $THREADS -T $DURATION ($(($# / 2)) script(s))"
  rm -f "$BENCH_TMP/pgbench/log".*
  pgbench -n -M prepared -c "$CLIENTS" -j "$THREADS" -T "$DURATION" -l --sampling-rate 0.2 \
      --log-prefix "$BENCH_TMP/pgbench/log" "$@" >"$BENCH_TMP/pgbench-$name.txt" 2>&1 \
    || { cat "$BENCH_TMP/pgbench-$name.txt" >&2; die "pgbench failed for $name"; }
  RPS[$name]="$(awk '/^tps = / {printf "%.2f", $3}' "$BENCH_TMP/pgbench-$name.txt")"
  ERR[$name]="$(awk '/number of failed transactions:/ {print $5; exit}' "$BENCH_TMP/pgbench-$name.txt")"
  # per-transaction latencies (microseconds, column 3) from a 20% sample of transactions
  read -r P50[$name] P99[$name] < <(cat "$BENCH_TMP/pgbench/log".* | awk '{print $3}' | sort -n | awk '
      { v[NR] = $1 } END { if (NR == 0) { print "n/a n/a"; exit }
        i50 = int(NR * 0.50); if (i50 < 1) i50 = 1; i99 = int(NR * 0.99); if (i99 < 1) i99 = 1
        printf "%.3f %.3f\n", v[i50] / 1000, v[i99] / 1000 }')
  log "$name: ${RPS[$name]} tps, p50 ${P50[$name]} ms, p99 ${P99[$name]} ms"
}

run_api() { # name url [wrk args]
  local name="$1"; shift
  if [ "$WARMUP" != "0" ]; then
    log "$name: warm-up ${WARMUP}s"
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" "$@" >/dev/null 2>&1 || true
  fi
  reset_statements
  local saved="$WARMUP"; WARMUP=0
  run_wrk "$name" "$@"
  WARMUP="$saved"
  RPS[$name]="$WRK_RPS"; P50[$name]="$WRK_P50"; P99[$name]="$WRK_P99"; ERR[$name]="$WRK_ERR"
}

log "detail SQL: $DETAIL_SQL"
run_pgbench pg_detail "${DETAIL_ARGS[@]}"
record_db pg_detail "SELECT listing_key, % FROM listings WHERE listing_key = %"
ZIPF_KEYS="$BENCH_TMP/keys.txt" ZIPF_PREFIX="/api/v1/listings/" ZIPF_SKEW=0.99 \
  run_api api_detail "$TARGET" -s "$BENCH_ROOT/bench/lib/zipf-paths.lua"
record_db api_detail "SELECT listing_key, % FROM listings WHERE listing_key = %"

log "search SQL: $SEARCH_SQL  (\$1=$SEARCH_CITY, \$2=$SEARCH_STATE, \$3=$((SEARCH_LIMIT + 1)))"
run_pgbench pg_search -f "$BENCH_TMP/pgbench/search.sql"
record_db pg_search "SELECT listing_key, % FROM listings WHERE lower(city) = lower(%"
run_api api_search "$TARGET/api/v1/listings?city=$SEARCH_CITY&state=$SEARCH_STATE&limit=$SEARCH_LIMIT"
record_db api_search "SELECT listing_key, % FROM listings WHERE lower(city) = lower(%"

row() { printf '| %-52s | %10s | %8s | %8s | %6s | %12s | %14s |\n' "$@"; }
TABLE="$(
  row "run" "req/s" "p50 ms" "p99 ms" "errors" "DB calls" "DB mean ms"
  row "---" "---:" "---:" "---:" "---:" "---:" "---:"
  for name in pg_detail api_detail pg_search api_search; do
    case "$name" in
      pg_detail) label="pgbench: listing by key ($CLIENTS conn, Zipf $KEYS keys)" ;;
      api_detail) label="API: GET /api/v1/listings/{key} (wrk -c$CONNECTIONS)" ;;
      pg_search) label="pgbench: search $SEARCH_CITY, $SEARCH_STATE ($CLIENTS conn)" ;;
      api_search) label="API: GET /api/v1/listings?city=..&state=..&limit=$SEARCH_LIMIT" ;;
    esac
    row "$label" "${RPS[$name]}" "${P50[$name]}" "${P99[$name]}" "${ERR[$name]:-0}" "${DBCALLS[$name]:-n/a}" "${DBMEAN[$name]:-n/a}"
  done
)"
RATIOS="$(
  echo "| ratio (req/s) | value |"
  echo "| --- | ---: |"
  echo "| API / pgbench, listing by key | $(ratio "${RPS[api_detail]}" "${RPS[pg_detail]}") |"
  echo "| API / pgbench, search | $(ratio "${RPS[api_search]}" "${RPS[pg_search]}") |"
)"
echo
echo "$TABLE"
echo
echo "$RATIOS"
echo

if [ "$RECORD" = 1 ]; then
  DOC="$BENCH_ROOT/docs/benchmarks/database.md"
  if [ ! -f "$DOC" ]; then
    cat >"$DOC" <<'HEAD'
# Database: the uncached API against pgbench running the same SQL

`bench/db-vs-pgbench.sh` measures, in one run, PostgreSQL's own throughput for the two read queries
of the API (pgbench, the server's exact SQL, prepared statements, as many connections as the server's
pool) and the API's throughput for the same queries over HTTP (wrk). The ratio is the share of the
database's capacity the HTTP path keeps: what the pool, the protocol, row decoding, JSON encoding and
HTTP cost. **The API has no cache yet**: every API request here reads PostgreSQL, so this is the
uncached (cold) path by construction.

How the two sides are made identical:
- the SQL: the columns are read at run time from `ListingRows.COLUMNS`, the predicates are those
  `PgListingStore` (by key) and `SearchSql` (city + state, newest first, `LIMIT limit + 1`) build; the
  script checks that `PgListingStore`'s statement still has that shape;
- the keys: listing keys collected through the API, the first the most popular; wrk draws them with
  Zipf s = 0.99 (`bench/lib/zipf-paths.lua`); pgbench, which has no string variables, gets one script
  per key weighted `1 / rank^0.99` (at most 128 scripts, hence 128 keys). pgbench's scripts carry the
  key as a literal where the server binds `$1`: same plan (primary key lookup);
- "DB calls" / "DB mean ms" are from `pg_stat_statements` for the measured phase only (reset after each
  warm-up): the database-side execution time of the very statement each side sent.

pgbench percentiles come from its per-transaction log (a 20% sample); wrk's from its latency
histogram. Both are closed-loop generators (coordinated omission understates tails).
HEAD
  fi
  {
    echo
    echo "## $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo
    echo "Command: \`$COMMAND\` (git $(git -C "$BENCH_ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown));"
    echo "${DURATION}s per run after a ${WARMUP}s warm-up; pgbench -M prepared -c $CLIENTS -j $THREADS; wrk -t$THREADS -c$CONNECTIONS; $KEYS keys."
    echo "PostgreSQL $(psql -X -qAtc 'SHOW server_version'), $(psql -X -qAtc 'SELECT count(*) FROM listings') listings, shared_buffers $(psql -X -qAtc 'SHOW shared_buffers') (the table fits: reads are from memory)."
    echo
    echo "$FACTS"
    echo
    echo "$TABLE"
    echo
    echo "$RATIOS"
  } >>"$DOC"
  log "appended to $DOC"
fi
