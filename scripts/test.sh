#!/usr/bin/env bash
# Every test: native unit and integration tests (real data in ../shared/data,
# exports opened by networkx and Graphviz), the wasm build under node, clippy,
# then the extension: built, linted for Firefox, and driven in headless
# Chromium against the local fixture web inside a loopback-only namespace.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

cargo clippy --all-targets --quiet -- -D warnings
cargo test
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
  cargo test --target wasm32-unknown-unknown --test wasm

bash scripts/build-extension.sh
node_modules/.bin/web-ext lint --source-dir dist/firefox --no-config-discovery
SKIP_BUILD=1 bash scripts/test-e2e.sh
