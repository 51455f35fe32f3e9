"""Errors in an attribute's value: missing, quoted wrongly, a date in another format, a period after `per`."""

from __future__ import annotations

import re

from ...language import KEYWORDS, amount_before
from ...units import PERIOD_LIKE, PERIODS_EN, PERIODS_JA, TIME_UNITS
from ...display import PERIOD_JA
from ...diagnostics import Diagnostic, Span, msg
from .context import ATTR_TERMS, DATE_ATTRS, TEXT_ATTRS, is_a
from .declarations import missing_brace
from .report import diag, end_of, gap_or_token, index_of, line_of, on_same_line, rest_of_line, show, token_span


VALUES = {
    "target": (msg("a target value", "目標値"),
               msg("`target 1,000,000 visitors per month`, `target 2.5%` or `target <= 5,000円`",
                   "`target 1,000,000 visitors per month`、`target 2.5%`、`target <= 5,000円`")),
    "baseline": (msg("the current value", "現状値"),
                 msg("`baseline 600,000 visitors per month` or `baseline 2%`", "`baseline 600,000 visitors per month`、`baseline 2%`")),
    "deadline": (msg("a date written YYYY-MM-DD", "`YYYY-MM-DD` 形式の日付"), msg("`deadline 2027-03-31`", "`deadline 2027-03-31`")),
    "start": (msg("a date written YYYY-MM-DD", "`YYYY-MM-DD` 形式の日付"), msg("`start 2026-04-01`", "`start 2026-04-01`")),
    "period": (msg("two dates written YYYY-MM-DD", "`YYYY-MM-DD` 形式の 2 つの日付"),
               msg("`period 2026-04-01 to 2027-03-31`", "`period 2026-04-01 to 2027-03-31`")),
    "cadence": (msg("a cadence (daily, weekly, biweekly, monthly, quarterly, semiannual or yearly)", "計測頻度（`日次`・`週次`・`隔週`・`月次`・`四半期`・`半期`・`年次`、英語では `daily` など）"),
                msg("`cadence weekly`", "`cadence weekly` や `cadence 月次`")),
    "owner": (msg("a text in double quotes", "ダブルクォートで囲んだ文字列"), msg('`owner "EC事業部"`', '`owner "EC事業部"`')),
    "source": (msg("a text in double quotes", "ダブルクォートで囲んだ文字列"), msg('`source "GA4: sessions"`', '`source "GA4: sessions"`')),
    "measure": (msg("a text in double quotes", "ダブルクォートで囲んだ文字列"), msg('`measure "purchases / sessions"`', '`measure "purchases / sessions"`')),
    "description": (msg("a text in double quotes", "ダブルクォートで囲んだ文字列"),
                    msg('`description "…"` (or """triple quotes""" for several lines)', '`description "…"`（複数行なら """三重引用符"""）')),
    "formula": (msg("a formula", "式"), msg("`formula visitors * cvr * aov`", "`formula visitors * cvr * aov`")),
    "ksf": (msg("the id of a KSF", "KSF の ID"), msg("`ksf traffic`", "`ksf traffic`")),
    "kgi": (msg("the id of a KGI", "KGI の ID"), msg("`kgi revenue`", "`kgi revenue`")),
}
_DATE_LIKE = re.compile(r"([0-9]{4})\s*[/.年-]\s*([0-9]{1,2})\s*[/.月-]\s*([0-9]{1,2})日?")


_SLASHED_WORD = re.compile(r"/([^\W\d]\w*)")


def slashed_per_unit(source, token, ctx) -> Diagnostic | None:
    """`50円/クリック`, `3,000円/顧客`: a word glued after a slash that is no period and no counter."""
    if not (is_a(token, "MUL_OP") and token.value == "/" and ctx.stack and end_of(ctx.stack[-1]) == token.start_pos):
        return None
    word = _SLASHED_WORD.match(source.text, token.start_pos)
    amount = amount_before(source.text, token.start_pos)
    if word is None or amount is None:
        return None
    word_text = word.group(1)
    if word_text in PERIOD_LIKE or word_text.lower() in PERIOD_LIKE:  # `/月間`: a period, written another way
        period = PERIOD_LIKE.get(word_text, PERIOD_LIKE.get(word_text.lower()))
        if period is None:  # `/時間`, `/hour`, `/営業日`: time, but no period kpispec counts in
            return diag(
                source, "KPI002", Span(token.start_pos, word.end()),
                msg(f"`/{word_text}` is not a period kpispec counts in", f"`/{word_text}` は kpispec が数える期間ではありません"),
                msg(f"use {PERIODS_EN}: `{amount}/月` or `{amount} per month`",
                    f"{PERIODS_JA}を使ってください：`{amount}/月` または `{amount} per month`"),
                primary=msg("not a period", "期間ではありません"),
            )
        return diag(
            source, "KPI002", Span(token.start_pos, word.end()),
            msg(f"`/{word_text}` is not a period word", f"`/{word_text}` は期間の語ではありません"),
            msg(f"write `{amount} per {period}`", f"`{amount} per {period}` と書いてください"),
            primary=msg(f"did you mean `per {period}`?", f"`per {period}` のことですか？"),
        )
    duration = TIME_UNITS.get(word_text, TIME_UNITS.get(word_text.lower()))
    if duration is not None:  # `/年間`, `/ヶ月`: a length of time, where the period it is per belongs
        period = duration if word_text.isascii() else PERIOD_JA[duration]
        return diag(
            source, "KPI002", Span(token.start_pos, word.end()),
            msg(f"`/{word_text}` is a length of time: an amount for each {duration} is written `/{period}`",
                f"`/{word_text}` は期間の長さです。期間あたりの量は `/{period}` と書きます"),
            msg(f"write `{amount}/{period}`", f"`{amount}/{period}` と書いてください"),
            primary=msg(f"did you mean `/{period}`?", f"`/{period}` のことですか？"),
        )
    return diag(
        source, "KPI002", Span(token.start_pos, word.end()),
        msg(f"`/{word.group(1)}` is not a period or a counter that can be glued after a slash",
            f"`/{word.group(1)}` はスラッシュの後に付けられる期間や助数詞ではありません"),
        msg(f"write what the amount is per after `per`: `{amount} per {word.group(1)}` (a slash glues only periods "
            "such as `/月` and counters such as `/人` `/件` `/回`)",
            f"何あたりの値かは `per` の後に書いてください：`{amount} per {word.group(1)}`（スラッシュで付けられるのは "
            "`/月` などの期間と `/人` `/件` `/回` などの助数詞だけです）"),
        primary=msg("write `per …` instead", "`per …` と書いてください"),
    )


def in_attribute(source, token, ctx) -> Diagnostic | None:
    """The value of an attribute is missing or malformed; None when the attribute looks complete."""
    if ctx.attribute.type == "PERIOD" and len(ctx.tail) < 3:
        return period_value(source, token, ctx)
    if all(is_a(t, "COMPARATOR", "ADD_OP") for t in ctx.tail):
        return attribute_value(source, token, ctx)
    if ctx.attribute.type in ("KSF", "KGI") and token.type in ("STRING", "LBRACE"):
        before = ctx.stack[index_of(ctx.stack, ctx.attribute) - 1]
        return missing_brace(source, token, ctx, new=ctx.attribute, last=before)
    if ctx.attribute.type in ("KSF", "KGI") and token.type == "NAME" and on_same_line(source, ctx.last, token):
        key = ctx.key
        return diag(
            source, "KPI002", token_span(token),
            msg(f"expected a comma between the ids after `{key}`", f"`{key}` の後の ID の間にカンマが必要です"),
            msg(f"separate the ids with commas: `{key} {ctx.last.value}, {token.value}`",
                f"ID はカンマで区切ってください：`{key} {ctx.last.value}, {token.value}`"),
            primary=msg("expected `,` before this", "この前に `,` が必要です"),
        )
    return None


def attribute_value(source, token, ctx) -> Diagnostic:
    key = ctx.key
    what, example = VALUES.get(key, (msg("a value", "値"), msg(f"`{key} …`", f"`{key} …`")))
    previous = ctx.tail[-1] if ctx.tail else ctx.attribute
    owner = f" of `{ctx.block_name}`" if ctx.block_name else ""
    owner_ja = f"`{ctx.block_name}` の" if ctx.block_name else ""
    missing = token.type in ("RBRACE", "$END") or token.type in ATTR_TERMS or (
        line_of(source, end_of(previous)) != line_of(source, token.start_pos))
    if missing:
        return diag(
            source, "KPI002", Span(end_of(previous), end_of(previous)),
            msg(f"the `{key}`{owner} has no value", f"{owner_ja}`{key}` に値がありません"),
            msg(f"write {what.en} after `{key}`, e.g. {example.en}", f"`{key}` の後に{what.ja}を書いてください（例：{example.ja}）"),
            primary=msg(f"expected {what.en} here", f"ここに{what.ja}が必要です"),
        )
    span = token_span(token)
    shown = show(token)
    help_ = msg(f"write it like {example.en}", f"{example.ja} のように書いてください")
    if key in ("formula", "ksf", "kgi") and token.value in KEYWORDS and token.type != "NAME":
        from .declarations import keyword_help

        help_ = keyword_help(token.value)
    elif token.type in ("EQUALS",) or (token.type == "COMPARATOR" and key != "target"):
        help_ = msg(f"an attribute takes no `{token.value}`: write {example.en}", f"属性に `{token.value}` は不要です：{example.ja}")
    elif key in TEXT_ATTRS and token.type in ("NAME", "AMOUNT"):
        text = rest_of_line(source, token.start_pos)
        if '"' not in text:
            span = Span(token.start_pos, token.start_pos + len(text))
            help_ = msg(f'put the text in double quotes: `{key} "{text}"`', f'文字列はダブルクォートで囲んでください：`{key} "{text}"`')
    elif key in ("target", "baseline") and token.type == "STRING":
        help_ = msg(f"write the number without quotes: `{key} {token.value[1:-1]}`", f"数値は引用符なしで書いてください：`{key} {token.value[1:-1]}`")
    elif key in ("cadence", "ksf", "kgi") and token.type == "STRING":
        help_ = msg(f"write it without quotes: `{key} {token.value[1:-1]}`", f"引用符なしで書いてください：`{key} {token.value[1:-1]}`")
    elif key in DATE_ATTRS and token.type == "AMOUNT":
        return _bad_date(source, token, key, ctx)
    return diag(
        source, "KPI002", span,
        msg(f"expected {what.en} after `{key}`, but found {shown.en}", f"`{key}` の後には{what.ja}が必要ですが、{shown.ja} がありました"),
        help_, primary=msg(f"expected {what.en}", f"{what.ja}が必要です"),
    )


def _bad_date(source, token, key, ctx) -> Diagnostic:
    match = _DATE_LIKE.match(source.text, token.start_pos)
    if match:
        year, month, day = match.groups()
        fixed = f"{year}-{int(month):02d}-{int(day):02d}"
        text = match.group(0)
        return diag(
            source, "KPI002", Span(match.start(), match.end()),
            msg(f"`{text}` is not written as a date: dates are written YYYY-MM-DD", f"`{text}` は日付の書式ではありません（日付は `YYYY-MM-DD` 形式で書きます）"),
            msg(f"write `{fixed}`", f"`{fixed}` と書いてください"),
            primary=msg("expected a date written YYYY-MM-DD", "`YYYY-MM-DD` 形式の日付が必要です"),
        )
    text = rest_of_line(source, token.start_pos).split()[0]
    return diag(
        source, "KPI002", Span(token.start_pos, token.start_pos + len(text)),
        msg(f"expected a date written YYYY-MM-DD after `{key}`, but found `{text}`",
            f"`{key}` の後には `YYYY-MM-DD` 形式の日付が必要ですが、`{text}` がありました"),
        msg("write the date in full, e.g. `2027-03-31`", "日付は `2027-03-31` のように年・月・日をすべて書いてください"),
        primary=msg("expected a date written YYYY-MM-DD", "`YYYY-MM-DD` 形式の日付が必要です"),
    )


def period_value(source, token, ctx) -> Diagnostic:
    if token.type == "AMOUNT":
        return _bad_date(source, token, "period", ctx)
    previous = ctx.tail[-1] if ctx.tail else ctx.attribute
    example = VALUES["period"][1]
    if is_a(previous, "DATE") and token.type == "DATE":
        return diag(
            source, "KPI002", Span(end_of(previous), token.start_pos),
            msg("expected `to` between the two dates of the period", "期間の 2 つの日付の間に `to` が必要です"),
            msg(f"write {example.en}", f"{example.ja} と書いてください"),
            primary=msg("expected `to` here", "ここに `to` が必要です"),
        )
    shown = show(token)
    return diag(
        source, "KPI002", gap_or_token(source, previous, token),
        msg(f"expected {VALUES['period'][0].en} after `period`, but found {shown.en}",
            f"`period` の後には{VALUES['period'][0].ja}が必要ですが、{shown.ja} がありました"),
        msg(f"write {example.en}", f"{example.ja} と書いてください"),
        primary=msg("expected a date written YYYY-MM-DD", "`YYYY-MM-DD` 形式の日付が必要です"),
    )


def per_value(source, token, ctx) -> Diagnostic:
    periods = msg("periods are day, week, month, quarter and year (or 日, 週, 月, 四半期, 年): `1,000,000 visitors per month`; "
                  "any other word is what one amount is per: `80円 per visitor`",
                  "期間は `日`・`週`・`月`・`四半期`・`年`（英語では `day`・`week`・`month`・`quarter`・`year`）です：`100万人 per 月`。"
                  "それ以外の語は何あたりの値かを表します：`80円 per visitor`")
    if not on_same_line(source, ctx.last, token):
        return diag(
            source, "KPI002", Span(end_of(ctx.last), end_of(ctx.last)),
            msg("`per` has no period after it", "`per` の後に期間がありません"),
            msg("write a period after `per` (day, week, month, quarter or year), e.g. `1,000,000 visitors per month`",
                "`per` の後に期間（`日`・`週`・`月`・`四半期`・`年`、英語では `day`・`week`・`month`・`quarter`・`year`）を書いてください（例：`100万人 per 月`）"),
            primary=msg("expected a period such as `month` here", "ここに `month` などの期間が必要です"),
        )
    shown = show(token)
    return diag(
        source, "KPI002", token_span(token),
        msg(f"expected a period (`per month`) or what the amount is per (`per visitor`) after `per`, but found {shown.en}",
            f"`per` の後には期間（`per month`）か何あたりか（`per visitor`）が必要ですが、{shown.ja} がありました"),
        periods, primary=msg("expected a period", "期間が必要です"),
    )
