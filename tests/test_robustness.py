"""No input ends in a traceback: every file gets diagnostics (or compiles), and every place they
point at lies inside the file.

The hostile inputs are written to a temporary folder and checked with one CLI call per output
format; the 5 MB plan is compiled on its own. A seeded sweep of damaged plans runs in-process.
"""

from __future__ import annotations

import json
import random
from decimal import Decimal

import pytest

from conftest import ROOT, run_cli

from kpispec.api import analyze_bytes
from kpispec.render.jsonfmt import diagnostic_dict
from kpispec.render.text import TextRenderer, width

CONTRACT = (ROOT / "tests" / "golden" / "valid" / "contract.kpi").read_bytes()
PLAN = 'plan p "計画" {\n  period 2026-04-01 to 2027-03-31\n}\n'
KPI = (
    'kpi visitors_{i} "月間訪問者数 {i}" {{\n  target 1,000,000 visitors per month\n  baseline 800,000 visitors per month\n'
    '  deadline 2026-12-31\n  cadence weekly\n  owner "Web"\n  source "GA4: sessions"\n}}\n'
)


def nested(depth: int) -> bytes:
    return (PLAN + 'kpi deep "深い式" {\n  formula ' + "(" * depth + "1" + ")" * depth + "\n}\n").encode()


INPUTS: dict[str, bytes] = {
    "empty": b"",
    "only_comments": b"# a plan will go here\n# \xe8\xa8\x88\xe7\x94\xbb\n",
    "only_whitespace": " \t\r\n\u3000\n\f".encode(),
    "shift_jis": ("# 計画\n" + PLAN).encode("shift_jis"),
    "invalid_utf8_middle": CONTRACT[:200] + b"\xff\xfe\x80" + CONTRACT[200:],
    "truncated_utf8": "計画".encode()[:-1],
    "bom": b"\xef\xbb\xbf" + CONTRACT,
    "bom_only": b"\xef\xbb\xbf",
    "nul_byte": PLAN.encode() + b'kpi a "A\x00" { target 1 }\n\x00',
    "binary": bytes(random.Random(7).randrange(256) for _ in range(4096)),
    "png_header": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64),
    "bidi_in_label": (PLAN + 'kpi a "\u202eABC" {\n  target 1件\n}\n').encode(),
    "bidi_outside_text": (PLAN + "kpi a\u202e {\n  target 1件\n}\n").encode(),
    "escape_sequence": (PLAN + 'kpi "\x1b[2J\x1b[31m" {\n}\n').encode(),
    "lone_cr": CONTRACT.replace(b"\n", b"\r"),
    "crlf_truncated": CONTRACT.replace(b"\n", b"\r\n")[:1500],
    "nested_parentheses_10000": nested(10_000),
    "nested_braces_10000": (PLAN + "kpi a {" + "{" * 10_000).encode(),
    "nested_minus_10000": (PLAN + "param x = " + "-" * 10_000 + "1\n").encode(),
    "unclosed_parentheses_10000": (PLAN + "param x = " + "(" * 10_000).encode(),
    "one_long_line": (PLAN.replace("\n", " ") + " " * 500_000 + "kpl x {").encode(),
    "long_id": (PLAN + "kpi " + "a" * 100_000 + ' "x" {\n  target 1件\n}\n').encode(),
    "long_text": (PLAN + 'kpi a "' + "あ" * 200_000 + '" {\n  target 1件\n}\n').encode(),
    "long_number": (PLAN + "kpi a \"a\" {\n  target " + "9" * 5_000 + "件\n}\n").encode(),
    "control_characters": (PLAN + "kpi a \"a\" {\x07\x08\x0b\n  target 1件\n}\n").encode(),
    "unpaired_quote_at_end": (PLAN + 'kpi a "').encode(),
    "triple_quote_at_end": (PLAN + 'kpi a "a" {\n  description """').encode(),
    **{f"truncated_{n}": CONTRACT[:n] for n in (1, 7, 40, 120, 333, 700, 1234, 1800, len(CONTRACT) - 2)},
}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    for name, data in INPUTS.items():
        (folder / f"{name}.kpi").write_bytes(data)
    return folder


@pytest.fixture(scope="module")
def json_report(corpus):
    result = run_cli("check", "--format", "json", corpus)
    return result, json.loads(result.stdout) if result.stdout else None


def test_every_hostile_input_ends_in_diagnostics_not_a_traceback(json_report):
    result, data = json_report
    assert "Traceback" not in result.stderr, result.stderr
    assert result.stderr == ""
    assert result.returncode in (0, 1)
    assert data["summary"]["files"] == len(INPUTS)


def test_every_position_lies_inside_its_file(json_report, corpus):
    _, data = json_report
    for d in data["diagnostics"]:
        name = d["file"].rsplit("/", 1)[-1].removesuffix(".kpi")
        lines = lines_of(INPUTS[name])
        for place in [d, *d["labels"]]:
            assert_inside(lines, place, d)


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_text_report_of_hostile_inputs(corpus, lang):
    result = run_cli("check", "--lang", lang, corpus)
    assert result.returncode in (0, 1)
    assert "Traceback" not in result.stderr and result.stderr == ""
    assert "\x1b" not in result.stdout and "\u202e" not in result.stdout and "\x00" not in result.stdout
    assert max(map(width, result.stdout.splitlines())) < 500, "long source lines and quoted values are shown cut"


@pytest.mark.parametrize("name, code", [
    ("empty", "KPI106"), ("only_comments", "KPI106"), ("shift_jis", "KPI005"), ("invalid_utf8_middle", "KPI005"),
    ("nul_byte", "KPI006"), ("bidi_in_label", "KPI006"), ("nested_parentheses_10000", "KPI009"),
    ("nested_braces_10000", "KPI002"), ("unclosed_parentheses_10000", "KPI003"), ("one_long_line", "KPI002"),
])
def test_hostile_input_gets_the_right_diagnostic(json_report, name, code):
    _, data = json_report
    codes = {d["code"] for d in data["diagnostics"] if d["file"].endswith(f"/{name}.kpi")}
    assert code in codes, codes


def test_bom_is_ignored(json_report):
    _, data = json_report
    assert [d for d in data["diagnostics"] if d["file"].endswith("/bom.kpi")] == []


def test_five_megabytes_of_plan_compile(tmp_path):
    blocks = [PLAN.replace("}\n", "}\n\nksf traffic \"集客\" { kgi revenue }\nkgi revenue \"売上\" { target 1億円 }\n", 1)]
    size = len(blocks[0].encode())
    while size < 5 * 1024 * 1024:
        block = KPI.format(i=len(blocks)).replace("  target", "  ksf traffic\n  target", 1)
        blocks.append(block)
        size += len(block.encode())
    path = tmp_path / "big.kpi"
    path.write_text("".join(blocks), encoding="utf-8")
    result = run_cli("compile", path)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    assert len(json.loads(result.stdout)["kpis"]) == len(blocks) - 1


def test_a_large_plan_checks_without_error(tmp_path):
    path = tmp_path / "large.kpi"
    path.write_text(PLAN + "".join(KPI.format(i=i) for i in range(1500)), encoding="utf-8")
    result = run_cli("check", "--format", "json", path)
    assert result.returncode in (0, 1) and "Traceback" not in result.stderr
    assert json.loads(result.stdout)["summary"]["errors"] == 0


def test_an_absurd_exponent_gets_a_diagnostic(tmp_path):
    path = tmp_path / "huge.kpi"
    path.write_text(PLAN + 'kgi g "売上" {\n  target 1e999999999円\n}\n', encoding="utf-8")
    result = run_cli("check", "--format", "json", path)
    assert "Traceback" not in result.stderr
    assert result.returncode == 1
    codes = {d["code"] for d in json.loads(result.stdout)["diagnostics"]}
    assert "KPI016" in codes and "KPI901" not in codes


def test_damaged_plans_never_crash_in_process():
    """A seeded sweep: cut, delete and insert at random places in the contract, then render every result."""
    text = CONTRACT.decode("utf-8")
    pieces = ["{", "}", "(", ")", '"', '"""', "*", "+", "-", ",", "=", ">=", ">", "per", "target", "kpi", "ksf",
              "\n", "\r", "\t", " ", "1,000", "5%", "：", "１", "'", "$", "#", "kpl", "2026/01/01", "sum(", "param",
              "assert", "\u3000", "10k人", "e", "_", "..", "×"]
    rng = random.Random(20260401)
    renderers = [TextRenderer("en"), TextRenderer("ja")]
    for _ in range(400):
        damaged = text
        for _ in range(rng.randint(1, 3)):
            pos = rng.randrange(len(damaged) + 1)
            roll = rng.random()
            if roll < 0.3:
                damaged = damaged[:pos] + damaged[pos + rng.randint(1, 12):]
            elif roll < 0.4:
                damaged = damaged[:pos]
            else:
                damaged = damaged[:pos] + rng.choice(pieces) + damaged[pos:]
        result = analyze_bytes("damaged.kpi", damaged.encode("utf-8"))
        lines = lines_of(damaged.encode("utf-8"))
        for d in result.diagnostics:
            for renderer in renderers:
                renderer.render(d, result.source)
            as_json = diagnostic_dict(d, result.source, "en")
            for place in [as_json, *as_json["labels"]]:
                assert_inside(lines, place, as_json)
            assert d.help is not None, d


# ----------------------------------------------------------------- helpers


def lines_of(data: bytes) -> list[str]:
    """The file's lines as the tool counts them (\\n, \\r\\n and lone \\r end a line)."""
    text = data.removeprefix(b"\xef\xbb\xbf").decode("utf-8", errors="replace")
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def assert_inside(lines: list[str], place: dict, d: dict) -> None:
    start, end = (place["line"], place["column"]), (place["end_line"], place["end_column"])
    assert start <= end, d
    for line, column in (start, end):
        assert 1 <= line <= len(lines), d
        assert 1 <= column <= len(lines[line - 1]) + 1, d
    assert isinstance(place["line"], int) and not isinstance(place["line"], (bool, Decimal))
