"""The pre-commit hook, run by pre-commit itself in a throwaway git repository."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

GOOD = (ROOT / "tests" / "golden" / "valid" / "contract.kpi").read_text(encoding="utf-8")
BAD = GOOD.replace("formula visitors * cvr * aov", "formula visitors * cvr * aov_typo")


def precommit() -> list[str]:
    exe = Path(sys.executable).parent / "pre-commit"
    if exe.exists():
        return [str(exe)]
    if shutil.which("pre-commit"):
        return ["pre-commit"]
    pytest.skip("pre-commit is not installed")


def git(cwd, *args):
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def test_hook_blocks_a_broken_plan_and_passes_a_good_one(tmp_path):
    # Snapshot this checkout (with uncommitted changes) into a repository pre-commit can clone.
    hooks_repo = tmp_path / "kpispec"
    shutil.copytree(ROOT, hooks_repo, ignore=shutil.ignore_patterns(".venv", ".git", "site", "__pycache__", ".pytest_cache"))
    git(hooks_repo, "init", "-q")
    git(hooks_repo, "add", "-A")
    git(hooks_repo, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "snapshot")
    rev = subprocess.run(["git", "rev-parse", "HEAD"], cwd=hooks_repo, capture_output=True, text=True, check=True).stdout.strip()

    project = tmp_path / "marketing-plans"
    project.mkdir()
    git(project, "init", "-q")
    (project / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {hooks_repo.as_uri()}\n    rev: {rev}\n    hooks:\n      - id: kpispec-check\n",
        encoding="utf-8",
    )
    (project / "plan.kpi").write_text(BAD, encoding="utf-8")
    git(project, "add", "-A")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache"), "NO_COLOR": "1", "LANG": "C.UTF-8"}
    env.pop("VIRTUAL_ENV", None)
    run = subprocess.run(precommit() + ["run", "--all-files"], cwd=project, env=env, capture_output=True,
                         text=True, timeout=900)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "kpispec check" in run.stdout
    assert "KPI102" in run.stdout and "aov_typo" in run.stdout
    assert "plan.kpi:13:" in run.stdout

    (project / "plan.kpi").write_text(GOOD, encoding="utf-8")
    git(project, "add", "-A")
    run = subprocess.run(precommit() + ["run", "--all-files"], cwd=project, env=env, capture_output=True,
                         text=True, timeout=900)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Passed" in run.stdout

    # A committed file whose name is an option must not switch the checks off: pre-commit
    # passes staged names bare, after the hook's own arguments.
    (project / "plan.kpi").write_text(BAD, encoding="utf-8")
    (project / "sub").mkdir()
    (project / "sub" / "x.kpi").write_text('disable = ["KPI102"]\n', encoding="utf-8")
    (project / "--config=sub").mkdir()
    (project / "--config=sub" / "x.kpi").write_text(GOOD.replace("plan ec_fy2026", "plan other"), encoding="utf-8")
    git(project, "add", "-A")
    run = subprocess.run(precommit() + ["run", "--all-files"], cwd=project, env=env, capture_output=True,
                         text=True, timeout=900)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "KPI102" in run.stdout and "aov_typo" in run.stdout

    # The formatter's hook, as a team tries it before adding it: `pre-commit try-repo` on a plan laid
    # out badly rewrites it (the hook fails, as pre-commit fails a hook that changed files), and passes
    # on the result, which is what `kpispec fmt` writes. It shares the environment installed above.
    ugly = GOOD.replace("\n  ", "\n      ").replace(" = ", "=").replace("target ", "target   ")
    (project / "plan.kpi").write_text(ugly, encoding="utf-8")
    shutil.rmtree(project / "sub")
    shutil.rmtree(project / "--config=sub")
    git(project, "add", "-A")
    try_repo = precommit() + ["try-repo", str(hooks_repo), "kpispec-fmt", "--ref", rev, "--all-files"]
    run = subprocess.run(try_repo, cwd=project, env=env, capture_output=True, text=True, timeout=900)
    assert run.returncode == 1, run.stdout + run.stderr
    assert re.search(r"kpispec fmt\.+Failed", run.stdout) and "files were modified by this hook" in run.stdout, run.stdout
    from kpispec.fmt import format_bytes

    assert (project / "plan.kpi").read_bytes() == format_bytes("plan.kpi", ugly.encode("utf-8")).data != ugly.encode("utf-8")
    git(project, "add", "-A")
    run = subprocess.run(try_repo, cwd=project, env=env, capture_output=True, text=True, timeout=900)
    assert run.returncode == 0 and re.search(r"kpispec fmt\.+Passed", run.stdout), run.stdout + run.stderr
