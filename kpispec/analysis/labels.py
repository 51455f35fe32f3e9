"""Count words as labels that must agree where amounts are added or compared.

Count words (`visitors`, `件`, `人`) carry no dimension: `visitors × CVR` is orders, and the
arithmetic must not need a unit for every step of a funnel. But adding two different counts
(`sessions + orders`) or a count and a percentage (`orders + cvr`) gives a number that means
nothing, so where amounts are added, subtracted, folded by sum/min/max or compared, their
labels must agree. An amount's label: its count word, `%` for a percentage, else none; a
product or quotient has none, except a count scaled by a plain number (`visitors * 2`).

A per-unit amount (`3,000円/人`, `1.5回/人`, `80円 per visitor`) is labelled `/人`, `回/人`,
`/visitor`: the count part of its unit, then what it is per (a currency is the dimension's
business, not a label's). In a product the per-unit cancels the count it is per (`人 × 円/人` is
円, `人 × 回/人` is 回); against any other count it is a clash (`件 × 円/人`: the counts do not
cancel), reported like the others.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..diagnostics import Span
from ..syntax import ast


@dataclass(frozen=True)
class Clash:
    span: Span  # the operator, the call, or the comparison
    left: str
    right: str
    left_span: Span
    right_span: Span
    product: bool = False  # a count multiplied by an amount per another count


def label_of_value(value) -> str | None:
    if value is None:
        return None
    unit = value.unit
    return _label(unit.code if unit.kind == "count" else None, value.percent and unit.kind == "none",
                  unit.per if unit.per_kind == "count" else None)


def _label(count: str | None, percent: bool, per: str | None) -> str | None:
    if per:
        return f"{count or ''}/{per}"
    if count:
        return count
    return "%" if percent else None


def split(label: str) -> tuple[str | None, str | None]:
    """A label as (count, per): `人` is (人, None), `/人` is (None, 人), `回/人` is (回, 人)."""
    count, slash, per = label.partition("/")
    return (count or None), (per if slash else None)


class Labels:
    """Every formula's, param's and assert's label clashes, in the plan's evaluation order."""

    def __init__(self, ctx):
        self.ctx = ctx
        self.plan = ctx.plan
        self.of: dict[str, str | None] = {}
        self.clashes: list[Clash] = []
        for nid in ctx.graph.evaluation_order(ctx.cyclic):
            if nid in self.plan.params:
                self.of[nid] = self.label(self.plan.params[nid].expr)
                continue
            node = self.plan.nodes[nid]
            own = label_of_value(node.target.value) if node.target is not None else None
            formula = self.label(node.formula) if node.formula is not None else None
            self.of[nid] = own if node.target is not None else formula
        for stmt in self.plan.asserts:
            left, right = self.label(stmt.left), self.label(stmt.right)
            if left and right and left != right:
                self.clashes.append(Clash(stmt.op_span, left, right, stmt.left.span, stmt.right.span))

    def label(self, expr) -> str | None:
        """An expression's label, recording each clash inside it (post-order, without recursion)."""
        out: dict[int, str | None] = {}
        stack = [(expr, False)]
        while stack:
            node, done = stack.pop()
            children = _children(node)
            if not done and children:
                stack.append((node, True))
                stack.extend((c, False) for c in children)
                continue
            out[id(node)] = self._combine(node, [out[id(c)] for c in children], children)
        return out[id(expr)]

    def _combine(self, node, labels, children) -> str | None:
        if isinstance(node, ast.Quantity):
            count = node.unit.text if node.unit is not None and self._count(node.unit.text) else None
            per = node.per_unit.text if node.per_unit is not None and self._count(node.per_unit.text) else None
            return _label(count, node.unit is None and node.percent, per)
        if isinstance(node, ast.Ref):
            return self.of.get(node.name.text)
        if isinstance(node, (ast.Group, ast.Negate)):
            return labels[0]
        if isinstance(node, ast.Binary) and node.op in "*/":
            left, right = labels
            if right is None and _plain(node.right):
                return left
            if left is None and _plain(node.left) and node.op == "*":
                return right
            if node.op == "*" and left and right and "%" not in (left, right):
                return self._product(node, left, right)
            return None
        # + and -, and sum/min/max: every labelled operand must agree
        found, where = None, None
        for label, child in zip(labels, children):
            if label is None:
                continue
            if found is None:
                found, where = label, child
            elif label != found:
                span = node.op_span if isinstance(node, ast.Binary) else child.span
                self.clashes.append(Clash(span, found, label, where.span, child.span))
                return None
        return found

    def _product(self, node, left: str, right: str) -> str | None:
        """A count times an amount per a count: the per-unit cancels its own count and no other."""
        (a, x), (b, y) = split(left), split(right)
        if x is None and y is None:
            return None  # two counts: a product has none
        if x is not None and y is not None:  # two per-units: 円/回 × 回/人 is 円/人, others unknown
            if x == b:
                return _label(a, False, y)
            if y == a:
                return _label(b, False, x)
            return None
        count, per, other = (a, y, b) if y is not None else (b, x, a)
        if count == per:
            return other
        self.clashes.append(Clash(node.op_span, left, right, node.left.span, node.right.span, product=True))
        return None

    @staticmethod
    def _count(word: str) -> bool:
        from ..units import unit_of

        return unit_of(word).kind == "count"


def _children(node) -> tuple:
    if isinstance(node, ast.Binary):
        return (node.left, node.right)
    if isinstance(node, ast.Negate):
        return (node.operand,)
    if isinstance(node, ast.Group):
        return (node.inner,)
    if isinstance(node, ast.Call):
        return tuple(node.args)
    return ()


def _plain(node) -> bool:
    """A number with no unit, no % and nothing it is per (a multiplier)."""
    while isinstance(node, ast.Group):
        node = node.inner
    return isinstance(node, ast.Quantity) and node.plain
