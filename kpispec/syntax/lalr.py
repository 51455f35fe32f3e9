"""The LALR(1) parser kpispec runs: lark's tables, driven without importing lark.

`python -m kpispec.syntax.grammar` has lark analyse grammar/kpispec.lark once and writes what
parsing needs into `_tables.py`: one regular expression of every terminal (in lark's order, with
its keyword handling, see lexer.py), the parse table, and for each rule how lark would shape
its children before calling the builder. This module runs those tables: a loop that reads a
token, then shifts it or reduces by a rule, exactly as lark's own LALR parser does, calling the
same AstBuilder methods with the same children. It imports neither lark nor its grammar
machinery, which a cold `check` would otherwise pay on every commit.

It only decides whether the text parses. When it does not, the caller parses the text again
with lark, whose exception (with the parser's state at the failure) the syntax-error messages
are built from: a broken file pays for lark, a good one never does. Tests hold the two to the
same outcome, and the same tree, on every plan the suite has.
"""

from __future__ import annotations

import re

END = "$END"


class Token:
    """A token: its terminal's name, its text and its offsets (lines and columns are derived later)."""

    __slots__ = ("type", "value", "start_pos", "end_pos")

    def __init__(self, type: str, value: str, start_pos: int, end_pos: int):
        self.type = type
        self.value = value
        self.start_pos = start_pos
        self.end_pos = end_pos

    def __repr__(self) -> str:
        return f"Token({self.type!r}, {self.value!r}, {self.start_pos}, {self.end_pos})"


class Rejected(Exception):
    """The text does not parse; `pos` is where the lexer or the parser stopped."""

    def __init__(self, pos: int):
        super().__init__(pos)
        self.pos = pos


class _Node:
    """What lark builds for a rule the builder has no method for (the `__x_star_n` lists):
    its children are spliced into the rule that contains it."""

    __slots__ = ("data", "children")

    def __init__(self, data: str, children: list):
        self.data = data
        self.children = children


class Parser:
    """One grammar's tables and one builder; `parse` may be called any number of times."""

    def __init__(self, tables, builder):
        # Whitespace before a token is read in the same match as the token (one match a token,
        # not two): `(?:WS)?` before the alternatives, whose own WS alternative still takes the
        # whitespace at the end of the text or before a character nothing can read.
        skip = tables["skip"]
        pattern = tables["pattern"] if skip is None else f"(?:{skip})?(?:{tables['pattern']})"
        self.pattern = re.compile(pattern, tables["flags"])
        self.keywords: dict[str, dict[str, str]] = tables["keywords"]
        self.ignore = frozenset(tables["ignore"])
        self.comment = tables["comment"]
        self.states: list[dict[str, int]] = tables["states"]
        self.start: int = tables["start"]
        self.accept: str = tables["accept"]
        self.rules = [(origin, size, _reducer(builder, callback, expand1, keep))
                      for origin, size, callback, expand1, keep in tables["rules"]]

    def tokens(self, text: str):
        """The tokens of `text` (white space and comments left out), as `parse` reads them; stops
        quietly where nothing can be read. For a formula's or an amount's text (spacing.py), not the
        parse itself, whose loop is this one inlined."""
        match, ignore, keywords = self.pattern.match, self.ignore, self.keywords
        pos, length = 0, len(text)
        while pos < length:
            found = match(text, pos)
            if found is None:
                return
            kind = found.lastgroup
            pos = found.end()
            if kind in ignore:
                continue
            value, start = found.group(kind), found.start(kind)
            if kind in keywords:
                kind = keywords[kind].get(value, kind)
            yield Token(kind, value, start, pos)

    def parse(self, text: str):
        """The builder's value for the whole text and the comments as (text, start, end),
        or `Rejected` at the first token that cannot be read or cannot follow."""
        match = self.pattern.match
        ignore, comment, keywords = self.ignore, self.comment, self.keywords
        states, rules, accept = self.states, self.rules, self.accept
        state_stack = [self.start]
        value_stack: list = []
        comments: list[tuple[str, int, int]] = []
        pos, length = 0, len(text)
        while True:
            if pos < length:
                found = match(text, pos)
                if found is None:
                    raise Rejected(pos)
                kind = found.lastgroup
                stop = found.end()
                if kind in ignore:
                    if kind == comment:
                        comments.append((found.group(kind), found.start(kind), stop))
                    pos = stop
                    continue
                value = found.group(kind)
                start = found.start(kind)
                if kind in keywords:
                    kind = keywords[kind].get(value, kind)
                token = Token(kind, value, start, stop)
            else:
                kind, token, start = END, None, pos
            while True:
                action = states[state_stack[-1]].get(kind)
                if action is None:
                    raise Rejected(start)
                if action >= 0:
                    if token is None:  # pragma: no cover - lark's tables never shift the end
                        raise Rejected(start)
                    state_stack.append(action)
                    value_stack.append(token)
                    break
                origin, size, reduce = rules[~action]
                if size:
                    children = value_stack[-size:]
                    del state_stack[-size:]
                    del value_stack[-size:]
                else:
                    children = []
                value = reduce(children)
                if origin == accept:  # the start symbol is on no rule's right: only the end reduces to it
                    return value, comments
                state_stack.append(states[state_stack[-1]][origin])
                value_stack.append(value)
            pos = token.end_pos


def _reducer(builder, callback: str, expand1: bool, keep):
    """What lark's ParseTreeBuilder calls for one rule: its children filtered first (`keep`: which
    to pass on, and which are `__x_star` lists to splice in), then a lone child passed up for a
    `?rule`, else the builder's method of the rule's name or alias."""
    method = getattr(builder, callback, None)
    if method is None:
        def method(children, _name=callback):
            return _Node(_name, children)
    if expand1:
        build = method

        def method(children):
            return children[0] if len(children) == 1 else build(children)
    if keep is not None:
        inner = method

        def method(children):
            filtered: list = []
            for index, splice in keep:
                if not splice:
                    filtered.append(children[index])
                elif filtered:
                    filtered += children[index].children
                else:  # a left-recursive list (`__x_star: __x_star item`) grows in place: linear, not quadratic
                    filtered = children[index].children
            return inner(filtered)
    return method
