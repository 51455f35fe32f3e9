"""`check --format sarif` and `--format github` as their consumers read them, through the real CLI:
SARIF validated by the OASIS schema and Microsoft's SARIF Multitool and held to what GitHub's
upload-sarif checks (tests/sarif_reference.py), annotations read back through the GitHub runner's
own rules (tests/actions_runner.py). Names with spaces, Japanese, `,`, `:`, `%` and `#`; runs from a
subfolder; a clean run, a run with findings and a failed run."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from urllib.parse import unquote

import pytest

from actions_runner import annotations, parse_commands
from conftest import ROOT, run_cli
from kpispec import DOCS_URL
from kpispec.diagnostics import Diagnostic, Label, Msg, Severity, Span
from kpispec.render import github
from kpispec.render.where import Root
from kpispec.source import SourceFile
from sarif_reference import github_upload_problems, validate_sarif_many

HEAD = 'plan p "計画" {\n  period 2026-04-01 to 2027-03-31\n}\n'
CLEAN = HEAD
FINDINGS = HEAD + 'kpi x {\n  formula y\n}\n'  # KPI102 and warnings
UNITS = (ROOT / "docs" / "cli" / "units.kpi").read_text(encoding="utf-8")  # KPI301 with a label and a note
NAMES = ["売上 計画.kpi", "a,b:c.kpi", "100%.kpi", "x#y.kpi", "plain.kpi"]


@pytest.fixture
def repo(tmp_path):
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    (root / "plans" / "第2期").mkdir(parents=True)
    (root / "tools").mkdir()
    for name in NAMES:
        (root / "plans" / "第2期" / name).write_text(FINDINGS, encoding="utf-8")
    return root


def _sarif(ran) -> dict:
    return json.loads(ran.stdout)


def _uris(log: dict) -> set[str]:
    return {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in log["runs"][0]["results"]}


# ------------------------------------------------------------------ SARIF


def test_clean_findings_and_failed_runs_are_valid_sarif_that_github_accepts(repo):
    (repo / "clean.kpi").write_text(CLEAN, encoding="utf-8")
    (repo / "units.kpi").write_text(UNITS, encoding="utf-8")
    clean = run_cli("check", "-f", "sarif", "clean.kpi", cwd=repo)
    found = run_cli("check", "-f", "sarif", "plans", "units.kpi", cwd=repo)
    failed = run_cli("check", "-f", "sarif", "plans", "nosuch.kpi", cwd=repo)
    ja = run_cli("check", "-f", "sarif", "--lang", "ja", "plans", "units.kpi", cwd=repo)
    assert [r.returncode for r in (clean, found, failed, ja)] == [0, 1, 2, 1]
    logs = [_sarif(r) for r in (clean, found, failed, ja)]
    assert validate_sarif_many(logs) == [[], [], [], []]
    sources = {"units.kpi": UNITS}
    for log in logs:
        assert github_upload_problems(log, sources, checkout_root=str(repo)) == []
    invocations = [log["runs"][0]["invocations"][0] for log in logs]
    assert [i["executionSuccessful"] for i in invocations] == [True, True, False, True]
    assert [i["exitCode"] for i in invocations] == [0, 1, 2, 1]
    assert "toolExecutionNotifications" not in invocations[1]
    assert invocations[2]["toolExecutionNotifications"] == [
        {"level": "error", "message": {"text": "no such file or folder: nosuch.kpi"}}]
    assert logs[0]["runs"][0]["results"] == [] and len(logs[1]["runs"][0]["results"]) > 10


def test_uris_are_from_the_repository_root_and_percent_encoded(repo):
    log = _sarif(run_cli("check", "-f", "sarif", "../plans", cwd=repo / "tools"))
    results = log["runs"][0]["results"]
    assert {r["locations"][0]["physicalLocation"]["artifactLocation"]["uriBaseId"] for r in results} == {"%SRCROOT%"}
    assert {unquote(u) for u in _uris(log)} == {f"plans/第2期/{name}" for name in NAMES}
    assert "plans/%E7%AC%AC2%E6%9C%9F/%E5%A3%B2%E4%B8%8A%20%E8%A8%88%E7%94%BB.kpi" in _uris(log)
    assert "plans/%E7%AC%AC2%E6%9C%9F/a%2Cb%3Ac.kpi" in _uris(log)
    assert "plans/%E7%AC%AC2%E6%9C%9F/100%25.kpi" in _uris(log) and "plans/%E7%AC%AC2%E6%9C%9F/x%23y.kpi" in _uris(log)
    base = log["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"]
    assert base == Path(os.path.realpath(repo)).as_uri() + "/"
    # the related locations are in the same file, named the same way
    for r in results:
        for related in r.get("relatedLocations", []):
            assert related["physicalLocation"]["artifactLocation"] == r["locations"][0]["physicalLocation"]["artifactLocation"]


def test_root_names_another_base_and_a_file_outside_it_is_a_file_uri(repo, tmp_path):
    log = _sarif(run_cli("check", "-f", "sarif", "--root", "plans", "plans/第2期/plain.kpi", cwd=repo))
    assert _uris(log) == {"%E7%AC%AC2%E6%9C%9F/plain.kpi"}
    outside = tmp_path / "elsewhere.kpi"
    outside.write_text(FINDINGS, encoding="utf-8")
    log = _sarif(run_cli("check", "-f", "sarif", str(outside), cwd=repo))
    artifact = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert artifact == {"uri": Path(os.path.realpath(outside)).as_uri()}
    bad = run_cli("check", "-f", "sarif", "--root", "nosuch", "plans", cwd=repo)
    assert (bad.returncode, bad.stderr.strip()) == (2, "kpispec: error: --root nosuch is not a folder")


def _fingerprints(log: dict) -> dict[str, tuple]:
    return {r["partialFingerprints"]["kpispec/v1"]: (r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"])
            for r in log["runs"][0]["results"]}


def test_fingerprints_survive_lines_moving_and_tell_findings_apart(repo):
    plan = repo / "units.kpi"
    plan.write_text(UNITS, encoding="utf-8")
    before = _fingerprints(_sarif(run_cli("check", "-f", "sarif", "units.kpi", cwd=repo)))
    plan.write_text("# 2026年度\n\n# 見直し: 11月\n" + UNITS, encoding="utf-8")
    after = _fingerprints(_sarif(run_cli("check", "-f", "sarif", "units.kpi", cwd=repo)))
    assert set(before) == set(after) and len(before) >= 2
    assert all(after[f][1] == before[f][1] + 3 for f in before)  # the same finding, three lines down
    assert len({rule for rule, _ in before.values()}) == len(before)  # one per rule here: all distinct
    # the same finding on two identical lines: the same hash, told apart by its count
    twice = HEAD + "kpi x {\n  formula y\n}\nkpi z {\n  formula y\n}\n"
    plan.write_text(twice, encoding="utf-8")
    log = _sarif(run_cli("check", "-f", "sarif", "--select", "KPI102", "units.kpi", cwd=repo))
    prints = sorted(r["partialFingerprints"]["kpispec/v1"] for r in log["runs"][0]["results"])
    assert len(prints) == 2 and prints[0].split(":")[0] == prints[1].split(":")[0]
    assert [p.split(":")[1] for p in prints] == ["1", "2"]
    # another file with the same text: other fingerprints (the file is part of them)
    (repo / "copy.kpi").write_text(twice, encoding="utf-8")
    other = _sarif(run_cli("check", "-f", "sarif", "--select", "KPI102", "copy.kpi", cwd=repo))
    assert not set(prints) & {r["partialFingerprints"]["kpispec/v1"] for r in other["runs"][0]["results"]}


def test_every_rule_points_at_its_page_on_the_docs_site():
    log = _sarif(run_cli("check", "-f", "sarif", "examples"))
    driver = log["runs"][0]["tool"]["driver"]
    assert driver["informationUri"] == DOCS_URL
    for rule in driver["rules"]:
        assert rule["helpUri"] == f"{DOCS_URL}rules/{rule['id']}/"
        assert (ROOT / "docs" / "rules" / f"{rule['id']}.md").is_file()
    ja = _sarif(run_cli("check", "-f", "sarif", "--lang", "ja", "examples"))
    assert {r["helpUri"] for r in ja["runs"][0]["tool"]["driver"]["rules"]} == {
        f"{DOCS_URL}ja/rules/{r['id']}/" for r in driver["rules"]}
    assert all((ROOT / "docs" / "ja" / "rules" / f"{r['id']}.md").is_file() for r in driver["rules"])


def test_a_message_links_to_each_related_location_and_carries_notes_and_help(repo):
    (repo / "units.kpi").write_text(UNITS, encoding="utf-8")
    log = _sarif(run_cli("check", "-f", "sarif", "units.kpi", cwd=repo))
    kpi301 = next(r for r in log["runs"][0]["results"] if r["ruleId"] == "KPI301")
    assert kpi301["message"]["text"] == (
        "`sold_out` cannot reach its target: its inputs' targets imply 99戸, 1戸 (1%) short of the target 100戸\n"
        "related: [target >= 11戸 per month](1)\n"
        "note: the formula gives a rate; over the window 2026-04-01 to 2026-12-31 (9 months) it totals 99戸\n"
        "help: any one of these alone closes the gap: contracts ≥ 11.12戸 per month")
    assert [r["id"] for r in kpi301["relatedLocations"]] == [1]
    assert kpi301["relatedLocations"][0]["physicalLocation"]["region"]["startLine"] == 6


def test_output_file_keeps_the_status_that_a_shell_redirect_would_lose(repo):
    ran = run_cli("check", "-f", "sarif", "-o", "kpispec.sarif", "plans", cwd=repo)
    assert ran.returncode == 1 and ran.stdout == ""
    assert validate_sarif_many([json.loads((repo / "kpispec.sarif").read_text(encoding="utf-8"))]) == [[]]


# ------------------------------------------------------------------ GitHub annotations


def test_annotations_read_back_through_the_runner_name_files_from_the_root(repo):
    ran = run_cli("check", "-f", "github", "../plans", cwd=repo / "tools")
    commands = parse_commands(ran.stdout)
    assert commands[0].name == "group" and commands[0].data == "kpispec check"
    assert commands[-1].name == "endgroup"
    found = annotations(ran.stdout, per_type_limit=None)
    assert {a.file for a in found} == {f"plans/第2期/{name}" for name in NAMES}
    per_file = len(found) // len(NAMES)
    assert len(found) == per_file * len(NAMES) and per_file >= 5
    undefined = [a for a in found if a.title == "KPI102 undefined-name"]
    assert len(undefined) == len(NAMES)
    assert {(a.level, a.line, a.col, a.end_line, a.end_column) for a in undefined} == {("error", 5, 11, 5, 12)}
    assert {a.message for a in undefined} == {
        "`y` is not defined in this plan\nhelp: define it, e.g. `kpi y { … }`, or check the spelling"}
    # the summary follows the group, where the log's reader sees it
    assert ran.stdout.endswith("::endgroup::\nChecked 5 files: 5 errors, 20 warnings, 0 info.\n")


def test_an_annotation_carries_the_related_places_notes_and_help(repo):
    (repo / "units.kpi").write_text(UNITS, encoding="utf-8")
    for lang, expected in [
        ("en", "`sold_out` cannot reach its target: its inputs' targets imply 99戸, 1戸 (1%) short of the target 100戸\n"
               "line 6: target >= 11戸 per month\n"
               "note: the formula gives a rate; over the window 2026-04-01 to 2026-12-31 (9 months) it totals 99戸\n"
               "help: any one of these alone closes the gap: contracts ≥ 11.12戸 per month"),
        ("ja", None),
    ]:
        ran = run_cli("check", "-f", "github", "--lang", lang, "units.kpi", cwd=repo)
        kpi301 = next(a for a in annotations(ran.stdout) if a.title.startswith("KPI301"))
        if expected:
            assert kpi301.message == expected
        else:
            lines = kpi301.message.splitlines()
            assert lines[1].startswith("6 行目: ") and lines[2].startswith("注記: ") and lines[3].startswith("ヒント: ")


def test_a_multi_line_span_sends_lines_only():
    source = SourceFile("plans/a.kpi", "kpi x {\n  target 1\n}\n")
    d = Diagnostic("KPI207", Severity.ERROR, Msg("m", "m"), "plans/a.kpi", Span(0, 20))
    line = github.annotation(d, source, "en", Root(ROOT))
    assert "col=" not in line and "endColumn=" not in line
    [read] = annotations(line)
    assert (read.line, read.end_line, read.col, read.end_column) == (1, 3, None, None)
    one = github.annotation(Diagnostic("KPI207", Severity.ERROR, Msg("m", "m"), "plans/a.kpi", Span(10, 18)), source, "en",
                            Root(ROOT))
    [read] = annotations(one)
    assert (read.line, read.end_line, read.col, read.end_column) == (2, 2, 3, 11)


@pytest.mark.parametrize("message", ["100% done", "a\nb", "c\r\nd", "%0A literally", "x:y,z", "::error::no", "日本語 ％"])
def test_the_runner_reads_back_every_message_and_name_exactly(message):
    name = "plans/売上 計画,v2:%.kpi"
    source = SourceFile(name, "abc\n")
    d = Diagnostic("KPI207", Severity.ERROR, Msg(message, message), name, Span(0, 1),
                   labels=(Label(Span(1, 2), Msg("x,y", "x,y")),), notes=(Msg("n%", "n%"),), help=Msg("h: 1,2", "h"))
    line = github.annotation(d, source, "en", Root(ROOT))
    assert line.count("\n") == 1
    [read] = annotations(line)
    assert read.file == name and read.title == "KPI207 share-over-100"
    assert read.message == f"{message}\nline 1: x,y\nnote: n%\nhelp: h: 1,2"


def test_a_failed_run_ends_with_an_error_annotation(repo):
    ran = run_cli("check", "-f", "github", "plans", "nosuch.kpi", cwd=repo)
    assert ran.returncode == 2
    last = [a for a in annotations(ran.stdout, per_type_limit=None) if a.file is None]
    assert [(a.level, a.title, a.message) for a in last] == [("error", "kpispec", "no such file or folder: nosuch.kpi")]


# ------------------------------------------------------------------ the docs' recipes, as written


def _yaml_runs(markdown: str, marker: str) -> list[str]:
    """The `- run:` commands of the first ```yaml block after `marker` in docs/ci.md."""
    block = markdown.split(marker, 1)[1].split("```yaml\n", 1)[1].split("```", 1)[0]
    return [line.split("- run:", 1)[1].split("  #", 1)[0].strip() for line in block.splitlines() if "- run:" in line]


def test_the_ci_recipes_work_as_written(repo):
    """docs/ci.md's commands, run as a workflow step would (a shell in the repository, inside
    Actions), with `kpispec` the installed command; the pip install line is the runner's business."""
    text = (ROOT / "docs" / "ci.md").read_text(encoding="utf-8")
    sarif_step = _yaml_runs(text, "## GitHub code scanning: SARIF")
    annotate_step = [c for c in _yaml_runs(text, "## GitHub Actions: annotations") if not c.startswith("pip ")]
    assert sarif_step == ["kpispec check plans/ --format sarif --output-file kpispec.sarif --exit-zero"]
    assert annotate_step == ["kpispec check plans/"]
    bin_dir = Path(shutil.which("kpispec") or (ROOT / ".venv" / "bin" / "kpispec")).parent
    env = {"GITHUB_ACTIONS": "true", "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}

    def step(command: str):
        import subprocess

        full = {**{k: v for k, v in os.environ.items() if k not in ("LANG", "LC_ALL", "GITHUB_ACTIONS")}, **env}
        return subprocess.run(["bash", "-c", command], cwd=repo, env=full, capture_output=True, text=True, timeout=120)

    # findings: the step passes, so the upload runs, and the file holds them
    ran = step(sarif_step[0])
    assert ran.returncode == 0, ran.stderr
    log = json.loads((repo / "kpispec.sarif").read_text(encoding="utf-8"))
    assert validate_sarif_many([log]) == [[]] and log["runs"][0]["results"]
    # a mistyped folder: the step fails (no upload of an empty analysis), the file says why
    ran = step(sarif_step[0].replace("plans/", "plan/"))
    assert ran.returncode == 2
    assert json.loads((repo / "kpispec.sarif").read_text(encoding="utf-8"))["runs"][0]["invocations"][0][
        "executionSuccessful"] is False
    # annotations by default inside Actions; findings fail the step
    ran = step(annotate_step[0])
    assert ran.returncode == 1 and annotations(ran.stdout)


def test_the_ci_page_s_pre_commit_configuration_and_fmt_step_work_as_written(repo):
    """docs/ci.md's first YAML block is a valid pre-commit configuration with the README's hooks (whose
    run is tested in test_precommit.py), and its `fmt --check` step passes on formatted plans."""
    import re
    import subprocess

    import yaml

    from test_precommit import precommit

    text = (ROOT / "docs" / "ci.md").read_text(encoding="utf-8")
    block = text.split("```yaml\n", 1)[1].split("```", 1)[0]
    (repo / ".pre-commit-config.yaml").write_text(block, encoding="utf-8")
    valid = subprocess.run(precommit() + ["validate-config", ".pre-commit-config.yaml"], cwd=repo,
                           capture_output=True, text=True)
    assert valid.returncode == 0, valid.stdout + valid.stderr
    hooks = yaml.safe_load(block)["repos"][0]["hooks"]
    assert hooks == [{"id": "kpispec-fmt"}, {"id": "kpispec-check", "verbose": True}]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert re.search(r"- id: kpispec-check\n\s+verbose: true", readme)  # the same advice in both places
    step = _yaml_runs(text, "In CI, check the layout")
    assert step == ["kpispec fmt --check plans/"]
    assert run_cli(*step[0].split()[1:], cwd=repo).returncode == 1  # the fixture's plans are not laid out
    assert run_cli("fmt", "plans/", cwd=repo).returncode == 0
    ran = run_cli(*step[0].split()[1:], cwd=repo)
    assert ran.returncode == 0, ran.stdout + ran.stderr
