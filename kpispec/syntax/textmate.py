"""The TextMate grammar for .kpi files (grammar/kpi.tmLanguage.json), generated from the language's own lists.

TextMate grammars are what VS Code, Sublime Text, GitHub's Linguist and most editors colour code
with. This module writes the grammar from what the parser itself uses, so the two cannot drift:
the keywords, attributes, cadences, ramps, periods and functions of kpispec/language.py, the
counters of kpispec/units.py, the id pattern of syntax/names.py, and the terminals of
grammar/kpispec.lark as mirrored in `TERMINALS` below (tests/test_textmate.py holds each to the
grammar's own definition, and fails when the grammar gets a terminal this module does not know).

    uv run python -m kpispec.syntax.textmate           # writes grammar/kpi.tmLanguage.json
    uv run python -m kpispec.syntax.textmate --check   # exits 1 when the committed file is stale

TextMate grammars run on Oniguruma (VS Code: vscode-oniguruma; GitHub checks them with PCRE too),
so the patterns keep to what both read: `\\x{3000}` for a code point, `\\p{L}` for a Unicode
category, and no Python-only syntax. Python's `\\w` is exactly `[\\p{L}\\p{N}_]` and its `[^\\W\\d]`
exactly `[\\p{L}\\p{Nl}\\p{No}_]` (the test checks this on every code point), which is how the id
pattern is written here.

A TextMate grammar reads a line at a time: a construct the parser reads across a line break
(`per` at the end of a line and `month` on the next, a declaration's id on the line after its
keyword) is coloured piece by piece there. Triple-quoted strings and `{ … }` blocks do span lines.
Nothing on the `check` path imports this module.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from ..language import ALL_ATTRIBUTES, CADENCES, DECLARATIONS, FUNCTIONS, KEYWORDS, PERIODS, RAMPS
from ..units import SLASH_COUNTERS
from .build import RATIO_TENTH  # 割 ending an amount makes it a ratio: 2割 is 20%
from .names import EXTRA, MARKS, NAME_PATTERN

__all__ = ["OUTPUT", "TERMINALS", "grammar", "render", "main"]

OUTPUT = Path(__file__).resolve().parent.parent.parent / "grammar" / "kpi.tmLanguage.json"

# ------------------------------------------------------------- the grammar's terminals, in Python form
# Each is written here as grammar/kpispec.lark writes it (Python regex syntax), and tests/test_textmate.py
# asserts that the grammar still defines it so. The TextMate patterns are built from these pieces.

WS = r" \t\r\n\f\u3000\ufeff"  # WS: what separates tokens (a full-width space and a BOM included)
LINE_SPACE = r" \t\u3000"  # the spaces inside a milestone's `Q2 :`
DIGITS = r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9](?:_?[0-9])*)(?:\.[0-9]+)?"  # 1,000  1_000  2.5
EXPONENT = r"(?:[eE][+-]?[0-9]+)?"
SCALES = "兆億万千百"  # the Japanese scales, which may also join the sections of a number (1億2,000万)
SCALE_LETTERS = "kMB"
CJK = r"[\u3005\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff05]"  # what a unit glued to an amount is made of
AMOUNT = rf"{DIGITS}{EXPONENT}(?:[{SCALES}]+{DIGITS})*(?:%|[{SCALE_LETTERS}](?![\w])|{CJK}+)?"
DATE = r"[0-9]{4}-[0-9]{2}-[0-9]{2}(?![0-9])"
MONTH_LABEL = r"[0-9]{4}-[0-9]{2}"
QUARTER_LABEL = r"Q[1-4]"
COLONS = ":："
COMPARATORS = (">=", "<=", "==", ">", "<", "≥", "≤")
ADD_OPS = ("+", "-")
MUL_OPS = ("*", "/", "×", "÷")
STRING_TRIPLE = r'"""[^"\\]*(?:(?:\\.|"(?!""))[^"\\]*)*"""'
STRING_DOUBLE = r'"[^"\\\n]*(?:\\.[^"\\\n]*)*"'
COMMENT = r"#[^\r\n]*"

# The lark grammar's terminals other than its keywords, as it defines them (the text after `NAME:`,
# white space between alternatives folded to one space). An alternation of words compares as a set.
TERMINALS = {
    "LBRACE": '"{"',
    "RBRACE": '"}"',
    "LPAR": '"("',
    "RPAR": '")"',
    "COMMA": '","',
    "EQUALS": '"="',
    "COMPARATOR": " | ".join(f'"{c}"' for c in COMPARATORS),
    "ADD_OP": " | ".join(f'"{c}"' for c in ADD_OPS),
    "MUL_OP": " | ".join(f'"{c}"' for c in MUL_OPS),
    "SLASH_PERIOD": r"/\/(?:" + "|".join(PERIODS) + r")(?!\w)/",
    "SLASH_UNIT": r"/\/(?:" + "|".join(SLASH_COUNTERS) + r")(?!\w)/",
    "DATE": f"/{DATE}/",
    "MONTH": f"/{MONTH_LABEL}[{LINE_SPACE}]*[{COLONS}]/",
    "QUARTER": f"/{QUARTER_LABEL}[{LINE_SPACE}]*[{COLONS}]/",
    "AMOUNT": f"/{AMOUNT}/",
    "NAME": f"/{NAME_PATTERN}/",
    "STRING": f"/{STRING_TRIPLE}/s | /{STRING_DOUBLE}/",
    "COMMENT": f"/{COMMENT}/",
    "WS": f"/[{WS}]+/",
}
# Terminals coloured through the others: a milestone on one line is one token for the parser's
# speed, and reads as a MONTH or QUARTER followed by a quantity.
COMPOSITE_TERMINALS = ("MILESTONE", "MILESTONE_END", "MILESTONE_UNIT", "MILESTONE_PER")

# `# kpispec: ignore[KPI301]` and `# kpispec: ignore-file[KPI301]`, as kpispec/checks/suppressions.py's
# IGNORE reads them (the test holds the two equal): what follows a directive without brackets must not
# read as codes (`ignore: KPI301`, `ignore KPI301`, `ignore[KPI301` never closed are no directive)
_NOT_CODES = r"(?![\w\-:\uff1a\uff3b]|\s*[\[\uff3b]|\s*(?i:kpi)\d)"
IGNORE = rf"#\s*kpispec:\s*ignore(-file)?(?:\s*\[([^\]]{{0,1000}})\]|{_NOT_CODES})"


# ------------------------------------------------------------------- to Oniguruma

_PY_WORD = r"\w"
_PY_LETTER = r"[^\W\d]"
_ONIG_WORD = r"\p{L}\p{N}_"  # Python's \w, inside a class
_ONIG_LETTER = r"[\p{L}\p{Nl}\p{No}_]"  # Python's [^\W\d]


def onig(pattern: str) -> str:
    r"""A Python pattern in the syntax Oniguruma and PCRE share: `\uXXXX` becomes `\x{XXXX}`."""
    return re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: r"\x{" + m.group(1).lower() + "}", pattern)


def _name_parts() -> tuple[str, str]:
    """The id pattern's first character and the class of the others, in Oniguruma syntax."""
    expected = rf"(?:{_PY_LETTER}|[{EXTRA}])[{_PY_WORD}{EXTRA}{MARKS}]*"
    if NAME_PATTERN != expected:  # pragma: no cover - names.py changed its shape: update this module
        raise ValueError("syntax/names.py NAME_PATTERN changed shape: update kpispec/syntax/textmate.py")
    return onig(rf"(?:{_ONIG_LETTER}|[{EXTRA}])"), onig(rf"[{_ONIG_WORD}{EXTRA}{MARKS}]")


NAME_START, NAME_CHAR = _name_parts()
NAME = f"{NAME_START}{NAME_CHAR}*"
END = f"(?!{NAME_CHAR})"  # a word ends where the id would: `planning` and `kpi売上` are ids
SPACE = onig(r"[ \t\f\u3000\ufeff]")  # WS within a line (a TextMate pattern never spans lines)
SPACE_LINE = onig(f"[{LINE_SPACE}]")
ONIG_CJK = onig(CJK)


def _words(words) -> str:
    """An alternation of literal words, longest first (so that `四半期次` is tried before `四半期`)."""
    ordered = sorted(dict.fromkeys(words), key=lambda w: (-len(w), w))
    return "(?:" + "|".join(re.sub(r"([\\^$.|?*+()\[\]{}])", r"\\\1", w) for w in ordered) + ")"


NOT_KEYWORD = f"(?!{_words(KEYWORDS)}{END})"
ID = NOT_KEYWORD + NAME

# The number with its scale (`12億`, `1億2,000万`, `2.5%`, `10k`, `2割`), then the unit glued on (`円`).
# `k`, `M` and `B` are scales when they end the word or a Japanese unit follows (`10k人`): `10kg` is 10 kg.
NUMBER = onig(
    rf"{DIGITS}{EXPONENT}(?:[{SCALES}]+{DIGITS})*"
    rf"(?:[{SCALE_LETTERS}](?:{END}|(?={ONIG_CJK}))|[{SCALES}]*(?:[%\uff05]|{RATIO_TENTH}(?!{ONIG_CJK}))?)"
)
QUANTITY_UNIT = f"(?:({SPACE}*)(?!{QUARTER_LABEL}{SPACE_LINE}*[{COLONS}])({ID}))?"  # `1,000,000 visitors`, `150USD`


# ------------------------------------------------------------------- the grammar

def _rule(match: str, name: str | None = None, **captures: str) -> dict:
    rule: dict = {"match": match}
    if name:
        rule["name"] = name
    if captures:
        rule["captures"] = {key.lstrip("_"): {"name": value} for key, value in captures.items()}
    return rule


def _declarations() -> list[dict]:
    """`kpi visitors`: the keyword and the id it declares (not `assert`, which declares none)."""
    return [
        _rule(f"({word}){END}({SPACE}+)({ID})", _1=f"storage.type.{word}.kpi", _3=f"entity.name.type.{word}.kpi")
        for word in DECLARATIONS if word != "assert"
    ]


def grammar() -> dict:
    """The TextMate grammar, as a JSON-ready dict."""
    periods = _words(PERIODS)
    keywords = [
        *(_rule(f"{word}{END}", f"storage.type.{word}.kpi") for word in DECLARATIONS),
        _rule(f"{_words(ALL_ATTRIBUTES)}{END}", "keyword.other.attribute.kpi"),
        _rule(f"per{END}", "keyword.other.per.kpi"),
        _rule(f"to{END}", "keyword.other.to.kpi"),
    ]
    repository = {
        "comment": {
            "name": "comment.line.number-sign.kpi",
            "begin": "#",
            "beginCaptures": {"0": {"name": "punctuation.definition.comment.kpi"}},
            "end": "$",
            "patterns": [_rule(
                # IGNORE, after any `#` of the comment (the first is the rule's `begin`)
                onig(rf"(?<=#)\s*(kpispec:\s*ignore(?:-file)?)(?:\s*(\[)([^\]]{{0,1000}})(\])|{_NOT_CODES})"),
                _1="keyword.other.directive.kpi",
                _2="punctuation.definition.directive.begin.kpi",
                _3="constant.other.rule-code.kpi",
                _4="punctuation.definition.directive.end.kpi",
            )],
        },
        "strings": {"patterns": [{"include": "#string-triple"}, {"include": "#string-double"}]},
        "string-triple": {
            "name": "string.quoted.triple.kpi",
            "begin": '"""',
            "beginCaptures": {"0": {"name": "punctuation.definition.string.begin.kpi"}},
            "end": '"""',
            "endCaptures": {"0": {"name": "punctuation.definition.string.end.kpi"}},
            "patterns": [{"include": "#escape"}],
        },
        "string-double": {
            # on one line; one never closed ends with its line (KPI004), as far as colours go
            "name": "string.quoted.double.kpi",
            "begin": '"',
            "beginCaptures": {"0": {"name": "punctuation.definition.string.begin.kpi"}},
            "end": '(")|$',
            "endCaptures": {"1": {"name": "punctuation.definition.string.end.kpi"}},
            "patterns": [{"include": "#escape"}],
        },
        # the escapes the language reads (\" \\ \n \t); any other backslash is kept as written
        "escape": _rule(r'\\["\\nt]', "constant.character.escape.kpi"),
        "declaration": {"patterns": _declarations()},
        "block": {
            "name": "meta.block.kpi",
            "begin": r"\{",
            "beginCaptures": {"0": {"name": "punctuation.section.block.begin.kpi"}},
            "end": r"\}",
            "endCaptures": {"0": {"name": "punctuation.section.block.end.kpi"}},
            "patterns": [
                {"include": "#comment"},
                {"include": "#strings"},
                {"include": "#block"},
                {"include": "#attribute"},
                {"include": "#expression"},
            ],
        },
        # inside a block `kgi` and `ksf` are links (attributes), and `cadence` and `ramp` take their words
        "attribute": {"patterns": [
            _rule(f"(cadence)({SPACE}+)({_words(CADENCES)}){END}",
                  _1="keyword.other.attribute.kpi", _3="constant.language.cadence.kpi"),
            _rule(f"(ramp)({SPACE}+)({_words(RAMPS)}){END}",
                  _1="keyword.other.attribute.kpi", _3="constant.language.ramp.kpi"),
            _rule(f"{_words(ALL_ATTRIBUTES)}{END}", "keyword.other.attribute.kpi"),
        ]},
        "keywords": {"patterns": keywords},
        "expression": {"patterns": [
            _rule(DATE, "constant.numeric.date.kpi"),
            # a milestone's month or quarter with its colon: `2026-07: 5戸`, `Q2：600件`
            _rule(f"({MONTH_LABEL})({SPACE_LINE}*)([{COLONS}])",
                  _1="constant.numeric.date.month.kpi", _3="punctuation.separator.milestone.kpi"),
            _rule(f"({QUARTER_LABEL})({SPACE_LINE}*)([{COLONS}])",
                  _1="constant.numeric.date.quarter.kpi", _3="punctuation.separator.milestone.kpi"),
            _rule(f"({NUMBER})({ONIG_CJK}+)?{QUANTITY_UNIT}",
                  _1="constant.numeric.kpi", _2="keyword.other.unit.kpi", _4="keyword.other.unit.kpi"),
            # `per month` makes a rate; `per visitor` says what one amount is per
            _rule(f"(per)({SPACE}+)({periods}){END}", _1="keyword.other.per.kpi", _3="constant.language.period.kpi"),
            _rule(f"(per)({SPACE}+)({ID})", _1="keyword.other.per.kpi", _3="keyword.other.unit.kpi"),
            # glued after a slash, a period (`3,000円/月`) or a counter (`/人`); otherwise `/` divides
            _rule(f"(/)({periods}){END}", _1="keyword.operator.per.kpi", _2="constant.language.period.kpi"),
            _rule(f"(/)({_words(SLASH_COUNTERS)}){END}", _1="keyword.operator.per.kpi", _2="keyword.other.unit.kpi"),
            {"include": "#keywords"},
            _rule(f"{_words(FUNCTIONS)}(?={SPACE}*\\()", "support.function.builtin.kpi"),
            _rule(NAME, "variable.other.kpi"),
            _rule(_words(sorted(COMPARATORS, key=len, reverse=True)), "keyword.operator.comparison.kpi"),
            _rule("=", "keyword.operator.assignment.kpi"),
            _rule("[" + "".join(re.escape(op) for op in (*ADD_OPS, *MUL_OPS)) + "]", "keyword.operator.arithmetic.kpi"),
            _rule(r"\(", "punctuation.section.parens.begin.kpi"),
            _rule(r"\)", "punctuation.section.parens.end.kpi"),
            _rule(",", "punctuation.separator.comma.kpi"),
            # anything else is no token of the language: a full-width digit, a stray `}` or `…`
            _rule(onig(f"[^{WS}]"), "invalid.illegal.character.kpi"),
        ]},
    }
    return {
        "name": "kpispec",
        "scopeName": "source.kpi",
        "fileTypes": ["kpi"],
        "comment": "Generated by `python -m kpispec.syntax.textmate` from kpispec's grammar and word lists: do not edit.",
        "patterns": [
            {"include": "#comment"},
            {"include": "#strings"},
            {"include": "#declaration"},
            {"include": "#block"},
            {"include": "#expression"},
        ],
        "repository": repository,
    }


def render() -> str:
    """The grammar file's text: JSON, the language's own words (円, 週次) kept readable."""
    return json.dumps(grammar(), ensure_ascii=False, indent=2) + "\n"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    text = render()
    if args == ["--check"]:
        if OUTPUT.is_file() and OUTPUT.read_text(encoding="utf-8") == text:
            return 0
        sys.stderr.write(f"{OUTPUT} is stale: run `uv run python -m kpispec.syntax.textmate`\n")
        return 1
    if args:
        sys.stderr.write("usage: python -m kpispec.syntax.textmate [--check]\n")
        return 2
    OUTPUT.write_text(text, encoding="utf-8")
    sys.stdout.write(f"wrote {OUTPUT}\n")
    return 0


if __name__ == "__main__":  # pragma: no cover - a developer command
    raise SystemExit(main())
