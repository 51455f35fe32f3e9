"""Compared numbers never contradict the verdict (issue 8, item 6).

`display.compared` formats values that one message compares (an implied value and its target, the
two sides of an assert, a ratio and its bound): values that differ never print the same and keep
their order, equal values print equal, a value that is not zero never prints 0, and ordinary values
keep their ordinary look. Expected texts below are worked out by hand (or with Fraction).
"""

from __future__ import annotations

import json
import re
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP
from fractions import Fraction as F

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import run_cli

from kpispec import display
from kpispec.dimension import Dim
from kpispec.units import Unit

JPY = Unit("currency", "JPY")
NONE = Unit("none", None)


def texts(values, **kw) -> list[str]:
    return [s.text for s in display.compared(values, **kw)]


# ---------------------------------------------------------------- the quoted cases


def test_a_target_of_2_504_percent_against_2_5035_percent():
    # 25,035 / 1,000,000 = 2.5035% against 2.504%: at the ordinary 2 decimals both read 2.5%.
    assert texts([F(25035, 1000000), F(2504, 100000)], percent=True) == ["2.5035", "2.504"]
    # Rounded away from the target (KPI301 floors a `>=` node's implied value), 3 decimals suffice.
    assert texts([F(25035, 1000000), F(2504, 100000)], percent=True,
                 roundings=[ROUND_FLOOR, ROUND_HALF_UP]) == ["2.503", "2.504"]


def test_a_gap_of_0_0005_points_is_not_0():
    # The gap 2.504% − 2.5035% = 0.0005 percentage points; at KPI301's 2 decimals it read "0".
    gap = F(2504, 100000) - F(25035, 1000000)
    assert gap == F(5, 1000000)
    assert texts([gap], percent=True, decimals=[2]) == ["0.0005"]


def test_roas_249_99_percent_against_break_even_250_percent():
    margin = F(40, 100)
    assert texts([F(24999, 10000), 1 / margin], percent=True) == ["249.99", "250"]
    dims = [Dim(), Dim()]
    assert display.compared_dim_amounts([F(24999, 10000), 1 / margin], dims, percent=True) == ["249.99%", "250%"]


# ---------------------------------------------------------------- unit cases


def test_ordinary_values_keep_their_ordinary_look():
    assert texts([F(1080000000), F(1200000000)]) == ["1,080,000,000", "1,200,000,000"]
    assert texts([F(25, 1000), F(278, 10000)], percent=True) == ["2.5", "2.78"]
    assert texts([F(99), F(100)]) == ["99", "100"]
    assert texts([F(1, 3), F(2, 3)]) == ["0.333", "0.667"]
    assert texts([F(123456, 100)]) == ["1,235"]  # 0 decimals from 100 up, as `amount` shows it
    for x in (F(1080000000), F(25, 1000), F(1, 3), F(-7, 4), F(10**40), F(3, 10**15)):
        assert texts([x]) == [display.number(x)]


def test_one_and_one_plus_a_billionth():
    assert texts([F(1), 1 + F(1, 10**9)]) == ["1", "1.000000001"]


def test_past_the_bound_values_are_written_exactly():
    # 13 decimals is past MAX_DECIMALS (12): every digit of the exact decimal.
    assert texts([F(1234567890123, 10**13), F(1234567890124, 10**13)]) == ["0.1234567890123", "0.1234567890124"]
    # 1 + 1e-20 needs 20 decimals: shorter as the exact difference from 1.
    assert texts([F(1), 1 + F(1, 10**20)]) == ["1", "1 + 1e-20"]
    # 1/3 has no finite decimal: the exact fraction, and the exact difference from it.
    third = F(1, 3)
    assert texts([third, third + F(1, 10**20)]) == ["1/3", "1/3 + 1e-20"]
    assert texts([third + F(1, 10**46), third - F(1, 10**46)]) == ["1/3 + 1e-46", "1/3 - 1e-46"]
    # With no short form at all, the whole fraction.
    assert texts([F(1, 7) * 10**40, F(1, 7) * 10**40 + 1]) == [
        "10,000,000,000,000,000,000,000,000,000,000,000,000,000/7",
        "10,000,000,000,000,000,000,000,000,000,000,000,000,007/7"]


def test_equal_values_print_equal():
    assert texts([F(5, 2), F(5, 2), 2.5]) == ["2.5", "2.5", "2.5"]
    # Whatever the rounding asked for each: one value, one text.
    assert texts([F(2, 3), F(2, 3)], roundings=[ROUND_FLOOR, ROUND_CEILING]) == ["0.666", "0.666"]
    assert texts([F(0), F(0)]) == ["0", "0"]


def test_negative_values():
    assert texts([F(-24999, 100), F(-250)]) == ["-249.99", "-250"]
    assert texts([F(-1, 3), F(-3333, 10000)]) == ["-0.33333", "-0.3333"]
    assert texts([F(-1, 10000), F(0)]) == ["-0.0001", "0"]
    assert texts([-(10**600), -(10**600) - 1]) == ["-1e+600", "-1e+600 - 1"]


def test_huge_values():
    # Beyond 1e30: e-notation, 3 significant digits, more only when needed.
    assert texts([F(12345, 10000) * 10**40, F(12346, 10000) * 10**40]) == ["1.2345e+40", "1.2346e+40"]
    assert texts([F(10**600), F(10**599) * 2]) == ["1e+600", "2e+599"]
    # 10^600 + 1 has 601 digits: the rounded value and the exact remainder.
    assert texts([F(10**600), F(10**600 + 1)]) == ["1e+600", "1e+600 + 1"]
    # Just below 1e30 the plain notation needs more than decimal's default 28 digits of precision.
    assert texts([F(10**27), 10**27 + F(1, 3)]) == [
        "1,000,000,000,000,000,000,000,000,000", "1,000,000,000,000,000,000,000,000,000.3"]
    assert texts([F(10**30) - F(1, 2), F(10**30)]) == ["999,999,999,999,999,999,999,999,999,999.5", "1e+30"]


def test_tiny_values():
    assert texts([F(1, 10**13), F(10001, 10**17)]) == ["1e-13", "1.0001e-13"]
    assert texts([F(1, 10**600), F(1, 10**600) + F(1, 10**700)]) == ["1e-600", "1e-600 + 1e-700"]
    assert texts([F(1, 10**7)], decimals=[2]) == ["0.0000001"]  # never "0"


def test_infinity():
    assert texts([float("inf"), F(3)]) == ["∞", "3"]
    assert display.compared_dim_amounts([float("inf"), F(3)], [Dim(), Dim()], percent=True) == ["∞", "300%"]


def test_per_month_amounts_in_yen():
    # 1,000,000円 and 1,000,001円 a year are 83,333.33…円 and 83,333.41…円 a month: both 83,333円 at 0 decimals.
    monthly = [F(1000000, 12), F(1000001, 12)]
    assert display.compared_amounts(monthly, JPY, "month") == ["83,333.3円 per month", "83,333.4円 per month"]
    assert display.compared_amounts(monthly, JPY, "month", lang="ja") == ["8万3,333.3円/月", "8万3,333.4円/月"]
    assert display.compared_amounts([F(1080000000), F(1200000000)], JPY, "year") == [
        "1,080,000,000円 per year", "1,200,000,000円 per year"]
    assert display.compared_amounts([F(1000002, 1000), F(1000004, 1000)], JPY, "month") == [
        "1,000.002円 per month", "1,000.004円 per month"]


def test_a_ratio_and_its_bound_rounded_away_from_each_other():
    # KPI206: a ratio of 2.9995 rounds up to 3.00 at 2 decimals; a bound of 2.999 rounds to 3.00 too.
    assert texts([F(29995, 10000), F(2999, 1000)], roundings=[ROUND_CEILING, ROUND_HALF_UP],
                 decimals=[2, 2]) == ["3", "2.999"]
    assert texts([F(7, 2), F(3)], roundings=[ROUND_CEILING, ROUND_HALF_UP], decimals=[2, 2]) == ["3.5", "3"]


def test_one_rounding_and_one_start_per_value():
    with pytest.raises(ValueError):
        display.compared([F(1), F(2)], roundings=[ROUND_FLOOR])


# ---------------------------------------------------------------- properties


def shown_value(text: str) -> F | None:
    """The value a text stands for, when it is one plain or e-notation number or a fraction."""
    text = text.replace(",", "")
    if " " in text:
        return None  # a rounded value and its remainder
    if "/" in text:
        p, q = text.split("/")
        return F(int(p), int(q))
    if "e" in text:
        mantissa, exponent = text.split("e")
        return F(mantissa) * F(10) ** int(exponent)
    return F(text)


def magnitudes():
    """Fractions from 1e-700 to 1e+700, with a few digits or many."""
    base = st.fractions(min_value=-10**6, max_value=10**6, max_denominator=10**9)
    return st.one_of(
        base,
        st.builds(lambda f, e: f * F(10) ** e, base, st.integers(-40, 40)),
        st.builds(lambda f, e: f * F(10) ** e, base, st.integers(-700, 700)),
    )


def near(x: F):
    """Values close to x: a tiny absolute or relative step away, or x itself."""
    step = st.builds(lambda k, e: F(k) * F(10) ** e, st.integers(-999, 999), st.integers(-60, 5))
    return st.one_of(st.just(x), step.map(lambda d: x + d), step.map(lambda d: x * (1 + d / 10**6)))


pairs = magnitudes().flatmap(lambda x: st.tuples(st.just(x), near(x)))
roundings = st.sampled_from([ROUND_HALF_UP, ROUND_FLOOR, ROUND_CEILING])
PROPERTY = settings(max_examples=400, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@PROPERTY
@given(pairs, st.booleans(), roundings, roundings)
def test_two_values_print_the_same_exactly_when_they_are_equal(pair, percent, ra, rb):
    a, b = pair
    ta, tb = texts([a, b], percent=percent, roundings=[ra, rb])
    assert (ta == tb) == (a == b), (a, b, ta, tb)
    for x, t in ((a, ta), (b, tb)):
        assert (t == "0") == (x == 0), (x, t)
    va, vb = shown_value(ta), shown_value(tb)
    if va is not None and vb is not None and a != b:
        assert (va < vb) == (a < b), (a, b, ta, tb)  # the order is kept, not only the difference


@PROPERTY
@given(st.lists(magnitudes().flatmap(near), min_size=1, max_size=6), st.booleans())
def test_a_group_prints_one_text_per_value(values, percent):
    shown = texts(values, percent=percent)
    by_value = {}
    for x, t in zip(values, shown):
        assert by_value.setdefault(x, t) == t, (values, shown)
    assert len(set(by_value.values())) == len(by_value), (values, shown)


@PROPERTY
@given(st.fractions(min_value=-10**4, max_value=10**4, max_denominator=10**4))
def test_a_lone_value_not_zero_never_reads_0(x):
    for start in (None, 0, 2):
        (t,) = texts([x / 10**6], decimals=[start])
        assert (t == "0") == (x == 0), (x, t)


# ---------------------------------------------------------------- through the CLI

PLAN = 'plan p "計画" { period 2026-04-01 to 2027-03-31 }\n'
NUMBER = r"-?[\d,]+(?:\.\d+)?"


def parse(text: str) -> F:
    return F(text.replace(",", ""))


def messages(tmp_path, body: str, code: str, *extra) -> dict[str, dict]:
    """The `code` diagnostic for a plan, in English and Japanese, from `kpispec check --format json`."""
    path = tmp_path / "plan.kpi"
    path.write_text(PLAN + body, encoding="utf-8")
    found = {}
    for lang in ("en", "ja"):
        result = run_cli("check", "--format", "json", "--lang", lang, *extra, path)
        assert "Traceback" not in result.stderr, result.stderr
        diagnostics = [d for d in json.loads(result.stdout)["diagnostics"] if d["code"] == code]
        assert len(diagnostics) == 1, result.stdout
        found[lang] = diagnostics[0]
    return found


CVR = """\
kpi cvr "購入率" {
  target 2.504%
  formula purchases / sessions
}
kpi purchases "購入数" { target 25,035 purchases per month }
kpi sessions "セッション数" { target <= 1,000,000 sessions per month }
"""


def test_cli_a_shortfall_against_a_2_504_percent_target(tmp_path):
    # 25,035 purchases over at most 1,000,000 sessions: at least 2.5035%, 0.0005 points short of 2.504%.
    found = messages(tmp_path, CVR, "KPI301")
    en, ja = found["en"]["message"], found["ja"]["message"]
    match = re.search(rf"imply ({NUMBER})%, ({NUMBER}) percentage points \(.+\) short of the target ({NUMBER})%", en)
    assert match, en
    implied, gap, target = map(parse, match.groups())
    assert implied < target and implied != target, en
    assert gap != 0, en
    assert implied + gap == target, en  # 2.5035 + 0.0005 = 2.504: the numbers add up
    assert "imply 2.5035%, 0.0005 percentage points (0.02%) short of the target 2.504%" in en
    assert "2.5035% で、目標 2.504% に対して 0.0005ポイント（0.02%）不足です" in ja
    assert " 0 percentage points" not in en and " 0ポイント" not in ja


ROAS = """\
param margin "粗利率" = 40%
kpi roas "広告ROAS" { target 249.99% }
assert roas >= 1 / margin "ROASは損益分岐点を上回ること"
"""


def test_cli_an_assert_of_249_99_percent_against_250_percent(tmp_path):
    found = messages(tmp_path, ROAS, "KPI307")
    note_en, note_ja = found["en"]["notes"][0], found["ja"]["notes"][0]
    match = re.search(rf"roas = ({NUMBER})% and 1 / margin = ({NUMBER})%", note_en)
    assert match, note_en
    left, right = map(parse, match.groups())
    assert left < right, note_en  # the assert `roas >= 1 / margin` fails, and the numbers say so
    assert note_en == "at the inputs' targets, roas = 249.99% and 1 / margin = 250%"
    assert note_ja == "入力が目標値ちょうどのとき、roas = 249.99%、1 / margin = 250% です"
    assert [label["message"] for label in found["en"]["labels"]] == ["can be 249.99%", "can be 250%"]
    assert [label["message"] for label in found["ja"]["labels"]] == ["249.99% になり得る", "250% になり得る"]


def test_cli_the_text_output_shows_249_99_percent(tmp_path):
    path = tmp_path / "plan.kpi"
    path.write_text(PLAN + ROAS, encoding="utf-8")
    result = run_cli("check", path)
    assert "roas = 249.99% and 1 / margin = 250%" in result.stdout, result.stdout
    assert "= 250% and" not in result.stdout


YEN = """\
kgi revenue "月間売上" {
  target 1,000.004円 per month
  formula web + shop
}
kpi web "Web売上" { target 1,000円 per month }
kpi shop "店舗売上" { target 0.002円 per month }
"""


def test_cli_a_per_month_amount_in_yen_a_fraction_of_a_yen_short(tmp_path):
    # 1,000円 + 0.002円 = 1,000.002円 a month against 1,000.004円: the target must not read 1,000円.
    found = messages(tmp_path, YEN, "KPI301")
    en, ja = found["en"]["message"], found["ja"]["message"]
    match = re.search(rf"imply ({NUMBER})円 per month, ({NUMBER})円 per month \(.+\) short of the target ({NUMBER})円 per month", en)
    assert match, en
    implied, gap, target = map(parse, match.groups())
    assert implied < target and gap != 0 and implied + gap == target, en
    assert "imply 1,000.002円 per month, 0.002円 per month (0.0002%) short of the target 1,000.004円 per month" in en
    assert "1,000.002円/月 で、目標 1,000.004円/月 に対して 0.002円/月（0.0002%）不足です" in ja


GROWTH = """\
kpi visitors "訪問者数" {
  target 2,999.5 visitors per month
  baseline 1,000 visitors per month
}
"""


def test_cli_a_growth_ratio_just_beyond_its_bound(tmp_path):
    # 2,999.5 / 1,000 = 2.9995×, beyond a bound of 2.999×; at 2 decimals both read 3×.
    (tmp_path / "kpispec.toml").write_text("growth-bound = 2.999\n", encoding="utf-8")
    found = messages(tmp_path, GROWTH, "KPI206")
    en, ja = found["en"]["message"], found["ja"]["message"]
    match = re.search(rf"is ({NUMBER})× its baseline .+ beyond the growth bound of ({NUMBER})×", en)
    assert match, en
    ratio, bound = map(parse, match.groups())
    assert ratio > bound, en
    assert "is 3× its baseline (1,000 visitors per month), beyond the growth bound of 2.999×" in en
    assert "の 3 倍で、伸び率の上限 2.999 倍を超えています" in ja
