#!/usr/bin/env bash
# The one test command (README: `npm test`; CI: .ci/run). Installs what it needs on a fresh Debian
# machine (Chromium and Firefox ESR from Debian, npm packages from the lock file), then runs
# typecheck, lint, the build, web-ext lint, unit/integration tests and the real-browser tests.
# It never skips a test because a browser is missing: it installs the browser or fails.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
[ -x /usr/lib/chromium/chromium ] || command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v firefox-esr >/dev/null 2>&1 || missing+=(firefox-esr)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing ${missing[*]} from Debian"
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi

mkdir -p .tmp
npm run -s typecheck
npm run -s lint
npm run -s build
npm run -s lint:firefox

status=0
npx vitest run --reporter=default --reporter=json --outputFile.json=.tmp/unit.json || status=1
npx vitest run --config vitest.e2e.config.ts --reporter=default --reporter=json --outputFile.json=.tmp/e2e.json || status=1

# One closing line for every suite together, in the plain form CI reads.
node -e '
  const fs = require("fs");
  let passed = 0, failed = 0, skipped = 0;
  for (const f of [".tmp/unit.json", ".tmp/e2e.json"]) {
    if (!fs.existsSync(f)) { failed++; continue; }
    const r = JSON.parse(fs.readFileSync(f, "utf8"));
    passed += r.numPassedTests; failed += r.numFailedTests + (r.numFailedTestSuites || 0);
    skipped += r.numPendingTests + r.numTodoTests;
  }
  console.log(`${passed} passed, ${failed} failed` + (skipped ? `, ${skipped} skipped` : ""));
'
exit $status
