"""Errors between declarations and inside blocks: unknown keywords and attributes, missing ids and braces."""

from __future__ import annotations

from ...diagnostics import Diagnostic, Label, Span, msg
from ...language import ATTRIBUTES, DECLARATIONS, KEYWORDS, KIND_NAMES
from ...suggest import closest
from .context import ATTR_TERMS, BLOCK_TERMS, DECL_TERMS, DECLARATION_LIST, expected_words, is_a, previous_token
from .report import after_line, diag, did_you_mean, gap_or_token, listing, on_same_line, rest_of_line, show, token_span


def generic(source, token, expected, ctx) -> Diagnostic:
    words = expected_words(expected, ctx)
    shown = show(token)
    where = ctx.where()
    return diag(
        source, "KPI002", token_span(token),
        msg(f"{where.en} and expected {words.en} here, but found {shown.en}",
            f"{where.ja}、ここには{words.ja}が来るはずでしたが、{shown.ja} がありました"),
        msg(f"write {words.en} here", f"ここに{words.ja}を書いてください"),
        primary=msg(f"expected {words.en}", f"{words.ja}が必要です"),
    )


def top_level(source, token, ctx) -> Diagnostic:
    labels = []
    if ctx.closed_brace is not None and ctx.last is ctx.closed_brace:
        block = ctx.closed_block
        labels.append(Label(token_span(ctx.closed_brace), msg(f"{block.en} ends here", f"{block.ja}はここで閉じています")))
    if token.type == "RBRACE":
        return diag(
            source, "KPI002", token_span(token),
            msg("this `}` closes nothing: no block is open here", "この `}` に対応する `{` がありません（ここで開いているブロックはありません）"),
            msg("remove it, or check the blocks above for a `}` too many", "削除するか、上のブロックで `}` が多すぎないか確認してください"),
            labels=labels, primary=msg("unmatched `}`", "対応する `{` のない `}`"),
        )
    if token.type in ATTR_TERMS:
        return diag(
            source, "KPI002", token_span(token),
            msg(f"`{token.value}` is outside any block", f"`{token.value}` がどのブロックにも入っていません"),
            msg("attributes go inside the `{ … }` of a `kgi`, `ksf` or `kpi` block; check whether a `}` above closes the block too early",
                "属性は `kgi`・`ksf`・`kpi` ブロックの `{ … }` の中に書きます。上の `}` でブロックを早く閉じすぎていないか確認してください"),
            labels=labels, primary=msg("an attribute, not a declaration", "宣言ではなく属性です"),
        )
    if token.type == "NAME":
        word = token.value
        if word.lower() in DECLARATIONS:
            help_ = msg(f"keywords are written in lower case: `{word.lower()}`", f"キーワードは小文字で書きます：`{word.lower()}`")
        else:
            guess = closest(word, DECLARATIONS)
            help_ = did_you_mean(guess) if guess else msg(
                f"each declaration starts with {DECLARATION_LIST.en}, e.g. `kpi cvr \"購入率\" {{ … }}`",
                f"宣言は {DECLARATION_LIST.ja}で始まります（例：`kpi cvr \"購入率\" {{ … }}`）")
        return diag(
            source, "KPI002", token_span(token),
            msg(f"`{word}` is not a keyword: a declaration starts with {DECLARATION_LIST.en}",
                f"`{word}` はキーワードではありません。宣言は {DECLARATION_LIST.ja}で始まります"),
            help_, primary=msg("expected a declaration", "ここには宣言が必要です"),
        )
    shown = show(token)
    return diag(
        source, "KPI002", token_span(token),
        msg(f"I was reading the top level of the file and expected a declaration ({DECLARATION_LIST.en}), but found {shown.en}",
            f"ファイルの最上位を読んでいたところ、宣言（{DECLARATION_LIST.ja}）が来るはずでしたが、{shown.ja} がありました"),
        msg('a declaration looks like `kpi cvr "購入率" { … }` or `param gross_margin = 40%`',
            '宣言は `kpi cvr "購入率" { … }` や `param gross_margin = 40%` の形です'),
        primary=msg("expected a declaration", "ここには宣言が必要です"),
    )


def in_block(source, token, ctx) -> Diagnostic:
    """Where an attribute (or the block's closing `}`) belongs."""
    kind = ctx.block_kind
    allowed = ATTRIBUTES[kind]
    names = KIND_NAMES[kind]
    brace = [Label(token_span(ctx.open_brace), msg("the block opens here", "ブロックの開始"))]
    if token.type in DECL_TERMS and token.value not in allowed:
        return missing_brace(source, token, ctx, new=token, last=ctx.last)
    if token.type in ATTR_TERMS:
        owner = "plan" if token.value == "period" else None
        help_ = (msg(f"`{token.value}` belongs in the `plan` block", f"`{token.value}` は `plan` ブロックに書きます") if owner
                 else msg(f"a {names[0]} takes: {listing(allowed)}", f"{_ja(names[1]).lstrip()}で使える属性：{listing(allowed)}"))
        return diag(
            source, "KPI105", token_span(token),
            msg(f"`{token.value}` is not an attribute of a {names[0]}", f"`{token.value}` は{_ja(names[1])}の属性ではありません"),
            help_, labels=brace,
        )
    if token.type == "NAME":
        guess = closest(token.value, allowed)
        help_ = did_you_mean(guess) if guess else msg(
            f"a `{kind}` block takes: {listing(allowed)}", f"`{kind}` ブロックで使える属性：{listing(allowed)}")
        return diag(
            source, "KPI002", token_span(token),
            msg(f"unknown attribute `{token.value}` in {ctx.block().en}", f"{ctx.block().ja}に未知の属性 `{token.value}` があります"),
            help_, labels=brace, primary=msg("not an attribute", "属性ではありません"),
        )
    where = ctx.where()
    example = ", ".join(f"`{a}`" for a in allowed[:3])
    shown = show(token)
    if token.type == "STRING":
        help_ = msg('a text follows its attribute: `owner "…"`, `description "…"`',
                    '文字列は属性の後に書きます：`owner "…"`、`description "…"`')
    else:
        help_ = msg(f"each line in a `{kind}` block starts with an attribute: {listing(allowed)}",
                    f"`{kind}` ブロックの各行は属性で始まります：{listing(allowed)}")
    return diag(
        source, "KPI002", token_span(token),
        msg(f"{where.en} and expected an attribute such as {example} here, but found {shown.en}",
            f"{where.ja}、ここには {example} などの属性が来るはずでしたが、{shown.ja} がありました"),
        help_, labels=brace, primary=msg("expected an attribute", "ここには属性が必要です"),
    )


def missing_brace(source, token, ctx, new, last) -> Diagnostic:
    block = ctx.block()
    return diag(
        source, "KPI003", token_span(new),
        msg(f"{block.en} is not closed before the next declaration starts",
            f"{block.ja}が閉じられないまま、次の宣言が始まっています"),
        msg(f"add `}}` {after_line(source, last).en} to close {block.en}",
            f"{after_line(source, last).ja}に `}}` を追加して{block.ja}を閉じてください"),
        labels=[Label(token_span(ctx.open_brace), msg(f"{block.en} opens here", f"{block.ja}はここから"))],
        primary=msg("expected `}` before this", "この前に `}` が必要です"),
    )


def keyword_help(word: str):
    return msg(f"`{word}` is a keyword and cannot be an id: choose another name, e.g. `{word}_total`",
               f"`{word}` はキーワードなので ID にできません。別の名前にしてください（例：`{word}_total`）")


def missing_id(source, token, keyword) -> Diagnostic:
    kind = keyword.value
    shown = show(token)
    if token.type in ("STRING", "LBRACE"):
        label = f" {token.value}" if token.type == "STRING" and "\n" not in token.value else ""
        help_ = msg(f"give it an id before its label: `{kind} my_id{label} {{`", f"ラベルの前に ID を書いてください：`{kind} my_id{label} {{`")
    elif token.type == "AMOUNT":
        help_ = msg("an id cannot start with a digit: write e.g. `cvr_2026`", "ID は数字で始められません（例：`cvr_2026`）")
    elif token.value in KEYWORDS:
        help_ = keyword_help(token.value)
    else:
        help_ = msg("an id is a name such as `visitors` or `訪問者数`", "ID は `visitors` や `訪問者数` のような名前です")
    return diag(
        source, "KPI002", gap_or_token(source, keyword, token),
        msg(f"expected an id after `{kind}`, but found {shown.en}", f"`{kind}` の後に ID が必要ですが、{shown.ja} がありました"),
        help_, primary=msg("expected an id such as `cvr`", "`cvr` のような ID が必要です"),
    )


def missing_open_brace(source, token, ctx) -> Diagnostic:
    keyword = previous_token(ctx.stack, len(ctx.stack), BLOCK_TERMS)
    kind = keyword[1].value if keyword else "kpi"
    after = ctx.stack[keyword[0] + 1] if keyword and keyword[0] + 1 < len(ctx.stack) else None
    name = after.value if is_a(after, "NAME") else "my_id"
    shown = show(token)
    if token.type == "NAME" and on_same_line(source, ctx.last, token) and not is_a(ctx.last, "STRING"):
        text = rest_of_line(source, token.start_pos).removesuffix("{").rstrip()
        if text.count('"') >= 2 and not text.startswith('"'):
            words = text[: text.index('"')].split()
            fixed = "_".join([name, *words])
            rest = text[text.index('"'):]
            example = f"{kind} {fixed} {rest}" + ("" if "{" in rest else " {")  # a one-line block has its `{`
            gap = source.text[ctx.last.end_pos:token.start_pos]
            wide_en, wide_ja = (" (a full-width space)", "（全角スペース）") if "\u3000" in gap else ("", "")
            return diag(
                source, "KPI002", Span(ctx.last.start_pos, token.start_pos + len(" ".join(words))),
                msg(f"an id cannot contain spaces{wide_en}: `{name} {' '.join(words)}`",
                    f"ID に空白{wide_ja}は使えません：`{name} {' '.join(words)}`"),
                msg(f"join the words, e.g. `{example}`", f"語をつないでください（例：`{example}`）"),
                primary=msg("one id, one word", "ID は 1 語です"),
            )
        text = text.strip('"')
        return diag(
            source, "KPI002", Span(token.start_pos, token.start_pos + len(text)),
            msg(f"the label of `{name}` must be in double quotes", f"`{name}` のラベルはダブルクォートで囲む必要があります"),
            msg(f'write `{kind} {name} "{text}" {{` (an id is one word, with no spaces)',
                f'`{kind} {name} "{text}" {{` と書いてください（ID は空白を含まない 1 語です）'),
            primary=msg("expected a label in double quotes, or `{`", "ダブルクォートで囲んだラベル、または `{` が必要です"),
        )
    help_ = msg(f'a block looks like `{kind} {name} "label" {{ … }}`', f'ブロックは `{kind} {name} "ラベル" {{ … }}` の形です')
    return diag(
        source, "KPI002", gap_or_token(source, ctx.last, token),
        msg(f"expected `{{` to open the `{kind}` block `{name}`, but found {shown.en}",
            f"`{kind}` ブロック `{name}` を開く `{{` が必要ですが、{shown.ja} がありました"),
        help_, primary=msg("expected `{` here", "ここに `{` が必要です"),
    )


def missing_equals(source, token, ctx) -> Diagnostic:
    shown = show(token)
    name = ctx.statement_name or "my_param"
    label = next((f" {v}" for v in ctx.tail if is_a(v, "STRING") and "\n" not in v), "")
    value = rest_of_line(source, token.start_pos) if on_same_line(source, ctx.last, token) and token.type != "COMPARATOR" else "40%"
    return diag(
        source, "KPI002", gap_or_token(source, ctx.last, token),
        msg(f"expected `=` after param `{name}`, but found {shown.en}", f"`param` `{name}` の後に `=` が必要ですが、{shown.ja} がありました"),
        msg(f"write `param {name}{label} = {value}`", f"`param {name}{label} = {value}` と書いてください"),
        primary=msg("expected `=` here", "ここに `=` が必要です"),
    )


def _ja(word: str) -> str:
    """A kind's Japanese name inside a sentence: Latin words (KPI) take spaces around them, 計画 does not."""
    return f" {word} " if word.isascii() else word
