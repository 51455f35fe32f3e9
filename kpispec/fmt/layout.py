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

from ..syntax.cst import Node, Tree
from ..syntax.spacing import COMMENT_END_SPACE, LINE_END, is_sign, space

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
            value = value.rstrip(COMMENT_END_SPACE)
            if breaks == 0 and after_token and self.trailing is None and not self.comments:
                self.trailing = value
            else:
                self.comments.append((breaks > 1, value))
            breaks = 0
        self.blank = breaks > 1
        self.broken = breaks > 0 or bool(self.comments) or self.trailing is not None


class _Printer:
    """The text being written, line by line, from the tree's tokens (by their index in text order),
    each token's gap (what stands before it) and the comment that ends its line."""

    def __init__(self, tree: Tree):
        self.tree = tree
        self.lines: list[str] = []
        self.line: str | None = None  # the line being written, or None after a line was ended
        self.marks: list[tuple[int, int]] | None = None  # (offset in the text, printed line) of each declaration
        self.pending = -1  # the token whose printed line is to be marked next
        self.tokens = list(tree.tokens())
        self.index = {id(token): number for number, token in enumerate(self.tokens)}
        text = tree.source.text
        plain: dict[str, _Gap] = {}
        self.gaps: list[_Gap] = []
        self.trailing: list[str | None] = [None] * len(self.tokens)  # the comment after each token on its line
        end = 0
        for number, token in enumerate(self.tokens):
            self.gaps.append(_gap(text[end:token.start_pos], number > 0, plain))
            if self.gaps[-1].trailing is not None:
                self.trailing[number - 1] = self.gaps[-1].trailing
            end = token.end_pos
        self.end = _gap(text[end:], bool(self.tokens), plain)
        if self.end.trailing is not None:
            self.trailing[-1] = self.end.trailing

    def span(self, node) -> tuple[int, int]:
        """The indexes of a node's first and last tokens (a node's tokens are consecutive)."""
        first = last = node
        while type(first) is Node:
            first = first.children[0]
        while type(last) is Node:
            last = last.children[-1]
        return self.index[id(first)], self.index[id(last)]

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

    def unit(self, first: int, last: int, indent: str, keep_breaks: bool, blanks: bool) -> None:
        """Print tokens first..last (a declaration head, an attribute, a milestone) from a new line at `indent`."""
        toks, gaps, trailing = self.tokens, self.gaps, self.trailing
        token = toks[first]
        self.leading(gaps[first], indent, blanks)
        if first == self.pending:
            self.marks.append((token.start_pos, len(self.lines)))
        line = indent + _written(token)
        previous = token.type
        sign = False
        depth = 1 if previous == "LPAR" else 0
        if trailing[first] is not None:
            self.line = line
            self.after(first)
            line = None
        for number in range(first + 1, last + 1):
            token = toks[number]
            gap = gaps[number]
            kind = token.type
            if gap.comments or line is None or (keep_breaks and gap.broken):
                closing = kind == "RPAR"
                here = indent + INDENT * (max(depth - 1, 0) if closing else depth + 1)
                if line is not None:
                    self.lines.append(line)
                for _, comment in gap.comments:
                    self.lines.append(here + comment)
                line = here + _written(token)
            else:
                line += space(previous, sign, kind, gap.empty) + _written(token)
            sign = is_sign(kind, previous)
            previous = kind
            if trailing[number] is not None:
                self.lines.append(line + "  " + trailing[number])
                line = None
            if kind == "LPAR":
                depth += 1
            elif kind == "RPAR":
                depth -= 1
        self.line = line

    def after(self, number: int) -> None:
        """The comment that ends token `number`'s line, which goes wherever the token goes."""
        comment = self.trailing[number]
        if comment is not None:
            self.line += "  " + comment
            self.end_line()

    def leading(self, gap: _Gap, indent: str, blanks: bool, closing: bool = False) -> None:
        """The comments on lines of their own before a token that starts a line, and the blank lines
        (none right before a block's `}`)."""
        self.end_line()
        for blank, comment in gap.comments:
            if blank and blanks:
                self.blank()
            self.own_line(indent, comment)
        if gap.blank and blanks and not closing:
            self.blank()


def _gap(text: str, after_token: bool, plain: dict) -> _Gap:
    if "#" in text:
        return _Gap(text, after_token)
    gap = plain.get(text)  # white space only (most gaps: " ", "\n  "): one object for each
    if gap is None:
        gap = plain[text] = _Gap(text, True)
    return gap


def _written(token) -> str:
    if token.type == "MILESTONE":
        return _COLON_SPACE.sub(r"\1 ", _SPACES.sub(" ", token.value), count=1)
    if token.type in ("MONTH", "QUARTER"):
        return _SPACES.sub("", token.value)
    return token.value


def format_tree(tree: Tree, newline: str = "\n", marks: list | None = None) -> str:
    """The text of `tree` in the canonical layout, its lines ended by `newline`. With `marks`, a list,
    it gets (offset in the text, line number in the result) of each declaration's first token: where
    the two texts correspond, which a diff of them can align on."""
    printer = _Printer(tree)
    printer.marks = [] if marks is not None else None
    previous_kind = None
    for number, item in enumerate(tree.root.children):
        block = item.rule in _BLOCKS
        if marks is not None:
            printer.pending = printer.span(item)[0]
        if number and (block or previous_kind in _BLOCKS):
            printer.blank()
        if block:
            _block(printer, item, "", True)
        else:
            printer.unit(*printer.span(item), "", item.rule in _EXPRESSIONS, True)
        previous_kind = item.rule
    printer.leading(printer.end, "", True)
    while printer.lines and printer.lines[-1] == "":
        printer.lines.pop()
    if marks is not None:  # a printed line holding a multi-line string is several lines of the result
        before, count = [], 0
        for line in printer.lines:
            before.append(count)
            count += 1 + len(LINE_END.findall(line))
        marks.extend((offset, before[number]) for offset, number in printer.marks if number < len(before))
    if not printer.lines:
        return ""
    return newline.join(printer.lines) + newline



def _block(printer: _Printer, node: Node, indent: str, blanks: bool) -> None:
    """`kpi id "label" {`, the attributes in order, `}`; also `milestones { … }` inside a block."""
    children = node.children
    opening = next(i for i, c in enumerate(children) if type(c) is not Node and c.type == "LBRACE")
    body = children[opening + 1: -1]
    first, close = printer.span(node)
    brace = first + opening  # the head's tokens are the node's first children, one token each
    if node.rule == "milestones_attr":
        members = body
    else:
        members = sorted(body, key=lambda attr: attribute_rank(_first_token(attr).value))
    if _silenced_one_liner(printer, first, close):
        # `ksf x { kgi y }  # kpispec: ignore[KPI210]` silences what is on its line: kept on one
        order = [*range(first, brace + 1), *(n for m in members for n in range(*_through(printer.span(m)))), close]
        printer.leading(printer.gaps[first], indent, blanks)
        line, previous, sign = indent, None, False
        for number in order:
            token = printer.tokens[number]
            if previous is not None:
                line += "" if previous == "LBRACE" and token.type == "RBRACE" else \
                    space(previous, sign, token.type, printer.gaps[number].empty)
            line += _written(token)
            sign, previous = is_sign(token.type, previous), token.type
        printer.line = line
        printer.after(close)
        return
    printer.unit(first, brace, indent, False, blanks)
    inner = indent + INDENT
    close_gap = printer.gaps[close]
    if not members and not close_gap.comments and printer.line is not None:
        printer.line += "}"  # `ksf x {}`
        printer.after(close)
        return
    for number, member in enumerate(members):
        if member.rule == "milestones_attr":
            _block(printer, member, inner, number > 0)
        else:
            printer.unit(*printer.span(member), inner, member.rule in _EXPRESSIONS, number > 0)
    printer.leading(close_gap, inner, bool(members), closing=True)
    printer.line = indent + "}"
    printer.after(close)


def _through(span: tuple[int, int]) -> tuple[int, int]:
    return span[0], span[1] + 1


def _silenced_one_liner(printer: _Printer, first: int, close: int) -> bool:
    """A block written on one line that a suppression comment at its end applies to."""
    comment = printer.trailing[close]
    if comment is None or "kpispec" not in comment:
        return False
    from ..checks import IGNORE

    text = printer.tree.source.text
    start, end = printer.tokens[first].start_pos, printer.tokens[close].end_pos
    return IGNORE.search(comment) is not None and "\n" not in text[start:end] and "\r" not in text[start:end]


def _first_token(node):
    while type(node) is Node:
        node = node.children[0]
    return node
