"""Proofs over every value the inputs' targets accept.

`prove(f, op, target, box, ref)` decides whether `f op target` holds at every point of the box
(each input anywhere in the range its own target accepts). The answer is one of:

- proven: it holds everywhere;
- refuted: here is a witness, a point of the box where it fails, checked by evaluating f
  exactly at that point;
- unknown: neither could be shown within the budget, with the reason.

How: the goal becomes `g ≥ 0` for a polynomial g (a quotient is multiplied through by its
denominator where the denominator's sign is known). Interval arithmetic over the box bounds g;
where that is not enough, every input on which g is monotone over the box (the sign of its
partial derivative, bounded with interval arithmetic) is pinned at its worst end, which leaves
the minimum unchanged; a `min` or `max` is replaced by its arguments where g is monotone in it;
what remains is split in halves, within a bounded number of boxes. An input whose worst end is
unbounded (a floor input that hurts the goal, a ceiling below zero) is pushed outwards until
the goal fails, which gives a witness.
"""

from __future__ import annotations

from fractions import Fraction

from ..interval import Interval
from ..records import field, record
from .poly import (
    Atoms,
    Budget,
    Poly,
    Rat,
    TooBig,
    add,
    collect,
    const,
    derivative,
    evaluate,
    interval,
    mul,
    power,
    r_add,
    r_evaluate,
    r_neg,
    scale,
    substitute,
)

MAX_BOXES = 64  # a budget (pragma: no mutate)
MAX_ROUNDS = 32  # a budget (pragma: no mutate)
PROOF_BUDGET = 100_000


@record
class Verdict:
    """What the prover found: proven, refuted (with a witness) or unknown (with why)."""

    status: str  # "proven", "refuted" or "unknown"
    witness: dict[str, Fraction] | None = None
    reason: str | None = None  # why unknown: "budget", "divisor", "size"
    unbounded: bool = False  # the goal can be pushed past any bound

    @property
    def proven(self) -> bool:
        return self.status == "proven"


PROVEN = Verdict("proven")


def _unknown(reason: str) -> Verdict:
    return Verdict("unknown", reason=reason)


def in_box(x: Fraction, rng: Interval) -> bool:
    return rng.lo <= x <= rng.hi


def clip(x: Fraction, rng: Interval) -> Fraction:
    if x < rng.lo:
        return rng.lo
    if x > rng.hi:
        return rng.hi
    return x


def prove(f: Rat, op: str, target: Fraction, box: dict, ref: dict, atoms: Atoms,
          budget: int = PROOF_BUDGET) -> Verdict:
    """Whether `f op target` (op one of >=, >, <=, <) holds over the whole box."""
    spend = Budget(budget)
    if f.is_poly:  # the common case: interval arithmetic alone proves it, before anything is built
        rng = interval(f.num, box, atoms)
        if {">=": rng.lo >= target, ">": rng.lo > target, "<=": rng.hi <= target, "<": rng.hi < target}[op]:
            return PROVEN
    try:
        g = r_add(f, Rat.of(const(target)), spend, -1)
        if op in ("<=", "<"):
            g = r_neg(g)
        strict = op in (">", "<")
        den = interval(g.den, box, atoms)
        if den.lo >= 0:
            num = g.num
        elif den.hi <= 0:
            num = scale(g.num, Fraction(-1))
        else:
            return _check(_Prover(atoms, spend, ref).around(f, op, target, box), f, op, target, box, atoms, "divisor")
        verdict = _Prover(atoms, spend, ref).nonneg(num, box, strict, {})
    except TooBig:
        verdict = _unknown("budget")
    return _check(verdict, f, op, target, box, atoms, verdict.reason)


def holds(value: Fraction, op: str, target: Fraction) -> bool:
    return {">=": value >= target, ">": value > target, "<=": value <= target, "<": value < target}[op]


def _check(verdict: Verdict, f: Rat, op, target, box, atoms, reason) -> Verdict:
    """A witness is shown only after f is evaluated exactly at it and fails."""
    if verdict.status != "refuted":
        return verdict
    w = verdict.witness
    try:
        ok = all(in_box(w[v], rng) for v, rng in box.items()) and not holds(r_evaluate(f, w, atoms), op, target)
    except (ZeroDivisionError, KeyError):
        ok = False
    return verdict if ok else _unknown(reason or "divisor")


@record
class _Prover:
    """One proof: the atoms, the budget it spends and the reference point."""

    atoms: Atoms
    budget: Budget
    ref: dict
    boxes: int = field(default=0)

    def point_in(self, box: dict, point: dict) -> dict:
        """A full point of the box: pinned values, else the reference (targets) clipped into the box."""
        out = {}
        for v, rng in box.items():
            if v in point:
                out[v] = point[v]
            else:
                x = self.ref.get(v, rng.lo if not isinstance(rng.lo, float) else rng.hi)
                if isinstance(x, float):
                    x = Fraction(0)
                out[v] = clip(x, rng)
        return out

    def negative(self, g: Poly, point: dict, strict: bool) -> bool:
        value = evaluate(g, point, self.atoms)
        return value <= 0 if strict else value < 0

    def refuted(self, point: dict, unbounded: bool = False) -> Verdict:
        return Verdict("refuted", witness=dict(point), unbounded=unbounded)

    def around(self, f: Rat, op, target, box) -> Verdict:
        """A divisor that may change sign: only a witness can be given, searched for by moving one
        input at a time from the reference point to its ends and far out."""
        base = self.point_in(box, {})
        for name, x in [(None, None)] + [(k, x) for k in sorted(box) for x in _probes(base[k], box[k])]:
            p = base if name is None else {**base, name: x}
            self.budget.spend(2 * (_weight(f.num) + _weight(f.den)) + 1)  # the work charged is tuning (pragma: no mutate)
            try:
                if not holds(r_evaluate(f, p, self.atoms), op, target):
                    return self.refuted(p)
            except ZeroDivisionError:
                continue
        return _unknown("divisor")

    def nonneg(self, g: Poly, box: dict, strict: bool, point: dict) -> Verdict:
        """Whether g ≥ 0 (g > 0 when strict) over the box; `point` holds the inputs pinned so far."""
        self.boxes += 1  # pragma: no mutate (counting boxes against MAX_BOXES, a budget)
        if self.boxes > MAX_BOXES:  # pragma: no mutate
            raise TooBig()
        self.budget.spend(4 * _weight(g) + 1)  # a range and a point over every factor of every term; pragma: no mutate
        if not g:
            return self.refuted(self.point_in(box, point)) if strict else PROVEN
        rng = interval(g, box, self.atoms)
        if rng.lo > 0 or (rng.lo >= 0 and not strict):
            return PROVEN
        here = self.point_in(box, point)
        if self.negative(g, here, strict):
            return self.refuted(here)
        verdict = self._atoms(g, box, strict, point)
        if verdict is not None:
            return verdict
        g, box, point, runaway = self._pin(g, box, point)
        free = {v for m in g for v, _ in m}
        if not free:
            full = self.point_in(box, point)
            c = g.get((), Fraction(0))
            return PROVEN if (c > 0 or (c >= 0 and not strict)) else self.refuted(full)
        rng = interval(g, box, self.atoms)
        if rng.lo > 0 or (rng.lo >= 0 and not strict):
            return PROVEN
        for v, direction in runaway:
            w = self._escape(g, box, point, v, direction, strict)
            if w is not None:
                return self.refuted(w, unbounded=True)
        here = self.point_in(box, point)
        if self.negative(g, here, strict):
            return self.refuted(here)
        return self._split(g, box, strict, point, free)

    # ------------------------------------------------------------ min and max

    def _atoms(self, g: Poly, box: dict, strict: bool, point: dict) -> Verdict | None:
        names = sorted({v for m in g for v, _ in m if v.startswith("#")})
        for name in names:
            self.budget.spend(4 * _weight(g))  # the work charged is tuning (pragma: no mutate)
            slope = interval(derivative(g, name), box, self.atoms)
            rising, falling = slope.lo >= 0, slope.hi <= 0
            if not (rising or falling):
                continue
            function, args = self.atoms.table[name]
            parts = [self._replace(g, name, a, box) for a in args]
            if any(p is None for p in parts):
                continue
            if (function == "min") == rising:
                # g(min(a, b)) = min(g(a), g(b)) here: each must be non-negative.
                for part in parts:
                    verdict = self.nonneg(part, box, strict, point)
                    if not verdict.proven:
                        return verdict
                return PROVEN
            # g(max(a, b)) = max(g(a), g(b)): one non-negative part is enough; a witness must fail all.
            verdicts = [self.nonneg(part, box, strict, point) for part in parts]
            if any(v.proven for v in verdicts):
                return PROVEN
            for v in verdicts:
                if v.witness is not None and all(self.negative(p, v.witness, strict) for p in parts):
                    return v
            return None
        return None

    def _replace(self, g: Poly, name: str, arg: Rat, box: dict) -> Poly | None:
        """g with the atom replaced by arg = P/Q, multiplied by Q^d (d: g's degree in the atom)
        and by its sign, so that its sign is g's; None when Q's sign is unknown."""
        by_power = collect(g, name)
        d = max(by_power)
        sign = 1
        if not arg.is_poly:
            q = interval(arg.den, box, self.atoms)
            if q.lo > 0:
                sign = 1
            elif q.hi < 0:
                sign = -1 if d % 2 else 1
            else:
                return None
        out: Poly = {}
        for k, coeff in by_power.items():
            term = mul(coeff, mul(power(arg.num, k, self.budget), power(arg.den, d - k, self.budget), self.budget),
                       self.budget)
            out = add(out, term, self.budget)
        return scale(out, Fraction(sign))

    # ------------------------------------------------------------ monotone inputs

    def _pin(self, g: Poly, box: dict, point: dict):
        """Pin every input on which g is monotone at the end where g is least, until none is left."""
        box, point = dict(box), dict(point)
        runaway: list[tuple[str, int]] = []
        for _ in range(MAX_ROUNDS):
            frozen: set[str] = set()
            for name in {v for m in g for v, _ in m if v.startswith("#")}:
                frozen |= self.atoms.inputs(name)
            by_var: dict[str, dict] = {}
            for m, c in g.items():
                for i, (v, e) in enumerate(m):
                    if v.startswith("#") or v in frozen:
                        continue
                    rest = m[:i] + (((v, e - 1),) if e > 1 else ()) + m[i + 1:]
                    d = by_var.setdefault(v, {})
                    d[rest] = d.get(rest, 0) + c * e
            self.budget.spend(4 * _weight(g) + len(by_var))  # the work charged is tuning (pragma: no mutate)
            pins = {}
            runaway = []
            for v, slope_poly in by_var.items():
                self.budget.spend(4 * _weight(slope_poly))  # a range over each term, the work it is; pragma: no mutate
                slope = interval({m: c for m, c in slope_poly.items() if c}, box, self.atoms)
                rng = box[v]
                if slope.lo >= 0 and slope.hi <= 0:
                    end = rng.lo if not isinstance(rng.lo, float) else rng.hi
                elif slope.lo >= 0:
                    end = rng.lo
                elif slope.hi <= 0:
                    end = rng.hi
                else:
                    continue
                if isinstance(end, float):
                    runaway.append((v, 1 if end > 0 else -1))
                    continue
                pins[v] = end
            if not pins:
                break
            g = substitute(g, pins, self.budget)
            for v, x in pins.items():
                box[v] = Interval.point(x)
                point[v] = x
        return g, box, point, runaway

    def _escape(self, g: Poly, box: dict, point: dict, v: str, direction: int, strict: bool) -> dict | None:
        """A point where g < 0 found by pushing v outwards (g falls that way and v is unbounded)."""
        full = self.point_in(box, point)
        others = {k: x for k, x in full.items() if k != v}
        line = substitute(g, others, self.budget)
        if all(k == 0 for k in collect(line, v)):
            return None  # g does not depend on v here
        start = full[v]
        step = max(abs(start), Fraction(1))
        for _ in range(400):  # doublings before giving up: a budget; pragma: no mutate
            x = start + direction * step
            self.budget.spend(len(line) + 1)  # the work charged is tuning (pragma: no mutate)
            value = evaluate(line, {**full, v: x}, self.atoms)  # the atoms left in `line` read the others
            if value < 0 or (strict and value <= 0):
                return {**full, v: x}
            step *= 2
        return None

    # ------------------------------------------------------------ splitting

    def _split(self, g: Poly, box: dict, strict: bool, point: dict, free: set[str]) -> Verdict:
        name = max(sorted(free - {v for v in free if v.startswith("#")} or free),
                   key=lambda v: _width(box.get(v)))
        if name.startswith("#") or name not in box:
            raise TooBig()
        lo, hi = box[name].lo, box[name].hi
        if isinstance(lo, float) and isinstance(hi, float):
            cut = Fraction(0)
        elif isinstance(hi, float):
            cut = lo + max(abs(lo), Fraction(1))
        elif isinstance(lo, float):
            cut = hi - max(abs(hi), Fraction(1))
        else:
            cut = (lo + hi) / 2
        parts = [{**box, name: Interval(lo, cut)}, {**box, name: Interval(cut, hi)}]
        for part in parts:
            # A witness in either half before searching deeper into one: depth first, a half whose
            # reference point meets the goal exactly (g = 0 at an end) could take every box left.
            self.budget.spend(_weight(g) + 1)  # the work charged is tuning (pragma: no mutate)
            here = self.point_in(part, point)
            if self.negative(g, here, strict):
                return self.refuted(here)
        verdicts = []
        for part in parts:
            verdict = self.nonneg(g, part, strict, point)
            if verdict.status == "refuted":
                return verdict
            verdicts.append(verdict)
        return PROVEN if all(v.proven for v in verdicts) else _unknown("budget")


def _probes(x: Fraction, rng: Interval) -> list[Fraction]:
    """Values of one input to try for a witness: its finite ends, and far out where it is unbounded."""
    out = [e for e in (rng.lo, rng.hi) if not isinstance(e, float) and e != x]
    step = abs(x) + 1
    for k in (1, 3, 6):
        if isinstance(rng.hi, float):
            out.append(x + step * 10**k)
        if isinstance(rng.lo, float):
            out.append(x - step * 10**k)
    return out


def _weight(g: Poly) -> int:
    """The work of one pass over a polynomial: its terms and their factors."""
    return len(g) + sum(len(m) for m in g)  # the work charged is tuning (pragma: no mutate)


def _width(rng: Interval | None):
    if rng is None:
        return -1
    return rng.hi - rng.lo
