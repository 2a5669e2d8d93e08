#!/usr/bin/env bash
# The TypeScript SDK's CI: install from the lockfile, lint, type-check, check the OpenAPI copy,
# then the unit and integration tests against the real `mpppal` binary ($MPPPAL_BIN, else the
# Cargo target directory's debug build). Fails when no test ran.
set -euo pipefail
cd "$(dirname "$0")/.."

npm ci --no-audit --no-fund
npm run lint
npm run typecheck
npm run openapi:check
npm run build

report=test-results/vitest.json
mkdir -p test-results
npx vitest run --reporter=default --reporter=json --outputFile="$report"
ran=$(node -e 'const r=require(process.argv[1]);console.log(r.numPassedTests+r.numFailedTests)' "$PWD/$report")
if [ "$ran" -eq 0 ]; then
  echo "no test ran" >&2
  exit 1
fi
echo "$ran tests ran"
