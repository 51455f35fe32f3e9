"""GitHub Actions workflow commands: one annotation per diagnostic, in one `::group::` per run.

As the runner reads them (actions/runner's ActionCommand and its annotation handling):
- a property's value escapes `%`, CR, LF, `:` and `,`; the message escapes `%`, CR and LF;
- `file` is the path from the repository's root (where.py), or GitHub cannot place it;
- columns are sent only for a span on one line: the runner drops them for a multi-line span;
- the message carries what the text format shows under it: the related places, notes and help.
The annotations sit in a collapsed group; the run's summary follows it, where a reader sees it.
"""

from __future__ import annotations

from ..codes import known_codes
from ..diagnostics import Diagnostic
from . import explained
from .counts import Outcome
from .jsonfmt import position
from .where import Root

COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


LINE = {"en": "line {n}", "ja": "{n} 行目"}


def _title(code: str) -> str:
    name = known_codes().get(code)
    return f"{code} {name}" if name else code


def annotation(d: Diagnostic, source, lang: str, root: Root | None = None) -> str:
    root = root or Root()
    p = position(d.span, source)

    def related(number, label) -> str:
        where = LINE[lang].format(n=position(label.span, source)["line"])
        return f"{where}: {label.message.get(lang)}" if label.message else where

    lines = explained(d, lang, related)
    props = [f"file={_prop(root.shown(d.file))}", f"line={p['line']}"]
    if p["end_line"] == p["line"]:
        props.append(f"col={p['column']}")
        props.append(f"endLine={p['end_line']}")
        props.append(f"endColumn={max(p['end_column'], p['column'])}")
    else:
        props.append(f"endLine={p['end_line']}")
    props.append(f"title={_prop(_title(d.code))}")
    properties = ",".join(props)
    message = _data("\n".join(lines))
    return f"::{COMMANDS[d.severity.value]} {properties}::{message}\n"


class Report:
    def __init__(self, lang: str, root: Root | None = None, summary=None):
        self.lang = lang
        self.root = root or Root()
        self.summary = summary  # counts -> the closing line (the text format's), or None

    def begin(self) -> str:
        return "::group::kpispec check\n"

    def file(self, diagnostics, source):
        """The file's part of the report, one diagnostic at a time (never one big string)."""
        return (annotation(d, source, self.lang, self.root) for d in diagnostics)

    def end(self, counts=None, outcome: Outcome | None = None) -> str:
        parts = ["::endgroup::\n"]
        # what kept the run from checking everything: annotations too, or a failed run reads as clean
        for text in (outcome.texts(self.lang) if outcome else ()):
            parts.append(f"::error title=kpispec::{_data(text)}\n")
        if self.summary is not None and counts is not None and counts.files:
            parts.append(self.summary(counts) + "\n")
        return "".join(parts)


def render(diagnostics: list[Diagnostic], sources: dict, lang: str, root: Root | None = None) -> str:
    root = root or Root()
    return "".join(annotation(d, sources.get(d.file), lang, root) for d in diagnostics)
