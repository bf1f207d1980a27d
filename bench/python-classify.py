"""Classifying requests from Python, in requests per second on one core, side
by side in one run:

- the baseline a researcher writes today: pandas with tldextract (its bundled
  Public Suffix List snapshot, no network) and a dict of tracker domains built
  from the same default pack (rules/default.json: every domain of an entity
  in a tracking category);
- what researchers use for the same question, a Python loop over Brave's
  engine binding (`adblock` from PyPI, 0.6.0) with tldextract for sites, on
  the same filter lists the default pack carries (its EasyList third-party
  sections and EasyPrivacy, from rules/easylist.json and rules/easyprivacy.json);
- telltale's Classifier.classify_arrow on the same rows as an Arrow table;
- the native Rust classifier on the same rows (examples/classify_rows.rs).

Rows: Brave's and Ghostery's shared request sets (16,572 requests), repeated
with new page sites up to --rows; with --pages-per-site=N, each request is
made on N pages of its site in a row, as a crawl of N pages a site gives.

    .venv/bin/python bench/python-classify.py [--rows=200000] [--pages-per-site=4]

Build first: .venv/bin/maturin build --release -o target/wheels && .venv/bin/pip install --force-reinstall target/wheels/telltale-*.whl
and cargo build --release --example classify_rows; the loop over Brave's
engine needs .venv/bin/pip install adblock==0.6.0 (for this benchmark only).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
import pyarrow as pa
import tldextract

import adblock
import telltale

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data" / "requests"
TRACKING = {"session-replay", "retargeting", "advertising", "analytics", "social", "fingerprinting", "cross-site-cookies", "tracking", "tag-manager"}

rows_wanted = int(next((a.split("=", 1)[1] for a in sys.argv[1:] if a.startswith("--rows=")), "200000"))
# As a crawl has them: each request on this many pages of its site (1: every row a new page site).
per_site = int(next((a.split("=", 1)[1] for a in sys.argv[1:] if a.startswith("--pages-per-site=")), "1"))
base = []
for name in ("adblock-rust-matching-test-requests.json", "ghostery-adblocker-test-requests.json"):
    base += [(r["url"], r["type"]) for r in json.loads((SHARED / name).read_text())]
def page(j: int, k: int) -> str:
    return f"https://site{j // len(base)}-{j % 97}.example/" + (f"page{k}" if per_site > 1 else "")


rows = [(u, page(j, i % per_site), t) for i, j, (u, t) in ((i, i // per_site, base[(i // per_site) % len(base)]) for i in range(rows_wanted))]
df = pd.DataFrame(rows, columns=["url", "top_level_url", "resource_type"])
table = pa.Table.from_pandas(df, preserve_index=False)

# The baseline's dict, from the same default pack.
pack = json.loads((ROOT / "rules" / "default.json").read_text())
trackers = {}
for e in pack["entities"]:
    if TRACKING & set(e.get("categories", [])):
        for d in e.get("domains", []):
            trackers[d] = (e["name"], e.get("company"), e["categories"])
extract = tldextract.TLDExtract(suffix_list_urls=())


def baseline(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    out["site"] = out["url"].map(lambda u: extract(u).top_domain_under_public_suffix)
    out["page_site"] = out["top_level_url"].map(lambda u: extract(u).top_domain_under_public_suffix)
    hit = out["site"].map(trackers.get)
    out["entity"] = hit.map(lambda h: h[0] if h else None)
    out["tracker"] = hit.notna() & (out["site"] != out["page_site"])
    return out


# The same two filter lists in Brave's engine, through its Python binding.
filters = adblock.FilterSet()
for layer in ("easylist", "easyprivacy"):
    for fl in json.loads((ROOT / "rules" / f"{layer}.json").read_text())["filter_lists"]:
        filters.add_filters(fl["filters"])
engine = adblock.Engine(filters, optimize=True)


def brave_loop(frame: pd.DataFrame) -> list:
    out = []
    for url, page, kind in zip(frame["url"], frame["top_level_url"], frame["resource_type"]):
        site = extract(url).top_domain_under_public_suffix
        page_site = extract(page).top_domain_under_public_suffix
        blocked = engine.check_network_urls(url, page, kind).matched
        out.append((site, page_site, blocked and site != page_site))
    return out


def timed(f, runs=3):
    best = float("inf")
    for _ in range(runs):
        t = time.perf_counter()
        r = f()
        best = min(best, time.perf_counter() - t)
    return best, r


c = telltale.Classifier()
extract("https://warm.example/")  # tldextract loads its list on first use
t_base, b = timed(lambda: baseline(df), runs=1)
t_brave, bl = timed(lambda: brave_loop(df), runs=1)
t_tt, r = timed(lambda: c.classify_arrow(table))
with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as f:
    for row in rows:
        f.write(json.dumps(row) + "\n")
native = ROOT / "target" / "release" / "examples" / "classify_rows"
outs = [dict(kv.split("=") for kv in subprocess.run([str(native), f.name], check=True, capture_output=True, text=True).stdout.split()) for _ in range(3)]
os.unlink(f.name)
t_native = min(float(o["seconds"]) for o in outs)

n = len(rows)
shape = "repeated with new page sites" if per_site == 1 else f"each on {per_site} pages of its site, repeated with new sites"
print(f"{n:,} requests ({len(base):,} shared requests {shape}), one core, best of runs")
print(f"  pandas + tldextract + dict:   {n / t_base:12,.0f} req/s  ({t_base:.2f} s; {int(b['tracker'].sum()):,} trackers)")
print(f"  loop: adblock + tldextract:   {n / t_brave:12,.0f} req/s  ({t_brave:.2f} s; {sum(1 for x in bl if x[2]):,} blocked third-party requests)")
print(f"  telltale classify_arrow:      {n / t_tt:12,.0f} req/s  ({t_tt:.2f} s; {sum(1 for x in r.column('tracker').to_pylist() if x):,} trackers)")
print(f"  native Rust classify:         {n / t_native:12,.0f} req/s  ({t_native:.2f} s; {int(outs[0]['trackers']):,} trackers)")
print(f"  classify_arrow / baseline: {t_base / t_tt:.1f}x; classify_arrow / loop over Brave's engine: {t_brave / t_tt:.2f}x; native / classify_arrow: {t_tt / t_native:.2f}x")
