"""Count words as labels that must agree where amounts are added or compared.

Count words (`visitors`, `件`, `人`) carry no dimension: `visitors × CVR` is orders, and the
arithmetic must not need a unit for every step of a funnel. But adding two different counts
(`sessions + orders`) or a count and a percentage (`orders + cvr`) gives a number that means
nothing, so where amounts are added, subtracted, folded by sum/min/max or compared, their
labels must agree. An amount's label: its count word, `%` for a percentage, else none; a
product or quotient has none, except a count scaled by a plain number (`visitors * 2`).

A per-unit amount (`3,000円/人`, `1.5回/人`, `80円 per visitor`) is labelled `/人`, `回/人`,
`/visitor`: the count part of its unit, then what it is per (a currency is the dimension's
business, not a label's). A product is read as a whole, whatever its order or grouping
(`aov * members * orders_per_member`): each per-unit cancels a count it is per (`人 × 円/人` is
円, `人 × 回/人` is 回), and a count left beside an amount per another count is a clash
(`件 × 円/人`: the counts do not cancel). A product with a percentage or an unlabelled factor in it
may convert one count into another (members × share = buyers), so it has no label and no clash.

Words are compared as people mean them: `visitors` and `visitor`, `人` and `名` are one count.
"""

from __future__ import annotations

from ..diagnostics import Span
from ..records import record
from ..syntax import ast


@record(frozen=True)
class Clash:
    """Two amounts whose labels (count words, per-units) do not match."""

    span: Span  # the operator, the call, or the comparison
    left: str
    right: str
    left_span: Span
    right_span: Span
    kind: str = "add"  # "add" (added or compared), "product" (count × amount per another), "target" (formula vs target)


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
    """A label as (count, per): `人` is (人, None), `/人` is (None, 人), `回/人` is (回, 人); the empty
    label of a product whose counts all cancelled is (None, None)."""
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
            if own and formula is not None and "/" in own + formula and not same(own, formula):
                # an amount per one count computed as an amount per another (`target 5,000円/人 formula aov`),
                # or as a total (`target 1億円/人 formula members * arpu`)
                self.clashes.append(Clash(node.formula.span, formula, own, node.formula.span, node.target.value.span, "target"))
        for stmt in self.plan.asserts:
            left, right = self.label(stmt.left), self.label(stmt.right)
            if left and right and not same(left, right):
                self.clashes.append(Clash(stmt.op_span, left, right, stmt.left.span, stmt.right.span))

    def label(self, expr) -> str | None:
        """An expression's label, recording each clash inside it (post-order, without recursion)."""
        out: dict[int, str | None] = {}
        inner: set[int] = set()  # products inside a product: read with the whole product, once
        stack = [(expr, False)]
        while stack:
            node, done = stack.pop()
            children = _children(node)
            if not done and children:
                if _is_product(node) and id(node) not in inner:  # a product's root: its inner products once
                    inner.update(id(f) for f in _chain(node, factors=False))
                stack.append((node, True))
                stack.extend((c, False) for c in children)
                continue
            if id(node) in inner:
                out[id(node)] = None
            elif _is_product(node):
                out[id(node)] = self._product(node, out)
            else:
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
        if isinstance(node, ast.Binary) and node.op == "/":
            left, right = labels
            return left if right is None and _plain(node.right) else None
        # + and -, and sum/min/max: every labelled operand must agree
        found, where = None, None
        for label, child in zip(labels, children):
            if label is None:
                continue
            if found is None:
                found, where = label, child
            elif not same(label, found):
                span = node.op_span if isinstance(node, ast.Binary) else child.span
                self.clashes.append(Clash(span, found, label, where.span, child.span))
                return None
        return found

    def _product(self, node, out) -> str | None:
        """A whole product: each per-unit cancels a count it is per; a count left beside an amount
        per another count is a clash. Unknown (None) when a factor may convert counts."""
        counts, pers = [], []  # (word, factor index, factor)
        cancelled = False
        factors = [f for f in _chain(node, factors=True) if not _plain(f)]
        for i, factor in enumerate(factors):
            label = out[id(factor)]
            if label is None or label == "%":
                return None
            count, per = split(label)
            if count:
                counts.append((count, i, factor))
            if per:
                pers.append((per, i, factor))
        for p in list(pers):
            match = next((c for c in counts if same(c[0], p[0]) and c[1] != p[1]), None)
            if match is not None:
                counts.remove(match)
                pers.remove(p)
                cancelled = True
        left = {i for _, i, _ in counts} | {i for _, i, _ in pers}
        if len(left) == 1:  # what is left is one factor's: 人 × 回/人 is 回, 2 × 円/人 is 円/人
            return _label(counts[0][0] if counts else None, False, pers[0][0] if pers else None)
        if counts and pers:
            (count, _, cf), (per, _, pf) = min(counts, key=lambda c: c[2].span.start), min(pers, key=lambda p: p[2].span.start)
            first, second = sorted([(count, cf), ("/" + per, pf)], key=lambda x: x[1].span.start)
            self.clashes.append(Clash(node.op_span, first[0], second[0], first[1].span, second[1].span, "product"))
        if cancelled and not counts and not pers:
            return ""  # every count cancelled: a total with no count (`members * arpu` is 円)
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


def _is_product(node) -> bool:
    return isinstance(node, ast.Binary) and node.op == "*"


def _chain(node, factors: bool):
    """The factors of a product however it is grouped (`(a * b) * c` is a, b, c); with
    factors=False, the products inside it instead."""
    stack = [node.left, node.right]
    while stack:
        part = stack.pop()
        inner = part
        while isinstance(inner, ast.Group):
            inner = inner.inner
        if _is_product(inner):
            if not factors:
                yield part
                if inner is not part:
                    yield inner
            stack.extend((inner.left, inner.right))
        elif factors:
            yield part


def keys(word: str) -> frozenset[str]:
    """The forms a count word may stand for: `visitors` is `visitor`, `companies` is `company`,
    `cookies` is `cookie`, `名` is `人`. Two words are one count when their forms meet."""
    word = _SYNONYMS.get(word, word)
    if not (word.isascii() and word.isalpha()):
        return frozenset((word,))
    word = word.lower()
    word = _SYNONYMS.get(word, word)
    forms = {word}
    if word.endswith("s") and not word.endswith("ss") and len(word) > 2:
        forms.add(word[:-1])  # visitors, cookies
        if word.endswith("ies") and len(word) > 4:
            forms.add(word[:-3] + "y")  # companies
    return frozenset(forms)


_SYNONYMS = {"名": "人", "people": "person", "persons": "person"}


def _one(a: str, b: str) -> bool:
    return a == b or not keys(a).isdisjoint(keys(b))


def same(a: str, b: str) -> bool:
    """Two labels for the same thing (`visitors` and `visitor`; `/人` and `/名`)."""
    if a == b:
        return True
    (ac, ap), (bc, bp) = split(a), split(b)
    if (ac is None) != (bc is None) or (ap is None) != (bp is None):
        return False
    return (ac is None or _one(ac, bc)) and (ap is None or _one(ap, bp))


def _plain(node) -> bool:
    """A number with no unit, no % and nothing it is per (a multiplier)."""
    while isinstance(node, ast.Group):
        node = node.inner
    return isinstance(node, ast.Quantity) and node.plain
