#!/usr/bin/env bash
# Every test class must be in a lane (unit, postgres, redis, browser, timing): an untagged class would run in
# `./hexproperty test` but silently never in `./hexproperty test --fast` or `-Dgroups=...`.
set -euo pipefail
cd "$(dirname "$0")/.."
missing=$(grep -rl --include='*.java' -E '@(Test|ParameterizedTest|RepeatedTest|TestFactory)\b' -- */src/test/java \
  | xargs grep -L -E '@(Unit|Postgres|Redis|Browser|Timing)\b|@Tag\("(unit|postgres|redis|browser|timing)"\)' || true)
# abstract contract kits are run through their concrete subclasses, which carry the lane
missing=$(for f in $missing; do grep -q -E '^(public )?abstract class|^(public )?interface ' "$f" || echo "$f"; done)
if [ -n "$missing" ]; then
  echo "check-lanes: test classes without a lane annotation:" >&2
  echo "$missing" >&2
  exit 1
fi
echo "check-lanes: every test class has a lane"
