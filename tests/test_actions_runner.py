"""The reference for the GitHub Actions runner's workflow-command parser (tests/actions_runner.py),
checked against cases worked out by hand from the runner's C# (ActionCommand.TryParseV2,
IssueCommandExtension.ValidateLinesAndColumns, ExecutionContext.AddIssue)."""

from __future__ import annotations

import pytest

from actions_runner import (
    Annotation,
    Command,
    annotations,
    dotnet_int_try_parse,
    output_lines,
    parse_commands,
    parse_line,
)


def one(output: str) -> Annotation:
    got = annotations(output)
    assert len(got) == 1, got
    return got[0]


# --- parsing ---------------------------------------------------------------------------------


def test_a_full_annotation_command():
    cmd = parse_line("::error file=plans/a.kpi,line=3,col=5,endLine=3,endColumn=9,title=KPI001::Unexpected")
    assert cmd == Command(
        "error",
        {"file": "plans/a.kpi", "line": "3", "col": "5", "endLine": "3", "endColumn": "9", "title": "KPI001"},
        "Unexpected",
    )


def test_properties_unescape_percent_cr_lf_colon_and_comma():
    cmd = parse_line("::warning file=a%2Cb%3Ac.kpi,title=100%25%0Dsure%0Anow::m")
    assert cmd.properties == {"file": "a,b:c.kpi", "title": "100%\rsure\nnow"}


def test_data_unescapes_only_percent_cr_and_lf():
    # %3A and %2C stay as they are in the data: only properties decode them.
    cmd = parse_line("::error::50%25 off%0Anext%0Dline %3A %2C")
    assert cmd.data == "50% off\nnext\rline %3A %2C"


def test_percent_is_decoded_once():
    # "%250A" is an escaped "%" followed by "0A": it must come out as the text "%0A".
    assert parse_line("::error title=%250A%253A::%250A%2525").properties == {"title": "%0A%3A"}
    assert parse_line("::error::%250A%2525").data == "%0A%25"


def test_unknown_escapes_stay_literal():
    assert parse_line("::error title=%41%3a%2c::%41%3A").properties == {"title": "%41%3a%2c"}
    assert parse_line("::error::%41%3A%0a").data == "%41%3A%0a"  # the runner's escapes are upper case


def test_a_raw_colon_and_comma_in_data_need_no_escape_but_in_properties_they_split():
    cmd = parse_line("::error file=a.kpi,title=x, y::a: b, c::d")
    # The data is everything after the first "::" that follows the command name.
    assert cmd.data == "a: b, c::d"
    # ",": the next piece " y" has no "=", so it is dropped; "title" is just "x".
    assert cmd.properties == {"file": "a.kpi", "title": "x"}
    # ":" in a property value ends the properties at the first "::".
    cmd = parse_line("::error title=a::b::c")
    assert cmd.properties == {"title": "a"} and cmd.data == "b::c"


def test_property_pairs_split_like_dotnet():
    cmd = parse_line("::error title=a=b,file==x.kpi,line=,=7,col::m")
    # "title=a=b" keeps "a=b"; "file==x.kpi" loses the empty piece and keeps "x.kpi";
    # "line=" (no value), "=7" (no key) and "col" (no "=") are dropped.
    assert cmd.properties == {"title": "a=b", "file": "x.kpi"}


def test_properties_are_trimmed_as_a_whole_but_keys_are_not():
    cmd = parse_line("::error   file=a.kpi, line=2  ::m")
    assert cmd.properties == {"file": "a.kpi", " line": "2"}
    assert one("::error   file=a.kpi, line=2  ::m").line is None


def test_names_and_keys_ignore_case_and_a_later_duplicate_wins():
    cmd = parse_line("::ERROR File=a.kpi,FILE=b.kpi,Line=4::m")
    assert cmd.name == "ERROR"
    assert cmd.properties == {"File": "b.kpi", "Line": "4"}
    assert cmd.get("file") == "b.kpi"
    a = one("::ERROR File=a.kpi,FILE=b.kpi,Line=4::m")
    assert (a.level, a.file, a.line) == ("error", "b.kpi", 4)


@pytest.mark.parametrize(
    "line",
    [
        "error: not a command",
        "::error file=a.kpi",  # no second "::"
        "::unknown-command::x",
        "::error\tfile=a.kpi::m",  # only a space ends the name
        ">>> ::error::m",  # text before "::"
        ":: error::m",  # empty name
        "##[unknown]m",
        "",
    ],
)
def test_lines_that_are_not_commands(line):
    assert parse_line(line) is None
    assert parse_commands(line) == []
    assert annotations(line) == []


def test_leading_white_space_is_allowed():
    assert parse_line("  \t::warning::m") == Command("warning", {}, "m")
    # .NET white space, not Python's: U+001F is not white space there.
    assert parse_line("\x1f::warning::m") is None
    assert parse_line("\u3000::warning::m") == Command("warning", {}, "m")


def test_the_legacy_syntax_is_still_read():
    cmd = parse_line("prefix ##[warning file=a.kpi;line=2]50%25%3B%5D")
    assert cmd == Command("warning", {"file": "a.kpi", "line": "2"}, "50%;]")
    assert cmd.syntax == "v1"


# --- lines -----------------------------------------------------------------------------------


def test_lines_end_at_lf_cr_and_crlf_only():
    assert output_lines("a\nb\r\nc\rd\n") == ["a", "b", "c", "d"]
    assert output_lines("a\n\n") == ["a", ""]
    assert output_lines("a\u2028b\x85c\x0cd") == ["a\u2028b\x85c\x0cd"]


def test_a_raw_line_break_in_a_message_ends_the_command():
    got = parse_commands("::error file=a.kpi::first\rsecond\n::warning::x\r\n")
    assert [(c.name, c.data, c.line) for c in got] == [("error", "first", 1), ("warning", "x", 3)]


# --- annotations -----------------------------------------------------------------------------


def test_same_line_span_keeps_its_columns():
    a = one("::error file=a.kpi,line=3,endLine=3,col=5,endColumn=9,title=KPI001::m")
    assert a == Annotation("error", "m", file="a.kpi", line=3, end_line=3, col=5, end_column=9, title="KPI001")
    assert a.category == "Code"


def test_a_span_over_several_lines_drops_both_columns():
    a = one("::warning file=a.kpi,line=2,endLine=4,col=3,endColumn=1::m")
    assert (a.line, a.end_line, a.col, a.end_column) == (2, 4, None, None)
    assert "col" not in a.data and "endColumn" not in a.data


def test_lines_are_compared_as_text():
    # "3" and "03" are different strings, so the runner treats this as a multi-line span.
    a = one("::error file=a.kpi,line=3,endLine=03,col=1,endColumn=5::m")
    assert (a.line, a.end_line, a.col, a.end_column) == (3, 3, None, None)


def test_an_end_line_before_the_line_drops_both_lines():
    a = one("::error file=a.kpi,line=4,endLine=3::m")
    assert (a.file, a.line, a.end_line) == ("a.kpi", None, None)


def test_an_end_column_before_the_column_drops_both_columns():
    a = one("::error file=a.kpi,line=1,endLine=1,col=3,endColumn=2::m")
    assert (a.line, a.end_line, a.col, a.end_column) == (1, 1, None, None)


def test_an_end_without_a_start_becomes_the_start():
    a = one("::error file=a.kpi,endLine=7,endColumn=2::m")
    assert (a.line, a.end_line, a.col, a.end_column) == (7, 7, 2, 2)
    # An empty "line=" is no line at all.
    a = one("::error line=,endLine=3::m")
    assert (a.line, a.end_line) == (3, 3)


def test_columns_without_a_line_are_dropped():
    a = one("::error file=a.kpi,col=1,endColumn=2::m")
    assert (a.line, a.col, a.end_column) == (None, None, None)


def test_a_line_and_column_alone_are_kept():
    a = one("::warning file=test.txt,line=1,col=1::m")
    assert (a.line, a.end_line, a.col, a.end_column) == (1, None, 1, None)


def test_numbers_parse_like_int_try_parse():
    assert dotnet_int_try_parse(" 12 ") == 12
    assert dotnet_int_try_parse("+3") == 3
    assert dotnet_int_try_parse("-3") == -3
    for bad in ("", "1.0", "0x10", "1e3", "2147483648", "\u0661\u0662", "12a", None):
        assert dotnet_int_try_parse(bad) is None, bad
    # A line that does not parse counts as no line, so the columns go too.
    a = one("::error file=a.kpi,line=one,col=1::m")
    assert (a.line, a.col, a.data["line"]) == (None, None, "one")


def test_group_lines_are_commands_not_annotations():
    output = "::group::Checking a.kpi\n::error file=a.kpi,line=1::m\n::endgroup::ignored\nplain text\n"
    assert [(c.name, c.data) for c in parse_commands(output)] == [
        ("group", "Checking a.kpi"),
        ("error", "m"),
        ("endgroup", "ignored"),
    ]
    assert annotations(output) == [Annotation("error", "m", file="a.kpi", line=1)]


def test_at_most_ten_annotations_of_each_kind():
    output = "".join(f"::error line={i}::e{i}\n" for i in range(1, 13)) + "::warning::w\n::notice::n\n"
    got = annotations(output)
    assert [a.message for a in got] == [f"e{i}" for i in range(1, 11)] + ["w", "n"]
    assert len(annotations(output, per_type_limit=None)) == 14


def test_the_message_is_cut_at_4096_utf16_units():
    a = one("::error::" + "x" * 4095 + "\U0001f600" + "tail")
    # The emoji takes two UTF-16 units: the cut falls inside it, as C#'s s[..4096] does.
    assert len(a.message.encode("utf-16-le", "surrogatepass")) == 4096 * 2
    assert a.message.startswith("x" * 4095) and a.message[-1] == "\ud83d"


def test_stop_commands_pauses_everything_until_its_token():
    output = "::stop-commands::pause-kpi-1\n::error::hidden\n::pause-kpi-1::\n::error::shown\n"
    assert [c.name for c in parse_commands(output)] == ["stop-commands", "pause-kpi-1", "error"]
    assert [a.message for a in annotations(output)] == ["shown"]
    with pytest.raises(ValueError):
        parse_commands("::stop-commands::error\n")


def test_a_file_under_the_workspace_is_made_relative():
    a = one("::error file=/home/runner/work/r/r/examples/a.kpi,line=1::m")
    assert a.file == "/home/runner/work/r/r/examples/a.kpi"
    got = annotations("::error file=/home/runner/work/r/r/examples/a.kpi,line=1::m",
                      workspace="/home/runner/work/r/r", repository="o/r")
    assert (got[0].file, got[0].data["repo"]) == ("examples/a.kpi", "o/r")
    # A sibling folder sharing the prefix is not "under" the workspace.
    got = annotations("::error file=/home/runner/work/r/rx/a.kpi::m", workspace="/home/runner/work/r/r")
    assert got[0].file == "/home/runner/work/r/rx/a.kpi"


def test_a_command_without_file_is_general():
    a = one("::notice title=Done::All plans checked")
    assert (a.level, a.title, a.category, a.file) == ("notice", "Done", "General", None)
