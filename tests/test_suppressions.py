"""Suppression comments: `# kpispec: ignore[…]` on a line, `# kpispec: ignore-file[…]` for the whole
file, and the warnings on the ones that cannot be used (KPI903) or silence nothing (KPI904)."""

from __future__ import annotations

import json
import re

import pytest

from conftest import ROOT, run_cli

from kpispec.api import analyze_text
from kpispec.config import DEFAULT, Config
from kpispec.diagnostics import Severity

PLAN = 'plan p "計画" {\n  period 2026-04-01 to 2027-03-31\n}\n'
# Without comments: KPI208 (no KGI) and KPI215 (no cadence) start on line 4, KPI205 (no baseline) on line 5.
KPI = 'kpi followers "フォロワー数" {{{head}\n  target 50,000人{target}\n  deadline 2027-03-31\n  source "Instagram"\n}}\n'


def plan(head: str = "", target: str = "", before: str = "", after: str = "") -> str:
    return before + PLAN + KPI.format(head=head, target=target) + after


def found(text: str, config: Config = DEFAULT, checks: bool = True) -> list[tuple[str, int]]:
    result = analyze_text("p.kpi", text, config, checks)
    return sorted((d.code, result.source.position(d.span.start)[0]) for d in result.diagnostics)


def reports(text: str, config: Config = DEFAULT, checks: bool = True):
    """The KPI903 and KPI904 diagnostics, each with the text its span covers."""
    result = analyze_text("p.kpi", text, config, checks)
    return [(d.code, result.source.slice(d.span), d) for d in result.diagnostics if d.code in ("KPI903", "KPI904")]


BASE = [("KPI205", 5), ("KPI208", 4), ("KPI215", 4)]


def test_the_plan_the_tests_start_from():
    assert found(plan()) == BASE


# ------------------------------------------------------------------ a line


@pytest.mark.parametrize("comment", [
    "  # kpispec: ignore[KPI205]", "  # kpispec: ignore[kpi205]", "#kpispec:ignore[KPI205]",
    "  # kpispec:  ignore [ KPI205 ]", "  # kpispec: ignore[KPI205]  (a new account: no baseline yet)",
    "  # why # kpispec: ignore[KPI205]",
])
def test_a_line_comment_silences_its_code_on_its_line(comment):
    assert found(plan(target=comment)) == [("KPI208", 4), ("KPI215", 4)]


def test_only_on_its_own_line_and_only_the_codes_it_names():
    # on line 4 it does not reach KPI205 on line 5; of line 4 it silences KPI215, not KPI208
    assert found(plan(head="  # kpispec: ignore[KPI215, KPI205]"))[:2] == [("KPI205", 5), ("KPI208", 4)]


@pytest.mark.parametrize("codes", ["KPI208, KPI215", "KPI208,KPI215", "KPI208 KPI215", "kpi215,  KPI208 ,"])
def test_several_codes(codes):
    assert found(plan(head=f"  # kpispec: ignore[{codes}]")) == [("KPI205", 5)]


def test_without_codes_every_code_on_the_line():
    assert found(plan(head="  # kpispec: ignore")) == [("KPI205", 5)]
    assert found(plan(head="  # kpispec: ignore  (legacy)")) == [("KPI205", 5)]


# ------------------------------------------------------------------ the file


@pytest.mark.parametrize("where", ["before", "after", "middle"])
def test_a_file_comment_silences_its_codes_anywhere_from_a_line_of_its_own(where):
    comment = "# kpispec: ignore-file[KPI205, KPI215]\n"
    text = {"before": plan(before=comment), "after": plan(after=comment),
            "middle": plan().replace("  target", "  " + comment + "  target")}[where]
    lines = found(text)
    assert [code for code, _ in lines] == ["KPI208"], lines


@pytest.mark.parametrize("comment", [
    "# kpispec: ignore-file[KPI215]", "#kpispec:ignore-file[kpi215]", "  # kpispec: ignore-file [ KPI215 ]",
    "# kpispec: ignore-file[KPI215]  (cadences are set in the BI tool)", "# generated # kpispec: ignore-file[KPI215]",
    "\u3000# kpispec: ignore-file[KPI215]",
])
def test_file_comment_spellings(comment):
    assert found(plan(before=comment + "\n")) == [("KPI205", 6), ("KPI208", 5)]


def test_a_file_comment_without_codes_silences_every_code_errors_too():
    broken = plan().replace("target 50,000人", "target 50,000人\n  formula missing * 2")
    assert ("KPI102", 6) in found(broken)
    result = analyze_text("p.kpi", "# kpispec: ignore-file\n" + broken)
    assert result.diagnostics == [] and result.ok


def test_ignore_file_is_not_read_as_a_line_comment():
    # On the first line, where a file without a plan is reported (KPI106): a line comment there
    # silences it; `ignore-file[KPI215]` must not (it once read as `ignore`, every code on its line).
    no_plan = 'kpi a "A" { target 1件 }\n'
    assert ("KPI106", 1) in found("# kpispec: ignore-file[KPI215]\n" + no_plan)
    assert ("KPI106", 1) not in found("# kpispec: ignore[KPI106]\n" + no_plan)
    # and it silences KPI215 on other lines, as a line comment never does
    assert ("KPI215", 2) not in found("# kpispec: ignore-file[KPI215]\n" + no_plan)


def test_a_file_comment_after_the_plan_s_text_silences_nothing_and_says_so():
    text = plan(target="  # kpispec: ignore-file[KPI205, KPI215]")
    assert found(text) == sorted(BASE + [("KPI903", 5)])
    [(_, shown, d)] = reports(text)
    assert shown == "# kpispec: ignore-file[KPI205, KPI215]"
    assert "on a line of its own" in d.help.en and "単独の行" in d.help.ja


def test_a_syntax_error_is_not_silenced():
    text = '# kpispec: ignore-file\nplan p "計画" {\n  perod 2026-04-01 to 2027-03-31\n}\n'
    assert [code for code, _ in found(text)] == ["KPI002"]


# ------------------------------------------------------------------ what cannot be read (KPI903)


@pytest.mark.parametrize(("comment", "fixed"), [
    ("# kpispec: ignore: KPI205", "# kpispec: ignore[KPI205]"),             # flake8's spelling
    ("# kpispec: ignore KPI205", "# kpispec: ignore[KPI205]"),
    ("# kpispec: ignore kpi205, kpi215", "# kpispec: ignore[KPI205, KPI215]"),
    ("# kpispec: ignore[KPI205", "# kpispec: ignore[KPI205]"),               # never closed
    ("# KPISPEC: IGNORE[KPI205]", "# kpispec: ignore[KPI205]"),
    ("# kpispec：ignore［KPI205］", "# kpispec: ignore[KPI205]"),              # full-width
    ("# kpispec: ignore_file[KPI205]", None),                                # on a line of the plan: no fix
    ("# kpispec: ignored", None),
    ("# kpispec: ignore理由", None),
])
def test_a_comment_that_cannot_be_read_silences_nothing(comment, fixed):
    text = plan(target="  " + comment)
    assert found(text) == sorted(BASE + [("KPI903", 5)])  # KPI205 still there: nothing silenced
    [(_, shown, d)] = reports(text)
    assert shown == comment and d.severity is Severity.WARNING
    assert d.message.en == "kpispec cannot read this suppression comment: it silences nothing"
    if fixed:
        assert (d.help.en, d.help.ja) == (f"write it as `{fixed}`", f"`{fixed}` と書いてください")
    else:
        assert "`# kpispec: ignore[KPI205, …]`" in d.help.en


def test_a_fix_for_a_file_comment_on_a_line_of_its_own():
    [(_, _, d)] = reports(plan(before="# kpispec: ignore-files[KPI215]\n# KPISPEC: ignore-file[KPI215]\n"))[1:]
    assert d.help.en == "write it as `# kpispec: ignore-file[KPI215]`"


def test_each_directive_of_a_comment_is_read_on_its_own():
    text = plan(target="  # kpispec: ignore[KPI999] # kpispec: ignore: KPI205 # kpispec: ignore[KPI205]")
    assert [(code, shown) for code, shown, _ in reports(text)] == [
        ("KPI903", "KPI999"), ("KPI903", "# kpispec: ignore: KPI205")]
    assert ("KPI205", 5) not in found(text)  # the third one silences it


@pytest.mark.parametrize(("written", "help_en", "help_ja"), [
    ("KPl205", "did you mean `KPI205`?", "`KPI205` のことですか？"),   # a lower-case L
    ("KPI2O5", "did you mean `KPI205`?", "`KPI205` のことですか？"),   # a letter O
    ("ＫＰＩ２０５", "did you mean `KPI205`?", "`KPI205` のことですか？"),
    ("KPI2055", "did you mean `KPI205`?", "`KPI205` のことですか？"),
    ("missing-baseline", "`missing-baseline` is the name of KPI205: write its code, `KPI205`",
     "`missing-baseline` は KPI205 の名前です。コード `KPI205` で書いてください"),
    ("KPI205;KPI215", "separate the codes with commas: `ignore[KPI205, KPI215]`",
     "コードはカンマで区切ってください：`ignore[KPI205, KPI215]`"),
    # as near KPI209 as KPI218 and the others: no guess; nowhere near any
    ("KPI219", "write a code as `kpispec check` shows it, such as `KPI205` (`kpispec explain` lists them)", None),
    ("KPI999", "write a code as `kpispec check` shows it, such as `KPI205` (`kpispec explain` lists them)", None),
])
def test_an_unknown_code(written, help_en, help_ja):
    text = plan(target=f"  # kpispec: ignore[{written}, KPI215]")
    [(code, shown, d)] = [report for report in reports(text) if report[0] == "KPI903"]
    assert (code, shown) == ("KPI903", written)
    assert d.message.en == f"unknown rule code `{written}` in a suppression comment: it silences nothing"
    assert d.message.ja == f"抑止コメントの `{written}` は未知のルールのコードで、何も抑止しません"
    assert d.help.en == help_en
    if help_ja:
        assert d.help.ja == help_ja
    # the unknown code is left out, nothing else: KPI205 stays, and KPI215 (not on this line) is unused
    codes = found(text)
    assert ("KPI205", 5) in codes and ("KPI904", 5) in codes


def test_the_known_codes_beside_an_unknown_one_still_count():
    text = plan(target="  # kpispec: ignore[KPI999, KPI205]")
    assert found(text) == [("KPI208", 4), ("KPI215", 4), ("KPI903", 5)]


def test_empty_brackets():
    text = plan(target="  # kpispec: ignore[ ]")
    assert found(text) == sorted(BASE + [("KPI903", 5)])
    [(_, shown, d)] = reports(text)
    assert shown == "# kpispec: ignore[ ]" and d.message.en == "this suppression comment names no code: it silences nothing"


# ------------------------------------------------------------------ what silences nothing (KPI904)


def test_an_unused_code_on_a_line():
    text = plan(target="  # kpispec: ignore[KPI205, KPI301]")
    [(code, shown, d)] = reports(text)
    assert (code, shown) == ("KPI904", "KPI301")
    assert d.message.en == "unused suppression: no KPI301 finding starts on this line"
    assert d.message.ja == "使われていない抑止：この行から始まる KPI301 の指摘はありません"
    assert (d.help.en, d.help.ja) == ("remove `KPI301` from the comment", "コメントから `KPI301` を削除してください")
    assert found(text) == [("KPI208", 4), ("KPI215", 4), ("KPI904", 5)]


def test_a_suppression_that_outlived_its_reason():
    fixed = plan(target="  # kpispec: ignore[KPI205]").replace("  deadline", "  baseline 12,000人\n  deadline")
    [(code, shown, d)] = reports(fixed)
    assert (code, shown, d.help.en) == ("KPI904", "KPI205", "remove the comment")


def test_an_unused_comment_without_codes():
    text = plan().replace('  source "Instagram"', '  source "Instagram"  # kpispec: ignore')
    [(code, shown, d)] = reports(text)
    assert (code, shown) == ("KPI904", "# kpispec: ignore")
    assert d.message.en == "unused suppression: no finding starts on this line"


def test_a_line_comment_on_a_line_of_its_own_is_told_where_it_works():
    text = plan().replace("  target", "  # kpispec: ignore[KPI205]\n  target")
    [(code, shown, d)] = reports(text)
    assert (code, shown) == ("KPI904", "KPI205") and ("KPI205", 6) in found(text)
    assert "end of the line the finding starts on" in d.help.en and "`# kpispec: ignore-file[…]`" in d.help.en


def test_a_code_named_twice():
    [(code, _, d)] = reports(plan(target="  # kpispec: ignore[KPI205, kpi205]"))
    assert code == "KPI904" and d.message.en == "`KPI205` is named twice in this suppression comment"


def test_an_unused_code_in_the_file():
    text = plan(before="# kpispec: ignore-file[KPI215, KPI301]\n")
    [(code, shown, d)] = reports(text)
    assert (code, shown) == ("KPI904", "KPI301")
    assert d.message.en == "unused suppression: no KPI301 finding in this file"
    assert d.message.ja == "使われていない抑止：このファイルには KPI301 の指摘はありません"
    assert found(text) == [("KPI205", 6), ("KPI208", 5), ("KPI904", 1)]


def test_an_unused_file_comment_without_codes():
    clean = (ROOT / "examples" / "ec_site.kpi").read_text(encoding="utf-8")
    assert found(clean) == []
    [(code, shown, d)] = reports("# kpispec: ignore-file\n" + clean)
    assert (code, shown) == ("KPI904", "# kpispec: ignore-file")
    assert d.message.en == "unused suppression: this file has no finding to silence"


def test_a_code_no_comment_can_silence():
    [(_, shown, d)] = reports(plan(target="  # kpispec: ignore[KPI205, KPI002]"))
    assert shown == "KPI002" and d.help.en.startswith("no comment can silence KPI002")
    [(_, shown, d)] = reports(plan(target="  # kpispec: ignore[KPI205, KPI902]"))
    assert shown == "KPI902" and "only `kpispec fmt` reports KPI902" in d.help.en


# ------------------------------------------------------------------ what cannot be judged


def test_a_code_disabled_for_the_run_is_never_called_unused():
    text = plan(target="  # kpispec: ignore[KPI205, KPI301]")
    assert [shown for _, shown, _ in reports(text)] == ["KPI301"]
    assert reports(text, Config(disabled=frozenset({"KPI301"}))) == []
    # configured as "off" in a file, as the CLI reads it
    from kpispec.config import from_table

    assert reports(text, from_table({"severity": {"KPI301": "off"}}, "kpispec.toml")) == []
    # another code disabled does not stop the judgement
    assert [shown for _, shown, _ in reports(text, Config(disabled=frozenset({"KPI215"})))] == ["KPI301"]


def test_a_comment_without_codes_is_judged_only_when_nothing_is_disabled():
    text = plan().replace('  source "Instagram"', '  source "Instagram"  # kpispec: ignore')
    assert len(reports(text)) == 1
    assert reports(text, Config(disabled=frozenset({"KPI215"}))) == []
    assert len(reports(text, Config(disabled=frozenset({"KPI903"})))) == 1  # the reports' own codes do not count


def test_without_the_checks_only_the_codes_of_the_stages_are_judged():
    text = plan(target="  # kpispec: ignore[KPI205, KPI102]")
    assert [shown for _, shown, _ in reports(text, checks=False)] == ["KPI102"]
    assert [shown for _, shown, _ in reports(text)] == ["KPI102"]
    assert reports(plan().replace('  source "Instagram"', '  source "Instagram"  # kpispec: ignore'), checks=False) == []


def test_a_plan_with_name_errors_does_not_judge_the_checks_codes():
    broken = plan(target="  # kpispec: ignore[KPI301, KPI102]").replace("  deadline", "  formula nosuch * 2\n  deadline")
    assert ("KPI102", 6) in found(broken)
    assert [shown for _, shown, _ in reports(broken)] == ["KPI102"]  # of line 5: KPI102 is judged, KPI301 not


def test_a_check_that_crashed_is_not_judged(monkeypatch):
    from kpispec.checks.kpi301_targets_miss_goal import TargetsMissGoal

    def crash(self):
        raise RuntimeError("planted")

    text = plan(target="  # kpispec: ignore[KPI205, KPI301]")
    monkeypatch.setattr(TargetsMissGoal, "run", crash)
    codes = found(text)
    assert ("KPI901", 1) in codes and "KPI904" not in {code for code, _ in codes}


# ------------------------------------------------------------------ the reports' own codes


def test_naming_the_report_s_code_in_the_comment_keeps_it_quiet():
    assert reports(plan(target="  # kpispec: ignore[KPI205, KPI301, KPI904]")) == []
    assert reports(plan(target="  # kpispec: ignore[KPI999, KPI205, KPI903]")) == []
    # named alone, the reports' codes are never unused themselves
    assert reports(plan(target="  # kpispec: ignore[KPI205, KPI904]")) == []


def test_a_comment_without_codes_does_not_hide_that_it_is_unused():
    text = plan().replace('  source "Instagram"', '  source "Instagram"  # kpispec: ignore')
    assert [code for code, _, _ in reports(text)] == ["KPI904"]
    assert [code for code, _, _ in reports("# kpispec: ignore-file\n" + (ROOT / "examples" / "ec_site.kpi").read_text(
        encoding="utf-8"))] == ["KPI904"]


def test_a_file_comment_silences_the_reports_on_other_comments():
    unused = plan(target="  # kpispec: ignore[KPI205, KPI301, KPI2O5]")
    assert [(code, shown) for code, shown, _ in reports(unused)] == [("KPI904", "KPI301"), ("KPI903", "KPI2O5")]
    assert reports("# kpispec: ignore-file[KPI903, KPI904]\n" + unused) == []
    assert [code for code, _, _ in reports("# kpispec: ignore-file[KPI904]\n" + unused)] == ["KPI903"]
    assert [code for code, _, _ in reports("# kpispec: ignore-file[KPI903]\n" + unused)] == ["KPI904"]
    # without codes it silences them too (and itself is used)
    assert found("# kpispec: ignore-file\n" + unused) == []


def test_the_reports_are_configured_as_any_code():
    text = plan(target="  # kpispec: ignore[KPI205, KPI301, KPI2O5]")
    assert [code for code, _, _ in reports(text, Config(disabled=frozenset({"KPI904"})))] == ["KPI903"]
    severities = {code: d.severity for code, _, d in reports(text, Config(severity={"KPI904": Severity.ERROR}))}
    assert severities == {"KPI903": Severity.WARNING, "KPI904": Severity.ERROR}


# ------------------------------------------------------------------ through the command line


def test_the_command_line(tmp_path):
    (tmp_path / "p.kpi").write_text(plan(target="  # kpispec: ignore[KPI205, KPI301]"), encoding="utf-8")
    run = run_cli("check", "p.kpi", cwd=tmp_path)
    assert run.returncode == 0, run.stderr  # warnings only
    assert "warning[KPI904]: unused suppression: no KPI301 finding starts on this line\n --> p.kpi:5:45\n" in run.stdout
    assert "= help: remove `KPI301` from the comment" in run.stdout
    assert "KPI205" not in run.stdout.replace("ignore[KPI205", "")
    assert run_cli("check", "p.kpi", "--strict", cwd=tmp_path).returncode == 1
    ja = run_cli("check", "p.kpi", "--lang", "ja", cwd=tmp_path)
    assert "使われていない抑止：この行から始まる KPI301 の指摘はありません" in ja.stdout
    assert "コメントから `KPI301` を削除してください" in ja.stdout


def test_the_command_line_with_a_configuration_that_disables_the_code(tmp_path):
    (tmp_path / "p.kpi").write_text(plan(target="  # kpispec: ignore[KPI205, KPI301]"), encoding="utf-8")
    (tmp_path / "kpispec.toml").write_text('disable = ["KPI301"]\n', encoding="utf-8")
    run = run_cli("check", "--format", "json", "p.kpi", cwd=tmp_path)
    codes = sorted(d["code"] for d in json.loads(run.stdout)["diagnostics"])
    assert codes == ["KPI208", "KPI215"], run.stdout


def test_the_command_line_reads_a_file_comment(tmp_path):
    (tmp_path / "p.kpi").write_text(plan(before="# kpispec: ignore-file[KPI205, KPI208, KPI215]\n"), encoding="utf-8")
    run = run_cli("check", "--format", "json", "p.kpi", cwd=tmp_path)
    assert run.returncode == 0 and json.loads(run.stdout)["diagnostics"] == [], run.stdout


# ------------------------------------------------------------------ the formatter


def test_fmt_keeps_a_file_comment_wherever_it_goes():
    from kpispec.fmt import format_bytes

    # leading blank lines go: the comment comes onto the first line, which changes nothing for it
    text = "\n\n# kpispec: ignore-file[KPI215]\n" + plan()
    done = format_bytes("p.kpi", text.encode("utf-8"))
    assert done.data is not None, done.diagnostics
    assert done.data.decode("utf-8").startswith("# kpispec: ignore-file[KPI215]\nplan p")
    assert [code for code, _ in found(done.data.decode("utf-8"))] == ["KPI205", "KPI208"]
    assert [code for code, _ in found(text)] == ["KPI205", "KPI208"]
    # a line comment moved onto the first line would silence what is reported there: refused
    refused = format_bytes("p.kpi", ("\n\n# kpispec: ignore[KPI106]\n" + plan()).encode("utf-8"))
    assert refused.data is None and [d.code for d in refused.diagnostics] == ["KPI902"]


def test_fmt_s_safety_net_tells_a_file_comment_on_its_own_line_from_one_after_the_plan_s_text():
    from kpispec.fmt import _silencing
    from kpispec.source import SourceFile
    from kpispec.syntax.cst import parse_tree

    def keys(text):
        return [key for _, key, _ in _silencing(parse_tree(SourceFile("p.kpi", text))[0])]

    alone, after = keys(plan(before="# kpispec: ignore-file[KPI215]\n")), keys(plan(head="  # kpispec: ignore-file[KPI215]"))
    assert alone == keys(plan(after="# kpispec: ignore-file[KPI215]\n")) != after
    assert after == keys(plan(target="  # kpispec: ignore-file[KPI215]"))
    # a line comment is held to the tokens on its line
    assert keys(plan(head="  # kpispec: ignore[KPI215]")) != keys(plan(target="  # kpispec: ignore[KPI215]"))


# ------------------------------------------------------------------ the docs


BLOCK = re.compile(r"```kpi\n(.*?)```", re.S)


def test_the_docs_example_of_an_unused_suppression():
    page = (ROOT / "docs" / "checking.md").read_text(encoding="utf-8")
    section = page[page.index("### Suppressions that do nothing"):]
    [example] = BLOCK.findall(section)[:1]
    result = analyze_text("launch.kpi", example)
    [d] = result.diagnostics
    assert (d.code, result.source.position(d.span.start)) == ("KPI904", (17, 45))
    shown = section[section.index("```text\n"):]
    assert f"warning[KPI904]: {d.message.en}\n  --> launch.kpi:17:45\n" in shown
    assert f"= help: {d.help.en}\n" in shown
    # what the prose says the other comments do
    without = example.replace("# kpispec: ignore-file[KPI215]", "#").replace("# kpispec: ignore[KPI205]", "#")
    assert sorted(x.code for x in analyze_text("launch.kpi", without).diagnostics) == ["KPI205", "KPI215", "KPI215", "KPI904"]


def test_every_other_suppression_in_the_docs_silences_something():
    pages = [p for p in sorted((ROOT / "docs").rglob("*.md")) if "rules" not in p.relative_to(ROOT / "docs").parts]
    examples = [(p.name, block) for p in pages for block in BLOCK.findall(p.read_text(encoding="utf-8"))
                if "kpispec: ignore" in block and block.lstrip("# ").startswith(("plan ", "kpispec"))]
    assert len(examples) >= 2
    for name, block in examples:
        codes = {d.code for d in analyze_text(name, block).diagnostics} & {"KPI903", "KPI904"}
        assert codes == ({"KPI904"} if "ignore[KPI216]" in block else set()), (name, block)


# ---------------------------------------------------------------- hostile comments (an adversarial review)


def test_many_suppressions_are_each_judged_once():
    # thousands of the same file-level suppression: every one silences the finding (none is unused)
    text = "# kpispec: ignore-file[KPI205]\n" * 3000 + PLAN + 'kpi x "X" {\n  target 5件\n}\n'
    result = analyze_text("many.kpi", text)
    assert [d.code for d in result.diagnostics if d.code in ("KPI205", "KPI904")] == []


def test_an_unclosed_or_overlong_bracket_is_unreadable_not_a_directive():
    line = "# kpispec: ignore[ " * 50
    result = analyze_text("u.kpi", PLAN + 'kpi x "X" {\n  target 5件  ' + line + "\n}\n")
    assert [d.code for d in result.diagnostics].count("KPI903") == 50
    long = "# kpispec: ignore[" + ",".join("KPI205" for _ in range(200)) + "]"  # 1,400 characters
    result = analyze_text("l.kpi", PLAN + 'kpi x "X" {\n  target 5件  ' + long + "\n}\n")
    codes = [d.code for d in result.diagnostics]
    assert "KPI205" in codes and codes.count("KPI903") == 1


def test_a_very_long_unknown_code_gets_no_guess():
    result = analyze_text("g.kpi", PLAN + "# kpispec: ignore-file[" + "K" * 5000 + "]\n")
    [report] = [d for d in result.diagnostics if d.code == "KPI903"]
    assert report.help is None or "did you mean" not in report.help.en
