"""Shared fixtures of the Python package's tests."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pytest

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"


@pytest.fixture(scope="module")
def requests() -> pa.Table:
    """Brave's 8,276 real tracker and ad requests, with a first-party page for each."""
    rows = json.loads((SHARED / "requests" / "adblock-rust-matching-test-requests.json").read_text())
    return pa.table({
        "url": [r["url"] for r in rows],
        "top_level_url": ["https://news.example/" for _ in rows],
        "resource_type": [r["type"] for r in rows],
    })
