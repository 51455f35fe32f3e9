"""Diagnostics as JSON: an object with a `diagnostics` array and a summary.

Reports are streamed file by file (`Report`), so that checking thousands of files keeps only
one file's results in memory; the bytes are exactly those of one `json.dumps(..., indent=2)`.
"""

from __future__ import annotations

import json

from ..diagnostics import Diagnostic
from ..source import SourceFile
from .counts import Counts

_MARK = "\x00items\x00"


def position(d_span, source: SourceFile | None) -> dict:
    if source is None:
        return {"line": 1, "column": 1, "end_line": 1, "end_column": 1}
    line, column = source.position(d_span.start)
    end_line, end_column = source.position(d_span.end)
    return {"line": line, "column": column, "end_line": end_line, "end_column": end_column}


def diagnostic_dict(d: Diagnostic, source: SourceFile | None, lang: str) -> dict:
    return {
        "code": d.code,
        "severity": d.severity.value,
        "message": d.message.get(lang),
        "file": d.file,
        **position(d.span, source),
        "help": d.help.get(lang) if d.help else None,
        "notes": [n.get(lang) for n in d.notes],
        "labels": [
            {"message": lab.message.get(lang) if lab.message else None, **position(lab.span, source)}
            for lab in d.labels
        ],
    }


class ArrayStream:
    """One array of a JSON document written item by item, in `json.dumps(indent=2)` layout.

    The document is given with the string `ArrayStream.MARK` in the array's place."""

    MARK = _MARK

    def __init__(self, document: dict):
        self.head, self.indent, _ = _split(document)
        self.count = 0

    def begin(self) -> str:
        return self.head + "["

    def item(self, value) -> str:
        text = json.dumps(value, ensure_ascii=False, indent=2)
        pad = " " * (self.indent + 2)
        text = pad + text.replace("\n", "\n" + pad)
        self.count += 1
        return ("\n" if self.count == 1 else ",\n") + text

    def end(self, document: dict) -> str:
        _, _, tail = _split(document)
        return ("\n" + " " * self.indent if self.count else "") + "]" + tail


def _split(document: dict) -> tuple[str, int, str]:
    text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    marker = json.dumps(_MARK)
    at = text.index(marker)
    line_start = text.rfind("\n", 0, at) + 1
    indent = len(text[line_start:at]) - len(text[line_start:at].lstrip(" "))
    return text[:at], indent, text[at + len(marker):]


class Report:
    def __init__(self, lang: str):
        self.lang = lang
        self.array = ArrayStream({"diagnostics": _MARK, "summary": {}})

    def begin(self) -> str:
        return self.array.begin()

    def file(self, diagnostics, source: SourceFile | None):
        """The file's part of the report, one diagnostic at a time (never one big string)."""
        return (self.array.item(diagnostic_dict(d, source, self.lang)) for d in diagnostics)

    def end(self, counts: Counts, outcome=None) -> str:
        return self.array.end({"diagnostics": _MARK, "summary": counts.summary()})


def by_file(diagnostics: list[Diagnostic]):
    """Diagnostics grouped by file, in order of first appearance."""
    groups: dict[str, list[Diagnostic]] = {}
    for d in diagnostics:
        groups.setdefault(d.file, []).append(d)
    return groups.items()


def render(diagnostics: list[Diagnostic], sources: dict, files: int, lang: str) -> str:
    report = Report(lang)
    counts = Counts()
    parts = [report.begin()]
    for name, group in by_file(diagnostics):
        parts.extend(report.file(group, sources.get(name)))
        counts.add(group)
    counts.files = files
    parts.append(report.end(counts))
    return "".join(parts)
