"""What a review finds: the changes to a plan's declarations, its goals before and after, its diagnostics."""

from __future__ import annotations

from ..analysis.goals import MISSES, Standing
from ..diagnostics import Diagnostic, Msg
from ..records import record
from ..source import SourceFile

ADDED, REMOVED, RENAMED, CHANGED = "added", "removed", "renamed", "changed"


@record(frozen=True, slots=True)
class Change:
    """One semantic change: a declaration added, removed or renamed, or one of its attributes changed.

    `old` and `new` are as written (strings quoted); for a rename, the old and the new id; for an
    addition or a removal, the label of a node, the value of a param or the text of an assert."""

    kind: str  # "plan", "param", "kgi", "ksf", "kpi" or "assert"
    id: str  # the id in the new plan (in the old one for a removal); an assert's message, or its text
    change: str  # ADDED, REMOVED, RENAMED or CHANGED
    attribute: str | None = None  # what changed: "target", "formula", …; None but for CHANGED
    old: str | None = None
    new: str | None = None
    note: Msg | None = None  # what the values alone do not say (the same text, read otherwise)


@record(frozen=True, slots=True)
class GoalDelta:
    """One goal (a node with a formula) in the old plan and in the new: where it stood against its target.

    A standing is None where the node is not in that plan (`present` False) or has no formula there."""

    id: str  # the id in the new plan (in the old one for a goal removed)
    label: str | None
    was: str | None  # the old id of a goal renamed
    before: Standing | None
    after: Standing | None
    present: tuple[bool, bool]  # whether the node is in the old plan, in the new one
    targets: tuple[Msg | None, Msg | None] = (None, None)  # as written (`≥ 12億円 per year`); one text when they mean the same

    @property
    def changed(self) -> bool:
        return fingerprint(self.before) != fingerprint(self.after)


def fingerprint(s: Standing | None) -> tuple | None:
    """What a reader is shown of a standing: equal fingerprints read the same."""
    if s is None:
        return None
    return (s.status, s.badge, s.implied, s.gap, s.detail)  # not the target as written: `1億円` is `10,000万円`


def shortfall_only(s: Standing) -> bool:
    """A goal missed at its inputs' targets: its badge already says by how much (its gap repeats it)."""
    return s.status == MISSES and s.detail is None


@record(frozen=True, slots=True)
class PlanDiff:
    """One plan compared: its old and new names (None where it does not exist), and what changed.

    A version that does not parse (or was too large to read) is not compared: `parses` says which,
    and `errors` holds the diagnostics that stopped it. Then no diagnostic went away, and with an
    old version not analysed, every diagnostic of the new one appeared."""

    old: str | None
    new: str | None
    status: str  # "added", "deleted", "renamed", "modified" or "unchanged"
    changes: tuple[Change, ...]
    goals: tuple[GoalDelta, ...]
    appeared: tuple[Diagnostic, ...]
    gone: tuple[Diagnostic, ...]
    parses: tuple[bool | None, bool | None]  # None for a side that does not exist
    errors: tuple[tuple[Diagnostic, ...], tuple[Diagnostic, ...]]  # of a version not analysed, old and new
    sources: tuple[SourceFile | None, SourceFile | None]  # for the diagnostics' lines

    @property
    def changed(self) -> bool:
        return self.status != "unchanged"

    @property
    def same(self) -> bool:
        """Both versions analysed and nothing that means anything changed (a plan moved as it was, or
        changed only in comments and layout)."""
        return (self.parses == (True, True) and not self.changes and not self.appeared and not self.gone
                and not any(g.changed for g in self.goals))
