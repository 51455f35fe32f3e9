"""Source texts: decoding bytes safely and mapping offsets to lines and columns."""

from __future__ import annotations

import bisect
from array import array
import codecs
import re

from .diagnostics import Diagnostic, Severity, Span, msg
from .records import field, record

_LINE_BREAK = re.compile(r"\r\n|\r|\n")

# Characters that reorder how text is displayed ("Trojan Source", CVE-2021-42574).
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")


@record
class SourceFile:
    """A plan's path and text, with the line index that turns offsets into lines and columns."""

    path: str
    text: str
    _line_starts: list[int] | None = field(default=None, repr=False)

    @property
    def line_starts(self) -> list[int]:
        """Offsets where lines start; a line ends at \n, \r\n or a lone \r."""
        if self._line_starts is None:
            # an array of machine ints: a million-line file costs 8 MB instead of 36 MB of int objects
            self._line_starts = array("q", [0])
            self._line_starts.extend(m.end() for m in _LINE_BREAK.finditer(self.text))
        return self._line_starts

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a character offset; columns count code points."""
        offset = max(0, min(offset, len(self.text)))
        starts = self.line_starts
        index = bisect.bisect_right(starts, offset) - 1
        return index + 1, offset - starts[index] + 1

    def line_text(self, line: int) -> str:
        starts = self.line_starts
        if line < 1 or line > len(starts):
            return ""
        start = starts[line - 1]
        end = starts[line] if line < len(starts) else len(self.text)
        return self.text[start:end].rstrip("\r\n")

    def slice(self, span: Span) -> str:
        return self.text[span.start : span.end]

    @property
    def line_count(self) -> int:
        return len(self.line_starts)


def decode(path: str, data: bytes) -> tuple[SourceFile, list[Diagnostic]]:
    """Decode UTF-8 (with or without BOM); report undecodable bytes and forbidden characters.

    The returned text always has the same line structure as the input, so every
    diagnostic points at a real place: undecodable bytes become U+FFFD.
    """
    diagnostics: list[Diagnostic] = []
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        text = data.decode("utf-8", errors="replace")
        prefix = data[: exc.start].decode("utf-8", errors="replace")
        offset = len(prefix)
        source = SourceFile(path, text)
        diagnostics.append(
            Diagnostic(
                code="KPI005",
                severity=Severity.ERROR,
                message=msg(
                    f"this file is not valid UTF-8 (byte 0x{data[exc.start]:02x} at byte offset {exc.start})",
                    f"このファイルは UTF-8 ではありません（バイトオフセット {exc.start} の 0x{data[exc.start]:02x}）",
                ),
                file=path,
                span=Span(offset, offset + 1),
                help=msg(
                    "save the file as UTF-8 (Shift_JIS and CP932 are not supported)",
                    "ファイルを UTF-8 で保存してください（Shift_JIS / CP932 は使えません）",
                ),
            )
        )
        return source, diagnostics
    return SourceFile(path, text), diagnostics


def forbidden_characters(source: SourceFile) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    text = source.text
    if "\x00" not in text and not any(c in text for c in BIDI_CONTROLS):
        return found
    for offset, char in enumerate(text):
        if char == "\x00":
            found.append(
                Diagnostic(
                    code="KPI006",
                    severity=Severity.ERROR,
                    message=msg("NUL byte in the file", "ファイルに NUL バイトが含まれています"),
                    file=source.path,
                    span=Span(offset, offset + 1),
                    help=msg(
                        "a .kpi file is text: remove the NUL byte (is this a binary file?)",
                        "`.kpi` ファイルはテキストです。NUL バイトを削除してください（バイナリファイルではありませんか？）",
                    ),
                )
            )
        elif char in BIDI_CONTROLS:
            found.append(
                Diagnostic(
                    code="KPI006",
                    severity=Severity.ERROR,
                    message=msg(
                        f"bidirectional control character U+{ord(char):04X} in the file",
                        f"双方向制御文字 U+{ord(char):04X} が含まれています",
                    ),
                    file=source.path,
                    span=Span(offset, offset + 1),
                    help=msg(
                        "remove it: such characters make the text display differently from how it is read",
                        "削除してください。表示と実際の内容が食い違う原因になります",
                    ),
                )
            )
        if len(found) >= 20:
            break
    return found
