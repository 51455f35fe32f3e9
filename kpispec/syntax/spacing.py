"""Where one space goes between two tokens on a line: the canonical spacing `kpispec fmt` writes,
and the text the compiled JSON and the review diff quote for a formula or an amount.

One space between tokens; none inside brackets, before `,` and `)`, before a glued `/月` or `/人`,
between a function and its `(`, or after a sign (`-5%`, `-x`). An amount and a unit word written
together stay together: `10k人` is 10,000 人, while `10 k人` is 10 of something called k人.
Because the JSON quotes formulas and amounts in this spacing, a plan and the same plan formatted
compile to the same JSON, and the review diff sees no change in a file that was only laid out.
"""

from __future__ import annotations

import re
from functools import lru_cache

_NO_SPACE_BEFORE = frozenset({"RPAR", "COMMA", "SLASH_UNIT", "SLASH_PERIOD"})
# After these a `+` or `-` is a binary operator; after anything else (a keyword, an operator, `(`,
# `,`, `=`, a comparator, the start) it is a sign.
_OPERANDS = frozenset({"AMOUNT", "NAME", "RPAR", "SLASH_UNIT", "SLASH_PERIOD"})


def is_sign(token_type: str, previous_type: str | None) -> bool:
    return token_type == "ADD_OP" and previous_type not in _OPERANDS


def space(previous_type: str, previous_sign: bool, token_type: str, glued: bool) -> str:
    """The space between two tokens on one line ("" or " "); `glued`: written with nothing between."""
    if token_type in _NO_SPACE_BEFORE or previous_type == "LPAR" or previous_sign:
        return ""
    if token_type == "LPAR" and previous_type == "NAME":
        return ""
    if glued and previous_type == "AMOUNT" and token_type == "NAME":
        return ""
    return " "


def one_line(text: str) -> str:
    """A formula, an amount or an assertion's side, in the canonical spacing on one line, without
    the comments written inside it (the text as written, white space collapsed, if it is no tokens)."""
    from .grammar import parser

    parts: list[str] = []
    previous, sign, last_end, read = None, False, -1, 0
    for token in parser().tokens(text):
        if previous is not None:
            parts.append(space(previous, sign, token.type, token.start_pos == last_end))
        sign = is_sign(token.type, previous)
        parts.append(token.value)
        previous, last_end = token.type, token.end_pos
        read = token.end_pos
    if TRIVIA.fullmatch(text, read) is None:  # something no token reads: the text as written
        return " ".join(_COMMENT.sub(" ", text).split())
    return "".join(parts)


_COMMENT = re.compile(r"#[^\r\n]*")
# What may stand between two tokens: white space and comments (the grammar's WS and COMMENT).
TRIVIA = re.compile(r"(?:[ \t\r\n\f\u3000\ufeff]+|#[^\r\n]*)*")
# A line end as the lexer and the formatter count them (a lone CR too).
LINE_END = re.compile(r"\r\n|\r|\n")
# The white space a comment may end with (`#[^\r\n]*` takes it in), which fmt does not keep.
COMMENT_END_SPACE = " \t\f\v\u3000"


# An amount already in the canonical spacing, as nearly every amount is written: words one space
# apart, slashes glued, no sign apart from its number, no `per` glued to what comes before it.
_PLAIN = re.compile(r"[^\s#/\ufeff]+(?: [^\s#/\ufeff]+)*(?:/[^\s#/\ufeff]+)*")
_GLUED_PER = re.compile(r"(?<! )per(?!\w)")


def amount(text: str) -> str:
    """An amount as written (`- 5,000円  per  month`, `20,000人per year`), in the canonical spacing
    (`-5,000円 per month`, `20,000人 per year`)."""
    if _PLAIN.fullmatch(text) and not text.startswith(("- ", "+ ")) and not _GLUED_PER.search(text):
        return text  # no lexing on the check path for an amount that is already so
    return _respaced(text)


@lru_cache(maxsize=1024)
def _respaced(text: str) -> str:
    return one_line(text)
