"""Types of the native module built from the Rust crate (src/python.rs)."""

from typing import Optional

import pyarrow as pa

__version__: str

class Classifier:
    def __init__(self, rules: Optional[list[str]] = None, default_rules: bool = True) -> None: ...
    def classify(self, url: str, page_url: Optional[str] = None, resource_type: str = "other") -> Optional[dict[str, object]]: ...
    def classify_batch(self, batch: pa.RecordBatch, url: str = "url", page: str = "top_level_url", resource_type: str = "resource_type") -> pa.RecordBatch: ...

def audit(paths: list[str], rules: Optional[list[str]] = None, default_rules: bool = True, temp_dir: Optional[str] = None) -> tuple[str, str, list[str]]: ...
