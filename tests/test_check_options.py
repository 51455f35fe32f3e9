"""`kpispec check`'s linter conventions, through the real CLI: --exit-zero, --select/--ignore, `-` with
--stdin-filename, --output-file, --color (NO_COLOR, FORCE_COLOR), -h, the GitHub format chosen inside
Actions, and the errors listed again at the end of a long text report."""

from __future__ import annotations

import json
import os
import re

import pytest

from conftest import run_cli

PLAN = 'plan p "計画" {\n  period 2026-04-01 to 2027-03-31\n}\n'
# one error (KPI102, an undefined name) and warnings (KPI201 no label, KPI208 unrelated, KPI212, KPI215 …)
WITH_ERROR = PLAN + "kpi x {\n  formula y\n}\n"
# warnings only: no label, no deadline, no cadence …
WARNINGS_ONLY = PLAN + "kpi x {\n  target 10人\n}\n"
ANSI = re.compile("\x1b\\[")


def _codes(stdout: str) -> set[str]:
    return set(re.findall(r"^(?:error|warning|info)\[(KPI\d{3})\]", stdout, re.M))


@pytest.fixture
def repo(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "plans").mkdir()
    (tmp_path / "plans" / "bad.kpi").write_text(WITH_ERROR, encoding="utf-8")
    (tmp_path / "plans" / "warn.kpi").write_text(WARNINGS_ONLY, encoding="utf-8")
    return tmp_path


# ------------------------------------------------------------------ --exit-zero


def test_exit_zero_turns_findings_into_success_but_not_a_failed_run(repo):
    assert run_cli("check", "plans/bad.kpi", cwd=repo).returncode == 1
    assert run_cli("check", "plans/bad.kpi", "--exit-zero", cwd=repo).returncode == 0
    assert run_cli("check", "plans/warn.kpi", "--strict", "--exit-zero", cwd=repo).returncode == 0
    failed = run_cli("check", "plans/bad.kpi", "nosuch.kpi", "--exit-zero", cwd=repo)
    assert failed.returncode == 2 and "nosuch.kpi" in failed.stderr


# ------------------------------------------------------------------ --select / --ignore


def test_select_and_ignore_take_codes_and_prefixes(repo):
    everything = _codes(run_cli("check", "plans/bad.kpi", cwd=repo).stdout)
    assert {"KPI102", "KPI201", "KPI208", "KPI212", "KPI215"} <= everything
    only_2 = _codes(run_cli("check", "plans/bad.kpi", "--select", "KPI2", cwd=repo).stdout)
    assert only_2 == {c for c in everything if c.startswith("KPI2")}
    one = run_cli("check", "plans/bad.kpi", "--select", "kpi215", cwd=repo)  # case does not matter
    assert _codes(one.stdout) == {"KPI215"} and one.returncode == 0  # the error was not selected
    both = _codes(run_cli("check", "plans/bad.kpi", "--select", "KPI215,KPI102", "--select=KPI201", cwd=repo).stdout)
    assert both == {"KPI215", "KPI102", "KPI201"}
    ignored = _codes(run_cli("check", "plans/bad.kpi", "--ignore", "KPI2", "--ignore", "KPI102", cwd=repo).stdout)
    assert ignored == {c for c in everything if not c.startswith("KPI2") and c != "KPI102"}
    # --ignore applies after --select
    assert _codes(run_cli("check", "plans/bad.kpi", "--select", "KPI2", "--ignore", "KPI21", cwd=repo).stdout) == {
        c for c in everything if c.startswith("KPI2") and not c.startswith("KPI21")}


def test_a_syntax_error_is_reported_whatever_is_selected(repo):
    (repo / "broken.kpi").write_text(PLAN + "kpi x {\n", encoding="utf-8")
    ran = run_cli("check", "broken.kpi", "--select", "KPI215", "--ignore", "KPI0", cwd=repo)
    assert ran.returncode == 1 and _codes(ran.stdout) == {"KPI003"}


def test_a_code_the_configuration_turns_off_stays_off(repo):
    (repo / "kpispec.toml").write_text('disable = ["KPI215"]\n', encoding="utf-8")
    assert "KPI215" not in _codes(run_cli("check", "plans/bad.kpi", "--select", "KPI215,KPI212", cwd=repo).stdout)


@pytest.mark.parametrize("lang,expected", [
    ("en", "kpispec: error: --select: unknown rule code or prefix 'KPI31O' (did you mean \"KPI310\"?)"),
    ("ja", "kpispec: エラー: --select：'KPI31O' というルールのコードや接頭辞はありません（\"KPI310\" のことですか？）"),
])
def test_an_unknown_code_is_a_usage_error_with_the_one_meant(repo, lang, expected):
    ran = run_cli("check", "plans/bad.kpi", "--select", "KPI31O", "--lang", lang, cwd=repo)
    assert (ran.returncode, ran.stdout, ran.stderr.strip()) == (2, "", expected)
    ran = run_cli("check", "plans/bad.kpi", "--ignore", "E501", cwd=repo)
    assert ran.returncode == 2 and "--ignore: unknown rule code or prefix 'E501'" in ran.stderr


# ------------------------------------------------------------------ standard input


def test_a_plan_on_standard_input_is_named_by_stdin_filename_and_configured_from_there(repo):
    (repo / "plans" / "kpispec.toml").write_text('disable = ["KPI215"]\n', encoding="utf-8")
    ran = run_cli("check", "-", "--stdin-filename", "plans/unsaved.kpi", "--format", "json", cwd=repo, input=WITH_ERROR)
    report = json.loads(ran.stdout)
    assert ran.returncode == 1
    assert {d["file"] for d in report["diagnostics"]} == {"plans/unsaved.kpi"}
    codes = {d["code"] for d in report["diagnostics"]}
    assert "KPI102" in codes and "KPI215" not in codes  # plans/kpispec.toml governs the name given
    # without a name: <stdin>, configured from the working folder (no configuration there: KPI215 back)
    ran = run_cli("check", "-", "--format", "json", cwd=repo, input=WITH_ERROR)
    report = json.loads(ran.stdout)
    assert {d["file"] for d in report["diagnostics"]} == {"<stdin>"}
    assert "KPI215" in {d["code"] for d in report["diagnostics"]}


def test_standard_input_beside_files_and_its_refusals(repo):
    both = run_cli("check", "plans/warn.kpi", "-", "--stdin-filename", "x.kpi", "--format", "json", cwd=repo,
                   input=WITH_ERROR)
    assert {d["file"] for d in json.loads(both.stdout)["diagnostics"]} == {"x.kpi", "plans/warn.kpi"}
    twice = run_cli("check", "-", "-", cwd=repo, input=PLAN)
    assert (twice.returncode, twice.stderr.strip()) == (2, "kpispec: error: standard input (-) can be given once")
    unnamed = run_cli("check", "plans/warn.kpi", "--stdin-filename", "x.kpi", cwd=repo)
    assert unnamed.returncode == 2 and "add - to the paths" in unnamed.stderr
    large = run_cli("check", "-", "--max-file-size", "100", cwd=repo, input=PLAN * 10)
    assert (large.returncode, large.stderr.strip()) == (2, "kpispec: error: standard input is larger than --max-file-size")
    clean = run_cli("check", "-", cwd=repo, input=PLAN)
    assert clean.returncode == 0 and "Checked 1 file: no problems found." in clean.stdout


# ------------------------------------------------------------------ --output-file


def test_output_file_holds_the_report_and_stdout_stays_empty(repo):
    ran = run_cli("check", "plans", "--format", "json", "-o", "report.json", cwd=repo)
    assert (ran.returncode, ran.stdout) == (1, "")
    report = json.loads((repo / "report.json").read_text(encoding="utf-8"))
    assert report["summary"]["files"] == 2 and report["summary"]["errors"] == 1
    # text too, with the summary; not coloured unless asked (a file is not a terminal)
    run_cli("check", "plans", "--output-file", "report.txt", cwd=repo, env={"NO_COLOR": ""})
    text = (repo / "report.txt").read_text(encoding="utf-8")
    # bad.kpi: KPI102 and four warnings (201, 208, 212, 215); warn.kpi: six (201, 203, 205, 208, 212, 215)
    assert text.endswith("Checked 2 files: 1 error, 10 warnings, 0 info.\n") and not ANSI.search(text)
    run_cli("check", "plans", "--output-file", "report.txt", "--color", "always", cwd=repo)
    assert ANSI.search((repo / "report.txt").read_text(encoding="utf-8"))  # asked for: a log viewer that shows colour


def test_a_failed_run_still_writes_its_sarif_saying_it_failed(repo):
    ran = run_cli("check", "plans", "nosuch.kpi", "-f", "sarif", "-o", "out.sarif", cwd=repo)
    assert ran.returncode == 2 and ran.stdout == ""
    log = json.loads((repo / "out.sarif").read_text(encoding="utf-8"))
    invocation = log["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False and invocation["exitCode"] == 2
    assert [n["message"]["text"] for n in invocation["toolExecutionNotifications"]] == [
        "no such file or folder: nosuch.kpi"]
    assert log["runs"][0]["results"]  # what could be checked is still reported


def test_output_file_never_replaces_a_plan_or_a_folder(repo):
    before = (repo / "plans" / "bad.kpi").read_bytes()
    ran = run_cli("check", "plans", "-o", "plans/bad.kpi", cwd=repo)
    assert ran.returncode == 2 and "it is the input plans/bad.kpi" in ran.stderr
    assert (repo / "plans" / "bad.kpi").read_bytes() == before
    ran = run_cli("check", "plans", "-o", "plans", cwd=repo)
    assert ran.returncode == 2 and "folder" in ran.stderr


# ------------------------------------------------------------------ colour


@pytest.mark.parametrize("args,env,coloured", [
    ([], {}, False),  # a pipe: no colour
    (["--color", "always"], {}, True),
    (["--color=never"], {"FORCE_COLOR": "1"}, False),
    ([], {"FORCE_COLOR": "1", "NO_COLOR": ""}, True),
    ([], {"FORCE_COLOR": "", "NO_COLOR": ""}, False),  # set but empty: neither counts
    ([], {"FORCE_COLOR": "1", "NO_COLOR": "1"}, False),  # NO_COLOR first
    (["--color", "always"], {"NO_COLOR": "1"}, True),  # the command line first
    (["--color", "auto"], {"FORCE_COLOR": "true", "NO_COLOR": ""}, True),
])
def test_colour_follows_the_option_then_no_color_then_force_color(repo, args, env, coloured):
    ran = run_cli("check", "plans/bad.kpi", *args, cwd=repo, env={"NO_COLOR": "", **env})
    assert bool(ANSI.search(ran.stdout)) is coloured


def test_colour_never_reaches_machine_formats(repo):
    ran = run_cli("check", "plans/bad.kpi", "--color", "always", "-f", "json", cwd=repo)
    assert not ANSI.search(ran.stdout)


# ------------------------------------------------------------------ GitHub Actions


def test_inside_github_actions_the_default_is_annotations(repo):
    ran = run_cli("check", "plans/bad.kpi", cwd=repo, env={"GITHUB_ACTIONS": "true"})
    assert ran.stdout.startswith("::group::kpispec check\n")
    assert "::error file=plans/bad.kpi,line=5" in ran.stdout
    assert ran.stdout.endswith("::endgroup::\nChecked 1 file: 1 error, 4 warnings, 0 info.\n")
    # an explicit format wins; any other value of the variable is not Actions
    text = "warning[KPI201]: KPI `x` has no label"
    assert run_cli("check", "plans/bad.kpi", "-f", "text", cwd=repo, env={"GITHUB_ACTIONS": "true"}).stdout.startswith(text)
    assert run_cli("check", "plans/bad.kpi", cwd=repo, env={"GITHUB_ACTIONS": "false"}).stdout.startswith(text)


# ------------------------------------------------------------------ -h


@pytest.mark.parametrize("command", ["check", "fmt", "compile", "diff", "whatif", "explain", "graph", "init", "docs", "schema"])
def test_h_is_help_everywhere(command):
    short, long = run_cli(command, "-h"), run_cli(command, "--help")
    assert short.returncode == 0 and short.stdout == long.stdout and "-h, --help" in short.stdout


def test_the_usage_line_names_the_paths_plainly():
    page = run_cli("check", "-h").stdout
    assert page.splitlines()[0] == "Usage: kpispec check [OPTIONS] paths..."
    assert "{" not in page.splitlines()[0] and "list[Path]" not in page


# ------------------------------------------------------------------ the errors, again, at the end


def test_errors_among_warnings_are_listed_again_at_the_end(repo):
    ran = run_cli("check", "plans", cwd=repo)
    tail = ran.stdout.split("\n\n")[-2:]
    assert tail[0] == "1 error:\n  plans/bad.kpi:5:11: KPI102 `y` is not defined in this plan"
    ja = run_cli("check", "plans", "--lang", "ja", cwd=repo).stdout.split("\n\n")[-2]
    assert ja == "エラー（1 件）:\n  plans/bad.kpi:5:11: KPI102 `y` はこの計画で定義されていません"
    # no error, or only errors: nothing to lift out
    assert "error:" not in run_cli("check", "plans/warn.kpi", cwd=repo).stdout.split("\n\n")[-2]


def test_the_list_stops_at_twenty_and_counts_the_rest(tmp_path):
    names = "".join(f"kpi k{i} \"k\" {{\n  formula missing{i}\n}}\n" for i in range(25))
    (tmp_path / "many.kpi").write_text(PLAN + names, encoding="utf-8")
    out = run_cli("check", "many.kpi", cwd=tmp_path).stdout
    listing = out.split("\n\n")[-2].splitlines()
    assert listing[0] == "25 errors:"
    assert len(listing) == 1 + 20 + 1 and listing[-1] == "  … and 5 more"
    assert listing[1] == "  many.kpi:5:11: KPI102 `missing0` is not defined in this plan"


# ------------------------------------------------------------------ found by the adversarial review


def test_an_empty_select_is_a_usage_error_not_every_rule_off(repo):
    for value in ("", ",,,", " "):
        ran = run_cli("check", "plans/bad.kpi", "--select", value, cwd=repo)
        assert (ran.returncode, ran.stderr.strip()) == (
            2, "kpispec: error: --select names no rule code: give codes or prefixes such as KPI301,KPI2")
    long = run_cli("check", "plans/bad.kpi", "--ignore", "X" * 5000, cwd=repo)
    assert long.returncode == 2 and len(long.stderr) < 200  # the value is cut, not echoed whole


def test_the_report_never_replaces_the_configuration_it_read(repo):
    (repo / "kpispec.toml").write_text("disable = []\n", encoding="utf-8")
    ran = run_cli("check", "plans", "-o", "kpispec.toml", cwd=repo)
    assert ran.returncode == 2 and "it is the input kpispec.toml" in ran.stderr
    assert (repo / "kpispec.toml").read_text(encoding="utf-8") == "disable = []\n"


def test_a_deleted_working_folder_does_not_break_the_machine_formats(repo, tmp_path):
    import subprocess
    import sys

    probe = ("import os, sys\nos.chdir(sys.argv[1]); os.rmdir(sys.argv[1])\n"
             "sys.argv = ['kpispec', 'check', '-f', sys.argv[3], sys.argv[2]]\nfrom kpispec.cli import main\nmain()\n")
    for fmt in ("sarif", "github"):
        gone = tmp_path / f"gone-{fmt}"
        gone.mkdir()
        ran = subprocess.run([sys.executable, "-c", probe, str(gone), str(repo / "plans" / "bad.kpi"), fmt],
                             capture_output=True, text=True, env={**os.environ, "NO_COLOR": "1"})
        assert ran.returncode == 1 and "internal error" not in ran.stderr, ran.stderr
        assert "bad.kpi" in ran.stdout


def test_a_root_at_the_filesystem_s_root_is_file_slash(repo):
    log = json.loads(run_cli("check", "-f", "sarif", "--root", "/", "plans/bad.kpi", cwd=repo).stdout)
    assert log["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"] == "file:///"
