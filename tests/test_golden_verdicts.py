"""Verdicts of the arithmetic, one class of issue 8 per fixture, with exact output in English and Japanese.

Each tests/golden/verdicts/NAME.kpi says in its comments which class it pins and which diagnostics it
must produce (`# expect: CODE@LINE:COLUMN`; none for a plan that must pass), with snapshots of
`kpispec check --lang en|ja` beside it (KPISPEC_UPDATE_GOLDEN=1 rewrites them). The folder's
kpispec.toml turns the SMART-completeness rules off, so that only the arithmetic speaks.
"""

from __future__ import annotations

import pytest

from conftest import ROOT
from golden_util import assert_golden, batch_json, batch_text, expectations, relative

FOLDER = ROOT / "tests" / "golden" / "verdicts"
FIXTURES = tuple(sorted(FOLDER.glob("*.kpi")))


@pytest.mark.parametrize("path", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_expected_diagnostics(path):
    _, by_file = batch_json(FIXTURES)
    found = by_file[relative(path)]
    assert {f"{d['code']}@{d['line']}:{d['column']}" for d in found} == expectations(path), found


@pytest.mark.parametrize("path", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_english_text(path):
    assert_golden(path.with_suffix(".expected.txt"), batch_text(FIXTURES, "en")[relative(path)])


@pytest.mark.parametrize("path", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_japanese_text(path):
    assert_golden(path.with_suffix(".expected.ja.txt"), batch_text(FIXTURES, "ja")[relative(path)])


def test_the_plans_quoted_in_the_issue_pass():
    """Class 1 and 2: every plan the issue quotes as reaching its goal reaches it, with no KPI304."""
    _, by_file = batch_json(FIXTURES)
    for name in ("repeated_input_profit", "repeated_input_rate", "repeated_input_funnel"):
        assert by_file[relative(FOLDER / f"{name}.kpi")] == [], name
    assert [d["code"] for d in by_file[relative(FOLDER / "assert_margin.kpi")]] == ["KPI307"]  # only the 9,000万 variant


def test_the_unit_fixes_shown_work_when_applied():
    """The fixes the unit goldens print, applied to their plans, leave no unit error and a proven goal."""
    from kpispec import api
    from kpispec.checks.base import Context

    cases = [
        ("units_rate_without_period", "target <= 4%", "target <= 4% per month", "lifetime"),  # 1 / (4%/month) = 25ヶ月
        ("units_period_counted_twice", "formula monthly_rev * 12", "formula monthly_rev", "annual"),
        ("units_period_counted_twice", "formula monthly_rev * 12", "formula monthly_rev * 12ヶ月", "annual"),
    ]
    for name, old, new, node in cases:
        text = (FOLDER / f"{name}.kpi").read_text(encoding="utf-8")
        fixed = api.analyze_text("p.kpi", text.replace(old, new))
        assert not [d for d in fixed.diagnostics if d.code in ("KPI302", "KPI311", "KPI306")], (name, new)
        assert Context(fixed.plan).arithmetic.outcomes[node].verdict.proven, (name, new)
    text = (FOLDER / "units_assert_rate_against_total.kpi").read_text(encoding="utf-8")
    for fix in ("weddings >= 1,200組 per year", "weddings * 12 months >= 1,200組"):
        fixed = api.analyze_text("p.kpi", text.replace("weddings >= 1,200組", fix))
        assert not [d for d in fixed.diagnostics if d.code in ("KPI302", "KPI307", "KPI310")], fix
