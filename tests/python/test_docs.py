"""The Python examples of README.md and docs/python.md run as written, from
the repository's root, each document's blocks in turn in one session (as a
reader runs them), and give what their comments say: a comment line that is
a Python literal, right under an expression, is that expression's value."""

import ast
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BLOCK = re.compile(r"```python\n(.*?)```", re.S)
DOCS = ["README.md", "docs/python.md"]


def blocks(doc):
    return BLOCK.findall((ROOT / doc).read_text())


def test_the_docs_have_python_examples():
    assert [len(blocks(d)) for d in DOCS] == [1, 3]


@pytest.mark.parametrize("doc", DOCS)
def test_python_examples_run_and_say_what_they_show(doc, monkeypatch):
    monkeypatch.chdir(ROOT)
    # Spark's executors run this Python (the virtual environment with telltale in it).
    monkeypatch.setenv("PYSPARK_PYTHON", sys.executable)
    ns = {}
    checked = 0
    for code in blocks(doc):
        exec(compile(code, doc, "exec"), ns)
        lines = code.splitlines()
        for above, line in zip(lines, lines[1:]):
            if not line.startswith("# ") or above.startswith("#") or not above.strip():
                continue
            try:
                expected = ast.literal_eval(line[2:])
            except (ValueError, SyntaxError):
                continue
            assert eval(above, ns) == expected, above
            checked += 1
    assert checked >= 1 or doc != "README.md"
    if "spark" in ns:
        ns["spark"].stop()
