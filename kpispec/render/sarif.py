"""SARIF 2.1.0, as GitHub code scanning accepts it."""

from __future__ import annotations

import json

from .. import __version__
from ..codes import all_rules
from ..diagnostics import Diagnostic
from .jsonfmt import position

LEVELS = {"error": "error", "warning": "warning", "info": "note"}


def _region(span, source) -> dict:
    p = position(span, source)
    end_column = p["end_column"] if (p["end_line"], p["end_column"]) > (p["line"], p["column"]) else p["column"] + 1
    return {"startLine": p["line"], "startColumn": p["column"], "endLine": p["end_line"], "endColumn": end_column}


def render(diagnostics: list[Diagnostic], sources: dict, lang: str) -> str:
    rules = all_rules()
    index = {rule.code: i for i, rule in enumerate(rules)}
    results = []
    for d in diagnostics:
        source = sources.get(d.file)
        text = d.message.get(lang)
        if d.help:
            text += "\n" + ("help: " if lang == "en" else "ヒント: ") + d.help.get(lang)
        result = {
            "ruleId": d.code,
            "level": LEVELS[d.severity.value],
            "message": {"text": text},
            "locations": [{"physicalLocation": {
                "artifactLocation": {"uri": d.file},
                "region": _region(d.span, source),
            }}],
        }
        if d.code in index:
            result["ruleIndex"] = index[d.code]
        related = [
            {"id": i, "message": {"text": lab.message.get(lang) if lab.message else ""},
             "physicalLocation": {"artifactLocation": {"uri": d.file}, "region": _region(lab.span, source)}}
            for i, lab in enumerate(d.labels, 1)
        ]
        if related:
            result["relatedLocations"] = related
        results.append(result)
    driver = {
        "name": "kpispec",
        "version": __version__,
        "informationUri": "https://github.com/kpispec/kpispec",
        "rules": [
            {
                "id": rule.code,
                "name": "".join(part.capitalize() for part in rule.name.split("-")),
                "shortDescription": {"text": rule.summary.get(lang)},
                "fullDescription": {"text": rule.doc.splitlines()[0]},
                "help": {"text": rule.doc, "markdown": rule.doc},
                "defaultConfiguration": {"level": LEVELS[rule.severity.value]},
            }
            for rule in rules
        ],
    }
    log = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{"tool": {"driver": driver}, "columnKind": "unicodeCodePoints", "results": results}],
    }
    return json.dumps(log, ensure_ascii=False, indent=2) + "\n"
