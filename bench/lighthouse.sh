#!/usr/bin/env bash
# Lighthouse (performance category) on the web page's three views, desktop and mobile presets.
#   bench/lighthouse.sh [--target http://127.0.0.1:8080] [--out DIR]
# Needs a running `./hexproperty serve` at --target (loopback only), npm and chromium. Lighthouse is
# installed with npm into a temporary directory (nothing global); reports go to DIR (default
# target/lighthouse) as lh-<form>-<view>.json, and a summary table is printed.
set -euo pipefail
TARGET="http://127.0.0.1:8080"
OUT="target/lighthouse"
LH_VERSION="12.8.2"
while [ $# -gt 0 ]; do
  case "$1" in
    --target) TARGET="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
case "$TARGET" in http://127.*|http://localhost*|http://\[::1\]*) ;; *) echo "--target must be a loopback URL" >&2; exit 2 ;; esac
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
(cd "$TMP" && npm install --silent --no-audit --no-fund "lighthouse@$LH_VERSION" >/dev/null)
mkdir -p "$OUT"
KEY="$(curl -sf "$TARGET/api/v1/listings?city=Houston&state=TX&limit=1" | sed -n 's/.*"ListingKey":"\([^"]*\)".*/\1/p' | head -n1)"
[ -n "$KEY" ] || { echo "no listing found at $TARGET" >&2; exit 1; }
export CHROME_PATH="${CHROME_PATH:-$(command -v chromium || command -v chromium-browser || command -v google-chrome)}"
for form in desktop mobile; do
  for view in home search detail; do
    case "$view" in
      home) url="$TARGET/" ;;
      search) url="$TARGET/#/search?city=Houston&state=TX" ;;
      detail) url="$TARGET/#/listing/$KEY" ;;
    esac
    preset=(); [ "$form" = desktop ] && preset=(--preset=desktop)
    "$TMP/node_modules/.bin/lighthouse" "$url" "${preset[@]}" --only-categories=performance --output=json \
      --output-path="$OUT/lh-$form-$view.json" --quiet --chrome-flags="--headless=new --no-sandbox"
  done
done
printf '| form | view | Performance | CLS | LCP ms | FCP ms | TBT ms | Speed Index ms |\n| --- | --- | --- | --- | --- | --- | --- | --- |\n'
for form in desktop mobile; do
  for view in home search detail; do
    node -e '
      const d = require(process.argv[1]), a = d.audits, n = k => Math.round(a[k].numericValue);
      console.log(`| ${process.argv[2]} | ${process.argv[3]} | ${Math.round(d.categories.performance.score * 100)} | ${a["cumulative-layout-shift"].numericValue.toFixed(3)} | ${n("largest-contentful-paint")} | ${n("first-contentful-paint")} | ${n("total-blocking-time")} | ${n("speed-index")} |`);
    ' "$(cd "$OUT" && pwd)/lh-$form-$view.json" "$form" "$view"
  done
done
