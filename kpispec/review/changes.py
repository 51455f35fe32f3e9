"""The semantic changes between two plans: declarations added, removed, renamed or changed.

A rename is a node or a param removed and another of the same kind added with the same content
(everything but the id; names in formulas and links read through the renames already found, so a
chain of renames is found step by step). Failing that, a removed and an added declaration of the
same kind and the same label, each the only one with that label, are one renamed and changed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable

from ..diagnostics import Msg
from ..ir import Node, Param, Plan
from ..multiset import beyond
from ..source import SourceFile
from .model import ADDED, CHANGED, REMOVED, RENAMED, Change
from .written import (NODE_ATTRIBUTES, PARAM_ATTRIBUTES, PLAN_ATTRIBUTES, Namer, assert_key, assert_text,
                      content_key, formula_text, quoted)


def _kind(item: Node | Param) -> str:
    return item.kind if isinstance(item, Node) else "param"


def _declared(plan: Plan) -> dict[str, Node | Param]:
    """The plan's params and nodes by id: one namespace, as formulas see it."""
    return {**plan.params, **plan.nodes}


def renames(old: Plan, new: Plan) -> dict[str, str]:
    """Old id -> new id of every node and param renamed between the two plans.

    Found in rounds: each round pairs every content key that exactly one unpaired old and one
    unpaired new declaration have, the old ones read through the renames of the rounds before;
    a round that finds none pairs the unique labels instead, and none of either ends the search.
    Only what a round changed is looked at again, so the search is linear in the plans' size: a
    key is looked at again only when an id joined or left it, and each declaration's key is read
    once, an old one's once more when the last removed name it reads is paired. Until then it holds
    a removed name (as `old_namer` reads it) that no new key holds, so it pairs with nothing; after,
    it reads as it will for good.
    """
    old_items, new_items = _declared(old), _declared(new)
    removed = {i: item for i, item in old_items.items() if i not in new_items}
    added = {i: item for i, item in new_items.items() if i not in old_items}
    mapping: dict[str, str] = {}
    old_name = old_namer(removed, mapping)
    content, labels = _Keys(), _Keys()
    for i, item in added.items():
        content.add(i, (_kind(item), content_key(item, new.source, _same)), new=True)
        if item.label:
            labels.add(i, (_kind(item), item.label), new=True)
    waiting: dict[str, set[str]] = {}  # old id -> the removed names, not yet paired, that its key reads
    readers: dict[str, list[str]] = {}  # removed name -> the old ids waiting for it
    for i, item in removed.items():
        read: set[str] = set()
        key = (_kind(item), content_key(item, old.source, _recording(old_name, read)))
        if item.label:
            labels.add(i, (_kind(item), item.label), new=False)
        pending = read & removed.keys()
        if not pending:
            content.add(i, key, new=False)
            continue
        waiting[i] = pending
        for text in pending:
            readers.setdefault(text, []).append(i)
    order = {i: n for n, i in enumerate(removed)}
    while True:
        found = content.pairs() or labels.pairs()
        if not found:
            return mapping
        mapping.update(sorted(found.items(), key=lambda pair: order[pair[0]]))
        for o, n in found.items():
            for keys in (content, labels):
                keys.discard(o, new=False)
                keys.discard(n, new=True)
        for o in found:
            for i in readers.pop(o, ()):
                pending = waiting[i]
                pending.discard(o)
                if not pending:
                    del waiting[i]
                    if i not in mapping:  # not paired by its label while it waited
                        content.add(i, (_kind(removed[i]), content_key(removed[i], old.source, old_name)), new=False)


def _recording(name: Namer, read: set[str]) -> Namer:
    """`name`, noting every name it is asked for in `read`."""
    def recorded(text: str) -> object:
        read.add(text)
        return name(text)

    return recorded


class _Keys:
    """Keys -> the unpaired old and new ids that have them, and the keys whose ids have changed
    since `pairs` last looked (only those can have become a pair)."""

    def __init__(self) -> None:
        # [False] the old side, [True] the new: key -> ids, and id -> key
        self.ids: tuple[dict[object, set[str]], dict[object, set[str]]] = ({}, {})
        self.key: tuple[dict[str, object], dict[str, object]] = ({}, {})
        self.changed: dict[object, None] = {}

    def add(self, i: str, key: object, new: bool) -> None:
        self.ids[new].setdefault(key, set()).add(i)
        self.key[new][i] = key
        self.changed[key] = None

    def discard(self, i: str, new: bool) -> None:
        key = self.key[new].pop(i, _ABSENT)
        if key is _ABSENT:
            return
        ids = self.ids[new][key]
        ids.discard(i)
        if not ids:
            del self.ids[new][key]
        self.changed[key] = None

    def pairs(self) -> dict[str, str]:
        """Old id -> new id for each changed key that exactly one old and one new id have."""
        found = {}
        for key in self.changed:
            olds, news = self.ids[False].get(key, ()), self.ids[True].get(key, ())
            if len(olds) == 1 and len(news) == 1:
                found[next(iter(olds))] = next(iter(news))
        self.changed = {}
        return found


_ABSENT = object()


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
            if was != now:
                out.append(Change(_kind(after), after.id, CHANGED, attribute, was, now))
            else:
                # The same text read otherwise (`1億円/人` once a KPI `人` exists). A rename cannot do
                # this (a renamed id is gone from the new plan, so no text can name it there):
                # said, since nothing else would show it.
                out.append(Change(_kind(after), after.id, CHANGED, attribute, was, now, _READ_OTHERWISE))
    return out


_READ_OTHERWISE = Msg("the same text, read otherwise: a name it uses was added or removed",
                      "同じ式ですが、使っている名前が追加・削除されたため読み方が変わりました")


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

