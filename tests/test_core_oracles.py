"""The core's primitives and each rule's numbers against oracles worked out independently.

Intervals are checked against their definition (the least and greatest of the exact operation over
the end points, with Fraction) and against points sampled inside; periods against the calendar
conventions written out here (1 year = 12 months = 4 quarters = 365 days, a week 7 days); each rule's
suggested value is recomputed by hand in the test. These are the tests that kill the bugs planted
in issue 9 (bench/mutate.py --planted re-plants them).
"""

from __future__ import annotations

import random
import re
from fractions import Fraction as F

import pytest

from kpispec.api import analyze_text
from kpispec.dimension import DIMENSIONLESS, PER_TIME, TIME, YEARS, Dim, currency
from kpispec.diagnostics import Span
from kpispec.evaluate import _MAX_BITS, _bounded, base, from_base, in_written_units
from kpispec.interval import INF, DivisionByZero, Interval
from kpispec.ir import Value
from kpispec.units import unit_of

PLAN = 'plan p "P" { period 2026-04-01 to 2027-03-31 }\n'


def diags(text, code=None):
    result = analyze_text("p.kpi", PLAN + text)
    return [d for d in result.diagnostics if code is None or d.code == code]


# ------------------------------------------------------------------ intervals

def _endpoints(op, a: Interval, b: Interval):
    values = [op(x, y) for x in (a.lo, a.hi) for y in (b.lo, b.hi)]
    return min(values), max(values)


def _random_interval(rng, allow_zero=True):
    while True:
        lo = F(rng.randint(-40, 40), rng.randint(1, 6))
        hi = lo + F(rng.randint(0, 40), rng.randint(1, 6))
        if allow_zero or not (lo <= 0 <= hi):
            return Interval(lo, hi)


OPS = {
    "+": (lambda a, b: a + b, lambda x, y: x + y),
    "-": (lambda a, b: a - b, lambda x, y: x - y),
    "*": (lambda a, b: a * b, lambda x, y: x * y),
    "min": (lambda a, b: a.minimum(b), min),
    "max": (lambda a, b: a.maximum(b), max),
}


@pytest.mark.parametrize("name", list(OPS))
def test_an_interval_operation_is_exactly_the_range_of_the_operation_over_its_end_points(name):
    interval_op, exact = OPS[name]
    rng = random.Random(name)
    for _ in range(300):
        a, b = _random_interval(rng), _random_interval(rng)
        got = interval_op(a, b)
        assert (got.lo, got.hi) == _endpoints(exact, a, b), (a, b)
        for _ in range(3):  # and every value inside is inside
            x = a.lo + (a.hi - a.lo) * F(rng.randint(0, 8), 8)
            y = b.lo + (b.hi - b.lo) * F(rng.randint(0, 8), 8)
            assert got.lo <= exact(x, y) <= got.hi


def test_division_by_an_interval_away_from_zero_is_the_range_over_the_end_points():
    rng = random.Random(7)
    for _ in range(300):
        a, b = _random_interval(rng), _random_interval(rng, allow_zero=False)
        got = a / b
        assert (got.lo, got.hi) == _endpoints(lambda x, y: x / y, a, b), (a, b)


def test_subtraction_takes_the_far_ends_of_the_subtrahend():
    # [10, 20] - [1, 5] runs from 10 - 5 to 20 - 1
    assert Interval(F(10), F(20)) - Interval(F(1), F(5)) == Interval(F(5), F(19))
    assert Interval(F(1), INF) - Interval(F(0), F(5)) == Interval(F(-4), INF)
    assert Interval(F(0), F(3)) - Interval(F(1), INF) == Interval(-INF, F(2))


@pytest.mark.parametrize("a,b,expected", [
    ((1, 2), (0, 4), (F(1, 4), INF)),       # a divisor that can be as small as we like: no upper end
    ((-2, -1), (0, 4), (-INF, F(-1, 4))),
    ((-1, 2), (0, 4), (-INF, INF)),
    ((0, 0), (0, 4), (F(0), F(0))),
    ((1, 2), (-1, 1), (-INF, INF)),         # a divisor that changes sign
    ((-1, F(1, 2)), (0, 4), (-INF, INF)),   # a dividend that reaches above zero, however little
])
def test_division_by_an_interval_touching_or_crossing_zero_is_unbounded(a, b, expected):
    got = Interval(F(a[0]), F(a[1])) / Interval(F(b[0]), F(b[1]))
    assert (got.lo, got.hi) == expected


def test_a_divisor_ending_at_zero_from_below_is_never_bounded_wrongly():
    got = Interval(F(1), F(2)) / Interval(F(-4), F(0))
    assert got.lo == -INF and got.hi >= F(-1, 4)  # sound: 1 / -4 = -1/4 is inside, and no bound below


@pytest.mark.parametrize("a,b,expected", [
    ((1, 2), (1, INF), (F(0), F(2))),            # x / ∞ is 0, from the side of the sign
    ((-2, -1), (1, INF), (F(-2), F(0))),
    ((1, 2), (-INF, -1), (F(-2), F(0))),
    ((1, INF), (2, 3), (F(1, 3), INF)),          # ∞ / a finite positive is ∞
    ((-INF, -1), (2, 3), (-INF, F(-1, 3))),
    ((1, INF), (-3, -2), (-INF, F(-1, 3))),
    ((1, INF), (F(1, 3), F(1, 2)), (F(2), INF)),  # ∞ / a positive below 1 is still +∞
    ((1, INF), (2, INF), (F(0), INF)),           # ∞ / ∞ taken as ∞ with the signs' sign
    ((1, INF), (-INF, -2), (-INF, F(0))),
])
def test_division_with_infinite_ends(a, b, expected):
    def n(x):
        return x if x in (INF, -INF) else F(x)

    got = Interval(n(a[0]), n(a[1])) / Interval(n(b[0]), n(b[1]))
    assert (got.lo, got.hi) == expected


def test_a_point_is_an_interval_whose_ends_meet():
    assert Interval.point(F(3)).is_point and not Interval(F(3), F(4)).is_point


def test_division_by_zero_alone_is_an_error():
    with pytest.raises(DivisionByZero):
        Interval(F(1), F(2)) / Interval(F(0), F(0))


def test_infinite_ends_multiply_by_sign_and_zero_stays_zero():
    assert Interval(F(1), INF) * Interval(F(2), F(3)) == Interval(F(2), INF)
    assert Interval(-INF, F(-1)) * Interval(F(2), F(3)) == Interval(-INF, F(-2))
    assert Interval(F(0), F(0)) * Interval(-INF, INF) == Interval(F(0), F(0))
    assert Interval(F(2), F(3)).scale(F(-2)) == Interval(F(-6), F(-4))
    assert -Interval(F(2), INF) == Interval(-INF, F(-2))
    # a finite factor between 0 and 1 keeps ∞'s sign, on either side: ∞ × 1/2 is ∞, not -∞
    assert Interval(F(1), INF) * Interval(F(1, 2), F(1, 2)) == Interval(F(1, 2), INF)
    assert Interval(F(1, 2), F(1, 2)) * Interval(F(1), INF) == Interval(F(1, 2), INF)
    assert Interval(F(-1, 2), F(-1, 2)) * Interval(F(1), INF) == Interval(-INF, F(-1, 2))


def test_minimum_and_maximum_of_unbounded_intervals():
    a, b = Interval(F(1), INF), Interval(F(3), F(5))
    assert a.minimum(b) == Interval(F(1), F(5))
    assert a.maximum(b) == Interval(F(3), INF)


# ------------------------------------------------------------------ dimensions and periods

def test_dimensions_multiply_and_divide_by_their_exponents():
    jpy, usd = currency("JPY"), currency("USD")
    assert (jpy * jpy).currencies == (("JPY", 2),)
    assert (jpy / usd).currencies == (("JPY", 1), ("USD", -1))
    assert (jpy / jpy).dimensionless
    assert (jpy * PER_TIME * TIME) == jpy
    assert (PER_TIME * PER_TIME).time == -2
    assert DIMENSIONLESS.dimensionless and not TIME.dimensionless


def test_without_time_keeps_the_currencies():
    assert (currency("JPY") * PER_TIME).without_time() == currency("JPY")
    assert (TIME * TIME).without_time() == DIMENSIONLESS


@pytest.mark.parametrize("dim,period,text", [
    (currency("JPY") * TIME, None, "JPY·year"),
    (currency("JPY") * TIME, "month", "JPY·month"),
    (DIMENSIONLESS / currency("USD"), None, "1 / USD"),
    (currency("JPY") * currency("EUR") / currency("USD"), None, "EUR·JPY / USD"),
    (currency("JPY") / (currency("USD") * currency("USD")), None, "JPY / USD^2"),
    (currency("JPY") / (currency("USD") * currency("EUR")), None, "JPY / EUR·USD"),
    (TIME * TIME, None, "year^2"),
    (Dim(), None, "no unit"),
    (currency("JPY"), None, "JPY"),
    (currency("JPY") * PER_TIME, None, "JPY per year"),
    (currency("JPY") * PER_TIME, "month", "JPY per month"),
    (currency("JPY") / currency("USD"), None, "JPY / USD"),
    (currency("JPY") * currency("JPY"), None, "JPY^2"),
    (TIME, None, "year"),
    (PER_TIME, "week", "per week"),
    (PER_TIME * PER_TIME, None, "per year^2"),
])
def test_a_dimension_described(dim, period, text):
    assert dim.describe(period) == text


# one per period, in base units (per year) worked out from the conventions
RATES = [("day", 365), ("week", F(365, 7)), ("month", 12), ("quarter", 4), ("year", 1)]  # a week is 7 days


@pytest.mark.parametrize("period,per_year", RATES)
def test_a_rate_per_period_in_base_units_and_back(period, per_year):
    v = Value(value=F(100), unit=unit_of("件"), per=period, percent=False, text="", span=None)
    x, dim = base(Value(value=__import__("decimal").Decimal(100), unit=unit_of("件"), per=period, percent=False,
                        text="", span=None))
    assert x == 100 * per_year and dim == PER_TIME
    assert from_base(x, dim, period) == 100
    assert v.per == period


@pytest.mark.parametrize("word,years", [("days", F(10, 365)), ("weeks", F(70, 365)), ("months", F(10, 12)),
                                        ("quarters", F(10, 4)), ("years", F(10)), ("日", F(10, 365)), ("ヶ月", F(10, 12))])
def test_a_duration_in_years(word, years):
    from decimal import Decimal

    x, dim = base(Value(value=Decimal(10), unit=unit_of(word), per=None, percent=False, text="", span=None))
    assert (x, dim) == (years, TIME)


def test_the_conventions_themselves():
    assert YEARS == {"year": 1, "quarter": F(1, 4), "month": F(1, 12), "week": F(7, 365), "day": F(1, 365)}


# every time word, written out by hand: a word dropped from the table, or read as another unit, fails
TIME_WORDS = {
    "day": ["day", "days", "日", "日間"],
    "week": ["week", "weeks", "週", "週間"],
    "month": ["month", "months", "ヶ月", "か月", "カ月", "ケ月", "ヵ月", "ヶ月間", "か月間", "カ月間"],
    "quarter": ["quarter", "quarters", "四半期"],
    "year": ["year", "years", "年", "年間"],
}


@pytest.mark.parametrize("word,unit", [(w, u) for u, words in TIME_WORDS.items() for w in words])
def test_every_time_word(word, unit):
    assert (unit_of(word).kind, unit_of(word).code) == ("time", unit)


# words for time after `per` that are reported, with the period each stands for (None: none)
PERIOD_LIKE_WORDS = {
    "mo": "month", "mos": "month", "mth": "month", "mths": "month", "mon": "month", "monthly": "month",
    "yr": "year", "yrs": "year", "annum": "year", "y": "year", "annual": "year", "annually": "year",
    "yearly": "year", "fy": "year", "FY": "year", "fiscal_year": "year",
    "wk": "week", "wks": "week", "w": "week", "weekly": "week",
    "qtr": "quarter", "qtrs": "quarter", "q": "quarter", "quarterly": "quarter",
    "d": "day", "diem": "day", "daily": "day",
    "月間": "月", "月次": "月", "毎月": "月", "月当たり": "月", "週次": "週", "毎週": "週", "年次": "年", "毎年": "年",
    "年度": "年", "日次": "日", "毎日": "日", "日当たり": "日",
    "半期": None, "半年": None, "期": None, "時間": None, "分": None, "秒": None, "営業日": None, "平日": None,
    "h": None, "hr": None, "hrs": None, "hour": None, "hours": None, "min": None, "minute": None,
    "minutes": None, "sec": None, "second": None, "seconds": None, "weekday": None, "weekdays": None,
    "businessday": None, "business_day": None, "half": None, "halfyear": None, "half_year": None,
}


@pytest.mark.parametrize("word,period", list(PERIOD_LIKE_WORDS.items()))
def test_every_word_for_time_after_per_is_reported_with_its_period(word, period):
    result = analyze_text("p.kpi", PLAN + f'kpi x "x" {{ target 100件 per {word} }}\n', checks=False)
    errors = [d for d in result.diagnostics if d.severity.value == "error"]
    if word in BUSINESS_DAYS:  # a period no calendar month holds a fixed number of: its own error (KPI020)
        assert [d.code for d in errors] == ["KPI020"] and "calendar days" in errors[0].help.en
        return
    assert [d.code for d in errors] == ["KPI012"]
    assert errors[0].help.en == (f"did you mean `{period}`?" if period else
                                 "use day, week, month, quarter or year (or 日, 週, 月, 四半期, 年)")


BUSINESS_DAYS = {"営業日", "businessday", "business_day"}


@pytest.mark.parametrize("word,period", list(PERIOD_LIKE_WORDS.items()))
def test_every_word_for_time_glued_after_a_slash_gets_a_fix_that_checks_clean(word, period):
    # `100件/mth` is a syntax error (a slash glues only periods and counters): the fix is the period
    # it stands for after `per`, or, for time kpispec does not count in (`/時間`), a period it does.
    result = analyze_text("p.kpi", PLAN + f'kpi x "x" {{ target 100件/{word} }}\n', checks=False)
    assert [d.code for d in result.diagnostics] == ["KPI002"]
    fixes = ["100件 per " + period] if period else ["100件/月", "100件 per month"]
    written = re.findall(r"`([^`]+)`", result.diagnostics[0].help.en)
    assert written[-len(fixes):] == fixes
    for fix in fixes:
        fixed = analyze_text("p.kpi", PLAN + f'kpi x "x" {{ target {fix} }}\n', checks=False)
        assert fixed.diagnostics == [], fix


@pytest.mark.parametrize("word,kind,code", [
    ("円", "currency", "JPY"), ("日本円", "currency", "JPY"), ("ドル", "currency", "USD"), ("米ドル", "currency", "USD"),
    ("ユーロ", "currency", "EUR"), ("元", "currency", "CNY"), ("人民元", "currency", "CNY"), ("ウォン", "currency", "KRW"),
    ("ポンド", "currency", "GBP"), ("台湾ドル", "currency", "TWD"), ("香港ドル", "currency", "HKD"), ("EUR", "currency", "EUR"),
    ("ABC", "count", "ABC"), ("人", "count", "人"), ("visitors", "count", "visitors"),
    ("週間", "time", "week"), ("年間", "time", "year"), ("四半期", "time", "quarter"), ("カ月", "time", "month"),
])
def test_unit_words(word, kind, code):
    u = unit_of(word)
    assert (u.kind, u.code) == (kind, code)


# ------------------------------------------------------------------ verdicts for weekly and daily rates

@pytest.mark.parametrize("goal,rate,reaches", [
    ("36,500件 per year", "100件 per day", True),    # 100 × 365
    ("36,500件 per year", "99件 per day", False),
    ("36,600件 per year", "100件 per day", False),   # not 360 or 366 days
    ("5,214件 per year", "100件 per week", True),     # 100 × 365 / 7 = 5,214.29 (a week is 7 days)
    ("5,215件 per year", "100件 per week", False),
    ("1,303件 per quarter", "100件 per week", True),  # 100 × 365 / 7 / 4 = 1,303.57
    ("1,304件 per quarter", "100件 per week", False),
    ("3,041件 per month", "100件 per day", True),     # 100 × 365 / 12 = 3,041.67
    ("3,042件 per month", "100件 per day", False),
    ("3,041件 per month", "99.9件 per day", False),   # 99.9 × 365 / 12 = 3,038.6
    ("434件 per month", "100件 per week", True),      # 100 × 365 / 7 / 12 = 434.52
    ("435件 per month", "100件 per week", False),
])
def test_weekly_and_daily_rates_against_goals_of_other_periods(goal, rate, reaches):
    text = f'kgi g "G" {{ target {goal} formula k }}\nkpi k "K" {{ target {rate} }}\n'
    assert bool(diags(text, "KPI301")) is not reaches


def test_a_rate_times_a_duration_in_weeks_is_a_total():
    # 100件 per day × 2 weeks = 100 × 14 days = 1,400件 exactly (a week is 7 days)
    text = 'kgi g "G" {{ target {t} formula k * 2 weeks }}\nkpi k "K" {{ target 100件 per day }}\n'
    assert not diags(text.format(t="1,400件"), "KPI301")
    assert diags(text.format(t="1,401件"), "KPI301")


# ------------------------------------------------------------------ cycles and periods

@pytest.mark.parametrize("links", [
    "kpi a \"A\" { target 1件 formula b }\nkpi b \"B\" { target 1件 formula a }\n",
    "kpi a \"A\" { target 1件 formula b + 1件 }\nkpi b \"B\" { target 1件 formula a * 2 }\n",
])
def test_a_two_node_cycle_is_reported_with_both_nodes(links):
    found = diags(links, "KPI401")
    assert len(found) == 1
    assert found[0].message.en == "circular dependency: a → b → a"


@pytest.mark.parametrize("statement,holds", [
    ("assert a == 5件", True),          # a param is one value
    ("assert a == 6件", False),
    ("assert k == 5件", False),         # a floor target is any value from 5件 up
])
def test_an_equality_assert_holds_only_for_one_value(statement, holds):
    text = f'param a "A" = 5件\nkpi k "K" {{ target 5件 }}\n{statement}\n'
    assert bool(diags(text, "KPI307") + diags(text, "KPI310")) is not holds


def test_a_one_day_plan_period_is_a_period():
    one_day = analyze_text("p.kpi", 'plan p "P" { period 2026-04-01 to 2026-04-01 }\n')
    assert not [d for d in one_day.diagnostics if d.code == "KPI014"]
    reversed_ = analyze_text("p.kpi", 'plan p "P" { period 2026-04-02 to 2026-04-01 }\n')
    assert [d.code for d in reversed_.diagnostics if d.severity.value == "error"] == ["KPI014"]


# ------------------------------------------------------------------ each rule's numbers

def test_kpi301_rounds_the_implied_value_away_from_the_target():
    # a floor: 29件 / 3 = 9.6666… short of 10件; shown rounded down (9.666), never up to 9.667
    floor = diags('kgi g "G" { target 10件 formula k / 3 }\nkpi k "K" { target 29件 }\n', "KPI301")
    assert "imply 9.666件" in floor[0].message.en, floor[0].message.en
    # a ceiling: 31件 / 3 = 10.3333… above 10件; shown rounded up (10.334), never down to 10.333
    ceiling = diags('kgi g "G" { target <= 10件 formula k / 3 }\nkpi k "K" { target <= 31件 }\n', "KPI301")
    assert "imply 10.334件" in ceiling[0].message.en, ceiling[0].message.en


def test_kpi302_names_the_currencies_and_the_exchange_rate_fix():
    found = diags('kgi g "G" { target 1億円 formula us + jp }\nkpi us "US" { target 100 USD }\n'
                  'kpi jp "JP" { target 5,000万円 }\n', "KPI302")
    assert found and "JPY and USD are different currencies" in found[0].help.en
    assert "JPYとUSD は別の通貨です" in found[0].help.ja


def test_kpi303_an_empty_window_and_a_missing_window_say_different_things():
    empty = analyze_text("p.kpi", 'kpi k "K" { target 100件 formula r start 2026-12-01 deadline 2026-06-01 }\n'
                                  'kpi r "R" { target 10件 per month }\n')
    messages = [d.message.en for d in empty.diagnostics if d.code == "KPI303"]
    assert len(messages) == 1 and "window is empty" in messages[0], messages
    missing = analyze_text("p.kpi", 'kpi k "K" { target 100件 formula r }\nkpi r "R" { target 10件 per month }\n')
    messages = [d.message.en for d in missing.diagnostics if d.code == "KPI303"]
    assert len(messages) == 1 and "no window to convert over" in messages[0], messages


def test_kpi206_suggests_the_baseline_times_the_bound_rounded_down():
    # baseline 1,234.5件 × the default bound 3 = 3,703.5件: at most 3,703件 (never 3,704, above the bound)
    found = diags('kpi k "K" { target 5,000件 baseline 1,234.5件 }\n', "KPI206")
    assert "aim for at most 3,703件" in found[0].help.en, found[0].help.en
    # a ceiling: baseline 900円 / 3 = 300円
    found = diags('kpi c "C" { target <= 100円 baseline 900円 }\n', "KPI206")
    assert "300円" in found[0].help.en, found[0].help.en


def test_kpi207_suggests_the_decimal_point_slipped_by_two_places():
    found = diags('kpi cvr "CVR" { target 250% }\n', "KPI207")
    assert "2.5%" in found[0].help.en and "25%" not in found[0].help.en.replace("2.5%", "")


def test_kpi213_names_the_earliest_parent():
    text = ('kgi early "E" { target 1件 deadline 2026-06-30 formula k }\n'
            'kgi late "L" { target 1件 deadline 2026-09-30 formula k }\n'
            'kpi k "K" { target 1件 deadline 2026-12-31 }\n')
    found = diags(text, "KPI213")
    assert len(found) == 1
    assert "after `early` (2026-06-30)" in found[0].message.en, found[0].message.en
    assert "2026-06-30 or earlier" in found[0].help.en


# ------------------------------------------------------------------ the evaluator

from decimal import Decimal  # noqa: E402

from kpispec.evaluate import EvalError, Evaluator, Val, comparable, to_fraction  # noqa: E402
from kpispec.resolve import normalise  # noqa: E402


def _evaluate(text, ranges=True):
    """EXPR over a = 2 in [1, 3] and b = 1 in [-1, 4], both plain numbers."""
    result = analyze_text("p.kpi", PLAN + f"param a = 1\nparam b = 1\nparam x = {text}\n", checks=False)
    env = {"a": Val(Interval(F(1), F(3)), F(2), DIMENSIONLESS), "b": Val(Interval(F(-1), F(4)), F(1), DIMENSIONLESS)}
    return Evaluator(env, lambda q: normalise(result.source, q), ranges).eval(result.plan.params["x"].expr)


@pytest.mark.parametrize("text,pt,lo,hi", [
    ("sum(a, b, 1)", F(4), F(1), F(8)),
    ("min(a, b)", F(1), F(-1), F(3)),
    ("max(a, b)", F(2), F(1), F(4)),
    ("max(b, a, 5)", F(5), F(5), F(5)),
    ("-a", F(-2), F(-3), F(-1)),
    ("a - b", F(1), F(-3), F(4)),
    ("a * b", F(2), F(-3), F(12)),
    ("a / 2", F(1), F(1, 2), F(3, 2)),
    ("a / b", F(2), -INF, INF),
])
def test_the_evaluator_at_the_targets_and_over_their_ranges(text, pt, lo, hi):
    v = _evaluate(text)
    assert (v.pt, v.rng.lo, v.rng.hi) == (pt, lo, hi)
    assert _evaluate(text, ranges=False).pt == pt and _evaluate(text, ranges=False).rng is None


def test_the_evaluator_reports_units_that_do_not_match_where_they_meet():
    with pytest.raises(EvalError) as e:
        _evaluate("a + 5円")
    assert e.value.kind == "units" and e.value.info["right"] == currency("JPY")
    with pytest.raises(EvalError) as e:
        _evaluate("sum(a, b, 5円, 1)")
    info = e.value.info
    assert e.value.kind == "units" and info["left"] == DIMENSIONLESS and info["right"] == currency("JPY")
    text = "param a = 1\nparam b = 1\nparam x = sum(a, b, 5円, 1)\n"
    where = len(PLAN) + text.index("5円")
    assert (e.value.span.start, e.value.span.end) == (where, where + 2)  # the argument that does not match
    assert info["right_span"] == e.value.span
    first = len(PLAN) + text.index("sum(a") + 4
    assert (info["left_span"].start, info["left_span"].end) == (first, first + 1)  # compared with the first
    with pytest.raises(EvalError) as e:
        _evaluate("a / (b - 1)")
    assert e.value.kind == "zero"


def test_the_evaluator_divides_dimensions_without_ranges_too():
    v = _evaluate("a / 5円", ranges=False)
    assert v.pt == F(2, 5) and v.dim == DIMENSIONLESS / currency("JPY")


def test_a_duration_is_shown_in_the_time_unit_it_was_written_in():
    # `target 3か月` is 1/4 year in base units; shown as written it is 3 (months). An amount in
    # yen has no time unit to convert to: 100 stays 100.
    result = analyze_text("p.kpi", PLAN + 'kpi x "x" {\n  target 3か月\n}\nkpi y "y" {\n  target 100円\n}\n', checks=False)
    duration, amount = result.plan.nodes["x"].target.value, result.plan.nodes["y"].target.value
    assert base(duration) == (F(1, 4), TIME)
    assert in_written_units(F(1, 4), TIME, duration) == 3
    assert in_written_units(F(1, 2), TIME, duration) == 6
    assert in_written_units(F(100), currency("JPY"), amount) == 100


def test_a_value_too_large_at_either_end_of_its_range_is_an_overflow():
    # the guard reads the value at the targets and each end of the range on its own: a number of
    # more than _MAX_BITS bits anywhere is "overflow"; an unbounded end (a float) is not a number
    huge = F(2) ** (_MAX_BITS + 1)
    for val in (Val(Interval(F(0), huge), F(1), DIMENSIONLESS), Val(Interval(-huge, F(0)), F(0), DIMENSIONLESS),
                Val(Interval(F(0), F(1)), huge, DIMENSIONLESS), Val(None, huge, DIMENSIONLESS)):
        with pytest.raises(EvalError) as caught:
            _bounded(val, Span(0, 1))
        assert caught.value.kind == "overflow"
    fine = Val(Interval(F(0), INF), F(2) ** _MAX_BITS - 1, DIMENSIONLESS)
    assert _bounded(fine, Span(0, 1)) is fine
    assert _bounded(Val(None, F(1), DIMENSIONLESS), Span(0, 1)).pt == 1


def test_from_base_for_durations_and_rates_of_any_power():
    assert from_base(F(7), PER_TIME, None) == 7                         # no period asked: as it is
    assert from_base(F(7), TIME, None, None) == 7
    assert from_base(F(1), TIME, None, "month") == 12                   # 1 year is 12 months
    assert from_base(F(1), TIME * TIME, None, "month") == 144
    assert from_base(F(144), PER_TIME * PER_TIME, "month") == 1         # per year² to per month²
    assert from_base(F(5), DIMENSIONLESS, "month", "month") == 5


def test_numbers_too_large_are_refused_but_zero_never_is():
    assert to_fraction(Decimal("0E+5000"), None) == 0
    with pytest.raises(EvalError):
        to_fraction(Decimal("1E+5000"), None)
    assert to_fraction(Decimal("1E+500"), None) == 10 ** 500


def _value(text):
    result = analyze_text("p.kpi", PLAN + f'kpi x "x" {{ target {text} }}\n', checks=False)
    return result.plan.nodes["x"].target.value


@pytest.mark.parametrize("t,b,same", [
    ("3,000円/人", "2,000円/人", True), ("3,000円/人", "2,000円/件", False), ("3,000円/人", "2,000円", False),
    ("5%", "5", False), ("5件", "5人", False), ("5円", "5 USD", False), ("5円", "5件", False),
    ("5件 per month", "60件 per year", True), ("5件 per month", "60件", False), ("3 months", "1 year", True),
])
def test_a_target_and_a_baseline_are_compared_only_in_one_unit(t, b, same):
    found = comparable(_value(t), _value(b))
    assert (found is not None) is same
    if same:
        tx, bx, _ = found
        assert tx == base(_value(t))[0] and bx == base(_value(b))[0]
