"""OpenWPM crawls made from HAR captures, in OpenWPM's own layouts, for tests
and the sample the repository ships.

Rows are written as OpenWPM writes them: headers as a JSON list of
[name, value] pairs, Set-Cookie lines joined by newlines (as Firefox gives
them), 3xx answers in http_redirects and not in http_responses, Firefox's
resource type names, ISO 8601 times, random visit ids shared by every hop of
a redirect chain. The Parquet columns and types are OpenWPM's
(openwpm/OpenWPM openwpm/storage/parquet_schema.py at 0098181b); a table
with no rows has no folder, and each table is split over several files.
"""

from __future__ import annotations

import json
import random
import uuid
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

S, I32, I64, U32, B = pa.string(), pa.int32(), pa.int64(), pa.uint32(), pa.bool_()

# The fields of OpenWPM's Parquet tables that a crawl of HAR captures fills, with OpenWPM's types.
PQ_SCHEMAS = {
    "site_visits": pa.schema([("visit_id", I64), ("browser_id", U32), ("instance_id", U32), ("site_url", S), ("site_rank", U32)]),
    "http_requests": pa.schema([
        ("incognito", I32), ("browser_id", U32), ("visit_id", I64), ("instance_id", U32), ("extension_session_uuid", S),
        ("event_ordinal", I64), ("window_id", I64), ("tab_id", I64), ("frame_id", I64), ("url", S), ("top_level_url", S),
        ("parent_frame_id", I64), ("frame_ancestors", S), ("method", S), ("referrer", S), ("headers", S), ("request_id", I64),
        ("is_XHR", B), ("is_third_party_channel", B), ("is_third_party_to_top_window", B), ("triggering_origin", S),
        ("loading_origin", S), ("loading_href", S), ("req_call_stack", S), ("resource_type", S), ("post_body", S),
        ("post_body_raw", S), ("time_stamp", S),
    ]),
    "http_responses": pa.schema([
        ("incognito", I32), ("browser_id", U32), ("visit_id", I64), ("instance_id", U32), ("extension_session_uuid", S),
        ("event_ordinal", I64), ("window_id", I64), ("tab_id", I64), ("frame_id", I64), ("url", S), ("method", S),
        ("response_status", I64), ("response_status_text", S), ("is_cached", B), ("headers", S), ("request_id", I64),
        ("location", S), ("time_stamp", S), ("content_hash", S),
    ]),
    "http_redirects": pa.schema([
        ("incognito", I32), ("browser_id", U32), ("visit_id", I64), ("instance_id", U32), ("old_request_url", S),
        ("old_request_id", S), ("new_request_url", S), ("new_request_id", S), ("extension_session_uuid", S),
        ("event_ordinal", I64), ("window_id", I64), ("tab_id", I64), ("frame_id", I64), ("response_status", I64),
        ("response_status_text", S), ("headers", S), ("time_stamp", S),
    ]),
}

HTML = ("text/html", "application/xhtml+xml")
TYPES = [
    (("text/css",), "stylesheet"),
    (("application/javascript", "text/javascript", "application/x-javascript", "application/ecmascript"), "script"),
    (("application/json", "text/plain", "application/xml", "text/xml"), "xmlhttprequest"),
]


def firefox_type(mime: str, document: bool) -> str:
    m = mime.split(";")[0].strip().lower()
    if m in HTML:
        return "main_frame" if document else "sub_frame"
    for names, t in TYPES:
        if m in names:
            return t
    if m.startswith("image/"):
        return "image"
    if m.startswith("font/") or "font" in m:
        return "font"
    if m.startswith(("video/", "audio/")):
        return "media"
    return "other"


def headers_json(headers: list[dict]) -> str:
    pairs = [[h["name"], h["value"]] for h in headers if h["name"].lower() != "set-cookie"]
    cookies = [line for h in headers if h["name"].lower() == "set-cookie" for line in h["value"].split("\n")]
    if cookies:
        pairs.append(["Set-Cookie", "\n".join(cookies)])
    return json.dumps(pairs)


def crawl_rows(hars: list[Path], seed: int = 7) -> dict[str, list[dict]]:
    """Each HAR page a visit; its entries as OpenWPM's rows."""
    rng = random.Random(seed)
    rows: dict[str, list[dict]] = {t: [] for t in PQ_SCHEMAS}
    for har in hars:
        log = json.loads(Path(har).read_text())["log"]
        for page in log["pages"]:
            visit = rng.getrandbits(53)
            entries = [e for e in log["entries"] if e.get("pageref") == page["id"]]
            html = next((i for i, e in enumerate(entries) if e["response"]["content"].get("mimeType", "").split(";")[0] in HTML), None)
            # The navigation starts where the redirects that lead to that page start (mytoys.de's
            # checkout bounces through its group's sign-on host, each 302 recorded as text/plain).
            while html and entries[html - 1]["response"].get("redirectURL") == entries[html]["request"]["url"]:
                html -= 1
            doc = entries[html] if html is not None else None
            top = doc["request"]["url"] if doc else ""
            rows["site_visits"].append({"visit_id": visit, "browser_id": 1, "instance_id": 1, "site_url": top, "site_rank": None})
            in_document = False
            next_hop = None  # where the document redirected: that request is the document too (Firefox: main_frame)
            for n, e in enumerate(entries):
                url, status, when = e["request"]["url"], e["response"]["status"], e["startedDateTime"]
                hop = e is doc or (in_document and url == next_hop)
                is_doc = hop or (in_document and firefox_type(e["response"]["content"].get("mimeType", ""), True) == "main_frame" and 300 <= status < 400)
                in_document |= e is doc
                if hop:
                    # Firefox's top_level_url is the top document's URL: the last hop's once the redirects end.
                    next_hop, top = e["response"].get("redirectURL") or None, url
                request_id = visit % 1_000_000 * 1000 + n
                referer = next((h["value"] for h in e["request"]["headers"] if h["name"].lower() == "referer"), "")
                rows["http_requests"].append({
                    "browser_id": 1, "visit_id": visit, "instance_id": 1, "event_ordinal": n, "url": url, "top_level_url": top,
                    "method": e["request"]["method"], "referrer": referer, "headers": headers_json(e["request"]["headers"]),
                    "request_id": request_id, "resource_type": "main_frame" if hop else firefox_type(e["response"]["content"].get("mimeType", ""), is_doc),
                    "time_stamp": when,
                })
                location = e["response"].get("redirectURL") or ""
                if 300 <= status < 400 and location:
                    rows["http_redirects"].append({
                        "browser_id": 1, "visit_id": visit, "instance_id": 1, "old_request_url": url, "old_request_id": str(request_id),
                        "new_request_url": location, "new_request_id": str(request_id), "event_ordinal": n, "response_status": status,
                        "response_status_text": "", "headers": headers_json(e["response"]["headers"]), "time_stamp": when,
                    })
                else:
                    rows["http_responses"].append({
                        "browser_id": 1, "visit_id": visit, "instance_id": 1, "event_ordinal": n, "url": url, "method": e["request"]["method"],
                        "response_status": status, "response_status_text": "", "is_cached": False, "headers": headers_json(e["response"]["headers"]),
                        "request_id": request_id, "location": location, "time_stamp": when,
                    })
    return rows


def write_parquet(rows: dict[str, list[dict]], out: Path, files_per_table: int = 2) -> Path:
    """OpenWPM's Parquet layout: out/<table>/<uuid>-0.parquet, rows dealt round-robin over the files."""
    for table, schema in PQ_SCHEMAS.items():
        if not rows[table]:
            continue
        folder = out / table
        folder.mkdir(parents=True, exist_ok=True)
        for k in range(files_per_table):
            part = rows[table][k::files_per_table]
            if part:
                pq.write_table(pa.Table.from_pylist(part, schema=schema), folder / f"{uuid.UUID(int=random.Random(k * 31 + len(table)).getrandbits(128))}-0.parquet")
    return out


if __name__ == "__main__":  # pragma: no cover
    import sys

    out, *hars = sys.argv[1:]
    write_parquet(crawl_rows([Path(h) for h in hars]), Path(out))
    print(f"{out}: OpenWPM Parquet output of {len(hars)} captures")
