"""The arithmetic layer's parts, each against values worked out by hand (or with Fraction here).

Base units: an amount per period is per year (100件 per month is 1,200 per year), a percentage is
a fraction (2% is 1/50), a currency amount is itself.
"""

from __future__ import annotations

from datetime import date
from fractions import Fraction as F

import pytest

from kpispec import months as calendar
from kpispec.analysis.arithmetic import Window, held_at_target, references
from kpispec.api import analyze_text
from kpispec.checks.base import Context
from kpispec.interval import INF, Interval

PLAN = 'plan p "P" { period 2026-04-01 to 2027-03-31 }\n'


def arithmetic(body: str, checks: bool = True):
    result = analyze_text("p.kpi", PLAN + body, checks=checks)
    return Context(result.plan).arithmetic, result


def param_expr(text: str):
    result = analyze_text("p.kpi", PLAN + "param a = 1\nparam b = 1\nparam c = 1\nparam d = 1\nparam e = 1\n"
                          f"param x = {text}\n", checks=False)
    return result.plan.params["x"].expr


# ------------------------------------------------------------------ references and held inputs

@pytest.mark.parametrize("formula,expected", [
    ("a - b / (c - d)", [("a", False), ("b", False), ("c", True), ("d", True)]),
    ("-(a / b) * c", [("a", False), ("b", True), ("c", False)]),
    ("sum(a, b / c, max(d, e))", [("a", False), ("b", False), ("c", True), ("d", False), ("e", False)]),
    ("a / (b * (c + d / e))", [("a", False), ("b", True), ("c", True), ("d", True), ("e", True)]),
    ("a + a", [("a", False), ("a", False)]),
])
def test_references_in_order_with_whether_they_divide(formula, expected):
    assert [(r.name.text, divisor) for r, divisor in references(param_expr(formula))] == expected


def _node(body, nid):
    a, result = arithmetic(body)
    return result.plan.nodes[nid], result.plan.nodes


@pytest.mark.parametrize("target,formula,sessions,held", [
    ("2%", "orders / sessions", ">= 1,000", {"sessions"}),   # a rate's definition holds its denominator
    ("2%", "orders / sessions", "<= 1,000", set()),          # a ceiling in a divisor may fall: not held
    ("20件", "orders / sessions * 1,000", ">= 1,000", set()),  # not a percentage: nothing held
    ("2%", "sessions / orders", ">= 1,000", {"orders"}),     # whichever input divides
    ("2%", "orders / visits", ">= 1,000", set()),            # a divisor without a target is nothing to hold
])
def test_a_rate_holds_its_growing_denominator_at_its_target(target, formula, sessions, held):
    node, nodes = _node(f'kpi cvr "CVR" {{ target {target} formula {formula} }}\n'
                        f'kpi sessions "S" {{ target {sessions} }}\nkpi orders "O" {{ target >= 20 }}\n'
                        'kpi visits "V" { formula sessions * 2 }\n', "cvr")
    assert held_at_target(node, nodes) == held


@pytest.mark.parametrize("sessions", [
    'kpi sessions "S" { target >= 1,000 }',                                  # an input of the proof
    'kpi sessions "S" { target >= 1,000 formula visits * 2 }\nkpi visits "V" { target >= 500 }',  # a formula node
])
def test_a_rate_defined_over_a_held_denominator_is_proven_at_its_target(sessions):
    # 20 orders over 1,000 sessions is 2%; were sessions free to grow, the rate could fall to 0. Written
    # so that ranges alone cannot tell (x - x): the exact proof, over orders / sessions, must hold it.
    formula = "(orders + x - x) / sessions"
    a, _ = arithmetic(f'kpi cvr "CVR" {{ target 2% formula {formula} }}\n{sessions}\nkpi orders "O" {{ target >= 20 }}\n'
                      'kpi x "X" { target >= 1 }\n')
    assert a.outcomes["cvr"].verdict.proven
    a, _ = arithmetic(f'kpi cvr "CVR" {{ target 3% formula {formula} }}\n{sessions}\nkpi orders "O" {{ target >= 20 }}\n'
                      'kpi x "X" { target >= 1 }\n')
    assert a.outcomes["cvr"].verdict.status == "refuted"


# ------------------------------------------------------------------ windows

@pytest.mark.parametrize("start,end,months", [
    (date(2026, 4, 1), date(2026, 12, 31), F(9)),  # whole months count as months
    (date(2026, 4, 15), date(2027, 3, 1), F(16, 30) + 10 + F(1, 31)),  # 16 of April's 30 days, 1 of March's 31
    (date(2026, 4, 1), date(2026, 4, 1), F(1, 30)),  # one day of April
    (date(2025, 12, 31), date(2026, 1, 1), F(1, 31) + F(1, 31)),
    (date(2024, 1, 1), date(2026, 12, 31), F(36)),
    (date(2026, 7, 31), date(2027, 3, 1), F(1, 31) + 7 + F(1, 31)),  # about 7 months, not 9
    (date(2028, 2, 1), date(2028, 2, 14), F(14, 29)),  # February of a leap year has 29 days
    (date(2027, 2, 1), date(2027, 2, 14), F(14, 28)),
])
def test_months_are_counted_by_days_where_a_month_is_partly_inside(start, end, months):
    assert calendar.month_count(start, end) == months
    assert sum(share for _, share in calendar.months(start, end)) == months  # the walk and the formula agree


def test_a_window_runs_from_the_node_start_or_the_plan_start_to_its_deadline_or_the_plan_end():
    a, result = arithmetic('kpi x "X" { target >= 1 }\n'
                           'kpi y "Y" { target >= 1 start 2026-07-01 }\n'
                           'kpi z "Z" { target >= 1 deadline 2026-09-30 }\n'
                           'kpi w "W" { target >= 1 start 2026-10-01 deadline 2026-09-30 }\n'
                           'kpi v "V" { target >= 1 start 2026-10-01 deadline 2026-10-01 }\n')
    nodes = result.plan.nodes
    assert a.window(nodes["x"]) == Window(date(2026, 4, 1), date(2027, 3, 31), 12)
    assert a.window(nodes["y"]) == Window(date(2026, 7, 1), date(2027, 3, 31), 9)
    assert a.window(nodes["z"]) == Window(date(2026, 4, 1), date(2026, 9, 30), 6)
    assert a.window(nodes["w"]) is None  # ends before it starts
    assert a.window(nodes["v"]).months == F(1, 31)  # one day of October is a window
    assert a.window(nodes["v"]).days == 1
    assert Window(date(2026, 4, 1), date(2026, 9, 30), 6).years == F(1, 2)


def test_a_plan_without_a_period_has_no_window():
    result = analyze_text("p.kpi", 'plan p "P" { owner "x" }\nkpi x "X" { target >= 1 }\n'
                          'kpi y "Y" { target >= 1 deadline 2026-09-30 }\nkpi z "Z" { target >= 1 start 2026-09-30 }\n')
    a = Context(result.plan).arithmetic
    assert [a.window(result.plan.nodes[n]) for n in "xyz"] == [None, None, None]  # an end or a start alone is no window


def test_a_rate_over_its_held_denominator_ranges_from_its_target():
    # the formula's range, with sessions held at 1,000: orders ≥ 20 gives [2%, ∞), not [0, ∞)
    a, _ = arithmetic('kpi cvr "CVR" { target 2% formula orders / sessions }\nkpi sessions "S" { target >= 1,000 }\n'
                      'kpi orders "O" { target >= 20 }\n')
    rng = a.outcomes["cvr"].value.rng
    assert (rng.lo, rng.hi) == (F(1, 50), INF)


def test_a_rate_against_a_total_is_counted_over_the_window_and_a_total_against_a_rate_divided_by_it():
    a, _ = arithmetic('kgi g "G" { target 600件 formula m deadline 2026-09-30 }\n'
                      'kpi m "M" { target 100件 per month }\n'
                      'kgi h "H" { target 50件 per month formula t }\n'
                      'kpi t "T" { target 1,200件 }\n')
    g, h = a.outcomes["g"], a.outcomes["h"]
    assert g.conversion == "rate-to-total" and g.factor == F(6, 12) and g.value.pt == 600  # 1,200 a year × 6/12
    assert g.verdict.proven
    assert h.conversion == "total-to-rate" and h.factor == F(12, 12) and h.value.pt == 1_200  # per year: 100 a month
    assert h.verdict.proven
    a, _ = arithmetic('kgi g "G" { target 601件 formula m deadline 2026-09-30 }\nkpi m "M" { target 100件 per month }\n')
    assert a.outcomes["g"].verdict.status == "refuted"


def test_a_total_against_a_rate_over_half_a_year():
    a, _ = arithmetic('kgi h "H" { target 200件 per month formula t start 2026-04-01 deadline 2026-09-30 }\n'
                      'kpi t "T" { target 1,200件 }\n')
    h = a.outcomes["h"]
    assert h.factor == 2 and h.value.pt == 2_400  # 1,200 over half a year is 2,400 a year: 200 a month
    assert h.verdict.proven


# ------------------------------------------------------------------ what a target accepts

def test_the_range_a_target_accepts():
    a, _ = arithmetic('kpi up "U" { target >= 5 }\nkpi down "D" { target <= 5 }\n')
    assert a.accepted_range("up", F(7)) == Interval(F(7), INF)
    assert a.accepted_range("down", F(3)) == Interval(F(0), F(3))
    assert a.accepted_range("down", F(-3)) == Interval(-INF, F(-3))
    assert a.accepted_range("down", F(0)) == Interval(F(0), F(0))


# ------------------------------------------------------------------ solving for one input

FUNNEL = ('kgi rev "売上" { target 1,000万円 per month formula visitors * cvr * aov }\n'
          'kpi visitors "訪問" { target 100,000 per month }\nkpi cvr "CVR" { target 2% }\n'
          'kpi aov "単価" { target 4,000円 }\n')


def test_solving_a_funnel_for_each_input_gives_the_exact_value_that_meets_the_goal():
    a, _ = arithmetic(FUNNEL)
    goal = F(10_000_000 * 12)  # per year
    assert a.outcomes["rev"].verdict.status == "refuted"
    assert a.solve("rev", "cvr") == goal / (100_000 * 12 * 4_000)  # 2.5%
    assert a.solve("rev", "cvr") == F(1, 40)
    assert a.solve("rev", "visitors") == goal / (F(1, 50) * 4_000)  # 125,000 a month, per year
    assert a.solve("rev", "aov") == goal / (100_000 * 12 * F(1, 50))  # 5,000円
    assert a.inputs("rev") == ["visitors", "cvr", "aov"]


def test_solving_a_ceiling_input_downwards():
    a, _ = arithmetic('kgi profit "利益" { target 3,100万円 per month formula orders * (aov - cpa) }\n'
                      'kpi orders "受注" { target 10,000件 per month }\nkpi aov "単価" { target 8,000円 }\n'
                      'kpi cpa "CPA" { target <= 5,000円 }\n')
    # 10,000 × (8,000 − cpa) = 3,100万 at cpa = 4,900; the floor inputs: aov 8,100, orders 10,333⅓ a month
    assert a.solve("profit", "cpa") == 4_900
    assert a.solve("profit", "aov") == 8_100
    assert a.solve("profit", "orders") == F(31_000_000 * 12, 3_000)


def test_solving_a_nonlinear_goal_gives_a_value_that_passes_close_to_the_root():
    a, _ = arithmetic('kgi g "G" { target >= 100 formula x * x }\nkpi x "X" { target >= 8 }\n')
    x = a.solve("g", "x")
    # doubling from 8 brackets the root in [8, 16]; halving the bracket reaches 10 exactly at the second step
    assert x == 10
    assert a.passes_with("g", {"x": x}) and not a.passes_with("g", {"x": F(99, 10)})


def test_solving_a_ceiling_squared_in_a_divisor_halves_towards_zero():
    a, _ = arithmetic('kgi g "G" { target >= 100 formula 10,000 / (c * c) }\nkpi c "C" { target <= 20 }\n')
    assert a.solve("g", "c") == 10  # 20 misses (25), its half 10 meets (100), and no value between does


def test_solving_a_ceiling_below_zero_steps_further_down():
    # 100 + loss² ≥ 200 with loss ≤ −5: 125 misses; one step of 5 down, −10, gives exactly 200
    a, _ = arithmetic('kgi g "G" { target >= 200 formula 100 + loss * loss }\nkpi loss "L" { target <= -5 }\n')
    assert a.outcomes["g"].verdict.status == "refuted"
    assert a.solve("g", "loss") == -10


def test_solving_for_a_goal_with_a_ceiling():
    # cost = cpa × orders ≤ 100万円, both ceilings: at 5,000円 × 300 it is 150万
    a, _ = arithmetic('kgi cost "費用" { target <= 100万円 formula cpa * orders }\n'
                      'kpi cpa "CPA" { target <= 5,000円 }\nkpi orders "件数" { target <= 300件 }\n')
    assert a.outcomes["cost"].verdict.status == "refuted"
    assert a.solve("cost", "cpa") == F(1_000_000, 300)
    assert a.solve("cost", "orders") == 200


def test_a_node_gets_at_most_its_share_of_proofs_for_its_help():
    from kpispec.analysis.arithmetic import MAX_PROOFS

    n = MAX_PROOFS + 6
    body = f'kgi g "G" {{ target >= 2 formula {" * ".join(f"x{i}" for i in range(n))} }}\n'
    body += "".join(f'kpi x{i} "X" {{ target >= 1 }}\n' for i in range(n))
    a, _ = arithmetic(body)
    solved = [a.solve("g", f"x{i}") for i in range(n)]
    assert solved[:MAX_PROOFS] == [2] * MAX_PROOFS  # each alone at 2 doubles the product
    assert solved[MAX_PROOFS:] == [None] * 6


def test_solving_a_ceiling_in_a_divisor_halves_towards_zero():
    a, _ = arithmetic('kgi g "G" { target >= 10 formula 100 / c }\nkpi c "C" { target <= 20 }\n')
    c = a.solve("g", "c")
    assert c is not None and 100 / c >= 10 and 10 - c < F(1, 10**6)  # the root is 10


def test_nothing_to_solve_where_the_goal_is_met_or_the_input_is_not_in_it():
    a, _ = arithmetic(FUNNEL.replace("target 1,000万円", "target 800万円"))
    assert a.outcomes["rev"].verdict.proven
    assert a.solve("rev", "cvr") is None
    a, _ = arithmetic(FUNNEL + 'kpi other "O" { target 5 }\n')
    assert a.solve("rev", "other") is None


def test_a_proof_again_with_changed_targets():
    a, _ = arithmetic(FUNNEL)
    assert not a.passes_with("rev", {"cvr": F(249, 10_000)})
    assert a.passes_with("rev", {"cvr": F(1, 40)})
    assert a.passes_with("rev", {"aov": F(5_000)})
    assert a.proof_with("rev", {"aov": F(4_999)}).status == "refuted"


# ------------------------------------------------------------------ slopes

@pytest.mark.parametrize("formula,slopes", [
    ("a - b", {"a": 1, "b": -1}),
    ("a / b", {"a": 1, "b": -1}),
    ("a / (a + b)", {"a": 1, "b": -1}),      # d/da = b/(a+b)² > 0, d/db = -a/(a+b)² < 0
    ("a * (b - 20)", {"a": 0, "b": 1}),      # b - 20 takes both signs over b ≥ 10: a's effect changes sign
    ("a + b", {"a": 1, "b": 1}),
    ("(a - 100) * b", {"a": 1, "b": 0}),     # a - 100 takes both signs over a ≥ 10: b's effect changes sign
])
def test_the_slope_of_a_goal_in_each_input(formula, slopes):
    a, _ = arithmetic(f'kgi g "G" {{ target >= 1,000 formula {formula} }}\n'
                      'kpi a "A" { target >= 10 }\nkpi b "B" { target >= 10 }\n')
    assert {v: a.slope("g", v) for v in slopes} == slopes


@pytest.mark.parametrize("formula,expected", [
    ("min(a, b) + c", 1),     # built of +, × and min over inputs that cannot be negative: rises in a
    ("min(a, d) + c", 1),     # d is a ceiling, from 0: still never negative
    ("max(a, 0) * c", 1),     # a zero is not negative
    ("max(a, 0 - 1) * c", 0),  # a minus: the structure says nothing, and min/max hide the slope
    ("-min(a, b) + 100", 0),  # negated: never claimed rising
])
def test_the_slope_of_a_formula_rising_by_its_structure(formula, expected):
    a, _ = arithmetic(f'kgi g "G" {{ target >= 1,000 formula {formula} }}\n'
                      'kpi a "A" { target >= 10 }\nkpi b "B" { target >= 10 }\nkpi c "C" { target >= 10 }\n'
                      'kpi d "D" { target <= 5 }\n')
    assert a.slope("g", "a") == expected


def test_the_slope_in_a_formula_node_that_cannot_be_negative_and_one_that_can():
    # `- 5` hides the structure; expanded over its direct inputs, g is m·n + 5 with positive coefficients
    body = ('kgi g "G" {{ target >= 1,000 formula m * n + 10 - 5 }}\n'
            'kpi m "M" {{ target >= 100 formula {m} }}\nkpi n "N" {{ target >= 1 }}\n'
            'kpi a "A" {{ target >= 10 }}\nkpi b "B" {{ target >= 10 }}\n')
    a, _ = arithmetic(body.format(m="a * b"))
    assert (a.slope("g", "m"), a.slope("g", "n")) == (1, 1)
    a, _ = arithmetic(body.format(m="a - b"))  # m may be negative: n's effect has its sign
    assert a.slope("g", "n") == 0


@pytest.mark.parametrize("formula", ["a - b", "m * n + 10 - 5"])  # falling in b; rising in all
def test_the_slope_in_an_input_the_goal_does_not_use_is_zero(formula):
    a, _ = arithmetic(f'kgi g "G" {{ target >= 1,000 formula {formula} }}\n'
                      'kpi m "M" { target >= 100 formula a * b }\nkpi n "N" { target >= 1 }\n'
                      'kpi a "A" { target >= 10 }\nkpi b "B" { target >= 10 }\nkpi other "O" { target >= 1 }\n')
    assert a.slope("g", "other") == 0


def test_the_slope_of_a_negated_input():
    a, _ = arithmetic('kgi g "G" { target >= 1 formula -a + 100 * b }\nkpi a "A" { target >= 10 }\nkpi b "B" { target >= 10 }\n')
    assert (a.slope("g", "a"), a.slope("g", "b")) == (-1, 1)


def test_the_slope_in_a_large_quotient_is_bounded_part_by_part():
    # (a1 + … + a20)(c1 + … + c20) / ((b1 + … + b20)(d1 + … + d20)): the slope's numerator would take
    # 20 × (400 + 400) products, beyond SMALL_PRODUCT: it rises in each a and c, and falls in each b and d
    n = 20
    a_sum, b_sum, c_sum, d_sum = (" + ".join(f"{x}{i}" for i in range(n)) for x in "abcd")
    body = f'kgi g "G" {{ target >= 1億 formula ({a_sum}) * ({c_sum}) / (({b_sum}) * ({d_sum})) }}\n'
    body += "".join(f'kpi {x}{i} "X" {{ target >= 1 }}\n' for x in "abcd" for i in range(n))
    a, _ = arithmetic(body, checks=False)
    assert (a.slope("g", "a0"), a.slope("g", "c5"), a.slope("g", "b3")) == (1, 1, -1)


def test_the_slope_through_a_formula_node():
    a, _ = arithmetic('kgi g "G" { target >= 1,000 formula 500 - m }\n'
                      'kpi m "M" { target <= 100 formula a * b }\nkpi a "A" { target >= 10 }\nkpi b "B" { target >= 10 }\n')
    assert a.slope("g", "m") == -1
    assert a.slope("g", "a") == -1 and a.slope("g", "b") == -1


# ------------------------------------------------------------------ asserts

@pytest.mark.parametrize("statement,holds", [
    ("a >= b", True), ("a > b", True), ("b >= a", False), ("b > a", False),
    ("a >= e", True), ("a > e", False), ("e <= a", True), ("e < a", False),  # a ≥ 30 and e ≤ 30 meet at 30
    ("b <= a", True), ("b < a", True), ("a <= b", False), ("a < b", False),
    ("a == a", True), ("a == b", False), ("b * 2 == c", False),
])
def test_asserts_over_every_accepted_value(statement, holds):
    # a ≥ 30 and b ≤ 20 (and ≥ 0): a > b always; c ≥ 40 is not always b * 2
    a, _ = arithmetic(f'kpi a "A" {{ target >= 30 }}\nkpi b "B" {{ target <= 20 }}\nkpi c "C" {{ target >= 40 }}\n'
                      f'kpi e "E" {{ target <= 30 }}\n'
                      f'assert {statement}\n')
    (out,) = a.asserts
    assert out.holds == holds, out.verdict


def test_an_equality_assert_of_a_point_holds():
    a, _ = arithmetic('param k = 5\nparam j = 10 / 2\nassert k == j\n')
    assert a.asserts[0].holds


# ------------------------------------------------------------------ formulas too large to expand

def _huge(target: str, extra: str = "", comparator: str = ">=", inputs: str = ">= 1") -> object:
    """(a0 + … + a149)(b0 + … + b149): 22,500 terms, beyond MAX_TERMS (20,000); 150² at the targets."""
    formula = " * ".join("(" + " + ".join(f"{x}{i}" for i in range(150)) + ")" for x in "ab") + extra
    body = f'kgi g "G" {{ target {comparator} {target} formula {formula} }}\n'
    body += "".join(f'kpi {x}{i} "X" {{ target {inputs} }}\n' for x in "ab" for i in range(150))
    body += 'kpi e "E" { target >= 1 }\n'
    a, _ = arithmetic(body, checks=False)
    return a.outcomes["g"].verdict


def test_a_formula_too_large_to_expand_is_judged_at_its_targets():
    assert _huge(str(150**2 - 5)).proven                       # every input at its floor: the least it can be
    assert _huge(str(150**2)).proven                           # its least value meets the target exactly
    verdict = _huge(str(150**2 + 1))                           # the targets themselves miss
    assert verdict.status == "refuted" and verdict.witness == {} and not verdict.unbounded
    verdict = _huge(str(150**2 - 5), " - e")                   # met at the targets, but e may grow: unknown
    assert verdict.status == "unknown" and verdict.reason == "size"
    assert _huge(str(150**2 - 1), " - e").status == "unknown"  # met exactly at the targets: still unknown
    assert _huge(str(150**2), " - e").status == "refuted"      # 150² − 1 at the targets misses 150²
    # the same for a ceiling over ceilings (each input ≤ 1: the product is at most 150²)
    assert _huge(str(150**2), comparator="<=", inputs="<= 1").proven
    assert _huge(str(150**2 + 1), " + e", comparator="<=", inputs="<= 1").status == "unknown"
    assert _huge(str(150**2), " + e", comparator="<=", inputs="<= 1").status == "refuted"


def test_a_formula_node_too_large_to_expand_is_an_input_of_the_goals_it_feeds():
    # m cannot be expanded: g's proof takes m over what m's own target accepts, [150², ∞)
    huge = " * ".join("(" + " + ".join(f"{x}{i}" for i in range(150)) + ")" for x in "ab")
    body = (f'kgi g "G" {{ target >= {2 * 150**2} formula m * 2 - m + m }}\n'
            f'kpi m "M" {{ target >= {150**2} formula {huge} }}\n')
    body += "".join(f'kpi {x}{i} "X" {{ target >= 1 }}\n' for x in "ab" for i in range(150))
    a, _ = arithmetic(body, checks=False)
    assert a.outcomes["g"].verdict.proven


@pytest.mark.parametrize("formula,target,proven", [
    ("max(2, 7) * a - a + a", "70", True),     # constants under max and min are folded: 7a
    ("min(2, 7) * a - a + a", "21", False),    # 2a: 20 at a = 10
    ("min(2, 7) * a - a + a", "20", True),
    ("sum(a, b) - a + a", "21", False),        # a + b: 20 at the targets
    ("sum(a, b) - a + a", "20", True),
])
def test_the_exact_form_of_sum_min_and_max(formula, target, proven):
    # `- a + a` keeps ranges from proving it: the exact form decides
    a, _ = arithmetic(f'kgi g "G" {{ target >= {target} formula {formula} }}\n'
                      'kpi a "A" { target >= 10 }\nkpi b "B" { target >= 10 }\n', checks=False)
    assert a.outcomes["g"].verdict.proven is proven
