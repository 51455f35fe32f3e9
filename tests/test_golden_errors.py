"""Syntax and reference errors: one fault per fixture, with its exact messages in English and Japanese.

Each tests/golden/errors/NAME.kpi states the diagnostics it must produce in its own comments,
`# expect: CODE@LINE:COLUMN` (the primary span, 1-based), and has two snapshots beside it:
NAME.expected.txt and NAME.expected.ja.txt, the exact output of
`kpispec check --lang en|ja tests/golden/errors/NAME.kpi` run from the repository root.
KPISPEC_UPDATE_GOLDEN=1 rewrites the snapshots (never the expectations).

The CLI is run once per language for all fixtures together and its output is split by file, which
keeps the suite fast; test_split_output_is_the_single_file_output checks that the split equals
what a run on the one file prints.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import ROOT, run_cli
from golden_util import assert_golden, expectations, relative
from golden_util import batch_json as golden_batch_json
from golden_util import batch_text as golden_batch_text


FOLDER = ROOT / "tests" / "golden" / "errors"
FIXTURES = sorted(FOLDER.glob("*.kpi"))


def batch_json() -> tuple[int, dict[str, list[dict]]]:
    return golden_batch_json(tuple(FIXTURES))


def batch_text(lang: str) -> dict[str, str]:
    return golden_batch_text(tuple(FIXTURES), lang)


def test_there_are_enough_fixtures():
    assert len(FIXTURES) >= 20
    assert sum(1 for p in FIXTURES if expectations(p)) == len(FIXTURES), "every fixture needs `# expect:` lines"


@pytest.mark.parametrize("path", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_expected_diagnostics(path):
    code, by_file = batch_json()
    assert code == 1
    found = by_file[relative(path)]
    assert {f"{d['code']}@{d['line']}:{d['column']}" for d in found} == expectations(path)
    # A file with an error makes `kpispec check FILE` exit 1 (checked directly below for a sample).
    assert any(d["severity"] == "error" for d in found)


@pytest.mark.parametrize("path", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_english_text(path):
    text = batch_text("en")[relative(path)]
    assert_golden(path.with_suffix(".expected.txt"), text)


@pytest.mark.parametrize("path", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_japanese_text(path):
    text = batch_text("ja")[relative(path)]
    assert_golden(path.with_suffix(".expected.ja.txt"), text)


def test_split_output_is_the_single_file_output():
    path = FOLDER / "undefined_ksf_link.kpi"  # several diagnostics of several severities
    for lang in ("en", "ja"):
        alone = run_cli("check", "--lang", lang, relative(path))
        assert alone.returncode == 1
        assert alone.stderr == ""
        assert alone.stdout == batch_text(lang)[relative(path)]


@pytest.mark.parametrize("path", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_messages_speak_plainly(path):
    """No lark terminal names or internal words, and always a `help` saying what to do."""
    _, by_file = batch_json()
    for d in by_file[relative(path)]:
        words = " ".join(filter(None, [d["message"], d["help"], *(lab["message"] or "" for lab in d["labels"])]))
        assert not re.search(r"\b(?:[A-Z]+_[A-Z_]+|NAME|AMOUNT|STRING|LBRACE|RBRACE|LPAR|RPAR|COMMA|\$END|Token)\b", words), words
        assert d["help"], f"{d['code']} gives no help: {d['message']}"
