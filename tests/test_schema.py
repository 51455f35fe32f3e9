"""The committed schema is the one the models generate."""

import json

from conftest import ROOT

from kpispec.model import json_schema


def test_committed_schema_matches_models():
    committed = json.loads((ROOT / "schemas" / "kpispec.schema.json").read_text(encoding="utf-8"))
    assert committed == json_schema(), "schema drifted: run `kpispec schema -o schemas/kpispec.schema.json`"


def test_schema_is_valid_draft_2020_12():
    import jsonschema

    jsonschema.Draft202012Validator.check_schema(json_schema())
