"""Planning backwards from a goal: the value of one input that exactly meets it, and which inputs move it most.

Both read a goal's exact form (`Arithmetic.outcomes[id].sym`, over the plan's inputs' targets; for
a goal compared month by month, its months with each input's milestones and ramp moving with its
target) and re-derive nothing: `solve` finds where that form crosses the goal's target with every
other input at its target, and asks the proof whether the value found, as the input's target,
guarantees the goal; `sensitivity` evaluates it with one input's target improved by a tenth.
"""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP
from fractions import Fraction

from .. import display
from ..evaluate import in_written_units
from ..records import record
from . import poly
from .kinds import is_share
from .poly import TooBig
from .prove import Verdict

STEPS = 200  # doublings outwards from the input's target looking for a value that meets the goal; pragma: no mutate
HALVINGS = 80  # bisections of a bracket, for a goal not linear in the input; pragma: no mutate
IMPROVEMENT = Fraction(1, 10)  # sensitivity: each input's target improved by 10%
MAX_EVALUATIONS = 2_000  # inputs of a goal with a min or max whose move is evaluated one by one; pragma: no mutate

# What a solve found
SOLVED = "solved"  # a value in the input's range meets the goal exactly
BEYOND = "beyond"  # the value lies outside what the input can be (a share over 100%, a count below 0)
ALWAYS = "always"  # every value the input can be meets the goal
NEVER = "never"  # no value of the input alone meets the goal
POINT = "point"  # only one value meets it: the goal's peak (or trough) just touches its target there
NO_EFFECT = "no-effect"  # the goal does not change with the input
UNKNOWN = "unknown"  # the goal's form is too large, or cannot be evaluated
PHASED = "phased"  # the goal is compared month by month and the input's months differ from its target:
# its exact form does not say what an edited target does (see Arithmetic.follows_target); the plan
# edited and analysed again does (planning.solve)


@record(frozen=True, slots=True)
class Solution:
    """The value of `input` at which `goal` exactly meets its target, every other input at its target."""

    goal: str
    input: str
    status: str  # SOLVED, BEYOND, ALWAYS, NEVER, NO_EFFECT or UNKNOWN
    value: Fraction | None = None  # the input's value, in base units (the proof's unit of that input)
    written: Fraction | None = None  # SOLVED: the value as a target is written (rounded towards meeting the goal), base units
    exact: bool = True  # found exactly (the goal is linear in the input), else to within 2^-80 of its bracket
    side: str | None = None  # ">=": the goal is met at this value and above it; "<=": at and below it
    bound: Fraction | None = None  # BEYOND: the limit it passes (0, or 100% for a share)
    verdict: Verdict | None = None  # the goal's proof with `written` as the input's target (SOLVED only)
    against: bool = False  # the goal needs the input on the other side of its comparator (`>=` but needs less)
    edited: bool = False  # found by analysing the plan with the target edited (a month-by-month goal, PHASED)


@record(frozen=True, slots=True)
class Lever:
    """A goal's change when one input's target improves by 10% in its better direction."""

    input: str
    before: Fraction  # the input's target (base units)
    after: Fraction  # improved by 10% of its size
    goal_before: Fraction
    goal_after: Fraction
    goal_worse: Fraction | None = None  # with `both`: the goal with the input's target 10% worse instead

    @property
    def change(self) -> Fraction:
        return self.goal_after - self.goal_before


def goals_of(arithmetic, input_id: str) -> list[str]:
    """The formula nodes with a target whose proof has `input_id` among its inputs, in the plan's order."""
    out = []
    for nid, outcome in arithmetic.outcomes.items():
        if outcome.target is None or outcome.value is None or not arithmetic.expanded(nid):
            continue
        if input_id in outcome.box:
            out.append(nid)
    return out


def limits(arithmetic, input_id: str) -> tuple[Fraction | None, Fraction | None]:
    """What an input can be at all: not below 0 for a count, a share or a ceiling whose target is not,
    and not above 100% for a share of a whole (in the units it is written in)."""
    node = arithmetic.plan.nodes[input_id]
    target = arithmetic.targets[input_id]
    value = node.target.value
    # A count or a share is never below 0, nor a ceiling the proof reads as [0, target]; an amount of
    # money, a growth rate or a score may be (a loss, a fall), whatever its target.
    share = value.percent and is_share(node)
    countable = value.unit.kind == "count" or share or node.target.comparator == "<="
    lo = Fraction(0) if target >= 0 and countable else None
    hi = None
    if share:
        written = Fraction(value.value)
        hi = target / written if written else None  # 100% as written, in base units (a share per month is ×12 a year)
    return lo, hi


def solve(arithmetic, goal: str, input_id: str) -> Solution:
    """The value of one input that exactly meets a goal, the other inputs at their targets."""
    out = arithmetic.outcomes.get(goal)
    if out is None or out.target is None or out.value is None or not arithmetic.expanded(goal) or input_id not in out.box:
        return Solution(goal, input_id, UNKNOWN)
    if not arithmetic.follows_target(goal, input_id):
        return Solution(goal, input_id, PHASED)
    target = out.target
    ceiling_goal = out.node.target.comparator == "<="
    x0 = out.ref[input_id]

    def value(x: Fraction) -> Fraction | None:
        try:
            return arithmetic.value_at(out.sym, {**out.ref, input_id: x})
        except ZeroDivisionError:
            return None

    def meets(x: Fraction) -> bool:
        y = value(x)
        return y is not None and (y <= target if ceiling_goal else y >= target)

    try:
        root, exact = _linear_root(arithmetic, out, input_id)
    except TooBig:
        return Solution(goal, input_id, UNKNOWN)
    if root is None and exact:
        return Solution(goal, input_id, NO_EFFECT)
    if root is None:
        root = _bracketed_root(value, target, x0)
        exact = root is not None and value(root) == target
        if root is None:
            return Solution(goal, input_id, ALWAYS if meets(x0) else NEVER)
    side = _side(meets, root, x0)
    if side is None and not meets(x0) and meets(root):
        return Solution(goal, input_id, POINT, root, exact=exact)  # a peak that just touches the target
    if side is None:
        return Solution(goal, input_id, ALWAYS if meets(x0) else NEVER)
    lo, hi = limits(arithmetic, input_id)
    if side == ">=":
        if hi is not None and root > hi:
            return Solution(goal, input_id, BEYOND, root, exact=exact, side=side, bound=hi)
        if lo is not None and root <= lo:
            return Solution(goal, input_id, ALWAYS, root, exact=exact, side=side, bound=lo)
    else:
        if lo is not None and root < lo:
            return Solution(goal, input_id, BEYOND, root, exact=exact, side=side, bound=lo)
        if hi is not None and root >= hi:
            return Solution(goal, input_id, ALWAYS, root, exact=exact, side=side, bound=hi)
    floor_input = arithmetic.plan.nodes[input_id].target.comparator != "<="
    against = (side == ">=") != floor_input
    written = as_written(arithmetic, input_id, root, side)
    verdict = arithmetic.proof_with(goal, {input_id: written})  # the value shown is the value proved
    return Solution(goal, input_id, SOLVED, root, written=written, exact=exact, side=side, verdict=verdict, against=against)


def decimals(x: Fraction, percent: bool) -> int:
    """The usual decimals for x, or up to three more where they show it exactly (3.125%, not 3.13%)."""
    usual = display.decimals_for(x, percent)
    for d in range(usual, usual + 4):
        if display.shown_value(x, d, ROUND_HALF_UP, percent) == x:
            return d
    return usual


def as_written(arithmetic, input_id: str, x: Fraction, side: str) -> Fraction:
    """x (base units) as a target would be written in the input's units: rounded to its decimals,
    up where the goal is met above x, down where below."""
    value = arithmetic.plan.nodes[input_id].target.value
    shown = in_written_units(x, arithmetic.env[input_id].dim, value)
    if shown == 0:
        return x
    rounding = ROUND_CEILING if side == ">=" else ROUND_FLOOR
    rounded = display.shown_value(shown, decimals(shown, value.percent), rounding, value.percent)
    return x * rounded / shown


def _linear_root(arithmetic, out, v: str) -> tuple[Fraction | None, bool]:
    """The goal's form minus its target, as a polynomial in v with the other inputs at their targets:
    its root when it is linear or quadratic (the one nearest v's target), with whether it is exact;
    (None, True) when v is not in it; (None, False) when it has no such root or is of a higher
    degree (or has a min or max, whose arguments are evaluated whole): then it is searched for."""
    others = {k: x for k, x in out.ref.items() if k != v}
    budget = poly.Budget(200_000)  # pragma: no mutate
    num = poly.substitute(out.sym.num, others, budget)
    den = poly.substitute(out.sym.den, others, budget)
    if any(name.startswith("#") for name in poly.variables(num) | poly.variables(den)):
        return None, False
    line = poly.collect(poly.add(num, poly.scale(den, out.target), budget, -1), v)
    if any(k > 2 for k in line) or any(set(c) - {()} for c in line.values()):
        return None, False
    a2, a, b = (line.get(k, {}).get((), Fraction(0)) for k in (2, 1, 0))
    if a2:
        root = _quadratic_root(a2, a, b, out.ref[v])
        if root is None:
            return None, False
        root, exact = root
    elif a == 0:
        return None, True
    else:
        root, exact = -b / a, True
    if poly.evaluate(den, {v: root}) == 0:
        return None, False
    return root, exact


def _quadratic_root(a: Fraction, b: Fraction, c: Fraction, x0: Fraction) -> tuple[Fraction, bool] | None:
    """The root of a·x² + b·x + c nearest x0: exact when the discriminant is a rational square (a
    double root at a peak included), else to 30 digits; None without a real root."""
    from decimal import Decimal, localcontext
    from math import isqrt

    disc = b * b - 4 * a * c
    if disc < 0:
        return None
    n, d = disc.numerator, disc.denominator
    rn, rd = isqrt(n), isqrt(d)
    exact = rn * rn == n and rd * rd == d
    if exact:
        root = Fraction(rn, rd)
    else:
        with localcontext() as ctx:
            ctx.prec = 40
            root = Fraction(Decimal(n).sqrt() / Decimal(d).sqrt())
    roots = [(-b - root) / (2 * a), (-b + root) / (2 * a)]
    return min(roots, key=lambda r: abs(r - x0)), exact


def _bracketed_root(value, target: Fraction, x0: Fraction) -> Fraction | None:
    """Where value(x) - target changes sign nearest x0, searching outwards both ways, then bisected."""
    def sign(x):
        y = value(x)
        return None if y is None else (y > target) - (y < target)

    s0 = sign(x0)
    if s0 == 0:
        return x0
    step = max(abs(x0), Fraction(1)) / 8
    for _ in range(STEPS):
        for candidate in (x0 + step, x0 - step):
            s = sign(candidate)
            if s is not None and s0 is not None and s != s0:
                return _bisect(sign, x0, candidate, s0)
        step *= 2
    return None


def _bisect(sign, a: Fraction, b: Fraction, sa: int) -> Fraction:
    for _ in range(HALVINGS):
        mid = (a + b) / 2
        if mid.denominator > 2**100:  # pragma: no mutate
            mid = mid.limit_denominator(2**64)
        s = sign(mid)
        if s == 0:
            return mid
        if s == sa:
            a = mid
        else:
            b = mid
        # The simplest number left in the bracket (5%, not 5.0000000001%) is often the root itself.
        simple = simplest_between(a, b)
        if sign(simple) == 0:
            return simple
    return b  # on the side where the goal's sign has changed


def simplest_between(a: Fraction, b: Fraction) -> Fraction:
    """The fraction with the smallest denominator in [min(a, b), max(a, b)] (the Stern–Brocot search)."""
    lo, hi = min(a, b), max(a, b)
    if lo <= 0 <= hi:
        return Fraction(0)
    if hi < 0:
        return -simplest_between(-hi, -lo)
    whole = lo.numerator // lo.denominator
    if whole + 1 <= hi or lo == whole:
        return Fraction(whole if lo == whole else whole + 1)
    # lo and hi share their whole part: the simplest of the inverted fractional parts, inverted back
    return whole + 1 / simplest_between(1 / (hi - whole), 1 / (lo - whole))


def _side(meets, root: Fraction, x0: Fraction) -> str | None:
    """Whether the goal is met above the root or below it (judged a little way off each side)."""
    d = max(abs(root), abs(x0)) / 1000 or Fraction(1, 1000)
    above, below = meets(root + d), meets(root - d)
    if above and not below:
        return ">="
    if below and not above:
        return "<="
    return None


def sensitivity(arithmetic, goal: str, both: bool = False) -> list[Lever]:
    """Each input of a goal with its effect on the goal, the most improving first (for a ceiling goal,
    the one that lowers it most); with `both`, also the effect of a 10% worse target (a tornado)."""
    out = arithmetic.outcomes.get(goal)
    if out is None or out.target is None or out.value is None or not arithmetic.expanded(goal):
        return []
    try:
        base = arithmetic.value_at(out.sym, out.ref)
    except ZeroDivisionError:
        return []
    inputs = [v for v in arithmetic.inputs(goal) if arithmetic.follows_target(goal, v)]  # the others: phased()
    moved = {v: improved(arithmetic, v, out.ref[v]) for v in inputs}
    worse = {v: improved(arithmetic, v, out.ref[v], worse=True) for v in inputs}
    values = one_at_a_time(out.sym, out.ref, moved)
    worse_values = one_at_a_time(out.sym, out.ref, worse) if both else None
    levers = []
    for i, v in enumerate(inputs):
        if values is not None:
            after = values.get(v)
            down = worse_values.get(v) if worse_values is not None else None
        elif i < MAX_EVALUATIONS:  # a min or max: each input costs the whole formula
            after = _value_or_none(arithmetic, out, v, moved[v])
            down = _value_or_none(arithmetic, out, v, worse[v]) if both else None
        else:
            break
        if after is not None:
            levers.append(Lever(v, out.ref[v], moved[v], base, after, down))
    sign = -1 if out.node.target.comparator == "<=" else 1
    order = {v: i for i, v in enumerate(inputs)}
    levers.sort(key=lambda lever: (-sign * lever.change, order[lever.input]))
    return levers


def _value_or_none(arithmetic, out, v: str, x: Fraction) -> Fraction | None:
    try:
        return arithmetic.value_at(out.sym, {**out.ref, v: x})
    except ZeroDivisionError:
        return None


def improved(arithmetic, input_id: str, x: Fraction, worse: bool = False) -> Fraction:
    """x moved by a tenth of its size in the input's better direction (up for a floor, down for a
    ceiling; the other way with `worse`), but never past what the input can be (a share's 100%, 0)."""
    step = abs(x) * IMPROVEMENT
    if (arithmetic.plan.nodes[input_id].target.comparator == "<=") != worse:
        step = -step
    lo, hi = limits(arithmetic, input_id)
    moved = x + step
    if hi is not None and moved > hi:
        return max(hi, x)
    if lo is not None and moved < lo:
        return min(lo, x)
    return moved


def phased(arithmetic, goal: str) -> list[str]:
    """The inputs of a goal whose edited target its exact form cannot follow (left out of `sensitivity`)."""
    if not arithmetic.expanded(goal):
        return []
    return [v for v in arithmetic.inputs(goal) if not arithmetic.follows_target(goal, v)]


def one_at_a_time(sym, ref: dict, moved: dict) -> dict | None:
    """sym's value with each input of `moved` alone moved there (the others at `ref`), for every input in
    one pass over the terms: the cost of one evaluation, not one per input. None when sym has a min or
    max (whose arguments change whole); an input whose move makes the divisor zero is left out."""
    if any(name.startswith("#") for name in sym.variables()):
        return None

    def parts(p):
        total, delta = Fraction(0), {}
        for m, c in p.items():
            value = c
            for v, e in m:
                value *= ref[v] ** e
            total += value
            for v, e in m:
                if v in moved:
                    if ref[v]:
                        changed = value * (moved[v] / ref[v]) ** e
                    else:
                        changed = c
                        for u, k in m:
                            changed *= (moved[v] if u == v else ref[u]) ** k
                    delta[v] = delta.get(v, Fraction(0)) + changed - value
        return total, delta

    num, dnum = parts(sym.num)
    den, dden = parts(sym.den)
    out = {}
    for v in moved:
        d = den + dden.get(v, 0)
        if d:
            out[v] = (num + dnum.get(v, 0)) / d
    return out
