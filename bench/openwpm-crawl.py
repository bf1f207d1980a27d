"""Writes an OpenWPM crawl (crawl-data.sqlite, OpenWPM's schema from
tests/openwpm/schema.sql) of about --requests requests, for timing
`telltale audit` on it: the shared HAR captures' requests, visit after visit,
each visit on a page site of its own, with random visit ids, JSON headers
with the captures' cookies, responses, and redirects where the captures have them.

    python3 bench/openwpm-crawl.py --requests=1000000 [--sites=N] -o /tmp/crawl-1m.sqlite
    /usr/bin/time -f '%e s %M KB' target/release/telltale audit /tmp/crawl-1m.sqlite --json > /dev/null
"""

from __future__ import annotations

import json
import random
import sqlite3
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HARS = ROOT.parent / "shared" / "data" / "har"
args = dict(a.lstrip("-").split("=", 1) for a in sys.argv[1:] if "=" in a)
out = Path(sys.argv[sys.argv.index("-o") + 1]) if "-o" in sys.argv else Path("/tmp/crawl.sqlite")
wanted = int(args.get("requests", "1000000"))
# Page sites, in turn: 0 gives every visit a site of its own (a crawl of a
# site list); a few make the graph stop growing, leaving what the reading holds.
sites = int(args.get("sites", "0"))

entries = []
for har in ("aftonbladet.se-2015.har", "mytoys.de-2017.har"):
    log = json.loads((HARS / har).read_text())["log"]
    for e in log["entries"]:
        headers = json.dumps([[h["name"], h["value"]] for h in e["request"]["headers"]])
        cookies = "\n".join(h["value"] for h in e["response"]["headers"] if h["name"].lower() == "set-cookie")
        rheaders = json.dumps([[h["name"], h["value"]] for h in e["response"]["headers"] if h["name"].lower() != "set-cookie"] + ([["Set-Cookie", cookies]] if cookies else []))
        entries.append((e["request"]["url"], e["response"]["status"], e["response"].get("redirectURL") or "", headers, rheaders))

if out.exists():
    out.unlink()
db = sqlite3.connect(out)
db.executescript((ROOT / "tests" / "openwpm" / "schema.sql").read_text())
db.executescript("INSERT INTO task (task_id, manager_params, openwpm_version, browser_version) VALUES (1, '{}', '0.35.0', 'Firefox 146'); INSERT INTO crawl (browser_id, task_id, browser_params) VALUES (1, 1, '{}');")
rng = random.Random(7)
n = 0
visit_no = 0
while n < wanted:
    visit = rng.getrandbits(52)
    page = f"https://www.site{visit_no % sites if sites else visit_no}.example/"
    db.execute("INSERT INTO site_visits (visit_id, browser_id, site_url) VALUES (?, 1, ?)", (visit, page))
    reqs, resps, redirs = [], [], []
    t = f"2026-12-01T10:{(visit_no // 60) % 60:02d}:{visit_no % 60:02d}"
    reqs.append((visit, page, page, "GET", "", "[]", 0, "main_frame", t + ".000Z"))
    for i, (url, status, location, headers, rheaders) in enumerate(entries):
        ts = f"{t}.{(i + 1) % 1000:03d}Z"
        reqs.append((visit, url, page, "GET", page, headers, i + 1, "image", ts))
        if 300 <= status < 400 and location:
            redirs.append((visit, url, location, status, rheaders, ts))
        else:
            resps.append((visit, url, status, rheaders, i + 1, ts))
    db.executemany("INSERT INTO http_requests (browser_id, visit_id, url, top_level_url, method, referrer, headers, request_id, resource_type, time_stamp) VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?)", reqs)
    db.executemany("INSERT INTO http_responses (browser_id, visit_id, url, method, response_status, response_status_text, is_cached, headers, request_id, location, time_stamp) VALUES (1, ?, ?, 'GET', ?, '', 0, ?, ?, '', ?)", resps)
    db.executemany("INSERT INTO http_redirects (browser_id, visit_id, old_request_url, new_request_url, response_status, response_status_text, headers, time_stamp) VALUES (1, ?, ?, ?, ?, '', ?, ?)", redirs)
    n += len(reqs)
    visit_no += 1
db.commit()
db.close()
print(f"{out}: {visit_no:,} visits, {n:,} requests, {out.stat().st_size / 1e6:.0f} MB")
