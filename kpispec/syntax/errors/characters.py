"""Characters the lexer cannot read: unclosed texts, full-width digits and symbols, stray signs."""

from __future__ import annotations

import re
import unicodedata

from lark.exceptions import UnexpectedCharacters

from ...diagnostics import Diagnostic, Label, Span, msg
from ...source import SourceFile
from .context import BLOCK_TERMS, Context, expected_words, is_a
from .report import diag, rest_of_line, token_span
from .values import VALUES


FULLWIDTH_HINTS = {
    "＋": "+", "－": "-", "ー": "-", "＊": "*", "／": "/", "（": "(", "）": ")", "＝": "=", "，": ",", "、": ",",
    "｛": "{", "｝": "}", "＃": "#", "“": '"', "”": '"', "＂": '"', "＞": ">", "＜": "<", "．": ".", "：": ":",
}
# Not full-width, but typed for these by a Japanese input method: `≧` (だいなりいこーる), `−` (まいなす).
OTHER_HINTS = {"≧": ">=", "≦": "<=", "−": "-", "・": "*"}
# A comparator typed in full-width is two characters, and one fix: `＞＝` is `>=`.
FULLWIDTH_PAIRS = {"＞＝": ">=", "＜＝": "<=", "＝＝": "==", "＞=": ">=", "＜=": "<=", "＝=": "=="}
# Any other character whose NFKC form is one of the language's symbols (`﹣` is `-`, `﹡` is `*`).
SYMBOLS = frozenset("+-*/()=<>,{}#:")
CURRENCY_SIGNS = "$¥￥€£"


def unexpected_character(source: SourceFile, exc: UnexpectedCharacters, ctx: Context) -> Diagnostic:
    pos = exc.pos_in_stream
    char = source.text[pos] if pos < len(source.text) else ""
    span = Span(pos, pos + 1)
    if char == '"':
        return _unterminated_text(source, pos)
    if "\uff10" <= char <= "\uff19":
        run = _run(source.text, pos)
        word = rest_of_line(source, pos).split()[0]
        ascii_digits = "".join(chr(ord(c) - 0xFEE0) if "\uff01" <= c <= "\uff5e" else c for c in word)
        return diag(
            source, "KPI001", Span(pos, pos + len(run)),
            msg("full-width digits are not read as a number", "全角数字は数値として読めません"),
            msg(f"write the number with half-width digits: `{ascii_digits}`", f"半角数字で書いてください：`{ascii_digits}`"),
            primary=msg("full-width digits", "全角数字"),
        )
    hint = _symbol_hint(source.text, pos)
    if hint is not None:
        written, fix = hint
        span = Span(pos, pos + len(written))
        if char == "・":
            return diag(
                source, "KPI001", span,
                msg("`・` is not an operator", "`・` は演算子ではありません"),
                msg("to multiply, write `*` (or `×`); an id cannot contain `・`: write `_` instead",
                    "掛け算なら `*`（または `×`）を使ってください。ID には `・` を使えないので `_` にします"),
                primary=msg("did you mean `*`?", "`*` のことですか？"),
            )
        if "\uff01" <= char <= "\uff5e":
            what = msg(f"full-width `{written}`", f"全角の `{written}`")
            how = msg(f"write the half-width `{fix}` instead", f"半角の `{fix}` を使ってください")
        else:
            what = msg(f"`{written}`", f"`{written}`")
            how = msg(f"write `{fix}` instead", f"`{fix}` を使ってください")
        return diag(
            source, "KPI001", span,
            msg(f"{what.en} cannot be used here", f"{what.ja} はここでは使えません"),
            how, primary=msg(f"did you mean `{fix}`?", f"`{fix}` のことですか？"),
        )
    shown = f"`{char}`" if char.isprintable() and not char.isspace() else f"U+{ord(char):04X}"
    before = source.text[:pos]
    if char == "%" and before[-1:] in (" ", "\t", "\u3000") and before.rstrip()[-1:].isdigit():
        number = before.rstrip().split()[-1]
        return diag(
            source, "KPI001", Span(len(before.rstrip()), pos + 1),
            msg(f"a space separates `%` from `{number}`", f"`{number}` と `%` の間に空白があります"),
            msg(f"write the percent sign right after the number: `{number}%`", f"% は数値の直後に空けずに書きます：`{number}%`"),
            primary=msg("remove this space", "この空白を削除してください"),
        )
    if char in CURRENCY_SIGNS and source.text[pos + 1 : pos + 2].isdigit():
        amount = re.match(r"[0-9][0-9,_]*(?:\.[0-9]+)?[kMB千万億]?", source.text[pos + 1 :])
        unit = {"$": " USD", "€": " EUR", "£": " GBP"}.get(char, "円")
        fixed = f"{amount.group(0)}{unit}"
        return diag(
            source, "KPI001", span,
            msg(f"`{char}` cannot come before a number: the currency goes after it", f"`{char}` は数値の前に書けません（通貨は数値の後に書きます）"),
            msg(f"write `{fixed}`", f"`{fixed}` と書いてください"),
            primary=msg("currency sign before the number", "数値の前の通貨記号"),
        )
    if is_a(ctx.last, *BLOCK_TERMS, "PARAM") and ctx.open_brace is None:
        kind = ctx.last.value
        return diag(
            source, "KPI001", span,
            msg(f"expected an id after `{kind}`, but found {shown}", f"`{kind}` の後に ID が必要ですが、{shown} がありました"),
            msg("an id is made of letters, digits and `_` (symbols and emoji go in the quoted label)",
                "ID に使えるのは文字・数字・`_` です（記号や絵文字は引用符で囲んだラベルに書きます）"),
            primary=msg("this character cannot be part of an id", "この文字は ID に使えません"),
        )
    if ctx.attribute is not None and all(is_a(t, "COMPARATOR", "ADD_OP") for t in ctx.tail):
        key = ctx.key
        what, example = VALUES.get(key, (msg("a value", "値"), msg(f"`{key} …`", f"`{key} …`")))
        rest = rest_of_line(source, pos + 1).strip()
        if char == ":" and rest:
            help_ = msg(f"an attribute takes no colon: write `{key} {rest}`", f"属性の後にコロンは不要です：`{key} {rest}`")
        elif char == "'" and rest.endswith("'"):
            help_ = msg(f'texts are written in double quotes: `{key} "{rest[:-1]}"`', f'文字列はダブルクォートで囲みます：`{key} "{rest[:-1]}"`')
        else:
            help_ = msg(f"write it like {example.en}", f"{example.ja} のように書いてください")
        return diag(
            source, "KPI001", span,
            msg(f"expected {what.en} after `{key}`, but found {shown}", f"`{key}` の後には{what.ja}が必要ですが、{shown} がありました"),
            help_, primary=msg("this character cannot appear here", "この文字はここでは使えません"),
        )
    if char == "'":
        help_ = msg('texts are written in double quotes: "…"', '文字列はダブルクォート "…" で囲みます')
    else:
        help_ = msg("remove it, or put it inside a text in double quotes", "削除するか、ダブルクォートで囲んだ文字列の中に入れてください")
    where = ctx.where()
    words = expected_words(set(exc.allowed or ()), ctx)
    labels = [Label(token_span(ctx.open_brace), msg("the block opens here", "ブロックの開始"))] if ctx.open_brace else []
    return diag(
        source, "KPI001", span,
        msg(f"unexpected character {shown}: {where.en} and expected {words.en} here",
            f"予期しない文字 {shown}：{where.ja}、ここには{words.ja}が来るはずでした"),
        help_, labels=labels, primary=msg("this character cannot appear here", "この文字はここでは使えません"),
    )


def _unterminated_text(source: SourceFile, pos: int) -> Diagnostic:
    triple = source.text[max(0, pos - 2) : pos + 1] == '"""' or source.text.startswith('"""', pos)
    if triple:
        start = pos - 2 if source.text[max(0, pos - 2) : pos + 1] == '"""' else pos
        return diag(
            source, "KPI004", Span(start, start + 3),
            msg('this """text""" is never closed: the closing `"""` is missing', 'この """文字列""" が閉じられていません（閉じる `"""` がありません）'),
            msg('add `"""` where the text ends', '文字列の終わりに `"""` を追加してください'),
            primary=msg("the text starts here", "文字列はここから"),
        )
    line_end = min((i for i in (source.text.find("\n", pos), source.text.find("\r", pos)) if i >= 0), default=len(source.text))
    return diag(
        source, "KPI004", Span(pos, max(pos + 1, line_end)),
        msg('this text is never closed: the closing `"` is missing', '文字列が閉じられていません（閉じる `"` がありません）'),
        msg('add `"` at the end of the text; for a text over several lines use """triple quotes"""',
            '文字列の最後に `"` を追加してください。複数行の文字列は """三重引用符""" で囲みます'),
        primary=msg("the text starts here and runs to the end of the line", "文字列がここから行末まで続いています"),
    )


def _symbol_hint(text: str, pos: int) -> tuple[str, str] | None:
    """(what was written, the half-width symbol to write) for a full-width or look-alike symbol at pos."""
    pair = text[pos : pos + 2]
    if pair in FULLWIDTH_PAIRS:
        return pair, FULLWIDTH_PAIRS[pair]
    char = text[pos : pos + 1]
    fix = FULLWIDTH_HINTS.get(char) or OTHER_HINTS.get(char)
    if fix is None and char and not char.isascii():
        read = unicodedata.normalize("NFKC", char)
        fix = read if read in SYMBOLS else None
    return None if fix is None else (char, fix)


def _run(text: str, pos: int) -> str:
    """Full-width digits from `pos`, with any separators, scale and unit glued to them."""
    end = pos
    while end < len(text) and ("\uff10" <= text[end] <= "\uff19" or text[end] in "，．,.％%"):
        end += 1
    return text[pos:end]
