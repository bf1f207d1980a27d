#!/usr/bin/env bash
# Installs what Telltale needs on a Debian machine with Rust from rustup,
# skipping everything already present (a second run takes a second).
#   scripts/setup.sh          build tools and the demo's: wasm32 target, wasm-bindgen-cli,
#                             node, zip, Chromium (driven by playwright-core from npm)
#   scripts/setup.sh --test   also the test clients: Firefox ESR, Graphviz, networkx, jsonschema, clippy,
#                             and .venv for the Python package (maturin, pyarrow, pytest, PySpark on Java 17)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

tests=0
[ "${1:-}" = "--test" ] && tests=1

say() { printf 'setup: %s\n' "$*"; }

# The wasm-bindgen CLI must match the crate's pinned wasm-bindgen exactly.
wb_version=$(sed -n 's/^wasm-bindgen = "=\([0-9.]*\)"/\1/p' Cargo.toml)

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $wb_version" ]; then
  say "installing wasm-bindgen-cli $wb_version"
  cargo install --force wasm-bindgen-cli --version "$wb_version"
fi

apt_missing=()
need_apt() { dpkg -s "$1" >/dev/null 2>&1 || apt_missing+=("$1"); }
command -v node >/dev/null 2>&1 || { need_apt nodejs; need_apt npm; }
need_apt zip

# The demo and the end-to-end tests drive Chromium in a loopback-only network
# namespace, against a fixture web with an openssl-made certificate.
need_apt chromium
need_apt iproute2
need_apt util-linux
need_apt openssl

if [ "$tests" = 1 ]; then
  need_apt firefox-esr
  need_apt graphviz
  # pdftotext: the e2e tests read the text of the site report printed to PDF.
  need_apt poppler-utils
  need_apt openjdk-17-jre-headless
  if ! rustup component list --installed | grep -q '^clippy'; then
    say "adding clippy"
    rustup component add clippy
  fi
fi

if [ "${#apt_missing[@]}" -gt 0 ]; then
  say "installing ${apt_missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${apt_missing[@]}" >/dev/null
fi

if [ "$tests" = 1 ] && ! python3 -c 'import networkx, jsonschema' 2>/dev/null; then
  say "installing networkx and jsonschema"
  python3 -m pip install --quiet --disable-pip-version-check networkx jsonschema
fi

# The Python package is built (maturin) and tested (pytest) in a virtual
# environment of its own, .venv, with these exact versions from PyPI.
# PySpark runs on Debian's Java 17.
if [ "$tests" = 1 ]; then
  py_wanted=(maturin==1.16.0 pyarrow==26.0.1 pytest==9.2.0 networkx==3.6.1 "pyspark[sql]==4.3.0" pandas==2.3.3 polars==2.1.0 duckdb==2.0.0 tldextract==5.4.0)
  if [ ! -x .venv/bin/python ]; then
    say "making the Python virtual environment .venv"
    python3 -m venv .venv
  fi
  if [ "$(cat .venv/telltale-wanted 2>/dev/null)" != "${py_wanted[*]}" ]; then
    say "installing into .venv: ${py_wanted[*]}"
    .venv/bin/python -m pip install --quiet --disable-pip-version-check "${py_wanted[@]}"
    echo "${py_wanted[*]}" > .venv/telltale-wanted
  fi
fi
say "ready"
