"""Count words as labels that must agree where amounts are added or compared.

Count words (`visitors`, `件`, `人`) carry no dimension: `visitors × CVR` is orders, and the
arithmetic must not need a unit for every step of a funnel. But adding two different counts
(`sessions + orders`) or a count and a percentage (`orders + cvr`) gives a number that means
nothing, so where amounts are added, subtracted, folded by sum/min/max or compared, their
labels must agree. An amount's label: its count word, `%` for a percentage, else none; a
product or quotient has none, except a count scaled by a plain number (`visitors * 2`).
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


def label_of_value(value) -> str | None:
    if value is None:
        return None
    if value.unit.kind == "count" and value.unit.code:
        return value.unit.code
    if value.percent and value.unit.kind == "none":
        return "%"
    return None


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
            if node.unit is None and node.percent:
                return "%"
            if node.unit is not None and self._count(node.unit.text):
                return node.unit.text
            return None
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
    """A number with no unit and no % (a multiplier)."""
    while isinstance(node, ast.Group):
        node = node.inner
    return isinstance(node, ast.Quantity) and node.unit is None and not node.percent
