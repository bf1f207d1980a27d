#!/usr/bin/env bash
# Every test: native unit and integration tests (real data in ../shared/data,
# exports opened by networkx and Graphviz), the wasm build under node, the
# Python package (maturin, pytest), clippy,
# then the extension: built, linted for Firefox, and driven in headless
# Chromium against the local fixture web inside a loopback-only namespace.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

cargo clippy --all-targets --quiet -- -D warnings
cargo test
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
  cargo test --target wasm32-unknown-unknown --test wasm

# The Python package: a wheel built by maturin from the same crate, installed
# in .venv (scripts/setup.sh --test makes it) and tested by pytest, beside the
# CLI that cargo test built.
rm -rf target/wheels-test
.venv/bin/maturin build --profile dev --quiet -o target/wheels-test
.venv/bin/python -m pip install --quiet --disable-pip-version-check --force-reinstall --no-deps target/wheels-test/telltale-*.whl
.venv/bin/python -m pytest -q -p no:cacheprovider tests/python

bash scripts/build-extension.sh
node_modules/.bin/web-ext lint --source-dir dist/firefox --no-config-discovery
SKIP_BUILD=1 bash scripts/test-e2e.sh
