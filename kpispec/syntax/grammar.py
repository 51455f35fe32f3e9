"""Load the grammar and build the LALR parser once (lark caches its analysis on disk)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

_HERE = Path(__file__).resolve().parent.parent


def grammar_path() -> Path:
    """The grammar ships inside the wheel; in a checkout it is read from grammar/."""
    for candidate in (_HERE / "_grammar" / "kpispec.lark", _HERE.parent / "grammar" / "kpispec.lark"):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError("kpispec.lark not found next to the package or in grammar/")


def grammar_text() -> str:
    return grammar_path().read_text(encoding="utf-8")


class _CommentSink:
    """Collects comments while lexing; the parser runs one text at a time."""

    def __init__(self):
        self.comments: list = []

    def __call__(self, token):
        self.comments.append(token)
        return token


@lru_cache(maxsize=1)
def parser():
    from lark import Lark

    from .build import AstBuilder
    from .lexer import FastLexer

    sink = _CommentSink()
    lark = Lark(
        grammar_text(),
        parser="lalr",
        lexer=FastLexer,
        transformer=AstBuilder(),
        lexer_callbacks={"COMMENT": sink},
        maybe_placeholders=False,
        cache=True,
    )
    return lark, sink


def strict_parser():
    """Build with strict=True so that grammar collisions fail loudly (used by tests)."""
    from lark import Lark

    return Lark(grammar_text(), parser="lalr", lexer="contextual", strict=True)
