"""OpenWPM's Parquet output through the CLI and the Python package: a crawl
of the shared captures in OpenWPM's Parquet layout (tests/python/openwpm_crawl.py)
gives the same report as the captures."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import telltale
from openwpm_crawl import PQ_SCHEMAS, crawl_rows, write_parquet

ROOT = Path(__file__).resolve().parents[2]
HARS = [ROOT.parent / "shared" / "data" / "har" / n for n in ("aftonbladet.se-2015.har", "mytoys.de-2017.har", "en.wikipedia.org-2015.har")]
CLI = ROOT / "target" / "debug" / "telltale"


def cli_json(*args) -> dict:
    return json.loads(subprocess.run([str(CLI), "audit", "--json", *map(str, args)], check=True, capture_output=True).stdout)


def pages(report: dict) -> list:
    """Each page's site and third parties, in a stable order (visit ids are random, so crawl order is not page order)."""
    return sorted((p["site"], sorted((t["site"], t["tracker"], t["categories"], t["requests"]) for t in p["third_parties"])) for p in report["pages"])


def test_a_parquet_crawl_reports_as_the_captures_do(tmp_path):
    crawl = write_parquet(crawl_rows(HARS), tmp_path / "crawl")
    assert sorted(p.name for p in crawl.iterdir()) == ["http_redirects", "http_requests", "http_responses", "site_visits"], "no folder for a table with no rows"
    assert len(list((crawl / "http_requests").glob("*-0.parquet"))) == 2
    from_har, from_crawl = cli_json(*HARS), cli_json(crawl)
    assert pages(from_crawl) == pages(from_har)
    # The companies that saw you on several sites; their sites listed in the order first seen, which the visits' order sets.
    cross = lambda r: sorted(json.dumps({**c, "sites": sorted(c["sites"]), "seen_on": sorted(c["seen_on"])}, sort_keys=True) for c in r["cross_site"])
    assert cross(from_crawl) == cross(from_har) and len(from_har["cross_site"]) > 0
    assert len(from_crawl["pages"]) == len(from_har["pages"]) == 8
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    a = telltale.audit(crawl, temp_dir=scratch)
    assert a.report == from_crawl and a.left_out == []
    assert list(scratch.iterdir()) == [], "the working copy and the waiting pages are removed"


def redirected_capture(tmp_path: Path) -> Path:
    """The aftonbladet capture reached through an ad's click-through: its document first redirects across sites, over two hops."""
    har = json.loads(HARS[0].read_text())
    entries = har["log"]["entries"]
    first = entries[0]
    head, rest = first["startedDateTime"].split(".", 1)
    earlier = lambda ms: f"{head}.{int(rest[:3]) - ms:03d}{rest[3:]}"

    def hop(url: str, to: str, cookie: str, when: str) -> dict:
        return {**first, "startedDateTime": when, "request": {**first["request"], "url": url, "headers": []},
                "response": {**first["response"], "status": 302, "redirectURL": to, "content": {"size": 0, "mimeType": "text/html"},
                             "headers": [{"name": "Location", "value": to}, {"name": "Set-Cookie", "value": cookie}]}}
    document = first["request"]["url"]
    entries[0:0] = [
        hop("https://click.ad-hop.test/c?ad=42&uid=Kx93Lm20Pq77Zt", "https://www.brand-hop.test/lp?ad=42", "clk=Kx93Lm20Pq77Zt; Max-Age=31536000", earlier(200)),
        hop("https://www.brand-hop.test/lp?ad=42", document, "lp=1; Max-Age=600", earlier(100)),
    ]
    path = tmp_path / "aftonbladet-redirected.har"
    path.write_text(json.dumps(har))
    return path


def test_a_visit_whose_document_redirects_across_sites_is_one_page_at_its_final_document(tmp_path):
    har = redirected_capture(tmp_path)
    crawl = write_parquet(crawl_rows([har]), tmp_path / "crawl")
    plain, from_har, from_crawl = cli_json(HARS[0]), cli_json(har), cli_json(crawl)
    assert pages(from_crawl) == pages(from_har) == pages(plain)
    assert [p["site"] for p in from_crawl["pages"]] == ["aftonbladet.se"]
    assert from_crawl["sites_visited"] == from_har["sites_visited"] == 1, "the hops are no sites you visited"


def test_wrong_types_and_missing_columns(tmp_path):
    rows = crawl_rows(HARS[1:2])
    crawl = write_parquet(rows, tmp_path / "crawl", files_per_table=1)
    # A file whose url column holds numbers: counted by table and column, the rest of the crawl read.
    odd = pa.table({**{f.name: pa.array([r.get(f.name) for r in rows["http_requests"][:3]], type=f.type) for f in PQ_SCHEMAS["http_requests"] if f.name != "url"}, "url": pa.array([1, 2, 3], type=pa.int64())})
    pq.write_table(odd, crawl / "http_requests" / "ffffffff-0.parquet")
    out = subprocess.run([str(CLI), "audit", "--json", str(crawl)], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert "left out 3 http_requests rows: url of type Int64, read as missing" in out.stderr
    assert "left out 3 http_requests rows: no URL" in out.stderr
    assert json.loads(out.stdout)["pages"][0]["site"] == "mytoys.de"
    # A file without a column Telltale reads: an error naming the file, table and columns.
    pq.write_table(pa.table({"visit_id": pa.array([1], type=pa.int64())}), crawl / "http_responses" / "00000000-0.parquet")
    out = subprocess.run([str(CLI), "audit", str(crawl)], capture_output=True, text=True)
    assert out.returncode != 0
    assert "00000000-0.parquet: not OpenWPM's http_responses: no column url, response_status, headers, request_id, time_stamp" in out.stderr, out.stderr
    # A folder that is no crawl.
    out = subprocess.run([str(CLI), "audit", str(tmp_path)], capture_output=True, text=True)
    assert out.returncode != 0 and "not OpenWPM's Parquet output: no site_visits folder" in out.stderr, out.stderr
