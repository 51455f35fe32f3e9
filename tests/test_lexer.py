"""The fast lexer produces exactly the tokens lark's own basic lexer produces from the grammar."""


import pytest
from lark import Lark
from lark.exceptions import UnexpectedCharacters
from lark.lexer import LexerState
from lark.utils import TextSlice

from conftest import ROOT, no_collision_search

from kpispec.syntax.grammar import grammar_text, strict_parser
from kpispec.syntax.lexer import FastLexer

TEXTS = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "examples").glob("*.kpi"))]
TEXTS += [p.read_text(encoding="utf-8") for p in sorted((ROOT / "tests" / "golden").rglob("*.kpi"))]
TEXTS += [
    "targets target targetx per perx 10k人 5M円 1e6 1_000 2,500 12億円 8,000万円 1億2,000万円 1万5千円 2.5% 2026-04-01 2026-4-1",
    'a>=b<=c==d=e>f<g ≥ ≤ × ÷ "s" """multi\nline""" # comment\n 訪問者数 　x',
]


PARSERS = {}


def tokens(lexer, text):
    key = lexer if isinstance(lexer, str) else lexer.__name__
    if key not in PARSERS:
        with no_collision_search():
            PARSERS[key] = Lark(grammar_text(), parser="lalr", lexer=lexer)
    # The lexer the parser really runs (Lark.lex() would build lark's basic lexer whatever was asked).
    scanner = PARSERS[key].parser.lexer
    assert isinstance(scanner, FastLexer) == (lexer is FastLexer)
    state = LexerState(TextSlice.cast_from(text))
    out = []
    try:
        for t in scanner.lex(state, None):
            out.append((t.type, str(t), t.start_pos, t.end_pos))
    except UnexpectedCharacters as exc:
        history = exc.token_history
        if isinstance(history, list):
            history = [(t.type, str(t)) for t in history]
        out.append(("ERROR", exc.pos_in_stream, exc.line, exc.column, history))
    return out


@pytest.mark.parametrize("index", range(len(TEXTS)))
def test_same_tokens_as_lark(index):
    text = TEXTS[index]
    assert tokens(FastLexer, text) == tokens("basic", text)


def test_error_position_matches_lark():
    # where the error is (offset, line, column) and the token before it, as lark's own lexer says
    text = "plan p { period 2026-04-01 to 2027-03-31 }\nkpi a @ b"
    at = text.index("@")
    expected = ("ERROR", at, 2, at - text.index("\n"), [("NAME", "a")])
    assert tokens(FastLexer, text)[-1] == tokens("basic", text)[-1] == expected
    # at the very start there is no token before it
    assert tokens(FastLexer, "@")[-1] == tokens("basic", "@")[-1] == ("ERROR", 0, 1, 1, None)
    # after a line break at offset 0: line 2, column 1
    assert tokens(FastLexer, "\n@")[-1] == tokens("basic", "\n@")[-1] == ("ERROR", 1, 2, 1, None)


def test_grammar_has_no_collisions():
    strict_parser()
