"""Evaluate formulas over exact numbers with units: at the targets, and over every value the
targets accept (interval arithmetic), so that a plan's arithmetic can be proved or refuted."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from .diagnostics import Span
from .dimension import DIMENSIONLESS, PER_TIME, TIME, YEARS, Dim, currency
from .interval import INF, DivisionByZero, Interval
from .ir import Value
from .records import record
from .syntax import ast

from .syntax.ast import MAX_EXPONENT  # numbers beyond it were reported by the resolver (KPI016)

# A computed result is refused (KPI308) beyond about 10^±10,000 or with as many digits:
# exact arithmetic on larger numbers takes unbounded time (a product of 999 × 1e1000).
MAX_RESULT_DIGITS = 10 * MAX_EXPONENT
_MAX_BITS = int(MAX_RESULT_DIGITS * 3.33)


@record(frozen=True, slots=True)
class Val:
    """An evaluated amount: the range its inputs' targets allow, its value at the targets, its dimension."""

    rng: Interval
    pt: Fraction
    dim: Dim


class EvalError(Exception):
    """Why a formula could not be evaluated; `kind` picks the check that reports it."""

    def __init__(self, kind: str, span: Span, **info):
        super().__init__(kind)
        self.kind = kind  # "units", "zero", "range", "overflow", "unknown"
        self.span = span
        self.info = info


def to_fraction(d: Decimal, span: Span) -> Fraction:
    if d.is_finite() and d != 0 and abs(d.adjusted()) > MAX_EXPONENT:
        raise EvalError("range", span, value=d)
    return Fraction(d)


def base(v: Value) -> tuple[Fraction, Dim]:
    """A written value in base units (currencies as is, time in years) with its dimension."""
    cached = v.base_cache
    if cached is None:
        cached = _base(v)
        object.__setattr__(v, "base_cache", cached)  # a cache, not a field anyone compares or shows
    return cached


def _base(v: Value) -> tuple[Fraction, Dim]:
    x = to_fraction(v.value, v.span)
    kind = v.unit.kind
    if kind == "currency":
        dim = currency(v.unit.code)
    elif kind == "time":
        dim = TIME
        x *= YEARS[v.unit.code]
    else:
        dim = DIMENSIONLESS
    if v.unit.per_kind == "currency":  # 150円 per USD: an exchange rate, JPY / USD
        dim = dim / currency(v.unit.per)
    if v.per is not None:
        dim = dim * PER_TIME
        x /= YEARS[v.per]
    return x, dim


def comparable(t: Value, b: Value) -> tuple[Fraction, Fraction, Dim] | None:
    """Two written values (a target and its baseline) in base units with their one dimension, or
    None when they measure different things: a percentage and an amount, different count words or
    currencies, amounts per different things (`円/人` and `円/件`), or different dimensions."""
    if t.percent != b.percent or t.unit.kind != b.unit.kind or t.unit.per != b.unit.per:
        return None
    if t.unit.kind in ("count", "currency") and t.unit.code != b.unit.code:
        return None
    try:
        tx, tdim = base(t)
        bx, bdim = base(b)
    except EvalError:
        return None
    return (tx, bx, tdim) if tdim == bdim else None


def from_base(x: Fraction, dim: Dim, per: str | None, time_unit: str | None = None) -> Fraction:
    """Base units back to a display period: per year -> per month multiplies by 1/12."""
    if dim.time < 0 and per:
        x *= YEARS[per] ** (-dim.time)
    if dim.time > 0 and time_unit:
        x /= YEARS[time_unit] ** dim.time
    return x


def in_written_units(x: Fraction, dim: Dim, value: Value, per: str | None = None) -> Fraction:
    """A base-unit amount in the units a value was written in (its period, or `per`; its time unit)."""
    time_unit = value.unit.code if value.unit.kind == "time" else None
    return from_base(x, dim, per or value.per, time_unit)


def accepted(v: Value, comparator: str) -> Val:
    """Every value a target accepts: [t, ∞) for `>=`; for `<=`, [0, t] (quantities are non-negative),
    or (-∞, t] for a ceiling below zero (a loss or a fall, which can always be worse)."""
    x, dim = base(v)
    if comparator == "<=":
        return Val(Interval(-INF if x < 0 else Fraction(0), x), x, dim)
    return Val(Interval(x, INF), x, dim)


def exact(v: Value) -> Val:
    x, dim = base(v)
    return Val(Interval.point(x), x, dim)


def _too_big(x) -> bool:
    return isinstance(x, Fraction) and max(x.numerator.bit_length(), x.denominator.bit_length()) > _MAX_BITS


def _bounded(v: Val, span: Span) -> Val:
    if _too_big(v.pt) or (v.rng is not None and (_too_big(v.rng.lo) or _too_big(v.rng.hi))):
        raise EvalError("overflow", span)
    return v


class Evaluator:
    """Evaluates expressions against an environment of ids -> Val: at the targets, and with
    `ranges`, over every value they accept (interval arithmetic); without, `rng` is None."""

    def __init__(self, env: dict, literal, ranges: bool):
        self.env = env
        self.literal = literal  # ast.Quantity -> Value
        self.ranges = ranges

    def eval(self, node) -> Val:
        if isinstance(node, ast.Quantity):
            return exact(self.literal(node))
        if isinstance(node, ast.Ref):
            val = self.env.get(node.name.text)
            if val is None:
                raise EvalError("unknown", node.span, id=node.name.text)
            return val
        if isinstance(node, ast.Group):
            return self.eval(node.inner)
        if isinstance(node, ast.Negate):
            v = self.eval(node.operand)
            return Val(-v.rng if self.ranges else None, -v.pt, v.dim)
        if isinstance(node, ast.Binary):
            return _bounded(self._binary(node), node.span)
        if isinstance(node, ast.Call):
            return _bounded(self._call(node), node.span)
        raise TypeError(type(node).__name__)  # pragma: no cover

    def _binary(self, node: ast.Binary) -> Val:
        a = self.eval(node.left)
        b = self.eval(node.right)
        if node.op in "+-":
            self._same(a, b, node, node.op_span)
            if node.op == "+":
                return Val(a.rng + b.rng if self.ranges else None, a.pt + b.pt, a.dim)
            return Val(a.rng - b.rng if self.ranges else None, a.pt - b.pt, a.dim)
        if node.op == "*":
            return Val(a.rng * b.rng if self.ranges else None, a.pt * b.pt, a.dim * b.dim)
        if b.pt == 0:
            raise EvalError("zero", node.right.span, at="targets")
        if not self.ranges:
            return Val(None, a.pt / b.pt, a.dim / b.dim)
        try:
            rng = a.rng / b.rng
        except DivisionByZero:
            raise EvalError("zero", node.right.span, at="range") from None
        return Val(rng, a.pt / b.pt, a.dim / b.dim)

    def _call(self, node: ast.Call) -> Val:
        args = [self.eval(a) for a in node.args]
        if not args:
            raise EvalError("arity", node.span)
        first = args[0]
        for other, arg_node in zip(args[1:], node.args[1:]):
            self._same(first, other, node, arg_node.span)
        name = node.function.text
        rng, pt = first.rng, first.pt
        for other in args[1:]:
            if name == "sum":
                rng, pt = rng + other.rng if self.ranges else None, pt + other.pt
            elif name == "min":
                rng, pt = rng.minimum(other.rng) if self.ranges else None, min(pt, other.pt)
            else:
                rng, pt = rng.maximum(other.rng) if self.ranges else None, max(pt, other.pt)
        return Val(rng, pt, first.dim)

    @staticmethod
    def _same(a: Val, b: Val, node, span: Span) -> None:
        if a.dim != b.dim:
            left = node.left if isinstance(node, ast.Binary) else node.args[0]
            right = node.right if isinstance(node, ast.Binary) else None
            raise EvalError("units", span, left=a.dim, right=b.dim, left_span=left.span,
                            right_span=right.span if right is not None else span,
                            left_expr=left, right_expr=right)
