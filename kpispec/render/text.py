"""Diagnostics as people read them: rustc-style, with the source line and carets."""

from __future__ import annotations

import re
import unicodedata

from ..diagnostics import Diagnostic, Severity
from ..source import BIDI_CONTROLS, SourceFile
from . import WORDS

COLOURS = {"error": "\x1b[1;31m", "warning": "\x1b[1;33m", "info": "\x1b[1;36m", "bold": "\x1b[1m", "blue": "\x1b[1;34m", "reset": "\x1b[0m"}
SEVERITY_JA = {"error": "エラー", "warning": "警告", "info": "情報"}


def width(text: str) -> int:
    """Display width in terminal cells: CJK characters take two."""
    total = 0
    for ch in text:
        if ch == "\t":
            total += 4
        elif unicodedata.east_asian_width(ch) in ("W", "F"):
            total += 2
        elif unicodedata.combining(ch):
            continue
        else:
            total += 1
    return total


def visible(text: str) -> str:
    """Replace control and bidi characters so that echoing a file cannot drive the terminal.

    Each becomes one U+FFFD, so carets computed on the original text still line up.
    """
    if text.isprintable():
        return text
    return "".join(
        "\ufffd" if (unicodedata.category(ch) in ("Cc", "Zl", "Zp") and ch != "\t") or ch in BIDI_CONTROLS else ch
        for ch in text
    )


LONG_LINE = 120  # characters; a longer source line is shown cut to the part around its marks
LONG_CODE = 80  # characters; a longer `quoted` id or value inside a message is cut
_CODE = re.compile(r"`([^`\n]*)`")  # every quoted pair, left to right: the text between two pairs is not code
# A run of text with no place to break it: spaces, and in Japanese (which has no spaces) its
# punctuation, are places; a longer run (a 100,000-character label) is cut.
_WORD = re.compile(r"[^\s`、。，：:（）()「」・]{%d,}" % (LONG_CODE + 1))


def shorten(text: str) -> str:
    """Cut ids and values quoted in a message (a 100,000-character id) so that every line stays readable."""
    text = _CODE.sub(lambda m: m.group(0) if len(m.group(1)) <= LONG_CODE else f"`{m.group(1)[: LONG_CODE - 1]}…`", text)
    return visible(_WORD.sub(lambda m: m.group(0)[: LONG_CODE - 1] + "…", text))


def window(text: str, columns: list[int]) -> tuple[int, int]:
    """The slice of a source line to show: all of a short line, else the part around its first mark."""
    if len(text) <= LONG_LINE:
        return 0, len(text)
    first = min(columns, default=0)
    start = max(0, min(first - LONG_LINE // 3, len(text) - LONG_LINE))
    return start, start + LONG_LINE


class TextRenderer:
    def __init__(self, lang: str = "en", colour: bool = False):
        self.lang = lang
        self.colour = colour

    def word(self, key: str) -> str:
        return WORDS[self.lang][key]

    def paint(self, text: str, style: str) -> str:
        if not self.colour:
            return text
        return f"{COLOURS[style]}{text}{COLOURS['reset']}"

    def render(self, d: Diagnostic, source: SourceFile | None) -> str:
        sev = d.severity.value
        word = SEVERITY_JA[sev] if self.lang == "ja" else sev
        head = self.paint(f"{word}[{d.code}]", sev) + self.paint(f": {shorten(d.message.get(self.lang))}", "bold")
        lines = [head]
        if source is None:
            lines.append(f"  --> {d.file}")
            if d.help:
                lines.append(f"  = {self.word('help')}: {shorten(d.help.get(self.lang))}")
            return "\n".join(lines)
        line, column = source.position(d.span.start)
        marks = [(d.span, "^", d.primary_label)] + [(lab.span, "-", lab.message) for lab in d.labels]
        by_line: dict[int, list] = {}
        for mark in marks:
            by_line.setdefault(source.position(mark[0].start)[0], []).append(mark)
        shown_lines = sorted(by_line)
        gutter = len(str(max(shown_lines)))
        pad = " " * gutter
        lines.append(f"{pad}{self.paint('-->', 'blue')} {visible(d.file)}:{line}:{column}")
        lines.append(f"{pad} {self.paint('|', 'blue')}")
        previous = None
        for number in shown_lines:
            if previous is not None and number > previous + 1:
                lines.append(self.paint("...", "blue"))
            previous = number
            text = source.line_text(number)
            line_start = source.line_starts[number - 1]
            # Left to right, so that a label never sits below one that is further right.
            on_line = sorted(by_line[number], key=lambda m: m[0].start)
            cut, cut_end = window(text, [span.start - line_start for span, _, _ in on_line])
            prefix = "…" if cut else ""
            shown = prefix + visible(text[cut:cut_end]).replace("\t", "    ") + ("…" if cut_end < len(text) else "")
            lines.append(f"{self.paint(str(number).rjust(gutter) + ' |', 'blue')} {shown}")
            for span, char, label in on_line:
                col0 = min(max(span.start - line_start, cut), cut_end)
                end = min(span.end - line_start, cut_end)
                lead = width(prefix) + width(text[cut:col0])
                length = max(1, width(text[col0 : max(col0, end)]))
                style = sev if char == "^" else "blue"
                underline = self.paint(char * length, style)
                note = f" {shorten(label.get(self.lang))}" if label else ""
                lines.append(f"{pad} {self.paint('|', 'blue')} {' ' * lead}{underline}{self.paint(note, style) if note else ''}")
        if d.notes or d.help:
            lines.append(f"{pad} {self.paint('|', 'blue')}")
        for note in d.notes:
            lines.append(f"{pad} {self.paint('=', 'blue')} {self.word('note')}: {shorten(note.get(self.lang))}")
        if d.help:
            lines.append(f"{pad} {self.paint('=', 'blue')} {self.word('help')}: {shorten(d.help.get(self.lang))}")
        return "\n".join(lines)

    def summary(self, diagnostics, files: int) -> str:
        counts = {s: sum(1 for d in diagnostics if d.severity is s) for s in Severity}
        return self.summary_of(counts, files)

    def summary_of(self, counts: dict, files: int) -> str:
        """The closing line, from the number of diagnostics of each severity."""
        errors, warnings, infos = counts[Severity.ERROR], counts[Severity.WARNING], counts[Severity.INFO]
        noun = "file" if files == 1 else "files"
        if self.lang == "ja":
            if not errors + warnings + infos:
                return f"{files} ファイルを検査しました：問題はありません。"
            return f"{files} ファイルを検査しました：エラー {errors} 件、警告 {warnings} 件、情報 {infos} 件。"
        if not errors + warnings + infos:
            return f"Checked {files} {noun}: no problems found."
        parts = [_plural(errors, "error"), _plural(warnings, "warning"), _plural(infos, "info")]
        return f"Checked {files} {noun}: " + ", ".join(parts) + "."


class Report:
    """Diagnostics for people, file by file; then, when errors sit among warnings or infos, the errors
    again one a line (where a reader scanning a long run looks); then one summary line."""

    LISTED = 20  # errors listed at the end; more are counted

    def __init__(self, lang: str, colour: bool = False):
        self.renderer = TextRenderer(lang, colour)
        self.errors: list[str] = []
        self.unlisted = 0

    def begin(self) -> str:
        return ""

    def file(self, diagnostics, source):
        """The file's part of the report, one diagnostic at a time (never one big string)."""
        for d in diagnostics:
            if d.severity is Severity.ERROR:
                self._remember(d, source)
            yield self.renderer.render(d, source) + "\n\n"

    def _remember(self, d: Diagnostic, source) -> None:
        if len(self.errors) >= self.LISTED:
            self.unlisted += 1
            return
        where = visible(d.file)
        if source is not None:
            line, column = source.position(d.span.start)
            where += f":{line}:{column}"
        self.errors.append(f"  {where}: {self.renderer.paint(d.code, 'error')} {shorten(d.message.get(self.renderer.lang))}")

    def end(self, counts, outcome=None) -> str:
        if not counts.files:
            return ""
        parts = []
        others = counts.by_severity[Severity.WARNING] + counts.by_severity[Severity.INFO]
        if self.errors and others:
            ja = self.renderer.lang == "ja"
            listed = len(self.errors) + self.unlisted
            head = f"エラー（{listed} 件）:" if ja else f"{_plural(listed, 'error')}:"
            parts.append(self.renderer.paint(head, "bold") + "\n")
            parts.extend(line + "\n" for line in self.errors)
            if self.unlisted:
                parts.append(f"  …ほか {self.unlisted} 件\n" if ja else f"  … and {self.unlisted} more\n")
            parts.append("\n")
        parts.append(self.renderer.summary_of(counts.by_severity, counts.files) + "\n")
        return "".join(parts)


def _plural(n: int, word: str) -> str:
    if word == "info":
        return f"{n} info"
    return f"{n} {word}" + ("" if n == 1 else "s")
