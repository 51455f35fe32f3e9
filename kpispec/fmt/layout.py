"""The canonical layout of a plan, printed from its lossless tree (syntax/cst.py).

What it decides (docs/fmt.md says it for users):
- Two spaces a level; a block's attributes one a line, in ATTRIBUTE_ORDER (a stable sort: two
  `ksf` lines keep their order); milestones one a line; `{}` for an empty block.
- One space between tokens, none inside brackets, before `,`, `)` and a glued `/月` or `/人`,
  between a function and its `(`, or after a sign (`-5%`).
- Line breaks: every declaration and attribute starts a line. Inside a formula, a `param`'s value
  or an `assert`, a line break the author made is kept (as gofmt keeps them: a long `sum(...)`
  laid out one term a line stays so), with continuation lines indented by their bracket depth;
  anywhere else the tokens of one attribute are joined on one line.
- Blank lines: at most one where the author left any, none inside one attribute, never at the top
  of a block; one always before and after a `{ … }` block at the top level.
- Comments: a comment after a token on its line stays after it (two spaces before `#`); a comment
  on its own line stays on its own line before the token that follows it, and moves with it.
- Every token is printed as written (numbers, units, `×`, `≥`, full-width ids, strings byte for
  byte), except the white space inside a one-line milestone (`Q2 ：  600件` is `Q2： 600件`).
"""

from __future__ import annotations

import re

from ..syntax.cst import Node, Tree, tokens
from ..syntax.spacing import is_sign, space

INDENT = "  "

ATTRIBUTE_ORDER = ("period", "kgi", "ksf", "formula", "target", "baseline", "start", "end", "deadline", "ramp",
                   "milestones", "cadence", "owner", "measure", "source", "description")
_RANK = {key: rank for rank, key in enumerate(ATTRIBUTE_ORDER)}

# Inside a gap: a comment, or one line break.
_GAP_PART = re.compile(r"#[^\r\n]*|\r\n|\r|\n")
_BLOCKS = frozenset({"plan", "block"})
_EXPRESSIONS = frozenset({"formula_attr", "param", "assert_stmt"})
_SPACES = re.compile(r"[ \t\u3000]+")
_COLON_SPACE = re.compile(r" ?([:：]) ?")


def attribute_rank(key: str) -> int:
    return _RANK.get(key, len(_RANK))


class _Gap:
    """What stands before a token: the comment that ends the previous token's line, the comments on
    lines of their own (each with whether a blank line precedes it), and the line breaks."""

    __slots__ = ("trailing", "comments", "blank", "broken", "empty")

    def __init__(self, text: str, after_token: bool):
        self.empty = not text
        self.trailing: str | None = None
        self.comments: list[tuple[bool, str]] = []
        breaks = 0
        for part in _GAP_PART.finditer(text):
            value = part.group()
            if value[0] != "#":
                breaks += 1
                continue
            value = value.rstrip(" \t\f\v\u3000")
            if breaks == 0 and after_token and self.trailing is None and not self.comments:
                self.trailing = value
            else:
                self.comments.append((breaks > 1, value))
            breaks = 0
        self.blank = breaks > 1
        self.broken = breaks > 0 or bool(self.comments) or self.trailing is not None


class _Printer:
    def __init__(self, tree: Tree):
        self.tree = tree
        self.lines: list[str] = []
        self.line: str | None = None  # the line being written, or None after a line was ended
        self.trailing: dict[int, str] = {}  # id() of a token: the comment after it on its line
        self.plain: dict[str, _Gap] = {}

    # ------------------------------------------------------------------ lines

    def end_line(self) -> None:
        if self.line is not None:
            self.lines.append(self.line)
            self.line = None

    def blank(self) -> None:
        self.end_line()
        if self.lines and self.lines[-1] != "":
            self.lines.append("")

    def own_line(self, indent: str, text: str) -> None:
        self.end_line()
        self.lines.append(indent + text)

    # ----------------------------------------------------------------- tokens

    def gap(self, previous, token) -> _Gap:
        text = self.tree.gap(previous, token)
        if "#" in text:
            return _Gap(text, previous is not None)
        gap = self.plain.get(text)  # white space only (most gaps: " ", "\n  "): one object for each
        if gap is None:
            gap = self.plain[text] = _Gap(text, True)
        return gap

    def unit(self, toks: list, gaps: list[_Gap], indent: str, keep_breaks: bool, blanks: bool) -> None:
        """Print one declaration head, attribute or milestone: its tokens from a new line at `indent`."""
        depth = 0
        sign = False
        for index, token in enumerate(toks):
            gap = gaps[index]
            kind = token.type
            if index == 0:
                self.leading(gap, indent, blanks)
                self.line = indent + _written(token)
            else:
                closing = kind == "RPAR"
                level = depth - 1 if closing else depth + 1
                here = indent + INDENT * max(level, 0 if closing else 1)
                for _, comment in gap.comments:
                    self.own_line(here, comment)
                if self.line is None or (keep_breaks and gap.broken):
                    self.end_line()
                    self.line = here + _written(token)
                else:
                    self.line += space(toks[index - 1].type, sign, kind, gap.empty) + _written(token)
            sign = is_sign(kind, toks[index - 1].type if index else None)
            self.after(token)
            if kind == "LPAR":
                depth += 1
            elif kind == "RPAR":
                depth -= 1

    def after(self, token) -> None:
        """The comment that ends the token's line, which goes wherever the token goes."""
        comment = self.trailing.get(id(token))
        if comment is not None:
            self.line += "  " + comment
            self.end_line()

    def leading(self, gap: _Gap, indent: str, blanks: bool) -> None:
        """The comments on lines of their own before a token that starts a line, and the blank lines."""
        self.end_line()
        for blank, comment in gap.comments:
            if blank and blanks:
                self.blank()
            self.own_line(indent, comment)
        if gap.blank and blanks:
            self.blank()


def _written(token) -> str:
    if token.type == "MILESTONE":
        return _COLON_SPACE.sub(r"\1 ", _SPACES.sub(" ", token.value), count=1)
    if token.type in ("MONTH", "QUARTER"):
        return _SPACES.sub("", token.value)
    return token.value


def format_tree(tree: Tree, newline: str = "\n") -> str:
    """The text of `tree` in the canonical layout, its lines ended by `newline`."""
    printer = _Printer(tree)
    items = tree.root.children
    all_tokens = list(tree.tokens())
    # each token's gap, and the comment that ends its line
    gaps: dict[int, _Gap] = {}
    previous = None
    for token in all_tokens:
        gap = gaps[id(token)] = printer.gap(previous, token)
        if gap.trailing is not None:
            printer.trailing[id(previous)] = gap.trailing
        previous = token
    end = printer.gap(previous, None)
    if end.trailing is not None:
        printer.trailing[id(previous)] = end.trailing
    previous_kind = None
    for number, item in enumerate(items):
        block = item.rule in _BLOCKS
        if number and (block or previous_kind in _BLOCKS):
            printer.blank()
        _item(printer, item, gaps, True)
        previous_kind = item.rule
    printer.leading(end, "", True)
    while printer.lines and printer.lines[-1] == "":
        printer.lines.pop()
    if not printer.lines:
        return ""
    return newline.join(printer.lines) + newline


def _item(printer: _Printer, item: Node, gaps, blanks: bool) -> None:
    if item.rule in _BLOCKS:
        _block(printer, item, gaps, "", blanks)
    else:
        toks = list(tokens(item))
        printer.unit(toks, [gaps[id(t)] for t in toks], "", item.rule in _EXPRESSIONS, blanks)


def _block(printer: _Printer, node: Node, gaps, indent: str, blanks: bool) -> None:
    """`kpi id "label" {`, the attributes in order, `}`; also `milestones { … }` inside a block."""
    children = node.children
    opening = next(i for i, c in enumerate(children) if type(c) is not Node and c.type == "LBRACE")
    head, body, closing = children[: opening + 1], children[opening + 1: -1], children[-1]
    if node.rule == "milestones_attr":
        members = body
    else:
        members = sorted(body, key=lambda attr: attribute_rank(_first_token(attr).value))
    if _silenced_one_liner(printer, children[0], closing):
        # `ksf x { kgi y }  # kpispec: ignore[KPI210]` silences what is on its line: kept on one
        toks = head + [t for member in members for t in tokens(member)] + [closing]
        printer.unit(toks, [gaps[id(t)] for t in toks], indent, False, blanks)
        return
    printer.unit(head, [gaps[id(t)] for t in head], indent, False, blanks)
    inner = indent + INDENT
    close_gap = gaps[id(closing)]
    if not members and not close_gap.comments and printer.line is not None:
        printer.line += "}"  # `ksf x {}`
        printer.after(closing)
        return
    for number, member in enumerate(members):
        if type(member) is Node and member.rule == "milestones_attr":
            _block(printer, member, gaps, inner, number > 0)
        else:
            toks = list(tokens(member))
            printer.unit(toks, [gaps[id(t)] for t in toks], inner,
                         type(member) is Node and member.rule in _EXPRESSIONS, number > 0)
    printer.leading(close_gap, inner, bool(members))
    printer.line = indent + "}"
    printer.after(closing)


def _silenced_one_liner(printer: _Printer, first, closing) -> bool:
    """A block written on one line that a suppression comment at its end applies to."""
    comment = printer.trailing.get(id(closing))
    if comment is None or "kpispec" not in comment:
        return False
    from ..checks import IGNORE

    text = printer.tree.source.text
    return IGNORE.search(comment) is not None and not any(c in text[first.start_pos:closing.end_pos] for c in "\r\n")


def _first_token(node):
    while type(node) is Node:
        node = node.children[0]
    return node
