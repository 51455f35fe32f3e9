"""Each goal before and after: where the standings of the two plans differ, and where they stand."""

from __future__ import annotations

from ..analysis.goals import NONE, Standing, standings
from ..diagnostics import Msg
from .model import GoalDelta, fingerprint
from .written import target_key


def standings_of(result) -> dict[str, Standing]:
    """The standings of an analysed plan (an `api.Result`), or none where it was not analysed."""
    if result is None or result.plan is None or result.context is None:
        return {}
    return standings(result.context.arithmetic)


def goal_deltas(old, new, mapping: dict[str, str]) -> tuple[GoalDelta, ...]:
    """Every goal (a node with a formula and a target) of either plan, in the new plan's order, then
    the goals removed; a node with a formula and no target only where its implied value changed."""
    before, after = standings_of(old), standings_of(new)
    old_nodes = old.plan.nodes if old is not None and old.plan is not None else {}
    new_nodes = new.plan.nodes if new is not None and new.plan is not None else {}
    back = {n: o for o, n in mapping.items()}
    out = []
    for nid, node in new_nodes.items():
        oid = back.get(nid, nid)
        was, now = before.get(oid), after.get(nid)
        if _listed(was, now):
            old_node = old_nodes.get(oid)
            same = old_node is not None and target_key(old_node.target) == target_key(node.target)
            targets = (_target(now if same else was), _target(now))
            out.append(GoalDelta(nid, node.label, oid if oid != nid else None, was, now, (old_node is not None, True), targets))
    for oid, node in old_nodes.items():
        if oid not in new_nodes and oid not in mapping and _listed(before.get(oid), None):
            out.append(GoalDelta(oid, node.label, None, before[oid], None, (True, False), (_target(before[oid]), None)))
    return tuple(out)


def _target(s: Standing | None) -> Msg | None:
    return s.target if s is not None else None


def _listed(before: Standing | None, after: Standing | None) -> bool:
    if any(s is not None and s.status != NONE for s in (before, after)):
        return True
    return before is not None and after is not None and fingerprint(before) != fingerprint(after)
