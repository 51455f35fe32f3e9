"""Rule documentation: generated pages are committed and current; stage codes' examples work."""

import re

import pytest

from conftest import ROOT

from kpispec.api import analyze_text
from kpispec.codes import STAGE_RULES, all_rules
from kpispec.rulesdoc import pages


def test_committed_rule_pages_are_current():
    folder = ROOT / "docs" / "rules"
    generated = pages()
    committed = {p.name: p.read_text(encoding="utf-8") for p in folder.glob("*.md")}
    assert committed == generated, "docs/rules is stale: run `uv run python -m kpispec.rulesdoc docs/rules`"


def test_codes_unique():
    codes = [r.code for r in all_rules()]
    assert len(codes) == len(set(codes))


TESTABLE = [r for r in STAGE_RULES if r.code not in ("KPI005", "KPI007", "KPI901")]


@pytest.mark.parametrize("rule", TESTABLE, ids=[r.code for r in TESTABLE])
def test_stage_rule_examples(rule):
    blocks = dict(re.findall(r"## (Fails|Passes)\n```kpi\n(.*?)```", rule.doc, re.S))
    failing = {d.code for d in analyze_text("doc.kpi", blocks["Fails"]).diagnostics}
    passing = {d.code for d in analyze_text("doc.kpi", blocks["Passes"]).diagnostics}
    assert rule.code in failing, (rule.code, failing)
    assert rule.code not in passing, (rule.code, passing)


def test_every_code_the_tool_emits_is_documented():
    documented = {r.code for r in all_rules()}
    emitted = set()
    for path in (ROOT / "kpispec").rglob("*.py"):
        emitted |= set(re.findall(r'"(KPI[0-9]{3})"', path.read_text(encoding="utf-8")))
    assert emitted <= documented, emitted - documented
