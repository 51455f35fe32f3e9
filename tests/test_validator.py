"""The validator through the real CLI: the scenarios the issue names, outputs, config and silencing."""

import json
import textwrap

from conftest import ROOT, run_cli

CHECKS = ROOT / "tests" / "checks"


def diagnostics(*args, **kw):
    result = run_cli("check", "--format", "json", "--lang", "en", *args, **kw)
    return result, json.loads(result.stdout)["diagnostics"]


def only(items, code):
    found = [d for d in items if d["code"] == code]
    assert len(found) == 1, found
    return found[0]


def test_monthly_kpis_short_of_annual_kgi():
    # 900,000 × 2.5% × 4,000円 = 90,000,000円 a month = 1,080,000,000円 a year, 120,000,000円 (10%) short.
    result, items = diagnostics(CHECKS / "KPI301" / "fail_monthly_kpis_annual_kgi.kpi")
    assert result.returncode == 1
    d = only(items, "KPI301")
    assert (d["line"], d["column"]) == (5, 3)
    assert d["message"] == (
        "`revenue` cannot reach its target: its inputs' targets imply 1,080,000,000円 per year "
        "(90,000,000円 per month), 120,000,000円 per year (10%) short of the target 1,200,000,000円 per year"
    )
    # 1e8 / (0.025 × 4,000) = 1,000,000 visitors; 1e8 / (900,000 × 4,000) = 2.777…% → 2.78%;
    # 1e8 / (900,000 × 0.025) = 4,444.4… → 4,445円 (rounded up: the value must close the gap)
    assert d["help"] == (
        "any one of these alone closes the gap: visitors ≥ 1,000,000 visitors per month, cvr ≥ 2.78%, aov ≥ 4,445円"
    )
    assert [lab["message"] for lab in d["labels"]] == [
        "target >= 900,000 visitors per month", "target >= 2.5%", "target >= 4,000円",
    ]


def test_rate_misses_total_by_one_over_window():
    # 11戸 a month from 2026-04-01 to 2026-12-31: 9 calendar months → 99戸, 1 short of 100戸.
    _, items = diagnostics(CHECKS / "KPI301" / "fail_rate_misses_total_by_one.kpi")
    d = only(items, "KPI301")
    assert (d["line"], d["column"]) == (5, 3)
    assert d["message"] == "`sold_out` cannot reach its target: its inputs' targets imply 99戸, 1戸 (1%) short of the target 100戸"
    assert d["notes"] == [
        "the formula gives a rate; over the window 2026-04-01 to 2026-12-31 (9 months) it totals 99戸"
    ]
    assert d["help"] == "any one of these alone closes the gap: contracts ≥ 11.12戸 per month"


def test_jpy_usd_mix():
    _, items = diagnostics(CHECKS / "KPI302" / "fail_jpy_usd.kpi")
    d = only(items, "KPI302")
    assert (d["line"], d["column"]) == (5, 20)
    assert d["message"] == "cannot combine USD per year with JPY per year"
    assert [lab["message"] for lab in d["labels"]] == ["USD per year", "JPY per year"]


def test_cycle_of_three():
    _, items = diagnostics(CHECKS / "KPI401" / "fail_cycle_of_three.kpi")
    d = only(items, "KPI401")
    assert d["message"] == "circular dependency: a → b → c → a"
    assert (d["line"], d["column"]) == (5, 11)
    assert [(lab["line"], lab["message"]) for lab in d["labels"]] == [
        (9, "2. `b` uses `c`"), (13, "3. `c` uses `a`"),
    ]


def test_ceiling_kpi_in_numerator():
    _, items = diagnostics(CHECKS / "KPI304" / "fail_ceiling_in_numerator.kpi")
    d = [x for x in items if x["code"] == "KPI304"][0]
    assert (d["line"], d["column"]) == (5, 20)
    assert d["message"] == "`cpa` is a ceiling (lower is better), but a lower `cpa` lowers `profit`"
    assert d["severity"] == "warning"


def test_contract_and_examples_are_clean():
    result = run_cli("check", "--format", "json", ROOT / "tests" / "golden" / "valid" / "contract.kpi")
    assert json.loads(result.stdout)["diagnostics"] == []
    assert run_cli("check", ROOT / "examples").returncode == 0


def plan_with_warning(tmp_path, extra=""):
    path = tmp_path / "plan.kpi"
    path.write_text(textwrap.dedent(f"""\
        plan p "計画" {{ period 2026-04-01 to 2027-03-31 }}
        kpi web_cvr "Web CVR" {{ target 2% }}
        kpi app_cvr "アプリCVR" {{ target 3% }}
        kpi cvr "CVR" {{
          target 5%
          formula web_cvr + app_cvr{extra}
        }}
        """), encoding="utf-8")
    return path


def codes(items):
    return {d["code"] for d in items}


def test_ignore_comment_silences_one_code_on_its_line(tmp_path):
    _, before = diagnostics(plan_with_warning(tmp_path))
    assert "KPI305" in codes(before)
    _, after = diagnostics(plan_with_warning(tmp_path, "  # kpispec: ignore[KPI305]"))
    assert "KPI305" not in codes(after)
    assert codes(before) - {"KPI305"} == codes(after)


def test_pyproject_config_found_upwards(tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        '[tool.kpispec]\nseverity = { KPI305 = "error" }\ndisable = ["KPI205"]\n', encoding="utf-8")
    sub = tmp_path / "plans"
    sub.mkdir()
    result, items = diagnostics(plan_with_warning(sub))
    assert only(items, "KPI305")["severity"] == "error"
    assert "KPI205" not in codes(items)
    assert result.returncode == 1


def test_bad_config_is_exit_2(tmp_path):
    (tmp_path / "kpispec.toml").write_text('growth-bound = "lots"\n', encoding="utf-8")
    result = run_cli("check", plan_with_warning(tmp_path))
    assert result.returncode == 2
    assert "growth-bound" in result.stderr
    assert "Traceback" not in result.stderr


def test_strict_fails_on_warnings(tmp_path):
    (tmp_path / "kpispec.toml").write_text(
        'disable = ["KPI201", "KPI202", "KPI203", "KPI204", "KPI205", "KPI208", "KPI212", "KPI215"]\n', encoding="utf-8")
    path = plan_with_warning(tmp_path)
    result = run_cli("check", path)
    assert result.returncode == 0, result.stdout
    assert "warning[KPI305]" in result.stdout
    assert run_cli("check", "--strict", path).returncode == 1


def test_japanese_from_locale_and_flag():
    path = CHECKS / "KPI401" / "fail_cycle_of_three.kpi"
    by_env = run_cli("check", path, env={"LANG": "ja_JP.UTF-8"})
    assert "循環参照：a → b → c → a" in by_env.stdout
    by_flag = run_cli("check", "--lang", "ja", path)
    assert by_flag.stdout == by_env.stdout
    assert "circular dependency" in run_cli("check", "--lang", "en", path, env={"LANG": "ja_JP.UTF-8"}).stdout


def test_sarif_output():
    result = run_cli("check", "--format", "sarif", CHECKS / "KPI302" / "fail_jpy_usd.kpi")
    log = json.loads(result.stdout)
    assert log["version"] == "2.1.0"
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert run["columnKind"] == "unicodeCodePoints"
    res = [r for r in run["results"] if r["ruleId"] == "KPI302"][0]
    assert rules[res["ruleIndex"]]["id"] == "KPI302"
    assert res["level"] == "error"
    region = res["locations"][0]["physicalLocation"]["region"]
    assert (region["startLine"], region["startColumn"]) == (5, 20)
    assert res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].endswith("fail_jpy_usd.kpi")
    assert len(res["relatedLocations"]) == 2
    assert {r["defaultConfiguration"]["level"] for r in rules} <= {"error", "warning", "note"}


def test_github_annotations():
    result = run_cli("check", "--format", "github", "--lang", "en", CHECKS / "KPI302" / "fail_jpy_usd.kpi")
    line = [x for x in result.stdout.splitlines() if "title=KPI302" in x][0]
    assert line.startswith("::error file=tests/checks/KPI302/fail_jpy_usd.kpi,line=5,col=20,endLine=5,endColumn=21,"
                           "title=KPI302 unit-mismatch::")
    assert "cannot combine USD per year with JPY per year%0A" in line


def test_explain():
    result = run_cli("explain", "KPI301", "--lang", "en")
    assert result.returncode == 0
    for section in ("## What it checks", "## Why it matters", "## Fails", "## Passes", "## Fix"):
        assert section in result.stdout
    assert run_cli("explain", "targets-miss-goal").stdout == result.stdout
    missing = run_cli("explain", "KPI3O1")
    assert missing.returncode == 2 and "did you mean KPI301" in missing.stderr
    listing = run_cli("explain").stdout
    assert "KPI401" in listing and "KPI001" in listing
