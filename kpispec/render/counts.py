"""How many files were checked and how many diagnostics of each severity they had."""

from __future__ import annotations

from ..diagnostics import Severity


class Counts:
    def __init__(self):
        self.by_severity = {s: 0 for s in Severity}
        self.files = 0

    def add(self, diagnostics) -> None:
        self.files += 1
        for d in diagnostics:
            self.by_severity[d.severity] += 1

    def summary(self) -> dict:
        return {
            "files": self.files,
            "errors": self.by_severity[Severity.ERROR],
            "warnings": self.by_severity[Severity.WARNING],
            "infos": self.by_severity[Severity.INFO],
        }


class Outcome:
    """How a run ended, for the formats that say so (SARIF's invocation, GitHub's annotations):
    the problems that kept it from checking everything (I/O, usage, configuration; each a Text in
    both languages), and its exit status."""

    def __init__(self, problems=(), exit_code: int = 0):
        self.problems = list(problems)
        self.exit_code = exit_code

    @property
    def succeeded(self) -> bool:
        return not self.problems

    def texts(self, lang: str) -> list[str]:
        """The problems said in `lang` (a Text's Japanese is beside its English)."""
        return [getattr(p, "ja", p) if lang == "ja" else str.__str__(p) for p in self.problems]
