"""What a plan's declarations mean, to compare, and how they were written, to show.

A key compares by meaning: `10,000円` and `1万円` are one value, `per 月` and `per month` one period,
and a formula is its tree without spans, parentheses or comments. Every name a key holds goes
through `name`, so that the old plan's names can be read as the new plan's after a rename.
"""

from __future__ import annotations

from collections.abc import Callable

from ..emit import one_line
from ..ir import Milestone, Node, Param, PlanInfo, Target, Value
from ..resolve import normalise, walk
from ..source import SourceFile
from ..syntax import ast

Namer = Callable[[str], object]


def value_key(v: Value | None) -> tuple | None:
    """A value by meaning: the exact number, its unit, its period and whether it is a percentage."""
    return None if v is None else (v.value, v.unit, v.per, v.percent)


def target_key(t: Target | None) -> tuple | None:
    """`target 2.5%` and `target >= 2.5%` are one target: the comparator is `>=` unless written."""
    return None if t is None else (t.comparator, value_key(t.value))


def expr_key(source: SourceFile, expr: ast.Expr | None, name: Namer) -> tuple | None:
    """A formula by meaning: its tree in prefix order (each operator knows how many operands it
    takes), without spans, parentheses or comments; names read through `name`."""
    if expr is None:
        return None
    out: list = []
    for e in walk(expr):  # iterative: a formula may be nested as deep as the parser allows
        if isinstance(e, ast.Ref):
            out.append(("ref", name(e.name.text)))
        elif isinstance(e, ast.Quantity):
            out.append(("number", value_key(normalise(source, e)), e.power))
        elif isinstance(e, ast.Binary):
            out.append((e.op,))
        elif isinstance(e, ast.Negate):
            out.append(("negate",))
        elif isinstance(e, ast.Call):
            out.append(("call", e.function.text, len(e.args)))
    return tuple(out)


def milestones_key(milestones: tuple[Milestone, ...]) -> tuple:
    return tuple((m.text, value_key(m.value)) for m in milestones)


def links_key(node: Node, name: Namer) -> frozenset:
    """The nodes a node serves: a set, whatever order and lines they were written in."""
    return frozenset((link.kind, name(link.name.text)) for link in node.links)


_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t"})


def quoted(text: str | None) -> str | None:
    """A text as it is written on one line: quoted, with the language's backslash escapes."""
    return None if text is None else f'"{text.translate(_ESCAPES)}"'


def target_text(t: Target | None) -> str | None:
    """A target as written, with its comparator always shown: `>= 2.5%`."""
    return None if t is None else f"{t.comparator} {t.value.text}"


def formula_text(source: SourceFile, expr: ast.Expr | None) -> str | None:
    return None if expr is None else one_line(source, expr.span)


def milestones_text(milestones: tuple[Milestone, ...]) -> str | None:
    return ", ".join(f"{m.text}: {m.value.text}" for m in milestones) or None


def links_text(node: Node) -> str | None:
    return ", ".join(f"{link.kind} {link.name.text}" for link in node.links) or None


def _date(d) -> str | None:
    return None if d is None else d.isoformat()


# A node's attributes in the order they are reported: name -> (key, text). The key takes the
# node, its source and the namer; the text takes the node and its source.
NODE_ATTRIBUTES: dict[str, tuple] = {
    "kind": (lambda n, s, f: n.kind, lambda n, s: n.kind),
    "label": (lambda n, s, f: n.label, lambda n, s: quoted(n.label)),
    "target": (lambda n, s, f: target_key(n.target), lambda n, s: target_text(n.target)),
    "baseline": (lambda n, s, f: value_key(n.baseline), lambda n, s: n.baseline.text if n.baseline else None),
    "deadline": (lambda n, s, f: n.deadline, lambda n, s: _date(n.deadline)),
    "start": (lambda n, s, f: n.start, lambda n, s: _date(n.start)),
    "end": (lambda n, s, f: n.end, lambda n, s: _date(n.end)),
    "ramp": (lambda n, s, f: n.ramp, lambda n, s: n.ramp),
    "milestones": (lambda n, s, f: milestones_key(n.milestones), lambda n, s: milestones_text(n.milestones)),
    "cadence": (lambda n, s, f: n.cadence, lambda n, s: n.cadence),
    "owner": (lambda n, s, f: n.owner, lambda n, s: quoted(n.owner)),
    "source": (lambda n, s, f: n.source, lambda n, s: quoted(n.source)),
    "measure": (lambda n, s, f: n.measure, lambda n, s: quoted(n.measure)),
    "description": (lambda n, s, f: n.description, lambda n, s: quoted(n.description)),
    "formula": (lambda n, s, f: expr_key(s, n.formula, f), lambda n, s: formula_text(s, n.formula)),
    "links": (lambda n, s, f: links_key(n, f), lambda n, s: links_text(n)),
}

PARAM_ATTRIBUTES: dict[str, tuple] = {
    "label": (lambda p, s, f: p.label, lambda p, s: quoted(p.label)),
    "value": (lambda p, s, f: expr_key(s, p.expr, f), lambda p, s: formula_text(s, p.expr)),
}


def _period(info: PlanInfo) -> str | None:
    if info.period_start is None and info.period_end is None:
        return None
    return f"{_date(info.period_start)} to {_date(info.period_end)}"


PLAN_ATTRIBUTES: dict[str, Callable[[PlanInfo], str | None]] = {
    "id": lambda i: i.id,
    "label": lambda i: quoted(i.label),
    "period": _period,
    "owner": lambda i: quoted(i.owner),
    "description": lambda i: quoted(i.description),
}


def content_key(item: Node | Param, source: SourceFile, name: Namer) -> tuple:
    """Everything about a node or a param but its id: two with one key are one renamed."""
    attributes = NODE_ATTRIBUTES if isinstance(item, Node) else PARAM_ATTRIBUTES
    return tuple(key(item, source, name) for key, _ in attributes.values())


def assert_key(a: ast.Assert, source: SourceFile, name: Namer) -> tuple:
    return (expr_key(source, a.left, name), a.op, expr_key(source, a.right, name), a.message.value if a.message else None)


def assert_text(a: ast.Assert, source: SourceFile) -> str:
    """An assert on one line, its message quoted (a `#` in the message is not a comment)."""
    left, right = one_line(source, a.left.span), one_line(source, a.right.span)
    text = f"{left} {a.op} {right}"
    return f"{text} {quoted(a.message.value)}" if a.message else text
