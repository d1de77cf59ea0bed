#!/usr/bin/env bash
# Uncached API against pgbench running the identical SQL: how much of PostgreSQL's own throughput the
# HTTP API keeps for a listing-by-key read and a typical search (Houston, TX, newest first). pgbench runs
# the SQL text the server runs (columns read from ListingRows.java, predicates as PgListingStoreSql and
# SearchSql build them; prepared, with the session settings of the server's pool) with as many
# connections as the server's pool; wrk hits the API for the same keys (Zipf, s = 0.99) and the same
# search. The API node is started with --no-cache, so every API request reads PostgreSQL.
#
# The targets alternate in rounds (pgbench, API, pgbench, API, ...; at least 5 rounds by default): each
# round gives one API/pgbench ratio per query, and the result is the median ratio with its spread
# (min-max and IQR). Loopback only; stops everything it started.
#
#   bench/db-vs-pgbench.sh                     # starts ./hexproperty serve --no-cache (data: /tmp/hexproperty-bench/pg)
#   bench/db-vs-pgbench.sh --rounds 7 --duration 8
#   bench/db-vs-pgbench.sh --smoke             # CI: 1 round of 2 s per target, 5,000 listings, nothing recorded
#   bench/db-vs-pgbench.sh --target http://127.0.0.1:18180 --data-dir /tmp/bench-var/pg   # a serve YOU started with --no-cache
#
# Options (defaults): --target URL (start our own --no-cache serve) --data-dir DIR (/tmp/hexproperty-bench/pg;
#   with --target, the serve's --data-dir: the PostgreSQL port is line 4 of DIR/pgdata/postmaster.pid)
#   --rounds N (5) --duration SECONDS per target and round (10) --warmup SECONDS per target, once (10)
#   --clients N (pgbench connections: the pool's default max(8, 4 x cores)) --threads N (2)
#   --connections N (wrk, 64) --keys N (128, pgbench's script limit) --smoke
#   --no-record (do not append to docs/benchmarks/database.md)
# Targets (README): point read >= 0.5, search >= 0.4.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

TARGET="" DATA_DIR="/tmp/hexproperty-bench/pg" DURATION=10 WARMUP=10 THREADS=2 CONNECTIONS=64 KEYS=128
CLIENTS=$(( 4 * $(nproc) > 8 ? 4 * $(nproc) : 8 )) RECORD=1
SEARCH_CITY="Houston" SEARCH_STATE="TX" SEARCH_LIMIT=20
TARGET_DETAIL=0.5 TARGET_SEARCH=0.4
COMMAND="bench/db-vs-pgbench.sh${*:+ $*}"
while [ $# -gt 0 ]; do
  case "$1" in
    --clients) CLIENTS="$2"; shift 2 ;;
    *) common_option "$@"; shift "$SHIFT" ;;
  esac
done
[ "$KEYS" -ge 1 ] && [ "$KEYS" -le 128 ] || die "--keys must be 1..128 (pgbench takes at most 128 scripts), got $KEYS"
[ "$ROUNDS" -ge 1 ] || die "--rounds must be at least 1"
require_loopback_target

trap bench_cleanup EXIT
trap 'exit 130' INT TERM
# pgbench is in the server package on Debian (postgresql-15 through the postgresql-contrib meta package)
ensure_tools wrk wrk pgbench postgresql-contrib psql postgresql-client curl curl python3 python3
bench_tmp
FACTS="$(machine_facts)"

if [ -z "$TARGET" ]; then
  start_serve "$DATA_DIR" --no-cache
else
  wait_ready "$TARGET"
  log "using the running server at $TARGET (it must run with --no-cache, or this measures its cache)"
fi
PID_FILE="$DATA_DIR/pgdata/postmaster.pid"
[ -r "$PID_FILE" ] || die "no $PID_FILE: is $DATA_DIR the --data-dir of the serve at $TARGET?"
PGPORT="$(sed -n 4p "$PID_FILE")"
PG_PID="$(sed -n 1p "$PID_FILE")"
API_PORT="${TARGET##*:}"; API_PORT="${API_PORT%%/*}"
API_PID="$(listener_pid "$API_PORT")"
[ -n "$API_PID" ] || log "cannot tell which process listens on :$API_PORT: no JVM CPU per request"
export PGHOST=127.0.0.1 PGPORT PGUSER=postgres PGDATABASE=hexproperty
# the embedded server requires its generated superuser password (scram-sha-256, ADR 0015)
[ -r "$DATA_DIR/postgres-password" ] && export PGPASSWORD="$(cat "$DATA_DIR/postgres-password")"
psql -X -qAtc "SELECT 1" >/dev/null || die "cannot connect to PostgreSQL at 127.0.0.1:$PGPORT as postgres"
log "PostgreSQL $(psql -X -qAtc 'SHOW server_version') on 127.0.0.1:$PGPORT; $(psql -X -qAtc 'SELECT count(*) FROM listings') listings"

# The SQL the server runs, from its source, so the two sides cannot drift apart.
SRC="$BENCH_ROOT/database/src/main/java/io/hexproperty/database"
COLUMNS="$(python3 - "$SRC/ListingRows.java" <<'PY'
import re, sys
src = open(sys.argv[1]).read()
m = re.search(r'COLUMNS\s*=\s*((?:"[^"]*"\s*\+?\s*)+);', src)
print("".join(re.findall(r'"([^"]*)"', m.group(1))) if m else "")
PY
)"
[ -n "$COLUMNS" ] || die "could not read ListingRows.COLUMNS from $SRC/ListingRows.java"
grep -rqF 'FIND = "SELECT " + ListingRows.COLUMNS + " FROM listings WHERE listing_key = $1"' "$SRC" \
  || die "the listing-by-key statement (FIND in $SRC) changed; update the detail SQL here"
for fragment in '"lower(city) = lower(" + bind(params, v) + ")"' '"state_or_province = " + bind(params, v)' \
    '" ORDER BY listing_contract_date DESC, listing_key ASC"' '" LIMIT ").append(bind(params, (long) q.limit() + 1))'; do
  grep -qF "$fragment" "$SRC/SearchSql.java" || die "SearchSql changed ($fragment not found); update the search SQL here"
done
# The session settings the server's pool sets (PgPools: addProperty("plan_cache_mode", ...)): pgbench's
# sessions get the same, so both sides make PostgreSQL do the same work per statement.
PLAN_MODE="$(grep -o 'addProperty("plan_cache_mode", "[a-z_]*")' "$SRC/PgPools.java" | head -n1 | sed 's/.*, "\(.*\)")/\1/' || true)"
[ -n "$PLAN_MODE" ] && export PGOPTIONS="-c plan_cache_mode=$PLAN_MODE"
DETAIL_SQL="SELECT $COLUMNS FROM listings WHERE listing_key = \$1"
# SearchSql.of(city, state, sort=newest, limit): lower(city) = lower($1) AND state_or_province = $2 ... LIMIT limit+1
SEARCH_SQL="SELECT $COLUMNS FROM listings WHERE lower(city) = lower(\$1) AND state_or_province = \$2 ORDER BY listing_contract_date DESC, listing_key ASC LIMIT \$3"

log "collecting $KEYS listing keys through the API"
n="$(collect_keys "$TARGET" "$KEYS" "$BENCH_TMP/keys.txt")"
[ "$n" -eq "$KEYS" ] || die "got $n keys, wanted $KEYS"

# pgbench has no string variables: one script per key, weighted by Zipf rank (same law as the wrk script).
# The key is bound as a parameter (\set cannot hold text), so each script is its own prepared statement
# with the key a literal: the same plan, a primary key lookup.
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
SEARCH_URL="$TARGET/api/v1/listings?city=$SEARCH_CITY&state=$SEARCH_STATE&limit=$SEARCH_LIMIT"
curl -fsS -o /dev/null "$SEARCH_URL" || die "the API does not answer $SEARCH_URL"

STATEMENTS=0
psql -X -qAtc "SELECT 1 FROM pg_extension WHERE extname = 'pg_stat_statements'" | grep -q 1 && STATEMENTS=1
# db_mean LIKE: the database-side mean execution time (ms) of the busiest statement matching LIKE since the last reset
db_mean() {
  [ "$STATEMENTS" = 1 ] || { echo n/a; return 0; }
  psql -X -qAt -c "SELECT round(mean_exec_time::numeric, 4) FROM pg_stat_statements
      WHERE query LIKE '$1' ORDER BY calls DESC LIMIT 1" | grep . || echo n/a
}
reset_statements() { [ "$STATEMENTS" = 1 ] && psql -X -qAtc "SELECT pg_stat_statements_reset()" >/dev/null || true; }
DETAIL_LIKE="SELECT listing_key, % FROM listings WHERE listing_key = %"
SEARCH_LIKE="SELECT listing_key, % FROM listings WHERE lower(city) = lower(%"

# Per target, one entry per round (space-separated): req/s, p50 ms, p99 ms, errors, DB mean ms, and the
# CPU time per request (microseconds) of the API's JVM and of PostgreSQL (postmaster and backends).
declare -A RPS P50 P99 ERR DBMEAN JVMCPU PGCPU
CPU0_JVM=0 CPU0_PG=0
cpu_mark() { CPU0_JVM="$(cpu_ms "$API_PID")"; CPU0_PG="$(cpu_ms "$PG_PID")"; }
per_request() { # ms-before ms-after rps -> microseconds per request over DURATION
  awk -v a="$1" -v b="$2" -v r="$3" -v d="$DURATION" 'BEGIN { n = r * d; if (n > 0) printf "%.0f", (b - a) * 1000 / n; else print "n/a" }'
}
add() { # name rps p50 p99 err dbmean
  RPS[$1]+="$2 "; P50[$1]+="$3 "; P99[$1]+="$4 "; ERR[$1]=$(( ${ERR[$1]:-0} + ${5:-0} )); DBMEAN[$1]+="$6 "
  PGCPU[$1]+="$(per_request "$CPU0_PG" "$(cpu_ms "$PG_PID")" "$2") "
  case "$1" in api_*) JVMCPU[$1]+="$(per_request "$CPU0_JVM" "$(cpu_ms "$API_PID")" "$2") " ;; esac
  return 0
}

pgbench_once() { # name seconds log(0|1) script-args...
  local name="$1" seconds="$2" logged="$3"; shift 3
  local out="$BENCH_TMP/pgbench-$name.txt" extra=()
  rm -f "$BENCH_TMP/pgbench/log".*
  [ "$logged" = 1 ] && extra=(-l --sampling-rate 0.2 --log-prefix "$BENCH_TMP/pgbench/log")
  pgbench -n -M prepared -c "$CLIENTS" -j "$THREADS" -T "$seconds" "${extra[@]}" "$@" >"$out" 2>&1 \
    || { cat "$out" >&2; die "pgbench failed for $name"; }
}

run_pgbench() { # name like script-args...
  local name="$1" like="$2"; shift 2
  reset_statements
  log "$name: pgbench -n -M prepared -c $CLIENTS -j $THREADS -T $DURATION ($(($# / 2)) script(s))"
  cpu_mark
  pgbench_once "$name" "$DURATION" 1 "$@"
  local out="$BENCH_TMP/pgbench-$name.txt" rps err p50 p99
  rps="$(awk '/^tps = / {printf "%.2f", $3}' "$out")"
  err="$(awk '/number of failed transactions:/ {print $5; exit}' "$out")"
  # per-transaction latencies (microseconds, column 3) from a 20% sample of transactions
  read -r p50 p99 < <(cat "$BENCH_TMP/pgbench/log".* 2>/dev/null | awk '{print $3}' | sort -n | awk '
      { v[NR] = $1 } END { if (NR == 0) { print "n/a n/a"; exit }
        i50 = int(NR * 0.50); if (i50 < 1) i50 = 1; i99 = int(NR * 0.99); if (i99 < 1) i99 = 1
        printf "%.3f %.3f\n", v[i50] / 1000, v[i99] / 1000 }')
  [ -n "$rps" ] || die "$name: no tps in pgbench's output"
  add "$name" "$rps" "$p50" "$p99" "${err:-0}" "$(db_mean "$like")"
  log "$name: $rps tps, p50 $p50 ms, p99 $p99 ms"
}

run_api() { # name like url [wrk args]
  local name="$1" like="$2"; shift 2
  reset_statements
  local saved="$WARMUP"; WARMUP=0
  cpu_mark
  run_wrk "$name" "$@"
  WARMUP="$saved"
  [ -n "$WRK_RPS" ] || die "$name: no Requests/sec in wrk's output"
  add "$name" "$WRK_RPS" "$WRK_P50" "$WRK_P99" "$WRK_ERR" "$(db_mean "$like")"
}

api_detail() { ZIPF_KEYS="$BENCH_TMP/keys.txt" ZIPF_PREFIX="/api/v1/listings/" ZIPF_SKEW=0.99 \
  run_api api_detail "$DETAIL_LIKE" "$TARGET" -s "$BENCH_ROOT/bench/lib/zipf-paths.lua"; }
api_search() { run_api api_search "$SEARCH_LIKE" "$SEARCH_URL"; }

log "detail SQL: $DETAIL_SQL"
log "search SQL: $SEARCH_SQL  (\$1=$SEARCH_CITY, \$2=$SEARCH_STATE, \$3=$((SEARCH_LIMIT + 1)))"
log "pgbench sessions: PGOPTIONS='${PGOPTIONS:-}' (the server pool's session settings)"
if [ "$WARMUP" != "0" ]; then
  log "warm-up: ${WARMUP}s per target (JIT, pools, PostgreSQL buffers), not recorded"
  pgbench_once warm "$WARMUP" 0 "${DETAIL_ARGS[@]}"
  ZIPF_KEYS="$BENCH_TMP/keys.txt" ZIPF_PREFIX="/api/v1/listings/" ZIPF_SKEW=0.99 \
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" -s "$BENCH_ROOT/bench/lib/zipf-paths.lua" "$TARGET" >/dev/null 2>&1 || true
  pgbench_once warm "$WARMUP" 0 -f "$BENCH_TMP/pgbench/search.sql"
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" "$SEARCH_URL" >/dev/null 2>&1 || true
fi

# Rounds: pgbench and the API alternate (ABAB...), so slow drift of the machine's load hits both sides alike.
for round in $(seq 1 "$ROUNDS"); do
  log "round $round/$ROUNDS"
  run_pgbench pg_detail "$DETAIL_LIKE" "${DETAIL_ARGS[@]}"
  api_detail
  run_pgbench pg_search "$SEARCH_LIKE" -f "$BENCH_TMP/pgbench/search.sql"
  api_search
done

# Per-round ratios, API / pgbench of the same round.
round_ratios() { # api pg
  local -a a=(${RPS[$1]}) p=(${RPS[$2]}) out=() i
  for i in "${!a[@]}"; do out+=("$(ratio "${a[$i]}" "${p[$i]}")"); done
  echo "${out[*]}"
}
R_DETAIL="$(round_ratios api_detail pg_detail)"
R_SEARCH="$(round_ratios api_search pg_search)"

cell() { # values -> "median (min-max)"
  read -r med lo hi _ < <(summary $1)
  [ "$med" = n/a ] && { echo n/a; return; }
  printf '%s (%s-%s)' "$med" "$lo" "$hi"
}
row() { printf '| %-52s | %26s | %8s | %9s | %6s | %10s | %12s | %11s |\n' "$@"; }
TABLE="$(
  row "run (median over rounds; min-max)" "req/s" "p50 ms" "p99 ms" "errors" "DB mean ms" "JVM CPU µs/req" "PG CPU µs/req"
  row "---" "---:" "---:" "---:" "---:" "---:" "---:" "---:"
  for name in pg_detail api_detail pg_search api_search; do
    case "$name" in
      pg_detail) label="pgbench: listing by key ($CLIENTS conn, Zipf $KEYS keys)" ;;
      api_detail) label="API --no-cache: GET /api/v1/listings/{key} (wrk -c$CONNECTIONS)" ;;
      pg_search) label="pgbench: search $SEARCH_CITY, $SEARCH_STATE ($CLIENTS conn)" ;;
      api_search) label="API --no-cache: GET /api/v1/listings?city=..&state=..&limit=$SEARCH_LIMIT" ;;
    esac
    row "$label" "$(cell "${RPS[$name]}")" "$(summary ${P50[$name]} | cut -d' ' -f1)" \
      "$(summary ${P99[$name]} | cut -d' ' -f1)" "${ERR[$name]:-0}" "$(summary ${DBMEAN[$name]} | cut -d' ' -f1)" \
      "$(summary ${JVMCPU[$name]:-} | cut -d' ' -f1)" "$(summary ${PGCPU[$name]} | cut -d' ' -f1)"
  done
)"
ratio_row() { # label target values
  read -r med lo hi q1 q3 < <(summary $3)
  echo "| $1 | $med | $lo-$hi | $q1-$q3 | $2 | $3 |"
}
RATIOS="$(
  echo "| ratio (req/s, API / pgbench, per round) | median | min-max | IQR | target | rounds |"
  echo "| --- | ---: | ---: | ---: | ---: | --- |"
  ratio_row "listing by key" "$TARGET_DETAIL" "$R_DETAIL"
  ratio_row "search $SEARCH_CITY, $SEARCH_STATE" "$TARGET_SEARCH" "$R_SEARCH"
)"
VERDICTS="$(
  verdict "listing by key, API / pgbench" "$TARGET_DETAIL" $R_DETAIL
  verdict "search, API / pgbench" "$TARGET_SEARCH" $R_SEARCH
)"
CPU_NOTE="CPU µs/req: CPU time the process used during the run divided by the requests served (JVM: the API node; PG: the postmaster and its backends). Unlike req/s it does not depend on how much of the shared machine each side got."
echo
echo "$TABLE"
echo
echo "$CPU_NOTE"
echo
echo "$RATIOS"
echo
echo "$VERDICTS"
echo

if [ "$RECORD" = 1 ]; then
  DOC="$BENCH_ROOT/docs/benchmarks/database.md"
  if [ ! -f "$DOC" ]; then
    cat >"$DOC" <<'HEAD'
# Database: the uncached API against pgbench running the same SQL

`bench/db-vs-pgbench.sh` measures, in one run, PostgreSQL's own throughput for the two read queries
of the API (pgbench, the server's exact SQL, prepared statements, the pool's session settings, as many
connections as the server's pool) and the throughput of a `--no-cache` API node for the same queries
over HTTP (wrk). The ratio is the share of the database's capacity the HTTP path keeps: what the pool,
the protocol, row decoding, JSON encoding and HTTP cost. The targets alternate in rounds and the result
is the median of the per-round ratios with its spread. Results are appended below, newest last.
HEAD
  fi
  {
    echo
    echo "## $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo
    echo "Command: \`$COMMAND\` (git $(git -C "$BENCH_ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown));"
    echo "$ROUNDS rounds (pgbench, API, alternating) of ${DURATION}s per target after one ${WARMUP}s warm-up per target;"
    echo "pgbench -M prepared -c $CLIENTS -j $THREADS (PGOPTIONS='${PGOPTIONS:-}'); wrk -t$THREADS -c$CONNECTIONS; $KEYS keys; API node: serve --no-cache."
    echo "PostgreSQL $(psql -X -qAtc 'SHOW server_version'), $(psql -X -qAtc 'SELECT count(*) FROM listings') listings, shared_buffers $(psql -X -qAtc 'SHOW shared_buffers')."
    echo
    echo "$FACTS"
    echo
    echo "$TABLE"
    echo
    echo "$CPU_NOTE"
    echo
    echo "$RATIOS"
    echo
    echo "$VERDICTS"
  } >>"$DOC"
  log "appended to $DOC"
fi
