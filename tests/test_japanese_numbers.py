"""Japanese numbers as people write them: scales glued, spaced, and compound (1億2,000万円)."""

import json
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
]


@pytest.mark.parametrize("written,value,unit", CASES, ids=[c[0] for c in CASES])
def test_value(written, value, unit):
    result = analyze_text("p.kpi", PLAN + f'param x "x" = {written}\n', checks=False)
    assert result.ok, [d.message.en for d in result.diagnostics]
    param = json.loads(compile_result(result), parse_float=Decimal)["params"][0]["value"]
    assert (param["value"], param["unit"], param["text"]) == (value, unit, written)
