"""`kpispec init`: a starter project that checks clean and runs its pre-commit hook, never replacing a file."""

import os
import re
import subprocess

import pytest

from conftest import BIN, ROOT, run_cli

TEMPLATES = ["ec", "b2b", "sns", "subscription"]


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("template", TEMPLATES)
def test_each_template_starts_a_project_that_checks_clean(tmp_path, template, lang):
    run = run_cli("init", tmp_path / "team", "--template", template, "--lang", lang)
    assert run.returncode == 0, run.stderr
    plan = tmp_path / "team" / "plans" / f"{template}.kpi"
    assert plan.read_text(encoding="utf-8") == (ROOT / "kpispec" / "templates" / f"{template}.{lang}.kpi").read_text(encoding="utf-8")
    assert (tmp_path / "team" / "kpispec.toml").is_file() and (tmp_path / "team" / ".pre-commit-config.yaml").is_file()
    check = run_cli("check", tmp_path / "team", "--lang", lang)
    assert check.returncode == 0, check.stdout
    # no errors, no warnings, no notes: the starter plan is the example to follow
    assert check.stdout.strip() in ("Checked 1 file: no problems found.", "1 ファイルを検査しました：問題はありません。"), check.stdout
    said = run.stdout
    assert ("書き出しました：" if lang == "ja" else "wrote ") in said and "pre-commit install" in said


def test_the_hook_it_writes_runs_under_pre_commit(tmp_path):
    from test_precommit import git, precommit

    project = tmp_path / "plans-repo"
    project.mkdir()
    git(project, "init", "-q")
    assert run_cli("init", project, "--lang", "ja").returncode == 0
    git(project, "add", "-A")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache"), "NO_COLOR": "1", "LANG": "C.UTF-8",
           "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    env.pop("VIRTUAL_ENV", None)
    run = subprocess.run(precommit() + ["run", "--all-files"], cwd=project, env=env, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout + run.stderr
    assert re.search(r"kpispec fmt\.+Passed", run.stdout) and re.search(r"kpispec check\.+Passed", run.stdout), run.stdout
    # verbose: the check's report is shown even when it passes (a warning would be seen)
    assert "1 ファイルを検査しました：問題はありません。" in run.stdout, run.stdout
    # and it blocks a broken plan
    plan = project / "plans" / "ec.kpi"
    plan.write_text(plan.read_text(encoding="utf-8").replace("formula", "formula 0 +", 1) + "kpi x {\n", encoding="utf-8")
    run = subprocess.run(precommit() + ["run", "--all-files"], cwd=project, env=env, capture_output=True, text=True, timeout=600)
    assert run.returncode == 1 and "KPI003" in run.stdout, run.stdout


def test_it_never_replaces_a_file(tmp_path):
    (tmp_path / "plans").mkdir()
    (tmp_path / "plans" / "ec.kpi").write_text("# our plan\n", encoding="utf-8")
    run = run_cli("init", tmp_path)
    assert run.returncode == 2
    assert run.stderr.startswith("kpispec: error: ") and run.stderr.endswith(
        "plans/ec.kpi exists: init never replaces a file (nothing was written)\n"), run.stderr
    assert (tmp_path / "plans" / "ec.kpi").read_text(encoding="utf-8") == "# our plan\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plans"], "nothing else was written"


def test_an_existing_configuration_is_kept_and_a_hook_configuration_gets_the_lines_to_add(tmp_path):
    (tmp_path / "kpispec.toml").write_text("max-kgis = 2\n", encoding="utf-8")
    (tmp_path / ".pre-commit-config.yaml").write_text("repos: []\n", encoding="utf-8")
    run = run_cli("init", ".", "--template", "b2b", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "kpispec.toml").read_text(encoding="utf-8") == "max-kgis = 2\n"
    assert (tmp_path / ".pre-commit-config.yaml").read_text(encoding="utf-8") == "repos: []\n"
    assert "kept kpispec.toml" in run.stdout
    assert "add this under its `repos:`:\n  - repo: local\n" in run.stdout and "entry: kpispec check" in run.stdout
    assert (tmp_path / "plans" / "b2b.kpi").is_file()


def test_a_configuration_in_pyproject_is_kept(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.kpispec]\nmax-kgis = 2\n", encoding="utf-8")
    run = run_cli("init", ".", cwd=tmp_path)
    assert run.returncode == 0 and "kept pyproject.toml" in run.stdout
    assert not (tmp_path / "kpispec.toml").exists()


def test_a_hook_from_the_team_s_repository_is_valid_yaml_whatever_the_url_says(tmp_path):
    url = 'https://git.example.com/tools/kpispec.git#"quoted": yes'
    run = run_cli("init", tmp_path, "--hook-repo", url, "--hook-rev", "v0.1.0")
    assert run.returncode == 0, run.stderr
    text = (tmp_path / ".pre-commit-config.yaml").read_text(encoding="utf-8")
    import json
    repo = re.search(r"^  - repo: (.*)$", text, re.M).group(1)
    assert json.loads(repo) == url and "rev: \"v0.1.0\"" in text and "id: kpispec-check" in text
    from test_precommit import precommit
    check = subprocess.run(precommit() + ["validate-config", str(tmp_path / ".pre-commit-config.yaml")],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr


@pytest.mark.parametrize("args", [["--hook-repo", "https://x"], ["--hook-repo", "a\nb", "--hook-rev", "v1"],
                                  ["--hook-repo", "x", "--hook-rev", " "]])
def test_a_bad_hook_option_is_refused_and_nothing_is_written(tmp_path, args):
    run = run_cli("init", tmp_path / "new", *args)
    assert run.returncode == 2 and run.stderr.startswith("kpispec: error: ")
    assert not (tmp_path / "new").exists()


def test_japanese_messages(tmp_path):
    run = run_cli("init", tmp_path, "--lang", "ja")
    assert "書き出しました：" in run.stdout and "次に：" in run.stdout
    again = run_cli("init", tmp_path, "--lang", "ja")
    assert again.returncode == 2 and "はすでにあります。init はファイルを置き換えません（何も書き出していません）" in again.stderr


@pytest.mark.parametrize("template", TEMPLATES)
def test_each_template_is_in_the_docs(template):
    page = (ROOT / "docs" / "templates.md").read_text(encoding="utf-8")
    for lang in ("ja", "en"):
        text = (ROOT / "kpispec" / "templates" / f"{template}.{lang}.kpi").read_text(encoding="utf-8")
        assert f"```kpi\n{text}```" in page, f"docs/templates.md does not show {template}.{lang}.kpi as it is"


def test_a_plans_link_or_file_is_refused_and_nothing_is_written(tmp_path):
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "plans").symlink_to(tmp_path / "elsewhere")
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "plans").write_text("", encoding="utf-8")
    for folder in ("a", "b"):
        run = run_cli("init", tmp_path / folder)
        assert run.returncode == 2 and "plans is not a folder" in run.stderr, run.stderr
        assert sorted(p.name for p in (tmp_path / folder).iterdir()) == ["plans"]
    assert list((tmp_path / "elsewhere").iterdir()) == []


@pytest.mark.parametrize("value", ["v1\u0085x", "v1\u202ex", "v1\ufffe", "v1\x7f"])
def test_a_hook_value_yaml_would_not_keep_as_written_is_refused(tmp_path, value):
    # NEL reads as a line break in YAML, C1 controls and U+FFFE are not allowed, a bidi control hides text
    run = run_cli("init", tmp_path / "p", "--hook-repo", "https://example.com/kpispec.git", "--hook-rev", value)
    assert run.returncode == 2 and "not a repository or revision" in run.stderr
    assert not (tmp_path / "p").exists()


def test_a_configuration_above_the_folder_is_kept_and_the_hook_goes_to_the_repository_root(tmp_path):
    from test_precommit import git

    git(tmp_path, "init", "-q")
    (tmp_path / "kpispec.toml").write_text("growth-bound = 1.1\n", encoding="utf-8")
    run = run_cli("init", "marketing", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert not (tmp_path / "marketing" / "kpispec.toml").exists(), "a new kpispec.toml would hide the team's"
    assert "kept kpispec.toml" in run.stdout
    assert (tmp_path / ".pre-commit-config.yaml").is_file() and not (tmp_path / "marketing" / ".pre-commit-config.yaml").exists()


def test_a_link_on_the_way_to_the_folder_is_refused(tmp_path):
    # `init link/sub` wrote into the link's target; relative: any link on the way, absolute: a link
    # inside the repository the folder is in
    from test_precommit import git

    (tmp_path / "target").mkdir()
    (tmp_path / "repo").mkdir()
    git(tmp_path / "repo", "init", "-q")
    (tmp_path / "repo" / "link").symlink_to(tmp_path / "target")
    relative = run_cli("init", "link/sub", cwd=tmp_path / "repo")
    absolute = run_cli("init", tmp_path / "repo" / "link" / "sub", cwd=tmp_path)
    for run in (relative, absolute):
        assert run.returncode == 2 and "is a symbolic link: init does not write through one" in run.stderr, run.stderr
    assert list((tmp_path / "target").iterdir()) == []
    assert run_cli("init", tmp_path / "repo" / "real" / "sub").returncode == 0  # no link on the way
