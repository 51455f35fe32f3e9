"""The semantic changes between two plans: declarations added, removed, renamed or changed.

A rename is a node or a param removed and another of the same kind added with the same content
(everything but the id; names in formulas and links read through the renames already found, so a
chain of renames is found step by step). Failing that, a removed and an added declaration of the
same kind and the same label, each the only one with that label, are one renamed and changed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable

from ..ir import Node, Param, Plan
from ..multiset import beyond
from ..source import SourceFile
from .model import ADDED, CHANGED, REMOVED, RENAMED, Change
from .written import (NODE_ATTRIBUTES, PARAM_ATTRIBUTES, PLAN_ATTRIBUTES, assert_key, assert_text, content_key,
                      formula_text, quoted)


def _kind(item: Node | Param) -> str:
    return item.kind if isinstance(item, Node) else "param"


def _declared(plan: Plan) -> dict[str, Node | Param]:
    """The plan's params and nodes by id: one namespace, as formulas see it."""
    return {**plan.params, **plan.nodes}


def renames(old: Plan, new: Plan) -> dict[str, str]:
    """Old id -> new id of every node and param renamed between the two plans."""
    old_items, new_items = _declared(old), _declared(new)
    removed = {i: item for i, item in old_items.items() if i not in new_items}
    added = {i: item for i, item in new_items.items() if i not in old_items}
    mapping: dict[str, str] = {}
    old_name = old_namer(removed, mapping)
    new_keys = {i: (_kind(item), content_key(item, new.source, _same)) for i, item in added.items()}
    while True:
        taken = set(mapping.values())
        left = {i: item for i, item in removed.items() if i not in mapping}
        right = {i: item for i, item in added.items() if i not in taken}
        found = _pairs(((i, (_kind(item), content_key(item, old.source, old_name))) for i, item in left.items()),
                       ((i, new_keys[i]) for i in right))
        if not found:
            found = _pairs(((i, (_kind(item), item.label)) for i, item in left.items() if item.label),
                           ((i, (_kind(item), item.label)) for i, item in right.items() if item.label))
        if not found:
            return mapping
        mapping.update(found)


def _same(name: str) -> str:
    return name


def old_namer(removed: Iterable[str], mapping: dict[str, str]) -> Callable[[str], object]:
    """How the old plan's names read in the new plan: a renamed id as its new id, a removed one as
    something no new name equals, any other as itself."""
    removed = set(removed)

    def name(text: str) -> object:
        if text in mapping:
            return mapping[text]
        return ("removed", text) if text in removed else text

    return name


def _pairs(olds: Iterable[tuple[str, object]], news: Iterable[tuple[str, object]]) -> dict[str, str]:
    """Old id -> new id for each key that exactly one old and one new declaration have."""
    by_key: dict[object, tuple[list, list]] = {}
    for i, key in olds:
        by_key.setdefault(key, ([], []))[0].append(i)
    for i, key in news:
        if key in by_key:
            by_key[key][1].append(i)
    return {o[0]: n[0] for o, n in by_key.values() if len(o) == 1 and len(n) == 1}


def changes(old: Plan | None, new: Plan | None, mapping: dict[str, str]) -> list[Change]:
    """Every semantic change from `old` to `new` (None: a plan that does not exist), in the order
    read: the plan block, the params, the nodes, the asserts."""
    old_items = _declared(old) if old else {}
    new_items = _declared(new) if new else {}
    old_name = old_namer((i for i in old_items if i not in new_items), mapping)
    sides = (old.source if old else None, new.source if new else None)
    out = _plan_block(old, new)
    for kind in ("param", "node"):
        olds = {i: item for i, item in old_items.items() if (kind == "param") == isinstance(item, Param)}
        news = {i: item for i, item in new_items.items() if (kind == "param") == isinstance(item, Param)}
        out.extend(_declarations(olds, news, mapping, sides, old_name))
    out.extend(_asserts(old, new, old_name))
    return out


def _plan_block(old: Plan | None, new: Plan | None) -> list[Change]:
    before, after = (old.info if old else None), (new.info if new else None)
    if before is None and after is None:
        return []
    if before is None:
        return [Change("plan", after.id, ADDED, new=quoted(after.label))]
    if after is None:
        return [Change("plan", before.id, REMOVED, old=quoted(before.label))]
    out = []
    for attribute, text in PLAN_ATTRIBUTES.items():
        was, now = text(before), text(after)
        if was != now:
            out.append(Change("plan", after.id, CHANGED, attribute, was, now))
    return out


def _declarations(olds: dict, news: dict, mapping: dict, sides: tuple, old_name) -> list[Change]:
    out = []
    back = {n: o for o, n in mapping.items()}
    for nid, item in news.items():
        oid = back.get(nid, nid)
        if oid not in olds:
            out.append(Change(_kind(item), nid, ADDED, new=_shown(item, sides[1])))
            continue
        if oid != nid:
            out.append(Change(_kind(item), nid, RENAMED, old=oid, new=nid))
        out.extend(_attributes(olds[oid], item, sides, old_name))
    for oid, item in olds.items():
        if oid not in news and oid not in mapping:
            out.append(Change(_kind(item), oid, REMOVED, old=_shown(item, sides[0])))
    return out


def _shown(item: Node | Param, source: SourceFile) -> str | None:
    """What an addition or a removal shows: a node's label, a param's value."""
    return quoted(item.label) if isinstance(item, Node) else formula_text(source, item.expr)


def _attributes(before: Node | Param, after: Node | Param, sides: tuple, old_name) -> list[Change]:
    attributes = NODE_ATTRIBUTES if isinstance(after, Node) else PARAM_ATTRIBUTES
    out = []
    for attribute, (key, text) in attributes.items():
        if key(before, sides[0], old_name) != key(after, sides[1], _same):
            was, now = text(before, sides[0]), text(after, sides[1])
            if was != now:  # the same text meaning another node: the rename that did it is reported
                out.append(Change(_kind(after), after.id, CHANGED, attribute, was, now))
    return out


def _asserts(old: Plan | None, new: Plan | None, old_name) -> list[Change]:
    """Asserts have no ids: one kept is one with the same meaning; a removed and an added one with
    the same message (the only ones with it) are one changed."""
    olds = [(assert_key(a, old.source, old_name), assert_text(a, old.source), a) for a in old.asserts] if old else []
    news = [(assert_key(a, new.source, _same), assert_text(a, new.source), a) for a in new.asserts] if new else []
    removed, added = beyond(olds, news, _first), beyond(news, olds, _first)
    gone, come = Counter(_message(a) for _, _, a in removed), Counter(_message(a) for _, _, a in added)
    paired = {m for m in gone if m is not None and gone[m] == 1 and come[m] == 1}
    was = {_message(a): text for _, text, a in removed if _message(a) in paired}
    out = [Change("assert", _message(a) or text, REMOVED, old=text) for _, text, a in removed if _message(a) not in paired]
    for _, text, a in added:
        message = _message(a)
        if message in paired:
            if was[message] != text:
                out.append(Change("assert", message, CHANGED, "assert", was[message], text))
        else:
            out.append(Change("assert", message or text, ADDED, new=text))
    return out


def _message(a) -> str | None:
    return a.message.value if a.message else None


def _first(item: tuple):
    return item[0]

