"""`kpispec fmt` through the real command line: what it writes, what it refuses, and the plans we ship.

The properties (idempotent, comments and strings kept, same JSON) are in test_fmt_properties.py;
the pre-commit hook in test_precommit.py.
"""

import os
import re
import signal
import stat
import subprocess
import sys
import time

import pytest

from conftest import ROOT, kpispec_command, run_cli

from kpispec.fmt import format_bytes

UGLY = """# 計画
plan p "計画" { period 2026-04-01 to 2027-03-31 }
kgi revenue "売上" { target 12億円 per year  formula visitors*cvr   # 月次で見る
  deadline 2027-03-31 }
ksf s "集客" { kgi revenue }
kpi visitors "訪問者数" { ksf s target 100万人 per month }
kpi cvr "購入率" { ksf s target 2% }
"""

PRETTY = """# 計画
plan p "計画" {
  period 2026-04-01 to 2027-03-31
}

kgi revenue "売上" {
  formula visitors * cvr  # 月次で見る
  target 12億円 per year
  deadline 2027-03-31
}

ksf s "集客" {
  kgi revenue
}

kpi visitors "訪問者数" {
  ksf s
  target 100万人 per month
}

kpi cvr "購入率" {
  ksf s
  target 2%
}
"""


def test_it_writes_the_canonical_layout_and_a_second_run_changes_nothing(tmp_path):
    plan = tmp_path / "plan.kpi"
    plan.write_text(UGLY, encoding="utf-8")
    run = run_cli("fmt", plan)
    assert run.returncode == 0 and run.stdout == "", run.stderr
    assert run.stderr == "1 file reformatted, 0 files already formatted\n"
    assert plan.read_text(encoding="utf-8") == PRETTY
    again = run_cli("fmt", tmp_path)
    assert (again.returncode, again.stderr) == (0, "0 files reformatted, 1 file already formatted\n")
    assert plan.read_text(encoding="utf-8") == PRETTY


def test_check_lists_what_would_change_and_changes_nothing(tmp_path):
    (tmp_path / "a.kpi").write_text(UGLY, encoding="utf-8")
    (tmp_path / "b.kpi").write_text(PRETTY, encoding="utf-8")
    run = run_cli("fmt", "--check", tmp_path, cwd=tmp_path)
    assert run.returncode == 1
    assert run.stdout == "a.kpi\n"
    assert run.stderr == "1 file would be reformatted, 1 file already formatted\n"
    assert (tmp_path / "a.kpi").read_text(encoding="utf-8") == UGLY
    (tmp_path / "a.kpi").write_text(PRETTY, encoding="utf-8")
    clean = run_cli("fmt", "--check", tmp_path)
    assert (clean.returncode, clean.stdout) == (0, "")


def test_diff_is_a_patch_that_git_applies(tmp_path):
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    (tmp_path / "plans").mkdir()
    (tmp_path / "plans" / "p.kpi").write_text(UGLY, encoding="utf-8")
    run = run_cli("fmt", "--diff", "plans", cwd=tmp_path)
    assert run.returncode == 1, run.stderr
    assert run.stdout.startswith("--- a/plans/p.kpi\n+++ b/plans/p.kpi\n@@ ")
    assert (tmp_path / "plans" / "p.kpi").read_text(encoding="utf-8") == UGLY
    applied = subprocess.run(["git", "apply", "-"], cwd=tmp_path, input=run.stdout, text=True, capture_output=True)
    assert applied.returncode == 0, applied.stderr
    assert (tmp_path / "plans" / "p.kpi").read_text(encoding="utf-8") == PRETTY


def test_diff_of_a_long_plan_with_a_bom_and_a_spaced_name_applies(tmp_path):
    # compared declaration by declaration (linear, not difflib's whole-file search), and still one patch
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    head = 'plan p "計画" {\n  period 2026-04-01 to 2027-03-31\n}\n'
    body = "".join(f'ksf s{i} "s" {{\n  owner "o{i}"\n  deadline 2027-03-{i % 28 + 1:02d}\n  kgi k{i}\n}}\n\n'
                   if i % 3 else f'ksf s{i} "s" {{\n  kgi k{i}\n}}\n\n' for i in range(300))
    data = b"\xef\xbb\xbf" + (head + body).encode("utf-8")
    (tmp_path / "売上 計画.kpi").write_bytes(data)
    run = run_cli("fmt", "--diff", "売上 計画.kpi", cwd=tmp_path)
    assert run.returncode == 1 and run.stdout.startswith("--- a/売上 計画.kpi\t\n+++ b/売上 計画.kpi\t\n")
    assert run.stdout.count("@@ -") > 50, "hunks where the plan changed, not one hunk for the whole file"
    applied = subprocess.run(["git", "apply", "-"], cwd=tmp_path, input=run.stdout.encode("utf-8"), capture_output=True)
    assert applied.returncode == 0, applied.stderr
    assert (tmp_path / "売上 計画.kpi").read_bytes() == format_bytes("p.kpi", data).data


def test_diff_marks_a_missing_final_newline(tmp_path):
    (tmp_path / "p.kpi").write_text(PRETTY.rstrip("\n"), encoding="utf-8")
    run = run_cli("fmt", "--diff", "p.kpi", cwd=tmp_path)
    assert run.returncode == 1
    assert run.stdout.endswith("-}\n\\ No newline at end of file\n+}\n"), run.stdout


def test_a_file_it_cannot_read_as_a_plan_is_left_as_it_was_and_the_others_are_formatted(tmp_path):
    broken = "plan p {\n  period 2026-04-01 to\n"
    (tmp_path / "a_broken.kpi").write_text(broken, encoding="utf-8")
    (tmp_path / "b.kpi").write_text(UGLY, encoding="utf-8")
    run = run_cli("fmt", tmp_path, cwd=tmp_path)
    assert run.returncode == 2
    assert "error[KPI003]" in run.stderr and "--> a_broken.kpi:1:8" in run.stderr
    assert "1 | plan p {" in run.stderr and "= help: add `}`" in run.stderr
    assert run.stderr.endswith("1 file reformatted, 0 files already formatted, 1 file could not be formatted\n")
    assert (tmp_path / "a_broken.kpi").read_text(encoding="utf-8") == broken
    assert (tmp_path / "b.kpi").read_text(encoding="utf-8") == PRETTY


def test_bytes_it_cannot_decode_are_left_alone(tmp_path):
    data = UGLY.encode("shift_jis")
    (tmp_path / "sjis.kpi").write_bytes(data)
    run = run_cli("fmt", tmp_path / "sjis.kpi")
    assert run.returncode == 2 and "KPI005" in run.stderr and "Shift_JIS" in run.stderr
    assert (tmp_path / "sjis.kpi").read_bytes() == data


def test_mode_bom_and_crlf_are_kept(tmp_path):
    plan = tmp_path / "p.kpi"
    plan.write_bytes(b"\xef\xbb\xbf" + UGLY.replace("\n", "\r\n").encode("utf-8"))
    os.chmod(plan, 0o640)
    inode = plan.stat().st_ino
    assert run_cli("fmt", plan).returncode == 0
    assert plan.read_bytes() == b"\xef\xbb\xbf" + PRETTY.replace("\n", "\r\n").encode("utf-8")
    assert stat.S_IMODE(plan.stat().st_mode) == 0o640
    assert plan.stat().st_ino != inode, "replaced by rename, not rewritten in place"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.kpi"], "no temporary file left"


def test_a_string_is_kept_byte_for_byte_even_with_other_line_ends_inside(tmp_path):
    text = 'plan p "計画" { period 2026-04-01 to 2027-03-31\r\n description """a\n  b\r\n\tc  """ }\r\n'
    plan = tmp_path / "p.kpi"
    plan.write_bytes(text.encode("utf-8"))
    assert run_cli("fmt", plan).returncode == 0
    assert plan.read_bytes() == ('plan p "計画" {\r\n  period 2026-04-01 to 2027-03-31\r\n'
                                 '  description """a\n  b\r\n\tc  """\r\n}\r\n').encode("utf-8")


def test_a_read_only_file_is_not_replaced(tmp_path):
    # root may write anything, but kpispec still refuses a file its owner made read-only
    plan = tmp_path / "p.kpi"
    plan.write_text(UGLY, encoding="utf-8")
    os.chmod(plan, 0o444)
    run = run_cli("fmt", plan)
    assert run.returncode == 2 and "read-only" in run.stderr, run.stderr
    assert plan.read_text(encoding="utf-8") == UGLY


def test_a_link_given_by_name_is_formatted_through_and_stays_a_link(tmp_path):
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    (tmp_path / "real.kpi").write_text(UGLY, encoding="utf-8")
    (tmp_path / "link.kpi").symlink_to("real.kpi")
    run = run_cli("fmt", "link.kpi", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "link.kpi").is_symlink() and (tmp_path / "real.kpi").read_text(encoding="utf-8") == PRETTY


def test_a_link_found_in_a_folder_is_skipped(tmp_path):
    outside = tmp_path / "outside.kpi"
    outside.write_text(UGLY, encoding="utf-8")
    (tmp_path / "plans").mkdir()
    (tmp_path / "plans" / "x.kpi").symlink_to(outside)
    run = run_cli("fmt", tmp_path / "plans")
    assert outside.read_text(encoding="utf-8") == UGLY
    assert run.returncode == 2 and "no .kpi files found" in run.stderr, run.stderr


def test_an_empty_path_is_refused_rather_than_read_as_this_folder(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "x.kpi").write_text(UGLY, encoding="utf-8")
    run = run_cli("fmt", "", cwd=tmp_path)  # `kpispec fmt "$FILE"` with an empty variable
    assert run.returncode == 2 and "empty path" in run.stderr
    assert (tmp_path / "sub" / "x.kpi").read_text(encoding="utf-8") == UGLY


def test_a_skipped_link_is_said(tmp_path):
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    (tmp_path / "a.kpi").write_text(PRETTY, encoding="utf-8")
    (tmp_path / "plans").mkdir()
    (tmp_path / "plans" / "b.kpi").write_text(PRETTY, encoding="utf-8")
    (tmp_path / "plans" / "link.kpi").symlink_to("../a.kpi")
    run = run_cli("fmt", "--check", "plans", cwd=tmp_path)
    assert run.returncode == 0 and "note: skipped symbolic link" in run.stderr, run.stderr


def test_no_plan_found_is_an_error(tmp_path):
    run = run_cli("fmt", tmp_path)
    assert (run.returncode, run.stderr) == (2, "kpispec: error: no .kpi files found\n")


def test_messages_in_japanese(tmp_path):
    (tmp_path / "a.kpi").write_text(UGLY, encoding="utf-8")
    (tmp_path / "b.kpi").write_text("kpi {\n", encoding="utf-8")
    run = run_cli("fmt", "--check", tmp_path, "--lang", "ja")
    assert run.returncode == 2
    assert run.stderr.endswith("1 ファイルは整形が必要です。0 ファイルは整形済みです。1 ファイルは整形できませんでした\n")
    assert "エラー[KPI" in run.stderr


def test_a_suppression_comment_keeps_what_it_silences(tmp_path):
    # A comment silences what starts on its line: a one-line block it ends stays on one line, and a
    # layout that would move a token onto its line is refused (KPI902), the file left as it was.
    head = 'plan p "計画" {\n  period 2026-04-01 to 2027-03-31\n}\n\n'
    kept = head + 'ksf s "集客" { kgi revenue }  # kpispec: ignore[KPI210]\n'
    (tmp_path / "kept.kpi").write_text(kept.replace("{ kgi", "{  kgi"), encoding="utf-8")
    assert run_cli("fmt", tmp_path / "kept.kpi").returncode == 0
    assert (tmp_path / "kept.kpi").read_text(encoding="utf-8") == kept
    moved = head + 'kpi x "X" {\n  target >=\n    5件  # kpispec: ignore[KPI202]\n}\n'
    (tmp_path / "moved.kpi").write_text(moved, encoding="utf-8")
    run = run_cli("fmt", tmp_path / "moved.kpi")
    assert run.returncode == 2 and "error[KPI902]" in run.stderr and "moved.kpi:7:9" in run.stderr, run.stderr
    assert (tmp_path / "moved.kpi").read_text(encoding="utf-8") == moved


def test_standard_input_to_standard_output_as_editors_call_it(tmp_path):
    run = run_cli("fmt", "-", input=UGLY)
    assert (run.returncode, run.stdout, run.stderr) == (0, PRETTY, "")
    check = run_cli("fmt", "-", "--check", input=UGLY)
    assert (check.returncode, check.stdout) == (1, "<stdin>\n")
    diff = run_cli("fmt", "-", "--diff", input=UGLY)
    assert diff.returncode == 1 and diff.stdout.startswith("--- a/<stdin>\n+++ b/<stdin>\n")
    broken = run_cli("fmt", "-", input="plan p {")
    assert broken.returncode == 2 and broken.stdout == "" and "--> <stdin>:1:8" in broken.stderr
    alone = run_cli("fmt", "-", tmp_path)
    assert alone.returncode == 2 and "alone" in alone.stderr


def test_a_file_changed_while_it_is_formatted_is_left_as_it_is(tmp_path, monkeypatch, capsys):
    import kpispec.fmt
    from kpispec.cli import fmt as command

    plan = tmp_path / "p.kpi"
    plan.write_text(UGLY, encoding="utf-8")
    saved = UGLY + "# saved by an editor meanwhile\n"
    real = kpispec.fmt.format_bytes

    def an_editor_saves_meanwhile(path, data):
        result = real(path, data)
        plan.write_text(saved, encoding="utf-8")
        return result

    monkeypatch.setattr(kpispec.fmt, "format_bytes", an_editor_saves_meanwhile)
    assert command.run([plan], False, False, False, 10**8) == 2
    assert plan.read_text(encoding="utf-8") == saved
    assert "changed while it was being formatted" in capsys.readouterr().err


# ------------------------------------------------------------------ Ctrl-C


def test_ctrl_c_on_a_large_file_leaves_it_as_it_was(tmp_path):
    sys.path.insert(0, str(ROOT / "bench"))
    import gen

    plan = tmp_path / "large.kpi"
    original = gen.plan(10_000).replace("\n  ", "\n    ").encode("utf-8")  # not in the canonical layout
    plan.write_bytes(original)
    env = {k: v for k, v in os.environ.items() if k not in ("LANG", "LC_ALL", "KPISPEC_LANG")}
    process = subprocess.Popen(kpispec_command() + ["fmt", str(plan)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(1.5)  # started, and well inside the seconds a 10,000-KPI plan takes to format
    assert process.poll() is None, "fmt finished before it could be interrupted"
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert b"Traceback" not in err
    assert plan.read_bytes() == original
    assert sorted(p.name for p in tmp_path.iterdir()) == ["large.kpi"], "no temporary file left"


# ------------------------------------------------------------------ the plans we ship are formatted

KPI_BLOCK = re.compile(r"```kpi\n(.*?)```", re.S)
SHIPPED = sorted([*ROOT.glob("examples/*.kpi"), *ROOT.glob("docs/**/*.kpi"), *ROOT.glob("kpispec/templates/*.kpi"),
                  *ROOT.glob("tests/corpus/valid/*.kpi"), *ROOT.glob("tests/corpus/invalid/*.kpi")])
# The corpus files whose subject is the layout itself: the parser must read them as they are
# (their formatted form is tests/corpus/formatted/NAME.kpi, held below).
LAYOUT_FIXTURES = {"any_order", "comments_everywhere", "ideographic_space", "mixed_line_ends", "no_final_newline",
                   "whitespace_kinds", "only_whitespace"}


@pytest.mark.parametrize("path", SHIPPED, ids=[str(p.relative_to(ROOT)) for p in SHIPPED])
def test_every_plan_we_ship_is_formatted(path):
    if path.stem in LAYOUT_FIXTURES and "corpus" in path.parts:
        pytest.skip("a layout fixture: held to its formatted form below")
    data = path.read_bytes()
    result = format_bytes(path.name, data)
    if not result.ok:
        assert "invalid" in path.parts and all(d.code.startswith("KPI0") for d in result.diagnostics), result.diagnostics
        return
    assert result.data == data, f"run `kpispec fmt {path.relative_to(ROOT)}`"


def test_the_examples_are_formatted_as_ci_checks_them():
    run = run_cli("fmt", "--check", "examples/")
    assert (run.returncode, run.stdout) == (0, ""), run.stdout + run.stderr


def _markdown_plans():
    pages = sorted([*ROOT.glob("docs/**/*.md"), ROOT / "README.md"])
    for page in pages:
        for number, found in enumerate(KPI_BLOCK.finditer(page.read_text(encoding="utf-8")), 1):
            yield pytest.param(found.group(1), id=f"{page.relative_to(ROOT)}-{number}")


@pytest.mark.parametrize("text", list(_markdown_plans()))
def test_every_plan_in_the_docs_is_formatted(text):
    result = format_bytes("doc.kpi", text.encode("utf-8"))
    if result.ok:
        assert result.data.decode("utf-8") == text


def test_rule_pages_show_their_examples_formatted():
    from kpispec.codes import all_rules

    rule = next(r for r in all_rules() if r.code == "KPI201")
    assert 'plan p "計画" { period 2026-04-01 to 2027-03-31 }' in rule.doc  # the source stays compact
    page = rule.doc_in("en")
    assert 'plan p "計画" {\n  period 2026-04-01 to 2027-03-31\n}\n' in page
    assert run_cli("explain", "KPI201").stdout.count('plan p "計画" {\n  period') == 2


LAYOUT = sorted(p for p in ROOT.glob("tests/corpus/valid/*.kpi") if p.stem in LAYOUT_FIXTURES)


@pytest.mark.parametrize("path", LAYOUT, ids=[p.stem for p in LAYOUT])
def test_layout_fixtures_format_to_their_golden_and_the_same_json(path):
    import json

    from kpispec.api import analyze_bytes, compile_result

    golden = ROOT / "tests" / "corpus" / "formatted" / path.name
    result = format_bytes(path.name, path.read_bytes())
    assert result.ok, result.diagnostics
    if os.environ.get("KPISPEC_UPDATE_GOLDEN"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_bytes(result.data)
    assert result.data == golden.read_bytes()
    assert format_bytes(path.name, result.data).data == result.data

    def compiled(data: bytes) -> dict:
        def strip(value):
            if isinstance(value, dict):
                return {k: strip(v) for k, v in value.items() if k not in ("location", "file")}
            if isinstance(value, list):
                return [strip(v) for v in value]
            return value

        return strip(json.loads(compile_result(analyze_bytes("p.kpi", data, checks=False))))

    assert compiled(result.data) == compiled(path.read_bytes())


def test_formatted_golden_folder_holds_only_the_layout_fixtures():
    folder = ROOT / "tests" / "corpus" / "formatted"
    assert {p.stem for p in folder.iterdir()} == {p.stem for p in LAYOUT}


# ------------------------------------------------------------------ the spacing the JSON quotes

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from strategies import quantities  # noqa: E402


@settings(max_examples=300, deadline=None)
@given(quantities(), st.lists(st.sampled_from(["", " ", " ", "  ", "\t", "\u3000", "\n  ", " # c\n "]), min_size=8, max_size=8),
       st.sampled_from(["", "-", "- "]))
def test_an_amounts_text_is_the_spacing_fmt_writes(tokens, separators, sign):
    from kpispec.syntax.spacing import amount, one_line

    text = sign + "".join(token + (separators[i % 8] if i < len(tokens) - 1 else "") for i, token in enumerate(tokens))
    assert amount(text) == one_line(text)  # the check path's shortcut agrees with reading the tokens
    assert amount(amount(text)) == amount(text)
