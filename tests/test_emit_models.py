"""The compile path writes the models' exact shape without running pydantic; prove it."""

import json
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import ROOT

from kpispec.api import analyze_text
from kpispec.emit import plan_dict, to_json, validated

sys.path.insert(0, str(ROOT / "bench"))
import gen  # noqa: E402

PLANS = sorted((ROOT / "examples").glob("*.kpi")) + sorted((ROOT / "tests" / "golden" / "valid").glob("*.kpi"))


def plans():
    for path in PLANS:
        yield path.name, path.read_text(encoding="utf-8")
    yield "generated.kpi", gen.plan(300)


@pytest.mark.parametrize("name,text", list(plans()), ids=[n for n, _ in plans()])
def test_emitted_json_is_what_the_models_produce(name, text):
    result = analyze_text(name, text, checks=False)
    assert result.ok
    emitted = json.loads(to_json(result.plan), parse_float=Decimal)
    through_models = json.loads(json.dumps(validated(result.plan), default=str), parse_float=Decimal)
    # Decimals pass through the models as strings in this comparison; compare values exactly.
    assert _normal(emitted) == _normal(through_models)
    assert list(plan_dict(result.plan)) == list(validated(result.plan))


def _normal(value):
    if isinstance(value, dict):
        return {k: _normal(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_normal(v) for v in value]
    if isinstance(value, str):
        try:
            return Decimal(value) if value and value[0] in "-0123456789" and "-" not in value[1:] else value
        except Exception:
            return value
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        return Decimal(value)
    return value


def test_formula_text_drops_comments():
    text = (
        'plan p "P" { period 2026-04-01 to 2027-03-31 }\n'
        'kpi a "A" { target 3件\n  formula b +   # SEO\n    c }\n'
        'kpi b "B" { target 1件 }\nkpi c "C" { target 2件 }\nparam r "率" = -5%\n'
    )
    data = json.loads(to_json(analyze_text("p.kpi", text, checks=False).plan), parse_float=Decimal)
    assert data["kpis"][0]["formula"]["text"] == "b + c"
    assert data["params"][0]["value"]["value"] == Decimal("-0.05")
    assert data["params"][0]["value"]["text"] == "-5%"


@pytest.mark.parametrize("name,text", [p for p in plans() if p[0] != "generated.kpi"], ids=[n for n, _ in plans() if n != "generated.kpi"])
def test_json_with_verdicts_is_what_the_models_produce(name, text):
    from kpispec.analysis.goals import standings

    result = analyze_text(name, text, keep_context=True)
    verdicts = {**standings(result.context.arithmetic), "": "en"}
    emitted = json.loads(json.dumps(plan_dict(result.plan, verdicts), default=str), parse_float=Decimal)
    through_models = json.loads(json.dumps(validated(result.plan, verdicts), default=str), parse_float=Decimal)
    assert _normal(emitted) == _normal(through_models)
    formulas = [n for kind in ("kgis", "ksfs", "kpis") for n in emitted[kind] if n["formula"] is not None]
    assert all(n["verdict"] is not None for n in formulas)
    assert all(n["verdict"] is None for kind in ("kgis", "ksfs", "kpis") for n in emitted[kind] if n["formula"] is None)
