#!/usr/bin/env bash
# One command for the extension: the wasm core, the UI bundle (npm libraries
# bundled by esbuild; nothing is loaded from a network at run time), and a
# folder per browser in dist/ (load unpacked / about:debugging) plus store zips.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

if [ ! -x node_modules/.bin/esbuild ] || [ package.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --silent
fi
# SKIP_WASM=1 reuses target/wasm (for UI-only changes).
[ "${SKIP_WASM:-0}" = 1 ] && [ -f target/wasm/telltale_bg.wasm ] || bash scripts/build-wasm.sh

stage=target/extension
rm -rf "$stage" && mkdir -p "$stage"
cp -r extension/background.js extension/background extension/content extension/injected \
      extension/popup extension/options extension/report extension/icons extension/shared "$stage"/
mkdir -p "$stage/graph" "$stage/wasm"
# The page probe and its parts (hashes from npm's @noble/hashes), as one classic script in strict mode
# (no page code can reach its functions through a stack's call sites). Its sourceURL names it in the
# stacks a page can read, instead of the extension's URL.
node_modules/.bin/esbuild extension/injected/probe.js --bundle --format=iife --minify --target=chrome120,firefox128 \
  --banner:js='"use strict";' --footer:js='//# sourceURL=<anonymous>' --inject:extension/injected/hash-globals.js \
  --log-level=warning --outfile="$stage/injected/probe.js" --allow-overwrite
rm "$stage/injected/typed.js" "$stage/injected/safe.js" "$stage/injected/caller.js" "$stage/injected/hash-globals.js"
cp extension/graph/graph.html extension/graph/graph.css "$stage/graph/"
node_modules/.bin/esbuild extension/graph/main.js --bundle --format=esm --minify --sourcemap=linked \
  --target=chrome120,firefox128 --log-level=warning --external:../wasm/telltale.js --outfile="$stage/graph/graph.js"
# The viewer an interactive HTML export carries inline (sigma bundled in); read by the graph page, run by no extension page.
node_modules/.bin/esbuild extension/viewer/viewer.js --bundle --format=iife --minify --target=chrome120,firefox128 \
  --log-level=warning --outfile="$stage/viewer/viewer.js"
# The CLI carries the same bundle (include_str!), kept beside its source: it must be what esbuild makes now.
if ! cmp -s "$stage/viewer/viewer.js" extension/viewer/viewer.bundle.js; then
  if [ "${UPDATE_VIEWER:-0}" = 1 ]; then
    cp "$stage/viewer/viewer.js" extension/viewer/viewer.bundle.js
  else
    echo "extension/viewer/viewer.bundle.js: not what esbuild makes from extension/viewer/viewer.js; run UPDATE_VIEWER=1 bash scripts/build-extension.sh and commit it" >&2
    exit 1
  fi
fi
cp target/wasm/telltale.js target/wasm/telltale_bg.wasm "$stage/wasm/"
# Vendors' js-flag opt-outs of the built-in pack, as page-world scripts.
node scripts/flag-scripts.mjs target/wasm "$stage/injected/flags" >/dev/null
# The default pack's EasyPrivacy layer, compiled (the worker never parses it).
node scripts/compile-packs.mjs target/wasm "$stage/rules" >/dev/null

rm -rf dist && mkdir -p dist
for browser in chrome firefox; do
  cp -r "$stage" "dist/$browser"
  node -e '
    const fs = require("fs");
    const path = require("path");
    const [src, dst, browser] = process.argv.slice(1);
    const m = JSON.parse(fs.readFileSync(src, "utf8"));
    if (browser === "chrome") {
      // Chrome reads service_worker and warns about keys it does not know.
      delete m.background.scripts;
      delete m.browser_specific_settings;
    } else {
      // Firefox names a MAIN-world script "<anonymous code>" in stacks (the UUID of the installation nowhere):
      // the probe keeps that name there.
      const probe = path.join(path.dirname(dst), "injected/probe.js");
      fs.writeFileSync(probe, fs.readFileSync(probe, "utf8").replace(/\n\/\/# sourceURL=.*\n?$/, "\n"));
    }
    fs.writeFileSync(dst, JSON.stringify(m, null, 2) + "\n");
  ' manifest.json "dist/$browser/manifest.json" "$browser"
  (cd "dist/$browser" && zip -qr -X "../telltale-$browser.zip" .)
done
echo "build-extension: dist/chrome, dist/firefox, dist/telltale-chrome.zip, dist/telltale-firefox.zip"
