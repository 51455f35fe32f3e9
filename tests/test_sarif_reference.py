"""The SARIF references (tests/sarif_reference.py) have teeth: a good log passes, and each kind
of fault that the OASIS schema, the SARIF Multitool or GitHub's upload rules catch is caught.

Only faults that the validator in question really enforces are asserted (read in
sarif-schema-2.1.0.json, in the Multitool's rules, in codeql-action and GitHub's docs)."""

from __future__ import annotations

import copy
import json

import pytest

from sarif_reference import (
    OASIS_SCHEMA_SHA256,
    github_upload_problems,
    is_absolute_uri,
    is_uri_reference,
    multitool_errors,
    oasis_schema,
    primary_location_line_hashes,
    schema_errors,
    spec_errors,
    validate_sarif,
    validate_sarif_many,
)


def minimal_log() -> dict:
    """Valid SARIF 2.1.0, with everything GitHub's docs mark as required."""
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "kpispec",
                        "version": "0.1.0",
                        "informationUri": "https://example.org/kpispec",
                        "rules": [
                            {
                                "id": "KPI001",
                                "name": "UnexpectedCharacter",
                                "shortDescription": {"text": "A character that has no place here"},
                                "fullDescription": {"text": "A character the language does not use."},
                                "help": {"text": "Remove it.", "markdown": "Remove it."},
                                "helpUri": "https://example.org/rules/KPI001",
                                "defaultConfiguration": {"level": "error"},
                            }
                        ],
                    }
                },
                "invocations": [{"executionSuccessful": True}],
                "results": [
                    {
                        "ruleId": "KPI001",
                        "ruleIndex": 0,
                        "level": "error",
                        "message": {"text": "Unexpected character (see [here](1))."},
                        "locations": [
                            {
                                "physicalLocation": {
                                    "artifactLocation": {"uri": "plans/a.kpi"},
                                    "region": {"startLine": 2, "startColumn": 3, "endLine": 2, "endColumn": 4},
                                }
                            }
                        ],
                        "relatedLocations": [
                            {
                                "id": 1,
                                "message": {"text": "here"},
                                "physicalLocation": {
                                    "artifactLocation": {"uri": "plans/a.kpi"},
                                    "region": {"startLine": 1, "startColumn": 1, "endLine": 1, "endColumn": 2},
                                },
                            }
                        ],
                    }
                ],
                "columnKind": "unicodeCodePoints",
            }
        ],
    }


def changed(edit) -> dict:
    log = minimal_log()
    edit(log, log["runs"][0], log["runs"][0]["results"][0])
    return log


def location(result):
    return result["locations"][0]["physicalLocation"]


# --- the OASIS schema ------------------------------------------------------------------------


def test_the_schema_is_the_official_one():
    schema = oasis_schema()
    assert schema["id"] == "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
    assert schema["$schema"] == "http://json-schema.org/draft-04/schema#"
    assert len(OASIS_SCHEMA_SHA256) == 64


def test_a_minimal_log_is_valid():
    assert schema_errors(minimal_log()) == []
    assert schema_errors(json.dumps(minimal_log())) == []


def set_in(obj, path, value):
    for key in path[:-1]:
        obj = obj[key]
    obj[path[-1]] = value


SCHEMA_FAULTS = {
    # name: (edit, a piece of the JSON path the error must name)
    "wrong version": (lambda log, run, res: log.update(version="2.0.0"), "$.version"),
    "no version": (lambda log, run, res: log.pop("version"), "$"),
    "runs not an array": (lambda log, run, res: log.update(runs={}), "$.runs"),
    "unknown top-level property": (lambda log, run, res: log.update(extra=1), "$"),
    "unknown property in a result": (lambda log, run, res: res.update(severity="high"), "$.runs[0].results[0]"),
    "run without tool": (lambda log, run, res: run.pop("tool"), "$.runs[0]"),
    "driver without name": (lambda log, run, res: run["tool"]["driver"].pop("name"), "$.runs[0].tool.driver"),
    "result without message": (lambda log, run, res: res.pop("message"), "$.runs[0].results[0]"),
    "message with neither text nor id": (lambda log, run, res: res.update(message={"markdown": "x"}), "$.runs[0].results[0].message"),
    "level fatal": (lambda log, run, res: res.update(level="fatal"), "$.runs[0].results[0].level"),
    "rule default level fatal": (
        lambda log, run, res: set_in(run, ["tool", "driver", "rules", 0, "defaultConfiguration", "level"], "fatal"),
        "$.runs[0].tool.driver.rules[0].defaultConfiguration.level",
    ),
    "startLine 0": (lambda log, run, res: location(res)["region"].update(startLine=0), "region.startLine"),
    "startColumn 0": (lambda log, run, res: location(res)["region"].update(startColumn=0), "region.startColumn"),
    "line as a string": (lambda log, run, res: location(res)["region"].update(startLine="2"), "region.startLine"),
    "region without startLine, charOffset or byteOffset": (
        lambda log, run, res: location(res)["region"].pop("startLine"), "physicalLocation.region"),
    "uri not a string": (lambda log, run, res: location(res)["artifactLocation"].update(uri=5), "artifactLocation.uri"),
    "invocation without executionSuccessful": (
        lambda log, run, res: run.update(invocations=[{"commandLine": "kpispec check"}]), "$.runs[0].invocations[0]"),
    "ruleIndex below -1": (lambda log, run, res: res.update(ruleIndex=-2), "$.runs[0].results[0].ruleIndex"),
    "location id below -1": (lambda log, run, res: res["relatedLocations"][0].update(id=-2), "relatedLocations[0].id"),
    "the same related location twice": (
        lambda log, run, res: res["relatedLocations"].append(copy.deepcopy(res["relatedLocations"][0])),
        "$.runs[0].results[0].relatedLocations"),
    "columnKind unknown": (lambda log, run, res: run.update(columnKind="bytes"), "$.runs[0].columnKind"),
    "fingerprint not a string": (
        lambda log, run, res: res.update(partialFingerprints={"primaryLocationLineHash": 12}), "partialFingerprints"),
    "duplicate tags": (
        lambda log, run, res: run["tool"]["driver"]["rules"][0].update(properties={"tags": ["a", "a"]}), "properties.tags"),
    "physicalLocation without artifactLocation or address": (
        lambda log, run, res: location(res).pop("artifactLocation"), "locations[0].physicalLocation"),
}


@pytest.mark.parametrize("fault", sorted(SCHEMA_FAULTS))
def test_schema_faults_are_caught(fault):
    edit, where = SCHEMA_FAULTS[fault]
    errors = schema_errors(changed(edit))
    assert errors, fault
    assert any(where in e for e in errors), errors
    # validate_sarif reports them without needing the Multitool (it stops at the schema).
    assert validate_sarif(changed(edit)) == errors


def test_not_json_is_an_error():
    assert schema_errors("{") and schema_errors("{")[0].startswith("$: not JSON")


# --- the Multitool's SARIF rules (a Multitool run costs a few seconds: one run for all) -------

MULTITOOL_FAULTS = {
    # Valid against the schema, wrong by the SARIF specification's "shall"s.
    "SARIF1009": lambda log, run, res: res.update(ruleIndex=3),  # past the rules array
    "SARIF1007": lambda log, run, res: location(res)["region"].update(startLine=3, endLine=2),
    "SARIF1002": lambda log, run, res: location(res)["artifactLocation"].update(uri="plans/a b%.kpi"),
    "SARIF1010": lambda log, run, res: res.pop("ruleId"),  # neither ruleId nor rule.id
}


def test_multitool_faults_are_caught():
    rules = sorted(MULTITOOL_FAULTS)
    logs = [minimal_log()] + [changed(MULTITOOL_FAULTS[rule]) for rule in rules]
    assert [schema_errors(log) for log in logs] == [[]] * len(logs)
    found = validate_sarif_many(logs)
    assert found[0] == []
    for rule, errors in zip(rules, found[1:]):
        assert any(f": {rule}: " in e for e in errors), (rule, errors)
        assert all(e.startswith("$.runs[0]") for e in errors), errors
    # The single-log form gives the same answer (from the cache: no second run).
    assert validate_sarif(logs[1]) == found[1]


def test_spec_rules_neither_validator_checks():
    assert spec_errors(minimal_log()) == []

    def two_rules(log, run, res):
        second = copy.deepcopy(run["tool"]["driver"]["rules"][0])
        second["id"] = "KPI002"
        run["tool"]["driver"]["rules"].append(second)

    wrong_index = changed(lambda log, run, res: (two_rules(log, run, res), res.update(ruleIndex=1)))
    assert spec_errors(wrong_index) == [
        "$.runs[0].results[0].ruleIndex: rules[1] is 'KPI002', not the rule 'KPI001' that ruleId names (SARIF §3.27.6)"
    ]
    hierarchical = changed(lambda log, run, res: res.update(ruleId="KPI001/unicode"))
    assert spec_errors(hierarchical) == []
    dangling = changed(lambda log, run, res: res["message"].update(text="See [here](2)."))
    assert spec_errors(dangling) == [
        "$.runs[0].results[0].message.text: the link [here](2) must name exactly one location of the result, not 0 (SARIF §3.11.6)"
    ]
    twice = changed(lambda log, run, res: res["locations"][0].update(id=1))
    assert "not 2" in spec_errors(twice)[0]
    # validate_sarif reports them with the Multitool's findings (one run for both logs).
    assert [any("§3.27.6" in e for e in errors) for errors in validate_sarif_many([wrong_index, hierarchical])] == [True, False]


def test_multitool_github_rules_can_be_asked_for():
    log = changed(lambda log, run, res: run["tool"]["driver"]["rules"][0].pop("help"))
    assert validate_sarif(log) == []  # help is optional in SARIF itself
    errors = multitool_errors(log, rule_kinds=("Ghas",))
    assert any("GH2012" in e and "rules[0]" in e for e in errors), errors


# --- GitHub's upload rules -------------------------------------------------------------------


def test_github_accepts_a_minimal_log():
    assert github_upload_problems(minimal_log()) == []


def problems(edit, **kwargs) -> list[str]:
    return github_upload_problems(changed(edit), **kwargs)


def has(found: list[str], *pieces: str) -> bool:
    return any(all(p in f for p in pieces) for f in found)


def test_schema_errors_reject_the_upload_but_region_needs_no_start():
    found = problems(lambda log, run, res: res.update(level="fatal"))
    assert has(found, "$.runs[0].results[0].level", "rejected", "validateSarifFileSchema")
    # GitHub's copy of the schema lost the region's anyOf: a region without startLine passes
    # upload-sarif's schema check (code scanning still wants startLine).
    found = problems(lambda log, run, res: location(res)["region"].pop("startLine"))
    assert not has(found, "rejected")
    assert has(found, "region.startLine", "warning")


def test_a_run_needs_a_results_array():
    assert has(problems(lambda log, run, res: run.pop("results")), "$.runs[0].results", "rejected", "countResultsInSarif")


def test_two_runs_of_one_category_are_refused():
    found = problems(lambda log, run, res: log["runs"].append(copy.deepcopy(run)))
    assert has(found, "$.runs[1]", "rejected", "throwIfCombineSarifFilesDisabled")

    def other_category(log, run, res):
        second = copy.deepcopy(run)
        second["automationDetails"] = {"id": "plans/second/"}
        log["runs"].append(second)

    assert problems(other_category) == []


def test_at_most_twenty_runs():
    def many(log, run, res):
        log["runs"] = []
        for i in range(21):
            one = copy.deepcopy(run)
            one["automationDetails"] = {"id": f"c{i}/"}
            log["runs"].append(one)

    assert has(problems(many), "$.runs", "rejected", "Runs per file")


def test_rules_need_the_texts_github_shows():
    found = problems(lambda log, run, res: run["tool"]["driver"]["rules"][0].pop("fullDescription"))
    assert has(found, "rules[0].fullDescription.text", "warning", "reportingDescriptor")
    found = problems(lambda log, run, res: run["tool"]["driver"]["rules"][0].update(shortDescription={"text": ""}))
    assert has(found, "rules[0].shortDescription.text", "warning")
    found = problems(lambda log, run, res: run["tool"]["driver"]["rules"][0].update(name="x" * 256))
    assert has(found, "rules[0].name", "over 255")
    found = problems(lambda log, run, res: set_in(run, ["tool", "driver", "rules", 0, "defaultConfiguration", "level"], "none"))
    assert has(found, "defaultConfiguration.level", "note, warning or error")
    found = problems(lambda log, run, res: run["tool"]["driver"]["rules"][0].update(properties={"tags": [str(i) for i in range(21)]}))
    assert has(found, "properties.tags", "rejected", "Tags per rule")


def test_help_uri_must_be_absolute():
    found = problems(lambda log, run, res: run["tool"]["driver"]["rules"][0].update(helpUri="docs/rules/KPI001.md"))
    assert has(found, "rules[0].helpUri", "warning", "not a valid URI (uri)")
    assert is_absolute_uri("https://example.org/x") and not is_absolute_uri("/x") and not is_absolute_uri("a b:c d")


@pytest.mark.parametrize(
    "uri, ok",
    [
        ("plans/a.kpi", True),
        ("plans/a%20b.kpi", True),
        ("file:///home/runner/work/r/r/plans/a.kpi", True),
        ("%E8%A8%88%E7%94%BB.kpi", True),
        ("plans/a b.kpi", False),  # a space must be percent-encoded
        ("計画.kpi", False),  # so must non-ASCII text
        ("plans/100%.kpi", False),  # a lone "%"
        ("plans\\a.kpi", False),
        ("a:b/c.kpi", True),  # a URI with scheme "a"
        ("./a:b.kpi", True),
    ],
)
def test_uri_references(uri, ok):
    assert is_uri_reference(uri) is ok


def test_artifact_uris():
    def uri(value):
        return problems(lambda log, run, res: location(res)["artifactLocation"].update(uri=value))

    where = "$.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri"
    assert has(uri("plans/a b.kpi"), where, "warning", "not a valid URI (uri-reference)")
    assert has(uri("計画.kpi"), where, "warning", "not a valid URI")
    assert has(uri("plans/100%.kpi"), where, "does not percent-decode", "resolveUriToFile")
    assert has(uri("plans/%FF.kpi"), where, "does not percent-decode")  # not UTF-8
    assert has(uri("https://example.org/a.kpi"), where, "rejected", "Root location for source files")
    assert uri("file:///home/runner/work/r/r/plans/a.kpi") == []
    found = github_upload_problems(
        changed(lambda log, run, res: location(res)["artifactLocation"].update(uri="file:///tmp/a.kpi")),
        checkout_root="/home/runner/work/r/r",
    )
    assert has(found, where, "outside the checkout")


def test_result_needs_a_message_and_a_full_first_region():
    assert has(problems(lambda log, run, res: res.update(message={"id": "m1"})), "message.text", "warning")
    assert has(problems(lambda log, run, res: res.pop("locations")), "$.runs[0].results[0].locations", "not shown")
    found = problems(lambda log, run, res: location(res)["region"].pop("endColumn"))
    assert has(found, "region.endColumn", "warning", "physicalLocation object")


def test_related_locations_and_message_links():
    found = problems(lambda log, run, res: res["relatedLocations"][0].pop("id"))
    assert has(found, "relatedLocations[0]", "without id")
    assert has(found, "message.text", "[here](1) names no relatedLocations id")
    found = problems(lambda log, run, res: res["message"].update(text="See [there](2) and \\[not a link\\](3)."))
    assert has(found, "[there](2)") and not has(found, "(3)")
    # A related location the message does not link to is not shown.
    assert has(found, "relatedLocations[0]", "not shown", "[text](1)")
    # A link to a URI is not a location id (and leaves location 1 unlinked).
    found = problems(lambda log, run, res: res["message"].update(text="See [docs](https://example.org)."))
    assert not has(found, "names no relatedLocations id") and has(found, "relatedLocations[0]", "not shown")


def test_date_times_must_be_rfc3339():
    found = problems(lambda log, run, res: run["invocations"][0].update(startTimeUtc="yesterday"))
    assert has(found, "invocations[0].startTimeUtc", "rejected")
    assert problems(lambda log, run, res: run["invocations"][0].update(startTimeUtc="2026-01-02T03:04:05.6Z")) == []


# The hashes github/codeql-action's own tests expect of its fingerprint function
# (src/fingerprints.test.ts), for a few inputs.
@pytest.mark.parametrize(
    "text, expected",
    [
        ("", ["c129715d7a2bc9a3:1"]),
        (" a\nb\n  \t\tc\n d", ["271789c17abda88f:1", "54703d4cd895b18:1", "180aee12dab6264:1", "a23a3dc5e078b07b:1"]),
        (" hello; \t\r\nworld!!!\r\n\r\n\r\n  \t\tGreetings\r\n End\r\n",
         ["e9496ae3ebfced30:1", "fb7c023a8b9ccb3f:1", "ce8ba1a563dcdaca:1", "e20e36e16fcb0cc8:1",
          "b3edc88f2938467e:1", "c8e28b0b4002a3a0:1", "c129715d7a2bc9a3:1"]),
        ("Lorem ipsum dolor sit amet.\n" * 10,
         ["a7f2ff13bc495cf2:1", "a7f2ff13bc495cf2:2", "a7f2ff13bc495cf2:3", "a7f2ff13bc495cf2:4",
          "a7f2ff13bc495cf2:5", "a7f2ff13bc495cf2:6", "a7f2ff1481e87703:1", "a9cf91f7bbf1862b:1",
          "55ec222b86bcae53:1", "cc97dc7b1d7d8f7b:1", "c129715d7a2bc9a3:1"]),
    ],
)
def test_primary_location_line_hashes(text, expected):
    hashes = primary_location_line_hashes(text)
    assert [hashes[i] for i in sorted(hashes)] == expected
    assert sorted(hashes) == list(range(1, len(expected) + 1))


def test_an_inconsistent_fingerprint_is_reported():
    source = "plan\n  x = 1\n"
    right = primary_location_line_hashes(source)[2]

    def with_hash(value):
        return changed(lambda log, run, res: res.update(partialFingerprints={"primaryLocationLineHash": value}))

    assert github_upload_problems(with_hash(right), {"plans/a.kpi": source}) == []
    found = github_upload_problems(with_hash("0123456789abcdef:1"), {"plans/a.kpi": source})
    assert has(found, "partialFingerprints.primaryLocationLineHash", "locationUpdateCallback")
    # Without the source there is nothing to compare.
    assert github_upload_problems(with_hash("0123456789abcdef:1")) == []
