"""The pre-commit hook, run by pre-commit itself in a throwaway git repository."""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT
from kpispec.fmt import format_bytes

# Laid out as `kpispec fmt` lays it out, so that the formatter's hook leaves the plans as they are.
GOOD = format_bytes("plan.kpi", (ROOT / "tests" / "golden" / "valid" / "contract.kpi").read_bytes()).data.decode("utf-8")
BAD = GOOD.replace("formula visitors * cvr * aov", "formula visitors * cvr * aov_typo")
TYPO_LINE = next(n for n, line in enumerate(BAD.splitlines(), 1) if "aov_typo" in line)
WARNS = GOOD.replace("  deadline 2027-03-31\n", "", 1)  # the KGI's deadline gone: KPI212, a warning and no error

# The README's `.pre-commit-config.yaml`, run as a team copies it: only the repository and the rev
# are filled in.
README_CONFIG = re.search(r"^## pre-commit and CI\n.*?^```yaml\n(.*?)^```",
                          (ROOT / "README.md").read_text(encoding="utf-8"), re.S | re.M).group(1)

# What `kpispec docs` alone needs (the `docs` extra, with mkdocs' own dependencies): never in the
# hook's environment. (Pygments is not listed: typer needs rich, which needs it.)
SITE_ONLY = {"mkdocs", "mkdocs-get-deps", "jinja2", "markupsafe", "markdown", "watchdog", "babel", "pyyaml",
             "pyyaml-env-tag", "ghp-import", "mergedeep", "pathspec"}
CORE = {"kpispec", "lark", "pydantic", "typer", "jsonschema"}
INSTALLED = ("import importlib.metadata as m, json; "
             "print(json.dumps(sorted({d.metadata['Name'].lower().replace('_', '-') for d in m.distributions()})))")


def readme_config(repo: str, rev: str, strict: bool = False) -> str:
    url, placeholder = "https://github.com/your-org/kpispec", "rev: <tag or commit>"
    assert README_CONFIG.count(url) == 1 and README_CONFIG.count(placeholder) == 1, README_CONFIG
    text = README_CONFIG.replace(url, repo).replace(placeholder, f"rev: {rev}")
    if strict:  # the README's other choice: its `args: [--strict]` line uncommented
        assert text.count("# args: [--strict]") == 1, text
        text = text.replace("# args: [--strict]", "args: [--strict]")
    return text


def precommit() -> list[str]:
    exe = Path(sys.executable).parent / "pre-commit"
    if exe.exists():
        return [str(exe)]
    if shutil.which("pre-commit"):
        return ["pre-commit"]
    pytest.skip("pre-commit is not installed")


def snapshot_ignore(folder, names) -> list[str]:
    """What a snapshot of the checkout leaves out: environments, caches, and the built site at the
    root (`site`, as .gitignore's `/site/`: not kpispec/site, the package's own site generator)."""
    left_out = {".venv", ".git", "__pycache__", ".pytest_cache"} | ({"site"} if Path(folder) == ROOT else set())
    return [name for name in names if name in left_out]


def git(cwd, *args):
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def test_hook_blocks_a_broken_plan_and_passes_a_good_one(tmp_path):
    # Snapshot this checkout (with uncommitted changes) into a repository pre-commit can clone.
    hooks_repo = tmp_path / "kpispec"
    shutil.copytree(ROOT, hooks_repo, ignore=snapshot_ignore)
    git(hooks_repo, "init", "-q")
    git(hooks_repo, "add", "-A")
    git(hooks_repo, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "snapshot")
    rev = subprocess.run(["git", "rev-parse", "HEAD"], cwd=hooks_repo, capture_output=True, text=True, check=True).stdout.strip()

    project = tmp_path / "marketing-plans"
    project.mkdir()
    git(project, "init", "-q")
    config = project / ".pre-commit-config.yaml"
    config.write_text(readme_config(hooks_repo.as_uri(), rev), encoding="utf-8")
    (project / "plan.kpi").write_text(BAD, encoding="utf-8")
    git(project, "add", "-A")
    # A PRE_COMMIT_HOME of its own: pre-commit installs the hook's environment afresh, as on a new machine.
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "LC_ALL", "LC_MESSAGES", "KPISPEC_LANG")}
    env.update({"PRE_COMMIT_HOME": str(tmp_path / "cache"), "NO_COLOR": "1", "LANG": "C.UTF-8"})
    run = subprocess.run(precommit() + ["run", "--all-files"], cwd=project, env=env, capture_output=True,
                         text=True, timeout=900)
    assert run.returncode == 1, run.stdout + run.stderr
    assert re.search(r"kpispec check\.+Failed", run.stdout) and re.search(r"kpispec fmt\.+Passed", run.stdout), run.stdout
    assert "KPI102" in run.stdout and "aov_typo" in run.stdout
    assert f"plan.kpi:{TYPO_LINE}:" in run.stdout

    # That environment is kpispec's plain install: what `check` needs, and no site generator.
    [hook_env] = (tmp_path / "cache").glob("repo*/py_env-*")
    listed = subprocess.run([hook_env / "bin" / "python", "-c", INSTALLED], capture_output=True, text=True, check=True)
    installed = set(json.loads(listed.stdout))
    assert CORE <= installed, sorted(installed)
    assert sorted(n for n in installed if n in SITE_ONLY or n.startswith("mkdocs")) == [], sorted(installed)
    # where `kpispec docs` says, in one line in the run's language, which extra to install
    from test_extras import EN, JA

    for lang, expected in (("en", EN), ("ja", JA)):
        docs = subprocess.run([hook_env / "bin" / "kpispec", "docs", "plan.kpi", "-o", "site", "--lang", lang], cwd=project,
                              env=env, capture_output=True, text=True, encoding="utf-8")
        assert (docs.returncode, docs.stdout, docs.stderr) == (2, "", expected.format("mkdocs"))
    assert not (project / "site").exists()

    (project / "plan.kpi").write_text(GOOD, encoding="utf-8")
    git(project, "add", "-A")
    run = subprocess.run(precommit() + ["run", "--all-files"], cwd=project, env=env, capture_output=True,
                         text=True, timeout=900)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Passed" in run.stdout

    # A plan with a warning passes, and the README's `verbose: true` shows the warning; with its
    # `args: [--strict]` the warning fails the commit.
    (project / "plan.kpi").write_text(WARNS, encoding="utf-8")
    git(project, "add", "-A")
    run = subprocess.run(precommit() + ["run", "--all-files"], cwd=project, env=env, capture_output=True,
                         text=True, timeout=900)
    assert run.returncode == 0 and re.search(r"kpispec check\.+Passed", run.stdout), run.stdout + run.stderr
    assert "warning[KPI212]" in run.stdout and "plan.kpi:9:5" in run.stdout, run.stdout
    config.write_text(readme_config(hooks_repo.as_uri(), rev, strict=True), encoding="utf-8")
    run = subprocess.run(precommit() + ["run", "--all-files"], cwd=project, env=env, capture_output=True,
                         text=True, timeout=900)
    assert run.returncode == 1 and re.search(r"kpispec check\.+Failed", run.stdout), run.stdout + run.stderr
    assert "warning[KPI212]" in run.stdout, run.stdout
    config.write_text(readme_config(hooks_repo.as_uri(), rev), encoding="utf-8")

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
    # out badly rewrites it (the hook fails, as pre-commit fails a hook that changed files), and the
    # hooks pass on the result, which is what `kpispec fmt` writes. try-repo installs the hook in a
    # store of its own, deleted after the run (PRE_COMMIT_HOME is not read): the second run goes
    # through the configuration above, which reuses its environment, rather than install again.
    ugly = GOOD.replace("\n  ", "\n      ").replace(" = ", "=").replace("target ", "target   ")
    (project / "plan.kpi").write_text(ugly, encoding="utf-8")
    shutil.rmtree(project / "sub")
    shutil.rmtree(project / "--config=sub")
    git(project, "add", "-A")
    try_repo = precommit() + ["try-repo", str(hooks_repo), "kpispec-fmt", "--ref", rev, "--all-files"]
    run = subprocess.run(try_repo, cwd=project, env=env, capture_output=True, text=True, timeout=900)
    assert run.returncode == 1, run.stdout + run.stderr
    assert re.search(r"kpispec fmt\.+Failed", run.stdout) and "files were modified by this hook" in run.stdout, run.stdout
    assert (project / "plan.kpi").read_bytes() == format_bytes("plan.kpi", ugly.encode("utf-8")).data != ugly.encode("utf-8")
    git(project, "add", "-A")
    run = subprocess.run(precommit() + ["run", "--all-files"], cwd=project, env=env, capture_output=True,
                         text=True, timeout=900)
    assert run.returncode == 0, run.stdout + run.stderr
    assert re.search(r"kpispec fmt\.+Passed", run.stdout) and re.search(r"kpispec check\.+Passed", run.stdout), run.stdout
