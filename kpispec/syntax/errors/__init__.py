"""Turn lark's parse exceptions into diagnostics a marketer can act on.

The parser's value stack at the failure tells where we are: inside which block, right after
which attribute keyword, in the middle of which expression (context.py). From that each module
says in words what was expected there, never lark's token names, and suggests a fix:
declarations.py between and inside blocks, values.py after an attribute, expressions.py inside
formulas, characters.py for what the lexer cannot read. Every message is in English and Japanese.
"""

from __future__ import annotations

from lark import Token
from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken

from ...diagnostics import Diagnostic, Label, Span, msg
from ...language import KEYWORDS
from ...records import replace
from ...source import SourceFile
from .characters import unexpected_character
from .context import ATTR_TERMS, BLOCK_TERMS, DECL_TERMS, Context, is_a
from .declarations import generic, in_block, missing_equals, missing_id, missing_open_brace, top_level
from .expressions import expression
from .grouping import four_digit_grouping
from .milestones import milestone
from .report import diag, line_of, token_span
from .values import in_attribute, per_value, slashed_per_unit

__all__ = ["syntax_error"]


def syntax_error(source: SourceFile, exc: UnexpectedInput) -> Diagnostic:
    """The one diagnostic for a parse failure."""
    stack = list(getattr(getattr(exc, "state", None), "value_stack", None) or [])
    if isinstance(exc, UnexpectedToken):
        token = exc.token
        expected = set(exc.expected or ())
        swallowed = _swallowed_keyword(source, stack)
        if swallowed is not None:
            # `formula a *` then `target …` on the next line: the keyword was read as a name.
            token, stack, expected = swallowed, stack[:-1], set()
        ctx = Context.from_stack(stack)
        if token.type == "$END":
            return _unexpected_end(source, ctx, expected)
        return unexpected_token(source, token, expected, ctx)
    if isinstance(exc, UnexpectedCharacters):
        return unexpected_character(source, exc, Context.from_stack(stack))
    return diag(source, "KPI002", Span(0, 0), msg("syntax error", "構文エラー"), None)  # pragma: no cover


def _swallowed_keyword(source: SourceFile, stack) -> Token | None:
    """A keyword that starts a new line but was read as a name, because a value was still expected."""
    if len(stack) < 2 or not is_a(stack[-1], "NAME") or stack[-1].value not in KEYWORDS:
        return None
    before = stack[-2]
    if not is_a(before, "ADD_OP", "MUL_OP", "PER", "EQUALS", "COMPARATOR", "LPAR", "COMMA"):
        return None
    name = stack[-1]
    if line_of(source, before.end_pos) == line_of(source, name.start_pos):
        return None
    return Token(name.value.upper(), name.value, name.start_pos, name.line, name.column, end_pos=name.end_pos)


def _unexpected_end(source: SourceFile, ctx: Context, expected: set[str]) -> Diagnostic:
    """An unclosed block is the likeliest cause; otherwise the last declaration is unfinished."""
    end = len(source.text.rstrip())
    eof = Span(end, end)
    if ctx.open_brace is not None:
        block = ctx.block()
        return diag(
            source, "KPI003", token_span(ctx.open_brace),
            msg(f"{block.en} is never closed: the file ends before its `}}`",
                f"{block.ja}が閉じられていません（`}}` の前にファイルが終わっています）"),
            msg(f"add `}}` after line {line_of(source, end)}, the last line of the block",
                f"ブロックの最後の行（{line_of(source, end)} 行目）の後に `}}` を追加してください"),
            labels=[Label(eof, msg("the file ends here", "ここでファイルが終わっています"))],
            primary=msg("this `{` has no matching `}`", "この `{` に対応する `}` がありません"),
        )
    token = Token("$END", "", end, *source.position(end), end_pos=end)
    return replace(unexpected_token(source, token, expected, ctx), code="KPI003")


def unexpected_token(source: SourceFile, token: Token, expected: set[str], ctx: Context) -> Diagnostic:
    """Ask the most specific place first: an attribute's value, `per`, an expression, a block, the top level."""
    found = four_digit_grouping(source, token) or slashed_per_unit(source, token, ctx)  # `1,0000円`; `50円/クリック`
    if found is not None:
        return found
    if ctx.milestones is not None and not is_a(ctx.last, "PER"):
        return milestone(source, token, ctx)
    if ctx.attribute is not None:
        found = in_attribute(source, token, ctx)
        if found is not None:
            return found
    if is_a(ctx.last, "PER"):
        return per_value(source, token, ctx)
    if ctx.in_expression():
        found = expression(source, token, ctx)
        if found is not None:
            return found
    if ctx.block_kind is not None:
        return in_block(source, token, ctx)
    if is_a(ctx.last, *BLOCK_TERMS, "PARAM"):
        return missing_id(source, token, ctx.last)
    if "LBRACE" in expected:
        return missing_open_brace(source, token, ctx)
    if "EQUALS" in expected and ctx.statement is not None:
        return missing_equals(source, token, ctx)
    if not ctx.stack or ctx.last is ctx.closed_brace or expected & DECL_TERMS or token.type in ATTR_TERMS:
        return top_level(source, token, ctx)
    return generic(source, token, expected, ctx)
