"""The prover's own decisions (kpispec/analysis/prove.py), one at a time, each on a goal worked out here
by hand with Fraction: which check decides (the range check alone within one box's budget, pinning
without splitting), at which end a monotone input is pinned, where an unbounded input is pushed and
where an unbounded range is cut, when a `min` or `max` is replaced by its arguments (and the sign
its quotient argument is multiplied through by), which witness is kept, and that a witness at which
the goal cannot be evaluated is withheld. Every witness is evaluated here, not by the prover."""

from __future__ import annotations

from fractions import Fraction as F

import pytest

from kpispec.analysis.poly import Atoms, Budget
from kpispec.analysis.prove import _Prover, holds, prove
from kpispec.interval import INF, Interval

from test_prove_oracles import add, c, div, mul, v  # the same builders of rational functions


def box(**ranges):
    return {k: Interval(*(x if isinstance(x, float) else F(x) for x in r)) for k, r in ranges.items()}


def refs(**values):
    return {k: F(x) for k, x in values.items()}


def misses(fn, op, target, witness, b):
    """The witness lies in the box and fn, the goal written here in plain Python, misses the target there."""
    assert set(witness) == set(b)
    assert all(b[k].lo <= witness[k] <= b[k].hi for k in b), witness
    return not holds(fn(**witness), op, F(target))


def nonneg(g, b, strict, ref, budget=10**6):
    """g ≥ 0 (g > 0 when strict) by the prover's search alone, with the prover to read its box count."""
    prover = _Prover(Atoms(), Budget(budget), ref)
    return prover.nonneg(g.num, b, strict, {}), prover


# ------------------------------------------------------------------ the range checks decide alone

class _Searched(Exception):
    """Raised when the prover goes past its range check (its next step, pinning, is replaced)."""


def _range_check_only(monkeypatch):
    def searched(*args, **kwargs):
        raise _Searched()

    monkeypatch.setattr(_Prover, "_pin", searched)


def test_a_range_above_zero_proves_a_strict_goal_by_the_range_check_alone(monkeypatch):
    # g = x over [1/2, 1]: its range starts at 1/2 > 0, so g > 0 needs nothing beyond the range
    _range_check_only(monkeypatch)
    verdict, prover = nonneg(v("x"), box(x=(F(1, 2), 1)), True, refs(x=1))
    assert verdict.proven and prover.boxes == 1


def test_a_range_starting_at_zero_proves_a_non_strict_goal_by_the_range_check_alone(monkeypatch):
    # g = x over [0, 1]: the range starts at exactly 0, enough for g ≥ 0
    _range_check_only(monkeypatch)
    verdict, _ = nonneg(v("x"), box(x=(0, 1)), False, refs(x=1))
    assert verdict.proven
    # g > 0 is not decided by that range (x = 0 is in the box), and at the reference x = 1 it
    # holds: the search goes on
    with pytest.raises(_Searched):
        nonneg(v("x"), box(x=(0, 1)), True, refs(x=1))


def _pinned_then_square(extra):
    # x² − x + y² + extra, x in [1, 2], y in [−1, 1]. Its range is [1 − 2 + 0, 4 − 1 + 1] + extra = [−1, 4] + extra.
    # The slope in x, 2x − 1, is in [1, 3]: x is pinned at 1, leaving y² + extra with range [0, 1] + extra,
    # which the range check after pinning decides with y still free: no box is split.
    x, y = v("x"), v("y")
    return add(add(add(mul(x, x), x, -1), mul(y, y)), c(extra))


def test_pinning_then_a_range_starting_at_zero_proves_without_splitting():
    verdict, prover = nonneg(_pinned_then_square(0), box(x=(1, 2), y=(-1, 1)), False, refs(x=1, y=0))
    assert verdict.proven and prover.boxes == 1


def test_pinning_then_a_range_above_zero_proves_a_strict_goal_without_splitting():
    # y² + 1/2 has the range [1/2, 3/2]: strictly positive
    verdict, prover = nonneg(_pinned_then_square(F(1, 2)), box(x=(1, 2), y=(-1, 1)), True, refs(x=1, y=0))
    assert verdict.proven and prover.boxes == 1


def test_the_slope_of_a_degree_one_term_drops_its_input():
    # g = x − x·y/2 + 1, x in [−1, 1], y in [0, 1]: the slope in x is 1 − y/2, in [1/2, 1], so x is pinned
    # at −1 (g = y/2), then y at 0 (g = 0): proven in one box. Read as x⁰ over [−1, 1] the slope would
    # be [−1/2, 1] and the box split.
    x, y = v("x"), v("y")
    g = add(add(x, mul(mul(x, y), c(F(1, 2))), -1), c(1))
    verdict, prover = nonneg(g, box(x=(-1, 1), y=(0, 1)), False, refs(x=0, y=0))
    assert verdict.proven and prover.boxes == 1


# ------------------------------------------------------------------ points and witnesses

def test_a_strict_goal_met_exactly_at_the_reference_is_refuted_there():
    # x > 0, x in [−1, 1], reference 0: x = 0 does not pass, so the witness is the reference itself
    # (pinning x at its worst end would have given −1 instead)
    b = box(x=(-1, 1))
    verdict = prove(v("x"), ">", F(0), b, refs(x=0), Atoms())
    assert verdict.status == "refuted" and verdict.witness == {"x": 0} and not verdict.unbounded
    assert misses(lambda x: x, ">", 0, verdict.witness, b)


def test_an_input_with_no_reference_and_no_finite_end_is_read_at_zero():
    # x ≥ 2 with x anywhere and no reference: x is read at 0, where x − 2 = −2 already misses
    b = box(x=(-INF, INF))
    verdict = prove(v("x"), ">=", F(2), b, {}, Atoms())
    assert verdict.status == "refuted" and verdict.witness == {"x": 0} and not verdict.unbounded
    assert misses(lambda x: x, ">=", 2, verdict.witness, b)


def test_a_witness_where_the_divisor_is_zero_is_withheld():
    # (x − 1) / y ≥ 0, x in [0, 2], y in [0, 1]: the divisor is ≥ 0, so the prover looks for x − 1 < 0 and
    # finds it at the reference (0, 0), where −1 / 0 cannot be evaluated: no witness, unknown "divisor"
    f = div(add(v("x"), c(1), -1), v("y"))
    verdict = prove(f, ">=", F(0), box(x=(0, 2), y=(0, 1)), refs(x=0, y=0), Atoms())
    assert verdict.status == "unknown" and verdict.reason == "divisor" and verdict.witness is None


def test_a_divisor_whose_range_ends_at_zero_from_below_has_a_known_sign():
    # x / y with x in [1, 2], y in [−2, 0]: wherever it is defined it is negative, so x / y ≤ 0 is proven
    # (multiplied through by the divisor, ≤ 0, it is x ≥ 0), not left to the search for a witness
    b, r = box(x=(1, 2), y=(-2, 0)), refs(x=1, y=-1)
    assert prove(div(v("x"), v("y")), "<=", F(0), b, r, Atoms()).proven


# ------------------------------------------------------------------ monotone inputs

def test_an_input_the_goal_does_not_move_is_pinned_at_its_finite_end():
    # x·y + z ≥ 1 with x in (−∞, 5], y in [0, 0], z in [0, 2], reference (0, 0, 2) where it is 2.
    # The slope in x is y, exactly 0: x is pinned at its only finite end, 5 (not pushed to −∞);
    # z (slope 1) at 0; then y (slope 5) at 0: 5·0 + 0 = 0 < 1.
    f = add(mul(v("x"), v("y")), v("z"))
    b = box(x=(-INF, 5), y=(0, 0), z=(0, 2))
    verdict = prove(f, ">=", F(1), b, refs(x=0, y=0, z=2), Atoms())
    assert verdict.status == "refuted" and verdict.witness == {"x": 5, "y": 0, "z": 0} and not verdict.unbounded
    assert misses(lambda x, y, z: x * y + z, ">=", 1, verdict.witness, b)


def test_a_slope_that_changes_sign_does_not_pin_its_input():
    # x² − x ≥ −3/16 over [0, 3/4]: the slope 2x − 1 is in [−1, 1/2], so x is not pinned (at 3/4 the goal
    # holds exactly: 9/16 − 12/16 = −3/16). Its least value is at x = 1/2: 1/4 − 1/2 = −1/4 < −3/16.
    # The box is cut at 3/8, where 9/64 − 24/64 = −15/64 < −12/64 = −3/16 already misses.
    x = v("x")
    f = add(mul(x, x), x, -1)
    b = box(x=(0, F(3, 4)))
    verdict = prove(f, ">=", F(-3, 16), b, refs(x=0), Atoms())
    assert verdict.status == "refuted" and verdict.witness == {"x": F(3, 8)}
    assert misses(lambda x: x * x - x, ">=", F(-3, 16), verdict.witness, b)


# ------------------------------------------------------------------ unbounded inputs pushed out

def test_a_runaway_input_is_pushed_from_its_reference_once_the_others_are_pinned():
    # x − y ≥ 0, x in [0, 10] (reference 10), y ≥ 0 (reference 2): x is pinned at 0, leaving −y, which
    # falls as y grows: from 2 in a step of 2, y = 4 gives −4
    f = add(v("x"), v("y"), -1)
    b = box(x=(0, 10), y=(0, INF))
    verdict = prove(f, ">=", F(0), b, refs(x=10, y=2), Atoms())
    assert verdict.status == "refuted" and verdict.unbounded and verdict.witness == {"x": 0, "y": 4}
    assert misses(lambda x, y: x - y, ">=", 0, verdict.witness, b)


def test_a_runaway_input_at_zero_steps_out_by_one():
    # 1/2 − y ≥ 0 with y ≥ 0 from 0: the first step is max(|0|, 1) = 1, and 1/2 − 1 < 0
    f = add(c(F(1, 2)), v("y"), -1)
    b = box(y=(0, INF))
    verdict = prove(f, ">=", F(0), b, refs(y=0), Atoms())
    assert verdict.status == "refuted" and verdict.unbounded and verdict.witness == {"y": 1}
    assert misses(lambda y: F(1, 2) - y, ">=", 0, verdict.witness, b)


def test_a_strict_escape_stops_where_the_goal_is_met_exactly():
    # 4 − y > 0 with y ≥ 0 from 0: y = 1, 2, 4 gives 3, 2, 0, and 0 is not > 0
    b = box(y=(0, INF))
    f = add(c(4), v("y"), -1)
    verdict = prove(f, ">", F(0), b, refs(y=0), Atoms())
    assert verdict.status == "refuted" and verdict.unbounded and verdict.witness == {"y": 4}
    assert misses(lambda y: 4 - y, ">", 0, verdict.witness, b)
    # 5/2 − y > 0: y = 1, 2 still pass (3/2, 1/2); y = 4 gives −3/2
    f = add(c(F(5, 2)), v("y"), -1)
    verdict = prove(f, ">", F(0), b, refs(y=0), Atoms())
    assert verdict.status == "refuted" and verdict.unbounded and verdict.witness == {"y": 4}
    assert misses(lambda y: F(5, 2) - y, ">", 0, verdict.witness, b)


# ------------------------------------------------------------------ unbounded ranges cut

def test_a_range_unbounded_both_ways_is_cut_at_zero():
    # x² ≥ 4 over all x, reference 3 (9 passes): the slope 2x has no sign, so the range is cut at 0, and
    # the lower half's reference point, 3 clipped to (−∞, 0], is 0, where 0 < 4
    f = mul(v("x"), v("x"))
    b = box(x=(-INF, INF))
    verdict = prove(f, ">=", F(4), b, refs(x=3), Atoms())
    assert verdict.status == "refuted" and verdict.witness == {"x": 0} and not verdict.unbounded
    assert misses(lambda x: x * x, ">=", 4, verdict.witness, b)


def test_a_range_from_zero_upwards_is_cut_at_one():
    # 2x − x² ≥ 0 over [0, ∞) from 0: cut at 0 + max(0, 1) = 1. On [0, 1] the slope 2 − 2x is ≥ 0: x pinned
    # at 0, proven. On [1, ∞) the slope is ≤ 0 and x runs away from 1 in steps 1, 2: x = 2 gives 0 (passes),
    # x = 3 gives 6 − 9 = −3.
    x = v("x")
    f = add(mul(c(2), x), mul(x, x), -1)
    b = box(x=(0, INF))
    verdict = prove(f, ">=", F(0), b, refs(x=0), Atoms())
    assert verdict.status == "refuted" and verdict.unbounded and verdict.witness == {"x": 3}
    assert misses(lambda x: 2 * x - x * x, ">=", 0, verdict.witness, b)


def test_a_range_from_zero_downwards_is_cut_at_minus_one():
    # mirrored: −2x − x² ≥ 0 over (−∞, 0]: cut at 0 − 1; on (−∞, −1] x runs away from −1: −2 gives 0, −3 gives −3
    x = v("x")
    f = add(mul(c(-2), x), mul(x, x), -1)
    b = box(x=(-INF, 0))
    verdict = prove(f, ">=", F(0), b, refs(x=0), Atoms())
    assert verdict.status == "refuted" and verdict.unbounded and verdict.witness == {"x": -3}
    assert misses(lambda x: -2 * x - x * x, ">=", 0, verdict.witness, b)


# ------------------------------------------------------------------ min and max replaced

def test_a_max_rising_from_a_flat_slope_is_replaced_by_its_arguments():
    # y·max(a, b) − y·a ≥ 0, y in [0, 2], a and b in [1, 3]. The slope in the max is y, in [0, 2]: rising,
    # though it touches 0. Replaced by a the goal is y·a − y·a = 0 ≥ 0, and for a max one argument is enough.
    atoms = Atoms()
    m = atoms.make("max", [v("a"), v("b")])
    f = add(mul(v("y"), m), mul(v("y"), v("a")), -1)
    assert prove(f, ">=", F(0), box(y=(0, 2), a=(1, 3), b=(1, 3)), refs(y=1, a=1, b=1), atoms).proven


def test_a_min_falling_to_a_flat_slope_is_replaced_by_its_arguments():
    # y·a − y·min(a, b) ≥ 0: the slope in the min is −y, in [−2, 0]: falling, so g(min(a, b)) is the max
    # of g(a) = 0 and g(b), and g(a) ≥ 0 is enough
    atoms = Atoms()
    m = atoms.make("min", [v("a"), v("b")])
    f = add(mul(v("y"), v("a")), mul(v("y"), m), -1)
    assert prove(f, ">=", F(0), box(y=(0, 2), a=(1, 3), b=(1, 3)), refs(y=1, a=1, b=1), atoms).proven


def test_a_min_whose_slope_changes_sign_is_not_replaced():
    # (y − 1)·(min(a, b) − a) ≥ 0, y in [0, 3/2], a and b in [1, 3]: the slope in the min, y − 1, is in
    # [−1, 1/2]. Replacing the min by a would give 0 ≥ 0, but for y > 1 and b < a the goal fails:
    # at y = 3/2, a = 2, b = 1 it is (1/2)·(1 − 2) = −1/2.
    atoms = Atoms()
    m = atoms.make("min", [v("a"), v("b")])
    y1 = add(v("y"), c(1), -1)
    f = add(mul(y1, m), mul(y1, v("a")), -1)

    def goal(y, a, b):
        return (y - 1) * (min(a, b) - a)

    assert goal(F(3, 2), F(2), F(1)) == F(-1, 2)
    b = box(y=(0, F(3, 2)), a=(1, 3), b=(1, 3))
    verdict = prove(f, ">=", F(0), b, refs(y=F(3, 2), a=1, b=1), atoms)
    assert verdict.status == "refuted" and misses(goal, ">=", 0, verdict.witness, b)


def test_a_max_is_refuted_by_a_witness_that_fails_every_argument():
    # max(a, b) ≥ 5, a and b in [0, 10], reference (0, 10) where the max is 10. The argument a misses at
    # the reference itself, where b = 10 still passes; b, pinned at 0, misses at (0, 0), where a misses too:
    # that is the witness, max(0, 0) = 0 < 5.
    atoms = Atoms()
    m = atoms.make("max", [v("a"), v("b")])
    b = box(a=(0, 10), b=(0, 10))
    verdict = prove(m, ">=", F(5), b, refs(a=0, b=10), atoms)
    assert verdict.status == "refuted" and verdict.witness == {"a": 0, "b": 0}
    assert misses(lambda a, b: max(a, b), ">=", 5, verdict.witness, b)


def test_a_min_over_a_quotient_whose_divisor_may_change_sign_is_not_replaced():
    # min(a / y, b) ≤ 1, a in [1, 2], y in [−1, 1/2], b in [0, 5]. Multiplied through by y as if y were
    # negative, the argument a / y would give a − y ≥ 1/2 > 0 and a proof; but at a = 2, y = 1/2, b = 5
    # the min is min(4, 5) = 4 > 1. Nothing else is left to search (a, y and b are read only through the
    # min): no proof, no witness.
    atoms = Atoms()
    m = atoms.make("min", [div(v("a"), v("y")), v("b")])
    assert min(F(2) / F(1, 2), F(5)) == 4  # > 1
    verdict = prove(m, "<=", F(1), box(a=(1, 2), y=(-1, F(1, 2)), b=(0, 5)), refs(a=1, y=-1, b=0), atoms)
    assert verdict.status == "unknown" and verdict.witness is None


def test_a_min_over_a_quotient_with_a_divisor_below_zero_is_multiplied_through_with_its_sign():
    # min(a / y, b) ≥ −1, a in [1, 2], y in [−2, −1], b in [0, 1]: a / y is in [−2, −1/2]. The min rises
    # with its argument, so a / y + 1 ≥ 0 must hold: times y < 0 (degree 1, sign −1) that is −a − y ≥ 0.
    # Its slopes are −1 and −1: a pinned at 2, y at −1, where 2 / −1 = −2 < −1.
    atoms = Atoms()
    m = atoms.make("min", [div(v("a"), v("y")), v("b")])
    b = box(a=(1, 2), y=(-2, -1), b=(0, 1))
    verdict = prove(m, ">=", F(-1), b, refs(a=1, y=-2, b=0), atoms)
    assert verdict.status == "refuted" and verdict.witness == {"a": 2, "y": -1, "b": 0}
    assert misses(lambda a, y, b: min(a / y, b), ">=", -1, verdict.witness, b)


def _square_of_min(atoms):
    # min((a − y) / y, b)², a in [1, 2], y in [−2, −1], b in [−5, 0]. (a − y) / y = a / y − 1 is in
    # [−3, −3/2], but its range by intervals is [2, 4] / [−2, −1] = [−4, −1], so the min's is [−5, −1]
    # and the square's [1, 25]: too wide for the targets below. The square falls with the min (slope
    # 2·min < 0), so g(min) is the max of its arguments' g: one argument's is enough.
    m = atoms.make("min", [div(add(v("a"), v("y"), -1), v("y")), v("b")])
    return mul(m, m), box(a=(1, 2), y=(-2, -1), b=(-5, 0))


def test_a_square_of_a_min_over_a_quotient_below_zero_keeps_its_sign():
    # ≥ 9/4: replaced by (a − y) / y and multiplied by y² > 0 (degree 2: sign +1), (a − y)² − 9/4·y² ≥ 0,
    # i.e. |a − y| ≥ 3/2·|y|, i.e. a ≥ −y/2, true as a ≥ 1 ≥ −y/2: proven
    atoms = Atoms()
    f, b = _square_of_min(atoms)
    assert prove(f, ">=", F(9, 4), b, refs(a=2, y=-1, b=-5), atoms).proven


def test_a_square_of_a_min_over_a_quotient_below_zero_is_refuted_where_both_arguments_miss():
    # ≥ 4: (a − y)² − 4y² is least at a = 1 (slope 2(a − y) > 0), y = −2 (slope −2a − 6y ≥ 2): 9 − 16 < 0;
    # b² − 4 misses at b = 0. At (1, −2, 0): min(3 / −2, 0)² = 9/4 < 4.
    atoms = Atoms()
    f, b = _square_of_min(atoms)
    verdict = prove(f, ">=", F(4), b, refs(a=2, y=-1, b=0), atoms)
    assert verdict.status == "refuted" and verdict.witness == {"a": 1, "y": -2, "b": 0}
    assert misses(lambda a, y, b: min((a - y) / y, b) ** 2, ">=", 4, verdict.witness, b)


def test_a_quotient_argument_whose_divisor_reaches_zero_has_no_sign():
    # A divisor whose range ends at 0 has no strict sign: the argument is not replaced, and with every
    # input read through the min nothing else can decide. Both goals below hold wherever they are defined.
    # min(a / y, b) ≤ −1/2, y in [−2, 0]: a / y ≤ 1 / −2.
    atoms = Atoms()
    m = atoms.make("min", [div(v("a"), v("y")), v("b")])
    verdict = prove(m, "<=", F(-1, 2), box(a=(1, 2), y=(-2, 0), b=(-3, 0)), refs(a=1, y=-1, b=0), atoms)
    assert verdict.status == "unknown" and verdict.reason == "budget"
    # min((a − y) / y, b) ≥ −1/2, y in [0, 2]: (a − y) / y = a / y − 1 ≥ 1/2 − 1
    m = atoms.make("min", [div(add(v("a"), v("y"), -1), v("y")), v("b")])
    verdict = prove(m, ">=", F(-1, 2), box(a=(1, 2), y=(0, 2), b=(0, 3)), refs(a=1, y=1, b=0), atoms)
    assert verdict.status == "unknown" and verdict.reason == "budget"
