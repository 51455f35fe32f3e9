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


# ---------------------------------------------------------------- command output shown in the docs
#
# <!-- output: kpispec whatif examples/ec_site.kpi --set cvr=3% -->
# ```text
# …exactly what it prints…
# ```
# The command runs from the repository root, in English (in Japanese for the pages in docs/ja/).
# `| json a.0.b` after the command shows only that part of its JSON output, indented by two; `in DIR: `
# before it runs it in that folder of the repository (the tutorials' plans/ folders).

OUTPUT = re.compile(r"<!-- output: ((?:in [\w/.-]+: )?kpispec [^\n]*?) -->\n(`{3,4})(?:text|json)\n(.*?)\2\n", re.S)


def outputs():
    for page in sorted([*DOCS.glob("*.md"), *(DOCS / "ja").glob("*.md")]):
        name = page.relative_to(DOCS).as_posix()
        for n, (command, _, shown) in enumerate(OUTPUT.findall(page.read_text(encoding="utf-8")), 1):
            yield pytest.param(command, shown, "ja" if name.startswith("ja/") else "en", id=f"{name}-{n}")


@pytest.mark.parametrize("command,shown,lang", list(outputs()))
def test_command_output_in_the_docs_is_what_the_tool_prints(command, shown, lang, request):
    """With KPISPEC_UPDATE_GOLDEN=1, the page is rewritten with what the tool prints."""
    import json
    import os
    import shlex

    from conftest import run_cli

    marker = command
    folder = ROOT
    if command.startswith("in "):
        place, _, command = command[3:].partition(": ")
        folder = ROOT / place
    command, _, selection = command.partition(" | json ")
    args = shlex.split(command)[1:]
    run = run_cli(*args, cwd=folder, env={"KPISPEC_LANG": lang, "COLUMNS": "100"})
    assert run.returncode in (0, 1), run.stderr
    printed = run.stdout
    if selection:
        data = json.loads(printed)
        for key in selection.split("."):
            data = data[int(key)] if isinstance(data, list) else data[key]
        printed = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if printed != shown and os.environ.get("KPISPEC_UPDATE_GOLDEN"):
        page = DOCS / request.node.callspec.id.rsplit("-", 1)[0]
        text = page.read_text(encoding="utf-8")
        head = f"<!-- output: {marker} -->\n``"
        start = text.index("\n", text.index(head) + len(head)) + 1
        fence = text[text.index(head) + len(head) - 2:].split("\n", 1)[0].rstrip("textjson")
        text = text[:start] + printed + text[text.index("\n" + fence + "\n", start - 1) + 1:]
        page.write_text(text, encoding="utf-8")
        return
    assert printed == shown


def test_the_docs_show_command_output():
    commands = {param.values[0].split("kpispec ", 1)[1].split()[0] for param in outputs()}
    assert {"check", "compile", "schema", "explain", "graph", "diff", "whatif"} <= commands


@pytest.mark.parametrize("page,plan", [("tutorial.md", "tutorial/plans/shop.kpi"), ("ja/tutorial.md", "ja/tutorial/plans/shop.kpi"),
                                       ("cli.md", "cli/units.kpi")])
def test_the_tutorials_plan_files_are_the_plans_they_show(page, plan):
    """The commands of a tutorial run on its step 2 plan, kept beside it for them."""
    shown = BLOCK.search((DOCS / page).read_text(encoding="utf-8")).group(2)
    assert (DOCS / plan).read_text(encoding="utf-8") == shown


@pytest.mark.parametrize("folder,period", [("tutorial", "month"), ("ja/tutorial", "月")])
def test_the_step_4_plan_is_the_step_2_plan_with_the_visitors_target_lowered(folder, period):
    """Step 4's output runs on step 2's plan with the one edit the step describes."""
    step2 = (DOCS / folder / "plans" / "shop.kpi").read_text(encoding="utf-8")
    step4 = (DOCS / folder / "step4" / "plans" / "shop.kpi").read_text(encoding="utf-8")
    old, new = f"  target 1,000,000人 per {period}\n", f"  target 800,000人 per {period}\n"
    assert step2.count(old) == 1 and step4 == step2.replace(old, new)
    page = (DOCS / folder.replace("/tutorial", "") / "tutorial.md") if "/" in folder else DOCS / "tutorial.md"
    assert new.strip() in page.read_text(encoding="utf-8")
