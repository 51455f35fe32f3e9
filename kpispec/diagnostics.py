"""The one diagnostic type shared by every stage: syntax, names, checks, internal errors."""

from __future__ import annotations

from enum import Enum

from .records import field, record


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@record(frozen=True, slots=True)
class Span:
    """Half-open range of character offsets into a source text."""

    start: int
    end: int

    def cover(self, other: "Span") -> "Span":
        return Span(min(self.start, other.start), max(self.end, other.end))


@record(frozen=True, slots=True)
class Msg:
    """A message in both languages the tool speaks."""

    en: str
    ja: str

    def get(self, lang: str) -> str:
        return self.ja if lang == "ja" else self.en


@record(frozen=True, slots=True)
class Label:
    """A secondary span that contributed to a diagnostic."""

    span: Span
    message: Msg | None = None


@record(frozen=True, slots=True)
class Diagnostic:
    """One finding: its code, severity, message, where it is, and the help that fixes it."""

    code: str
    severity: Severity
    message: Msg
    file: str
    span: Span
    labels: tuple[Label, ...] = ()
    notes: tuple[Msg, ...] = ()
    help: Msg | None = None
    primary_label: Msg | None = None
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    def sort_key(self) -> tuple:
        return (self.file, self.span.start, self.span.end, self.code, self.message.en)


def msg(en: str, ja: str) -> Msg:
    return Msg(en, ja)


def has_errors(diagnostics) -> bool:
    return any(d.severity is Severity.ERROR for d in diagnostics)
