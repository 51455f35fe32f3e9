"""Valid plans compile to exactly their committed JSON, which the published schema accepts.

Each tests/golden/valid/NAME.kpi has NAME.expected.json beside it: the stdout of
`kpispec compile tests/golden/valid/NAME.kpi` run from the repository root
(KPISPEC_UPDATE_GOLDEN=1 rewrites it).
"""

from __future__ import annotations

import json
from decimal import Decimal

import jsonschema
import pytest

from conftest import ROOT, run_cli
from golden_util import assert_golden

from kpispec.api import analyze_bytes, compile_result

FOLDER = ROOT / "tests" / "golden" / "valid"
FIXTURES = sorted(FOLDER.glob("*.kpi"))
SCHEMA = json.loads((ROOT / "schemas" / "kpispec.schema.json").read_text(encoding="utf-8"))


def by_id(data: dict) -> dict:
    return {n["id"]: n for n in data["kgis"] + data["ksfs"] + data["kpis"]}


@pytest.fixture(scope="module", params=FIXTURES, ids=[p.stem for p in FIXTURES])
def compiled(request):
    path = request.param
    result = run_cli("compile", path.relative_to(ROOT).as_posix())
    return path, result


def test_compiles_to_its_golden_json(compiled):
    path, result = compiled
    assert result.returncode == 0, result.stderr
    assert "error[" not in result.stderr and "Traceback" not in result.stderr, result.stderr
    assert_golden(path.with_suffix(".expected.json"), result.stdout)


def test_validates_against_the_schema(compiled):
    _, result = compiled
    jsonschema.Draft202012Validator(SCHEMA).validate(json.loads(result.stdout))


def test_there_are_valid_fixtures_beside_the_contract():
    assert {"contract", "units", "japanese_ids", "crlf"} <= {p.stem for p in FIXTURES}


def load(name: str) -> dict:
    return json.loads((FOLDER / f"{name}.expected.json").read_text(encoding="utf-8"), parse_float=Decimal)


def test_glued_amounts_have_exact_values():
    data = load("units")
    nodes = by_id(data)
    params = {p["id"]: p["value"] for p in data["params"]}

    def value(node, key="target"):
        q = nodes[node][key]
        return q["value"], q["unit"], q["per"]

    assert value("sales") == (1_200_000_000, "JPY", "year")  # 12億円
    assert value("ad_budget") == (80_000_000, "JPY", "year")  # 8,000万円
    assert (params["fixed_cost"]["value"], params["fixed_cost"]["unit"]) == (50_000_000, "JPY")  # 5千万円
    assert value("events") == (1200, "人", "month")  # 1,200人
    assert value("events", "baseline")[:2] == (1000, "人")  # 1,000人
    assert value("shops")[:2] == (100, "戸")  # 100戸
    assert value("members")[:2] == (12_500, "人")  # 12.5k 人
    assert value("members", "baseline")[:2] == (10_000, "人")  # 10k 人
    assert value("churn")[0] == Decimal("0.025") and nodes["churn"]["target"]["comparator"] == "<="
    assert params["visits_goal"]["value"] == 1_000_000  # 1e6
    assert params["records"]["value"] == 1_000_000  # 1_000_000
    assert value("profit_gap", "baseline") == (-12_000_000, "JPY", "month")  # -1,200万円
    assert value("arpu") == (8000, "JPY", "month")  # per 月
    assert nodes["sales"]["formula"]["expr"]["op"] == "*"  # ×
    outlook = nodes["member_outlook"]["formula"]
    assert outlook["expr"]["left"]["op"] == "/"  # ÷
    functions = json.dumps(outlook["expr"])
    assert all(f'"function": "{f}"' in functions for f in ("sum", "min", "max"))


def test_japanese_ids_and_triple_quoted_text():
    data = load("japanese_ids")
    nodes = by_id(data)
    assert data["plan"]["id"] == "店舗計画"
    assert nodes["売上"]["formula"]["inputs"] == ["訪問者数", "購入率", "客単価"]
    assert nodes["購入客数"]["formula"]["text"] == "訪問者数 * 購入率"
    assert nodes["訪問者数"]["target"]["value"] == 200_000  # 20万人
    assert nodes["訪問者数"]["cadence"] == "weekly"  # 週次
    assert data["plan"]["description"] == "実店舗の売上計画。\n来店客数 × 購入率 × 客単価 で売上を組み立てる。"
    assert nodes["購入率"]["description"] == 'レジ通過客数を入店客数で割る。\n"試着のみ" の客も分母に含める。'
    # Indented with ideographic spaces (U+3000): read as whitespace, so columns count them as one each.
    assert "\u3000" in (FOLDER / "japanese_ids.kpi").read_text(encoding="utf-8")


def test_crlf_compiles_exactly_like_lf():
    data = (FOLDER / "crlf.kpi").read_bytes()
    assert b"\r\n" in data, "crlf.kpi lost its CRLF line ends (check .gitattributes)"
    as_crlf = compile_result(analyze_bytes("plan.kpi", data))
    as_lf = compile_result(analyze_bytes("plan.kpi", data.replace(b"\r\n", b"\n")))
    assert as_crlf is not None and as_crlf == as_lf
    assert json.loads(as_crlf)["kpis"][0]["description"] == "Sessions from all channels.\nBots are excluded."


def test_lone_cr_compiles_exactly_like_lf():
    data = (FOLDER / "crlf.kpi").read_bytes()
    as_lf = compile_result(analyze_bytes("plan.kpi", data.replace(b"\r\n", b"\n")))
    as_cr = compile_result(analyze_bytes("plan.kpi", data.replace(b"\r\n", b"\r")))
    assert as_cr == as_lf
