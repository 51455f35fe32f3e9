"""The lossless syntax tree: every token of the text in a tree of the grammar's rules, the AST built from it.

The check path parses straight to the AST (parse.py), which is all it needs. The formatter, and
later a language server, need what the AST leaves out: each token as written (`×` or `*`, `Q2 ：`,
a unary `+`), where the line breaks were, and every comment. `parse_tree` runs the same LALR
driver with a builder that keeps each rule's children as a `Node`, beside the AST node the check
path's builder makes from the same children, so the AST is built from this tree (`Tree.module`)
and both come from one parse. Nothing is lost: the text between two tokens is only white space and
comments (`Tree.gap`), so the tokens and the gaps give back the text byte for byte
(tests/test_cst.py holds both, and the AST, equal to the check path's on every plan the suite has).
"""

from __future__ import annotations

from collections.abc import Iterator

from ..records import record
from ..source import SourceFile
from . import ast
from .build import AstBuilder
from .lalr import Parser, Token
from .parse import ParseResult, _first_too_deep, _too_deep, parse
from .spacing import TRIVIA

__all__ = ["Node", "Token", "Tree", "parse_tree", "tokens"]


class Node:
    """One rule's match: the rule (or alias) name, its children (tokens and nodes, in text order)
    and the AST value the check path's builder makes from them."""

    __slots__ = ("rule", "children", "value")

    def __init__(self, rule: str, children: list, value):
        self.rule = rule
        self.children = children
        self.value = value

    def __repr__(self) -> str:
        return f"Node({self.rule!r}, {len(self.children)} children)"


class _TreeBuilder:
    """The AST builder's methods, each also keeping its children as a Node. A rule the AST builder
    has no method for (lark's `__x_star` lists) gets none here either, so the driver splices it in
    the same way."""

    def __init__(self):
        self._ast = AstBuilder()

    def __getattr__(self, rule: str):
        if rule.startswith("_"):
            raise AttributeError(rule)
        method = getattr(self._ast, rule)

        def build(children, _rule=rule, _method=method):
            return Node(_rule, children, _method([c.value if type(c) is Node else c for c in children]))

        return build


_parser = None


def _tree_parser() -> Parser:
    global _parser
    if _parser is None:
        from .grammar import tables

        _parser = Parser(tables(), _TreeBuilder())
    return _parser




@record(frozen=True)
class Tree:
    """A parsed text: the root `start` node, the text, and the comments as (text, start, end)."""

    source: SourceFile
    root: Node
    comments: tuple[tuple[str, int, int], ...]

    @property
    def module(self) -> ast.Module:
        """The AST, as the check path builds it."""
        return ast.Module(tuple(self.root.value), tuple(ast.Comment(*c) for c in self.comments))

    def tokens(self) -> Iterator[Token]:
        return tokens(self.root)

    def gap(self, before: Token | None, after: Token | None) -> str:
        """The white space and comments between two tokens (None: the start or the end of the text)."""
        return self.source.text[before.end_pos if before else 0: after.start_pos if after else len(self.source.text)]

    def text(self) -> str:
        """The text again, from the tokens and the gaps between them."""
        parts, previous = [], None
        for token in self.tokens():
            parts += (self.gap(previous, token), token.value)
            previous = token
        parts.append(self.gap(previous, None))
        return "".join(parts)

    def lossless(self) -> bool:
        """Whether the tokens and the gaps between them, only white space and comments, are the whole text."""
        previous = None
        for token in self.tokens():
            if not TRIVIA.fullmatch(self.gap(previous, token)):
                return False
            previous = token
        return bool(TRIVIA.fullmatch(self.gap(previous, None))) and self.text() == self.source.text


def tokens(node) -> Iterator[Token]:
    """The tokens under a node in text order (iteratively: an expression may nest 200 deep)."""
    stack = [node]
    while stack:
        item = stack.pop()
        if type(item) is Node:
            stack.extend(reversed(item.children))
        else:
            yield item


def parse_tree(source: SourceFile) -> tuple[Tree | None, ParseResult]:
    """The lossless tree of one file and the parse result (the AST, or the syntax errors that stop it)."""
    from .lalr import Rejected
    from .names import BadName

    try:
        root, comments = _tree_parser().parse(source.text)
    except (Rejected, BadName):
        return None, parse(source)  # the check path's parse explains the error
    deep = _first_too_deep(root.value)
    if deep is not None:
        return None, ParseResult(None, (_too_deep(source, deep),))
    tree = Tree(source, root, tuple(comments))
    return tree, ParseResult(tree.module, ())
