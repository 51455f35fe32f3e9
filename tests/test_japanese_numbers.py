"""Japanese numbers as people write them: scales glued, spaced, and compound (1億2,000万円)."""

import json
import re
from decimal import Decimal

import pytest

from kpispec.api import analyze_text, compile_result

PLAN = 'plan p "P" { period 2026-04-01 to 2027-03-31 }\n'

CASES = [
    ("12億円", Decimal("1200000000"), "JPY"),
    ("8,000万円", Decimal("80000000"), "JPY"),
    ("5千万円", Decimal("50000000"), "JPY"),
    ("1億2,000万円", Decimal("120000000"), "JPY"),
    ("3億5000万", Decimal("350000000"), None),
    ("1万5千円", Decimal("15000"), "JPY"),
    ("2兆3億円", Decimal("2000300000000"), "JPY"),
    ("2.5万人", Decimal("25000"), "人"),
    ("100 万", Decimal("1000000"), None),
    ("8,000 万円", Decimal("80000000"), "JPY"),
    ("10k人", Decimal("10000"), "人"),
    # 千 and 百 scale within a section that 万, 億 or 兆 closes (worked out by hand).
    ("1億2千3百万円", Decimal(1 * 10**8 + (2 * 10**3 + 3 * 10**2) * 10**4), "JPY"),
    ("500百万円", Decimal(500 * 10**6), "JPY"),
    ("3百円", Decimal(300), "JPY"),
    ("5千1万円", Decimal((5 * 10**3 + 1) * 10**4), "JPY"),
    ("1兆2千億3百万円", Decimal(10**12 + 2 * 10**3 * 10**8 + 3 * 10**2 * 10**4), "JPY"),
    ("1万2千3百45円", Decimal(10**4 + 2 * 10**3 + 3 * 10**2 + 45), "JPY"),
]

MISORDERED = ["1万2万円", "1千2千円", "1百2千円", "1万2億円", "3百千円", "1万万円", "1兆兆円"]


@pytest.mark.parametrize("written", MISORDERED)
def test_misordered_scales_are_an_error_not_a_sum(written):
    result = analyze_text("p.kpi", PLAN + f'kpi x "x" {{ target {written} }}\n')
    codes = [d.code for d in result.diagnostics if d.severity.value == "error"]
    assert codes == ["KPI017"], [d.message.en for d in result.diagnostics]
    # nothing computes with it: no arithmetic finding follows from a made-up value
    assert not [d for d in result.diagnostics if d.code.startswith("KPI3")]


@pytest.mark.parametrize("written,value,unit", CASES, ids=[c[0] for c in CASES])
def test_value(written, value, unit):
    result = analyze_text("p.kpi", PLAN + f'param x "x" = {written}\n', checks=False)
    assert result.ok, [d.message.en for d in result.diagnostics]
    param = json.loads(compile_result(result), parse_float=Decimal)["params"][0]["value"]
    assert (param["value"], param["unit"], param["text"]) == (value, unit, written)


SLASHED = [
    ("3,000円/月", Decimal(3000), "JPY", "month"),
    ("100件/月", Decimal(100), "件", "month"),
    ("1.5万人/週", Decimal(15000), "人", "week"),
    ("5 JPY/month", Decimal(5), "JPY", "month"),
    ("12億円/年", Decimal(12 * 10**8), "JPY", "year"),
    ("3億円/四半期", Decimal(3 * 10**8), "JPY", "quarter"),
]


@pytest.mark.parametrize("written,value,unit,per", SLASHED, ids=[c[0] for c in SLASHED])
def test_a_period_glued_after_a_slash_is_per(written, value, unit, per):
    result = analyze_text("p.kpi", PLAN + f'kpi x "x" {{ target {written} }}\n', checks=False)
    assert result.ok, [d.message.en for d in result.diagnostics]
    target = json.loads(compile_result(result), parse_float=Decimal)["kpis"][0]["target"]
    assert (target["value"], target["unit"], target["per"], target["text"]) == (value, unit, per, written)


def test_a_slash_between_names_is_still_a_division():
    text = PLAN + ('kgi cvr "CVR" { target 2% formula orders/sessions }\nkpi orders "受注" { target 200件/月 }\n'
                   'kpi sessions "訪問" { target 10,000/月 }\nkpi monthly "月次" { target 1件 formula orders / month_count }\n'
                   'param month_count = 12\n')
    result = analyze_text("p.kpi", text)
    assert not [d for d in result.diagnostics if d.severity.value == "error"], [d.message.en for d in result.diagnostics]


def test_business_days_are_refused_with_a_fix_not_read_as_a_count():
    from kpispec.api import analyze_text

    text = ('plan p "P" { period 2026-04-01 to 2027-03-31 }\n'
            'kpi a "A" { target <= 5営業日 }\nkpi b "B" { target 100件 per 営業日 }\nkpi c "C" { target 3 workdays }\n'
            'kpi d "D" { target <= 7日 }\n')
    found = [d for d in analyze_text("b.kpi", text).diagnostics if d.code == "KPI020"]
    assert [text[d.span.start:d.span.end] for d in found] == ["営業日", "営業日", "workdays"]
    assert all("calendar days" in d.help.en for d in found)


@pytest.mark.parametrize("written,value", [("1,0000円", 10_000), ("12,3456人", 123_456), ("1,2345,6789円", 123_456_789),
                                           ("1,0000,0000円", 100_000_000)])
def test_four_digit_grouping_gets_both_ways_of_writing_it_and_each_reads_back(written, value):
    import re as _re

    from kpispec.api import analyze_text
    from kpispec.evaluate import base

    plan = 'plan p "P" { period 2026-04-01 to 2027-03-31 }\nkpi a "A" { target %s }\n'
    (d,) = analyze_text("g.kpi", plan % written).diagnostics
    assert d.code == "KPI002" and "groups its digits by four" in d.message.en
    fixes = _re.findall(r"`([^`]+)`", d.help.en)
    assert len(fixes) == 2
    for fix in fixes:
        fixed = analyze_text("g.kpi", plan % fix, checks=False)
        assert fixed.ok, fix
        assert base(fixed.plan.nodes["a"].target.value)[0] == value, fix


@pytest.mark.parametrize("written,per", [("12億円 年間", "year"), ("100件 月間", "month"), ("5万 毎月", "month"),
                                         ("300人 週間", "week")])
def test_a_period_written_as_a_word_after_the_amount_gets_per(written, per):
    import re as _re

    from kpispec.api import analyze_text

    plan = 'plan p "P" { period 2026-04-01 to 2027-03-31 }\nkpi a "A" { target %s }\n'
    errors = [d for d in analyze_text("g.kpi", plan % written).diagnostics if d.severity.value == "error"]
    assert [d.code for d in errors] == ["KPI012"] and "is not a unit" in errors[0].message.en
    for fix in _re.findall(r"`([^`]+)`", errors[0].help.en):
        fixed = analyze_text("g.kpi", plan % fix, checks=False)
        assert fixed.ok and fixed.plan.nodes["a"].target.value.per == per, fix


@pytest.mark.parametrize("written,value", [("2割", Decimal("0.2")), ("2 割", Decimal("0.2")), ("2.5割", Decimal("0.25")),
                                           ("10割", Decimal(1))])
def test_wari_is_a_tenth_a_percentage_not_a_count(written, value):
    # 2割 is 20%: read as a count of something called 割 it was 2, ten times a 20% rate.
    result = analyze_text("p.kpi", PLAN + f'param x "x" = {written}\n', checks=False)
    assert result.ok, [d.message.en for d in result.diagnostics]
    param = json.loads(compile_result(result), parse_float=Decimal)["params"][0]["value"]
    assert (param["value"], param["unit"], param["percent"]) == (value, None, True)


def test_a_funnel_with_wari_misses_as_with_the_same_percentage():
    # 100件/月 × 2割 × 50万円 = 1,000万円 a month = 1.2億円 a year, against 5億円: short by 3.8億 (76%).
    plan = PLAN + ('kgi sales "売上" { target 5億円 per 年  formula leads * rate * price }\n'
                   'kpi leads "リード" { target 100件 per 月 }\nkpi rate "受注率" { target RATE }\n'
                   'kpi price "単価" { target 50万円 }\n')
    for rate in ("2割", "20%"):
        [miss] = [d for d in analyze_text("p.kpi", plan.replace("RATE", rate)).diagnostics if d.code == "KPI301"]
        assert "imply 120,000,000円 per year (10,000,000円 per month), 380,000,000円 per year (76%) short" in miss.message.en


@pytest.mark.parametrize("written,fix", [("30日以内", "target <= 30日"), ("5,000円以下", "target <= 5,000円"),
                                         ("100件 以上", "target >= 100件"), ("2%未満", "target <= 2%"),
                                         ("3超", "target >= 3")])
def test_a_comparison_written_as_a_word_gets_the_comparator_and_the_fix_reads_clean(written, fix):
    # `30日以内` was read as 30 of something called 日以内, and as a floor.
    result = analyze_text("p.kpi", PLAN + f'kpi a "A" {{ target {written} }}\n', checks=False)
    [error] = [d for d in result.diagnostics if d.severity.value == "error"]
    assert error.code == "KPI013" and f"`{fix}`" in error.help.en and f"`{fix}`" in error.help.ja
    fixed = analyze_text("p.kpi", PLAN + f'kpi a "A" {{ {fix} }}\n', checks=False)
    assert fixed.ok, [d.message.en for d in fixed.diagnostics]


@pytest.mark.parametrize("written,fix", [("12億円/年間", "12億円/年"), ("1億円/ヶ月", "1億円/月"), ("3件/日間", "3件/日"),
                                         ("5件/weeks", "5件/week")])
def test_a_length_of_time_after_a_slash_gets_the_period_and_the_fix_reads_clean(written, fix):
    # The hint was `12億円 per 年間`, itself an unknown period.
    [error] = [d for d in analyze_text("p.kpi", PLAN + f'kpi a "A" {{ target {written} }}\n').diagnostics
               if d.severity.value == "error"]
    assert f"`{fix}`" in error.help.en and f"`{fix}`" in error.help.ja
    fixed = analyze_text("p.kpi", PLAN + f'kpi a "A" {{ target {fix} }}\n', checks=False)
    assert fixed.ok, [d.message.en for d in fixed.diagnostics]


@pytest.mark.parametrize("space,said", [(" ", ""), ("\u3000", "（全角スペース）")])
def test_an_id_with_a_space_in_a_one_line_block_gets_a_fix_that_reads_clean(space, said):
    # The fix ended `… { target 100人 } {`: a second brace.
    [error] = analyze_text("p.kpi", PLAN + f'kpi 顧客{space}数 "顧客数" {{ target 100人 }}\n', checks=False).diagnostics
    assert error.message.ja == f"ID に空白{said}は使えません：`顧客 数`"
    fix = re.search(r"e\.g\. `(.*)`$", error.help.en).group(1)
    assert fix == 'kpi 顧客_数 "顧客数" { target 100人 }'
    assert analyze_text("p.kpi", PLAN + fix + "\n", checks=False).ok


@pytest.mark.parametrize("written,cadence", [("半期", "semiannual"), ("半年", "semiannual"), ("semiannually", "semiannual"),
                                             ("毎日", "daily"), ("毎週", "weekly"), ("毎月", "monthly"),
                                             ("毎四半期", "quarterly"), ("毎年", "yearly"), ("隔週", "biweekly")])
def test_cadences_as_a_japanese_plan_writes_them(written, cadence):
    result = analyze_text("p.kpi", PLAN + f'kpi a "A" {{ target 1件 per 月  cadence {written} }}\n', checks=False)
    assert result.ok, [d.message.en for d in result.diagnostics]
    assert json.loads(compile_result(result))["kpis"][0]["cadence"] == cadence
