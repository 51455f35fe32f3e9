"""The README's opening example prints what the README says it prints."""

import re

from conftest import ROOT, run_cli

README = (ROOT / "README.md").read_text(encoding="utf-8")
PLAN = re.search(r"Save this as `shop.kpi`:\n\n```\n(.*?)```", README, re.S).group(1)
LOWERED = PLAN.replace("target 1,000,000 visitors per month", "target 800,000 visitors per month")


def console(command: str) -> str:
    """The output the README shows under `$ uv run kpispec COMMAND` (up to the next `$` or the block's end)."""
    found = re.search(r"\$ uv run kpispec " + re.escape(command) + r"\n(.*?)(?=^\$ |^```)", README, re.S | re.M)
    assert found, command
    return found.group(1)


def test_the_plan_checks_clean(tmp_path):
    (tmp_path / "shop.kpi").write_text(PLAN, encoding="utf-8")
    run = run_cli("check", "shop.kpi", cwd=tmp_path)
    assert (run.returncode, run.stdout) == (0, console("check shop.kpi"))


def test_the_lowered_plan_fails_and_solves_as_shown(tmp_path):
    assert LOWERED != PLAN
    (tmp_path / "shop.kpi").write_text(LOWERED, encoding="utf-8")
    run = run_cli("check", "shop.kpi", cwd=tmp_path)
    shown = [m for m in re.finditer(r"\$ uv run kpispec check shop.kpi\n(.*?)^```", README, re.S | re.M)][-1].group(1)
    assert run.returncode == 1 and run.stdout == shown
    run = run_cli("whatif", "shop.kpi", "--solve", "cvr", cwd=tmp_path)
    assert run.returncode == 0 and run.stdout == console("whatif shop.kpi --solve cvr")
