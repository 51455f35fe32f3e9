"""The text renderer, in process: every line of a report written out by hand.

The golden files check whole reports through the CLI; these pin each rule of the layout on its
own (the gutter, the caret's column under wide and tab characters, the cut of a long line, the
colours, the Japanese words, the summary's plurals), so that a slip in one shows up as that slip.
"""

from __future__ import annotations

import pytest

from kpispec.diagnostics import Diagnostic, Label, Msg, Severity, Span
from kpispec.render.counts import Counts
from kpispec.render.text import Report, TextRenderer, shorten, visible, width, window
from kpispec.source import SourceFile

PLAN = 'plan p {\n  kpi a "A" { target >= 5 }\n}\n'  # line 2 starts at offset 9; `5` is its 25th character


def diag(span, severity=Severity.ERROR, labels=(), notes=(), help=None, primary=None, file="p.kpi"):
    return Diagnostic("KPI301", severity, Msg("targets miss", "目標に届きません"), file, span, tuple(labels), tuple(notes),
                      help, primary)


def test_a_diagnostic_with_its_line_caret_label_note_and_help():
    d = diag(Span(9 + 24, 9 + 25), notes=[Msg("n1", "注1")], help=Msg("h1", "ヒント1"), primary=Msg("too low", "低すぎ"))
    assert TextRenderer("en").render(d, SourceFile("p.kpi", PLAN)) == "\n".join([
        "error[KPI301]: targets miss",
        " --> p.kpi:2:25",
        "  |",
        '2 |   kpi a "A" { target >= 5 }',
        "  |                         ^ too low",
        "  |",
        "  = note: n1",
        "  = help: h1",
    ])


def test_the_same_in_japanese():
    d = diag(Span(9 + 24, 9 + 25), severity=Severity.WARNING, notes=[Msg("n1", "注1")], help=Msg("h1", "ヒント1"))
    assert TextRenderer("ja").render(d, SourceFile("p.kpi", PLAN)).splitlines() == [
        "警告[KPI301]: 目標に届きません",
        " --> p.kpi:2:25",
        "  |",
        '2 |   kpi a "A" { target >= 5 }',
        "  |                         ^",
        "  |",
        "  = 注記: 注1",
        "  = ヒント: ヒント1",
    ]
    assert TextRenderer("ja").render(diag(Span(0, 1), severity=Severity.INFO), None).startswith("情報[KPI301]")


def test_without_notes_or_help_there_is_no_closing_bar():
    lines = TextRenderer("en").render(diag(Span(9, 11)), SourceFile("p.kpi", PLAN)).splitlines()
    assert lines[-1] == "  | ^^"  # the span is the line's two leading spaces


def test_a_label_lines_away_is_shown_after_a_gap_and_the_gutter_fits_two_digits():
    text = "".join(f"line{i}\n" for i in range(1, 13))
    # lines 1-9 take 6 characters each with their \n, line 10 takes 7: line 2 starts at 6, line 11 at 54 + 7
    d = diag(Span(6, 11), labels=[Label(Span(61 + 4, 61 + 6), Msg("here", "ここ"))])
    assert TextRenderer("en").render(d, SourceFile("p.kpi", text)).splitlines() == [
        "error[KPI301]: targets miss",
        "  --> p.kpi:2:1",
        "   |",
        " 2 | line2",
        "   | ^^^^^",
        "...",
        "11 | line11",
        "   |     -- here",
    ]


def test_two_marks_on_one_line_are_drawn_left_to_right_and_adjacent_lines_have_no_gap():
    text = "ab cd\nef\n"
    d = diag(Span(3, 5), labels=[Label(Span(0, 2), Msg("first", "一")), Label(Span(6, 7))])
    assert TextRenderer("en").render(d, SourceFile("p.kpi", text)).splitlines()[3:] == [
        "1 | ab cd",
        "  | -- first",
        "  |    ^^",
        "2 | ef",
        "  | -",
    ]


def test_carets_count_wide_characters_and_tabs_by_their_cells():
    text = '\tkpi 売上 "S" { }\n'  # a tab shows as 4 spaces; 売 and 上 take two cells each
    start = text.index('"S"')
    lines = TextRenderer("en").render(diag(Span(start, start + 3)), SourceFile("p.kpi", text)).splitlines()
    assert lines[3] == '1 |     kpi 売上 "S" { }'
    assert lines[4] == "  | " + " " * (4 + 4 + 4 + 1) + "^^^"
    start = text.index("売")
    lines = TextRenderer("en").render(diag(Span(start, start + 2)), SourceFile("p.kpi", text)).splitlines()
    assert lines[4] == "  | " + " " * 8 + "^^^^"


def test_an_empty_span_gets_one_caret_and_a_span_past_the_line_stops_at_its_end():
    lines = TextRenderer("en").render(diag(Span(9 + 24, 9 + 24)), SourceFile("p.kpi", PLAN)).splitlines()
    assert lines[4] == "  | " + " " * 24 + "^"
    lines = TextRenderer("en").render(diag(Span(9 + 24, 9 + 60)), SourceFile("p.kpi", PLAN)).splitlines()
    assert lines[4] == "  | " + " " * 24 + "^^^"  # `5 }` and no further


def test_a_long_line_is_cut_around_its_mark():
    text = "x" * 150 + "BAD" + "y" * 47  # 200 characters, the mark at 150
    lines = TextRenderer("en").render(diag(Span(150, 153)), SourceFile("p.kpi", text)).splitlines()
    # the window starts 40 before the mark but ends with the line: 200 - 120 = 80
    assert lines[3] == "1 | …" + "x" * 70 + "BAD" + "y" * 47
    assert lines[4] == "  | " + " " * 71 + "^^^"
    text = "x" * 10 + "BAD" + "y" * 287  # 300 characters, the mark near the start: the first 120 shown
    lines = TextRenderer("en").render(diag(Span(10, 13)), SourceFile("p.kpi", text)).splitlines()
    assert lines[3] == "1 | " + "x" * 10 + "BAD" + "y" * 107 + "…"
    assert lines[4] == "  | " + " " * 10 + "^^^"
    # the same on a later line: the mark's column counts from the line's start
    source = SourceFile("p.kpi", "short\n" + "x" * 100 + "BAD" + "y" * 197)
    lines = TextRenderer("en").render(diag(Span(6 + 100, 6 + 103)), source).splitlines()
    assert lines[3] == "2 | …" + "x" * 40 + "BAD" + "y" * 77 + "…"
    text = "x" * 100 + "BAD" + "y" * 197  # 300 characters, the mark in the middle: 60 .. 180 shown
    lines = TextRenderer("en").render(diag(Span(100, 103)), SourceFile("p.kpi", text)).splitlines()
    assert lines[3] == "1 | …" + "x" * 40 + "BAD" + "y" * 77 + "…"
    assert lines[4] == "  | " + " " * 41 + "^^^"


@pytest.mark.parametrize("text,columns,expected", [
    ("a" * 120, [119], (0, 120)),   # 120 characters is not long
    ("a" * 121, [120], (1, 121)),   # 121 is: 40 before the mark, but no further than the end allows
    ("a" * 121, [], (0, 120)),      # no mark: from the start
    ("a" * 300, [50], (10, 130)),
    ("a" * 300, [40], (0, 120)),
    ("a" * 300, [299, 45], (5, 125)),  # the first mark counts
])
def test_the_window_of_a_long_line(text, columns, expected):
    assert window(text, columns) == expected


def test_a_diagnostic_without_source_names_the_file_and_gives_its_help():
    d = diag(Span(0, 1), help=Msg("h1", "ヒント1"))
    assert TextRenderer("en").render(d, None) == "error[KPI301]: targets miss\n  --> p.kpi\n  = help: h1"
    assert TextRenderer("en").render(diag(Span(0, 1)), None) == "error[KPI301]: targets miss\n  --> p.kpi"


def test_colours_wrap_each_part_and_reset_after_it():
    d = diag(Span(9 + 24, 9 + 25), help=Msg("h1", "ヒント1"), primary=Msg("too low", "低すぎ"),
             labels=[Label(Span(9 + 2, 9 + 5))])
    red, bold, blue, reset = "\x1b[1;31m", "\x1b[1m", "\x1b[1;34m", "\x1b[0m"
    assert TextRenderer("en", colour=True).render(d, SourceFile("p.kpi", PLAN)).splitlines() == [
        f"{red}error[KPI301]{reset}{bold}: targets miss{reset}",
        f" {blue}-->{reset} p.kpi:2:25",
        f"  {blue}|{reset}",
        f'{blue}2 |{reset}   kpi a "A" {{ target >= 5 }}',
        f"  {blue}|{reset}   {blue}---{reset}",
        f"  {blue}|{reset}                         {red}^{reset}{red} too low{reset}",
        f"  {blue}|{reset}",
        f"  {blue}={reset} help: h1",
    ]
    yellow = "\x1b[1;33m"
    assert TextRenderer("en", colour=True).render(diag(Span(0, 1), severity=Severity.WARNING), None) \
        .startswith(f"{yellow}warning[KPI301]{reset}")


def test_a_gap_is_painted_too():
    text = "a\nb\nc\n"
    d = diag(Span(0, 1), labels=[Label(Span(4, 5))])
    assert "\x1b[1;34m...\x1b[0m" in TextRenderer("en", colour=True).render(d, SourceFile("p.kpi", text)).splitlines()


def test_width_counts_cells():
    assert width("abc") == 3
    assert width("売上") == 4          # wide
    assert width("ＣＰＡ") == 6        # full-width Latin
    assert width("a\tb") == 6         # a tab is four
    assert width("e\u0301") == 1      # a combining accent takes no cell
    assert width("ｱ") == 1            # half-width katakana is narrow
    assert width("") == 0


def test_visible_replaces_controls_and_bidi_one_for_one():
    assert visible("plain 売上\t") == "plain 売上\t"
    assert visible("a\x1b[31mb") == "a\ufffd[31mb"
    assert visible("a\u202eb\u2028c\u2029d\x00") == "a\ufffdb\ufffdc\ufffdd\ufffd"
    assert visible("\tx\x7f") == "\tx\ufffd"
    assert visible("a\u200fb") == "a\ufffdb"  # a bidi mark, though printable-looking


def test_shorten_cuts_long_quoted_ids_and_long_words_only():
    eighty = "x" * 80
    assert shorten(f"name `{eighty}` ok") == f"name `{eighty}` ok"
    assert shorten(f"name `{eighty}y` ok") == f"name `{'x' * 79}…` ok"
    assert shorten("w" * 81) == "w" * 79 + "…"
    assert shorten("w" * 80) == "w" * 80
    # Japanese has no spaces: its punctuation is where a line may break, so a long sentence is kept
    months = "、".join(f"2026-{m:02d}：72,000,000円（28,000,000円不足）" for m in range(4, 10))
    assert len(months) > 200 and shorten(f"均等なペースを下回る月：{months}") == f"均等なペースを下回る月：{months}"
    assert shorten("あ" * 81) == "あ" * 79 + "…"  # a run with no break at all is still cut
    assert shorten("`a` and `b`") == "`a` and `b`"
    spaced = "ab " * 30  # 90 characters in quotes, but no word long enough for the second cut
    assert shorten(f"`{spaced}`") == f"`{spaced[:79]}…`"
    assert shorten("bad \x1b here") == "bad \ufffd here"


@pytest.mark.parametrize("lang,counts,files,expected", [
    ("en", (0, 0, 0), 1, "Checked 1 file: no problems found."),
    ("en", (0, 0, 0), 2, "Checked 2 files: no problems found."),
    ("en", (1, 0, 0), 1, "Checked 1 file: 1 error, 0 warnings, 0 info."),
    ("en", (2, 1, 3), 3, "Checked 3 files: 2 errors, 1 warning, 3 info."),
    ("en", (0, 0, 1), 1, "Checked 1 file: 0 errors, 0 warnings, 1 info."),
    ("en", (1, 1, 0), 1, "Checked 1 file: 1 error, 1 warning, 0 info."),  # counts are added, never cancel
    ("en", (0, 1, 1), 1, "Checked 1 file: 0 errors, 1 warning, 1 info."),
    ("ja", (0, 0, 0), 2, "2 ファイルを検査しました：問題はありません。"),
    ("ja", (2, 1, 0), 1, "1 ファイルを検査しました：エラー 2 件、警告 1 件、情報 0 件。"),
    ("ja", (0, 0, 1), 1, "1 ファイルを検査しました：エラー 0 件、警告 0 件、情報 1 件。"),
    ("ja", (1, 1, 0), 1, "1 ファイルを検査しました：エラー 1 件、警告 1 件、情報 0 件。"),
    ("ja", (0, 1, 1), 1, "1 ファイルを検査しました：エラー 0 件、警告 1 件、情報 1 件。"),
])
def test_the_summary_line(lang, counts, files, expected):
    e, w, i = counts
    diagnostics = ([diag(Span(0, 1))] * e + [diag(Span(0, 1), Severity.WARNING)] * w
                   + [diag(Span(0, 1), Severity.INFO)] * i)
    assert TextRenderer(lang).summary(diagnostics, files) == expected


def test_the_report_streams_each_diagnostic_then_the_summary():
    report = Report("en")
    d = diag(Span(0, 1))
    assert report.begin() == ""
    assert list(report.file([d, d], None)) == ["error[KPI301]: targets miss\n  --> p.kpi\n\n"] * 2
    counts = Counts()
    assert report.end(counts) == ""  # no file checked: no summary
    counts.add([d])
    assert report.end(counts) == "Checked 1 file: 1 error, 0 warnings, 0 info.\n"
