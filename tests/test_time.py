"""Plans in time: exact windows, each KPI's own start, ramps and milestones, month by month.

Every expected figure is worked out by hand (in the comments) and written with Fraction; the
tests run the real analysis and, for the messages, the real CLI.
"""

from __future__ import annotations

import json
from datetime import date
from fractions import Fraction as F

import pytest

from conftest import run_cli

from kpispec import months as calendar
from kpispec.api import analyze_text


def outcome(text: str, goal: str):
    result = analyze_text("t.kpi", text, keep_context=True)
    errors = [d for d in result.diagnostics if d.code.startswith(("KPI0", "KPI1", "KPI9"))]
    assert not errors, [d.message.en for d in errors]
    return result.context.arithmetic.outcomes[goal], result


def verdict(text: str, goal: str) -> str:
    return outcome(text, goal)[0].verdict.status


def plan(period="2026-04-01 to 2027-03-31"):
    return f'plan p "計画" {{ period {period} }}\n'


# ------------------------------------------------------------------ calendar


@pytest.mark.parametrize("year,days", [(2028, 29), (2027, 28), (2100, 28), (2000, 29)])
def test_february_has_29_days_in_leap_years_only(year, days):
    assert calendar.days_in(calendar.index(date(year, 2, 1))) == days


def test_quarters_of_an_april_fiscal_year():
    start = date(2026, 4, 1)
    assert [tuple(calendar.label(i) for i in calendar.fiscal_quarter(q, start)) for q in (1, 2, 3, 4)] == [
        ("2026-04", "2026-06"), ("2026-07", "2026-09"), ("2026-10", "2026-12"), ("2027-01", "2027-03")]


# ------------------------------------------------------------------ exact windows


def test_a_one_day_window_at_10_per_day_is_10():
    # Before: one day was one whole month, 10 × 365 / 12 = 304件.
    text = plan() + ('kgi g "G" { target 10件 start 2026-07-15 deadline 2026-07-15 formula k }\n'
                     'kpi k "K" { target 10件 per day }\n')
    out, _ = outcome(text, "g")
    assert out.value.pt == 10 and out.verdict.status == "proven"
    assert verdict(text.replace("target 10件 start", "target 11件 start"), "g") == "refuted"


@pytest.mark.parametrize("year,total", [(2028, 29 * 100), (2027, 28 * 100)])
def test_february_at_100_per_day(year, total):
    text = plan(f"{year}-01-01 to {year}-12-31") + (
        f'kgi g "G" {{ target {total}件 start {year}-02-01 deadline {year}-02-{total // 100} formula k }}\n'
        'kpi k "K" { target 100件 per day }\n')
    out, _ = outcome(text, "g")
    assert out.value.pt == total
    assert verdict(text.replace(f"target {total}件", f"target {total + 1}件"), "g") == "refuted"


def test_a_partial_first_and_last_month_count_by_their_days():
    # 2026-07-31 to 2027-03-01 at 13.4戸 a month: July 1/31, August to February 7 months, March 1/31:
    # 13.4 × (7 + 2/31) = 94.66戸, not 13.4 × 9 = 120.6 as whole months counted it.
    text = plan() + ('kgi g "G" { target 120戸 start 2026-07-31 deadline 2027-03-01 formula k }\n'
                     'kpi k "K" { target 13.4戸 per month }\n')
    out, _ = outcome(text, "g")
    assert out.value.pt == F(134, 10) * (7 + F(2, 31))
    assert out.verdict.status == "refuted"


def test_a_weekly_rate_is_seven_days():
    # 100件 a week over April 2026 (30 days) is 100 × 30 / 7 = 428.57件.
    text = plan() + ('kgi g "G" { target 428件 start 2026-04-01 deadline 2026-04-30 formula k }\n'
                     'kpi k "K" { target 100件 per week }\n')
    out, _ = outcome(text, "g")
    assert out.value.pt == F(3000, 7)
    assert out.verdict.status == "proven"
    assert verdict(text.replace("target 428件", "target 429件"), "g") == "refuted"


# ------------------------------------------------------------------ each KPI's own window


def test_a_kpi_starting_mid_plan_counts_from_its_start():
    # 100件 a month from 2026-10-01: October to March, 6 months = 600件, not 1,200件.
    text = plan() + ('kgi g "G" { target 600件 formula k }\n'
                     'kpi k "K" { target 100件 per month start 2026-10-01 }\n')
    out, _ = outcome(text, "g")
    assert out.value.pt == 600 and out.verdict.status == "proven"
    assert verdict(text.replace("target 600件", "target 601件"), "g") == "refuted"


def test_a_start_in_the_middle_of_a_month_counts_its_days():
    # From 2026-10-16: 16 of October's 31 days, then November to March: 100 × (16/31 + 5) = 551.61件.
    text = plan() + ('kgi g "G" { target 551件 formula k }\n'
                     'kpi k "K" { target 100件 per month start 2026-10-16 }\n')
    out, _ = outcome(text, "g")
    assert out.value.pt == 100 * (F(16, 31) + 5)
    assert out.verdict.status == "proven"


def test_a_run_rate_goal_fails_in_the_months_before_an_input_starts():
    text = plan() + ('kgi g "G" { target 150件 per month formula a + b }\n'
                     'kpi a "A" { target 50件 per month }\n'
                     'kpi b "B" { target 100件 per month start 2026-10-01 }\n')
    out, _ = outcome(text, "g")
    assert out.verdict.status == "refuted"
    assert [m.label for m in out.timeline.months if m.miss] == [f"2026-{m:02d}" for m in range(4, 10)]
    assert out.timeline.kind == "rate"


# ------------------------------------------------------------------ ramps

CONDO = plan() + '''kgi units "販売戸数" {
  target TOTAL
  deadline 2027-03-31
  formula sales
}
kpi sales "月間成約" {
  target 13戸 per month
  baseline 5戸 per month
  deadline 2026-09-30
  ramp RAMP
}
'''


def test_a_condominium_ramp_against_a_yearly_total():
    # linear from 5 (April) to 13 (September) in five equal steps of 1.6, then 13 held:
    # 5 + 6.6 + 8.2 + 9.8 + 11.4 + 13 × 7 = 41 + 91 = 132戸 (a flat 13 would have been 156).
    out, _ = outcome(CONDO.replace("TOTAL", "132戸").replace("RAMP", "linear"), "units")
    assert out.value.pt == 132 and out.verdict.status == "proven"
    assert [m.value for m in out.timeline.months[:6]] == [5, F(66, 10), F(82, 10), F(98, 10), F(114, 10), 13]
    assert verdict(CONDO.replace("TOTAL", "133戸").replace("RAMP", "linear"), "units") == "refuted"


def test_a_step_ramp_holds_the_baseline_until_the_deadline_month():
    # 5 a month April to August (5 months), 13 from September (7 months): 25 + 91 = 116戸.
    out, _ = outcome(CONDO.replace("TOTAL", "116戸").replace("RAMP", "step"), "units")
    assert out.value.pt == 116 and out.verdict.status == "proven"


def test_the_ramp_message_names_the_months_below_pace_and_moves_the_whole_path(tmp_path):
    path = tmp_path / "condo.kpi"
    path.write_text(CONDO.replace("TOTAL", "133戸").replace("RAMP", "linear"), encoding="utf-8")
    out = run_cli("check", str(path), "--format", "json")
    (d,) = [d for d in json.loads(out.stdout)["diagnostics"] if d["code"] == "KPI301"]
    assert d["message"].endswith("132戸, 1戸 (0.8%) short of the target 133戸")
    # an even pace is 133 / 12 = 11.083戸 a month; April gives 5戸, 6.083戸 short
    assert "2026-04: 5戸 (6.08戸 short)" in d["notes"][0]
    assert "2026-08" not in d["notes"][0]  # 11.4戸 is above the pace
    # the ramp's months move together in the proof, so the fix raises every month alike: 1戸 over 12 months
    # is 0.0833戸 a month, shown rounded up
    assert "`sales` +0.09戸 per month in every month (its milestones or ramp too)" in d["help"]


# ------------------------------------------------------------------ milestones

FUNNEL = plan() + '''kgi revenue "売上" {
  target GOAL
  formula visitors * cvr * aov
}
kpi visitors "訪問者数" {
  target 100万人 per month
  baseline 60万人 per month
  start 2026-04-01
  deadline 2026-12-31
  ramp linear
}
kpi cvr "CVR" { target 2.5% }
kpi aov "客単価" { target 4,000円 }
'''


def test_a_visitor_ramp_feeding_revenue_against_a_yearly_total():
    # visitors: 60万 in April up to 100万 in December in 8 steps of 5万, then 100万 Jan–Mar:
    # 60+65+70+75+80+85+90+95+100 = 720万 for April–December, + 300万 = 1,020万 visitors;
    # × 2.5% × 4,000円 = 10億2,000万円 (a flat 100万 would give 12億円).
    out, _ = outcome(FUNNEL.replace("GOAL", "10億2,000万円"), "revenue")
    assert out.value.pt == 1_020_000_000 and out.verdict.status == "proven"
    out, _ = outcome(FUNNEL.replace("GOAL", "12億円"), "revenue")
    assert out.verdict.status == "refuted"
    # an even pace is 1億円 a month: April (60万 × 2.5% × 4,000 = 6,000万円) to November (95万: 9,500万円) fall short
    short = [(m.label, m.value) for m in out.timeline.months if m.miss]
    assert short[0] == ("2026-04", 60_000_000) and short[-1] == ("2026-11", 95_000_000) and len(short) == 8


def test_a_visitor_ramp_against_a_monthly_run_rate_names_each_month_short():
    out, _ = outcome(FUNNEL.replace("GOAL", "1億円 per month"), "revenue")
    assert out.verdict.status == "refuted"
    # per month: 6,000万円 in April, 4,000万円 short of 1億円; December reaches it
    first = out.timeline.months[0]
    assert (first.label, first.value / 12, first.due / 12) == ("2026-04", 60_000_000, 100_000_000)
    assert [m.label for m in out.timeline.months if not m.miss] == ["2026-12", "2027-01", "2027-02", "2027-03"]


QUARTERS = plan() + '''kgi leads_total "年間リード" {
  target GOAL
  formula leads
}
kpi leads "リード数" {
  target 250件 per month
  milestones {
    Q1: 450件
    Q2: 600件
    Q3：750件
    Q4: 900件
  }
}
'''


def test_quarterly_milestones_in_an_april_fiscal_year():
    # 450 + 600 + 750 + 900 = 2,700件, each quarter spread evenly over its three months:
    # Q1 (April–June) 150件 a month … Q4 (January–March) 300件 a month.
    out, _ = outcome(QUARTERS.replace("GOAL", "2,700件"), "leads_total")
    assert out.value.pt == 2700 and out.verdict.status == "proven"
    values = {m.label: m.value for m in out.timeline.months}
    assert values["2026-04"] == 150 and values["2026-07"] == 200 and values["2026-12"] == 250 and values["2027-03"] == 300
    assert verdict(QUARTERS.replace("GOAL", "2,701件"), "leads_total") == "refuted"


def test_monthly_milestones_hold_until_the_next_and_the_baseline_comes_first():
    # baseline 2件 April–June, 5件 July, 8件 August–February (held), 13件 March:
    # 6 + 5 + 8 × 7 + 13 = 80件
    text = plan() + '''kgi g "G" { target 80戸 formula k }
kpi k "K" {
  target 13戸 per month
  baseline 2戸 per month
  milestones {
    2026-07: 5戸
    2026-08: 8戸 per month
    2027-03: 13戸
  }
}
'''
    out, _ = outcome(text, "g")
    assert out.value.pt == 80 and out.verdict.status == "proven"


@pytest.mark.parametrize("milestones,code", [
    ("2026-13: 5戸", "KPI018"),      # no 13th month
    ("2025-12: 5戸", "KPI018"),      # before the plan
    ("Q5: 5戸", "KPI002"),           # not a quarter: not read as a milestone at all
    ("2026-08: 5戸\n2026-07: 6戸", "KPI018"),  # out of order
    ("2026-07: 5%", "KPI018"),       # another unit
])
def test_a_milestone_that_cannot_be_placed_is_an_error(milestones, code):
    text = plan() + f'kpi k "K" {{\n  target 13戸 per month\n  milestones {{\n{milestones}\n  }}\n}}\n'
    result = analyze_text("t.kpi", text)
    assert code in {d.code for d in result.diagnostics}


def test_a_ramp_without_its_baseline_is_an_error():
    result = analyze_text("t.kpi", plan() + 'kpi k "K" {\n  target 13戸 per month\n  deadline 2026-09-30\n  ramp linear\n}\n')
    (d,) = [d for d in result.diagnostics if d.code == "KPI019"]
    assert d.message.en == "`k` ramps from its baseline to its target by its deadline, but has no `baseline`"
    result = analyze_text("t.kpi", plan() + 'kpi k "K" {\n  target 13戸 per month\n  ramp linera\n}\n')
    assert [d.help.en for d in result.diagnostics if d.code == "KPI019"] == ["did you mean `linear`?"]


def test_a_colon_in_a_formula_stays_an_error_and_a_subtraction_of_a_year_stays_one():
    text = plan() + 'kgi g "G" { target 1件 formula k - 2026-07 }\nkpi k "K" { target 2027件 }\n'
    result = analyze_text("t.kpi", text)
    assert not [d for d in result.diagnostics if d.code.startswith("KPI0")]


def test_a_formula_that_turns_in_a_timed_input_is_not_called_proven():
    # (x - 50)² + 1 turns at x = 50, inside the months' range of x (a ramp from 40 to 100): proving it
    # with each month's x a multiple of its target would not cover every month's values, so kpispec
    # says it cannot prove it (KPI310) rather than passing it. With a flat x (no ramp) it is proven.
    text = plan() + '''kgi g "G" {
  target 1件 per month
  formula (x - 50件 per month) * (x - 50件 per month) / (1件 per month) + 1件 per month
}
kpi x "X" {
  target 100件 per month
  baseline 40件 per month
  deadline 2026-09-30
  ramp linear
}
'''
    out, _ = outcome(text, "g")
    assert out.verdict.status == "unknown"
    assert verdict(text.replace("  ramp linear\n", ""), "g") == "proven"


def test_a_rate_goal_with_a_deadline_is_due_from_its_deadline_month():
    # 1億円 a month by 2026-12-31: December to March are compared (100万 visitors: exactly 1億円), the
    # ramp-up months before are not; a deadline in November would catch November's 9,500万円.
    text = FUNNEL.replace("target GOAL", "target 1億円 per month\n  deadline 2026-12-31")
    out, _ = outcome(text, "revenue")
    assert out.verdict.status == "proven"
    assert out.timeline is None  # every input is at its target from December: the months are all alike
    out, _ = outcome(text.replace("deadline 2026-12-31\n  formula", "deadline 2026-11-30\n  formula"), "revenue")
    assert out.verdict.status == "refuted"
    assert [(m.label, m.value / 12) for m in out.timeline.months if m.miss] == [("2026-11", 95_000_000)]


@pytest.mark.parametrize("target,one_line,spread", [
    ("13戸 per month", "2026-07: 5戸", "2026-07:\n  5戸"),
    ("13戸 per month", "2026-07： 5戸 per month", "2026-07 ：\n5戸\nper month"),
    ("100件 per month", "Q2: 600件/月", "Q2:  # a comment inside\n 600件 /月"),
    ("3,000円/人/月", "2026-07: 3,000円/人/月", "2026-07:\n3,000円/人/月"),
    ("2万 visitors per month", "2026-07: 1.5万 visitors per month", "2026-07: 1.5万\n visitors per month"),
])
def test_a_milestone_on_one_line_reads_as_the_same_milestone_spread_over_lines(target, one_line, spread):
    # One line is one token (MILESTONE), split by the builder; spread over lines it is read token by
    # token: the two must give the same months and values.
    def milestones(entry):
        text = plan() + f'kpi k "K" {{\n  target {target}\n  milestones {{\n{entry}\n  }}\n}}\n'
        result = analyze_text("t.kpi", text)
        assert not [d for d in result.diagnostics if d.code.startswith(("KPI0", "KPI1"))], \
            [d.message.en for d in result.diagnostics]
        return [(m.first, m.last, m.text, m.value.value, m.value.unit, m.value.per) for m in result.plan.nodes["k"].milestones]

    assert milestones(one_line) == milestones(spread)
    assert len(milestones(one_line)) == 1


def test_several_milestones_on_one_line_and_a_keyword_after_an_amount():
    text = plan() + 'kpi k "K" {\n  target 100件 per month\n  milestones { 2026-07: 5件 Q3: 600件 2027-01: 80件 per month }\n}\n'
    result = analyze_text("t.kpi", text)
    ms = result.plan.nodes["k"].milestones
    assert [(m.text, str(m.value.value), m.value.per) for m in ms] == [("2026-07", "5", None), ("Q3", "600", None),
                                                                      ("2027-01", "80", "month")]
    # `target` after an amount is the next attribute, not a unit word
    text = plan() + 'kpi k "K" {\n  milestones { 2026-07: 5件 } target 100件 per month\n}\n'
    assert [m.text for m in analyze_text("t.kpi", text).plan.nodes["k"].milestones] == ["2026-07"]


def test_a_witness_moves_every_month_of_a_ramped_input_alike_and_says_so():
    # revenue / visitors ≥ 100円 with visitors ramping from 60万 to 100万: visitors may grow without
    # limit, so the goal can be missed; the witness doubles every month of the ramp (2× its plan)
    text = plan() + '''kgi g "売上/訪問" {
  target 100円
  deadline 2026-06-30
  formula revenue / visitors
}
kpi revenue "売上" { target 1億円 per month }
kpi visitors "訪問" {
  target 100万人 per month
  baseline 60万人 per month
  deadline 2026-09-30
  ramp linear
}
'''
    out, result = outcome(text, "g")
    assert out.verdict.status == "refuted" and out.verdict.witness["visitors"] > out.ref["visitors"]
    (d,) = [d for d in result.diagnostics if d.code == "KPI301"]
    assert "`visitors` +1,000,000人 per month in every month of its plan (2,000,000人 per month where the plan is at the target" \
        in d.message.en
    assert d.notes[0].en == "compared month by month: it must hold in every month from 2026-06-01 to 2027-03-31"


def test_a_campaign_counts_from_its_start_to_its_end():
    # 100件 a month from 2026-10-16 to 2026-12-31: 16/31 of October, November, December = 251.61件
    text = plan() + ('kgi g "G" { target 251件 formula k }\n'
                     'kpi k "K" { target 100件 per month start 2026-10-16 end 2026-12-31 }\n')
    out, _ = outcome(text, "g")
    assert out.value.pt == 100 * (F(16, 31) + 2) and out.verdict.status == "proven"
    assert verdict(text.replace("target 251件", "target 252件"), "g") == "refuted"


def test_without_a_baseline_the_months_before_the_first_milestone_are_at_the_target():
    # a campaign stopped by a milestone of 0 from January: April to December at 100, then 0: 900件
    text = plan() + ('kgi g "G" { target 900件 formula k }\n'
                     'kpi k "K" {\n  target 100件 per month\n  milestones { 2027-01: 0件 per month }\n}\n')
    out, _ = outcome(text, "g")
    assert out.value.pt == 900 and out.verdict.status == "proven"


def test_a_ramp_whose_baseline_is_not_in_the_target_s_form_is_an_error_not_dropped():
    text = plan() + 'kpi k "K" {\n  target 3,000件 per 月\n  baseline 2,000件\n  deadline 2026-09-30\n  ramp step\n}\n'
    (d,) = [d for d in analyze_text("t.kpi", text).diagnostics if d.code == "KPI019"]
    assert d.message.en == ("`k` cannot ramp from its baseline `2,000件` to its target `3,000件 per 月`: "
                            "they are not in the same unit and period")
    assert d.help.en == "write the baseline in the target's form, like `baseline 2,000件 per 月`"


@pytest.mark.parametrize("entry,help_en", [
    ("2026年7月: 5件", "write the month as `2026-07:`"),
    ("7月: 5件", "give the year too: `YYYY-07:` (for example `2026-07:`)"),
    ("1Q: 5件", "write the quarter as `Q1:` (Q1 begins with the plan's period)"),
    ("第2四半期: 5件", "write the quarter as `Q2:` (Q1 begins with the plan's period)"),
    ("上期: 5件", "a half year is two quarters: write `Q1:` and `Q2:`, each with its part"),
    ("下半期: 5件", "a half year is two quarters: write `Q3:` and `Q4:`, each with its part"),
    ("2026-7: 5件", "write the month with two digits and a hyphen: `2026-07:`"),
    ("2026/07: 5件", "write the month with two digits and a hyphen: `2026-07:`"),
    ("2026-07 5件", "put a colon after the month: `2026-07: …`"),
    ("2026-07: abc", "write an amount in the target's unit: `2026-07: 5戸`, `2026-07: 600件 per month`"),
])
def test_months_and_quarters_written_the_japanese_way_get_the_spelling_kpispec_reads(entry, help_en):
    text = plan() + f'kpi k "K" {{\n  target 100件 per month\n  milestones {{\n    {entry}\n  }}\n}}\n'
    (d,) = [d for d in analyze_text("t.kpi", text).diagnostics if d.code.startswith("KPI0")]
    assert d.code == "KPI002" and d.help.en == help_en
    assert text.index(entry) <= d.span.start < text.index(entry) + len(entry)  # on the entry itself


def test_after_a_milestones_block_the_block_goes_on():
    text = plan() + 'kpi k "K" {\n  milestones { 2026-07: 5件 }\n  targt 100件\n}\n'
    (d,) = [d for d in analyze_text("t.kpi", text).diagnostics if d.code.startswith("KPI0")]
    assert d.message.en == "unknown attribute `targt` in the `kpi` block `k`"


@pytest.mark.parametrize("text,month", [("2026-12", (2026, 12)), ("2026-01", (2026, 1)), ("2026-00", None),
                                        ("2026-13", None), ("0000-05", None)])
def test_a_month_as_written(text, month):
    found = calendar.parse_month(text)
    assert (calendar.year_month(found) if found is not None else None) == month


def test_a_late_flow_with_a_baseline_but_no_ramp_is_at_its_target_from_its_start():
    # the baseline does not make a path without `ramp`: 100 a month, October to March = 600件
    text = plan() + ('kgi g "G" { target 600件 formula k }\n'
                     'kpi k "K" { target 100件 per month baseline 40件 per month start 2026-10-01 }\n')
    out, _ = outcome(text, "g")
    assert out.value.pt == 600 and out.verdict.status == "proven"


def test_a_rate_goal_due_in_the_month_an_input_starts_mid_month_is_checked_in_it():
    # due from October; the input starts on 10-16, so October has 100 × 16/31 = 51.6件: short
    text = plan() + ('kgi g "G" { target 100件 per month deadline 2026-10-31 formula k }\n'
                     'kpi k "K" { target 100件 per month start 2026-10-16 }\n')
    out, _ = outcome(text, "g")
    assert out.verdict.status == "refuted"
    assert [(m.label, m.value / 12) for m in out.timeline.months if m.miss] == [("2026-10", 100 * F(16, 31))]


def test_a_last_milestone_below_the_target_is_checked_after_the_deadline():
    # at the target by December, then 80件 a month from January: a rate due from December misses Jan-Mar
    text = plan() + ('kgi g "G" { target 100件 per month deadline 2026-12-31 formula k }\n'
                     'kpi k "K" {\n  target 100件 per month\n  milestones { 2027-01: 80件 per month }\n}\n')
    out, _ = outcome(text, "g")
    assert out.verdict.status == "refuted"
    assert [m.label for m in out.timeline.months if m.miss] == ["2027-01", "2027-02", "2027-03"]


def test_a_series_counts_a_plan_that_starts_mid_month_by_its_days():
    # the plan starts on 2026-04-16: April holds 15 of its 30 days, so 100件 a month is 50件 in it
    text = plan("2026-04-16 to 2027-03-31") + 'kpi k "K" {\n  target 100件 per month\n  milestones { 2026-07: 80件 per month }\n}\n'
    series = json.loads(compiled(text))["kpis"][0]["series"]
    assert [(b["month"], b["start"], b["exact"]) for b in series[:4]] == [
        ("2026-04", "2026-04-16", "50"), ("2026-05", "2026-05-01", "100"), ("2026-06", "2026-06-01", "100"),
        ("2026-07", "2026-07-01", "80")]


def compiled(text: str) -> str:
    from kpispec.api import compile_result

    return compile_result(analyze_text("t.kpi", text))


# ------------------------------------------------------------------ from the review


def test_a_month_where_the_goal_and_its_input_both_start_is_counted_once():
    # both from 2026-10-16: 100 × (16/31 + 5) = 551.61件, not 100 × ((16/31)² + 5)
    text = plan() + ('kgi g "G" { target 551件 start 2026-10-16 formula k }\n'
                     'kpi k "K" { target 100件 per month start 2026-10-16 }\n')
    out, _ = outcome(text, "g")
    assert out.value.pt == 100 * (F(16, 31) + 5) and out.verdict.status == "proven"


PROFIT = plan() + '''kgi g "G" { target GOAL formula profit }
kpi profit "利益" {
  target TARGET円 per month
  baseline -100万円 per month
  deadline DEADLINE
  ramp linear
}
'''


def test_a_ramp_to_a_target_of_zero_is_counted():
    # -100万 in April up to 0 in December in steps of 12.5万: -450万 for April-December, then 0
    text = PROFIT.replace("GOAL", "-400万円").replace("TARGET", "0").replace("DEADLINE", "2026-12-31")
    out, _ = outcome(text, "g")
    assert out.value.pt == -4_500_000 and out.verdict.status == "refuted"


def test_a_ramp_from_a_loss_to_a_profit_is_counted():
    # -100万 in April to +10万 in March in eleven steps of 10万: 12 × -100万 + 10万 × 66 = -540万
    text = PROFIT.replace("GOAL", "-600万円").replace("TARGET", "10万").replace("DEADLINE", "2027-03-31")
    out, _ = outcome(text, "g")
    assert out.value.pt == -5_400_000 and out.verdict.status == "proven"
    assert verdict(text.replace("-600万円", "-539万円"), "g") == "refuted"


def test_an_amount_to_reach_without_a_deadline_is_due_at_the_plan_s_end():
    # units reach 100戸 (a count to reach, not a rate) in March: 100戸 × 5,000万円 = 50億円 is due then,
    # not in every month of the climb
    text = plan() + '''kgi revenue "売上" { target 50億円 formula units * price }
kpi units "累計戸数" {
  target 100戸
  milestones { 2026-09: 30戸  2027-03: 100戸 }
}
kpi price "単価" { target 5,000万円 }
'''
    out, _ = outcome(text, "revenue")
    assert out.verdict.status == "proven" and out.value.pt == 5_000_000_000
    # with a deadline in October it is due from then, while the count is still 30戸: 15億円
    out, _ = outcome(text.replace("target 50億円", "target 50億円 deadline 2026-10-31"), "revenue")
    assert out.verdict.status == "refuted" and out.timeline.months[0].value == 1_500_000_000


def test_a_goal_over_a_total_that_has_its_own_window_is_not_proven_flat():
    # leads_total is itself a total over the year; cvr ramps 5% to 25% and deals is due from September:
    # a total is not split by month again, so kpispec cannot prove it (it used to compare flat at 25%)
    text = plan() + '''kgi leads_total "リード合計" { target 1,200件 formula leads }
kpi leads "リード" { target 100件 per month }
kgi deals "成約" { target 300件 deadline 2026-09-30 formula leads_total * cvr }
kpi cvr "成約率" {
  target 25%
  baseline 5%
  deadline 2027-03-31
  ramp linear
}
'''
    out, _ = outcome(text, "deals")
    assert (out.verdict.status, out.verdict.reason) == ("unknown", "months")


def test_a_ratio_of_flows_that_start_later_is_judged_from_their_start():
    # ROAS = revenue / spend, due from June; both flows start on 2026-10-01, so June to September have
    # nothing to divide by and are not judged; from October 300% holds
    text = plan() + '''kgi roas "ROAS" { target 300% deadline 2026-06-30 formula revenue / spend }
kpi revenue "広告売上" { target 3,000万円 per month start 2026-10-01 }
kpi spend "広告費" { target <= 1,000万円 per month start 2026-10-01 }
'''
    out, _ = outcome(text, "roas")
    assert out.verdict.status == "proven"
    assert [calendar.label(i) for i in out.timeline.skipped] == [f"2026-{m:02d}" for m in range(6, 10)]


def test_a_formula_that_turns_in_an_untimed_input_is_not_proven_month_by_month():
    # a·b − c·b² + d with a on a step ramp and b ≤ 50% untimed: b may differ month to month, so b = 50% in
    # the months a is low and 0 after gives less than any b held the same in every month
    text = plan() + '''kgi g "G" { target 70件 per month formula a * b - c * b * b + d }
kpi a "A" { target 200件 per month baseline 100件 per month deadline 2026-10-31 ramp step }
kpi b "B" { target <= 50% }
kpi c "C" { target <= 200件 per month }
kpi d "D" { target 30件 per month }
'''
    out, _ = outcome(text, "g")
    assert out.verdict.status != "proven"


@pytest.mark.parametrize("entry", ["Q1: 5件 per target", "Q1: 1万2026-07: 5件", "2026-07: 5件 per deadline"])
def test_what_the_one_line_token_would_misread_is_read_token_by_token(entry):
    # the same error as the milestone spread over lines: a keyword after `per`, an amount that runs into
    # the next month
    def codes(text):
        full = plan() + f'kpi k "K" {{\n  target 100件 per month\n  milestones {{\n{text}\n  }}\n}}\n'
        return sorted({d.code for d in analyze_text("t.kpi", full).diagnostics if d.code.startswith(("KPI0", "KPI1"))})

    assert codes(entry) == codes(entry.replace(" ", "\n")) and "KPI002" in codes(entry)


def test_the_one_line_milestone_token_knows_every_keyword():
    # MILESTONE_UNIT and MILESTONE_PER must not take a keyword for a word: their lists are the language's
    import re as _re
    from pathlib import Path

    from kpispec.language import KEYWORDS

    grammar = (Path(__file__).resolve().parent.parent / "grammar" / "kpispec.lark").read_text(encoding="utf-8")
    lists = _re.findall(r"^MILESTONE_(?:UNIT|PER):.*?\(\?!\(\?:([a-z|]+)\)", grammar, _re.M)
    assert len(lists) == 2 and all(set(words.split("|")) == KEYWORDS for words in lists)


def test_a_ceiling_s_months_move_by_a_factor_down_to_zero():
    # a budget under a ceiling ramping from 50万 to 100万 a month: each month accepts 0 up to its value,
    # so 3 × budget ≥ 0 holds (moved by the same amount instead, April would go below zero)
    text = plan() + '''kgi g "G" { target >= 0円 formula budget * 3 }
kpi budget "予算" {
  target <= 100万円 per month
  baseline 50万円 per month
  deadline 2026-09-30
  ramp linear
}
'''
    assert verdict(text, "g") == "proven"


def test_a_ceiling_of_zero_with_milestones_cannot_be_taken_month_by_month():
    text = plan() + '''kgi g "G" { target <= 100万円 formula cost }
kpi cost "費用" {
  target <= 0円 per month
  milestones { 2026-07: 10万円 per month }
}
'''
    out, _ = outcome(text, "g")
    assert (out.verdict.status, out.verdict.reason) == ("unknown", "months")


def test_a_flow_with_an_end_and_no_start_counts_until_its_end():
    # 100件 a month until 2026-06-15: April, May and 15 of June's 30 days = 250件
    text = plan() + ('kgi g "G" { target 250件 formula k }\n'
                     'kpi k "K" { target 100件 per month end 2026-06-15 }\n')
    out, _ = outcome(text, "g")
    assert out.value.pt == 250 and out.verdict.status == "proven"


# ------------------------------------------------------------------ from the second review


def test_a_funnel_whose_inputs_ramp_up_to_their_targets_is_proven():
    # sessions 5万→10万 and cvr 1%→2% by September in equal steps, aov 1,000円: April 5万 × 1% × 1,000 =
    # 50万円, May 6万 × 1.2% = 72万円, June 98万円, July 128万円, August 162万円, then 200万円 for seven months:
    # 1,910万円. The months' forms have negative coefficients, which the prover's intervals cannot bound; the
    # formula rises in every input, so the worst case is the corner, evaluated exactly.
    text = plan() + '''kgi revenue "売上" { target 1,900万円 formula sessions * cvr * aov }
kpi sessions "S" { target 10万 per month baseline 5万 per month deadline 2026-09-30 ramp linear }
kpi cvr "C" { target 2% baseline 1% deadline 2026-09-30 ramp linear }
kpi aov "A" { target 1,000円 }
'''
    out, _ = outcome(text, "revenue")
    assert out.value.pt == 19_100_000 and out.verdict.status == "proven"
    assert verdict(text.replace("1,900万円", "1,911万円"), "revenue") == "refuted"


def test_a_goal_read_off_a_total_whose_months_were_tied_is_not_proven():
    text = plan() + '''kgi g1 "G1" { target <= 220件 formula k - k * k / (100件 per month) }
kgi g2 "G2" { target <= 220件 per year formula g1 }
kpi k "K" {
  target <= 100件 per month
  milestones { 2026-04: 20件 per month  2026-10: 100件 per month }
}
'''
    for goal in ("g1", "g2"):
        assert outcome(text, goal)[0].verdict.status == "unknown"


def test_a_milestone_per_week_counts_its_month_s_days():
    # February 2027 alone: 7件 a week is 28件 in its 28 days, short of 30件
    text = plan("2027-02-01 to 2027-02-28") + '''kgi g "G" { target 30件 formula k }
kpi k "K" {
  target 365件 per year
  milestones { 2027-02: 7件 per week }
}
'''
    out, _ = outcome(text, "g")
    assert out.value.pt == 28 and out.verdict.status == "refuted"


def test_an_amount_written_for_a_month_is_not_cut_by_a_late_start():
    # `2026-10: 100件` is October's 100件 though the KPI starts on the 16th; then 100 a month: 600件
    text = plan() + '''kgi g "G" { target 600件 formula k }
kpi k "K" {
  target 100件 per month
  start 2026-10-16
  milestones { 2026-10: 100件 }
}
'''
    out, _ = outcome(text, "g")
    assert out.value.pt == 600 and out.verdict.status == "proven"


def test_spending_with_nothing_to_divide_by_is_not_skipped_as_an_idle_month():
    # a CPA due from June: spend runs all year but orders start in October, so June to September have a
    # cost with no orders (no CPA at all): kpispec cannot prove the ceiling, where it used to skip them
    text = plan() + '''kgi cpa "CPA" { target <= 5,000円 deadline 2026-06-30 formula spend / orders }
kpi spend "広告費" { target <= 500万円 per month }
kpi orders "注文" { target 1,000件 per month start 2026-10-01 }
'''
    assert outcome(text, "cpa")[0].verdict.status == "unknown"
