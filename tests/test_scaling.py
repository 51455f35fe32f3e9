"""Large plans that once took quadratic time, and numbers that once compiled to a wrong value,
through the real CLI. These assert what is reported, never how long it takes: the plans are a
few thousand items, and bench/scaling_cases.py times the same cases at 1,000 and 16,000.

- "did you mean" for undefined names searched an index, not every id of the plan;
- KPI301 solved "any one of these alone closes the gap" without re-evaluating the whole
  formula each time, and KPI217 paired counts with rates reading each formula once;
- exponents of any length, and scales stacked on them, give the exact value or KPI016.
"""

from __future__ import annotations

import json
import re
import sys
from decimal import Decimal
from fractions import Fraction

import pytest

from conftest import ROOT, run_cli

sys.path.insert(0, str(ROOT / "bench"))

import scaling_cases  # noqa: E402

PLAN = 'plan p "計画" {\n  period 2026-04-01 to 2027-03-31\n}\n'
DID_YOU_MEAN = re.compile(r"did you mean `([^`]*)`\?")


def check(tmp_path, text: str, name: str = "plan.kpi") -> list[dict]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    result = run_cli("check", "--format", "json", path)
    assert "Traceback" not in result.stderr and result.stderr == "", result.stderr
    assert result.returncode in (0, 1)
    return json.loads(result.stdout)["diagnostics"]


def suggestions(diagnostics) -> dict[str, str | None]:
    """Each undefined name (KPI102) with the name its help suggests, or None."""
    out = {}
    for d in diagnostics:
        if d["code"] == "KPI102":
            name = re.match(r"`([^`]*)`", d["message"]).group(1)
            found = DID_YOU_MEAN.search(d["help"])
            out[name] = found.group(1) if found else None
    return out


def kpi(kid: str, body: str = "") -> str:
    return f'kpi {kid} "{kid}" {{\n{body}}}\n'


# ------------------------------------------------------------- did you mean


def test_every_typo_among_3000_names_gets_its_suggestion(tmp_path):
    diagnostics = check(tmp_path, scaling_cases.undefined_names(3000))
    found = suggestions(diagnostics)
    assert len(found) == 3000
    for i in range(0, 3000, 2):
        assert found[f"vistors_{i}"] == f"visitors_{i}"
    for i in range(1, 3000, 2):
        assert found[f"unknown_metric_{i}"] is None


TYPOS = {
    "monthly_activ_users": "monthly_active_users",  # a letter left out
    "monthly_active_userz": "monthly_active_users",  # a letter replaced
    "monthyl_active_users": "monthly_active_users",  # two letters swapped
    "monthly_active_userss": "monthly_active_users",  # a letter added
    "売上髙": "売上高",  # a kanji replaced
    "VISITORS_7": "visitors_7",  # case only: found by the case-folded map
    "zzz_qqq_www": None,  # close to nothing
}


def test_typos_of_every_kind_in_a_plan_of_3000_ids(tmp_path):
    names = [f"visitors_{i}" for i in range(3000)] + ["monthly_active_users", "売上高"]
    probes = "".join(kpi(f"probe_{i}", f"  formula {typo} * 2\n") for i, typo in enumerate(TYPOS))
    text = PLAN + "".join(kpi(n) for n in names) + probes
    assert suggestions(check(tmp_path, text)) == TYPOS


def test_a_small_plan_still_compares_every_id(tmp_path):
    """Up to 64 ids, every one is scored as before: a name two edits away is still suggested."""
    text = PLAN + kpi("monthly_active_users") + kpi("probe", "  formula montly_activeusers * 2\n")
    assert suggestions(check(tmp_path, text)) == {"montly_activeusers": "monthly_active_users"}


def test_a_name_with_hundreds_of_equally_close_ids_gets_none_or_a_right_one(tmp_path):
    # 300 ids one character longer than `項目`, and 300 one character different from `項目X`.
    longer = [f"項目{chr(0x4E00 + i)}" for i in range(300)]
    replaced = [f"項目{chr(0x4E00 + i)}X" for i in range(300)]
    unique = ["受注率"]
    probes = kpi("probe_1", "  formula 項目 * 2\n") + kpi("probe_2", "  formula 項目xX * 2\n") + \
        kpi("probe_3", "  formula 受注卒 * 2\n")
    text = PLAN + "".join(kpi(n) for n in longer + replaced + unique) + probes
    found = suggestions(check(tmp_path, text))
    assert set(found) == {"項目", "項目xX", "受注卒"}
    assert found["項目"] is None or found["項目"] in longer
    assert found["項目xX"] is None or found["項目xX"] in replaced
    assert found["受注卒"] == "受注率", "a unique close name is still found beside the crowded ones"


def test_undefined_ksf_links_in_a_large_plan(tmp_path):
    diagnostics = check(tmp_path, scaling_cases.undefined_ksf_links(2000))
    found = suggestions(diagnostics)
    assert len(found) == 2000 and set(found.values()) == {None}
    helps = {d["help"] for d in diagnostics if d["code"] == "KPI102"}
    assert "define it, e.g. `ksf missing_1999 { … }`, or check the spelling" in helps


def test_a_ksf_typo_among_100_ksfs(tmp_path):
    ksfs = "".join(f'ksf area_{i} "地域{i}" {{ kgi goal }}\n' for i in range(100))
    text = (PLAN + 'kgi goal "目標" {\n  target 1件\n}\n' + ksfs
            + kpi("a", "  ksf aera_42\n  target 1件\n") + kpi("b", "  ksf goal\n  target 1件\n"))
    diagnostics = check(tmp_path, text)
    assert suggestions(diagnostics) == {"aera_42": "area_42"}
    assert [d["code"] for d in diagnostics if d["code"].startswith("KPI1")] == ["KPI102", "KPI103"]


def test_very_long_undefined_names_in_a_small_plan(tmp_path):
    """Long names are matched only when they differ only in case: scoring two 100,000-character
    ids with difflib once took 15 s."""
    long_id = "x" + "".join(chr(0x4E00 + (i * 7919) % 300) for i in range(100_000))
    typo = long_id[:50_000] + "y" + long_id[50_001:]
    text = (PLAN + kpi(long_id) + kpi("ab" * 50_000) + kpi("probe_1", f"  formula {typo} * 2\n")
            + kpi("probe_2", f"  formula {'AB' * 50_000} * 2\n"))
    assert suggestions(check(tmp_path, text)) == {typo: None, "AB" * 50_000: "ab" * 50_000}


def test_very_long_undefined_names_in_large_plans(tmp_path):
    long_id = "a" * 100_000
    names = [f"visitors_{i}" for i in range(100)] + ["b" * 100_000]
    probes = kpi("probe_1", f"  formula {long_id} * 2\n") + kpi("probe_2", f"  formula {'B' * 100_000} * 2\n")
    found = suggestions(check(tmp_path, PLAN + "".join(kpi(n) for n in names) + probes))
    assert found == {long_id: None, "B" * 100_000: "b" * 100_000}


# ------------------------------------------------------------ KPI301, KPI217


def fixes(help_text: str) -> list[str]:
    assert help_text.startswith("any one of these alone closes the gap: "), help_text
    return help_text.removeprefix("any one of these alone closes the gap: ").split(", ")


def percent_near(text: str, ratio: Fraction) -> None:
    shown = Decimal(re.search(r"\(([0-9.]+)%\)", text).group(1))
    assert abs(Fraction(shown) - ratio * 100) <= Fraction(5, 100), (text, float(ratio * 100))


def test_a_missed_sum_of_2000_kpis(tmp_path):
    n = 2000
    diagnostics = check(tmp_path, scaling_cases.big_sum_missed(n))
    targets = [Fraction(1000 + i) for i in range(n)]
    implied, target = sum(targets), Fraction(1_000_000 * n)
    (d,) = [d for d in diagnostics if d["code"] == "KPI301"]
    assert d["message"].startswith(
        f"`revenue` cannot reach its target: its inputs' targets imply {int(implied):,} visitors per month, "
        f"{int(target - implied):,} visitors per month (")
    assert d["message"].endswith(f"short of the target {int(target):,} visitors per month")
    percent_near(d["message"], (target - implied) / target)
    # Each input alone: target - (everything else).
    expected = [f"v_{i} ≥ {int(target - (implied - targets[i])):,} visitors per month" for i in range(12)]
    assert fixes(d["help"]) == expected + ["…"]
    assert [label["message"] for label in d["labels"]] == [f"target >= {1000 + i} visitors per month" for i in range(n)]
    # KPI217: every KSF holds ten counts, none paired with a rate.
    counts_only = [d for d in diagnostics if d["code"] == "KPI217"]
    assert len(counts_only) == n // 10
    assert counts_only[0]["message"].startswith("KSF `traffic` is tracked only by counts (`v_0`, `v_1`,")
    assert {d["code"] for d in diagnostics} == {"KPI301", "KPI217"}


def test_a_missed_sum_of_1500_kpis_times_a_rate(tmp_path):
    """The inputs sit under a sum under a product: the solver evaluates through both."""
    n = 1500
    body = ('  ksf traffic\n  target {t}\n  baseline {t}\n  deadline 2026-12-31\n  cadence monthly\n'
            '  owner "Web"\n  source "GA4"\n')
    text = (PLAN + 'kgi revenue "購入数" {\n  target 4,000,000 purchases per month\n  deadline 2027-03-31\n'
            f'  formula sum({", ".join(f"v_{i}" for i in range(n))}) * cvr\n}}\n'
            'ksf traffic "訪問者を増やす" { kgi revenue }\n'
            + kpi("cvr", body.format(t="50%") + '  measure "purchases / visitors"\n')
            + "".join(kpi(f"v_{i}", body.format(t=f"{1000 + i} purchases per month")) for i in range(n)))
    diagnostics = check(tmp_path, text)
    (d,) = [d for d in diagnostics if d["code"] == "KPI301"]
    targets = [Fraction(1000 + i) for i in range(n)]
    rate, target = Fraction(1, 2), Fraction(4_000_000)
    implied = sum(targets) * rate
    assert d["message"].startswith(f"`revenue` cannot reach its target: its inputs' targets imply {int(implied):,} purchases")
    percent_near(d["message"], (target - implied) / target)
    # (S - t_i + x) × rate = target
    expected = [f"v_{i} ≥ {int(target / rate - sum(targets) + targets[i]):,} purchases per month" for i in range(12)]
    assert fixes(d["help"]) == expected + ["…"]


def test_ceilings_that_no_single_input_can_meet(tmp_path):
    """Each input would have to go below zero: solving bisects, and finds nothing, for each."""
    n = 400
    text = (PLAN + 'kgi cost "総コスト" {\n  target <= 100,000円 per month\n  deadline 2027-03-31\n'
            f'  formula sum({", ".join(f"c_{i}" for i in range(n))})\n}}\n'
            + "".join(kpi(f"c_{i}", f"  target <= {1000 + i}円 per month\n") for i in range(n)))
    (d,) = [d for d in check(tmp_path, text) if d["code"] == "KPI301"]
    implied = sum(1000 + i for i in range(n))
    assert d["message"].startswith(f"`cost` cannot reach its target: its inputs' targets imply {implied:,}円 per month, "
                                   f"{implied - 100_000:,}円 per month (")
    assert d["message"].endswith("over the target 100,000円 per month")
    assert d["help"].startswith("no single input's target closes the gap")


def test_a_sum_of_the_same_kpi_3000_times(tmp_path):
    n = 3000
    diagnostics = check(tmp_path, scaling_cases.repeated_sum(n))
    (d,) = [d for d in diagnostics if d["code"] == "KPI301"]
    implied, target = 1000 * n, 1_000_000 * n
    assert d["message"].startswith(
        f"`revenue` cannot reach its target: its inputs' targets imply {implied:,} visitors per month, "
        f"{target - implied:,} visitors per month (99.9%) short of the target {target:,} visitors per month")
    assert fixes(d["help"]) == [f"a ≥ {target // n:,} visitors per month"]
    assert len(d["labels"]) == n
    (hint,) = [d for d in diagnostics if d["code"] == "KPI217"]
    assert hint["message"] == "KSF `traffic` is tracked only by counts (`a`), with no rate or quality KPI"


def test_counts_paired_with_a_rate_in_one_formula_and_not_in_another(tmp_path):
    """KPI217 reads each formula once for all the counts it combines: the counts of KSF `paired`
    meet a rate in `paired_total`'s formula, those of KSF `alone` only other counts in the KGI's."""
    n = 500
    p = ", ".join(f"p_{i}" for i in range(n))
    text = (PLAN + f'kgi goal "目標" {{\n  target 1件\n  formula sum({", ".join(f"q_{i}" for i in range(n))})\n}}\n'
            'ksf alone "件数のみ" { kgi goal }\nksf paired "率と組む" { kgi goal }\nksf quality "質" { kgi goal }\n'
            + kpi("rate", "  ksf quality\n  target 2%\n")
            + kpi("paired_total", f"  ksf quality\n  target 1件\n  formula (p_0 + p_1 + sum({p})) * rate\n")
            + "".join(kpi(f"p_{i}", "  ksf paired\n  target 1件\n") for i in range(n))
            + "".join(kpi(f"q_{i}", "  ksf alone\n  target 1件\n") for i in range(n)))
    hints = [d for d in check(tmp_path, text) if d["code"] == "KPI217"]
    assert [h["message"].split(" is tracked")[0] for h in hints] == ["KSF `alone`"]


# ------------------------------------------------------------ huge exponents

OUT_OF_RANGE = {
    "1e9999999999999999999": "10^9999999999999999999",
    "1e-9999999999999999999": "10^-9999999999999999999",
    "1e99999999999999999999999999": "10^99999999999999999999999999",
    "1e1001": "10^1001",
    "1e-1001": "10^-1001",
    "1e998万": "10^1002",
    "1e998k": "10^1001",
    "1e-999%": "10^-1001",
    "1e999999999999999999億": "10^1000000000000000007",
    "1e999999999999999999兆": "10^1000000000000000011",
    "1e99999999999999999999億2万円": "10^100000000000000000007",
    "1e-99999999999999999999億": "10^-99999999999999999991",
    "2e-1030兆": "10^-1018",
    "1.5e-1000000000000000000000兆": "10^-999999999999999999988",
    "1e-5000万2千円": "10^-4996",  # a part of the number beyond the limit
    "1e" + "9" * 5000: "10^(a 5,000-digit number)",
    "1e" + "9" * 40 + "万": "10^(a 41-digit number)",  # 10^40 - 1 + 4
    "1e" + "1" * 29 + "億2万円": f"10^{int('1' * 29) + 8}",  # read exactly, not to 28 digits
    "1e" + "9" * 100_000 + "兆": "10^(a 100,001-digit number)",
    "1e-" + "9" * 100_000 + "兆": "10^-(a 100,000-digit number)",
    "1e-" + "0" * 30 + "9" * 40: "10^-(a 40-digit number)",
}


def test_exponents_of_any_size_are_reported_where_they_are_written(tmp_path):
    lines = PLAN.count("\n")
    text = PLAN
    where = {}
    for i, literal in enumerate(OUT_OF_RANGE):
        where[literal] = (lines + 2, 10)
        text += f'kpi k{i} "K" {{\n  target {literal} widgets\n}}\n'
        lines += 3
    diagnostics = check(tmp_path, text)
    reported = {(d["line"], d["column"]): d for d in diagnostics if d["code"] == "KPI016"}
    assert len(reported) == len(OUT_OF_RANGE)
    for literal, power in OUT_OF_RANGE.items():
        d = reported[where[literal]]
        assert d["message"] == f"this number is too large or too small to compute with ({power})", literal
    assert "KPI901" not in {d["code"] for d in diagnostics}


def test_an_exponent_in_a_formula_through_the_text_report(tmp_path):
    path = tmp_path / "huge.kpi"
    path.write_text(PLAN + "param x = 2 * 1e-00000000000000000000000000000000001001\n", encoding="utf-8")
    result = run_cli("check", path)
    assert result.returncode == 1 and result.stderr == ""
    assert "error[KPI016]: this number is too large or too small to compute with (10^-1001)" in result.stdout
    assert f"{path}:4:15" in result.stdout


EXACT = {
    "1e0000000000000000000005": Decimal("1e5"),
    "1e-0000000000000000000005": Decimal("1e-5"),
    "0e99999999999999999999": Decimal(0),
    "0e-99999999999999999999億": Decimal(0),
    "1e1000": Decimal("1e1000"),
    "1e997k": Decimal("1e1000"),
    "1e-998%": Decimal("1e-1000"),
    "1e-1003億": Decimal("1e-995"),
    "5e-1010兆": Decimal("5e-998"),
    "1e-30兆": Decimal("1e-18"),
    "1e-1005百万": Decimal("1e-999"),
    "1" + "2" * 99: Decimal("1" + "2" * 99),
    "1" + "0" * 99 + ".5": Decimal("1" + "0" * 99 + ".5"),
    "1e100万2千": Decimal(10**104 + 2000),
    "1.5e3億2,000万": Decimal("150020000000"),
    "1億2,000万": Decimal(120_000_000),
}


def test_numbers_within_the_limit_compile_to_their_exact_values(tmp_path):
    path = tmp_path / "exact.kpi"
    text = PLAN + "".join(f'kpi k{i} "K" {{\n  target {literal} widgets\n}}\n' for i, literal in enumerate(EXACT))
    path.write_text(text, encoding="utf-8")
    result = run_cli("compile", path)
    assert result.returncode == 0, result.stdout + result.stderr
    kpis = json.loads(result.stdout, parse_float=Decimal, parse_int=Decimal)["kpis"]
    assert [k["target"]["value"] for k in kpis] == list(EXACT.values())


@pytest.mark.parametrize("literal", ["1e9999999999999999999", "1e999999999999999999億", "1e-99999999999999999999"])
def test_a_number_beyond_the_limit_never_compiles(tmp_path, literal):
    path = tmp_path / "huge.kpi"
    path.write_text(PLAN + f'kpi a "A" {{\n  target {literal} widgets\n}}\n', encoding="utf-8")
    result = run_cli("compile", path)
    assert result.returncode == 1 and '"value"' not in result.stdout
    assert "KPI016" in result.stdout + result.stderr


def test_a_number_with_thousands_of_per_units_is_one_error_at_the_second(tmp_path):
    # the per-units were once taken off a list one slice at a time (20,000: seconds)
    diagnostics = check(tmp_path, scaling_cases.stacked_per_units(20_000))
    errors = [d for d in diagnostics if d["severity"] == "error"]
    assert [(d["code"], d["line"], d["column"]) for d in errors] == [("KPI015", 5, 25)]
