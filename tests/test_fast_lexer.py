"""kpispec's FastLexer against lark's own lexer on grammars chosen to tell them apart.

The fast lexer matches one alternation of every terminal, so its order must be lark's: higher
priority first, then the terminal that can match more (its max width), then the longer pattern.
A grammar where a one-character terminal has the longer pattern text (`/[a-z]/` against `/a+b/`)
catches an order that forgets the width.
"""

from __future__ import annotations

import pytest
from lark import Lark
from lark.lexer import LexerState
from lark.utils import TextSlice

from kpispec.syntax.lexer import FastLexer

GRAMMARS = {
    "width": 'start: (LETTER | RUN)+\nLETTER: /[a-z]/\nRUN: /a+b/\n%ignore " "\n',
    "priority": 'start: (WORD | NUM)+\nWORD.2: /[a-z0-9]+x/\nNUM: /[0-9]+/\n%ignore " "\n',
    # the same priority and width (2): the longer pattern text (`a[bc]?`) is tried first, so "ab" is B
    "pattern length": 'start: (A | B)+\nA: /ab?/\nB: /a[bc]?/\n%ignore " "\n',
    "keywords": 'start: (NAME | IF | EQ | EQEQ)+\nIF: "if"\nNAME: /[a-z]+/\nEQ: "="\nEQEQ: "=="\n%ignore " "\n',
}
TEXTS = {
    "width": ["aab", "ab a b", "zaab", "aaaab b"],
    "priority": ["12x 12", "7", "7x"],
    "pattern length": ["ab", "a ac ab"],
    "keywords": ["if iff = == ===", "ifx if"],
}


def _tokens(grammar: str, lexer, text: str):
    """(type, text, offset) of each token: lark's basic lexer, or FastLexer as kpispec runs it."""
    parser = Lark(grammar, parser="lalr", lexer=lexer)
    if lexer == "basic":
        return [(t.type, str(t), t.start_pos) for t in parser.lex(text)]
    state = LexerState(TextSlice.cast_from(text))
    return [(t.type, str(t), t.start_pos) for t in parser.parser.lexer.lex(state, None)]


@pytest.mark.parametrize("name,text", [(n, t) for n, texts in TEXTS.items() for t in texts])
def test_the_fast_lexer_gives_lark_s_tokens(name, text):
    assert _tokens(GRAMMARS[name], FastLexer, text) == _tokens(GRAMMARS[name], "basic", text)


def test_a_longer_match_wins_over_a_longer_pattern():
    assert [t[0] for t in _tokens(GRAMMARS["width"], FastLexer, "aab")] == ["RUN"]
