#!/usr/bin/env bash
# The dashboard's CI, in one command: install from the lockfile, check, unit tests, build the
# export, browser tests against the real stack. Needs MPPPAL_BIN (the mpppal binary to test
# against), Node 20, /usr/bin/chromium, PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379.
set -euo pipefail

if [ -z "${MPPPAL_BIN:-}" ]; then
  echo "ci.sh: MPPPAL_BIN is not set: point it at the mpppal binary to test against" >&2
  exit 2
fi
if [ ! -f "$MPPPAL_BIN" ] || [ ! -x "$MPPPAL_BIN" ]; then
  echo "ci.sh: MPPPAL_BIN=$MPPPAL_BIN is not an executable file" >&2
  exit 2
fi
# Absolute, since the steps run in dashboard/.
MPPPAL_BIN="$(cd "$(dirname "$MPPPAL_BIN")" && pwd)/$(basename "$MPPPAL_BIN")"
export MPPPAL_BIN
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 NEXT_TELEMETRY_DISABLED=1

cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*"; }

step "npm ci"
npm ci --no-audit --no-fund
step "npm run check"
npm run check
step "npm test"
npm test
step "npm run build"
npm run build
step "npm run e2e (against $MPPPAL_BIN)"
report=test-results/e2e-report.json
rm -f "$report"
npm run e2e
# Playwright passes with every test skipped (or filtered out): that is not a pass here.
node -e '
  let stats;
  try {
    ({ stats } = JSON.parse(require("node:fs").readFileSync(process.argv[1], "utf8")));
  } catch (error) {
    console.error(`ci.sh: no Playwright report to count tests in (${process.argv[1]}): ${error.message}`);
    process.exit(1);
  }
  const ran = stats.expected + stats.unexpected + stats.flaky;
  console.log(`e2e: ${ran} ran (${stats.expected} passed, ${stats.flaky} flaky, ${stats.unexpected} failed), ${stats.skipped} skipped`);
  if (ran === 0) {
    console.error("ci.sh: Playwright ran no tests");
    process.exit(1);
  }
' "$report"
