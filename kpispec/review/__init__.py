"""`kpispec diff`'s logic: two analysed versions of a plan compared by meaning.

`compare(old, new)` takes two `api.Result`s (analysed with `keep_context=True`; None for a plan
that does not exist on that side) and says what changed: declarations added, removed, renamed or
changed (comments and layout are no change), each goal's standing before and after (read from
`analysis.goals`, never computed again), and the diagnostics that appeared or went away. It reads
no files and prints nothing; the command line gives it the plans and renders what it returns.
"""

from __future__ import annotations

from ..diagnostics import Diagnostic
from ..multiset import beyond
from .changes import changes, renames
from .goals import goal_deltas
from .model import ADDED, CHANGED, REMOVED, RENAMED, Change, GoalDelta, PlanDiff

__all__ = ["ADDED", "CHANGED", "REMOVED", "RENAMED", "Change", "GoalDelta", "PlanDiff", "compare"]


def compare(old, new, moved: bool = False) -> PlanDiff:
    """What changed from `old` to `new` (`api.Result`s, None where the plan does not exist);
    `moved` when the file itself was moved (a rename git found)."""
    parses = (None if old is None else old.plan is not None, None if new is None else new.plan is not None)
    compared = False not in parses
    if compared:
        old_plan, new_plan = (old.plan if old else None), (new.plan if new else None)
        mapping = renames(old_plan, new_plan) if old_plan and new_plan else {}
        found, goals = tuple(changes(old_plan, new_plan, mapping)), goal_deltas(old, new, mapping)
    else:
        found, goals = (), ()
    before = old.diagnostics if old else []
    after = new.diagnostics if new else []
    # A version not analysed has only the errors that stopped it: they are shown as such, and
    # nothing is compared with them (the old plan's findings did not go away, they were not looked for).
    errors = (tuple(before) if parses[0] is False else (), tuple(after) if parses[1] is False else ())
    if parses[1] is False:
        appeared = ()
    elif parses[0] is False:
        appeared = tuple(after)
    else:
        appeared = tuple(beyond(after, before, _key))
    gone = () if False in parses else tuple(beyond(before, after, _key))
    if old is None:
        status = "added"
    elif new is None:
        status = "deleted"
    elif moved:
        status = "renamed"
    elif found or appeared or gone or any(g.changed for g in goals) or (not compared and not _same_text(old, new)):
        status = "modified"
    else:
        status = "unchanged"
    return PlanDiff(old.source.path if old else None, new.source.path if new else None, status, found, goals,
                    appeared, gone, parses, errors, (old.source if old else None, new.source if new else None))


def _key(d: Diagnostic) -> tuple:
    """A diagnostic by what it says, not where: lines move when anything above them changes."""
    message = d.message
    return d.code, getattr(message, "en", message)


def _same_text(old, new) -> bool:
    """Two versions not analysed are the same only when their text is (a file too large to read has none)."""
    return bool(old.source.text) and old.source.text == new.source.text
