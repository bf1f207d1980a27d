#!/usr/bin/env bash
# End-to-end tests of the extension: headless Chromium (driven by
# playwright-core) loads dist/chrome, and headless Firefox ESR (driven by
# puppeteer-core over WebDriver BiDi) loads dist/firefox; both browse a local
# fixture web (tests/e2e/fixture-web.mjs). Every tests/e2e/*.test.mjs runs, one
# after the other, each in its own browser profile: extension.test.mjs
# (browsing, classification, views, worker restarts), persistence.test.mjs
# (stored state: migration, corruption, compaction, retention, rule packs,
# heavy pages, a full disk) and firefox.test.mjs (the same fixture and
# expectations in Firefox, with its event page suspended and woken).
# Everything runs in a new network namespace with only loopback up, so no
# request can leave the machine.
#   SKIP_WASM=1    reuse target/wasm instead of rebuilding the core
#   SKIP_BUILD=1   use dist/chrome and dist/firefox as they are
#   CHROMIUM=PATH  another Chromium binary (default /usr/bin/chromium)
#   FIREFOX=PATH   another Firefox binary (default /usr/bin/firefox-esr)
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  bash scripts/build-extension.sh
fi
for d in dist/chrome dist/firefox; do
  [ -f "$d/manifest.json" ] || { echo "test-e2e: $d is missing; build the extension first" >&2; exit 1; }
done
[ -x "${CHROMIUM:-/usr/bin/chromium}" ] || { echo "test-e2e: no Chromium at ${CHROMIUM:-/usr/bin/chromium} (scripts/setup.sh --test installs it)" >&2; exit 1; }
[ -x "${FIREFOX:-/usr/bin/firefox-esr}" ] || { echo "test-e2e: no Firefox at ${FIREFOX:-/usr/bin/firefox-esr} (scripts/setup.sh --test installs it)" >&2; exit 1; }
[ -d node_modules/playwright-core ] && [ -d node_modules/puppeteer-core ] && [ -d node_modules/axe-core ] || npm ci --no-audit --no-fund --silent

# A private network namespace (loopback only) and a private PID namespace, so
# that no browser process outlives the run, and a private mount namespace (in
# which tests/e2e/persistence.test.mjs mounts a small tmpfs to fill a disk).
# Needs root, or else an unprivileged user namespace.
isolate=(unshare --net --pid --fork --kill-child --mount-proc)
[ "$(id -u)" = 0 ] || isolate+=(--map-root-user)

# The whole run is bounded: a hung browser must not hang CI.
exec timeout -k 10 900 "${isolate[@]}" sh -c \
  'ip link set lo up && TELLTALE_E2E_PRIVATE_MOUNTS=1 exec node --test --test-reporter=spec --test-timeout=150000 tests/e2e/'
