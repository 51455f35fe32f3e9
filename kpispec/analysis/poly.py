"""Exact polynomials and rational functions over a plan's inputs.

A formula is expanded into a quotient of two polynomials in its inputs, with exact Fraction
coefficients, so that an input used more than once is one variable and not independent
copies: `orders * aov - orders * unit_cost` stays linear in each of its three inputs, and
`sessions * (orders / sessions)` cancels to `orders`. `min` and `max` of non-constant
arguments become atoms (named `#1`, `#2`, …, which no id can be) whose arguments are again
rational functions.

Expansion can grow without bound (a product of two sums of 1,000 terms has a million):
every operation spends from a Budget, and an expansion that exhausts it raises TooBig.
"""

from __future__ import annotations

from fractions import Fraction

from ..interval import INF, Interval
from ..records import record

Mono = tuple[tuple[str, int], ...]  # sorted (variable, exponent ≥ 1) pairs; () is the constant 1
Poly = dict  # Mono -> nonzero Fraction; treated as immutable once built

MAX_TERMS = 20_000
MAX_DEGREE = 16  # of one input in one term: no KPI formula needs more (a budget: pragma: no mutate)


class TooBig(Exception):
    """An expansion or a proof ran out of its budget."""


class Budget:
    def __init__(self, limit: int):
        self.left = limit

    def spend(self, n: int) -> None:
        self.left -= n
        if self.left < 0:
            raise TooBig()


ONE: Poly = {(): Fraction(1)}  # shared: polynomials are never changed once built


def const(c: Fraction) -> Poly:
    if c == 1:
        return ONE
    return {(): Fraction(c)} if c else {}


def var(name: str) -> Poly:
    return {((name, 1),): Fraction(1)}


def mono_mul(a: Mono, b: Mono) -> Mono:
    if not a:
        return b
    if not b:
        return a
    out: list = []
    for v, e in sorted(a + b):
        if out and out[-1][0] == v:
            out[-1] = (v, out[-1][1] + e)
            if out[-1][1] > MAX_DEGREE:
                raise TooBig()  # (x - c)^150: numbers of thousands of digits at every step of a proof
        else:
            out.append((v, e))
    return tuple(out)


def _put(out: dict, m: Mono, c: Fraction) -> None:
    """Add c to the term m of out, dropping the term when it cancels."""
    v = out.get(m, 0) + c
    if v:
        out[m] = v
    else:
        out.pop(m, None)


def add(p: Poly, q: Poly, budget: Budget, sign: int = 1) -> Poly:
    if len(q) > len(p) and sign == 1:
        p, q = q, p
    budget.spend(len(q) + 1)
    out = dict(p)
    for m, c in q.items():
        _put(out, m, sign * c)
    if len(out) > MAX_TERMS:
        raise TooBig()
    return out


def mul(p: Poly, q: Poly, budget: Budget) -> Poly:
    budget.spend(len(p) * len(q) + 1)
    if len(p) == 1 and () in p:
        return scale(q, p[()])
    if len(q) == 1 and () in q:
        return scale(p, q[()])
    out: dict = {}
    for m1, c1 in p.items():
        for m2, c2 in q.items():
            _put(out, mono_mul(m1, m2), c1 * c2)
    if len(out) > MAX_TERMS:
        raise TooBig()
    return out


def scale(p: Poly, k: Fraction) -> Poly:
    if not k:
        return {}
    return {m: c * k for m, c in p.items()}


def power(p: Poly, n: int, budget: Budget) -> Poly:
    out = const(Fraction(1))
    for _ in range(n):
        out = mul(out, p, budget)
    return out


def variables(p: Poly) -> set[str]:
    return {v for m in p for v, _ in m}


def derivative(p: Poly, name: str) -> Poly:
    out: dict = {}
    for m, c in p.items():
        for i, (v, e) in enumerate(m):
            if v == name:
                rest = m[:i] + (((v, e - 1),) if e > 1 else ()) + m[i + 1:]
                out[rest] = out.get(rest, 0) + c * e
                break
    return {m: c for m, c in out.items() if c}


def derivatives(p: Poly) -> dict[str, Poly]:
    """Every variable's partial derivative of p, in one pass over its terms."""
    out: dict[str, dict] = {}
    for m, c in p.items():
        for i, (v, e) in enumerate(m):
            rest = m[:i] + (((v, e - 1),) if e > 1 else ()) + m[i + 1:]
            d = out.setdefault(v, {})
            d[rest] = d.get(rest, 0) + c * e
    return {v: {m: c for m, c in d.items() if c} for v, d in out.items()}


def substitute(p: Poly, values: dict, budget: Budget) -> Poly:
    """Partial evaluation: each variable in `values` replaced by its exact value."""
    budget.spend(len(p) + 1)
    out: dict = {}
    for m, c in p.items():
        rest = []
        for v, e in m:
            x = values.get(v)
            if x is None:
                rest.append((v, e))
            else:
                c = c * x**e
                if not c:
                    break
        if c:
            _put(out, tuple(rest), c)
    return out


def collect(p: Poly, name: str) -> dict[int, Poly]:
    """p as a polynomial in one variable: exponent -> coefficient polynomial in the others."""
    out: dict[int, dict] = {}
    for m, c in p.items():
        k = 0
        rest = m
        for i, (v, e) in enumerate(m):
            if v == name:
                k, rest = e, m[:i] + m[i + 1:]
                break
        out.setdefault(k, {})[rest] = c
    return out


# ------------------------------------------------------------------ intervals


def ipow(x: Interval, n: int) -> Interval:
    if n == 1:
        return x
    lo, hi = x.lo, x.hi
    if n % 2 == 0 and lo < 0 < hi:
        return Interval(Fraction(0), max(_p(lo, n), _p(hi, n)))
    a, b = _p(lo, n), _p(hi, n)
    return Interval(min(a, b), max(a, b))


def _p(x, n):
    if isinstance(x, float):
        return INF if (x > 0 or n % 2 == 0) else -INF
    return x**n


def interval(p: Poly, box: dict, atoms: Atoms | None = None, memo: dict | None = None) -> Interval:
    """A range that holds every value p takes over the box (variables and atoms by name; each atom's
    range computed once per call, in `memo`, however deeply min and max nest)."""
    if memo is None:
        memo = {}
    lo_sum, hi_sum = Fraction(0), Fraction(0)
    lo_down = hi_up = False  # the sum's low end is -∞, its high end +∞
    for m, c in p.items():
        # A term whose inputs are all non-negative (the common case) is bounded by its ends' products.
        plo, phi, unbounded, general = Fraction(1), Fraction(1), False, False
        ranges = []
        for v, e in m:
            x = box.get(v)
            if x is None:
                x = memo.get(v)
                if x is None:
                    x = memo[v] = atoms.interval(v, box, memo)
            ranges.append((x, e))
            if x.lo < 0:
                general = True
            elif not general:
                plo = plo * x.lo if e == 1 else plo * x.lo**e
                if isinstance(x.hi, float):
                    unbounded = True
                else:
                    phi = phi * x.hi if e == 1 else phi * x.hi**e
        if general:
            term = Interval.point(c)
            for x, e in ranges:
                term = term * ipow(x, e)
            tlo, thi = term.lo, term.hi
        else:
            top = INF if unbounded and phi != 0 else phi
            tlo, thi = (c * plo, c * top if top != INF else INF) if c > 0 else (-INF if top == INF else c * top, c * plo)
        if isinstance(tlo, float):
            lo_down = True
        else:
            lo_sum += tlo
        if isinstance(thi, float):
            hi_up = True
        else:
            hi_sum += thi
    return Interval(-INF if lo_down else lo_sum, INF if hi_up else hi_sum)


def evaluate(p: Poly, point: dict, atoms: Atoms | None = None, memo: dict | None = None) -> Fraction:
    total = Fraction(0)
    for m, c in p.items():
        for v, e in m:
            x = point.get(v)
            if x is None:
                memo = {} if memo is None else memo
                x = memo.get(v)
                if x is None:
                    x = memo[v] = atoms.value(v, point, memo)
            c = c * x if e == 1 else c * x**e
        total += c
    return total


# ------------------------------------------------------------------ rational functions


@record(frozen=True, slots=True)
class Rat:
    """num / den, with den normalised (no monomial factor in common with num, leading coefficient 1)."""

    num: Poly
    den: Poly

    @staticmethod
    def of(p: Poly) -> Rat:
        return Rat(p, const(Fraction(1)))

    @property
    def is_poly(self) -> bool:
        return len(self.den) == 1 and () in self.den

    def constant(self) -> Fraction | None:
        if not self.num:
            return Fraction(0)
        if self.is_poly and len(self.num) == 1 and () in self.num:
            return self.num[()]
        return None

    def variables(self) -> set[str]:
        return variables(self.num) | variables(self.den)


def normal(num: Poly, den: Poly) -> Rat:
    if not num:
        return Rat({}, ONE)
    if not den:
        raise ZeroDivisionError()
    common = None
    for m in list(den) + list(num):
        exps = dict(m)
        if common is None:
            common = exps
        else:
            common = {v: min(e, exps[v]) for v, e in common.items() if v in exps}
        if not common:
            break
    if common:
        num = {_divide(m, common): c for m, c in num.items()}
        den = {_divide(m, common): c for m, c in den.items()}
    lead = den[max(den)]
    if lead != 1:
        num, den = scale(num, 1 / lead), scale(den, 1 / lead)
    if num == den:
        return Rat(ONE, ONE)
    if den == ONE:
        den = ONE
    return Rat(num, den)


def _divide(m: Mono, common: dict) -> Mono:
    return tuple((v, e - common.get(v, 0)) for v, e in m if e - common.get(v, 0))


def r_add(a: Rat, b: Rat, budget: Budget, sign: int = 1) -> Rat:
    if a.den == b.den:
        return normal(add(a.num, b.num, budget, sign), a.den)
    num = add(mul(a.num, b.den, budget), mul(b.num, a.den, budget), budget, sign)
    return normal(num, mul(a.den, b.den, budget))


def r_mul(a: Rat, b: Rat, budget: Budget) -> Rat:
    if a.num == b.den and b.num == a.den:
        return Rat.of(const(Fraction(1)))
    return normal(mul(a.num, b.num, budget), mul(a.den, b.den, budget))


def r_div(a: Rat, b: Rat, budget: Budget) -> Rat:
    if not b.num:
        raise ZeroDivisionError()
    return r_mul(a, Rat(b.den, b.num), budget)


def r_neg(a: Rat) -> Rat:
    return Rat(scale(a.num, Fraction(-1)), a.den)


def r_scale(a: Rat, k: Fraction) -> Rat:
    return Rat(scale(a.num, k), a.den) if k else Rat.of({})


def r_interval(r: Rat, box: dict, atoms: Atoms, memo: dict | None = None) -> Interval:
    memo = {} if memo is None else memo
    num = interval(r.num, box, atoms, memo)
    if r.is_poly:
        return num
    den = interval(r.den, box, atoms, memo)
    if den.lo == 0 and den.hi == 0:
        return Interval(-INF, INF)
    return num / den


def r_evaluate(r: Rat, point: dict, atoms: Atoms, memo: dict | None = None) -> Fraction:
    memo = {} if memo is None else memo
    return evaluate(r.num, point, atoms, memo) / evaluate(r.den, point, atoms, memo)


class Atoms:
    """The `min` and `max` calls of one plan's formulas: `#n` -> (function, argument rationals)."""

    def __init__(self):
        self.table: dict[str, tuple[str, tuple[Rat, ...]]] = {}

    def make(self, function: str, args: list[Rat]) -> Rat:
        name = f"#{len(self.table) + 1}"
        self.table[name] = (function, tuple(args))
        return Rat.of(var(name))

    def interval(self, name: str, box: dict, memo: dict | None = None) -> Interval:
        function, args = self.table[name]
        out = None
        for a in args:
            x = r_interval(a, box, self, memo)
            if out is None:
                out = x
            else:
                out = out.minimum(x) if function == "min" else out.maximum(x)
        return out

    def value(self, name: str, point: dict, memo: dict | None = None) -> Fraction:
        function, args = self.table[name]
        values = [r_evaluate(a, point, self, memo) for a in args]
        return min(values) if function == "min" else max(values)

    def inputs(self, name: str) -> set[str]:
        """Every variable an atom depends on, through nested atoms too."""
        out: set[str] = set()
        stack = [name]
        while stack:
            _, args = self.table[stack.pop()]
            for a in args:
                for v in a.variables():
                    if v.startswith("#"):
                        stack.append(v)
                    else:
                        out.add(v)
        return out


def r_sum(items: list[tuple[int, Rat]], budget: Budget) -> Rat:
    """A signed sum of many rationals in one pass (terms over one denominator are added in place),
    so that a sum of n KPIs costs n additions, not n²/2 copies."""
    groups: dict[tuple, list] = {}
    for sign, r in items:
        key = tuple(sorted(r.den.items()))
        group = groups.get(key)
        if group is None:
            group = groups[key] = [r.den, {}]
        acc = group[1]
        budget.spend(len(r.num) + 1)
        for m, c in r.num.items():
            _put(acc, m, sign * c)
        if len(acc) > MAX_TERMS:
            raise TooBig()
    out = None
    for den, acc in groups.values():
        part = normal(acc, den)
        out = part if out is None else r_add(out, part, budget)
    return out if out is not None else Rat.of({})


def r_affine(r: Rat, coeffs: dict, atoms: Atoms, budget: Budget, memo: dict | None = None) -> Rat:
    """r with each variable v in `coeffs` replaced by a·v + b, (a, b) = coeffs[v] (inside min and max
    too, which become new atoms). Raises ZeroDivisionError when the denominator becomes zero."""
    memo = {} if memo is None else memo
    num = _affine(r.num, coeffs, atoms, budget, memo)
    den = _affine(r.den, coeffs, atoms, budget, memo)
    if not den:
        raise ZeroDivisionError()
    return normal(num, den)


def _affine(p: Poly, coeffs: dict, atoms: Atoms, budget: Budget, memo: dict) -> Poly:
    out: dict = {}
    for m, c in p.items():
        rest: list = []
        term: Poly | None = None  # the expanded factors (a·v + b)^e with b != 0
        for v, e in m:
            if v.startswith("#"):
                if v not in memo:
                    function, args = atoms.table[v]
                    changed = [r_affine(x, coeffs, atoms, budget, memo) for x in args]
                    memo[v] = v if changed == list(args) else next(iter(atoms.make(function, changed).num))[0][0]
                rest.append((memo[v], e))
                continue
            ab = coeffs.get(v)
            if ab is None:
                rest.append((v, e))
                continue
            a, b = ab
            if b == 0:
                c = c * a**e
                rest.append((v, e))
            elif a == 0:
                c = c * b**e
            else:
                factor = power({((v, 1),): Fraction(a), (): Fraction(b)}, e, budget)
                term = factor if term is None else mul(term, factor, budget)
            if not c:
                break
        if not c:
            continue
        mono = {tuple(sorted(rest)): c}
        if term is not None:
            mono = mul(mono, term, budget)
        budget.spend(len(mono))
        for k, x in mono.items():
            _put(out, k, x)
    return out
