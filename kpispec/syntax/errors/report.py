"""Building a syntax diagnostic: spans from tokens, short quotes of the source, tidy Japanese."""

from __future__ import annotations

import re

from lark import Token, Tree

from ...diagnostics import Diagnostic, Label, Msg, Severity, Span, msg
from ...source import SourceFile


def diag(source, code, span, message, help_, labels=(), primary=None) -> Diagnostic:
    return Diagnostic(
        code=code, severity=Severity.ERROR, message=_tidy(message), file=source.path, span=span,
        labels=tuple(Label(lab.span, _tidy(lab.message)) for lab in labels), help=_tidy(help_),
        primary_label=_tidy(primary),
    )


_CODE = re.compile(r"`[^`\n]*`")
_TIGHT = set(" \n（）「」、。：・,.")


def _tidy(message: Msg | None) -> Msg | None:
    """Japanese puts a space between inline code and the words around it, but not next to punctuation."""
    if message is None:
        return None
    text = message.ja
    pieces: list[str] = []
    last = 0
    for match in _CODE.finditer(text):
        pieces.append(text[last : match.start()])
        built = "".join(pieces)
        if built and built[-1] not in _TIGHT:
            pieces.append(" ")
        pieces.append(match.group(0))
        following = text[match.end() : match.end() + 1]
        if following and following not in _TIGHT:
            pieces.append(" ")
        last = match.end()
    pieces.append(text[last:])
    return Msg(message.en, "".join(pieces))


def line_of(source: SourceFile, offset: int) -> int:
    return source.position(offset)[0]


def start_of(item) -> int:
    if isinstance(item, Token):
        return item.start_pos or 0
    if isinstance(item, Tree):
        return start_of(item.children[0]) if item.children else 0
    return item.span.start


def end_of(item) -> int:
    if isinstance(item, Token):
        return item.end_pos if item.end_pos is not None else (item.start_pos or 0) + len(item.value)
    if isinstance(item, Tree):
        return end_of(item.children[-1]) if item.children else 0
    if isinstance(item, (list, tuple)):
        return end_of(item[-1]) if item else 0
    return item.span.end


def token_span(token: Token) -> Span:
    start = token.start_pos or 0
    if token.type == "$END":
        return Span(start, start)
    return Span(start, max(end_of(token), start + 1))


def gap_or_token(source: SourceFile, previous, token: Token) -> Span:
    """Point right after `previous` when `token` is on a later line (the thing is missing), else at `token`."""
    end = end_of(previous)
    if token.type == "$END" or line_of(source, end) != line_of(source, token.start_pos or 0):
        return Span(end, end)
    return token_span(token)


def on_same_line(source, item, token) -> bool:
    return token.type != "$END" and line_of(source, end_of(item)) == line_of(source, token.start_pos or 0)


def index_of(stack, item) -> int:
    return next(i for i, value in enumerate(stack) if value is item)


def show(token: Token) -> Msg:
    if token.type == "$END":
        return msg("the end of the file", "ファイルの終わり")
    text = token.value
    if token.type == "STRING" and ("\n" in text or len(text) > 30):
        return msg("a quoted text", "引用符で囲んだ文字列")
    if len(text) > 30:
        text = text[:27] + "…"
    return msg(f"`{text}`", f"`{text}`")


def snippet(source: SourceFile, item) -> str:
    text = " ".join(source.text[start_of(item) : end_of(item)].split())
    return text if len(text) <= 30 else text[:27] + "…"


def after_line(source: SourceFile, item) -> Msg:
    line = line_of(source, end_of(item))
    return msg(f"after line {line}", f"{line} 行目の後")


def rest_of_line(source: SourceFile, start: int) -> str:
    end = source.text.find("\n", start)
    text = source.text[start : len(source.text) if end < 0 else end]
    return text.split("#", 1)[0].rstrip()


def did_you_mean(guess: str) -> Msg:
    return msg(f"did you mean `{guess}`?", f"`{guess}` のことですか？")


def listing(names) -> str:
    return ", ".join(f"`{n}`" for n in names)
