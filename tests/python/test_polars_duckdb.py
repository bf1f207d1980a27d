"""The same Arrow function from Polars (a LazyFrame's map_batches) and from
DuckDB (a query over Parquet, answered as Arrow batches), on Brave's shared
requests: every row gets the classifier's own verdict."""

from __future__ import annotations

import json

import duckdb
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import telltale


@pytest.fixture(scope="module")
def want(requests):
    return telltale.Classifier().classify_arrow(requests).to_pylist()


def verdicts(rows):
    return [{k: r[k] for k in ("url", *telltale.VERDICT_COLUMNS)} for r in rows]


def test_polars_map_batches(requests, want):
    c = telltale.Classifier()
    lazy = pl.from_arrow(requests).lazy().map_batches(lambda df: pl.from_arrow(c.classify_arrow(df.to_arrow())), validate_output_schema=False)
    got = lazy.collect()
    assert got.columns == requests.column_names + list(telltale.VERDICT_COLUMNS)
    assert got.schema["categories"] == pl.List(pl.String)
    assert verdicts(got.to_dicts()) == verdicts(want)
    top = got.filter(pl.col("tracker") & pl.col("company").is_not_null()).group_by("company").len().sort("len", descending=True).row(0)
    assert top[0] == "Google", top


def test_duckdb_over_parquet(requests, want, tmp_path):
    path = tmp_path / "http_requests.parquet"
    pq.write_table(requests, path, row_group_size=1000)
    c = telltale.Classifier()
    reader = duckdb.sql(f"SELECT url, top_level_url, resource_type FROM read_parquet('{path}')").to_arrow_reader(1000)
    classified = pa.Table.from_batches(list(c.classify_batches(reader)))
    # And back into DuckDB, as a table SQL can query.
    top = duckdb.sql("SELECT company, count(*) AS n FROM classified WHERE tracker AND company IS NOT NULL GROUP BY company ORDER BY n DESC LIMIT 1").fetchall()[0]
    assert top[0] == "Google", top
    as_text = lambda rows: sorted(json.dumps(r, sort_keys=True) for r in verdicts(rows))
    assert as_text(classified.to_pylist()) == as_text(want)
