#!/usr/bin/env bash
# The HTTP caching test suite (npm http-cache-tests, https://cache-tests.fyi) against three shared caches in
# front of the suite's own origin server, one after the other in one run:
#   gateway  ./hexproperty gateway --origin <suite server> --edge-cache-mb 64
#   nginx    Debian nginx(-light), proxy_cache (config written below, to a temp dir)
#   varnish  Debian varnish, varnishd -F -b <suite server> (builtin VCL, -s malloc,64m)
# Prints per engine: required tests passed / total, optional passed / total, and the failing required tests.
#
#   bench/cache-tests.sh                       # all three
#   ENGINES="gateway" bench/cache-tests.sh     # a subset
#   PORT_BASE=18100 (default; uses PORT_BASE..PORT_BASE+5), CACHE_TESTS_DIR (default ~/.cache/hexproperty/cache-tests)
#   KEEP=1 keeps the temp dir (results JSON, logs); SUMMARY_JSON=file writes the numbers as JSON.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VERSION="${CACHE_TESTS_VERSION:-0.4.5}"
DIR="${CACHE_TESTS_DIR:-$HOME/.cache/hexproperty/cache-tests}"
ENGINES="${ENGINES:-gateway nginx varnish}"
PORT_BASE="${PORT_BASE:-18100}"
ORIGIN_PORT=$PORT_BASE; GW_PORT=$((PORT_BASE + 1)); GW_ADMIN=$((PORT_BASE + 2)); NGINX_PORT=$((PORT_BASE + 3)); VARNISH_PORT=$((PORT_BASE + 4))

for tool in node npm curl; do
  command -v "$tool" >/dev/null || { echo "cache-tests: skipped: '$tool' is not installed (the suite needs Node.js and npm)"; exit 0; }
done
SUITE="$DIR/node_modules/http-cache-tests"
if [ ! -f "$SUITE/package.json" ] || ! grep -q "\"version\": \"$VERSION\"" "$SUITE/package.json"; then
  mkdir -p "$DIR"
  [ -f "$DIR/package.json" ] || echo '{"name":"hexproperty-cache-tests","private":true}' > "$DIR/package.json"
  (cd "$DIR" && npm install --no-audit --no-fund --silent "http-cache-tests@$VERSION")
fi

TMP="$(mktemp -d /tmp/hexproperty-cache-tests.XXXXXX)"
chmod 755 "$TMP"
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  if [ "${KEEP:-0}" = 1 ]; then echo "cache-tests: kept $TMP"; else rm -rf "$TMP"; fi
}
trap cleanup EXIT

wait_http() { # url, seconds
  local i
  for ((i = 0; i < $2 * 10; i++)); do
    curl -s -o /dev/null "$1" && return 0
    sleep 0.1
  done
  echo "cache-tests: $1 did not answer within $2 s" >&2
  return 1
}

# the suite's origin: its state is per test (unique URLs), so one server serves every engine
(cd "$SUITE" && npm_config_protocol=http npm_config_port=$ORIGIN_PORT npm_config_pidfile="$TMP/origin.pid" \
  exec node server/server.mjs) >"$TMP/origin.log" 2>&1 &
PIDS+=($!)
wait_http "http://127.0.0.1:$ORIGIN_PORT/" 20

run_suite() { # name base-url
  (cd "$SUITE" && npm_config_base="$2" npm_config_id="" npm_package_config_id="" node --no-warnings cli.mjs) >"$TMP/$1.json" 2>"$TMP/$1.err"
  RESULTS+=("$1=$TMP/$1.json")
}

RESULTS=()
echo "cache-tests $VERSION, $(date -u +%Y-%m-%dT%H:%M:%SZ), load average $(cut -d' ' -f1-3 /proc/loadavg), engines: $ENGINES"
for engine in $ENGINES; do
  case "$engine" in
    gateway)
      "$ROOT/hexproperty" gateway --origin "http://127.0.0.1:$ORIGIN_PORT" --edge-cache-mb 64 --host 127.0.0.1 \
        --port "$GW_PORT" --admin-port "$GW_ADMIN" --admin-token "cache-tests-admin-token-$$" --health-path "" \
        >"$TMP/gateway.log" 2>&1 &
      pid=$!; PIDS+=($pid)
      wait_http "http://127.0.0.1:$GW_PORT/" 120
      run_suite gateway "http://127.0.0.1:$GW_PORT"
      kill "$pid"; wait "$pid" 2>/dev/null || true
      ;;
    nginx)
      command -v nginx >/dev/null || { echo "cache-tests: nginx skipped (apt-get install nginx-light)"; continue; }
      mkdir -p "$TMP/nginx/cache" "$TMP/nginx/temp"
      cat >"$TMP/nginx/nginx.conf" <<NGINX
daemon off;
master_process off;
pid $TMP/nginx/nginx.pid;
error_log $TMP/nginx/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $TMP/nginx/temp/body;
  proxy_temp_path $TMP/nginx/temp/proxy;
  fastcgi_temp_path $TMP/nginx/temp/fastcgi;
  uwsgi_temp_path $TMP/nginx/temp/uwsgi;
  scgi_temp_path $TMP/nginx/temp/scgi;
  proxy_cache_path $TMP/nginx/cache levels=1:2 keys_zone=edge:10m max_size=64m inactive=60m use_temp_path=off;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location / {
      proxy_pass http://127.0.0.1:$ORIGIN_PORT;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_cache edge;
      proxy_cache_revalidate on;
      proxy_cache_lock on;
      proxy_cache_background_update on;
      proxy_cache_use_stale error timeout updating http_500 http_502 http_503 http_504;
    }
  }
}
NGINX
      nginx -p "$TMP/nginx" -c "$TMP/nginx/nginx.conf" -e "$TMP/nginx/error.log" &
      pid=$!; PIDS+=($pid)
      wait_http "http://127.0.0.1:$NGINX_PORT/" 20
      run_suite nginx "http://127.0.0.1:$NGINX_PORT"
      kill "$pid"; wait "$pid" 2>/dev/null || true
      ;;
    varnish)
      command -v varnishd >/dev/null || { echo "cache-tests: varnish skipped (apt-get install varnish)"; continue; }
      mkdir -p "$TMP/varnish"
      varnishd -F -a "127.0.0.1:$VARNISH_PORT" -b "127.0.0.1:$ORIGIN_PORT" -n "$TMP/varnish" -s malloc,64m -T none \
        >"$TMP/varnish.log" 2>&1 &
      pid=$!; PIDS+=($pid)
      wait_http "http://127.0.0.1:$VARNISH_PORT/" 30
      run_suite varnish "http://127.0.0.1:$VARNISH_PORT"
      kill "$pid"; wait "$pid" 2>/dev/null || true
      ;;
    *) echo "cache-tests: unknown engine $engine" >&2; exit 2 ;;
  esac
done
node "$ROOT/bench/cache-tests-summary.mjs" "$SUITE" "${RESULTS[@]}"
