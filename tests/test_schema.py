"""The committed schema is the one the models generate, published where its `$id` says.

schemas/kpispec.schema.json is the repository's copy; docs/schemas/kpispec.schema.json is served
by the docs site at DOCS_URL + "schemas/kpispec.schema.json", which is the schema's `$id`.
tests/test_schema_strict.py holds it to what strict validators (Ajv) load.
"""

import json
import re

import jsonschema
import pytest

from conftest import ROOT

from kpispec import DOCS_URL
from kpispec.model import json_schema

REGENERATE = ("run `kpispec schema -o schemas/kpispec.schema.json` and copy it to docs/schemas/")


def committed(where: str) -> dict:
    return json.loads((ROOT / where / "kpispec.schema.json").read_text(encoding="utf-8"))


def test_committed_schema_matches_models():
    assert committed("schemas") == json_schema(), f"schema drifted: {REGENERATE}"


def test_the_docs_publish_the_same_schema():
    assert committed("docs/schemas") == committed("schemas"), f"the docs' copy drifted: {REGENERATE}"
    assert not (ROOT / "docs" / "kpispec.schema.json").exists()  # moved to docs/schemas/, where $id says


def test_the_id_is_where_the_docs_site_serves_it():
    assert json_schema()["$id"] == "https://kpispec.dev/schemas/kpispec.schema.json"
    page = (ROOT / "docs" / "schemas" / "kpispec.schema.json").relative_to(ROOT / "docs").as_posix()
    assert json_schema()["$id"] == DOCS_URL + page


def test_mkdocs_publishes_at_docs_url():
    found = re.findall(r"^site_url:\s*(\S+)\s*$", (ROOT / "mkdocs.yml").read_text(encoding="utf-8"), re.M)
    assert found == [DOCS_URL]


def test_schema_is_valid_draft_2020_12():
    jsonschema.Draft202012Validator.check_schema(json_schema())


@pytest.fixture(scope="module")
def compiled() -> dict:
    from kpispec.api import analyze_text, compile_result

    text = (ROOT / "examples" / "ec_site.kpi").read_text(encoding="utf-8")
    return json.loads(compile_result(analyze_text("ec_site.kpi", text, checks=False)))


def test_a_compiled_file_may_name_its_schema(compiled):
    validator = jsonschema.Draft202012Validator(json_schema())
    assert "$schema" not in compiled  # `kpispec compile` does not write it (the goldens stay as they are)
    validator.validate({"$schema": json_schema()["$id"], **compiled})
    assert not validator.is_valid({"$schema": 1, **compiled})  # a string, when it is there
    assert not validator.is_valid({"$schemas": json_schema()["$id"], **compiled})  # and nothing else new


def test_expressions_are_still_told_apart_by_their_type(compiled):
    # pydantic's `discriminator` is gone (strict validators refuse it); the oneOf does the work
    validator = jsonschema.Draft202012Validator(json_schema())
    param = compiled["params"][0]
    assert param["expr"]["type"] == "number"
    wrong = {**compiled, "params": [{**param, "expr": {**param["expr"], "type": "ref"}}, *compiled["params"][1:]]}
    assert not validator.is_valid(wrong)
    assert "discriminator" not in json.dumps(json_schema())
