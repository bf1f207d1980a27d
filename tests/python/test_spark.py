"""telltale.spark under a real local PySpark (local[2], Java from Debian):
the verdict's columns computed on the executors through mapInArrow equal
the classifier's own, on Brave's 8,276 shared requests."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pyarrow as pa
import pytest

import telltale
import telltale.spark

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"


@pytest.fixture(scope="module")
def spark():
    from pyspark.sql import SparkSession

    # The executors' Python is this one (the virtual environment with telltale in it).
    os.environ["PYSPARK_PYTHON"] = sys.executable
    s = (
        SparkSession.builder.master("local[2]")
        .appName("telltale-test")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", "2")
        .getOrCreate()
    )
    yield s
    s.stop()


@pytest.fixture(scope="module")
def requests() -> pa.Table:
    rows = json.loads((SHARED / "requests" / "adblock-rust-matching-test-requests.json").read_text())
    return pa.table({
        "url": [r["url"] for r in rows],
        "top_level_url": [r["sourceUrl"] if r["sourceUrl"].startswith("http") and len(r["sourceUrl"]) > 8 else "https://news.example/" for r in rows],
        "resource_type": [r["type"] for r in rows],
    })


def test_spark_adds_the_verdict_on_the_executors(spark, requests):
    df = spark.createDataFrame(requests.to_pandas()).repartition(4)
    out = telltale.spark.classify(df)
    assert out.columns == requests.column_names + list(telltale.VERDICT_COLUMNS)
    got = {(r["url"], r["top_level_url"], r["resource_type"]): r for r in (row.asDict() for row in out.collect())}
    want = telltale.Classifier().classify_arrow(requests).to_pylist()
    assert len(got) == len({(r["url"], r["top_level_url"], r["resource_type"]) for r in want})
    for r in want:
        g = got[(r["url"], r["top_level_url"], r["resource_type"])]
        assert {k: g[k] for k in telltale.VERDICT_COLUMNS} == {k: r[k] for k in telltale.VERDICT_COLUMNS}, r["url"]
    # Spark's own aggregation over the new columns: the company seen most among the named trackers.
    top = out.filter("tracker AND company IS NOT NULL").groupBy("company").count().orderBy("count", ascending=False).first()
    assert top["company"] == "Google", top


def test_spark_names_a_missing_column(spark, requests):
    df = spark.createDataFrame(requests.to_pandas())
    with pytest.raises(KeyError, match=r'no column "page" \(the page URL\); the DataFrame has url, top_level_url, resource_type'):
        telltale.spark.classify(df, page="page")


def test_the_readme_example_on_the_crawl_the_repository_ships(spark):
    """docs/python.md: Spark over samples/openwpm-crawl, OpenWPM's Parquet output of the two sample captures."""
    crawl = Path(__file__).resolve().parents[2] / "samples" / "openwpm-crawl"
    requests = spark.read.parquet(str(crawl / "http_requests"))
    verdicts = telltale.spark.classify(requests, url="url", page="top_level_url", type="resource_type")
    by_company = {r["company"]: r["count"] for r in verdicts.filter("tracker").groupBy("company").count().collect()}
    assert by_company["Contentsquare"] == 1 and by_company["Google"] >= 2, by_company
    assert verdicts.count() == requests.count() == 225
