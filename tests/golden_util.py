"""Golden files: compare against a committed expectation; KPISPEC_UPDATE_GOLDEN=1 rewrites them."""

import json
import os
import re
from functools import lru_cache
from pathlib import Path
from types import SimpleNamespace

from conftest import ROOT, run_cli

from kpispec.diagnostics import Severity
from kpispec.render.text import TextRenderer

EXPECT = re.compile(r"(?:^|# )expect: (KPI\d{3})@(\d+):(\d+)(?:\s|$)", re.M)
ARROW = re.compile(r"^\s*--> (.+?)(?::\d+:\d+)?$")

UPDATE = os.environ.get("KPISPEC_UPDATE_GOLDEN") == "1"


def assert_golden(path: Path, actual: str) -> None:
    if UPDATE or not path.exists():
        if not UPDATE:
            raise AssertionError(f"missing golden file {path}; run with KPISPEC_UPDATE_GOLDEN=1 to create it")
        path.write_text(actual, encoding="utf-8", newline="\n")
        return
    expected = path.read_text(encoding="utf-8")
    assert actual == expected, f"{path.name} differs from the golden file (KPISPEC_UPDATE_GOLDEN=1 rewrites it)"


def relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def expectations(path: Path) -> set[str]:
    """The `# expect: CODE@LINE:COLUMN` comments of a fixture."""
    text = path.read_text(encoding="utf-8")
    return {f"{code}@{line}:{column}" for code, line, column in EXPECT.findall(text)}


@lru_cache(maxsize=None)
def batch_json(fixtures: tuple[Path, ...]) -> tuple[int, dict[str, list[dict]]]:
    """One `check --format json` run over all fixtures, its diagnostics split by file."""
    result = run_cli("check", "--format", "json", "--lang", "en", *map(relative, fixtures))
    assert "Traceback" not in result.stderr, result.stderr
    by_file: dict[str, list[dict]] = {relative(p): [] for p in fixtures}
    for d in json.loads(result.stdout)["diagnostics"]:
        by_file[d["file"]].append(d)
    return result.returncode, by_file


@lru_cache(maxsize=None)
def batch_text(fixtures: tuple[Path, ...], lang: str) -> dict[str, str]:
    """The text each fixture would print alone: its diagnostic blocks, then a one-file summary."""
    result = run_cli("check", "--lang", lang, *map(relative, fixtures))
    assert "Traceback" not in result.stderr, result.stderr
    *blocks, _summary = result.stdout.split("\n\n")
    if blocks and not ARROW.match((blocks[-1].splitlines() + ["", ""])[1]):
        blocks.pop()  # the run's errors listed again before the summary (tests/test_check_options.py has it)
    by_file: dict[str, str] = {relative(p): "" for p in fixtures}
    for block in blocks:
        match = ARROW.match(block.splitlines()[1])
        assert match, block
        by_file[match.group(1)] += block + "\n\n"
    _, diagnostics = batch_json(fixtures)
    renderer = TextRenderer(lang)
    for name, text in by_file.items():
        counted = [SimpleNamespace(severity=Severity(d["severity"])) for d in diagnostics[name]]
        by_file[name] = text + renderer.summary(counted, 1) + "\n"
    return by_file
