"""Machine formats in detail: SARIF regions are 1-based, with an end column after the last
character, and never empty; streamed reports are byte for byte one json.dumps. How GitHub reads the
annotations and the SARIF is tested against its runner's and upload's own rules in test_ci_output.py.
"""

from __future__ import annotations

import json

import pytest

from conftest import run_cli
from kpispec.diagnostics import Diagnostic, Msg, Severity, Span
from kpispec.render import sarif
from kpispec.source import SourceFile

@pytest.mark.parametrize("text,span,region", [
    ("abc\n", Span(0, 3), (1, 1, 1, 4)),      # end column after the last character
    ("abc\n", Span(1, 1), (1, 2, 1, 3)),      # an empty span still covers one column
    ("abc\n", Span(4, 4), (2, 1, 2, 2)),      # at the end of the file
    ("ab\ncd\n", Span(1, 4), (1, 2, 2, 2)),   # across a line break
    ("日本\n", Span(0, 2), (1, 1, 1, 3)),      # columns count code points
])
def test_sarif_regions(text, span, region):
    got = sarif._region(span, SourceFile("f.kpi", text))
    assert (got["startLine"], got["startColumn"], got["endLine"], got["endColumn"]) == region


def test_sarif_from_the_cli_is_json_with_regions_that_are_never_empty(tmp_path):
    plan = tmp_path / "bad.kpi"
    plan.write_text('plan p "P" { period 2026-04-01 to 2027-03-31 }\nkpi x "x" {', encoding="utf-8")  # ends early
    result = run_cli("check", "--format", "sarif", plan.name, cwd=tmp_path)
    log = json.loads(result.stdout)
    results = log["runs"][0]["results"]
    assert results
    for r in results:
        region = r["locations"][0]["physicalLocation"]["region"]
        assert (region["endLine"], region["endColumn"]) > (region["startLine"], region["startColumn"])


def _plans(tmp_path):
    (tmp_path / "a.kpi").write_text('plan p "計画" { period 2026-04-01 to 2027-03-31 }\nkpi cvr "CVR" { target 250% }\n',
                                    encoding="utf-8")
    (tmp_path / "b.kpi").write_text('plan p "P" { period 2026-04-01 to 2027-03-31 }\n', encoding="utf-8")
    (tmp_path / "c.kpi").write_text('plan p "P" {\n', encoding="utf-8")
    return ["a.kpi", "b.kpi", "c.kpi"]


@pytest.mark.parametrize("fmt", ["json", "sarif"])
@pytest.mark.parametrize("lang", ["en", "ja"])
def test_a_streamed_report_is_byte_for_byte_one_json_dumps_with_indent_2(tmp_path, fmt, lang):
    # written file by file, the report must be exactly what json.dumps(indent=2) gives for the whole
    result = run_cli("check", "--format", fmt, "--lang", lang, *_plans(tmp_path), cwd=tmp_path)
    assert result.stdout == json.dumps(json.loads(result.stdout), ensure_ascii=False, indent=2) + "\n"
    assert "\\u" not in result.stdout  # Japanese stays as it is, never \\u escapes


@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_an_empty_report_is_one_json_dumps_too(tmp_path, fmt):
    (tmp_path / "b.kpi").write_text('plan p "P" { period 2026-04-01 to 2027-03-31 }\n', encoding="utf-8")
    result = run_cli("check", "--format", fmt, "b.kpi", cwd=tmp_path)
    assert result.stdout == json.dumps(json.loads(result.stdout), ensure_ascii=False, indent=2) + "\n"


def test_a_diagnostic_without_a_source_is_placed_at_the_start():
    from kpispec.render.jsonfmt import position

    assert position(Span(5, 9), None) == {"line": 1, "column": 1, "end_line": 1, "end_column": 1}


def test_sarif_rules_describe_every_rule():
    from kpispec.codes import all_rules

    log = json.loads(sarif.render([], {}, "en"))
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [rule.code for rule in all_rules()]
    kpi301 = next(r for r in rules if r["id"] == "KPI301")
    assert kpi301["name"] == "TargetsMissGoal"
    assert kpi301["fullDescription"]["text"] == next(r for r in all_rules() if r.code == "KPI301").doc.splitlines()[0]
    assert kpi301["defaultConfiguration"] == {"level": "error"}
    assert log["version"] == "2.1.0" and log["runs"][0]["columnKind"] == "unicodeCodePoints"


@pytest.mark.parametrize("lang,help_word", [("en", "help: "), ("ja", "ヒント: ")])
def test_a_sarif_result_carries_its_help_rule_and_related_locations(lang, help_word):
    from kpispec.codes import all_rules
    from kpispec.diagnostics import Label

    source = SourceFile("d/f.kpi", "abc\ndef\n")
    d = Diagnostic("KPI301", Severity.ERROR, Msg("m", "m"), "d/f.kpi", Span(0, 3), help=Msg("fix it", "直す"),
                   labels=(Label(Span(4, 7), Msg("first", "一")), Label(Span(5, 6), None)))
    result = json.loads(sarif.render([d], {"d/f.kpi": source}, lang))["runs"][0]["results"][0]
    related_word, unnamed = ("related", "related location") if lang == "en" else ("関連箇所", "関連箇所")
    assert result["message"]["text"] == (f"m\n{related_word}: [{'first' if lang == 'en' else '一'}](1)\n"
                                         f"{related_word}: [{unnamed}](2)\n" + help_word + ("fix it" if lang == "en" else "直す"))
    assert result["ruleIndex"] == [r.code for r in all_rules()].index("KPI301")
    artifact = {"uri": "d/f.kpi", "uriBaseId": "%SRCROOT%"}  # the suite runs at the repository's root
    assert result["locations"][0]["physicalLocation"]["artifactLocation"] == artifact
    related = result["relatedLocations"]
    assert [r["id"] for r in related] == [1, 2]
    assert related[0]["message"]["text"] == ("first" if lang == "en" else "一") and related[1]["message"]["text"] == unnamed
    assert related[0]["physicalLocation"] == {"artifactLocation": artifact,
                                              "region": {"startLine": 2, "startColumn": 1, "endLine": 2, "endColumn": 4}}


def test_a_code_sarif_does_not_know_has_no_rule_index():
    d = Diagnostic("KPI999", Severity.ERROR, Msg("m", "m"), "f.kpi", Span(0, 1))
    result = json.loads(sarif.render([d], {"f.kpi": SourceFile("f.kpi", "x")}, "en"))["runs"][0]["results"][0]
    assert "ruleIndex" not in result
