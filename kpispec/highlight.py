"""A Pygments lexer for .kpi plans, so that ```kpi blocks are highlighted by mkdocs and any other
Pygments user (registered in pyproject.toml as the `pygments.lexers` entry point `kpi`).

It follows the terminals of grammar/kpispec.lark: keywords are whole words (a NAME whose text is a
keyword, as the parser reads them), a DATE comes before an AMOUNT, a string is "..." on one line or
\"\"\"...\"\"\" over lines. The keyword lists are kpispec.language's; tests/test_highlight.py fails
when the grammar has a keyword this lexer does not know. Nothing on the `check` path imports this
module (pygments is never imported there: tests/test_imports.py).
"""

from __future__ import annotations

import re

from pygments.lexer import RegexLexer, bygroups, default, include, words
from pygments.token import Comment, Keyword, Literal, Name, Number, Operator, Punctuation, String, Whitespace

from .language import ALL_ATTRIBUTES, DECLARATIONS, FUNCTIONS, KEYWORDS, PERIODS
from .syntax.names import NAME_PATTERN
from .units import SLASH_COUNTERS

__all__ = ["KpiLexer"]

# What the grammar's NAME matches (`ＣＰＡ`, `⼈数` too: syntax/names.py), and its WS (full-width space and a BOM included).
_NAME = NAME_PATTERN
_WS = r"[ \t\r\n\f\u3000\ufeff]"
# A keyword is a whole NAME: `planning` and `kpi売上` are names.
_END = r"(?!\w)"


def _any(alternatives) -> str:
    """A non-capturing alternation of literal words, longest first."""
    return "(?:" + "|".join(map(re.escape, sorted(set(alternatives), key=lambda w: (-len(w), w)))) + ")"


_NOT_KEYWORD = "(?!" + _any(KEYWORDS) + _END + ")"
_ID = _NOT_KEYWORD + _NAME

# The grammar's AMOUNT, split in two: the number with its scale (1,000  1_000  2.5  1e6  1億2,000万
# 12億  2.5%  10k) and the CJK unit glued after it (円 人 件 ヶ月). `12億円` is the number `12億`
# and the unit `円`.
_DIGITS = r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9](?:_?[0-9])*)(?:\.[0-9]+)?"
_SCALES = "兆億万千百"
_NUMBER = (
    rf"{_DIGITS}(?:[eE][+-]?[0-9]+)?(?:[{_SCALES}]+{_DIGITS})*"
    rf"(?:[kMB]{_END}|[{_SCALES}]*[%\uff05]?)"
)
_CJK = r"[\u3005\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff05]"
# After an amount the parser reads a NAME as its unit word (`1,000,000 visitors`, `10kg`).
_AMOUNT = rf"({_NUMBER})({_CJK}+)?(?:({_WS}*)(?!Q[1-4]{_WS}*[:：])({_ID}))?"  # `Q3:` starts the next milestone

# `/月`, `/人`: a period or a counter glued after a slash is a unit (SLASH_PERIOD, SLASH_UNIT).
_SLASH_UNIT = "(/)(" + _any([*PERIODS, *SLASH_COUNTERS]) + ")" + _END

_NAMED = tuple(d for d in DECLARATIONS if d != "assert")  # followed by the id they declare


class KpiLexer(RegexLexer):
    """Lexer for kpispec KPI plans (.kpi files)."""

    name = "kpispec"
    aliases = ["kpi", "kpispec"]
    filenames = ["*.kpi"]
    mimetypes = ["text/x-kpispec"]

    flags = re.MULTILINE | re.UNICODE

    tokens = {
        "common": [
            (_WS + "+", Whitespace),
            (r"#[^\r\n]*", Comment.Single),
            (r'"""', String.Double, "longstring"),
            (r'"', String.Double, "string"),
        ],
        "root": [
            include("common"),
            ("(" + _any(_NAMED) + _END + rf")({_WS}+)({_ID})", bygroups(Keyword.Declaration, Whitespace, Name.Class)),
            (words(DECLARATIONS, suffix=_END), Keyword.Declaration),
            (r"\{", Punctuation, "block"),
            (r"\}", Punctuation),
            include("expr"),
        ],
        "block": [
            include("common"),
            (r"\{", Punctuation, "#push"),
            (r"\}", Punctuation, "#pop"),
            (rf"(cadence)({_WS}+)({_ID})", bygroups(Keyword, Whitespace, Name.Constant)),
            (words(ALL_ATTRIBUTES, suffix=_END), Keyword),  # ksf and kgi included: here they are links
            (words(DECLARATIONS, suffix=_END), Keyword.Declaration),
            include("expr"),
        ],
        "expr": [
            (r"[0-9]{4}-[0-9]{2}-[0-9]{2}(?![0-9])", Literal.Date),
            # a milestone's month or quarter, before its colon (`2026-07: 5戸`, `Q2: 600件`)
            (rf"([0-9]{{4}}-[0-9]{{2}}|Q[1-4])({_WS}*[:：])", bygroups(Literal.Date, Punctuation)),
            (_AMOUNT, bygroups(Number, Keyword.Type, Whitespace, Keyword.Type)),
            (rf"(per)({_WS}+)({_ID})", bygroups(Keyword, Whitespace, Keyword.Type)),
            (_SLASH_UNIT, bygroups(Operator, Keyword.Type)),
            (words(sorted(KEYWORDS), suffix=_END), Keyword),
            (words(FUNCTIONS, suffix=rf"(?={_WS}*\()"), Name.Builtin),
            (_NAME, Name),
            (r">=|<=|==|[><≥≤]", Operator),
            (r"[-+*/×÷=]", Operator),
            (r"[(),]", Punctuation),
            # The docs' elision mark (`kgi revenue "年間売上" { … }`): not the language's, the parser
            # rejects it, but an illustration shown with it should not be flagged as an error.
            ("\u2026", Comment.Special),
        ],
        "string": [
            (r'[^"\\\n]+', String.Double),
            (r"\\.", String.Escape),
            (r'"', String.Double, "#pop"),
            default("#pop"),  # unterminated: the string ends with its line, as far as colours go
        ],
        "longstring": [
            (r'[^"\\]+', String.Double),
            (r"\\[\s\S]", String.Escape),
            (r'"""', String.Double, "#pop"),
            (r'"', String.Double),
        ],
    }
