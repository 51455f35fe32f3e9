"""Errors inside a formula, a param's value or an assert: operators, operands and brackets."""

from __future__ import annotations

from ...diagnostics import Diagnostic, Label, Span, msg
from .context import ATTR_TERMS, DECL_TERMS, is_a
from .report import diag, end_of, on_same_line, show, snippet, token_span


def expression(source, token, ctx) -> Diagnostic | None:
    """Errors inside a formula, a param's value or an assert; None when the expression looks complete."""
    what = ctx.expression()
    last = ctx.last
    same_line = on_same_line(source, last, token)
    if ctx.parens and (token.type in ("RBRACE", "STRING") or token.type in DECL_TERMS | ATTR_TERMS or not same_line):
        lpar = ctx.parens[-1]
        return diag(
            source, "KPI002", token_span(lpar),
            msg(f"this `(` in {what.en} is never closed", f"{what.ja}の `(` が閉じられていません"),
            msg("add `)` where the bracketed part ends", "かっこで囲む部分の終わりに `)` を追加してください"),
            labels=[Label(Span(end_of(last), end_of(last)), msg("expected `)` by here", "ここまでに `)` が必要です"))],
            primary=msg("this `(` has no matching `)`", "この `(` に対応する `)` がありません"),
        )
    if is_a(last, "ADD_OP", "MUL_OP", "LPAR", "COMMA", "EQUALS", "COMPARATOR"):
        return _missing_operand(source, token, ctx, what, same_line)
    if token.type == "RPAR" and not ctx.parens:
        return diag(
            source, "KPI002", token_span(token),
            msg(f"this `)` in {what.en} closes nothing", f"{what.ja}のこの `)` に対応する `(` がありません"),
            msg("remove it, or add the missing `(`", "削除するか、足りない `(` を追加してください"),
            primary=msg("unmatched `)`", "対応する `(` のない `)`"),
        )
    comparing = ctx.statement is not None and ctx.statement.type == "ASSERT" and not any(is_a(t, "COMPARATOR") for t in ctx.tail)
    if comparing and not same_line:
        return diag(
            source, "KPI002", Span(end_of(last), end_of(last)),
            msg("the assert has no comparison", "`assert` に比較がありません"),
            msg(f"an assert compares two sides: `assert {snippet(source, last)} >= …`", f"`assert` は 2 つの値を比べます：`assert {snippet(source, last)} >= …`"),
            primary=msg("expected `>=`, `<=` or `==` here", "ここに `>=`・`<=`・`==` が必要です"),
        )
    if token.type in ("NAME", "AMOUNT", "LPAR") and same_line:
        left = snippet(source, last)
        right = snippet(source, token)
        if comparing:
            return diag(
                source, "KPI002", token_span(token),
                msg(f"missing comparison between `{left}` and `{right}` in the assert",
                    f"`assert` の `{left}` と `{right}` の間に比較演算子がありません"),
                msg(f"an assert compares two sides: `assert {left} >= {right}`", f"`assert` は 2 つの値を比べます：`assert {left} >= {right}`"),
                primary=msg("expected `>=`, `<=` or `==` before this", "この前に `>=`・`<=`・`==` が必要です"),
            )
        return diag(
            source, "KPI002", token_span(token),
            msg(f"missing operator between `{left}` and `{right}` in {what.en}",
                f"{what.ja}で `{left}` と `{right}` の間に演算子がありません"),
            msg(f"join them with an operator (+ - * /), e.g. `{left} * {right}`",
                f"演算子（+ - * /）でつないでください（例：`{left} * {right}`）"),
            primary=msg("expected an operator such as `*` before this", "この前に `*` などの演算子が必要です"),
        )
    return None


def _missing_operand(source, token, ctx, what, same_line) -> Diagnostic:
    last = ctx.last
    symbol = last.value
    ends = token.type in ("RBRACE", "$END") or token.type in DECL_TERMS | ATTR_TERMS or not same_line
    if is_a(last, "ADD_OP", "MUL_OP") and ends:
        return diag(
            source, "KPI002", token_span(last),
            msg(f"{what.en} ends with `{symbol}`, but a value should follow it", f"{what.ja}が `{symbol}` で終わっています（後に値が必要です）"),
            msg(f"add the missing value after `{symbol}` (an id such as `visitors` or a number), or remove the `{symbol}`",
                f"`{symbol}` の後に値（`visitors` のような ID か数値）を書くか、`{symbol}` を削除してください"),
            primary=msg("nothing follows this", "この後に値がありません"),
        )
    shown = show(token)
    if ends:
        return diag(
            source, "KPI002", Span(end_of(last), end_of(last)),
            msg(f"{what.en} has nothing after `{symbol}`", f"{what.ja}で `{symbol}` の後に値がありません"),
            msg(f"write a value after `{symbol}`: an id such as `visitors` or a number", f"`{symbol}` の後に値（`visitors` のような ID か数値）を書いてください"),
            primary=msg("expected a value here", "ここに値が必要です"),
        )
    if is_a(last, "COMMA") and token.type == "RPAR":
        help_ = msg("remove the comma before `)`", "`)` の前のカンマを削除してください")
    elif is_a(last, "LPAR") and token.type == "RPAR":
        help_ = msg("write a value between the brackets, or remove them", "かっこの中に値を書くか、かっこを削除してください")
    elif token.type in ("ADD_OP", "MUL_OP", "COMPARATOR") and is_a(last, "ADD_OP", "MUL_OP"):
        help_ = msg(f"two operators in a row: remove one of `{symbol}` and `{token.value}`",
                    f"演算子が 2 つ続いています：`{symbol}` と `{token.value}` のどちらかを削除してください")
    else:
        help_ = msg(f"write a value after `{symbol}`: an id such as `visitors` or a number",
                    f"`{symbol}` の後に値（`visitors` のような ID か数値）を書いてください")
    return diag(
        source, "KPI002", token_span(token),
        msg(f"expected a value after `{symbol}` in {what.en}, but found {shown.en}",
            f"{what.ja}で `{symbol}` の後に値が必要ですが、{shown.ja} がありました"),
        help_, primary=msg("expected a value (a number or an id)", "値（数値または ID）が必要です"),
    )
