"""Diagnostics as people read them: rustc-style, with the source line and carets."""

from __future__ import annotations

import unicodedata

from ..diagnostics import Diagnostic, Severity
from ..source import BIDI_CONTROLS, SourceFile

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
        "\ufffd" if (unicodedata.category(ch) == "Cc" and ch != "\t") or ch in BIDI_CONTROLS else ch for ch in text
    )


class TextRenderer:
    def __init__(self, lang: str = "en", colour: bool = False):
        self.lang = lang
        self.colour = colour

    def paint(self, text: str, style: str) -> str:
        if not self.colour:
            return text
        return f"{COLOURS[style]}{text}{COLOURS['reset']}"

    def render(self, d: Diagnostic, source: SourceFile | None) -> str:
        sev = d.severity.value
        head = self.paint(f"{sev}[{d.code}]", sev) + self.paint(f": {visible(d.message.get(self.lang))}", "bold")
        lines = [head]
        if source is None:
            lines.append(f"  --> {d.file}")
            if d.help:
                lines.append(f"  = help: {d.help.get(self.lang)}")
            return "\n".join(lines)
        line, column = source.position(d.span.start)
        marks = [(d.span, "^", d.primary_label)] + [(lab.span, "-", lab.message) for lab in d.labels]
        shown_lines = sorted({source.position(span.start)[0] for span, _, _ in marks})
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
            shown = visible(text).replace("\t", "    ")
            lines.append(f"{self.paint(str(number).rjust(gutter) + ' |', 'blue')} {shown}")
            # Left to right, so that a label never sits below one that is further right.
            for span, char, label in sorted(marks, key=lambda mark: mark[0].start):
                if source.position(span.start)[0] != number:
                    continue
                line_start = source.line_starts[number - 1]
                col0 = span.start - line_start
                end = min(span.end, line_start + len(text))
                lead = width(text[:col0])
                length = max(1, width(text[col0 : max(col0, end - line_start)]))
                style = sev if char == "^" else "blue"
                underline = self.paint(char * length, style)
                note = f" {visible(label.get(self.lang))}" if label else ""
                lines.append(f"{pad} {self.paint('|', 'blue')} {' ' * lead}{underline}{self.paint(note, style) if note else ''}")
        if d.notes or d.help:
            lines.append(f"{pad} {self.paint('|', 'blue')}")
        for note in d.notes:
            lines.append(f"{pad} {self.paint('=', 'blue')} note: {visible(note.get(self.lang))}")
        if d.help:
            lines.append(f"{pad} {self.paint('=', 'blue')} help: {visible(d.help.get(self.lang))}")
        return "\n".join(lines)

    def summary(self, diagnostics, files: int) -> str:
        counts = {s: sum(1 for d in diagnostics if d.severity is s) for s in Severity}
        errors, warnings, infos = counts[Severity.ERROR], counts[Severity.WARNING], counts[Severity.INFO]
        noun = "file" if files == 1 else "files"
        if self.lang == "ja":
            if not diagnostics:
                return f"{files} ファイルを検査しました：問題はありません。"
            return f"{files} ファイルを検査しました：エラー {errors} 件、警告 {warnings} 件、情報 {infos} 件。"
        if not diagnostics:
            return f"Checked {files} {noun}: no problems found."
        parts = [_plural(errors, "error"), _plural(warnings, "warning"), _plural(infos, "info")]
        return f"Checked {files} {noun}: " + ", ".join(parts) + "."


def _plural(n: int, word: str) -> str:
    if word == "info":
        return f"{n} info"
    return f"{n} {word}" + ("" if n == 1 else "s")
