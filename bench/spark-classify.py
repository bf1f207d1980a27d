"""telltale.spark.classify under PySpark local[2] over --rows requests
(default 10 million): throughput, and the peak memory of each process of the
run (the JVM, which in local mode is both driver and executor, and each
Python worker that mapInArrow feeds), side by side in one run with the same
classifier in one Python process over a slice of the rows.

Rows: Brave's and Ghostery's shared request sets (16,572 requests), repeated
with new page sites, written as Parquet (snappy) first; Spark reads them,
adds the verdict's columns on its executors and writes every row to Spark's
`noop` sink, so the whole plan runs and nothing is collected to the driver.

    .venv/bin/python bench/spark-classify.py [--rows=10000000] [--dir=/tmp/telltale-spark-bench]

Build first: .venv/bin/maturin build --release -o target/wheels && .venv/bin/pip install --force-reinstall target/wheels/telltale-*.whl
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

import telltale
import telltale.spark

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data" / "requests"
args = dict(a.lstrip("-").split("=", 1) for a in sys.argv[1:] if "=" in a)
rows_wanted = int(args.get("rows", "10000000"))
out_dir = Path(args.get("dir", "/tmp/telltale-spark-bench"))

base = []
for name in ("adblock-rust-matching-test-requests.json", "ghostery-adblocker-test-requests.json"):
    base += [(r["url"], r["type"]) for r in json.loads((SHARED / name).read_text())]


def write_rows() -> Path:
    """The rows as Parquet files of 1 million rows each; kept when already there."""
    data = out_dir / f"requests-{rows_wanted}"
    if (data / "_done").exists():
        return data
    data.mkdir(parents=True, exist_ok=True)
    urls = pa.array([u for u, _ in base])
    types = pa.array([t for _, t in base])
    n, part = 0, 0
    while n < rows_wanted:
        size = min(1_000_000, rows_wanted - n)
        idx = pa.array([(n + i) % len(base) for i in range(size)])
        # A new page site each time the request set comes round again.
        pages = pa.array([f"https://www.site{(n + i) // len(base)}.example/" for i in range(size)])
        pq.write_table(pa.table({"url": urls.take(idx), "top_level_url": pages, "resource_type": types.take(idx)}), data / f"part-{part:04d}.parquet")
        n += size
        part += 1
    (data / "_done").write_text("")
    return data


def descendants(root: int) -> list[int]:
    parent = {}
    for p in os.listdir("/proc"):
        if p.isdigit():
            try:
                parent[int(p)] = int(Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()[1])
            except OSError:
                pass
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        kids = [c for c, pp in parent.items() if pp == pid]
        out += kids
        todo += kids
    return out


class Peaks(threading.Thread):
    """Samples the peak resident memory (VmHWM) of every process below this one."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peaks: dict[int, tuple[str, int]] = {}
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.wait(0.5):
            for pid in descendants(os.getpid()):
                try:
                    status = Path(f"/proc/{pid}/status").read_text()
                    cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
                except OSError:
                    continue
                hwm = next((int(l.split()[1]) for l in status.splitlines() if l.startswith("VmHWM:")), 0)
                name = "JVM (driver and executor)" if "java" in cmd.split(" ")[0] else ("Python worker" if "pyspark" in cmd else cmd[:40])
                if hwm > self.peaks.get(pid, ("", 0))[1]:
                    self.peaks[pid] = (name, hwm)


def main() -> None:
    data = write_rows()
    print(f"rows: {rows_wanted:,} in {data}")

    # The same classifier in this one process, over the first million rows (one file), for scale.
    first = pq.read_table(sorted(data.glob("part-*.parquet"))[0])
    c = telltale.Classifier()
    c.classify_arrow(first.slice(0, 10_000))
    t = time.perf_counter()
    for batch in first.to_batches(max_chunksize=10_000):
        c.classify_arrow(batch)
    one_core = first.num_rows / (time.perf_counter() - t)
    print(f"classify_arrow, one process: {one_core:,.0f} req/s over {first.num_rows:,} rows")

    from pyspark.sql import SparkSession

    os.environ["PYSPARK_PYTHON"] = sys.executable
    spark = (
        SparkSession.builder.master("local[2]")
        .appName("telltale-bench")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    peaks = Peaks()
    peaks.start()
    df = spark.read.parquet(str(data))
    t = time.perf_counter()
    telltale.spark.classify(df).write.format("noop").mode("overwrite").save()
    took = time.perf_counter() - t
    trackers = telltale.spark.classify(spark.read.parquet(str(data / "part-0000.parquet"))).where("tracker").count()
    peaks.stop.set()
    peaks.join()
    spark.stop()
    print(f"spark local[2]: {rows_wanted:,} rows in {took:.1f} s: {rows_wanted / took:,.0f} req/s ({rows_wanted / took / 2:,.0f} a core; {rows_wanted / took / 2 / one_core:.2f}x one process's rate)")
    print(f"  trackers in the first file: {trackers:,} of {first.num_rows:,}")
    for pid, (name, kb) in sorted(peaks.peaks.items(), key=lambda p: -p[1][1]):
        if kb > 20_000:
            print(f"  peak memory: {name} (pid {pid}): {kb / 1024:,.0f} MB")


if __name__ == "__main__":
    main()
