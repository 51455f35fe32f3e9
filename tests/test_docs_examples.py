"""Every whole plan shown in the docs checks as the docs say it does.

A ```kpi block that starts with a `plan` (or with comments and then a plan) is checked through the
real CLI. It must have no errors, unless an HTML comment right before it, `<!-- expect: KPI301 -->`,
names the errors the text shows on purpose; then exactly those. Blocks with an elision (`…`) and
fragments without a plan are illustrations, not plans. The rule pages have their own test.
"""

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BLOCK = re.compile(r"(?:<!-- expect: ([A-Z0-9 ,]+?)(?: \([^)]*\))? -->\n)?```kpi\n(.*?)```", re.S)


DOCS = ROOT / "docs"


def pages():
    """The pages in docs/ and their translations in docs/ja/ (the rule pages have their own test)."""
    return sorted([*DOCS.glob("*.md"), *(DOCS / "ja").glob("*.md")])


def examples():
    for page in pages():
        name = page.relative_to(DOCS).as_posix()
        for n, (expect, text) in enumerate(BLOCK.findall(page.read_text(encoding="utf-8")), 1):
            code = [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
            if "…" in text or not code or not code[0].startswith("plan "):
                continue
            yield pytest.param(text, set(re.findall(r"KPI\d{3}", expect)), id=f"{name}-{n}")


@pytest.mark.parametrize("text,expected", list(examples()))
def test_a_plan_in_the_docs_checks_as_the_docs_say(tmp_path, text, expected):
    plan = tmp_path / "example.kpi"
    plan.write_text(text, encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "kpispec", "check", "--format", "json", str(plan)],
                         capture_output=True, text=True, cwd=tmp_path)
    assert run.returncode in (0, 1), run.stderr
    import json

    errors = {d["code"] for d in json.loads(run.stdout)["diagnostics"] if d["severity"] == "error"}
    assert errors == expected, run.stdout[:2000]


def test_the_docs_have_plans_to_check():
    assert len(list(examples())) >= 5


def test_the_translated_pages_are_checked_too():
    assert any(param.id.startswith("ja/") for param in examples())
