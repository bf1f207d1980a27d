"""PySpark: the verdict's columns added to a DataFrame, on every executor.

:func:`classify` runs Telltale's classifier through ``DataFrame.mapInArrow``:
each executor's Python worker gets Arrow batches, the Rust core appends the
verdict's columns, and Spark gets Arrow back. No Python code runs per row.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Iterator, Sequence, Union

import pyarrow as pa

from . import VERDICT_COLUMNS, Classifier

if TYPE_CHECKING:  # pragma: no cover
    from pyspark.sql import DataFrame

__all__ = ["classify", "verdict_schema"]

# One classifier per worker process and rule set: loading the packs is the costly part.
_classifiers: dict = {}


def _classifier(rules: tuple, default_rules: bool) -> Classifier:
    key = (rules, default_rules)
    if key not in _classifiers:
        _classifiers[key] = Classifier(list(rules), default_rules=default_rules)
    return _classifiers[key]


def verdict_schema(df: "DataFrame"):
    """The schema :func:`classify` returns: ``df``'s columns, then the verdict's."""
    from pyspark.sql.types import ArrayType, BooleanType, StringType, StructField, StructType

    added = {
        "site": StringType(),
        "entity": StringType(),
        "company": StringType(),
        "categories": ArrayType(StringType()),
        "tracker": BooleanType(),
        "third_party": BooleanType(),
        "evidence": ArrayType(StringType()),
    }
    return StructType(list(df.schema.fields) + [StructField(name, added[name], True) for name in VERDICT_COLUMNS])


def classify(
    df: "DataFrame",
    url: str = "url",
    page: str = "top_level_url",
    type: str = "resource_type",
    rules: Sequence[Union[str, "os.PathLike[str]"]] = (),
    default_rules: bool = True,
) -> "DataFrame":
    """``df`` with the verdict's columns appended (``site``, ``entity``,
    ``company``, ``categories``, ``tracker``, ``third_party``, ``evidence``),
    computed on the executors. ``rules`` are paths every executor can read.
    Raises ``KeyError`` naming a column that is missing, or that the verdict
    would overwrite.
    """
    for name, role in ((url, "request URL"), (page, "page URL"), (type, "resource type")):
        if name not in df.columns:
            raise KeyError(f'no column "{name}" (the {role}); the DataFrame has {", ".join(df.columns)}')
    for name in VERDICT_COLUMNS:
        if name in df.columns:
            raise KeyError(f'the DataFrame already has a column "{name}", which the verdict adds')
    rule_paths = tuple([os.fspath(rules)] if isinstance(rules, (str, os.PathLike)) else [os.fspath(r) for r in rules])
    schema = verdict_schema(df)

    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        c = _classifier(rule_paths, default_rules)
        for batch in batches:
            out = c.classify_arrow(batch, url=url, page=page, type=type)
            # Spark may hand strings over as large_string; answer in the types it expects.
            if pa.types.is_large_string(batch.schema.field(url).type):
                out = out.cast(_large(out.schema))
            yield out

    return df.mapInArrow(run, schema)


def _large(schema: pa.Schema) -> pa.Schema:
    def widen(t: pa.DataType) -> pa.DataType:
        if pa.types.is_string(t):
            return pa.large_string()
        if pa.types.is_list(t):
            return pa.large_list(widen(t.value_type))
        return t

    return pa.schema([f.with_type(widen(f.type)) if f.name in VERDICT_COLUMNS else f for f in schema], metadata=schema.metadata)
