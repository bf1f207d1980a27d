#!/usr/bin/env bash
# Every test: native unit and integration tests (real data in ../shared/data,
# exports opened by networkx and Graphviz), the wasm build under node, clippy.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

cargo clippy --all-targets --quiet -- -D warnings
cargo test
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
  cargo test --target wasm32-unknown-unknown --test wasm
