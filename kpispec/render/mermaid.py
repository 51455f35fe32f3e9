"""The KPI tree as a Mermaid flowchart, for Markdown that GitHub renders (`kpispec graph`).

Everything the plan's author wrote (ids, labels, owners, targets as written) reaches the output
only inside a double-quoted node label, and only through `escape`: every character but letters,
digits, the space and a few inert punctuation marks becomes a Mermaid entity code (`#60;` for
`<`), so no text can close its label, start a statement, open a link or HTML, or form an entity
code of its own (`#` itself is `#35;`). Node ids are `n0`, `n1`, … in the plan's order, whatever
the plan's ids are; the real id is in the label.

`describe` says what a node shows, in lines of plain text; `dot.py` draws the same lines.
"""

from __future__ import annotations

import unicodedata

from .. import display
from ..analysis.goals import MET, MISSES, UNKNOWN
from ..records import record
from ..tree import edges as tree_edges

_COMPARATORS = {">=": "≥", "<=": "≤"}
_MARKS = {MET: "✓", MISSES: "✗", UNKNOWN: "?"}
_WORDS = {
    "en": {MET: "met", MISSES: "misses", UNKNOWN: "unknown", "owner": "owner", "param": "param"},
    "ja": {MET: "達成", MISSES: "未達", UNKNOWN: "不明", "owner": "責任者", "param": "param"},
}
_KINDS = {"kgi": "KGI", "ksf": "KSF", "kpi": "KPI", "param": "param"}
MAX_VALUE = 60  # a param's expression is shown up to this many characters

# Mermaid shapes: KGI stadium, KSF hexagon, KPI rectangle, param subroutine.
_SHAPES = {"kgi": ('(["', '"])'), "ksf": ('{{"', '"}}'), "kpi": ('["', '"]'), "param": ('[["', '"]]')}
_CLASSES = {
    MET: "fill:#e3f4e6,stroke:#1b7a34,stroke-width:2px,color:#111111",
    MISSES: "fill:#fde8e8,stroke:#b3261e,stroke-width:3px,color:#111111",
    UNKNOWN: "fill:#fff4d6,stroke:#8a5a00,stroke-width:2px,color:#111111",
}

# ASCII that may stand as itself in a label: none of it is Mermaid or HTML syntax inside quotes.
_PLAIN_ASCII = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,-_+/=!?@")
# Non-ASCII kept as written: letters, marks, digits, punctuation and symbols (Japanese, ≥, ×, ÷).
_PLAIN_CATEGORIES = frozenset("LMNPS")
# Except the characters of Mermaid's own entity placeholders (`fl°°60¶ß`): written raw, they
# could be read back as an entity code.
_NOT_PLAIN = frozenset("°¶\ufb02")


@record(frozen=True, slots=True)
class Shown:
    """One node as drawn: its kind, its lines of plain text, and its goal's verdict (if any)."""

    id: str
    kind: str  # "kgi", "ksf", "kpi" or "param"
    lines: tuple[str, ...]
    status: str | None  # MET, MISSES, UNKNOWN, or None (not a goal, or nothing to prove)


def escape(text: str) -> str:
    """Text for inside a double-quoted Mermaid label: anything but plain characters as `#N;`.
    Line breaks and tabs become spaces (the renderer makes its own line breaks)."""
    out = []
    for char in text:
        if char in "\r\n\t\v\f\x85\u2028\u2029":
            out.append(" ")
        elif char in _PLAIN_ASCII or (
            char > "\x7f" and char not in _NOT_PLAIN and unicodedata.category(char)[0] in _PLAIN_CATEGORIES
        ):
            out.append(char)
        else:
            out.append(f"#{ord(char)};")
    return "".join(out)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def target_text(node, lang: str = "en") -> str | None:
    if node.target is None:
        return None
    comparator = node.target.comparator
    return f"{_COMPARATORS.get(comparator, comparator)} {display.written(node.target.value.text, lang)}"


def verdict_text(standing, lang: str) -> str | None:
    """A goal's verdict in words (never only a colour): `✓ met`, `✗ misses by 2,000万円 per year (1.7%)`."""
    if standing is None or standing.status not in _MARKS:
        return None
    word = _WORDS[lang][standing.status]
    badge = standing.badge.get(lang)
    if badge == word or not badge:
        text = word
    elif badge.startswith(word):
        text = badge
    else:
        text = f"{word} — {badge}"
    return f"{_MARKS[standing.status]} {text}"


def nodes_shown(plan, graph) -> tuple[list[str], list]:
    """The nodes to draw, in the plan's order (params only where a formula uses them), and the edges."""
    found = tree_edges(plan, graph)
    used = {e.child for e in found} | {e.parent for e in found}
    ids = list(plan.nodes) + [pid for pid in plan.params if pid in used]
    return ids, found


def describe(plan, nid: str, standing, lang: str) -> Shown:
    """What a node shows, as plain lines: its label, kind and id, target (or a param's value),
    its goal's verdict, its owner."""
    lang = "ja" if lang == "ja" else "en"
    words = _WORDS[lang]
    node = plan.nodes.get(nid)
    if node is None:
        param = plan.params[nid]
        value = _one_line(display.written(plan.source.slice(param.expr.span), lang))
        if len(value) > MAX_VALUE:
            value = value[: MAX_VALUE - 1] + "…"
        lines = [_one_line(param.label or nid), f"{words['param']} {nid}", f"= {value}"]
        return Shown(nid, "param", tuple(lines), None)
    lines = [_one_line(node.label or nid), f"{_KINDS.get(node.kind, node.kind)} {nid}"]
    target = target_text(node, lang)
    if target:
        lines.append(_one_line(target))
    verdict = verdict_text(standing, lang)
    if verdict:
        lines.append(_one_line(verdict))
    if node.owner:
        lines.append(f"{words['owner']} {_one_line(node.owner)}")
    status = standing.status if verdict else None
    return Shown(nid, node.kind, tuple(lines), status)


def render(plan, graph, verdicts: dict, lang: str = "en") -> str:
    """The plan as `flowchart TD`: one line per node, one per edge (formula edges labelled with
    the operator, links dotted), and a class per verdict, which the label also says in words."""
    ids, found = nodes_shown(plan, graph)
    name = {nid: f"n{i}" for i, nid in enumerate(ids)}
    out = ["flowchart TD"]
    by_status: dict[str, list[str]] = {}
    for nid in ids:
        shown = describe(plan, nid, verdicts.get(nid), lang)
        left, right = _SHAPES[shown.kind]
        label = "<br>".join(escape(line) for line in shown.lines)
        out.append(f"    {name[nid]}{left}{label}{right}")
        if shown.status:
            by_status.setdefault(shown.status, []).append(name[nid])
    for edge in found:
        if edge.parent not in name or edge.child not in name:
            continue
        if edge.kind == "formula":
            out.append(f"    {name[edge.parent]} -->|{escape(edge.op) or '#160;'}| {name[edge.child]}")
        else:
            out.append(f"    {name[edge.parent]} -.-> {name[edge.child]}")
    for status, style in _CLASSES.items():
        # No `;` at the end: Mermaid would read `#111111;` as an entity code.
        out.append(f"    classDef {status} {style}")
    for status in _CLASSES:
        if by_status.get(status):
            out.append(f"    class {','.join(by_status[status])} {status}")
    return "\n".join(out) + "\n"
