#!/usr/bin/env bash
# Samples a node's own figures from its /metrics every 15 s during a soak run, for bench/soak-chart.py.
#   bench/soak-sample.sh http://127.0.0.1:8081/metrics 1800 > samples.txt
# Columns: epoch seconds, heap after GC (bytes), RSS (bytes), open HTTP connections, PostgreSQL
# connections leased, 1-minute load average of the machine.
set -euo pipefail
URL="${1:?metrics URL, e.g. http://127.0.0.1:8081/metrics}"
SECONDS_TO_RUN="${2:-1800}"
end=$(( $(date +%s) + SECONDS_TO_RUN ))
while [ "$(date +%s)" -lt "$end" ]; do
  m="$(curl -s --max-time 5 "$URL" || true)"
  heap="$(awk '/^jvm_gc_live_data_size_bytes/ {print $2}' <<<"$m")"
  rss="$(awk '/^process_memory_rss_bytes/ {print $2}' <<<"$m")"
  conns="$(awk '/^http_server_active_connections/ {s+=$2} END {print s}' <<<"$m")"
  pool="$(awk '/^db_client_connections_used/ {s+=$2} END {print s}' <<<"$m")"
  echo "$(date +%s) ${heap:-NaN} ${rss:-NaN} ${conns:-NaN} ${pool:-NaN} $(cut -d' ' -f1 /proc/loadavg)"
  sleep 15
done
