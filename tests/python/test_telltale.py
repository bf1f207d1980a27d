"""The Python package on real data: the shared request sets and HAR captures
(../shared/data), and an OpenWPM crawl in OpenWPM's own schema
(tests/openwpm/schema.sql)."""

from __future__ import annotations

import json
import pickle
import sqlite3
import subprocess
from pathlib import Path

import pyarrow as pa
import pytest

import telltale

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "data"
HARS = [SHARED / "har" / name for name in ("aftonbladet.se-2015.har", "mytoys.de-2017.har", "en.wikipedia.org-2015.har")]
CLI = ROOT / "target" / "debug" / "telltale"


@pytest.fixture(scope="module")
def classifier() -> telltale.Classifier:
    return telltale.Classifier()


def test_classify_names_the_tracker_and_says_why(classifier):
    v = classifier.classify("https://static.hotjar.com/c/hotjar-3105.js?sv=7", "https://www.aftonbladet.se/", "script")
    assert v["site"] == "hotjar.com" and v["entity"] == "Hotjar" and v["company"] == "Contentsquare" and v["tracker"] and v["third_party"]
    assert "session-replay" in v["categories"]
    assert any("Blacklight" in e for e in v["evidence"]), v["evidence"]
    # A company's own sites are not third parties; a URL that is no web address has no verdict.
    assert classifier.classify("https://www.google-analytics.com/analytics.js", "https://www.google.com/", "script")["third_party"] is True
    assert classifier.classify("https://www.aftonbladet.se/a.js", "https://aftonbladet.se/", "script")["third_party"] is False
    assert classifier.classify("data:text/plain,hi", "https://news.example/") is None


def test_classify_arrow_gives_every_row_the_verdict_classify_gives(classifier, requests):
    out = classifier.classify_arrow(requests)
    assert isinstance(out, pa.Table) and out.num_rows == requests.num_rows
    assert out.column_names == requests.column_names + list(telltale.VERDICT_COLUMNS)
    assert out.schema.field("categories").type == pa.list_(pa.string())
    rows = out.to_pylist()
    for r in rows[:: 7]:  # every 7th of 8,276, through the one-row path
        one = classifier.classify(r["url"], r["top_level_url"], r["resource_type"])
        got = {k: r[k] for k in telltale.VERDICT_COLUMNS}
        assert got == (one or {k: None for k in telltale.VERDICT_COLUMNS}), r["url"]
    # The set is ads (EasyList, which the default pack leaves out) and trackers (EasyPrivacy, which it has).
    assert next(r for r in rows if r["url"] == "https://www.google-analytics.com/analytics.js")["tracker"] is True
    assert sum(1 for r in rows if r["tracker"]) > 2000
    # A RecordBatch in, a RecordBatch out; streams a batch at a time.
    batch = requests.to_batches(max_chunksize=1000)[0]
    assert isinstance(classifier.classify_arrow(batch), pa.RecordBatch)
    assert sum(b.num_rows for b in classifier.classify_batches(requests.to_batches(max_chunksize=1000))) == requests.num_rows


def test_rows_that_repeat_a_request_each_get_its_own_verdict(classifier):
    # A crawl repeats requests: the same URL on many pages of a site, and on
    # other sites, where the verdict can differ (a company's own site, a filter
    # for one page domain or one request type). Each row gets what the one-row
    # path gives it, whatever came before it in the batch.
    urls = [
        "https://www.google-analytics.com/analytics.js",
        "https://static.hotjar.com/c/hotjar-3105.js?sv=7",
        "https://connect.facebook.net/en_US/fbevents.js",
        "https://www.aftonbladet.se/a.js",
        "not a url",
    ]
    pages = ["https://www.google.com/", "https://www.google.com/maps?q=1", "https://www.aftonbladet.se/", "https://www.aftonbladet.se/sport/", "https://news.example/a", None]
    rows = [(u, p, t) for t in ("script", "image", "xmlhttprequest") for p in pages for u in urls] * 3
    rows = rows[1::2] + rows[::2]
    t = pa.table({"url": [r[0] for r in rows], "top_level_url": [r[1] for r in rows], "resource_type": [r[2] for r in rows]})
    out = classifier.classify_arrow(t).to_pylist()
    for (u, p, ty), got in zip(rows, out):
        one = classifier.classify(u, p, ty) or {k: None for k in telltale.VERDICT_COLUMNS}
        assert {k: got[k] for k in telltale.VERDICT_COLUMNS} == one, (u, p, ty)
    ga = {(r["top_level_url"], r["tracker"]) for r in out if r["url"] == urls[0]}
    assert ("https://www.google.com/", False) in ga and ("https://news.example/a", True) in ga, ga


def test_nulls_odd_urls_and_other_string_layouts(classifier):
    t = pa.table({
        "u": pa.array(["https://connect.facebook.net/en_US/fbevents.js", None, "not a url", "javascript:void(0)"], type=pa.large_string()),
        "p": pa.array(["https://shop.example/", None, None, "https://shop.example/"], type=pa.string_view()),
        "t": ["script", "script", None, None],
    })
    out = classifier.classify_arrow(t, url="u", page="p", type="t").to_pylist()
    assert out[0]["site"] == "facebook.net" and out[0]["tracker"] is True
    assert [r["site"] for r in out[1:]] == [None, None, None]
    empty = classifier.classify_arrow(t.slice(0, 0), url="u", page="p", type="t")
    assert empty.num_rows == 0 and "tracker" in empty.column_names


def test_missing_or_mistyped_columns_are_named(classifier, requests):
    with pytest.raises(KeyError, match=r'no column "page_url" \(the page URL\); the data has url, top_level_url, resource_type'):
        classifier.classify_arrow(requests, page="page_url")
    mistyped = requests.set_column(0, "url", pa.array(range(requests.num_rows)))
    with pytest.raises(TypeError, match=r'column "url" \(the request URL\) holds Int64, not strings'):
        classifier.classify_arrow(mistyped)
    with pytest.raises(KeyError, match=r'already has a column "site"'):
        classifier.classify_arrow(requests.append_column("site", requests.column("url")))
    with pytest.raises(TypeError, match="RecordBatch or Table"):
        classifier.classify_arrow([{"url": "https://a.example/"}])


def test_a_rule_list_that_cannot_be_read_is_located(tmp_path):
    pack = tmp_path / "mine.json"
    pack.write_text('{"format": "telltale-rules/1", "name": "mine", "version": "1",\n  "entities": [ {"name": }\n]}\n')
    with pytest.raises(telltale.InputError) as e:
        telltale.Classifier([pack])
    assert e.value.file == str(pack) and e.value.line == 2 and e.value.column > 0, str(e.value)
    with pytest.raises(telltale.InputError, match="No such file"):
        telltale.Classifier([tmp_path / "missing.json"])


def test_a_researchers_list_loads_and_decides(tmp_path):
    easyprivacy_line = tmp_path / "mine.txt"
    easyprivacy_line.write_text("[Adblock Plus 2.0]\n! Title: my list\n||tracker-unlisted.example^$third-party\n")
    c = telltale.Classifier(easyprivacy_line)  # one path, or a list of them
    v = c.classify("https://px.tracker-unlisted.example/p.gif", "https://news.example/", "image")
    assert v["tracker"] and any("tracker-unlisted.example" in e for e in v["evidence"]), v


def test_audit_of_the_captures_is_the_clis_report(tmp_path):
    a = telltale.audit(HARS)
    cli = json.loads(subprocess.run([str(CLI), "audit", "--json", *map(str, HARS)], check=True, capture_output=True).stdout)
    assert a.report == cli
    assert [p["site"] for p in a.pages][:2] == ["aftonbladet.se", "mytoys.de"]
    g = a.to_networkx()
    assert g.is_directed() and g.number_of_nodes() == len(a.graph["nodes"]) and g.number_of_edges() == len(a.graph["edges"])
    assert "session-replay" in g.nodes["hotjar.com"]["categories"]
    assert g.has_edge("aftonbladet.se", "hotjar.com")
    with pytest.raises(telltale.InputError) as e:
        telltale.audit(tmp_path / "nothing.har")
    assert "nothing.har" in str(e.value)
    broken = tmp_path / "broken.har"
    broken.write_text('{"log": {"entries": [\n  {"request": }')
    with pytest.raises(telltale.InputError) as e:
        telltale.audit(broken)
    assert (e.value.line, e.value.column) == (2, 15), str(e.value)
    # It crosses process boundaries (multiprocessing, Spark executors) whole.
    again = pickle.loads(pickle.dumps(e.value))
    assert (type(again), str(again), again.file, again.line, again.column) == (telltale.InputError, str(e.value), str(broken), 2, 15)


def test_audit_of_an_openwpm_crawl(tmp_path):
    crawl = tmp_path / "crawl-data.sqlite"
    db = sqlite3.connect(crawl)
    db.executescript((ROOT / "tests" / "openwpm" / "schema.sql").read_text())
    db.executescript(
        """INSERT INTO task (task_id, manager_params, openwpm_version, browser_version) VALUES (1, '{}', '0.35.0', 'Firefox 146');
           INSERT INTO crawl (browser_id, task_id, browser_params) VALUES (1, 1, '{}');
           INSERT INTO site_visits (visit_id, browser_id, site_url) VALUES (5531, 1, 'https://news.example/');
           INSERT INTO http_requests (browser_id, visit_id, url, top_level_url, method, referrer, headers, request_id, resource_type, time_stamp) VALUES
             (1, 5531, 'https://news.example/', 'https://news.example/', 'GET', '', '[]', 1, 'main_frame', '2026-12-01T10:00:00.000Z'),
             (1, 5531, 'https://static.hotjar.com/c/hotjar-1.js', 'https://news.example/', 'GET', 'https://news.example/', '[["Referer","https://news.example/"]]', 2, 'script', '2026-12-01T10:00:01.000Z'),
             (1, 5531, 'undefined', 'https://news.example/', 'GET', '', '[]', 3, 'image', '2026-12-01T10:00:02.000Z');"""
    )
    db.commit()
    db.close()
    a = telltale.audit(crawl)
    assert [p["site"] for p in a.pages] == ["news.example"]
    assert [t["site"] for t in a.pages[0]["third_parties"]] == ["hotjar.com"]
    assert a.left_out == [f"{crawl}: 1 http_requests row: a URL that is not a web address"]
    other = tmp_path / "places.sqlite"
    sqlite3.connect(other).executescript("CREATE TABLE moz_places (id INTEGER, url TEXT);")
    with pytest.raises(telltale.InputError, match="not an OpenWPM crawl: no table site_visits"):
        telltale.audit(other)
