"""Closed intervals of exact numbers, possibly unbounded, for proving targets are met."""

from __future__ import annotations

import math
from fractions import Fraction

from .records import record

INF = math.inf
Num = Fraction | float  # float only for ±inf


class DivisionByZero(ArithmeticError):
    pass


# Mixing a Fraction with a float converts the Fraction to float, which overflows beyond
# 1.8e308: infinities are handled here, so Fractions only ever meet Fractions.


def _inf(a: Num) -> bool:
    return isinstance(a, float)


def _add(a: Num, b: Num) -> Num:
    if _inf(a) or _inf(b):
        return (a if _inf(a) else 0.0) + (b if _inf(b) else 0.0)
    return a + b


def _mul(a: Num, b: Num) -> Num:
    if a == 0 or b == 0:
        return Fraction(0)
    if _inf(a) or _inf(b):
        return _signed_inf(a, b)
    return a * b


def _div(a: Num, b: Num) -> Num:
    if _inf(b):
        return Fraction(0) if not _inf(a) else _signed_inf(a, b)
    if _inf(a):
        return _signed_inf(a, b)
    return a / b


def _signed_inf(a: Num, b: Num) -> Num:
    """±inf with the sign of a × b (or a ÷ b); neither is ever 0 here."""
    return INF if (a > 0) == (b > 0) else -INF


@record(frozen=True, slots=True)
class Interval:
    """The closed range [lo, hi]; an end may be infinite (a float)."""

    lo: Num
    hi: Num

    @staticmethod
    def point(x: Fraction) -> "Interval":
        return Interval(x, x)

    @property
    def is_point(self) -> bool:
        return self.lo == self.hi

    def __add__(self, o: "Interval") -> "Interval":
        return Interval(_add(self.lo, o.lo), _add(self.hi, o.hi))

    def __sub__(self, o: "Interval") -> "Interval":
        return Interval(_add(self.lo, -o.hi), _add(self.hi, -o.lo))

    def __neg__(self) -> "Interval":
        return Interval(-self.hi, -self.lo)

    def __mul__(self, o: "Interval") -> "Interval":
        products = [_mul(a, b) for a in (self.lo, self.hi) for b in (o.lo, o.hi)]
        return Interval(min(products), max(products))

    def __truediv__(self, o: "Interval") -> "Interval":
        if o.lo <= 0 <= o.hi:
            if o.lo == 0 and o.hi == 0:
                raise DivisionByZero()
            if o.lo == 0:
                # divisor in (0, hi]: the quotient can grow without bound
                q = [_div(a, o.hi) for a in (self.lo, self.hi)]
                lo, hi = min(q), max(q)
                return Interval(-INF if self.lo < 0 else lo, INF if self.hi > 0 else hi)
            return Interval(-INF, INF)
        quotients = [_div(a, b) for a in (self.lo, self.hi) for b in (o.lo, o.hi)]
        return Interval(min(quotients), max(quotients))

    def scale(self, k: Fraction) -> "Interval":
        return self * Interval.point(k)

    def minimum(self, o: "Interval") -> "Interval":
        return Interval(min(self.lo, o.lo), min(self.hi, o.hi))

    def maximum(self, o: "Interval") -> "Interval":
        return Interval(max(self.lo, o.lo), max(self.hi, o.hi))
