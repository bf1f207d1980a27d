"""Telltale: which third parties track, and how, from the same Rust core as the
browser extension and the ``telltale`` command.

- :class:`Classifier` classifies one request (:meth:`Classifier.classify`) or
  Arrow data, a batch or table at a time, with no Python loop per row
  (:meth:`Classifier.classify_arrow`).
- :func:`audit` audits HAR captures and OpenWPM crawls (``crawl-data.sqlite``)
  and returns the report and the tracker graph (:meth:`Audit.to_networkx`).
- :mod:`telltale.spark` adds the verdict to a PySpark DataFrame.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterable, Optional, Sequence, Union

import pyarrow as pa

from . import _telltale

if TYPE_CHECKING:  # pragma: no cover
    import networkx

__all__ = ["Classifier", "Audit", "InputError", "audit", "VERDICT_COLUMNS", "__version__"]
__version__: str = _telltale.__version__

#: The columns :meth:`Classifier.classify_arrow` adds, in order.
VERDICT_COLUMNS = ("site", "entity", "company", "categories", "tracker", "third_party", "evidence")

PathLike = Union[str, "os.PathLike[str]"]


class InputError(ValueError):
    """Input Telltale cannot read: a rule list, a HAR capture or a crawl.

    ``file`` names it; ``line`` and ``column`` (1-based) say where, when the
    error has a place (``None`` otherwise).
    """

    def __init__(self, message: str, file: str, line: Optional[int] = None, column: Optional[int] = None):
        where = f"{file}:{line}:{column}" if line is not None else file
        super().__init__(f"{where}: {message}")
        self.message = message
        self.file = file
        self.line = line
        self.column = column

    def __reduce__(self) -> tuple[Any, ...]:
        # Made again from its parts, so it survives pickling (multiprocessing, Spark executors).
        return (type(self), (self.message, self.file, self.line, self.column))


class Classifier:
    """Classifies requests with Telltale's default rule pack and any rule
    lists given: Telltale packs, Disconnect's ``services.json``,
    DuckDuckGo's ``tds.json`` or Adblock Plus lists (told apart by content;
    later lists win for a domain they share). Raises :class:`InputError`
    with the file, line and column of a list that cannot be read.
    """

    def __init__(self, rules: Union[PathLike, Sequence[PathLike]] = (), *, default_rules: bool = True) -> None:
        self._inner = _telltale.Classifier(_paths(rules), default_rules)

    def classify(self, url: str, page_url: Optional[str] = None, resource_type: str = "other") -> Optional[dict[str, Any]]:
        """The verdict on one request: a dict of ``site`` (registrable
        domain), ``entity``, ``company``, ``categories`` (ids such as
        ``session-replay``), ``tracker``, ``third_party`` and ``evidence``
        (the rule and pack that decided, in words). ``resource_type`` takes
        the browsers' webRequest names (Chrome's or Firefox's). ``None`` when
        ``url`` is not a web address.
        """
        return self._inner.classify(url, page_url, resource_type)

    def classify_arrow(
        self,
        data: Union[pa.RecordBatch, pa.Table],
        url: str = "url",
        page: str = "top_level_url",
        type: str = "resource_type",
    ) -> Union[pa.RecordBatch, pa.Table]:
        """``data`` with the verdict's columns appended (:data:`VERDICT_COLUMNS`;
        ``categories`` and ``evidence`` are lists of strings). Rows whose URL
        is null or not a web address get nulls. The work is done in Rust on
        Arrow's buffers, a batch at a time. Raises ``KeyError`` naming a
        missing column and ``TypeError`` naming a column that does not hold
        strings.
        """
        if isinstance(data, pa.Table):
            batches = [self._inner.classify_batch(b, url, page, type) for b in data.to_batches()]
            if not batches:
                return _empty_result(self, data, url, page, type)
            return pa.Table.from_batches(batches)
        if isinstance(data, pa.RecordBatch):
            return self._inner.classify_batch(data, url, page, type)
        raise TypeError(f"classify_arrow takes a pyarrow RecordBatch or Table, not {data.__class__.__name__}")

    def classify_batches(self, batches: Iterable[pa.RecordBatch], url: str = "url", page: str = "top_level_url", type: str = "resource_type") -> Iterable[pa.RecordBatch]:
        """Each batch with the verdict's columns (for streams: PySpark's ``mapInArrow``, a Parquet dataset's batches)."""
        for b in batches:
            yield self._inner.classify_batch(b, url, page, type)


def _empty_result(c: Classifier, table: pa.Table, url: str, page: str, type: str) -> pa.Table:
    """A table with no rows still gets the verdict's columns (and its column checks)."""
    empty = pa.RecordBatch.from_arrays([pa.array([], type=f.type) for f in table.schema], schema=table.schema)
    return pa.Table.from_batches([c._inner.classify_batch(empty, url, page, type)])


@dataclass
class Audit:
    """What :func:`audit` found.

    ``report`` is what ``telltale audit --json`` prints (pages, their third
    parties by company, the companies that saw you on several sites, stats);
    ``graph`` is Telltale's JSON export of the tracker graph (node-link);
    ``left_out`` names the rows a crawl could not use, by table and reason.
    """

    report: dict[str, Any]
    graph: dict[str, Any]
    left_out: list[str] = field(default_factory=list)

    @property
    def pages(self) -> list[dict[str, Any]]:
        return self.report["pages"]

    def to_networkx(self) -> "networkx.DiGraph":
        """The tracker graph as a ``networkx.DiGraph``: nodes are sites (with
        entity, company, categories, tracker, reach, evidence, ...), edges are
        who loaded whom (requests, cookies, ``relation`` ``loads``/``syncs``)."""
        from networkx.readwrite import json_graph

        return json_graph.node_link_graph(self.graph, name="site", edges="edges")


def _paths(paths: Union[PathLike, Sequence[PathLike]]) -> list[str]:
    """One path or several, as strings (a lone path is not a sequence of letters)."""
    if isinstance(paths, (str, os.PathLike)):
        return [os.fspath(paths)]
    return [os.fspath(p) for p in paths]


def audit(
    paths: Union[PathLike, Sequence[PathLike]],
    rules: Union[PathLike, Sequence[PathLike]] = (),
    *,
    default_rules: bool = True,
    temp_dir: Optional[PathLike] = None,
) -> Audit:
    """Audits HAR captures and OpenWPM crawls (``crawl-data.sqlite``, told
    by content, or a folder of OpenWPM's Parquet output), as ``telltale
    audit`` does. A crawl's page reports and a Parquet crawl's working copy
    wait in ``temp_dir`` (default: the system's temporary folder). Raises
    :class:`InputError` with the file (and line and column, where there
    are) of input that cannot be read.
    """
    report, graph, left_out = _telltale.audit(_paths(paths), _paths(rules), default_rules, None if temp_dir is None else os.fspath(temp_dir))
    return Audit(json.loads(report), json.loads(graph), list(left_out))
