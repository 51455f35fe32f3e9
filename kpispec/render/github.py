"""GitHub Actions workflow commands: one annotation line per diagnostic."""

from __future__ import annotations

from ..diagnostics import Diagnostic
from .jsonfmt import position

COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def render(diagnostics: list[Diagnostic], sources: dict, lang: str) -> str:
    lines = []
    for d in diagnostics:
        p = position(d.span, sources.get(d.file))
        message = d.message.get(lang)
        if d.help:
            message += "\n" + d.help.get(lang)
        props = (
            f"file={_prop(d.file)},line={p['line']},col={p['column']},"
            f"endLine={p['end_line']},endColumn={p['end_column']},title={_prop(d.code)}"
        )
        lines.append(f"::{COMMANDS[d.severity.value]} {props}::{_data(message)}")
    return "".join(line + "\n" for line in lines)
