"""SARIF 2.1.0, as GitHub code scanning reads it.

- Files are URIs relative to the repository's root (`uriBaseId: %SRCROOT%`, see where.py),
  percent-encoded, so that GitHub places results on the right file whatever the name holds.
- Each result carries a `partialFingerprints` entry that does not change when the lines around
  it move (see `_Fingerprints`), so an alert keeps its identity across edits.
- The run's `invocations` say whether it succeeded: a run that could not read a file or a
  configuration is `executionSuccessful: false`, with a notification for each problem, so that a
  failed run never uploads as a clean one.
- A diagnostic's labels are related locations, and its message links to each (`[text](id)`):
  GitHub shows only the related locations a message links to. Notes and help follow the message.
"""

from __future__ import annotations

import hashlib

from .. import DOCS_URL, __version__
from ..codes import all_rules
from ..diagnostics import Diagnostic
from . import explained
from .counts import Outcome
from .jsonfmt import ArrayStream, by_file, position
from .where import Root

LEVELS = {"error": "error", "warning": "warning", "info": "note"}
FINGERPRINT = "kpispec/v1"


def help_uri(code: str, lang: str) -> str:
    """The rule's page on the documentation site (mkdocs' directory URLs)."""
    return f"{DOCS_URL}{'ja/' if lang == 'ja' else ''}rules/{code}/"


def _region(span, source) -> dict:
    p = position(span, source)
    end_column = p["end_column"] if (p["end_line"], p["end_column"]) > (p["line"], p["column"]) else p["column"] + 1
    return {"startLine": p["line"], "startColumn": p["column"], "endLine": p["end_line"], "endColumn": end_column}


def _link_text(text: str) -> str:
    """Text inside a SARIF message link's brackets: its own brackets escaped (SARIF 3.11.6)."""
    return text.replace("[", "\\[").replace("]", "\\]")


RELATED = {"en": "related", "ja": "関連箇所"}  # heads the link to a related location
UNNAMED = {"en": "related location", "ja": "関連箇所"}  # the text of a related location without a label


def message_text(d: Diagnostic, lang: str) -> str:
    """The message, a link to each related location, then the notes and the help, one a line."""

    def related(number, label) -> str:
        text = label.message.get(lang) if label.message else UNNAMED[lang]
        return f"{RELATED[lang]}: [{_link_text(text)}]({number})"

    return "\n".join(explained(d, lang, related))


class _Fingerprints:
    """`partialFingerprints` for one file's results: the code, the file, and the text of the line the
    result starts on and of its span (white space runs made one), never a line number; a count
    tells apart the same finding on identical lines. Moving lines about keeps every fingerprint."""

    def __init__(self, uri: str, source):
        self.uri = uri
        self.source = source
        self.seen: dict[str, int] = {}

    def of(self, d: Diagnostic) -> str:
        text = ""
        source = self.source
        if source is not None:
            line, _ = source.position(d.span.start)
            here = source.line_text(line)
            # the span's first 200 characters: a finding spanning a whole block costs no more
            span = source.text[d.span.start:min(d.span.end, d.span.start + 200)]
            text = " ".join(here.split()) + "\x00" + " ".join(span.split())
        digest = hashlib.sha256(f"{d.code}\x00{self.uri}\x00{text}".encode("utf-8", "surrogatepass")).hexdigest()[:32]
        count = self.seen.get(digest, 0) + 1
        self.seen[digest] = count
        return f"{digest}:{count}"


def result_dict(d: Diagnostic, source, lang: str, index: dict, root: Root, fingerprints: _Fingerprints | None = None) -> dict:
    artifact = root.artifact(d.file)
    result = {
        "ruleId": d.code,
        "level": LEVELS[d.severity.value],
        "message": {"text": message_text(d, lang)},
        "locations": [{"physicalLocation": {"artifactLocation": artifact, "region": _region(d.span, source)}}],
    }
    if d.code in index:
        result["ruleIndex"] = index[d.code]
    related = [
        {"id": i, "message": {"text": lab.message.get(lang) if lab.message else UNNAMED[lang]},
         "physicalLocation": {"artifactLocation": artifact, "region": _region(lab.span, source)}}
        for i, lab in enumerate(d.labels, 1)
    ]
    if related:
        result["relatedLocations"] = related
    fingerprints = fingerprints or _Fingerprints(artifact["uri"], source)
    result["partialFingerprints"] = {FINGERPRINT: fingerprints.of(d)}
    return result


def _rules(lang: str) -> list[dict]:
    return [
        {
            "id": rule.code,
            "name": "".join(part.capitalize() for part in rule.name.split("-")),
            "shortDescription": {"text": rule.summary.get(lang)},
            "fullDescription": {"text": rule.doc_in(lang).splitlines()[0]},
            "helpUri": help_uri(rule.code, lang),
            "help": {"text": rule.doc_in(lang), "markdown": rule.doc_in(lang)},
            "defaultConfiguration": {"level": LEVELS[rule.severity.value]},
            "properties": {"tags": [rule.name]},
        }
        for rule in all_rules()
    ]


def _invocation(outcome: Outcome, lang: str) -> dict:
    invocation = {"executionSuccessful": outcome.succeeded, "exitCode": outcome.exit_code}
    if outcome.problems:
        invocation["toolExecutionNotifications"] = [
            {"level": "error", "message": {"text": text}} for text in outcome.texts(lang)
        ]
    return invocation


def _log(lang: str, results, root: Root, outcome: Outcome | None) -> dict:
    run = {
        "tool": {"driver": {
            "name": "kpispec",
            "version": __version__,
            "semanticVersion": __version__,
            "informationUri": DOCS_URL,
            "rules": _rules(lang),
        }},
        "originalUriBaseIds": root.base_ids(),
        "columnKind": "unicodeCodePoints",
        "results": results,
        # after the results: it is known once they are written (ArrayStream writes the head first)
        "invocations": [_invocation(outcome or Outcome(), lang)],
    }
    return {"$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0", "runs": [run]}


class Report:
    """A SARIF log written file by file (see jsonfmt.ArrayStream)."""

    def __init__(self, lang: str, root: Root | None = None):
        self.lang = lang
        self.root = root or Root()
        self.index = {rule.code: i for i, rule in enumerate(all_rules())}
        self.array = ArrayStream(_log(lang, ArrayStream.MARK, self.root, None))

    def begin(self) -> str:
        return self.array.begin()

    def file(self, diagnostics, source):
        """The file's part of the report, one diagnostic at a time (never one big string)."""
        diagnostics = list(diagnostics)
        if not diagnostics:
            return iter(())
        fingerprints = _Fingerprints(self.root.artifact(diagnostics[0].file)["uri"], source)
        return (self.array.item(result_dict(d, source, self.lang, self.index, self.root, fingerprints))
                for d in diagnostics)

    def end(self, counts=None, outcome: Outcome | None = None) -> str:
        return self.array.end(_log(self.lang, ArrayStream.MARK, self.root, outcome))


def render(diagnostics: list[Diagnostic], sources: dict, lang: str, root: Root | None = None) -> str:
    report = Report(lang, root)
    parts = [report.begin()]
    for name, group in by_file(diagnostics):
        parts.extend(report.file(group, sources.get(name)))
    parts.append(report.end())
    return "".join(parts)
