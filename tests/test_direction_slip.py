"""KPI309: a cost or a churn written as a floor that its baseline already meets, through the real CLI.

Every fix the help line offers is applied to the source text and checked again: the warning
must go, and no error may appear that was not there before.
"""

import json
import re

import pytest

from conftest import run_cli

CODE = "KPI309"

HEAD = '''plan shop "ECサイト 2026年度" { period 2026-04-01 to 2027-03-31 }

kgi revenue "月間売上" {
  target 1億円 per month
  baseline 8,000万円 per month
  deadline 2027-03-31
  cadence monthly
  owner "EC事業部"
  source "会計システム"
}

ksf acquisition "効率よく顧客を獲得する" { kgi revenue }
'''


def kpi(kpi_id: str, label: str | None, target: str, baseline: str, extra: str = "") -> str:
    """A KPI that is SMART-complete, so that the only thing to report about it is its direction."""
    labelled = f' "{label}"' if label else ""
    return (f"\nkpi {kpi_id}{labelled} {{\n  ksf acquisition\n  target {target}\n  baseline {baseline}\n"
            f'  deadline 2026-12-31\n  cadence monthly\n  owner "広告チーム"\n  source "広告管理画面"\n{extra}}}\n')


def check(tmp_path, text: str, *args: str, name: str = "plan.kpi"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return run_cli("check", "--format", "json", *args, path)


def diagnostics(result) -> list[dict]:
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)["diagnostics"]


def slips(result) -> list[dict]:
    return [d for d in diagnostics(result) if d["code"] == CODE]


def errors(result) -> list[tuple[str, int]]:
    return sorted((d["code"], d["line"]) for d in diagnostics(result) if d["severity"] == "error")


def fix_from(d: dict) -> str:
    """The fix line the help offers: the `target <= …` in backticks."""
    found = re.findall(r"`(target <= [^`]+)`", d["help"])
    assert len(found) == 1, d["help"]
    return found[0]


def apply_fix(text: str, d: dict) -> str:
    """Replace the `target …` written on the diagnostic's line with the fix line."""
    lines = text.split("\n")
    line = lines[d["line"] - 1]
    start = d["column"] - 1
    end = d["end_column"] - 1 if d["end_line"] == d["line"] else len(line)
    assert line[start:end].startswith("target"), line
    lines[d["line"] - 1] = line[:start] + fix_from(d) + line[end:]
    return "\n".join(lines)


def assert_fix_works(tmp_path, text: str, d: dict):
    """The help's fix, applied to the source: the warning is gone and no new error appears."""
    before = errors(check(tmp_path, text, name="before.kpi"))
    fixed = apply_fix(text, d)
    after = check(tmp_path, fixed, name="fixed.kpi")
    assert not [s for s in slips(after) if s["line"] == d["line"]], fixed
    assert set(errors(after)) <= set(before), fixed
    return fixed


# ------------------------------------------------------------------ the plan


QUOTED = 'plan p "計画" { period 2026-04-01 to 2027-03-31 }\nkpi cpa { target 5,000円 baseline 6,000円 }\n'


def test_the_quoted_plan_warns_with_names_amounts_and_the_fix(tmp_path):
    result = check(tmp_path, QUOTED)
    assert result.returncode == 0  # a warning: the run still passes without --strict
    (d,) = slips(result)
    assert d["severity"] == "warning"
    assert (d["line"], d["column"]) == (2, 11)  # the `target` attribute
    assert d["message"] == ("`cpa` is better when lower, but its target is a floor: "
                            "5,000円 or more is already met at the baseline 6,000円")
    assert fix_from(d) == "target <= 5,000円"
    assert "“CPA”" in " ".join(d["notes"])
    assert_fix_works(tmp_path, QUOTED, d)


def test_the_quoted_plan_in_text_and_strict(tmp_path):
    path = tmp_path / "plan.kpi"
    path.write_text(QUOTED, encoding="utf-8")
    text = run_cli("check", path)
    assert "warning[KPI309]: `cpa` is better when lower" in text.stdout
    assert "^^^^^^^^^^^^^^ a floor: 5,000円 or more" in text.stdout
    assert "the baseline 6,000円 is above it" in text.stdout
    assert "= help: a cost or a churn has a ceiling: write `target <= 5,000円`" in text.stdout
    assert run_cli("check", "--strict", path).returncode == 1


# ------------------------------------------------------------------ Japanese plans


JAPANESE = (HEAD + kpi("顧客獲得単価", "顧客獲得単価", "12,000円", "15,000円")
            + kpi("解約率", "月次解約率", "1.5%", "2.4%", '  measure "月内の解約数 / 月初の会員数"\n'))


def test_japanese_ids_and_labels_with_yen_and_percent(tmp_path):
    result = check(tmp_path, JAPANESE)
    assert [d["code"] for d in diagnostics(result)] == [CODE, CODE]  # nothing else: the plan is complete
    cac, churn = slips(result)
    assert cac["message"] == ("`顧客獲得単価` (顧客獲得単価) is better when lower, but its target is a floor: "
                              "12,000円 or more is already met at the baseline 15,000円")
    assert fix_from(cac) == "target <= 12,000円"
    assert churn["message"] == ("`解約率` (月次解約率) is better when lower, but its target is a floor: "
                                "1.5% or more is already met at the baseline 2.4%")
    assert fix_from(churn) == "target <= 1.5%"
    fixed = assert_fix_works(tmp_path, JAPANESE, cac)
    fixed = assert_fix_works(tmp_path, fixed, slips(check(tmp_path, fixed, name="once.kpi"))[0])
    assert diagnostics(check(tmp_path, fixed, name="twice.kpi")) == []  # both fixed: nothing at all


def test_japanese_messages(tmp_path):
    path = tmp_path / "plan.kpi"
    path.write_text(JAPANESE, encoding="utf-8")
    out = run_cli("check", "--lang", "ja", path).stdout
    assert ("警告[KPI309]: `顧客獲得単価`「顧客獲得単価」は低いほど良い指標ですが、目標が下限になっています。"
            "「12,000円 以上」は現状値 15,000円 ですでに達成されています") in out
    assert "= ヒント: コストや解約率などは上限で書きます：`target <= 12,000円`" in out
    assert "「1.5% 以上」は現状値 2.4% ですでに達成されています" in out
    assert "= ヒント: コストや解約率などは上限で書きます：`target <= 1.5%`" in out
    assert "下限：12,000円 以上" in out
    assert "現状値 15,000円 はすでにそれを上回っています" in out
    json_ja = json.loads(run_cli("check", "--format", "json", "--lang", "ja", path).stdout)["diagnostics"]
    assert all("`target <= " in d["help"] and "上限で書きます" in d["help"] for d in json_ja)


def test_number_text_and_period_are_kept_as_written(tmp_path):
    text = HEAD + kpi("ad_spend", "広告費", ">= 400万円 per month", "6,000万円 per year")
    (d,) = slips(check(tmp_path, text))
    assert fix_from(d) == "target <= 400万円 per month"  # 万 and the period, as the user wrote them
    assert "compared in the target's units: the baseline 6,000万円 per year is 5,000,000円 per month" in d["notes"]
    assert "`>=` makes the target a floor" in " ".join(d["notes"])
    assert_fix_works(tmp_path, text, d)


# ------------------------------------------------------------------ what is not a cost


@pytest.mark.parametrize("kpi_id, label, target, baseline, extra", [
    ("aov", "客単価", "4,000円", "4,500円", ""),  # average order value: better when higher
    ("顧客単価", "顧客単価", "4,000円", "4,500円", ""),
    ("arpu", "revenue per user", "1,200円", "1,300円", ""),
    ("roas", "ROAS", "300%", "350%", '  measure "広告経由売上 / 広告費"\n'),  # a return on a cost
    ("ltv_cac", "LTV/CAC", "3", "3.4", ""),
    ("cost_saving", "コスト削減額", "200万円 per month", "250万円 per month", ""),
    ("save_rate", "解約防止率", "30%", "35%", ""),
    ("cpa_gain", "CPA改善率", "10%", "12%", ""),
    # only the measure names a cost, and in its divisor: revenue per yen of ad cost is a return
    ("ad_yield", "広告効果", "3円", "3.5円", '  measure "広告経由売上 / 広告費"\n'),
])
def test_better_when_higher_is_not_a_slip(tmp_path, kpi_id, label, target, baseline, extra):
    assert slips(check(tmp_path, HEAD + kpi(kpi_id, label, target, baseline, extra))) == []


def test_aov_with_baseline_above_target_is_silent(tmp_path):
    # The decision: 客単価 is known to be better when higher, so a floor under today's value is a
    # level to hold or a planned decline; neither the cost warning nor the cautious one applies.
    text = HEAD + kpi("aov", "客単価", "4,000円", "4,500円")
    assert diagnostics(check(tmp_path, text)) == []
    path = tmp_path / "ja.kpi"
    path.write_text(text, encoding="utf-8")
    assert "KPI309" not in run_cli("check", "--lang", "ja", path).stdout


@pytest.mark.parametrize("target, baseline", [
    ("<= 5,000円", "6,000円"),  # the ceiling the fix writes
    ("≤ 5,000円", "6,000円"),
    ("5,000円", "5,000円"),  # at the baseline: nothing to go down
    ("5,000円", "4,000円"),  # a floor above the baseline asks for a change
    ("5,000円", "3%"),  # units that cannot be compared
    ("400万円 per month", "4,000万円 per year"),  # 4,000万円 a year is 333万円 a month: under the floor
])
def test_ceilings_and_floors_not_under_the_baseline(tmp_path, target, baseline):
    assert slips(check(tmp_path, HEAD + kpi("cpa", "獲得単価", target, baseline))) == []


# ------------------------------------------------------------------ where the metric is recognised


@pytest.mark.parametrize("kpi_id, label, target, baseline, extra, term", [
    ("new_acq", "新規獲得の効率", "8,000円", "9,500円", '  measure "広告費 / 新規顧客数"\n', "広告費"),
    ("voice", "お客様の声", "30 complaints per month", "45 complaints per month", "", "complaints"),
    ("bounce", "直帰率", "40%", "55%", "", "bounce"),
    ("returns", "返品率", "3%", "4.5%", "", "返品"),
    ("genka", "原価率", "35%", "38%", "", "原価"),
    ("cpl", "cost per lead", "9,000円", "11,000円", "", "CPL"),
    ("exit", "離脱率", "30%", "36%", "", "離脱"),
    ("click_cost", "クリック単価", "60円", "75円", "", "cost"),
])
def test_costs_and_losses_recognised_by_id_label_unit_and_measure(tmp_path, kpi_id, label, target, baseline, extra, term):
    text = HEAD + kpi(kpi_id, label, target, baseline, extra)
    (d,) = slips(check(tmp_path, text))
    assert f"“{term}”" in " ".join(d["notes"])
    assert "is better when lower" in d["message"]
    assert_fix_works(tmp_path, text, d)


# ------------------------------------------------------------------ an unknown metric


UNKNOWN = HEAD + kpi("delivery", "平均配送日数", "2 days", "3 days")


def test_unknown_metric_gets_the_fix_as_a_question(tmp_path):
    (d,) = slips(check(tmp_path, UNKNOWN))
    assert d["severity"] == "warning"
    assert d["message"] == ("the target of `delivery` (平均配送日数) is a floor already met at its baseline: "
                            "2 days or more, and the baseline is 3 days")
    assert d["help"] == ("if `delivery` is better when lower, write `target <= 2 days`; if 2 days is a level it must "
                         "not fall below, add `# kpispec: ignore[KPI309]` to this line")
    assert_fix_works(tmp_path, UNKNOWN, d)


def test_unknown_metric_silenced_on_its_line(tmp_path):
    text = UNKNOWN.replace("target 2 days", "target 2 days  # kpispec: ignore[KPI309]")
    assert diagnostics(check(tmp_path, text)) == []


# ------------------------------------------------------------------ the fix is verified


FORMULAS = '''plan p "計画" { period 2026-04-01 to 2027-03-31 }
kgi budget_use "広告予算消化額" {
  target 500万円 per month
  formula conversions * cv_cost
}
kpi conversions "CV数" { target 1,000件 per month }
kpi cv_cost "CV単価" { target 5,000円 baseline 6,000円 }
kgi profit "利益" {
  target 300万円 per month
  formula orders * (margin - cpa)
}
param margin "1件あたり粗利" = 8,000円
kpi orders "受注数" { target 1,000件 per month }
kpi cpa "獲得単価" { target 5,000円 baseline 6,000円 }
'''


def test_a_fix_that_would_add_an_error_says_so(tmp_path):
    result = check(tmp_path, FORMULAS)
    by_id = {d["message"].split("`")[1]: d for d in slips(result)}
    # cpa is subtracted from the margin: as a ceiling it makes `profit` provable, so its fix is clean
    assert by_id["cpa"]["help"] == "a cost or a churn has a ceiling: write `target <= 5,000円`"
    assert_fix_works(tmp_path, FORMULAS, by_id["cpa"])
    # cv_cost multiplies into a floor: as a ceiling it can no longer prove `budget_use`, and the help says so
    help = by_id["cv_cost"]["help"]
    assert help.startswith("a cost or a churn has a ceiling: write `target <= 5,000円`; then revise what relies on")
    assert help.endswith("kpispec reports KPI301 (line 3)")
    fixed = check(tmp_path, apply_fix(FORMULAS, by_id["cv_cost"]), name="fixed.kpi")
    assert ("KPI301", 3) in errors(fixed) and ("KPI301", 3) not in errors(result)  # the help told the truth
