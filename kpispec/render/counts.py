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
