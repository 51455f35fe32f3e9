"""Never crash: any input ends in diagnostics, each at a real place in the file, each renderable.

Inputs: arbitrary text, arbitrary bytes, plans generated from the grammar (tests/strategies.py)
and those plans mutated token by token and character by character. In-process through the API
(fast, many examples), then a smaller sample through the real CLI. Hypothesis runs derandomized and
without an example database, so every run tries the same inputs and CI is deterministic; a failure
prints the input that caused it.
"""

from __future__ import annotations

import json
import tempfile
from datetime import timedelta
from pathlib import Path

import jsonschema
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ROOT, run_cli
from strategies import mutated_plans, plans

from kpispec.api import Result, analyze_bytes, analyze_text, compile_result
from kpispec.diagnostics import Severity
from kpispec.render.jsonfmt import diagnostic_dict
from kpispec.render.text import TextRenderer

SYNTAX = {"KPI001", "KPI002", "KPI003", "KPI004", "KPI009"}
SCHEMA = json.loads((ROOT / "schemas" / "kpispec.schema.json").read_text(encoding="utf-8"))
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)
RENDERERS = (TextRenderer("en"), TextRenderer("ja"), TextRenderer("en", colour=True))


def fast(examples: int):
    """Settings for the in-process properties: deterministic, bounded time per input."""
    return settings(
        max_examples=examples,
        deadline=timedelta(seconds=5),
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


def assert_sane(result: Result) -> None:
    """Diagnostics only: real positions, renderable in every format, no internal error."""
    text = result.source.text
    for d in result.diagnostics:
        assert d.code != "KPI901", d.message.en
        assert d.message.en and d.message.ja and d.help is not None, d
        for span in [d.span, *(label.span for label in d.labels)]:
            assert 0 <= span.start <= span.end <= len(text), (d.code, span, len(text))
        for renderer in RENDERERS:
            assert renderer.render(d, result.source)
        json.dumps(diagnostic_dict(d, result.source, "ja"), ensure_ascii=False)
    assert result.diagnostics == sorted(result.diagnostics, key=lambda d: d.sort_key())
    compiled = compile_result(result)
    assert (compiled is not None) == (result.ok and result.plan is not None and result.plan.info is not None)
    if compiled is not None:
        VALIDATOR.validate(json.loads(compiled))


@fast(1000)
@given(st.text(max_size=400))
def test_arbitrary_text(text):
    assert_sane(analyze_text("any.kpi", text))


@fast(1000)
@given(st.binary(max_size=400))
def test_arbitrary_bytes(data):
    assert_sane(analyze_bytes("any.kpi", data))


LANGUAGE_CHARS = st.sampled_from(list('{}()",=<>+-*/%#\n\r\t 0123456789.,_ekMB') + [
    "plan ", "kpi ", "ksf ", "kgi ", "param ", "assert ", "target ", "formula ", "per ", "to ", "2026-04-01",
    "円", "万", "億", "人", "１", "％", "×", "÷", "≥", "\u3000", '"""', "visitors", "売上", "sum", "\ufeff",
])


@fast(1000)
@given(st.lists(LANGUAGE_CHARS, max_size=120).map("".join))
def test_text_made_of_the_languages_pieces(text):
    assert_sane(analyze_text("pieces.kpi", text))


@fast(300)
@given(plans())
def test_plans_generated_from_the_grammar_parse(text):
    result = analyze_text("generated.kpi", text)
    syntax = [f"{d.code}: {d.message.en}" for d in result.diagnostics if d.code in SYNTAX]
    assert not syntax, syntax
    assert result.module is not None
    assert_sane(result)
    # Analysing the same text again gives the same diagnostics.
    assert analyze_text("generated.kpi", text).diagnostics == result.diagnostics


@fast(1000)
@given(mutated_plans())
def test_mutated_plans(text):
    assert_sane(analyze_text("mutated.kpi", text))


@fast(300)
@given(mutated_plans())
def test_mutated_plans_as_bytes_with_line_ends_changed(text):
    data = text.encode("utf-8")
    for variant in (data.replace(b"\n", b"\r\n"), b"\xef\xbb\xbf" + data.replace(b"\n", b"\r")):
        assert_sane(analyze_bytes("variant.kpi", variant))


# ---------------------------------------------------------------- the CLI


@settings(max_examples=4, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(st.one_of(mutated_plans(), mutated_plans(), plans(), st.binary(max_size=200)), min_size=10, max_size=10))
def test_mutated_plans_through_the_cli(inputs):
    """Ten files per CLI call, in the json and text formats; the first is also compiled."""
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for i, data in enumerate(inputs):
            path = Path(folder) / f"case_{i}.kpi"
            path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
            paths.append(path)
        result = run_cli("check", "--format", "json", folder)
        assert result.returncode in (0, 1) and result.stderr == "", result.stderr
        data = json.loads(result.stdout)
        assert data["summary"]["files"] == len(inputs)
        assert "KPI901" not in {d["code"] for d in data["diagnostics"]}
        for d in data["diagnostics"]:
            assert 1 <= d["line"] <= d["end_line"] and d["column"] >= 1 and d["end_column"] >= 1, d
        report = run_cli("check", "--lang", "ja", folder)
        assert report.returncode == result.returncode and report.stderr == "", report.stderr
        compiled = run_cli("compile", paths[0])
        assert compiled.returncode in (0, 1) and "Traceback" not in compiled.stderr, compiled.stderr
        expect_ok = not any(d["severity"] == Severity.ERROR.value and d["file"].endswith("/case_0.kpi")
                            and d["code"] < "KPI200" for d in data["diagnostics"])
        assert (compiled.returncode == 0) == expect_ok, compiled.stderr
