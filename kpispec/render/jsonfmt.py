"""Diagnostics as JSON: an object with a `diagnostics` array and a summary."""

from __future__ import annotations

import json

from ..diagnostics import Diagnostic, Severity
from ..source import SourceFile


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


def render(diagnostics: list[Diagnostic], sources: dict, files: int, lang: str) -> str:
    items = [diagnostic_dict(d, sources.get(d.file), lang) for d in diagnostics]
    summary = {
        "files": files,
        "errors": sum(1 for d in diagnostics if d.severity is Severity.ERROR),
        "warnings": sum(1 for d in diagnostics if d.severity is Severity.WARNING),
        "infos": sum(1 for d in diagnostics if d.severity is Severity.INFO),
    }
    return json.dumps({"diagnostics": items, "summary": summary}, ensure_ascii=False, indent=2) + "\n"
