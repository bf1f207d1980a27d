#!/usr/bin/env bash
# The main job. Builds the extension and audits the bundled sample captures
# with the CLI; then, with a display, starts Chromium with Telltale loaded;
# without one, runs the headless demo over the test fixture web and leaves the
# graph exports and screenshots in target/demo/.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

bash scripts/build-extension.sh
cargo run --release --quiet -- audit samples/aftonbladet.se-2015.har samples/mytoys.de-2017.har \
  --export target/telltale-graph.gexf --format gexf

if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  echo "demo: starting Chromium with Telltale loaded (profile in target/demo-profile)"
  exec "${CHROMIUM:-chromium}" --user-data-dir="$PWD/target/demo-profile" \
    --disable-extensions-except="$PWD/dist/chrome" --load-extension="$PWD/dist/chrome" --no-first-run
fi
echo "demo: no display; running the headless demo over the test fixture web"
if [ "$(id -u)" = 0 ]; then isolate=(unshare -n); else isolate=(unshare -r -n); fi
timeout -k 10 180 "${isolate[@]}" sh -c 'ip link set lo up && exec node scripts/demo.mjs'
