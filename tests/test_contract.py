"""The contract example from the language issue compiles exactly as written."""

import json
from decimal import Decimal

import jsonschema

from conftest import ROOT, run_cli

CONTRACT = ROOT / "tests" / "golden" / "valid" / "contract.kpi"
SCHEMA = json.loads((ROOT / "schemas" / "kpispec.schema.json").read_text(encoding="utf-8"))


def compiled():
    result = run_cli("compile", CONTRACT)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return json.loads(result.stdout, parse_float=Decimal)


def test_contract_checks_clean():
    result = run_cli("check", CONTRACT)
    assert result.returncode == 0, result.stdout
    assert "no problems" in result.stdout


def test_contract_exact_values():
    data = compiled()
    by_id = {n["id"]: n for n in data["kgis"] + data["ksfs"] + data["kpis"]}
    revenue = by_id["revenue"]["target"]
    # 12億円 per year = 12 × 10^8 JPY per year
    assert revenue["value"] == 1_200_000_000
    assert (revenue["unit"], revenue["unit_kind"], revenue["per"]) == ("JPY", "currency", "year")
    assert revenue["comparator"] == ">=" and revenue["direction"] == "up"
    # 2.5% is exactly 0.025, not a binary float near it
    assert by_id["cvr"]["target"]["value"] == Decimal("0.025")
    assert by_id["cvr"]["target"]["percent"] is True
    assert by_id["visitors"]["target"]["value"] == 1_000_000
    assert by_id["visitors"]["target"]["unit"] == "visitors"
    assert by_id["visitors"]["target"]["per"] == "month"
    assert by_id["aov"]["target"]["value"] == 4000 and by_id["aov"]["target"]["unit"] == "JPY"
    assert by_id["roas"]["target"]["value"] == 3
    cpa = by_id["cpa"]["target"]
    assert (cpa["value"], cpa["comparator"], cpa["direction"]) == (5000, "<=", "down")
    assert by_id["cpa"]["baseline"]["value"] == 6200
    assert data["params"][0]["value"]["value"] == Decimal("0.4")
    assert by_id["visitors"]["formula"]["inputs"] == ["seo_visitors", "ad_visitors"]
    assert by_id["revenue"]["formula"]["text"] == "visitors * cvr * aov"
    assert by_id["traffic"]["kgis"] == ["revenue"]
    assert by_id["visitors"]["ksfs"] == ["traffic"]
    assert by_id["visitors"]["cadence"] == "weekly"
    assert by_id["visitors"]["deadline"] == "2026-12-31"
    assert data["plan"]["period"] == {"start": "2026-04-01", "end": "2027-03-31"}
    assert data["asserts"][0]["message"] == "ROASは損益分岐点(1÷粗利率)を上回ること"
    assert data["asserts"][0]["text"] == "roas >= 1 / gross_margin"


def test_contract_json_is_exact_text():
    result = run_cli("compile", CONTRACT)
    assert '"value": 0.025,' in result.stdout
    assert '"value": 1200000000,' in result.stdout
    assert "年間売上" in result.stdout  # not \\u-escaped


def test_contract_validates_against_schema():
    data = json.loads(run_cli("compile", CONTRACT).stdout)
    jsonschema.Draft202012Validator(SCHEMA).validate(data)


def test_locations_are_one_based():
    data = compiled()
    kgi = data["kgis"][0]
    assert kgi["location"] == {"line": 9, "column": 1, "end_line": 14, "end_column": 2}
