"""The corpus in tests/corpus, in the style of toml-test: every file through the real CLI and the API.

- `valid/NAME.kpi` parses, resolves and has no error; `valid/NAME.json` is exactly what
  `kpispec compile tests/corpus/valid/NAME.kpi` prints from the repository root
  (KPISPEC_UPDATE_GOLDEN=1 rewrites it).
- `invalid/NAME.kpi` has one named fault; `invalid/NAME.expect` lists its error-severity
  diagnostics, one `CODE@LINE:COLUMN` (the primary span, 1-based) a line. The set must match
  exactly; warnings and infos are not compared.

The fixtures are committed byte-exact (tests/corpus/.gitattributes marks *.kpi -text): BOMs, NUL
bytes, invalid UTF-8, CRLF and lone CR line ends are the point of several of them. The whole corpus
is checked with one CLI call per output format; `compile` runs once per valid file, two at a time.
"""

from __future__ import annotations

import json
import re
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path

import jsonschema
import pytest

from conftest import ROOT, run_cli
from golden_util import assert_golden

from kpispec.api import analyze_bytes, compile_result
from kpispec.render.jsonfmt import diagnostic_dict

CORPUS = ROOT / "tests" / "corpus"
VALID = sorted((CORPUS / "valid").glob("*.kpi"))
INVALID = sorted((CORPUS / "invalid").glob("*.kpi"))
EXPECT_LINE = re.compile(r"KPI\d{3}@\d+:\d+")
SCHEMA = json.loads((ROOT / "schemas" / "kpispec.schema.json").read_text(encoding="utf-8"))


def relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def expected(path: Path) -> list[str]:
    return sorted(line.strip() for line in path.with_suffix(".expect").read_text(encoding="utf-8").splitlines() if line.strip())


def errors(diagnostics: list[dict]) -> list[str]:
    return sorted(f"{d['code']}@{d['line']}:{d['column']}" for d in diagnostics if d["severity"] == "error")


@lru_cache(maxsize=None)
def checked() -> tuple[int, str, dict[str, list[dict]]]:
    """`kpispec check --format json` over the whole corpus in one call, split by file."""
    result = run_cli("check", "--format", "json", "--lang", "en", *map(relative, VALID + INVALID))
    by_file: dict[str, list[dict]] = {relative(p): [] for p in VALID + INVALID}
    for d in json.loads(result.stdout)["diagnostics"]:
        by_file[d["file"]].append(d)
    return result.returncode, result.stderr, by_file


@lru_cache(maxsize=None)
def compiled() -> dict[str, tuple[int, str, str]]:
    """`kpispec compile` of every valid file, two subprocesses at a time."""
    def one(path: Path):
        result = run_cli("compile", relative(path))
        return relative(path), (result.returncode, result.stdout, result.stderr)

    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(pool.map(one, VALID))


def analysed(path: Path):
    return analyze_bytes(relative(path), path.read_bytes())


# ------------------------------------------------------------------ layout


def test_corpus_layout():
    assert len(VALID) >= 15 and len(INVALID) >= 30
    for path in INVALID:
        lines = path.with_suffix(".expect").read_text(encoding="utf-8").splitlines()
        assert lines and all(EXPECT_LINE.fullmatch(line) for line in lines), path.name
    for path in VALID:
        assert path.with_suffix(".json").exists(), f"{path.name} has no .json (KPISPEC_UPDATE_GOLDEN=1 writes it)"
    stray = {p.stem for p in CORPUS.glob("*/*") if p.suffix in (".expect", ".json")} - {p.stem for p in VALID + INVALID}
    assert not stray, f"expectations without a .kpi: {stray}"


def test_fixture_bytes_survived_checkout():
    """.gitattributes keeps *.kpi byte-exact; a rewrite of line ends or encodings would void these cases."""
    assert "*.kpi -text" in (CORPUS / ".gitattributes").read_text(encoding="utf-8")

    def data(name: str) -> bytes:
        return (CORPUS / name).read_bytes()

    assert data("valid/bom.kpi").startswith(b"\xef\xbb\xbf")
    assert data("invalid/bom_only.kpi") == b"\xef\xbb\xbf"
    assert data("invalid/empty.kpi") == b""
    crlf = data("valid/crlf.kpi").replace(b"\r\n", b"")
    assert b"\r\n" in data("valid/crlf.kpi") and b"\n" not in crlf and b"\r" not in crlf
    assert b"\r" in data("valid/lone_cr.kpi") and b"\n" not in data("valid/lone_cr.kpi")
    mixed = data("valid/mixed_line_ends.kpi")
    assert b"\r\n" in mixed and b"\r" in mixed.replace(b"\r\n", b"") and b"\n" in mixed.replace(b"\r\n", b"")
    assert data("invalid/nul_byte.kpi").count(b"\x00") == 2
    for name in ("invalid_utf8", "truncated_utf8_at_eof", "shift_jis", "utf16", "encoded_surrogate"):
        with pytest.raises(UnicodeDecodeError):
            data(f"invalid/{name}.kpi").decode("utf-8")
    assert "\u3000" in data("valid/ideographic_space.kpi").decode("utf-8")
    assert "１２３" in data("invalid/fullwidth_digits.kpi").decode("utf-8")
    assert data("invalid/nested_parentheses_10000.kpi").count(b"(") == 10_000


# ---------------------------------------------------------------- invalid


@pytest.mark.parametrize("path", INVALID, ids=[p.stem for p in INVALID])
def test_invalid_through_the_cli(path):
    status, stderr, by_file = checked()
    assert status == 1 and stderr == "", stderr
    assert errors(by_file[relative(path)]) == expected(path)


@pytest.mark.parametrize("path", INVALID, ids=[p.stem for p in INVALID])
def test_invalid_through_the_api(path):
    result = analysed(path)
    found = [diagnostic_dict(d, result.source, "en") for d in result.diagnostics]
    assert errors(found) == expected(path)
    assert not result.ok and compile_result(result) is None
    # The CLI prints exactly what the API finds.
    assert found == checked()[2][relative(path)]


def test_invalid_files_do_not_compile():
    """A sample through `compile`: exit 1, the diagnostics on stderr, nothing on stdout."""
    for name in ("invalid_utf8", "unterminated_block_eof", "nested_parentheses_10000"):
        result = run_cli("compile", relative(CORPUS / "invalid" / f"{name}.kpi"))
        assert result.returncode == 1 and result.stdout == "", result.stderr
        assert "error[KPI0" in result.stderr and "Traceback" not in result.stderr


# ------------------------------------------------------------------ valid


@pytest.mark.parametrize("path", VALID, ids=[p.stem for p in VALID])
def test_valid_has_no_errors_through_the_cli(path):
    _, stderr, by_file = checked()
    assert stderr == ""
    assert errors(by_file[relative(path)]) == []


@pytest.mark.parametrize("path", VALID, ids=[p.stem for p in VALID])
def test_valid_compiles_to_its_golden_json(path):
    status, stdout, stderr = compiled()[relative(path)]
    assert status == 0 and "Traceback" not in stderr, stderr
    assert_golden(path.with_suffix(".json"), stdout)
    jsonschema.Draft202012Validator(SCHEMA).validate(json.loads(stdout))


@pytest.mark.parametrize("path", VALID, ids=[p.stem for p in VALID])
def test_valid_through_the_api(path):
    result = analysed(path)
    found = [diagnostic_dict(d, result.source, "en") for d in result.diagnostics]
    assert errors(found) == []
    assert found == checked()[2][relative(path)]
    assert compile_result(result) == path.with_suffix(".json").read_text(encoding="utf-8")


def test_line_ends_do_not_change_the_plan():
    """The same plan with CRLF, lone CR or a BOM compiles exactly like its LF form."""
    def plan_of(data: bytes) -> dict:
        return json.loads(compile_result(analyze_bytes("plan.kpi", data)))

    crlf = (CORPUS / "valid" / "crlf.kpi").read_bytes()
    as_lf = plan_of(crlf.replace(b"\r\n", b"\n"))
    assert plan_of(crlf) == as_lf
    assert plan_of(crlf.replace(b"\r\n", b"\r")) == as_lf
    assert plan_of(b"\xef\xbb\xbf" + crlf) == as_lf


# ------------------------------------------------------------ text reports


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_text_report_of_the_corpus(lang):
    result = run_cli("check", "--lang", lang, relative(CORPUS))
    assert result.returncode == 1 and result.stderr == "", result.stderr
    assert "\x00" not in result.stdout and "\u202e" not in result.stdout and "\u2067" not in result.stdout
    for path in INVALID:
        assert f"--> {relative(path)}:" in result.stdout, path.name


# ------------------------------------------------------------ known faults

# The longest chain the language accepts (200 terms, MAX_DEPTH): its JSON stays readable.
LONG_SUM = 'plan p "計画" { period 2026-04-01 to 2027-03-31 }\nparam total = ' + " + ".join(["1"] * 200) + "\n"


def test_the_longest_formula_compiles_to_json_that_json_loads_reads():
    result = analyze_bytes("long.kpi", LONG_SUM.encode())
    assert result.ok
    json.loads(compile_result(result))


def test_the_longest_chain_compiles_to_small_json_and_a_longer_one_is_refused():
    # Indentation makes a chain's JSON grow with the square of its length; the depth limit bounds it.
    compiled = compile_result(analyze_bytes("long.kpi", LONG_SUM.encode()))
    assert len(compiled.encode()) < 1_000_000
    longer = analyze_bytes("longer.kpi", LONG_SUM.replace("param total = ", "param total = 1 + ").encode())
    assert [d.code for d in longer.diagnostics] == ["KPI009"]
