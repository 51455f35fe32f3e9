"""SARIF 2.1.0, as GitHub code scanning accepts it."""

from __future__ import annotations

from .. import __version__
from ..codes import all_rules
from ..diagnostics import Diagnostic
from .jsonfmt import ArrayStream, by_file, position

LEVELS = {"error": "error", "warning": "warning", "info": "note"}


def _region(span, source) -> dict:
    p = position(span, source)
    end_column = p["end_column"] if (p["end_line"], p["end_column"]) > (p["line"], p["column"]) else p["column"] + 1
    return {"startLine": p["line"], "startColumn": p["column"], "endLine": p["end_line"], "endColumn": end_column}


def result_dict(d: Diagnostic, source, lang: str, index: dict) -> dict:
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
    return result


def _log(lang: str, results) -> dict:
    rules = all_rules()
    driver = {
        "name": "kpispec",
        "version": __version__,
        "informationUri": "https://github.com/kpispec/kpispec",
        "rules": [
            {
                "id": rule.code,
                "name": "".join(part.capitalize() for part in rule.name.split("-")),
                "shortDescription": {"text": rule.summary.get(lang)},
                "fullDescription": {"text": rule.doc_in(lang).splitlines()[0]},
                "help": {"text": rule.doc_in(lang), "markdown": rule.doc_in(lang)},
                "defaultConfiguration": {"level": LEVELS[rule.severity.value]},
            }
            for rule in rules
        ],
    }
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{"tool": {"driver": driver}, "columnKind": "unicodeCodePoints", "results": results}],
    }


class Report:
    """A SARIF log written file by file (see jsonfmt.ArrayStream)."""

    def __init__(self, lang: str):
        self.lang = lang
        self.index = {rule.code: i for i, rule in enumerate(all_rules())}
        self.array = ArrayStream(_log(lang, ArrayStream.MARK))

    def begin(self) -> str:
        return self.array.begin()

    def file(self, diagnostics, source):
        """The file's part of the report, one diagnostic at a time (never one big string)."""
        return (self.array.item(result_dict(d, source, self.lang, self.index)) for d in diagnostics)

    def end(self, counts=None) -> str:
        return self.array.end(_log(self.lang, ArrayStream.MARK))


def render(diagnostics: list[Diagnostic], sources: dict, lang: str) -> str:
    report = Report(lang)
    parts = [report.begin()]
    for name, group in by_file(diagnostics):
        parts.extend(report.file(group, sources.get(name)))
    parts.append(report.end())
    return "".join(parts)
