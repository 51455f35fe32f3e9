"""Golden files: compare against a committed expectation; KPISPEC_UPDATE_GOLDEN=1 rewrites them."""

import os
from pathlib import Path

UPDATE = os.environ.get("KPISPEC_UPDATE_GOLDEN") == "1"


def assert_golden(path: Path, actual: str) -> None:
    if UPDATE or not path.exists():
        if not UPDATE:
            raise AssertionError(f"missing golden file {path}; run with KPISPEC_UPDATE_GOLDEN=1 to create it")
        path.write_text(actual, encoding="utf-8", newline="\n")
        return
    expected = path.read_text(encoding="utf-8")
    assert actual == expected, f"{path.name} differs from the golden file (KPISPEC_UPDATE_GOLDEN=1 rewrites it)"
