"""Both JSON Schemas load in strict validators and accept what kpispec writes and reads.

The schemas (the compiled JSON's, schemas/kpispec.schema.json, and the configuration's,
schemas/kpispec-config.schema.json) are for other people's tools, which are often stricter than
python-jsonschema: Ajv, the usual validator in JavaScript and in editors, refuses in its strict mode
any keyword outside the JSON Schema vocabulary (pydantic's `discriminator` was one), any format it
was not given, and keywords for a type the schema does not name.

(a) With real Ajv (node): Ajv 2020 with `strict: true` (every strict option an error, not a log),
    without ajv-formats (so any `format` is an error too), compiles each schema and validates the
    compiled JSON of every plan under examples/, of the starter plans and of the valid goldens (with
    and without verdicts), and the configurations kpispec writes or documents. Ajv is installed once
    with npm into ~/.cache/kpispec-tests/ (a file lock and a rename keep pytest-xdist's workers from
    installing it twice). Without node or npm (or the registry) the test is skipped, saying why,
    unless KPISPEC_REQUIRE_NODE=1 (CI sets it), which makes that a failure.
(b) Always: every keyword is one of JSON Schema 2020-12's (the set Ajv knows), no `format` is used,
    a keyword for one type sits beside a `type` naming it (Ajv's strictTypes), and python-jsonschema
    (Draft202012Validator, with format checking) accepts the same documents.
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import subprocess
import tempfile
import tomllib
from pathlib import Path

import jsonschema
import pytest

from conftest import ROOT

from kpispec.codes import all_rules
from kpispec.config import config_schema
from kpispec.model import json_schema

AJV = "8.20.0"  # the version installed and cached; another version installs beside it
REQUIRE_NODE = os.environ.get("KPISPEC_REQUIRE_NODE") == "1"

# JSON Schema 2020-12, every vocabulary: core, applicator, unevaluated, validation, meta-data,
# format-annotation and content. Ajv's Ajv2020 knows each of them, and nothing else in strict mode.
VOCABULARY = {
    "$schema", "$id", "$ref", "$anchor", "$dynamicRef", "$dynamicAnchor", "$vocabulary", "$comment", "$defs",
    "prefixItems", "items", "contains", "additionalProperties", "properties", "patternProperties", "dependentSchemas",
    "propertyNames", "if", "then", "else", "allOf", "anyOf", "oneOf", "not",
    "unevaluatedItems", "unevaluatedProperties",
    "type", "const", "enum", "multipleOf", "maximum", "exclusiveMaximum", "minimum", "exclusiveMinimum", "maxLength",
    "minLength", "pattern", "maxItems", "minItems", "uniqueItems", "maxContains", "minContains", "maxProperties",
    "minProperties", "required", "dependentRequired",
    "title", "description", "default", "deprecated", "readOnly", "writeOnly", "examples",
    "format",
    "contentEncoding", "contentMediaType", "contentSchema",
}
SCHEMA_MAPS = {"properties", "patternProperties", "$defs", "dependentSchemas"}  # name -> schema
SCHEMA_LISTS = {"allOf", "anyOf", "oneOf", "prefixItems"}
SCHEMA_ONE = {"items", "contains", "additionalProperties", "propertyNames", "if", "then", "else", "not",
              "unevaluatedItems", "unevaluatedProperties", "contentSchema"}
# Ajv's strictTypes: a keyword that applies to one type wants that type named beside it.
TYPED = {
    "number": {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"},
    "string": {"minLength", "maxLength", "pattern", "format"},
    "array": {"items", "prefixItems", "minItems", "maxItems", "uniqueItems", "contains", "minContains", "maxContains"},
    "object": {"properties", "required", "additionalProperties", "propertyNames", "patternProperties",
               "minProperties", "maxProperties", "dependentRequired", "dependentSchemas"},
}

SCHEMAS = {"compiled": json_schema, "config": config_schema}


def subschemas(schema, where: str = "#"):
    """(where, schema) for `schema` and every schema inside it: never into enum, const, default or examples."""
    yield where, schema
    if not isinstance(schema, dict):
        return
    for key, value in schema.items():
        if key in SCHEMA_MAPS:
            for name, sub in value.items():
                yield from subschemas(sub, f"{where}/{key}/{name}")
        elif key in SCHEMA_LISTS:
            for n, sub in enumerate(value):
                yield from subschemas(sub, f"{where}/{key}/{n}")
        elif key in SCHEMA_ONE:
            yield from subschemas(value, f"{where}/{key}")


def strict_problems(schema) -> list[str]:
    found = []
    for where, sub in subschemas(schema):
        if isinstance(sub, bool):
            continue
        found += [f"{where}: unknown keyword {key!r}" for key in sub if key not in VOCABULARY]
        found += [f"{where}: format {sub['format']!r} (Ajv without ajv-formats refuses it)"] if "format" in sub else []
        named = sub.get("type", [])
        named = {named} if isinstance(named, str) else set(named)
        if "integer" in named:
            named.add("number")
        for kind, keywords in TYPED.items():
            for key in sorted(keywords & set(sub)):
                if kind not in named:
                    found.append(f"{where}: {key!r} without type {kind!r}")
    return found


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_every_keyword_is_standard(name):
    assert strict_problems(SCHEMAS[name]()) == []


def test_the_keyword_check_finds_what_ajv_refuses():
    planted = {"type": "object", "properties": {"a": {"discriminator": {"propertyName": "type"}, "oneOf": [
        {"type": "string", "format": "date"}, {"minimum": 1}]}}, "$defs": {"b": {"type": "string", "items": True}}}
    assert strict_problems(planted) == [
        "#/properties/a: unknown keyword 'discriminator'",
        "#/properties/a/oneOf/0: format 'date' (Ajv without ajv-formats refuses it)",
        "#/properties/a/oneOf/1: 'minimum' without type 'number'",
        "#/$defs/b: 'items' without type 'array'",
    ]
    # names of properties and values of enum, const, default and examples are not keywords
    assert strict_problems({"type": "object", "properties": {"discriminator": {"const": {"format": 1}}},
                            "default": {"nullable": True}, "examples": [{"x": 1}]}) == []


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_python_jsonschema_loads_it(name):
    jsonschema.Draft202012Validator.check_schema(SCHEMAS[name]())


# ---------------------------------------------------------------- the documents


def plans() -> list[Path]:
    return sorted([*(ROOT / "examples").rglob("*.kpi"), *(ROOT / "kpispec" / "templates").glob("*.kpi"),
                   *(ROOT / "tests" / "golden" / "valid").glob("*.kpi")])


@functools.lru_cache(maxsize=1)
def compiled_documents() -> dict[str, dict]:
    """The compiled JSON of each plan, as `kpispec compile` writes it and with `--with-verdicts` (en, ja)."""
    from kpispec.analysis.goals import standings
    from kpispec.api import analyze_text, compile_to

    documents = {}
    for path in plans():
        name = path.relative_to(ROOT).as_posix()
        text = path.read_text(encoding="utf-8")
        plain = analyze_text(name, text, checks=False, keep_tree=False)
        checked = analyze_text(name, text, keep_tree=False, keep_context=True)
        for key, result, verdicts in [(name, plain, None),
                                      *[(f"{name} --with-verdicts --lang {lang}", checked,
                                         {**standings(checked.context.arithmetic), "": lang}) for lang in ("en", "ja")]]:
            parts: list[str] = []
            assert compile_to(result, parts.append, name, verdicts), key
            documents[key] = json.loads("".join(parts))
    return documents


def test_the_documents_cover_the_examples_and_verdicts():
    documents = compiled_documents()
    assert {"examples/ec_site.kpi", "examples/b2b_saas_funnel.kpi", "examples/sns_ads.kpi"} <= set(documents)
    assert sum(1 for d in documents.values() for n in d["kgis"] + d["ksfs"] + d["kpis"] if n.get("verdict")) > 20


def config_documents() -> dict[str, dict]:
    """The configurations kpispec writes (`kpispec init`, every setting uncommented), documents and uses."""
    from kpispec.cli.init import CONFIG

    documents = {}
    for lang, text in CONFIG.items():
        uncommented = re.sub(r"^# ((?:[\w-]+ = |\[)[^#\n]*?)\s*(#.*)?$", r"\1", text, flags=re.M)
        documents[f"init --lang {lang}"] = tomllib.loads(uncommented)
    page = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    documents["docs/configuration.md"] = tomllib.loads(re.search(r"```toml\n(.*?)```", page, re.S).group(1))["tool"]["kpispec"]
    documents["every setting"] = tomllib.loads('severity = { KPI205 = "info", KPI217 = "off" }\ndisable = ["KPI215"]\n'
                                               'growth-bound = 1.1\nvanity-metrics = ["fans", ""]\n'
                                               'extend-vanity-metrics = ["ファン数"]\nmax-kgis = 5\n')
    documents["at the edges"] = {"growth-bound": 1.001, "max-kgis": 1, "vanity-metrics": ["x" * 100, ""],
                                 "extend-vanity-metrics": [f"t{i}" for i in range(1000)], "severity": {}, "disable": []}
    documents["tests/golden/verdicts/kpispec.toml"] = tomllib.loads(
        (ROOT / "tests" / "golden" / "verdicts" / "kpispec.toml").read_text(encoding="utf-8"))
    return documents


def test_the_config_documents_hold_every_setting():
    documents = config_documents()
    assert set(documents["init --lang en"]) == set(documents["init --lang ja"]) == {
        "growth-bound", "max-kgis", "extend-vanity-metrics", "severity"}
    assert {key for d in documents.values() for key in d} == set(config_schema()["properties"])


# Configurations JSON can hold (no inf, no 3.0 that TOML would call a float) that the schema refuses:
# Ajv must refuse each, as kpispec does.
REFUSED = {
    "unknown setting": {"growth_bound": 3},
    "unknown code": {"disable": ["KPI2155"]},
    "unknown code as a key": {"severity": {"KPl205": "off"}},
    "level": {"severity": {"KPI205": "warn"}},
    "growth-bound": {"growth-bound": 1},
    "growth-bound as text": {"growth-bound": "3"},
    "max-kgis": {"max-kgis": 0},
    "max-kgis fraction": {"max-kgis": 2.5},
    "long term": {"vanity-metrics": ["x" * 101]},
    "too many terms": {"extend-vanity-metrics": ["x"] * 1001},
    "severity list": {"severity": ["KPI205"]},
}


def test_python_jsonschema_accepts_every_document():
    from kpispec.config import _validator

    compiled = jsonschema.Draft202012Validator(json_schema(), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    for name, document in compiled_documents().items():
        errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in compiled.iter_errors(document)]
        assert errors == [], name
    config = jsonschema.Draft202012Validator(config_schema(), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    codes = {r.code for r in all_rules()}
    for name, document in config_documents().items():
        assert [e.message for e in config.iter_errors(document)] == [], name
        assert _validator(codes).is_valid(document), name
    for name, document in REFUSED.items():
        assert not config.is_valid(document) and not _validator(codes).is_valid(document), name


# ---------------------------------------------------------------- Ajv

NODE_SCRIPT = r"""
const Ajv2020 = require("ajv/dist/2020");
const input = JSON.parse(require("fs").readFileSync(0, "utf8"));
const ajv = new Ajv2020({strict: true, allErrors: true});
let validate;
try {
  validate = ajv.compile(input.schema);
} catch (error) {
  console.log(JSON.stringify({compile: String(error.message)}));
  process.exit(0);
}
const results = {};
for (const [name, document] of Object.entries(input.documents)) {
  results[name] = validate(document) ? null : validate.errors;
}
console.log(JSON.stringify({results}));
"""


def unavailable(reason: str):
    if REQUIRE_NODE:
        pytest.fail(f"{reason}, and KPISPEC_REQUIRE_NODE=1 says Ajv must run")
    pytest.skip(reason)


def install_ajv(npm: str) -> Path:
    """~/.cache/kpispec-tests/ajv-VERSION with Ajv installed: once, whichever worker comes first."""
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "kpispec-tests"
    final = cache / f"ajv-{AJV}"
    ready = final / "node_modules" / "ajv" / "package.json"
    if ready.is_file():
        return final
    cache.mkdir(parents=True, exist_ok=True)
    with open(cache / "ajv.lock", "w") as lock:
        try:
            import fcntl

            fcntl.flock(lock, fcntl.LOCK_EX)  # another worker installing: wait for it
        except ImportError:  # no fcntl: the rename below still keeps a half-made folder out of use
            pass
        if ready.is_file():
            return final
        work = Path(tempfile.mkdtemp(prefix="ajv-install-", dir=cache))
        try:
            try:
                done = subprocess.run([npm, "install", "--no-audit", "--no-fund", "--loglevel=error", "--prefix", str(work),
                                       f"ajv@{AJV}"], capture_output=True, text=True, timeout=600)
            except subprocess.TimeoutExpired:
                unavailable(f"npm install ajv@{AJV} took over 10 minutes")
            if done.returncode != 0 or not (work / "node_modules" / "ajv" / "package.json").is_file():
                unavailable(f"npm could not install ajv@{AJV}: {(done.stderr or done.stdout).strip()[-500:]}")
            try:
                os.rename(work, final)
            except OSError:  # made meanwhile by a process without the lock
                if not ready.is_file():
                    raise
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return final


@pytest.fixture(scope="module")
def ajv():
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        unavailable(f"Ajv needs node and npm on PATH ({'node' if node is None else 'npm'} is missing)")
    folder = install_ajv(npm)

    def run(schema: dict, documents: dict) -> dict:
        done = subprocess.run([node, "-e", NODE_SCRIPT], input=json.dumps({"schema": schema, "documents": documents}),
                              capture_output=True, text=True, encoding="utf-8", cwd=folder, timeout=300,
                              env={**os.environ, "NODE_PATH": str(folder / "node_modules")})
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    return run


def test_ajv_strict_loads_the_compiled_schema_and_accepts_every_compiled_plan(ajv):
    outcome = ajv(json_schema(), compiled_documents())
    assert "compile" not in outcome, f"Ajv (strict) refuses schemas/kpispec.schema.json: {outcome['compile']}"
    refused = {name: errors for name, errors in outcome["results"].items() if errors is not None}
    assert refused == {}, json.dumps(refused, ensure_ascii=False, indent=2)[:4000]


def test_ajv_strict_loads_the_config_schema_and_agrees_with_kpispec(ajv):
    documents = {**config_documents(), **{f"refused: {name}": table for name, table in REFUSED.items()}}
    outcome = ajv(config_schema(), documents)
    assert "compile" not in outcome, f"Ajv (strict) refuses schemas/kpispec-config.schema.json: {outcome['compile']}"
    verdicts = {name: errors is None for name, errors in outcome["results"].items()}
    assert verdicts == {name: not name.startswith("refused: ") for name in documents}, json.dumps(
        outcome["results"], ensure_ascii=False, indent=2)[:4000]


def test_ajv_strict_refuses_what_pydantic_wrote(ajv):
    # The check is real: pydantic's own output, with its `discriminator`, does not load.
    from kpispec.model import CompiledPlan

    outcome = ajv(CompiledPlan.model_json_schema(mode="serialization"), {})
    assert "discriminator" in outcome.get("compile", ""), outcome
