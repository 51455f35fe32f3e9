"""Machine formats against their consumers' rules, with names and messages that need escaping.

GitHub's runner reads `::error file=…,line=…::message`: in the message `%`, CR and LF are escaped as
%25, %0D, %0A; in a property `:` and `,` as %3A and %2C as well (actions/toolkit's escapeData and
escapeProperty). The decoder below follows those rules, written here from the runner's
documentation, not from kpispec's code. SARIF regions are 1-based, with an end column after the
last character, and never empty.
"""

from __future__ import annotations

import json
import re

import pytest

from conftest import run_cli
from kpispec.diagnostics import Diagnostic, Msg, Severity, Span
from kpispec.render import github, sarif
from kpispec.source import SourceFile

_DATA = {"%25": "%", "%0D": "\r", "%0A": "\n"}
_PROP = {**_DATA, "%3A": ":", "%2C": ","}


def _unescape(text: str, table: dict) -> str:
    return re.sub("%25|%0D|%0A|%3A|%2C", lambda m: table.get(m.group(), m.group()), text)


def parse_annotation(line: str) -> tuple[str, dict, str]:
    """(command, properties, message) as the runner reads a workflow command line."""
    assert line.startswith("::") and line.endswith("\n")
    body = line[2:-1]
    head, sep, message = body.partition("::")
    assert sep, line
    command, _, props = head.partition(" ")
    properties = {}
    for part in props.split(","):
        key, eq, value = part.partition("=")
        assert eq, (part, line)
        properties[key] = _unescape(value, _PROP)
    return command, properties, _unescape(message, _DATA)


HOSTILE_NAMES = ["a%b,c:d.kpi", "売上 計画.kpi", "x%0Ay.kpi", "p%25.kpi"]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_github_annotations_round_trip_hostile_file_names_and_messages(tmp_path, name):
    plan = tmp_path / name
    # an id with a % cannot be written, but a label and a number's unit can carry the message's characters
    plan.write_text('plan p "P" { period 2026-04-01 to 2027-03-31 }\nkpi cvr "CVR: 100%, rate" { target 250% }\n',
                    encoding="utf-8")
    result = run_cli("check", "--format", "github", plan.name, cwd=tmp_path)
    lines = [line + "\n" for line in result.stdout.splitlines() if line.startswith("::")]
    assert lines, result.stdout + result.stderr
    for line in lines:
        command, props, message = parse_annotation(line)
        assert command in ("error", "warning", "notice")
        assert props["file"] == name
        assert set(props) == {"file", "line", "col", "endLine", "endColumn", "title"}
        assert re.fullmatch(r"KPI\d{3}", props["title"])
        assert all(props[k].isdigit() for k in ("line", "col", "endLine", "endColumn"))
    messages = [parse_annotation(line)[2] for line in lines]
    kpi207 = [m for m in messages if "250%" in m]
    assert kpi207 and "\n" in kpi207[0]  # the help on its own line, decoded back from %0A


def _diagnostic(message: str, file: str, span: Span) -> Diagnostic:
    return Diagnostic("KPI207", Severity.ERROR, Msg(message, message), file, span, help=Msg("h: 1,2", "h"))


@pytest.mark.parametrize("message", ["100% done", "a\nb", "c\r\nd", "%0A literally", "x:y,z", "日本語 ％"])
def test_github_message_escaping_is_exact(message):
    source = SourceFile("f.kpi", "abc\n")
    line = github.annotation(_diagnostic(message, "d:i,r/f%.kpi", Span(0, 1)), source, "en")
    command, props, decoded = parse_annotation(line)
    assert decoded == message + "\nh: 1,2"
    assert props["file"] == "d:i,r/f%.kpi"
    assert line.count("\n") == 1  # one line per annotation, whatever the message holds


def test_github_properties_escape_colon_and_comma():
    line = github.annotation(_diagnostic("m", "a:b,c.kpi", Span(0, 1)), SourceFile("a:b,c.kpi", "x"), "en")
    assert "file=a%3Ab%2Cc.kpi," in line


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
    assert result["message"]["text"] == "m\n" + help_word + ("fix it" if lang == "en" else "直す")
    assert result["ruleIndex"] == [r.code for r in all_rules()].index("KPI301")
    assert result["locations"][0]["physicalLocation"]["artifactLocation"] == {"uri": "d/f.kpi"}
    related = result["relatedLocations"]
    assert [r["id"] for r in related] == [1, 2]
    assert related[0]["message"]["text"] == ("first" if lang == "en" else "一") and related[1]["message"]["text"] == ""
    assert related[0]["physicalLocation"] == {"artifactLocation": {"uri": "d/f.kpi"},
                                              "region": {"startLine": 2, "startColumn": 1, "endLine": 2, "endColumn": 4}}


def test_a_code_sarif_does_not_know_has_no_rule_index():
    d = Diagnostic("KPI999", Severity.ERROR, Msg("m", "m"), "f.kpi", Span(0, 1))
    result = json.loads(sarif.render([d], {"f.kpi": SourceFile("f.kpi", "x")}, "en"))["runs"][0]["results"][0]
    assert "ruleIndex" not in result
