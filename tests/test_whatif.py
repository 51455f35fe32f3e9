"""`kpispec whatif` (--set, --solve, --sensitivity) and `compile --with-verdicts`, against values worked by hand.

The plans are in tests/planning/:
- total.kpi: a 12億円 total over a 9-month window (2026-07-01 to 2027-03-31) from a monthly rate,
  visitors × cvr × aov = 1,000,000 × 2.5% × 4,000円 = 1億円 a month, 9億円 over the window;
- profit.kpi: profit = orders × aov × 40% − orders × cpa − 500万円 a month (orders used twice, cpa a
  ceiling): 10,000 × (2,400 − 1,500) − 5,000,000 = 4,000,000円 a month, exactly its target;
- share.kpi: orders = sessions × cvr, 200,000 × 5% = 10,000件 a month, cvr a share of a whole;
- ramp.kpi: revenue must reach 1億円 in every month; visitors ramp linearly from 500,000 (April) to
  1,000,000 (December), so April gives 500,000 × 2.5% × 4,000 = 5,000万円.
"""

import json
from fractions import Fraction

import jsonschema
import pytest

from conftest import ROOT, run_cli
from kpispec import planning
from kpispec.analysis import levers
from kpispec.api import analyze_text
from kpispec.evaluate import in_written_units

PLANS = ROOT / "tests" / "planning"


def result(name: str):
    return analyze_text(name, (PLANS / name).read_text(encoding="utf-8"), keep_context=True)


def written(r, nid: str, x: Fraction) -> Fraction:
    """An input's value from base units (per year) to the units its target is written in."""
    a = r.context.arithmetic
    return in_written_units(x, a.env[nid].dim, a.plan.nodes[nid].target.value)


def only(solutions):
    assert len(solutions) == 1
    return solutions[0]


# ------------------------------------------------------------------ a rate against a total over a window


def test_solving_a_rate_for_a_total_over_a_nine_month_window():
    r = result("total.kpi")
    s = only(planning.solve(r, "cvr"))
    # 12億円 = 9 months × 1,000,000 × cvr × 4,000円  ->  cvr = 12e8 / 36e9 = 1/30 (3.333…%)
    assert (s.status, s.side, s.value, s.exact) == (levers.SOLVED, ">=", Fraction(1, 30), True)
    assert s.written == Fraction(334, 10000)  # shown as 3.34%, rounded up, and proved as shown
    assert s.verdict.proven
    v = only(planning.solve(r, "visitors"))
    assert written(r, "visitors", v.value) == Fraction(4_000_000, 3)  # 12e8 / 9 / (2.5% × 4,000)
    assert written(r, "visitors", v.written) == 1_333_334


def test_what_if_over_the_window_totals_nine_months():
    r = result("total.kpi")
    sc = planning.scenario(r, [("visitors", "1,400,000")])  # a bare number takes `visitors per month`
    assert sc.settings[0].new == "1,400,000 visitors per month"
    (goal, before, after), = sc.goals
    assert goal == "revenue"
    assert (before.status, before.value, before.margin) == ("misses", 900_000_000, -300_000_000)
    # 9 × 1,400,000 × 2.5% × 4,000 = 12.6億
    assert (after.status, after.value, after.margin) == ("met", 1_260_000_000, 60_000_000)
    assert [d.code for d in sc.gone] == ["KPI301"] and not sc.appeared


def test_sensitivity_over_the_window():
    r = result("total.kpi")
    (goal, found), = planning.sensitivity(r)
    # each of the three factors 10% better: 9億 × 1.1 = 9.9億, +9,000万円 each, in the plan's order
    assert [(lv.input, lv.change) for lv in found] == [("visitors", 90_000_000), ("cvr", 90_000_000), ("aov", 90_000_000)]


# ------------------------------------------------------------------ a ceiling input, an input used twice


def test_profit_with_orders_twice_and_a_ceiling():
    r = result("profit.kpi")
    s = only(planning.solve(r, "cpa"))
    assert (s.status, s.side, s.value, s.verdict.proven) == (levers.SOLVED, "<=", 1500, True)
    orders = only(planning.solve(r, "orders"))
    assert (orders.side, written(r, "orders", orders.value)) == (">=", 10_000)  # 9,000,000 / (2,400 − 1,500)


def test_profit_what_if_then_solve():
    r = result("profit.kpi")
    sc = planning.scenario(r, [("orders", "8,000")])
    (_, before, after), = sc.goals
    # 8,000 × 900 − 5,000,000 = 2,200,000: short by 1,800,000 (45%)
    assert (after.status, after.value, after.margin) == ("misses", 2_200_000, -1_800_000)
    assert [d.code for d in sc.appeared] == ["KPI301"] and not sc.gone  # the changed target's own warnings are the same
    cpa = only(planning.solve(sc.after, "cpa"))
    assert (cpa.side, cpa.value) == ("<=", 1275)  # 8,000 × (2,400 − cpa) = 9,000,000
    sc = planning.scenario(r, [("cpa", "2,000円")])
    orders = only(planning.solve(sc.after, "orders"))
    assert written(sc.after, "orders", orders.value) == 22_500  # orders × (2,400 − 2,000) = 9,000,000


def test_profit_sensitivity_ranks_the_levers():
    r = result("profit.kpi")
    (_, found), = planning.sensitivity(r)
    # aov 6,600: 10,000 × (2,640 − 1,500) − 5,000,000 = 6,400,000 (+2,400,000)
    # cpa 1,350 (a ceiling: 10% lower): 10,000 × 1,050 − 5,000,000 = 5,500,000 (+1,500,000)
    # orders 11,000: 11,000 × 900 − 5,000,000 = 4,900,000 (+900,000)
    assert [(lv.input, lv.change / 12) for lv in found] == \
        [("aov", 2_400_000), ("cpa", 1_500_000), ("orders", 900_000)]
    assert found[1].after == 1350


# ------------------------------------------------------------------ a share of a whole


def test_a_solve_past_100_percent_is_reported_not_planned():
    r = result("share.kpi")
    sc = planning.scenario(r, [("sessions", "8,000")])
    s = only(planning.solve(sc.after, "cvr"))
    assert (s.status, s.value, s.bound, s.written, s.verdict) == (levers.BEYOND, Fraction(5, 4), 1, None, None)
    run = run_cli("whatif", PLANS / "share.kpi", "--set", "sessions=8,000", "--solve", "cvr")
    assert run.returncode == 0, run.stderr
    assert "would need cvr ≥ 125%, but a share of a whole cannot exceed 100%: cvr alone cannot meet it" in run.stdout
    assert "as the target of cvr" not in run.stdout


def test_a_share_that_would_be_met_at_any_value():
    r = result("share.kpi")
    sc = planning.scenario(r, [("sessions", "10,000,000")])  # 10,000 / 10,000,000 = 0.1%
    s = only(planning.solve(sc.after, "cvr"))
    assert (s.status, s.value) == (levers.SOLVED, Fraction(1, 1000))


# ------------------------------------------------------------------ month by month


def test_a_monthly_goal_is_solved_in_its_weakest_month():
    r = result("ramp.kpi")
    s = only(planning.solve(r, "cvr"))
    # April binds: 1億 / (500,000 × 4,000) = 5%
    assert (s.status, s.value, s.exact, s.verdict.proven) == (levers.SOLVED, Fraction(1, 20), True, True)
    # visitors' April is its baseline, 500,000, whatever its target: no target of visitors changes the
    # weakest month (the plan edited says so: `check` with visitors at 1,500,000 still misses in April)
    v = only(planning.solve(r, "visitors"))
    assert (v.status, v.edited) == (levers.NO_EFFECT, True)
    (_, found), = planning.sensitivity(r)
    # April: cvr or aov +10% -> +500万 (+10%); visitors' target does not move April
    assert [(lv.input, lv.change / 12) for lv in found] == [("cvr", 5_000_000), ("aov", 5_000_000), ("visitors", 0)]


def test_an_input_that_starts_late_or_ramps_is_solved_on_the_plan_edited():
    r = result("phased.kpi")
    # units_total: 150戸 over the year = sales + partner. partner counts from 2026-10-16: 16/31 of October,
    # then 5 whole months: 150 − sales' months must come from partner × (5 + 16/31) = partner × 171/31.
    # sales ramps 5 -> 13 (April..September: 5, 6.6, 8.2, 9.8, 11.4, 13), then 13 × 6: 54 + 78 = 132.
    # partner = (150 − 132) / (171/31) = 18 × 31 / 171 = 62/19 = 3.2631…
    partner = [s for s in planning.solve(r, "partner") if s.goal == "units_total"][0]
    assert (partner.status, written(r, "partner", partner.value), partner.edited) == (levers.SOLVED, Fraction(62, 19), True)
    assert written(r, "partner", partner.written) == Fraction(327, 100) and partner.verdict.proven
    # sales: its ramp runs from the baseline 5 in April to the target x in September, linearly: the six ramp
    # months sum to 6 × (5 + x) / 2 = 15 + 3x, then x × 6; partner gives 3 × 171/31 = 513/31.
    # 15 + 9x + 513/31 = 150  ->  x = (150 − 15 − 513/31) / 9 = 408/31 = 13.16…
    sales = [s for s in planning.solve(r, "sales") if s.goal == "units_total"][0]
    assert written(r, "sales", sales.value) == Fraction(408, 31)
    (total, found), _ = planning.sensitivity(r)
    # partner +10%: 0.3 × 171/31 = 513/310 = 1.654…; sales +10% (13 -> 14.3): 1.3 × (3 + 6) = 11.7
    assert total == "units_total"
    assert {lv.input: lv.change for lv in found} == {"sales": Fraction(117, 10), "partner": Fraction(513, 310)}


def test_a_rate_per_day_counts_each_month_by_its_days():
    r = result("perday.kpi")
    # 2026-07-15 to 2027-03-31: 260 days, 8 + 17/31 months. web: 600 × (8 + 17/31) = 159,000/31;
    # events × 260 = 6,000 − 159,000/31  ->  events = (186,000 − 159,000) / (31 × 260) = 27,000/8,060 = 1,350/403
    s = only(planning.solve(r, "events"))
    assert (s.status, written(r, "events", s.value)) == (levers.SOLVED, Fraction(1350, 403))


def test_milestones_that_set_every_month_leave_the_target_no_effect():
    r = result("milestones.kpi")
    s = only(planning.solve(r, "leads"))
    assert (s.status, s.edited) == (levers.NO_EFFECT, True)


# ------------------------------------------------------------------ through the command line


def test_whatif_text_output():
    run = run_cli("whatif", "tests/planning/profit.kpi", "--set", "orders=8000", "--solve", "cpa")
    assert run.returncode == 0, run.stderr
    assert run.stdout == (
        "tests/planning/profit.kpi: what if\n"
        "  orders = 8000件 per month  (target 10,000件 per month)\n"
        "\n"
        "profit 営業利益  (≥ 400万円 per month)\n"
        "  as planned: 4,000,000円 per month — met, exactly at the target\n"
        "  what-if:    2,200,000円 per month — misses by 1,800,000円 per month (45%)\n"
        "\n"
        "new findings:\n"
        "  error[KPI301] `profit` cannot reach its target: its inputs' targets imply 2,200,000円 per month, "
        "1,800,000円 per month (45%) short of the target 4,000,000円 per month\n"
        "\n"
        "Solving for cpa (≤ 1,500円), the other inputs at their targets:\n"
        "  profit 営業利益  (≥ 400万円 per month)\n"
        "    cpa ≤ 1,275円 meets it exactly; with 1,275円 as the target of cpa, the goal is proven\n"
    )


def test_whatif_json_and_japanese():
    run = run_cli("whatif", PLANS / "total.kpi", "--solve", "cvr", "--sensitivity", "-f", "json", "--lang", "ja")
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    solved = data["solve"][0]["goals"][0]
    assert (solved["value"]["exact"], solved["written"]["exact"], solved["text"]) == ("1/30", "167/5000", "3.34%")
    assert solved["sentence"].startswith("cvr ≥ 3.34% で届きます（3.333333…% を切り上げ）")
    changes = [(i["input"], i["change"]["exact"]) for i in data["sensitivity"][0]["inputs"]]
    assert changes == [("visitors", "90000000"), ("cvr", "90000000"), ("aov", "90000000")]


def test_solving_for_a_node_with_a_formula_sets_it_aside():
    run = run_cli("whatif", ROOT / "examples" / "ec_site.kpi", "--solve", "visitors")
    assert run.returncode == 0, run.stderr
    assert "(visitors has a formula, set aside here: it is solved for as an input)" in run.stdout
    # 12億円 a year = 1億円 a month = visitors × 2.5% × 4,000円
    assert "visitors ≥ 1,000,000 visitors per month meets it exactly" in run.stdout


@pytest.mark.parametrize("args,message", [
    (["--set", "cvx=3%"], "the plan has no node (KGI or KPI) or param `cvx`; did you mean `cvr`?"),
    (["--set", "CVR=3%"], "did you mean `cvr`?"),
    (["--set", "コンバージョン=3%"], "did you mean `cvr`?"),  # by its label, コンバージョン率
    (["--set", "cvr=+0.5%"], "write the new value itself (`3%`, not a change such as `+0.5%`)"),
    (["--set", "visitors=800,000 visitors"], "`800,000 visitors` has no period, but `visitors`'s target is"),
    (["--set", "cvr=3"], "`3`: this is a percentage (2.5%); write it with %, like `3%`"),
    (["--set", "cvr=3円"], "`cvr`'s target is 2.5%; `3円` is not the same kind of amount"),
    (["--set", "cvr=3% formula aov"], "`3% formula aov` is not a value such as"),
    (["--set", "cvr=>=3%"], "write the value only; the target keeps its comparator"),
    (["--set", "cvr"], "`cvr` is not ID=VALUE"),
    (["--solve", "revenue2"], "the plan has no KPI `revenue2`; did you mean `revenue`?"),
    (["--goal", "cvr"], "`cvr` is not a goal"),
])
def test_bad_settings_get_one_line_and_exit_2(args, message):
    run = run_cli("whatif", ROOT / "examples" / "ec_site.kpi", *args)
    assert run.returncode == 2
    assert message in run.stderr and run.stderr.count("\n") == 1 and not run.stdout


def test_a_plan_with_a_syntax_error_stops_it(tmp_path):
    bad = tmp_path / "bad.kpi"
    bad.write_text('plan p "P" { period 2026-04-01 to 2027-03-31 }\nkpi a "A" { target }\n', encoding="utf-8")
    run = run_cli("whatif", bad, "--set", "a=3件")
    assert run.returncode == 1 and "error[KPI0" in run.stderr and not run.stdout


def test_a_param_can_be_set():
    r = result("profit.kpi")
    sc = planning.scenario(r, [("margin", "45%")])
    (_, _, after), = sc.goals
    # 10,000 × (2,700 − 1,500) − 5,000,000 = 7,000,000
    assert (after.value, after.margin) == (7_000_000, 3_000_000)
    assert sc.settings[0].kind == "param"


def test_the_edit_is_only_the_value():
    r = result("profit.kpi")
    text, _, _ = planning.rewrite(r, [("cpa", "1,200円")])
    assert "target <= 1,200円" in text
    assert text.replace("1,200円", "1,500円") == r.source.text


# ------------------------------------------------------------------ compile --with-verdicts


def test_compile_with_verdicts_carries_each_goal_and_matches_the_schema():
    run = run_cli("compile", "--with-verdicts", PLANS / "total.kpi")
    assert run.returncode == 0, run.stderr  # KPI301 is the verdict, not a reason to refuse
    data = json.loads(run.stdout)
    schema = json.loads((ROOT / "schemas" / "kpispec.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(data)
    verdict = data["kgis"][0]["verdict"]
    assert (verdict["status"], verdict["met_at_targets"], verdict["value"], verdict["target"], verdict["margin"]) == \
        ("misses", False, 900000000, 1200000000, -300000000)
    assert all(n["verdict"] is None for n in data["kpis"])
    plain = json.loads(run_cli("compile", PLANS / "total.kpi").stdout)
    assert "verdict" not in plain["kgis"][0]


def test_compile_with_verdicts_gives_months():
    data = json.loads(run_cli("compile", "--with-verdicts", PLANS / "ramp.kpi").stdout)
    months = data["kgis"][0]["verdict"]["months"]
    assert months[0] == {"month": "2026-04", "value": 50000000, "due": 100000000, "miss": True}
    assert [m["month"] for m in months if not m["miss"]] == ["2026-12", "2027-01", "2027-02", "2027-03"]


def test_one_pass_sensitivity_equals_evaluating_each_move():
    """levers.one_at_a_time against the formula evaluated once per moved input, on a rational function
    with a repeated input, a square, and an input at 0."""
    from kpispec.analysis.poly import Budget, add, const, mul, normal, var

    b = Budget(10_000)
    x, y, z = var("x"), var("y"), var("z")
    num = add(mul(mul(x, x, b), y, b), mul(const(Fraction(3)), mul(x, z, b), b), b)  # x²y + 3xz
    den = add(y, const(Fraction(2)), b)  # y + 2
    sym = normal(num, den)
    ref = {"x": Fraction(3), "y": Fraction(5, 2), "z": Fraction(0)}
    moved = {"x": Fraction(33, 10), "y": Fraction(11, 4), "z": Fraction(7)}
    got = levers.one_at_a_time(sym, ref, moved)
    for v, to in moved.items():
        point = {**ref, v: to}
        X, Y, Z = point["x"], point["y"], point["z"]
        assert got[v] == (X * X * Y + 3 * X * Z) / (Y + 2), v


def test_a_bare_number_takes_the_unit_and_period_as_the_plan_writes_them():
    text = (ROOT / "docs" / "ja" / "tutorial" / "plans" / "shop.kpi").read_text(encoding="utf-8")
    r = analyze_text("shop.kpi", text, keep_context=True)
    sc = planning.scenario(r, [("訪問者数", "80万"), ("売上", "15億")])
    assert [(s.old, s.new) for s in sc.settings] == [("1,000,000人 per 月", "80万人 per 月"), ("12億円 per 年", "15億円 per 年")]
    (_, _, after), = sc.goals
    # 800,000 × 2.5% × 4,000円 × 12 = 9.6億 against 15億: short by 5.4億 (36%)
    assert (after.value, after.margin) == (960_000_000, -540_000_000)


def test_full_width_settings_read_as_ascii():
    assert planning.split_setting("購入率＝３％") == ("購入率", "3%")


def test_setting_a_goal_that_feeds_nothing_changes_the_goal():
    r = result("profit.kpi")
    sc = planning.scenario(r, [("profit", "500万")])  # a bare number: `500万円 per month`
    assert sc.settings[0].formula is None
    (_, _, after), = sc.goals
    assert (after.status, after.margin) == ("misses", -1_000_000)  # 4,000,000 against 5,000,000


def test_one_value_for_every_goal_an_input_feeds():
    r = analyze_text("ec.kpi", (ROOT / "examples" / "ec_site.kpi").read_text(encoding="utf-8"), keep_context=True)
    sc = planning.scenario(r, [("cvr", "3%")])
    found = planning.solve(sc.after, "seo_visitors")
    # revenue: 1億 / (3% × 4,000) = 833,333.3… visitors, minus ad's 400,000 -> 433,334 (rounded up);
    # visitors itself: 1,000,000 − 400,000 = 600,000; both: the larger
    got = [(s.goal, written(sc.after, "seo_visitors", s.written)) for s in found]
    assert got == [("revenue", 433_334), ("visitors", 600_000)]
    assert written(sc.after, "seo_visitors", planning.all_goals(sc.after, "seo_visitors", found)) == 600_000


EDGES = """plan p "P" { period 2026-04-01 to 2027-03-31 }
param fx "為替" = 150円 per USD
kgi g "G" {
  target 1億円
  formula a * fx + b
}
kpi a "ドル売上" { target 5,000 USD }
kpi b "円売上" { target 5M円 }
kpi c "件数" {
  target　200件
    per　month
}
kpi huge "巨大" { target 1e400件 per month }
ksf k "KSF" { kgi g }
"""


@pytest.mark.parametrize("setting,written", [
    (("b", "3000000"), "3000000円"),  # after `5M円`: the scale is the number's, not the unit's
    (("c", "100"), "100件 per month"),  # a target written over two lines with full-width spaces
    (("fx", "140"), "140円 per USD"),  # a param that is one quantity takes its unit too
])
def test_a_bare_number_takes_only_the_unit_and_period(setting, written):
    r = analyze_text("edges.kpi", EDGES, keep_context=True)
    sc = planning.scenario(r, [setting])
    assert sc.settings[0].new == written


@pytest.mark.parametrize("setting,message", [
    (("fx", "140円"), "`fx` is 150円 per USD; `140円` is not the same kind of amount"),
    (("b", "1e1001"), "the value is not valid here: this number is too large or too small"),
    (("k", "5"), "`k` is a KSF, which has no target"),
])
def test_settings_the_plan_would_reject_are_refused(setting, message):
    r = analyze_text("edges.kpi", EDGES, keep_context=True)
    with pytest.raises(planning.SettingError) as caught:
        planning.scenario(r, [setting])
    assert message in caught.value.message.en


def test_solving_a_param_or_a_ksf_says_what_to_do():
    r = analyze_text("edges.kpi", EDGES, keep_context=True)
    for nid, message in (("fx", "is a param, a constant of the plan"), ("k", "is a KSF, which has no target")):
        with pytest.raises(planning.SettingError) as caught:
            planning.check_solvable(r, nid)
        assert message in caught.value.message.en


def test_an_amount_beyond_a_float_is_shown_exactly():
    from kpispec.render.planning import _number

    assert _number(Fraction(10) ** 400) == {"value": None, "exact": "1" + "0" * 400}


def test_offsets_of_the_rewritten_text_map_back():
    edits = [(2, 4, "xyz"), (10, 10, "++"), (12, 20, "")]  # replace 2 chars by 3, insert 2, delete 8
    original = "0123456789abcdefghijklmnop"
    text = original[:2] + "xyz" + original[4:10] + "++" + original[10:12] + original[20:]
    was = planning.Offsets(edits)
    for i, ch in enumerate(text):
        j = was(i)
        if ch in "xyz+":
            assert j in (2, 10)  # inside an edit: its start
        else:
            assert original[j] == ch


def test_an_input_that_raises_then_lowers_the_goal():
    """peak.kpi: gp = orders × (5,000 − 3,000) × (1 − orders / 10,000), a goal of 500万円 a month.
    2,000 x (1 − x / 10,000) = 5,000,000 is (x − 5,000)² = 0: only x = 5,000 meets it, the peak."""
    r = result("peak.kpi")
    s = only(planning.solve(r, "orders"))
    assert (s.status, written(r, "orders", s.value), s.exact) == (levers.POINT, 5000, True)
    # with a goal of 480万円: x² − 10,000 x + 24,000,000 = 0, roots 4,000 and 6,000; the nearer to 3,000
    sc = planning.scenario(r, [("gp", "480万")])
    s = only(planning.solve(sc.after, "orders"))
    assert (s.status, s.side, written(sc.after, "orders", s.value), s.exact) == (levers.SOLVED, ">=", 4000, True)


def test_warnings_that_only_setting_a_formula_aside_causes_are_kept_apart():
    text = """plan p "P" { period 2026-04-01 to 2027-03-31 }
kgi revenue "売上" { target 1億円 per month  formula orders * aov }
kpi orders "注文" { target 25,000件 per month  formula sessions * cvr }
kpi sessions "セッション" { target 1,000,000 sessions per month  source "GA4" }
kpi cvr "CVR" { target 2.5%  measure "orders / sessions" }
kpi aov "客単価" { target 4,000円  source "受注" }
"""
    r = analyze_text("p.kpi", text, keep_context=True)
    sc = planning.scenario(r, [("orders", "20,000")])
    assert sc.settings[0].formula == "sessions * cvr"
    # sessions and cvr now feed nothing (KPI208), and orders, without its formula, has no source or
    # baseline (KPI203, KPI205): the what-if's doing; the goal's miss is news
    assert sorted({d.code for d in sc.aside}) == ["KPI203", "KPI205", "KPI208"]
    assert [d.code for d in sc.appeared] == ["KPI301"]


# ------------------------------------------------------------------ the solver's pieces, by hand


@pytest.mark.parametrize("lo,hi,simplest", [
    (Fraction(1, 3), Fraction(1, 2), Fraction(1, 2)), (Fraction(49, 1000), Fraction(51, 1000), Fraction(1, 20)),
    (Fraction(-7, 2), Fraction(-3), Fraction(-3)), (Fraction(-1, 3), Fraction(1, 5), Fraction(0)),
    (Fraction(21, 10), Fraction(22, 10), Fraction(11, 5)), (Fraction(5), Fraction(6), Fraction(5)),
    (Fraction(13, 4), Fraction(13, 4), Fraction(13, 4)), (Fraction(-22, 10), Fraction(-21, 10), Fraction(-11, 5)),
    (Fraction(7, 2), Fraction(15, 4), Fraction(7, 2)), (Fraction(1, 2), Fraction(1, 3), Fraction(1, 2)),
])
def test_the_simplest_fraction_between_two(lo, hi, simplest):
    assert levers.simplest_between(lo, hi) == simplest


@pytest.mark.parametrize("a,b,c,x0,root,exact", [
    (1, -10_000, 25_000_000, 3000, 5000, True),      # (x − 5,000)²: a double root
    (1, -10_000, 24_000_000, 3000, 4000, True),      # roots 4,000 and 6,000: the nearer to 3,000
    (1, -10_000, 24_000_000, 5900, 6000, True),      # ... and to 5,900
    (2, 0, -2, -5, -1, True),                        # 2x² − 2: roots ±1
    (1, 0, -2, 1, None, False),                      # x² − 2: √2, not rational
])
def test_a_quadratic_root(a, b, c, x0, root, exact):
    found, is_exact = levers._quadratic_root(Fraction(a), Fraction(b), Fraction(c), Fraction(x0))
    assert is_exact == exact
    if root is not None:
        assert found == root
    else:
        assert abs(found * found - 2) < Fraction(1, 10**30) and found > 0


def test_no_real_root():
    assert levers._quadratic_root(Fraction(1), Fraction(0), Fraction(1), Fraction(0)) is None


LIMITS = """plan p "P" { period 2026-04-01 to 2027-03-31 }
kgi g "G" { target -600万円  formula visitors * cvr * aov + other - cost }
kpi visitors "訪問" { target 1,000 visitors per month }
kpi cvr "購入率" { target 2.5%  measure "purchases / sessions" }
kpi aov "単価" { target 4,000円 }
kpi other "営業外損益" { target 50万円 per month }
kpi cost "費用" { target <= 10万円 per month }
"""


def test_what_an_input_can_be():
    r = analyze_text("limits.kpi", LIMITS, keep_context=True)
    a = r.context.arithmetic
    assert levers.limits(a, "visitors") == (0, None)  # a count
    assert levers.limits(a, "cvr") == (0, 1)  # a share: 0 to 100%
    assert levers.limits(a, "aov") == (None, None)  # money: a floor may go negative
    assert levers.limits(a, "other") == (None, None)
    assert levers.limits(a, "cost") == (0, None)  # a ceiling the proof reads as [0, target]


def test_a_money_input_may_be_solved_below_zero():
    r = analyze_text("limits.kpi", LIMITS, keep_context=True)
    s = only(planning.solve(r, "other"))
    # 1,000 × 2.5% × 4,000 = 100,000円 a month, less the cost's 100,000: the year is 12 × other ≥ −600万円,
    # so other ≥ −500,000円 a month: below 0, and allowed (money, not a count)
    assert (s.status, s.side, written(r, "other", s.value)) == (levers.SOLVED, ">=", -500_000)


def test_a_goal_with_min_is_solved_by_search():
    text = """plan p "P" { period 2026-04-01 to 2027-03-31 }
kgi shipped "出荷" { target 900件 per month  formula min(orders, capacity) }
kpi orders "受注" { target 1,000件 per month }
kpi capacity "能力" { target 800件 per month }
"""
    r = analyze_text("min.kpi", text, keep_context=True)
    s = only(planning.solve(r, "capacity"))
    assert (s.status, s.side, written(r, "capacity", s.value), s.verdict.proven) == (levers.SOLVED, ">=", 900, True)


def test_a_ceiling_goal_ranks_what_lowers_it_most_first():
    text = """plan p "P" { period 2026-04-01 to 2027-03-31 }
kgi cost "費用" { target <= 100万円 per month  formula ads + ops }
kpi ads "広告費" { target <= 60万円 per month }
kpi ops "運用費" { target <= 30万円 per month }
"""
    r = analyze_text("cost.kpi", text, keep_context=True)
    (_, found), = planning.sensitivity(r)
    # each ceiling 10% lower: ads −6万, ops −3万 a month; for a ceiling the larger fall comes first
    assert [(lv.input, lv.change / 12) for lv in found] == [("ads", -60_000), ("ops", -30_000)]
    s = only(planning.solve(r, "ads"))
    assert (s.side, written(r, "ads", s.value), s.verdict.proven) == ("<=", 700_000, True)  # 100万 − 30万
