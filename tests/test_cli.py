"""The command line as users and CI see it: exit codes, output formats, files, language, colour."""

from __future__ import annotations

import json
import os
import pty
import re
import subprocess
import sys

import pytest

from conftest import ROOT, kpispec_command, run_cli

import kpispec

VALID = ROOT / "tests" / "golden" / "valid" / "contract.kpi"
ERRORS = ROOT / "tests" / "golden" / "errors"
BROKEN = ERRORS / "unknown_attribute.kpi"
CLEAN = 'plan p "計画" {\n  period 2026-04-01 to 2027-03-31\n}\n'
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def no_traceback(result):
    assert "Traceback" not in result.stdout + result.stderr, result.stderr


# ---------------------------------------------------------------- exit codes


def test_clean_plan_exits_0():
    result = run_cli("check", VALID)
    assert result.returncode == 0, result.stdout
    assert result.stdout.endswith("Checked 1 file: no problems found.\n")
    assert result.stderr == ""


def test_plan_with_errors_exits_1():
    result = run_cli("check", "tests/golden/errors/unknown_attribute.kpi")
    assert result.returncode == 1
    assert result.stdout.startswith("error[KPI002]: unknown attribute `taget`")
    assert result.stderr == ""


def test_missing_file_exits_2_and_still_checks_the_rest():
    result = run_cli("check", "--format", "json", "no/such/plan.kpi", VALID)
    assert result.returncode == 2
    assert "kpispec: error: no such file or folder: no/such/plan.kpi" in result.stderr
    assert json.loads(result.stdout)["summary"]["files"] == 1  # stdout stays pure JSON
    no_traceback(result)


def test_folder_without_kpi_files_exits_2(tmp_path):
    (tmp_path / "notes.txt").write_text("not a plan", encoding="utf-8")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "skipped.kpi").write_text(CLEAN, encoding="utf-8")
    result = run_cli("check", tmp_path)
    assert result.returncode == 2
    assert "no .kpi files found" in result.stderr
    no_traceback(result)


def test_broken_link_is_skipped_unless_followed_then_exits_2(tmp_path):
    (tmp_path / "good.kpi").write_text(CLEAN, encoding="utf-8")
    (tmp_path / "gone.kpi").symlink_to(tmp_path / "deleted-target.kpi")  # listed by the folder walk, not readable
    result = run_cli("check", tmp_path)
    assert result.returncode == 0
    assert re.search(r"kpispec: note: skipped symbolic link .*gone\.kpi", result.stderr), result.stderr
    followed = run_cli("check", "--follow-symlinks", tmp_path)
    assert followed.returncode == 2
    assert re.search(r"kpispec: error: .*gone\.kpi is a symbolic link that leads nowhere", followed.stderr), followed.stderr
    assert "Checked 1 file" in followed.stdout
    no_traceback(followed)


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root can read any file")
def test_file_without_read_permission_exits_2(tmp_path):
    plan = tmp_path / "locked.kpi"
    plan.write_text(CLEAN, encoding="utf-8")
    plan.chmod(0)
    result = run_cli("check", plan)
    assert result.returncode == 2
    assert "cannot read" in result.stderr


def test_compile_exit_codes(tmp_path):
    assert run_cli("compile", "no/such/plan.kpi").returncode == 2
    folder = run_cli("compile", tmp_path)
    assert folder.returncode == 2 and "is a folder" in folder.stderr
    broken = run_cli("compile", BROKEN)
    assert broken.returncode == 1 and broken.stdout == ""
    assert "error[KPI002]" in broken.stderr
    no_traceback(broken)


# ---------------------------------------------------------------- formats


def test_json_diagnostics_shape():
    result = run_cli("check", "--format", "json", "tests/golden/errors/missing_brace_before_next.kpi")
    assert result.returncode == 1
    data = json.loads(result.stdout)
    assert data["summary"] == {"files": 1, "errors": 1, "warnings": 0, "infos": 0}
    (d,) = data["diagnostics"]
    required = {"code", "severity", "message", "file", "line", "column", "end_line", "end_column", "help"}
    assert required <= set(d)
    assert d["code"] == "KPI003" and d["severity"] == "error"
    assert d["file"] == "tests/golden/errors/missing_brace_before_next.kpi"
    # 1-based: `kpi` at the very start of line 27 is column 1, and ends before column 4.
    assert (d["line"], d["column"], d["end_line"], d["end_column"]) == (27, 1, 27, 4)
    assert d["message"] == "the `kpi` block `cvr` is not closed before the next declaration starts"
    assert d["help"] == "add `}` after line 25 to close the `kpi` block `cvr`"
    (label,) = d["labels"]
    assert (label["line"], label["column"]) == (18, 15)  # columns count characters, not display cells
    assert label["message"] == "the `kpi` block `cvr` opens here"
    assert all(isinstance(d[k], int) and d[k] >= 1 for k in ("line", "column", "end_line", "end_column"))


def test_version():
    result = run_cli("--version")
    assert result.returncode == 0
    assert result.stdout == f"kpispec {kpispec.__version__}\n"


# ------------------------------------------------------------- compile -o


def test_compile_output_file_is_written_whole(tmp_path):
    out = tmp_path / "plan.json"
    result = run_cli("compile", VALID, "-o", out)
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert json.loads(out.read_text(encoding="utf-8"))["plan"]["id"] == "ec_fy2026"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.json"]  # no temporary file left behind
    assert out.stat().st_mode & 0o777 == 0o666 & ~current_umask()  # not mkstemp's private 0600


def test_compile_errors_leave_existing_output_untouched(tmp_path):
    out = tmp_path / "plan.json"
    out.write_text('{"previous": true}\n', encoding="utf-8")
    out.chmod(0o640)
    before = out.stat()
    result = run_cli("compile", BROKEN, "-o", out)
    assert result.returncode == 1
    assert out.read_text(encoding="utf-8") == '{"previous": true}\n'
    assert out.stat().st_mtime_ns == before.st_mtime_ns
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.json"]
    # A successful compile replaces it and keeps its permissions.
    assert run_cli("compile", VALID, "-o", out).returncode == 0
    assert "previous" not in out.read_text(encoding="utf-8")
    assert out.stat().st_mode & 0o777 == 0o640


def test_output_into_a_missing_folder_exits_2(tmp_path):
    for args in (("compile", VALID, "-o", tmp_path / "no" / "plan.json"), ("schema", "-o", tmp_path / "no" / "s.json")):
        result = run_cli(*args)
        assert result.returncode == 2, args
        assert "kpispec: error: cannot write" in result.stderr
        no_traceback(result)


def current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# ---------------------------------------------------------------- language


def test_japanese_by_option_and_by_locale():
    by_option = run_cli("check", "--lang", "ja", BROKEN)
    by_locale = run_cli("check", BROKEN, env={"LANG": "ja_JP.UTF-8"})
    assert by_option.stdout == by_locale.stdout
    assert "`kpi` ブロック `cvr` に未知の属性 `taget` があります" in by_option.stdout
    assert by_option.stdout.endswith("1 ファイルを検査しました：エラー 1 件、警告 0 件、情報 0 件。\n")
    assert by_option.returncode == by_locale.returncode == 1


@pytest.mark.parametrize("env, lang", [
    ({}, "en"),
    ({"LANG": "ja_JP.UTF-8"}, "ja"),
    ({"LANG": "ja_JP.UTF-8", "LC_ALL": "C.UTF-8"}, "en"),  # LC_ALL overrides LANG, as in POSIX
    ({"LANG": "en_US.UTF-8", "LC_MESSAGES": "ja_JP.UTF-8"}, "ja"),
    ({"LANG": "en_US.UTF-8", "KPISPEC_LANG": "ja"}, "ja"),
])
def test_language_from_the_environment(monkeypatch, env, lang):
    from kpispec.cli import default_lang

    for var in ("KPISPEC_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(var, raising=False)
    for var, value in env.items():
        monkeypatch.setenv(var, value)
    assert default_lang() == lang


def test_a_console_that_cannot_show_japanese_gets_no_traceback():
    result = run_cli("check", "--lang", "ja", BROKEN, env={"PYTHONIOENCODING": "ascii"})
    assert result.returncode == 1
    assert "[KPI002]" in result.stdout
    no_traceback(result)


# ------------------------------------------------------------------ colour


def run_in_terminal(*args, env: dict) -> str:
    """Run the CLI with stdout on a pseudo-terminal and return what it printed."""
    full_env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "LANG", "LC_ALL", "LC_MESSAGES")}
    full_env.update(env)
    controller, terminal = pty.openpty()
    try:
        proc = subprocess.Popen(kpispec_command() + [str(a) for a in args], cwd=ROOT, env=full_env,
                                stdout=terminal, stderr=subprocess.DEVNULL)
        os.close(terminal)
        chunks = []
        while True:
            try:
                chunk = os.read(controller, 65536)
            except OSError:  # EIO: the other end closed
                break
            if not chunk:
                break
            chunks.append(chunk)
        proc.wait(timeout=60)
    finally:
        os.close(controller)
    return b"".join(chunks).decode("utf-8", errors="replace")


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_colour_only_on_a_terminal_and_never_with_no_color():
    assert ANSI.search(run_in_terminal("check", BROKEN, env={}))
    assert not ANSI.search(run_in_terminal("check", BROKEN, env={"NO_COLOR": "1"}))
    piped = run_cli("check", BROKEN, env={"NO_COLOR": ""})  # stdout is a pipe: no colour even without NO_COLOR
    assert "\x1b[" not in piped.stdout and piped.returncode == 1


# ---------------------------------------------------------------- folders


def test_folder_search_finds_nested_plans_and_skips_hidden_folders(tmp_path):
    (tmp_path / "team" / "2026").mkdir(parents=True)
    (tmp_path / "team" / "2026" / "plan.kpi").write_text(CLEAN, encoding="utf-8")
    (tmp_path / "top.kpi").write_text(CLEAN.replace("plan p", "plan q"), encoding="utf-8")
    (tmp_path / "readme.md").write_text("plan", encoding="utf-8")
    broken = "kpl nothing {\n"
    for skipped in (".git", ".cache", "node_modules"):
        (tmp_path / skipped).mkdir()
        (tmp_path / skipped / "bad.kpi").write_text(broken, encoding="utf-8")
    result = run_cli("check", "--format", "json", tmp_path)
    assert result.returncode == 0, result.stdout
    data = json.loads(result.stdout)
    assert data["summary"]["files"] == 2
    assert data["diagnostics"] == []


# --------------------------------------------------------- internal errors


def test_a_crash_inside_kpispec_is_reported_without_a_traceback(monkeypatch, tmp_path):
    from typer.testing import CliRunner

    import kpispec.api
    from kpispec.cli import app

    def crash(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(kpispec.api, "analyze_bytes", crash)
    result = CliRunner().invoke(app, ["check", str(VALID)])
    assert result.exit_code == 2
    assert "internal error while checking" in result.output and "boom" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
