#!/usr/bin/env bash
# Refreshes the vendored web-vitals library (Google, Apache-2.0) from the npm registry:
#   tools/refresh-web-vitals.sh [VERSION]     (default: the latest)
# It copies the one-file IIFE build (a global `webVitals`), its LICENSE and the version into
# http/src/main/resources/webroot/vendor/web-vitals/. Needs npm; nothing is installed.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="$ROOT/http/src/main/resources/webroot/vendor/web-vitals"
SPEC="web-vitals${1:+@$1}"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
(cd "$TMP" && npm pack --silent "$SPEC" >/dev/null && tar xzf web-vitals-*.tgz)
VERSION="$(node -p "require('$TMP/package/package.json').version")"
LICENSE_ID="$(node -p "require('$TMP/package/package.json').license")"
[ "$LICENSE_ID" = "Apache-2.0" ] || { echo "web-vitals $VERSION is licensed $LICENSE_ID, not Apache-2.0: check before vendoring" >&2; exit 1; }
mkdir -p "$DEST"
# no source map is shipped: drop the comment that would make browsers ask for one
sed "/sourceMappingURL=/d" "$TMP/package/dist/web-vitals.iife.js" > "$DEST/web-vitals.iife.js"
cp "$TMP/package/LICENSE" "$DEST/LICENSE"
echo "$VERSION" > "$DEST/VERSION"
echo "web-vitals $VERSION vendored into ${DEST#$ROOT/}"
