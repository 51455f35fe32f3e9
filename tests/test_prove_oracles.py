"""The prover (kpispec/analysis/prove.py) against answers known by hand, and against a grid search
over random goals: a proof never has a counterexample on the grid, and a witness is in the box and
really misses, evaluated here without the prover."""

from __future__ import annotations

import random
from fractions import Fraction as F

import pytest

from kpispec.analysis import poly
from kpispec.analysis.poly import Atoms, Budget, Rat
from kpispec.analysis.prove import _probes, clip, holds, in_box, prove
from kpispec.interval import INF, Interval

B = Budget(10**9)


def v(name):
    return Rat.of(poly.var(name))


def c(k):
    return Rat.of(poly.const(F(k)))


def add(a, b, sign=1):
    return poly.r_add(a, b, B, sign)


def mul(a, b):
    return poly.r_mul(a, b, B)


def div(a, b):
    return poly.r_div(a, b, B)


def at_least(lo):
    return Interval(F(lo), INF)


def at_most(hi):
    return Interval(F(0), F(hi))


def value(f, point, atoms=None):
    return poly.r_evaluate(f, point, atoms or Atoms())


def check(f, op, target, box, ref, atoms=None):
    atoms = atoms or Atoms()
    verdict = prove(f, op, F(target), box, ref, atoms)
    if verdict.status == "refuted":
        w = verdict.witness
        assert set(w) >= set(box) and all(in_box(w[k], box[k]) for k in box), w
        assert not holds(value(f, w, atoms), op, F(target)), w
    return verdict


# ------------------------------------------------------------------ known answers

def test_a_funnel_at_its_floors():
    f = mul(v("x"), v("y"))
    box, ref = {"x": at_least(2), "y": at_least(3)}, {"x": F(2), "y": F(3)}
    assert check(f, ">=", 6, box, ref).proven
    assert check(f, ">", 6, box, ref).status == "refuted"  # 6 is reached, not passed
    verdict = check(f, ">=", 7, box, ref)
    assert verdict.status == "refuted" and verdict.witness == {"x": 2, "y": 3} and not verdict.unbounded
    assert check(f, "<=", 10**9, box, ref).status == "refuted"  # x·y is unbounded above


def test_a_ceiling_subtracted():
    f = add(v("x"), v("y"), -1)  # x - y, x ≥ 5, 0 ≤ y ≤ 5
    box, ref = {"x": at_least(5), "y": at_most(5)}, {"x": F(5), "y": F(5)}
    assert check(f, ">=", 0, box, ref).proven
    verdict = check(f, ">", 0, box, ref)
    assert verdict.status == "refuted" and verdict.witness == {"x": 5, "y": 5}
    assert check(f, "<=", 5, box, ref).status == "refuted"


def test_a_floor_that_hurts_runs_away():
    f = add(v("x"), v("y"), -1)  # x - y with y ≥ 3 unbounded: y can always be larger
    verdict = check(f, ">=", 0, {"x": Interval(F(5), F(5)), "y": at_least(3)}, {"x": F(5), "y": F(3)})
    assert verdict.status == "refuted" and verdict.unbounded and verdict.witness["y"] > 5


def test_a_runaway_input_is_pushed_out_by_doubling_steps_until_the_goal_fails():
    # 1000 - y ≥ 0 with y ≥ 3: from 3 in steps of 3, 6, 12, … the first value past 1000 is 3 + 1536
    f = add(v("x"), v("y"), -1)
    verdict = check(f, ">=", 0, {"x": Interval(F(1000), F(1000)), "y": at_least(3)}, {"x": F(1000), "y": F(3)})
    assert verdict.status == "refuted" and verdict.unbounded and verdict.witness == {"x": 1000, "y": 3 + 1536}


def test_a_goal_not_monotone_in_its_input_is_split():
    f = mul(v("x"), add(c(10), v("x"), -1))  # x(10 - x) over [1, 9]: least at the ends, 9
    box, ref = {"x": Interval(F(1), F(9))}, {"x": F(5)}
    assert check(f, ">=", 9, box, ref).proven
    verdict = check(f, ">=", 10, box, ref)
    assert verdict.status == "refuted" and verdict.witness["x"] in (1, 9)
    assert check(f, "<=", 25, box, ref).proven  # at most 25, at x = 5
    assert check(f, "<", 25, box, ref).status == "refuted"


def test_an_unbounded_range_is_split_at_steps_that_double():
    # 10x − x² ≥ 9 holds on [1, 9] only. Over [1, ∞) the halves are cut at 2, 4, 8, 16 (lo + max(|lo|, 1)):
    # [1, 2] is proven by pinning x at 1, and 16 is the first cut point where the goal fails.
    f = add(mul(c(10), v("x")), mul(v("x"), v("x")), -1)
    verdict = check(f, ">=", 9, {"x": at_least(1)}, {"x": F(1)})
    assert verdict.status == "refuted" and verdict.witness == {"x": 16}
    # mirrored: −10x − x² ≥ 9 over (−∞, −1], cut at −2, −4, −8, −16 (hi − max(|hi|, 1))
    g = add(mul(c(-10), v("x")), mul(v("x"), v("x")), -1)
    verdict = check(g, ">=", 9, {"x": Interval(-INF, F(-1))}, {"x": F(-1)})
    assert verdict.status == "refuted" and verdict.witness == {"x": -16}


def test_strict_and_non_strict_at_zero():
    box, ref = {"x": at_least(0)}, {"x": F(0)}
    assert check(v("x"), ">=", 0, box, ref).proven
    verdict = check(v("x"), ">", 0, box, ref)
    assert verdict.status == "refuted" and verdict.witness == {"x": 0}
    assert check(c(0), ">=", 0, {}, {}).proven
    assert check(c(0), ">", 0, {}, {}).status == "refuted"
    assert check(c(0), "<", 0, {}, {}).status == "refuted"
    assert check(c(0), "<=", 0, {}, {}).proven


def test_a_quotient_with_a_positive_or_a_negative_divisor():
    box, ref = {"x": Interval(F(2), F(4)), "y": Interval(F(1), F(2))}, {"x": F(2), "y": F(1)}
    q = div(v("x"), v("y"))  # x / y over that box: from 1 to 4
    assert check(q, ">=", 1, box, ref).proven
    assert check(q, ">=", F(3, 2), box, ref).status == "refuted"
    assert check(q, "<=", 4, box, ref).proven
    neg = div(v("x"), add(c(0), v("y"), -1))  # x / -y: from -4 to -1
    assert check(neg, "<=", -1, box, ref).proven
    verdict = check(neg, "<=", -2, box, ref)
    assert verdict.status == "refuted" and value(neg, verdict.witness) > -2
    assert check(neg, ">=", -4, box, ref).proven


def test_a_divisor_that_is_never_positive_but_reaches_zero():
    # x / -y with x in [1, 2] and y in [0, 2]: the divisor's range ends at 0, its sign is still known
    box, ref = {"x": Interval(F(1), F(2)), "y": Interval(F(0), F(2))}, {"x": F(1), "y": F(2)}
    neg = div(v("x"), add(c(0), v("y"), -1))
    assert check(neg, "<=", 0, box, ref).proven
    assert check(neg, "<=", F(-1, 2), box, ref).proven  # x / y is at least 1/2
    assert check(neg, "<=", -1, box, ref).status == "refuted"


def test_a_divisor_below_zero_with_a_positive_leading_coefficient():
    # x / (y − 10), x in [1, 2], y in [0, 5]: the divisor is in [−10, −5], so the quotient is in [−2/5, −1/10]
    box, ref = {"x": Interval(F(1), F(2)), "y": at_most(5)}, {"x": F(1), "y": F(5)}
    q = div(v("x"), add(v("y"), c(10), -1))
    assert check(q, "<=", F(-1, 10), box, ref).proven
    assert check(q, ">=", F(-2, 5), box, ref).proven
    verdict = check(q, "<=", F(-1, 5), box, ref)
    assert verdict.status == "refuted" and value(q, verdict.witness) > F(-1, 5)


def test_a_divisor_that_may_change_sign_gives_a_witness_or_unknown():
    box, ref = {"x": Interval(F(1), F(1)), "y": Interval(F(-1), F(1))}, {"x": F(1), "y": F(1)}
    q = div(v("x"), v("y"))  # 1 / y: at y = -1 it is -1
    verdict = check(q, ">=", 0, box, ref)
    assert verdict.status == "refuted" and verdict.witness["y"] == -1
    verdict = check(q, ">=", -10**6, {"x": Interval(F(1), F(1)), "y": Interval(F(-1), F(1))}, ref)
    assert verdict.status == "unknown" and verdict.reason == "divisor"  # holds at every probe, unproven


def test_min_and_max():
    atoms = Atoms()
    lo = atoms.make("min", [v("a"), v("b")])
    hi = atoms.make("max", [v("a"), v("b")])
    box, ref = {"a": at_least(5), "b": at_least(7)}, {"a": F(5), "b": F(7)}
    assert check(lo, ">=", 5, box, ref, atoms).proven
    verdict = check(lo, ">=", 6, box, ref, atoms)
    assert verdict.status == "refuted" and verdict.witness["a"] == 5
    assert check(hi, ">=", 7, box, ref, atoms).proven
    assert check(hi, ">=", 8, box, ref, atoms).status == "refuted"
    assert check(add(lo, hi), ">=", 12, box, ref, atoms).proven
    assert check(add(lo, hi), ">=", 13, box, ref, atoms).status == "refuted"
    # falling in the atom: 20 - min(a, b) ≤ 15 needs min ≥ 5: proven; ≤ 14 refuted
    assert check(add(c(20), lo, -1), "<=", 15, box, ref, atoms).proven
    assert check(add(c(20), lo, -1), "<=", 14, box, ref, atoms).status == "refuted"
    # a max of two ceilings against a ceiling: max(p, q) ≤ 3 with p ≤ 3, q ≤ 2
    m = atoms.make("max", [v("p"), v("q")])
    box2, ref2 = {"p": at_most(3), "q": at_most(2)}, {"p": F(3), "q": F(2)}
    assert check(m, "<=", 3, box2, ref2, atoms).proven
    assert check(m, "<=", F(5, 2), box2, ref2, atoms).status == "refuted"


def test_an_atom_over_a_quotient():
    atoms = Atoms()
    lo = atoms.make("min", [div(v("a"), v("b")), c(3)])  # min(a / b, 3), a ≥ 4, 1 ≤ b ≤ 2: at least 2
    box, ref = {"a": at_least(4), "b": Interval(F(1), F(2))}, {"a": F(4), "b": F(1)}
    assert check(lo, ">=", 2, box, ref, atoms).proven
    verdict = check(lo, ">=", 3, box, ref, atoms)
    assert verdict.status == "refuted" and verdict.witness["b"] > 1


def test_a_small_budget_gives_unknown_never_a_wrong_answer():
    f = mul(v("x"), add(c(10), v("x"), -1))
    verdict = prove(f, ">=", F(9), {"x": Interval(F(1), F(9))}, {"x": F(5)}, Atoms(), budget=10)
    assert verdict.status == "unknown" and verdict.reason == "budget"


def test_helpers():
    assert clip(F(5), Interval(F(1), F(3))) == 3 and clip(F(0), Interval(F(1), F(3))) == 1
    assert clip(F(2), Interval(F(1), F(3))) == 2
    assert in_box(F(1), Interval(F(1), F(3))) and in_box(F(3), Interval(F(1), F(3)))
    assert not in_box(F(4), Interval(F(1), F(3)))
    assert [holds(F(1), op, F(1)) for op in (">=", ">", "<=", "<")] == [True, False, True, False]
    # probes: the finite ends other than the value, then 10, 1,000 and 1,000,000 steps out where unbounded
    assert _probes(F(2), Interval(F(1), F(5))) == [1, 5]
    assert _probes(F(2), Interval(F(2), INF)) == [2 + 3 * 10, 2 + 3 * 10**3, 2 + 3 * 10**6]
    assert _probes(F(-2), Interval(-INF, F(0))) == [0, -2 - 3 * 10, -2 - 3 * 10**3, -2 - 3 * 10**6]


# ------------------------------------------------------------------ against a grid

def _random_goal(rng):
    terms = {}
    for _ in range(rng.randint(1, 4)):
        m = tuple(sorted({(name, rng.randint(1, 2)) for name in rng.sample(["x", "y"], rng.randint(0, 2))}))
        terms[m] = F(rng.randint(-4, 4)) or F(1)
    return Rat.of(terms)


@pytest.mark.parametrize("seed", [11, 12])
def test_no_proof_has_a_counterexample_on_a_grid_and_no_refutation_is_wrong(seed):
    rng = random.Random(seed)
    refuted = proven = unknown = 0
    for _ in range(150):
        f = _random_goal(rng)
        box = {}
        for name in ("x", "y"):
            lo = F(rng.randint(-3, 3))
            box[name] = Interval(lo, lo + rng.randint(0, 4))
        ref = {k: r.lo for k, r in box.items()}
        op = rng.choice([">=", ">", "<=", "<"])
        target = F(rng.randint(-10, 10))
        verdict = check(f, op, target, box, ref)
        grid = [{k: box[k].lo + (box[k].hi - box[k].lo) * F(i, 8) for k, i in (("x", i), ("y", j))}
                for i in range(9) for j in range(9)]
        misses = [p for p in grid if not holds(value(f, p), op, target)]
        if verdict.proven:
            proven += 1
            assert not misses, (f, op, target, box, misses[0])
        elif verdict.status == "refuted":
            refuted += 1
        else:
            unknown += 1  # a goal that touches its target along an edge can exhaust the splitting
        if misses:
            assert verdict.status == "refuted", (f, op, target, box, misses[0])
    assert proven > 20 and refuted > 20  # both kinds of answer were exercised
    assert unknown <= 5  # and the prover decides nearly all of them
