"""A lexer for lark built from the grammar's own terminals, without lark's per-token overhead.

lark's basic lexer counts lines and columns for every token, ignored whitespace included.
kpispec needs only offsets (lines and columns are derived when rendering), so this lexer
matches one compiled pattern of all terminals, in lark's order and with lark's keyword
handling, and produces the same tokens. It runs about twice as fast on large plans.

It also refuses a NAME whose NFKC form is no id or a keyword (names.py), as the AST builder does:
lark parses only a text that kpispec's own driver rejected, to explain why, and must find the
first such word in text order, even one the parser would have rejected by itself (`ｔａｒｇｅｔ 5`).
"""

from __future__ import annotations

from lark.exceptions import UnexpectedCharacters
from lark.lexer import Lexer, PatternStr, Token

from .names import BadName, normalise
from .names import read as read_name

_new_str = str.__new__


class FastLexer(Lexer):
    __future_interface__ = 2

    def __init__(self, conf):
        terminals = sorted(
            conf.terminals, key=lambda t: (-t.priority, -t.pattern.max_width, -len(t.pattern.value), t.name)
        )
        re = conf.re_module
        flags = conf.g_regex_flags
        # Keywords: string terminals that a regex terminal (NAME) matches in full are not
        # part of the pattern; a NAME whose text is a keyword becomes that keyword.
        self.keywords: dict[str, dict[str, str]] = {}
        embedded = set()
        for regex_term in (t for t in terminals if not isinstance(t.pattern, PatternStr)):
            compiled = re.compile(regex_term.pattern.to_regexp(), flags)
            for str_term in (t for t in terminals if isinstance(t.pattern, PatternStr)):
                if str_term.priority != regex_term.priority:
                    continue
                value = str_term.pattern.value
                if compiled.fullmatch(value):
                    self.keywords.setdefault(regex_term.name, {})[value] = str_term.name
                    if str_term.pattern.flags <= regex_term.pattern.flags:
                        embedded.add(str_term.name)
        scanned = [t for t in terminals if t.name not in embedded]
        self.pattern = re.compile("|".join(f"(?P<{t.name}>{t.pattern.to_regexp()})" for t in scanned), flags)
        self.ignore = frozenset(conf.ignore)
        self.callbacks = dict(conf.callbacks)
        self.allowed = {t.name for t in scanned} - self.ignore
        self.terminals_by_name = conf.terminals_by_name

    def lex(self, lexer_state, parser_state):
        text_slice = lexer_state.text
        text = text_slice.text
        pos = text_slice.start
        end = text_slice.end
        match = self.pattern.match
        ignore = self.ignore
        keywords = self.keywords
        callbacks = self.callbacks
        while pos < end:
            m = match(text, pos)
            if m is None:
                line = text.count("\n", 0, pos) + 1
                column = pos - text.rfind("\n", 0, pos)
                raise UnexpectedCharacters(
                    text, pos, line, column, allowed=self.allowed,
                    token_history=lexer_state.last_token and [lexer_state.last_token],
                    state=parser_state, terminals_by_name=self.terminals_by_name,
                )
            kind = m.lastgroup
            stop = m.end()
            if kind in ignore:
                if kind in callbacks:
                    callbacks[kind](_token(kind, m.group(), pos, stop))
                pos = stop
                continue
            value = m.group()
            if kind in keywords:
                kind = keywords[kind].get(value, kind)
            if kind == "NAME" and not value.isascii() and read_name(value) is None:
                # `ｔａｒｇｅｔ`, `①売上`: read in text order, before a syntax error after it (names.py)
                raise BadName(value, pos, normalise(value))
            token = _token(kind, value, pos, stop)
            if kind in callbacks:
                token = callbacks[kind](token)
            lexer_state.last_token = token
            yield token
            pos = stop


def _token(kind: str, value: str, start: int, end: int) -> Token:
    token = _new_str(Token, value)
    token.type = kind
    token.value = value
    token.start_pos = start
    token.end_pos = end
    token.line = token.column = token.end_line = token.end_column = None
    return token
