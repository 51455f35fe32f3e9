"""Every check: registered, documented, and proven by fixtures that fail and pass.

Fixtures live in tests/checks/<CODE>/ as fail_*.kpi and pass_*.kpi, with the expected
diagnostics written inline as `# expect: CODE@line:column` comments. The whole set of
diagnostics must match: a fixture may not produce anything it does not expect.
"""

import re
from pathlib import Path

import pytest

from kpispec.api import analyze_text
from kpispec.checks import RULES
from kpispec.checks.base import DOC_SECTIONS

ROOT = Path(__file__).resolve().parent / "checks"
EXPECT = re.compile(r"#\s*expect:\s*([A-Z]+[0-9]+@[0-9]+:[0-9]+)")
# `# check-only: KPI3 KPI4` limits a fixture to codes with these prefixes, so that an
# arithmetic fixture need not be a SMART-complete plan.
ONLY = re.compile(r"#\s*check-only:\s*(.+)")
FIXTURES = sorted(ROOT.glob("KPI*/*.kpi"))


def found(path: Path, text: str):
    result = analyze_text(path.relative_to(ROOT.parent.parent).as_posix(), text)
    only = ONLY.search(text)
    prefixes = tuple(only.group(1).split()) if only else ("",)
    out = set()
    for d in result.diagnostics:
        if not d.code.startswith(prefixes):
            continue
        line, column = result.source.position(d.span.start)
        out.add(f"{d.code}@{line}:{column}")
    return out, result


@pytest.mark.parametrize("path", FIXTURES, ids=[f"{p.parent.name}-{p.stem}" for p in FIXTURES])
def test_fixture(path):
    text = path.read_text(encoding="utf-8")
    expected = set(EXPECT.findall(text))
    actual, result = found(path, text)
    assert actual == expected, "\n".join(d.message.en for d in result.diagnostics)
    for d in result.diagnostics:
        assert d.message.en and d.message.ja and d.message.en != d.message.ja, d.code


def test_codes_are_unique_and_named():
    codes = [rule.code for rule in RULES]
    assert len(codes) == len(set(codes))
    names = [rule.name for rule in RULES]
    assert len(names) == len(set(names))
    for rule in RULES:
        assert re.fullmatch(r"KPI[2-9][0-9]{2}", rule.code), rule.code
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule.name), rule.name


def test_every_check_module_is_registered():
    modules = {p.stem for p in (Path(__file__).resolve().parent.parent / "kpispec" / "checks").glob("kpi[0-9]*.py")}
    registered = {rule.__module__.rsplit(".", 1)[-1] for rule in RULES}
    assert modules == registered
    for rule in RULES:
        module = rule.__module__.rsplit(".", 1)[-1]
        assert module.startswith(rule.code.lower() + "_"), module
        assert module.endswith(rule.name.replace("-", "_")), module


@pytest.mark.parametrize("rule", RULES, ids=[r.code for r in RULES])
def test_rule_has_fixtures(rule):
    folder = ROOT / rule.code
    fails = sorted(folder.glob("fail_*.kpi"))
    passes = sorted(folder.glob("pass_*.kpi"))
    assert fails and passes, f"{rule.code} needs fail_*.kpi and pass_*.kpi fixtures in {folder}"
    assert any(f"{rule.code}@" in p.read_text(encoding="utf-8") for p in fails)
    for p in passes:
        assert f"expect: {rule.code}@" not in p.read_text(encoding="utf-8")


@pytest.mark.parametrize("rule", RULES, ids=[r.code for r in RULES])
def test_rule_docs_have_sections_and_working_examples(rule):
    doc = rule.__doc__ or ""
    for section in DOC_SECTIONS:
        assert f"## {section}" in doc, f"{rule.code} docstring lacks '## {section}'"
    blocks = dict(re.findall(r"## (Fails|Passes)\s*\n\s*```kpi\n(.*?)```", _dedent(doc), re.S))
    assert set(blocks) == {"Fails", "Passes"}, rule.code
    failing = {d.code for d in analyze_text("doc.kpi", blocks["Fails"]).diagnostics}
    passing = {d.code for d in analyze_text("doc.kpi", blocks["Passes"]).diagnostics}
    assert rule.code in failing, f"{rule.code}: its 'Fails' example does not trigger it"
    assert rule.code not in passing, f"{rule.code}: its 'Passes' example triggers it"


def _dedent(doc: str) -> str:
    import inspect

    return inspect.cleandoc(doc)
