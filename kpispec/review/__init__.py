"""`kpispec diff`'s logic: two analysed versions of a plan compared by meaning.

`compare(old, new)` takes two `api.Result`s (analysed with `keep_context=True`; None for a plan
that does not exist on that side) and says what changed: declarations added, removed, renamed or
changed (comments and layout are no change), each goal's standing before and after (read from
`analysis.goals`, never computed again), and the diagnostics that appeared or went away. It reads
no files and prints nothing; the command line gives it the plans and renders what it returns.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable

from ..diagnostics import Diagnostic
from ..ir import Node
from ..multiset import beyond
from .changes import _same, changes, old_namer, renames
from .written import assert_key
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
    old_key = new_key = _key
    if compared and old and new:
        removed = [i for i in (*old.plan.nodes, *old.plan.params) if i not in new.plan.nodes and i not in new.plan.params]
        old_key = _placed(old, mapping, old_namer(removed, mapping))
        new_key = _placed(new, {}, _same)
    if parses[1] is False:
        appeared = ()
    elif parses[0] is False:
        appeared = tuple(after)
    else:
        appeared = tuple(beyond(after, before, new_key, old_key))
    gone = () if False in parses else tuple(beyond(before, after, old_key, new_key))
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


_LINE = re.compile(r"\bline \d+|\d+ ?行目")


def _key(d: Diagnostic) -> tuple:
    """A diagnostic by what it says, not where: lines move when anything above them changes (and
    a line number in the message, `(as a KPI at line 4)`, is no part of it)."""
    message = d.message
    return d.code, _LINE.sub("line", getattr(message, "en", message))


def _placed(result, mapping: dict, name) -> Callable[[Diagnostic], tuple]:
    """A diagnostic keyed by its code and the place it is about: the declaration it is in (by its id
    in the new plan, through renames) and the attribute, or the assert (by its meaning). Its message
    quotes values as written, names and line numbers, all of which may change with no change of
    meaning (`40万` for `400,000`, a rename, a comment above); only a diagnostic outside any
    declaration is keyed by what it says."""
    plan = result.plan
    spans = sorted([(item.span.start, item.span.end, item) for item in (*plan.nodes.values(), *plan.params.values())],
                   key=lambda s: s[:2])
    asserts = sorted((a.span.start, a.span.end, a) for a in plan.asserts)
    starts, assert_starts = [s[0] for s in spans], [s[0] for s in asserts]

    def inside(where: list, items: list, at: int):
        i = bisect_right(where, at) - 1
        return items[i][2] if i >= 0 and at < items[i][1] else None

    def key(d: Diagnostic) -> tuple:
        at = d.span.start
        item = inside(starts, spans, at)
        if item is not None:
            attribute = None
            if isinstance(item, Node):
                attribute = next((a for a, span in item.attr_spans.items() if span.start <= at < span.end), None)
            return d.code, "declaration", mapping.get(item.id, item.id), attribute
        stmt = inside(assert_starts, asserts, at)
        if stmt is not None:
            return d.code, "assert", assert_key(stmt, result.source, name)
        return _key(d)

    return key


def _same_text(old, new) -> bool:
    """Two versions not analysed are the same only when their text is (a file too large to read has none)."""
    return bool(old.source.text) and old.source.text == new.source.text
