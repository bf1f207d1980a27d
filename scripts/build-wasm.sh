#!/usr/bin/env bash
# Builds the core for the browser: cargo (wasm32) → wasm-bindgen --target web
# → wasm-opt -Oz (npm binaryen). Output: target/wasm/telltale.js + telltale_bg.wasm.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
out=target/wasm
cargo build --quiet --release --lib --target wasm32-unknown-unknown
wasm-bindgen --target web --no-typescript --out-dir "$out" target/wasm32-unknown-unknown/release/telltale.wasm
if [ ! -x node_modules/.bin/wasm-opt ]; then
  npm install --no-audit --no-fund --silent
fi
node_modules/.bin/wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals "$out/telltale_bg.wasm" -o "$out/telltale_bg.wasm"
printf 'build-wasm: %s (%s bytes, %s gzipped)\n' "$out/telltale_bg.wasm" "$(stat -c %s "$out/telltale_bg.wasm")" "$(gzip -9c "$out/telltale_bg.wasm" | wc -c)"
