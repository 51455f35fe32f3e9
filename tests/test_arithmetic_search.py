"""The solver's search, the slope's shortcuts and the exact forms' bookkeeping, pinned by hand.

What this proves, each against values worked out here:
- `solve`'s search: the exact root of a goal linear in the input (one evaluation, and only beyond
  the input's target), doubling steps outwards from the target (from a step of at least 1),
  halving of a ceiling towards zero down to NEAR_ZERO of its target and then 0 itself, stepping
  below zero for a ceiling at or below zero, a second round from the proof's new witness, and the
  bound on evaluations of a formula with min or max (MAX_TRIES per node).
- `slope`: the sign over every accepted value, for a slope that is zero, that may change sign,
  that meets an input never negative or a min/max that may be negative.
- the exact forms: a formula node too large to expand stands for what its target accepts, each
  node is expanded at most once, a held denominator stays an input at its target, a window factor
  of 2 scales the exact form, and asserts that ranges prove need no exact form.

A recorder wraps the search's `meets` (the goal checked at one value of the input) to see which
values are tried, in order: the search's heuristics are observable only that way when the proof
that checks every solved value would hide a wrong step.
"""

from __future__ import annotations

from fractions import Fraction as F

import pytest

from kpispec.analysis.arithmetic import BISECTIONS, MAX_TRIES, NEAR_ZERO, SEARCH_STEPS
from kpispec.api import analyze_text
from kpispec.checks.base import Context
from kpispec.interval import INF, Interval

PLAN = 'plan p "P" { period 2026-04-01 to 2027-03-31 }\n'
A17 = " * ".join(["a"] * 17)  # a¹⁷: beyond the degree one input may have in a term (16), so no exact form


def arithmetic(body: str):
    result = analyze_text("p.kpi", PLAN + body, checks=False)
    return Context(result.plan).arithmetic


def record(a) -> list:
    """Every value the search tries, with whether the goal is met there, across every solve on `a`."""
    tried = []
    search = a._search

    def wrapped(out, v, num, den, atoms, meets):
        def recorded(x):
            ok = meets(x)
            tried.append((x, ok))
            return ok
        return search(out, v, num, den, atoms, recorded)

    a._search = wrapped
    return tried


def halvings(x0: F) -> list[F]:
    """A ceiling's halvings towards zero: x0/2, x0/4, … while the value halved is above NEAR_ZERO·x0, then 0."""
    out, fail = [], x0
    while fail > x0 / 10**12:
        fail = fail / 2
        out.append(fail)
    return out + [F(0)]


# ------------------------------------------------------------------ a goal linear in the input


def test_a_linear_goal_is_solved_exactly_with_one_evaluation():
    # x + 50 ≥ 50 with x ≥ -5: x + 50 - 50 = 1·x + 0, root 0, above -5; met there (50 ≥ 50)
    a = arithmetic('kgi g "G" { target >= 50 formula x + 50 }\nkpi x "X" { target >= -5 }\n')
    tried = record(a)
    assert a.solve("g", "x") == 0
    assert tried == [(F(0), True)]


@pytest.mark.parametrize("body,v,root", [
    # a floor that lowers the goal: 100 - x ≥ 50 is met at x = 50, below x's target 80
    ('kgi g "G" { target >= 50 formula 100 - x }\nkpi x "X" { target >= 80 }\n', "x", F(50)),
    # w - x ≥ 0 at the witness w = 10: the root x = 10 is x's own target, not above it
    ('kgi g "G" { target >= 0 formula w - x }\nkpi x "X" { target >= 10 }\nkpi w "W" { target >= 10 }\n', "x", F(10)),
])
def test_a_linear_root_not_above_a_floor_is_not_offered(body, v, root):
    a = arithmetic(body)
    tried = record(a)
    assert a.solve("g", v) is None
    # never tried; the search steps up from the target x0 instead, by x0, 2·x0, 4·x0, … (x0·2^k after k
    # steps), SEARCH_STEPS times, and gives up
    x0 = a.leaf_ref[v]
    assert root not in [x for x, _ in tried]
    assert [x for x, _ in tried] == [x0 * 2**k for k in range(1, SEARCH_STEPS + 1)]
    assert not any(ok for _, ok in tried)


def test_a_linear_root_at_a_ceilings_target_is_not_offered():
    # c + w ≥ 15, c ≤ 10, witness c = 0 and w = 5: the root c = 10 is c's own target, not below it.
    # The search halves from 10 towards 0 instead, and gives up when 0 misses too.
    a = arithmetic('kgi g "G" { target >= 15 formula c + w }\nkpi c "C" { target <= 10 }\nkpi w "W" { target >= 5 }\n')
    tried = record(a)
    assert a.solve("g", "c") is None
    assert tried == [(x, False) for x in halvings(F(10))]


def test_a_root_rejected_by_the_proof_is_searched_again_from_its_witness():
    # x - y² + 24y ≥ 200 with x ≥ 1, y ≤ 20: at the witness y = 20 it is x + 80, root x = 120; but
    # over y in [0, 20] the least is at y = 0 (x + 0), so the proof refutes 120 with y = 0, and the
    # second round's root is x = 200
    a = arithmetic('kgi g "G" { target >= 200 formula x - y * y + 24 * y }\nkpi x "X" { target >= 1 }\n'
                   'kpi y "Y" { target <= 20 }\n')
    tried = record(a)
    assert a.solve("g", "x") == 200
    assert tried == [(F(120), True), (F(200), True)]


# ------------------------------------------------------------------ stepping outwards


def test_a_floor_at_zero_steps_out_by_one_then_doubling():
    # x² ≥ 50 from x ≥ 0: steps 1, 2, 4, 8 give 1, 3, 7 (49, misses) and 15 (225, meets)
    a = arithmetic('kgi g "G" { target >= 50 formula x * x }\nkpi x "X" { target >= 0 }\n')
    tried = record(a)
    x = a.solve("g", "x")
    assert tried[:4] == [(F(1), False), (F(3), False), (F(7), False), (F(15), True)]
    assert len(tried) == 4 + BISECTIONS
    # the bracket [7, 15], of width 8, halved BISECTIONS times: x passes, x less the last width misses
    assert x * x >= 50 and (x - F(8, 2**BISECTIONS)) ** 2 < 50


def test_a_ceiling_at_zero_steps_below_zero():
    # 100 + loss² ≥ 200 with loss ≤ 0: steps down 1, 2, 4, 8 give -1, -3, -7 (149) and -15 (325);
    # the bracket [-15, -7] halves to -11 (221, meets), -9 (181), -10 (200, meets exactly)
    a = arithmetic('kgi g "G" { target >= 200 formula 100 + loss * loss }\nkpi loss "L" { target <= 0 }\n')
    tried = record(a)
    assert a.solve("g", "loss") == -10
    assert [x for x, _ in tried[:7]] == [F(-1), F(-3), F(-7), F(-15), F(-11), F(-9), F(-10)]


def test_a_ceiling_below_one_is_halved_not_stepped_down():
    # 1/c² ≥ 64 with c ≤ 50%: 1/4 gives 16 (misses), 1/8 gives 64 (meets); between them only 1/8
    a = arithmetic('kgi g "G" { target >= 64 formula 1 / (c * c) }\nkpi c "C" { target <= 50% }\n')
    tried = record(a)
    assert a.solve("g", "c") == F(1, 8)
    assert tried[:2] == [(F(1, 4), False), (F(1, 8), True)]


def test_a_ceiling_is_halved_past_a_miss_and_not_given_up_at_one():
    # 1/c² ≥ 4 with c ≤ 2: 1 gives 1 (misses), 1/2 gives 4 (meets)
    a = arithmetic('kgi g "G" { target >= 4 formula 1 / (c * c) }\nkpi c "C" { target <= 2 }\n')
    tried = record(a)
    assert a.solve("g", "c") == F(1, 2)
    assert tried[:2] == [(F(1), False), (F(1, 2), True)]


@pytest.mark.parametrize("ceiling,x0", [("1,000", F(1000)), ("50%", F(1, 2))])
def test_a_ceiling_halves_to_near_zero_then_tries_zero_once(ceiling, x0):
    # 1/c² ≥ 10³⁰ is met only below c = 10⁻¹⁵, beyond the halvings (they stop at the first at or below
    # x0·10⁻¹², x0/2⁴⁰: about 9.1·10⁻¹⁰ for x0 = 1,000, 4.5·10⁻¹³ for 1/2): every halving misses, then 0,
    # where the divisor is zero and nothing is met; the search gives up there
    a = arithmetic(f'kgi g "G" {{ target >= 1e30 formula 1 / (c * c) }}\nkpi c "C" {{ target <= {ceiling} }}\n')
    tried = record(a)
    assert a.solve("g", "c") is None
    assert tried == [(x, False) for x in halvings(x0)]
    # 1,000/2⁴⁰ ≈ 9.1·10⁻¹⁰ is the first at or below 10⁻⁹ (2⁴⁰ ≈ 1.1·10¹², 2³⁹ ≈ 5.5·10¹¹)
    assert len(tried) == 41 and tried[-2][0] == x0 / 2**40 <= NEAR_ZERO * x0 < x0 / 2**39


def test_a_ceiling_met_only_at_zero_is_solved_to_zero():
    # c² ≤ 0 with c ≤ 5: every halving of 5 misses, 0 meets; no value between the last halving and 0 does
    a = arithmetic('kgi g "G" { target <= 0 formula c * c }\nkpi c "C" { target <= 5 }\n')
    tried = record(a)
    assert a.solve("g", "c") == 0
    steps = halvings(F(5))
    assert tried[:len(steps)] == [(x, False) for x in steps[:-1]] + [(F(0), True)]
    assert len(tried) == len(steps) + BISECTIONS


def test_a_goal_with_a_ceiling_is_met_at_or_below_it():
    # c² ≤ 50 with c ≤ 20: 10 gives 100 (misses), 5 gives 25 (meets); the bracket [10, 5] closes on √50
    a = arithmetic('kgi g "G" { target <= 50 formula c * c }\nkpi c "C" { target <= 20 }\n')
    tried = record(a)
    c = a.solve("g", "c")
    assert tried[:2] == [(F(10), False), (F(5), True)]
    assert c * c <= 50 and (c + F(5, 2**BISECTIONS)) ** 2 > 50


def test_a_bisection_keeps_midpoints_whose_denominator_is_at_the_limit():
    # x² ≥ 2 from x ≥ 2⁻⁸⁰ (written out: 5⁸⁰ / 10⁸⁰): 1 + 2⁻⁸⁰ misses, 3 + 2⁻⁸⁰ meets; every midpoint
    # of that bracket, of width 2, has the denominator 2⁸⁰ (BIG_DENOMINATOR), and none is rounded
    x0 = F(1, 2**80)
    a = arithmetic('kgi g "G" { target >= 2 formula x * x }\nkpi x "X" { target >= 0.' + str(5**80).rjust(80, "0") + ' }\n')
    assert a.leaf_ref["x"] == x0
    tried = record(a)
    x = a.solve("g", "x")
    assert tried[:2] == [(x0 + 1, False), (x0 + 3, True)]
    assert x * x >= 2 and (x - F(2, 2**BISECTIONS)) ** 2 < 2
    # each midpoint is x0 plus a multiple of 2⁻⁶⁴ (none rounded to a nearby fraction): the first is x0 + 2
    assert tried[2][0] == x0 + 2
    assert all(((m - x0) * 2**BISECTIONS).denominator == 1 for m, _ in tried)


# ------------------------------------------------------------------ evaluations with min or max


MINMAX = 'kgi g "G" { target >= 6 formula max(x, c) }\nkpi x "X" { target >= 1 }\nkpi c "C" { target <= 2 }\n'


def _tries_to_fail_c() -> int:
    # max(1, c) ≥ 6 with c ≤ 2 is never met: c is halved to near zero and 0, one evaluation each
    return len(halvings(F(2)))


def test_a_formula_with_min_or_max_gets_max_tries_evaluations_and_no_more():
    # max(x, 2) ≥ 6 from x ≥ 1: 2, 4 miss, 8 meets (3 steps), then BISECTIONS halvings of [4, 8] to 6
    solve_x = 3 + BISECTIONS
    per_failure = _tries_to_fail_c()
    failures = (MAX_TRIES - solve_x) // per_failure  # as many failed solves as leave room for x's
    a = arithmetic(MINMAX)
    tried = record(a)
    for _ in range(failures):
        assert a.solve("g", "c") is None
    assert len(tried) == failures * per_failure
    assert a.solve("g", "x") == 6
    assert len(tried) == failures * per_failure + solve_x
    assert a.solve("g", "c") is None  # what is left (less than a whole failure) is spent, and no more
    assert len(tried) == MAX_TRIES
    assert a.solve("g", "x") is None  # the node's evaluations are spent
    assert len(tried) == MAX_TRIES


# ------------------------------------------------------------------ nothing to solve


def test_nothing_to_solve_for_a_node_without_a_target():
    # k = c + d has no target: there is no goal to meet, so no value of c to find
    a = arithmetic('kpi k "K" { formula c + d }\nkpi c "C" { target >= 1 }\nkpi d "D" { target >= 1 }\n')
    assert a.solve("k", "c") is None


def test_nothing_to_solve_in_a_formula_too_large_to_expand():
    # a¹⁷ - b is beyond the degree a term may have: the goal is judged at its targets (1 - 1 < 1) and
    # made an input of its own; a is not among its proof's inputs to solve for, and over a kept whole
    # (a¹⁷ again) the slope cannot be bounded
    a = arithmetic('kgi g "G" { target >= 1 formula ' + " * ".join(["a"] * 17) + ' - b }\n'
                   'kpi a "A" { target >= 1 }\nkpi b "B" { target >= 1 }\n')
    assert a.outcomes["g"].verdict.status == "refuted"
    assert a.solve("g", "a") is None
    assert a.slope("g", "a") == 0


# ------------------------------------------------------------------ slopes


SLOPE = 'kpi a "A" { target >= 10 }\nkpi b "B" { target >= 10 }\n'


def test_the_slope_in_an_input_multiplied_by_zero_is_zero():
    # a·n - b with n ≤ 0 (n is exactly 0): d/da = n = 0 everywhere, d/db = -1
    a = arithmetic('kgi g "G" { target >= 1,000 formula a * n - b }\nkpi n "N" { target <= 0 }\n' + SLOPE)
    assert (a.slope("g", "a"), a.slope("g", "b")) == (0, -1)


def test_a_slope_that_reaches_above_zero_is_not_falling():
    # a·(c - b) with c ≤ 6, b ≥ 5.5: d/da = c - b ranges over (-∞, 6 - 5.5] = (-∞, 1/2]: both signs
    a = arithmetic('kgi g "G" { target >= 1,000 formula a * (c - b) }\nkpi c "C" { target <= 6 }\n'
                   'kpi a "A" { target >= 10 }\nkpi b "B" { target >= 5.5 }\n')
    assert (a.slope("g", "a"), a.slope("g", "b")) == (0, -1)  # d/db = -a ≤ -10


def test_positive_coefficients_over_an_input_below_zero_do_not_make_a_rising_formula():
    # a·n + 5 with n ≤ -5: d/da = n ≤ -5 falls; d/dn = a ≥ 10 rises
    a = arithmetic('kgi g "G" { target >= 1,000 formula a * n + 10 - 5 }\nkpi a "A" { target >= 10 }\n'
                   'kpi n "N" { target <= -5 }\n')
    assert (a.slope("g", "a"), a.slope("g", "n")) == (-1, 1)


def test_a_max_that_may_be_negative_does_not_make_a_rising_formula():
    # max(p, q)·c + 5 with p, q ≤ -5: d/dc = max(p, q) ≤ -5 falls; p inside the max: no sign claimed
    a = arithmetic('kgi g "G" { target >= 1,000 formula max(p, q) * c + 10 - 5 }\nkpi p "P" { target <= -5 }\n'
                   'kpi q "Q" { target <= -5 }\nkpi c "C" { target >= 10 }\n')
    assert (a.slope("g", "c"), a.slope("g", "p")) == (-1, 0)


def test_an_input_both_inside_and_outside_a_max_has_no_sign():
    # max(a, b)·c - a: d/da is c - 1 where a > b and -1 where a < b; d/dc = max(a, b) ≥ 10
    a = arithmetic('kgi g "G" { target >= 1,000 formula max(a, b) * c - a }\nkpi c "C" { target >= 10 }\n' + SLOPE)
    assert (a.slope("g", "a"), a.slope("g", "c")) == (0, 1)


@pytest.mark.parametrize("k,slope_m", [
    ("c - d", 0),   # c ≥ 20, d ≥ 10: k may be negative (20 - 30), though 10 at the targets
    ("c * e", -1),  # e ≤ -5: k = c·e ≤ -100, positive coefficient and all
    ("c + d", 1),   # k ≥ 30
])
def test_the_slope_in_a_formula_node_takes_the_other_nodes_over_their_whole_range(k, slope_m):
    # m·k + 5 with m = a·b ≥ 100: d/dm = k, of k's sign over every accepted value; d/dk = m ≥ 100
    a = arithmetic(f'kgi g "G" {{ target >= 1,000 formula m * k + 10 - 5 }}\nkpi m "M" {{ target >= 100 formula a * b }}\n'
                   f'kpi k "K" {{ formula {k} }}\nkpi c "C" {{ target >= 20 }}\nkpi d "D" {{ target >= 10 }}\n'
                   'kpi e "E" { target <= -5 }\n' + SLOPE)
    assert (a.slope("g", "m"), a.slope("g", "k")) == (slope_m, 1)


def _counting_slopes(a) -> list:
    asked = []
    slopes = a._slopes
    a._slopes = lambda nid, f, kind: (asked.append((nid, kind)), slopes(nid, f, kind))[1]
    return asked


def test_a_polynomial_with_positive_coefficients_in_inputs_never_negative_rises_without_derivatives():
    # a·d/2 + 5: coefficients 1/2 and 5; a ≥ 1/2 and d in [0, 5] never negative: it rises in a and d
    # (d/da = d/2 in [0, 5/2], d/dd = a/2 ≥ 1/4), and no derivative is made to tell
    a = arithmetic('kgi g "G" { target >= 1,000 formula a * d / 2 + 10 - 5 }\nkpi a "A" { target >= 50% }\n'
                   'kpi d "D" { target <= 5 }\nkpi e "E" { target >= 1 }\n')
    asked = _counting_slopes(a)
    assert (a.slope("g", "a"), a.slope("g", "d"), a.slope("g", "e")) == (1, 1, 0)
    assert asked == []


def test_a_formula_node_of_positive_coefficients_rises_without_derivatives():
    # g = m·n + 5 over m = a·b (a, b ≥ 10) and n ≥ 1: m's expansion cannot be negative, so g rises in m
    a = arithmetic('kgi g "G" { target >= 1,000 formula m * n + 10 - 5 }\nkpi m "M" { target >= 100 formula a * b }\n'
                   'kpi n "N" { target >= 1 }\n' + SLOPE)
    asked = _counting_slopes(a)
    assert a.slope("g", "m") == 1
    assert asked == []
    # with m = a - b, which may be negative, the derivative tells: d/dm = n ≥ 1
    a = arithmetic('kgi g "G" { target >= 1,000 formula m * n + 10 - 5 }\nkpi m "M" { target >= 100 formula a - b }\n'
                   'kpi n "N" { target >= 1 }\n' + SLOPE)
    asked = _counting_slopes(a)
    assert a.slope("g", "m") == 1 and asked == [("g", "direct")]


def test_no_slope_in_a_goal_proven_by_ranges_without_an_exact_form():
    # a¹⁷ - b ≥ 2¹⁷ - 1 ≥ 100 (a ≥ 2, b ≤ 1) by ranges alone; a¹⁷ has no exact form: no slope is claimed
    a = arithmetic(f'kgi g "G" {{ target >= 100 formula {A17} - b }}\nkpi a "A" {{ target >= 2 }}\nkpi b "B" {{ target <= 1 }}\n')
    assert a.outcomes["g"].verdict.proven
    assert a.slope("g", "a") == 0


def test_no_slope_where_the_derivative_is_too_large_to_make():
    # a¹⁰ / (a⁸ + b): d/da has the numerator 10a⁹·(a⁸ + b) - a¹⁰·8a⁷, terms in a¹⁷, beyond the degree a
    # term may have: the slope in a cannot be bounded; d/db = -a¹⁰ / (a⁸ + b)² has a¹⁰ alone, falling
    a10, a8 = " * ".join(["a"] * 10), " * ".join(["a"] * 8)
    a = arithmetic(f'kgi g "G" {{ target >= 1,000 formula {a10} / ({a8} + b) }}\n' + SLOPE)
    assert a.expanded("g")
    assert (a.slope("g", "a"), a.slope("g", "b")) == (0, -1)


def _large_quotient(b_target: str, d_target: str):
    # (a0 + … + a19)(c0 + … + c19) / ((b0 + … + b19)(d0 + … + d19)): beyond SMALL_PRODUCT, the slope is
    # bounded part by part, P'/Q - P·Q'/Q², over the divisor's range Q
    n = 20
    a_sum, b_sum, c_sum, d_sum = (" + ".join(f"{x}{i}" for i in range(n)) for x in "abcd")
    body = f'kgi g "G" {{ target >= 1億 formula ({a_sum}) * ({c_sum}) / (({b_sum}) * ({d_sum})) }}\n'
    target = {"a": ">= 1", "b": b_target, "c": ">= 1", "d": d_target}
    body += "".join(f'kpi {x}{i} "X" {{ target {target[x]} }}\n' for x in "abcd" for i in range(n))
    return arithmetic(body)


def test_the_slope_of_a_large_quotient_over_a_divisor_that_may_be_zero_has_no_sign():
    # each b ≤ 1 may be 0: the divisor ranges over [0, 20]·[20, ∞) = [0, ∞)
    a = _large_quotient("<= 1", ">= 1")
    assert (a.slope("g", "a0"), a.slope("g", "b3")) == (0, 0)


def test_the_slope_of_a_large_quotient_over_a_divisor_below_one():
    # b, d ≥ 1%: the divisor is at least 20% × 20% = 4%, never 0 (though it may be 1): rises in a, falls in b
    a = _large_quotient(">= 1%", ">= 1%")
    assert (a.slope("g", "a0"), a.slope("g", "c5"), a.slope("g", "b3"), a.slope("g", "d7")) == (1, 1, -1, -1)


@pytest.mark.parametrize("a_floor,slope", [(100, -1), (1, 0)])
def test_the_slope_of_a_large_quotient_in_an_input_of_both_its_parts(a_floor, slope):
    # g = (x·E + A) / (x·D + B), a rate: x, D = d0 + … + d29 and B = b0 + … + b5 sit in its divisor and
    # are held at their targets, x = 1, D = 30, B = 60, so Q = 90 and Q' = D = 30; E = e0 + … + e29 with
    # each e ≤ 1 gives P' = E in [0, 30]; A = a0 + … + a5 ≥ 6·a_floor gives P ≥ 6·a_floor. Beyond
    # SMALL_PRODUCT ((30 + 30) × (36 + 36) term pairs), the slope is bounded as P'/Q - P·Q'/Q²:
    #   its upper end is 30/90 - 6·a_floor·30/8,100: 1/3 - 20/9 < 0 for a ≥ 100 (falling),
    #   and 1/3 - 2/90 > 0 for a ≥ 1, where it may take either sign (60·E - 30·A ranges over (-∞, 1,620])
    e_sum, d_sum = (" + ".join(f"{x}{i}" for i in range(30)) for x in "ed")
    a_sum, b_sum = (" + ".join(f"{x}{i}" for i in range(6)) for x in "ab")
    body = f'kgi g "G" {{ target 50% formula (x * ({e_sum}) + {a_sum}) / (x * ({d_sum}) + {b_sum}) }}\n'
    body += 'kpi x "X" { target >= 1 }\n' + "".join(f'kpi e{i} "E" {{ target <= 1 }}\nkpi d{i} "D" {{ target >= 1 }}\n'
                                                  for i in range(30))
    body += "".join(f'kpi a{i} "A" {{ target >= {a_floor} }}\nkpi b{i} "B" {{ target >= 10 }}\n' for i in range(6))
    a = arithmetic(body)
    assert a.expanded("g") and a.outcomes["g"].box["x"] == Interval.point(F(1))
    assert a.slope("g", "x") == slope


def test_no_slope_for_a_node_without_a_formula_or_a_comparable_target():
    # g's formula counts 件, its target is in 円: nothing to compare, however the formula rises
    a = arithmetic('kgi g "G" { target >= 1,000円 formula a + b }\nkpi a "A" { target >= 10件 }\n'
                   'kpi b "B" { target >= 10件 }\n')
    assert a.outcomes["g"].mismatch is not None
    assert a.slope("g", "a") == 0
    assert a.slope("a", "b") == 0  # a has no formula


def test_no_slope_in_a_formula_node_whose_direct_form_is_too_large():
    # g expands to 2¹⁷ - b (m = a - a + 2 = 2), but over m kept whole it is m¹⁷ - b: beyond the degree
    # a term may have, so the slope in m cannot be bounded
    a = arithmetic('kgi g "G" { target >= 1 formula ' + " * ".join(["m"] * 17) + ' - b }\n'
                   'kpi m "M" { formula a - a + 2 }\n' + SLOPE)
    assert a.expanded("g") and a.value_at(a.outcomes["g"].sym, {"b": F(10)}) == 2**17 - 10
    assert a.slope("g", "m") == 0
    assert a.slope("g", "b") == -1


# ------------------------------------------------------------------ exact forms


def test_a_formula_node_too_large_to_expand_stands_for_what_its_target_accepts():
    # m = a¹⁷ ≥ 2¹⁷ = 131,072 by its formula, but g's proof takes m over its target's [10⁶, ∞):
    # g = 2m - m ≥ 10⁶ holds there, and would not over [131,072, ∞)
    a = arithmetic(f'kgi g "G" {{ target >= 1,000,000 formula m * 2 - m }}\n'
                   f'kpi m "M" {{ target >= 1,000,000 formula {A17} }}\nkpi a "A" {{ target >= 2 }}\n')
    assert a.outcomes["m"].value.rng.lo == 2**17
    assert a.leaf_box["m"] == Interval(F(10**6), INF)
    assert a.outcomes["g"].verdict.proven
    assert a.outcomes["m"].verdict.status == "refuted"  # 2¹⁷ at the targets misses 10⁶


def test_an_input_has_no_exact_form_of_its_own():
    a = arithmetic('kgi g "G" { target >= 100 formula a * 2 - a }\n' + SLOPE)
    assert a.expanded("g") and not a.expanded("a") and not a.expanded("nothing")


def test_a_target_beyond_the_number_range_is_no_input():
    a = arithmetic('kpi x "X" { target >= 1e1001 }\nkpi y "Y" { target >= 5 }\n')
    assert "x" not in a.env and "x" not in a.leaf_box
    assert "y" in a.leaf_box and a.leaf_ref["y"] == 5


def test_a_formula_node_whose_target_is_beyond_the_number_range_has_no_exact_form():
    # m's target cannot be read (10¹⁰⁰¹ is beyond the limit): m is neither judged nor an input
    a = arithmetic('kgi g "G" { target >= 1 formula m + 1 }\nkpi m "M" { target >= 1e1001 formula a * 2 }\n'
                   'kpi a "A" { target >= 1 }\n')
    assert a.outcomes["m"].error is not None
    assert a.sym_of("m") is None and "m" not in a.leaf_box


def test_each_formula_node_is_expanded_at_most_once():
    # Expansions spend one budget for the whole plan: a node expanded again (made, failed or made an
    # input) would spend it again. m1, m2 expand; big fails (a¹⁷); dem fails and becomes an input.
    a = arithmetic(f'kpi m1 "M1" {{ formula a * b }}\nkpi m2 "M2" {{ formula m1 + a }}\nkpi big "B" {{ formula {A17} }}\n'
                   f'kpi dem "D" {{ target >= 10 formula {A17} - b }}\n'
                   'kpi x1 "X1" { formula m2 - m1 }\nkpi x2 "X2" { formula big + 1 }\nkpi x3 "X3" { formula big + 2 }\n'
                   'kpi x4 "X4" { formula dem + 1 }\nkpi a "A" { target >= 1 }\nkpi b "B" { target >= 1 }\n')
    assert "dem" in a.leaf_box  # made an input while its own target was judged
    expanded = []
    expand = a._expand
    a._expand = lambda nid: (expanded.append(nid), expand(nid))
    assert a.value_at(a.sym_of("m2"), {"a": F(2), "b": F(3)}) == 2 * 3 + 2
    assert sorted(expanded) == ["m1", "m2"]
    assert a.value_at(a.sym_of("x1"), {"a": F(2), "b": F(3)}) == 2  # (ab + a) - ab
    assert sorted(expanded) == ["m1", "m2", "x1"]
    assert a.sym_of("x2") is None and a.sym_of("x3") is None  # big fails once, and both with it
    assert sorted(expanded) == ["big", "m1", "m2", "x1", "x2", "x3"]
    assert a.value_at(a.sym_of("x4"), {"dem": F(10)}) == 11
    assert sorted(expanded) == ["big", "m1", "m2", "x1", "x2", "x3", "x4"]
    assert a.sym_of("m2") is a.sym["m2"] and len(expanded) == 7


def test_a_chain_of_nodes_each_using_the_last_twice_is_walked_once(monkeypatch):
    # n_k = n_{k-1} + n_{k-1}: n_30 = 2³⁰·a. Walking the chain node by node (not path by path, 2³⁰
    # of them) reads each formula's references twice: once to find what to expand, once expanding it.
    from kpispec.analysis import arithmetic as module

    depth = 30
    body = 'kpi a "A" { target >= 1 }\nkpi n0 "N" { formula a }\n'
    body += "".join(f'kpi n{k} "N" {{ formula n{k - 1} + n{k - 1} }}\n' for k in range(1, depth + 1))
    a = arithmetic(body)
    reads = []
    refs_of = module.refs_of
    monkeypatch.setattr(module, "refs_of", lambda expr: reads.append(expr) or refs_of(expr))
    assert a.value_at(a.sym_of(f"n{depth}"), {"a": F(3)}) == 3 * 2**depth
    assert len(reads) <= 3 * (depth + 1)  # a walk path by path would read them 2³⁰ times


def test_a_held_denominator_stays_an_input_at_its_target():
    # orders / sessions defines a rate: sessions (an input) is held at 1,000 in the proof, as an input
    a = arithmetic('kpi cvr "CVR" { target 2% formula orders / sessions }\nkpi sessions "S" { target >= 1,000 }\n'
                   'kpi orders "O" { target >= 20 }\n')
    assert a.expanded("cvr")
    assert a.outcomes["cvr"].box == {"orders": Interval(F(20), INF), "sessions": Interval.point(F(1000))}
    assert a.inputs("cvr") == ["orders", "sessions"]


@pytest.mark.parametrize("target,status", [("200件", "proven"), ("201件", "refuted")])
def test_a_total_against_a_rate_over_half_a_year_is_doubled_in_its_exact_form(target, status):
    # t + x - x over April to September: 1,200 in half a year is 2,400 a year, 200 a month; ranges
    # cannot tell (x - x), so the exact form, 2t, decides
    a = arithmetic(f'kgi h "H" {{ target {target} per month formula t + x - x start 2026-04-01 deadline 2026-09-30 }}\n'
                   'kpi t "T" { target 1,200件 }\nkpi x "X" { target >= 1件 }\n')
    h = a.outcomes["h"]
    assert h.factor == 2 and a.value_at(h.sym, {"t": F(1200)}) == 2_400
    assert h.verdict.status == status


def test_the_inputs_of_a_proof_follow_the_formulas_through_formula_nodes():
    # z * m * p with m = b * a: z, then m's b and a, as written; the param p is a constant
    a = arithmetic('param p = 3\nkgi g "G" { target >= 1,000 formula z * m * p }\nkpi m "M" { formula b * a }\n'
                   'kpi z "Z" { target >= 1 }\nkpi a "A" { target >= 1 }\nkpi b "B" { target >= 1 }\n')
    assert a.inputs("g") == ["z", "b", "a"]


# ------------------------------------------------------------------ proofs with other targets


def test_a_proof_with_a_range_that_leaves_the_target_starts_from_the_ranges_lower_end():
    # cvr between 1% and 1.5%, its target 2% outside: the goal misses at cvr's lower end, 1%
    # (1,200,000 × 1% × 4,000 = 4,800万 a year, below 12,000万), where the proof starts
    a = arithmetic('kgi rev "R" { target 1,000万円 per month formula visitors * cvr * aov }\n'
                   'kpi visitors "V" { target 100,000 per month }\nkpi cvr "C" { target 2% }\nkpi aov "A" { target 4,000円 }\n')
    verdict = a.proof_with_ranges("rev", {"cvr": Interval(F(1, 100), F(3, 200))})
    assert verdict.status == "refuted"
    assert verdict.witness == {"visitors": 1_200_000, "cvr": F(1, 100), "aov": 4_000}


def test_a_proof_with_a_lower_ceiling_starts_from_the_new_ceiling():
    # c + w ≥ 100 with c ≤ 4 (was 10) and w ≥ 5: it misses everywhere, first at the targets, c = 4 and
    # w = 5 (9), where the proof starts; not at c = 0, the other end of what c ≤ 4 accepts
    a = arithmetic('kgi g "G" { target >= 100 formula c + w }\nkpi c "C" { target <= 10 }\nkpi w "W" { target >= 5 }\n')
    verdict = a.proof_with("g", {"c": F(4)})
    assert verdict.status == "refuted" and verdict.witness == {"c": 4, "w": 5}


# ------------------------------------------------------------------ asserts


@pytest.mark.parametrize("statement,holds,status", [
    ("m >= 1", True, "proven"),    # m = a¹⁷ ≥ 1 by ranges: its least value is 1
    ("1 <= m", True, "proven"),
    ("m >= 2", False, "unknown"),  # ranges cannot tell, and m has no exact form: not shown to hold
])
def test_an_assert_proven_by_ranges_needs_no_exact_form(statement, holds, status):
    a = arithmetic(f'kpi m "M" {{ formula {A17} }}\nkpi a "A" {{ target >= 1 }}\nassert {statement}\n')
    (out,) = a.asserts
    assert (out.holds, out.verdict.status) == (holds, status)


def test_an_assert_over_a_cycle_is_not_judged():
    a = arithmetic('kpi x "X" { formula y }\nkpi y "Y" { formula x }\nassert x >= 1\n')
    (out,) = a.asserts
    assert out.error is None and out.verdict is None and out.left is None
