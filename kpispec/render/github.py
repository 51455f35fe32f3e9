"""GitHub Actions workflow commands: one annotation line per diagnostic."""

from __future__ import annotations

from ..diagnostics import Diagnostic
from .jsonfmt import position

COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(d: Diagnostic, source, lang: str) -> str:
    p = position(d.span, source)
    message = d.message.get(lang)
    if d.help:
        message += "\n" + d.help.get(lang)
    props = (
        f"file={_prop(d.file)},line={p['line']},col={p['column']},"
        f"endLine={p['end_line']},endColumn={p['end_column']},title={_prop(d.code)}"
    )
    return f"::{COMMANDS[d.severity.value]} {props}::{_data(message)}\n"


class Report:
    def __init__(self, lang: str):
        self.lang = lang

    def begin(self) -> str:
        return ""

    def file(self, diagnostics, source):
        """The file's part of the report, one diagnostic at a time (never one big string)."""
        return (annotation(d, source, self.lang) for d in diagnostics)

    def end(self, counts=None) -> str:
        return ""


def render(diagnostics: list[Diagnostic], sources: dict, lang: str) -> str:
    return "".join(annotation(d, sources.get(d.file), lang) for d in diagnostics)
