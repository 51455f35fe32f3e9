"""Turn lark's parse exceptions into diagnostics a marketer can act on.

The parser state at the failure tells where we are: inside which block, right
after which attribute keyword, in the middle of which expression. From that we
say what was expected in words (never lark's token names) and suggest a fix.
"""

from __future__ import annotations

from dataclasses import dataclass

from lark import Token
from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken

from ..diagnostics import Diagnostic, Label, Msg, Severity, Span, msg
from ..language import ATTRIBUTES, CADENCES, DECLARATIONS, PERIODS
from ..source import SourceFile
from ..suggest import closest

BLOCK_TERMS = {"PLAN": "plan", "KGI": "kgi", "KSF": "ksf", "KPI": "kpi"}
ATTR_TERMS = {
    "TARGET", "BASELINE", "DEADLINE", "START", "CADENCE", "OWNER", "SOURCE",
    "MEASURE", "DESCRIPTION", "FORMULA", "KSF", "KGI", "PERIOD",
}
VALUE_HINTS = {
    "target": msg(
        "a target such as `1,000,000 visitors per month`, `2.5%` or `<= 5,000円`",
        "`1,000,000 visitors per month`、`2.5%`、`<= 5,000円` のような目標値",
    ),
    "baseline": msg("a current value such as `600,000 visitors per month` or `2%`", "`600,000 visitors per month` や `2%` のような現状値"),
    "deadline": msg("a date written as YYYY-MM-DD, such as `2027-03-31`", "`2027-03-31` のような YYYY-MM-DD 形式の日付"),
    "start": msg("a date written as YYYY-MM-DD, such as `2026-04-01`", "`2026-04-01` のような YYYY-MM-DD 形式の日付"),
    "period": msg("`START to END` with dates such as `2026-04-01 to 2027-03-31`", "`2026-04-01 to 2027-03-31` のような期間"),
    "cadence": msg(
        "a cadence: daily, weekly, monthly, quarterly or yearly (or 日次, 週次, 月次, 四半期, 年次)",
        "計測頻度（daily, weekly, monthly, quarterly, yearly または 日次, 週次, 月次, 四半期, 年次）",
    ),
    "owner": msg('a text in double quotes, such as `"EC事業部"`', '`"EC事業部"` のようなダブルクォートで囲んだ文字列'),
    "source": msg('a text in double quotes, such as `"GA4: sessions"`', '`"GA4: sessions"` のようなダブルクォートで囲んだ文字列'),
    "measure": msg('a text in double quotes, such as `"purchases / sessions"`', '`"purchases / sessions"` のようなダブルクォートで囲んだ文字列'),
    "description": msg('a text in double quotes (or """triple quotes""" over several lines)', 'ダブルクォートで囲んだ文字列（複数行なら """三重引用符"""）'),
    "formula": msg("a formula such as `visitors * cvr * aov`", "`visitors * cvr * aov` のような式"),
    "ksf": msg("the id of the KSF this KPI tracks", "この KPI が対応する KSF の id"),
    "kgi": msg("the id of the KGI this serves", "対応する KGI の id"),
}


@dataclass
class Context:
    """Where the parser was when it failed, read off its value stack."""

    block_kind: str | None = None
    block_name: str | None = None
    open_brace: Token | None = None
    attribute: Token | None = None  # the attribute keyword whose value is being read
    statement: Token | None = None  # PARAM or ASSERT at top level
    last: object = None  # the last thing successfully read

    @classmethod
    def from_stack(cls, stack) -> "Context":
        ctx = cls()
        for index, value in enumerate(stack):
            if not isinstance(value, Token):
                continue
            if value.type == "LBRACE":
                ctx.open_brace = value
                ctx.attribute = None
                keyword = next(
                    (v for v in reversed(stack[:index]) if isinstance(v, Token) and v.type in BLOCK_TERMS), None
                )
                if keyword is not None:
                    ctx.block_kind = BLOCK_TERMS[keyword.type]
                    name = stack[stack.index(keyword) + 1] if stack.index(keyword) + 1 < len(stack) else None
                    ctx.block_name = name.value if isinstance(name, Token) and name.type == "NAME" else None
            elif value.type in ATTR_TERMS and ctx.open_brace is not None:
                ctx.attribute = value
            elif value.type in ("PARAM", "ASSERT"):
                ctx.statement = value
        if stack:
            ctx.last = stack[-1]
        return ctx

    def where(self) -> Msg:
        if self.block_kind is None:
            if self.statement is not None:
                return msg(f"I was reading a `{self.statement.value}` statement", f"`{self.statement.value}` 文を読んでいて")
            return msg("I was reading the top level of the file", "ファイルの最上位を読んでいて")
        name = f" `{self.block_name}`" if self.block_name else ""
        return msg(f"I was reading the `{self.block_kind}` block{name}", f"`{self.block_kind}` ブロック{name}を読んでいて")


def syntax_error(source: SourceFile, exc: UnexpectedInput) -> Diagnostic:
    stack = list(getattr(getattr(exc, "state", None), "value_stack", None) or [])
    ctx = Context.from_stack(stack)
    if isinstance(exc, UnexpectedToken):
        if exc.token.type == "$END":
            return _unexpected_end(source, ctx)
        return _unexpected_token(source, exc, ctx)
    if isinstance(exc, UnexpectedCharacters):
        return _unexpected_character(source, exc, ctx)
    return _diag(source, "KPI002", Span(0, 0), msg("syntax error", "構文エラー"), None)  # pragma: no cover


# ----------------------------------------------------------------- helpers


def _diag(source, code, span, message, help_, labels=(), primary=None) -> Diagnostic:
    return Diagnostic(
        code=code, severity=Severity.ERROR, message=message, file=source.path, span=span,
        labels=tuple(labels), help=help_, primary_label=primary,
    )


def _token_span(token: Token) -> Span:
    start = token.start_pos or 0
    end = token.end_pos if token.end_pos is not None else start + len(token.value)
    return Span(start, max(end, start + 1))


def _show(token: Token) -> Msg:
    text = token.value
    if token.type == "STRING":
        return msg("a quoted text", "引用符で囲んだ文字列")
    if len(text) > 30:
        text = text[:27] + "…"
    return msg(f"`{text}`", f"`{text}`")


def _brace_label(source: SourceFile, ctx: Context) -> list[Label]:
    if ctx.open_brace is None:
        return []
    line, _ = source.position(ctx.open_brace.start_pos)
    return [Label(_token_span(ctx.open_brace), msg(f"block opened here (line {line})", f"ここでブロックが開始（{line}行目）"))]


def _expected_words(expected: set[str], ctx: Context) -> Msg:
    """Describe a set of expected terminals in words."""
    parts_en: list[str] = []
    parts_ja: list[str] = []

    def add(en, ja):
        if en not in parts_en:
            parts_en.append(en)
            parts_ja.append(ja)

    if ctx.block_kind and expected & ATTR_TERMS:
        attrs = ", ".join(f"`{a}`" for a in ATTRIBUTES[ctx.block_kind][:4])
        add(f"an attribute such as {attrs}", f"{attrs} などの属性")
    elif expected & set(BLOCK_TERMS) | (expected & {"PARAM", "ASSERT"}):
        add("a declaration (`plan`, `kgi`, `ksf`, `kpi`, `param` or `assert`)", "宣言（`plan`、`kgi`、`ksf`、`kpi`、`param`、`assert`）")
    if "RBRACE" in expected:
        add("`}` to close the block", "ブロックを閉じる `}`")
    if "LBRACE" in expected:
        add("`{` to open the block", "ブロックを開く `{`")
    if "MUL_OP" in expected or ("ADD_OP" in expected and "AMOUNT" not in expected):
        add("an operator (`+` `-` `*` `/`)", "演算子（`+` `-` `*` `/`）")
    if "COMPARATOR" in expected and not ctx.block_kind:
        add("a comparison (`>=`, `<=`, `>`, `<`, `==`)", "比較演算子（`>=`、`<=`、`>`、`<`、`==`）")
    if "AMOUNT" in expected:
        add("a number", "数値")
    if "NAME" in expected and "AMOUNT" in expected:
        add("an id", "id")
    elif "NAME" in expected and not (expected & ATTR_TERMS):
        add("a name", "名前")
    if "STRING" in expected and not (expected & ATTR_TERMS):
        add('a text in double quotes', "ダブルクォートで囲んだ文字列")
    if "DATE" in expected:
        add("a date (YYYY-MM-DD)", "日付（YYYY-MM-DD）")
    if "EQUALS" in expected:
        add("`=`", "`=`")
    if "TO" in expected:
        add("`to`", "`to`")
    if "RPAR" in expected:
        add("`)`", "`)`")
    if not parts_en:
        add("something else", "別の記述")
    if len(parts_en) == 1:
        return msg(parts_en[0], parts_ja[0])
    return msg(", ".join(parts_en[:-1]) + " or " + parts_en[-1], "、".join(parts_ja[:-1]) + "、または" + parts_ja[-1])


# ------------------------------------------------------------ the failures


def _unexpected_end(source: SourceFile, ctx: Context) -> Diagnostic:
    end = len(source.text.rstrip())
    eof = Span(end, end)
    if ctx.open_brace is not None:
        name = f" `{ctx.block_name}`" if ctx.block_name else ""
        line, _ = source.position(ctx.open_brace.start_pos)
        return _diag(
            source, "KPI003", _token_span(ctx.open_brace),
            msg(
                f"the `{ctx.block_kind}` block{name} is never closed: the file ends before its `}}`",
                f"`{ctx.block_kind}` ブロック{name} が閉じられていません（`}}` の前にファイルが終わっています）",
            ),
            msg(f"add `}}` after the block's last attribute (the block opens at line {line})",
                f"ブロックの最後の属性の後に `}}` を追加してください（ブロックは {line} 行目で開始）"),
            labels=[Label(eof, msg("the file ends here", "ここでファイルが終わっています"))],
            primary=msg("this `{` has no matching `}`", "この `{` に対応する `}` がありません"),
        )
    what = ctx.where()
    return _diag(
        source, "KPI003", eof,
        msg(f"unexpected end of file: {what.en} and it stopped in the middle",
            f"ファイルが途中で終わっています：{what.ja}途中で終わりました"),
        msg("finish the last statement", "最後の文を完成させてください"),
    )


def _unexpected_token(source: SourceFile, exc: UnexpectedToken, ctx: Context) -> Diagnostic:
    token = exc.token
    expected = set(exc.expected)
    span = _token_span(token)
    shown = _show(token)
    labels = _brace_label(source, ctx)
    where = ctx.where()

    # Right after an attribute keyword: its value is missing or malformed.
    if isinstance(ctx.last, Token) and ctx.last.type in ATTR_TERMS and ctx.block_kind:
        key = ctx.last.value
        hint = VALUE_HINTS.get(key, msg("a value", "値"))
        help_ = msg(f"write {hint.en} after `{key}`", f"`{key}` の後に{hint.ja}を書いてください")
        if token.type == "NAME" and key in ("owner", "source", "measure", "description"):
            help_ = msg(f'put the text in double quotes: `{key} "{token.value}"`', f'文字列はダブルクォートで囲んでください：`{key} "{token.value}"`')
        elif token.type == "STRING" and key in ("target", "baseline"):
            help_ = msg("write the number without quotes, e.g. `target 2.5%`", "数値は引用符なしで書いてください（例：`target 2.5%`）")
        elif token.type == "AMOUNT" and key in ("deadline", "start"):
            help_ = msg("write dates as YYYY-MM-DD, e.g. `2027-03-31`", "日付は YYYY-MM-DD 形式で書いてください（例：`2027-03-31`）")
        return _diag(
            source, "KPI002", span,
            msg(f"`{key}` needs {hint.en}, but found {shown.en}", f"`{key}` には{hint.ja}が必要ですが、{shown.ja} がありました"),
            help_, labels=[Label(_token_span(ctx.last), msg(f"`{key}` starts here", f"`{key}` はここから"))],
            primary=msg(f"expected {hint.en}", f"{hint.ja}が必要です"),
        )

    # Inside a block, where a new attribute (or the closing brace) belongs.
    if ctx.block_kind and expected & ATTR_TERMS and "RBRACE" in expected:
        allowed = ATTRIBUTES[ctx.block_kind]
        listing = ", ".join(f"`{a}`" for a in allowed)
        if token.type in BLOCK_TERMS or token.type in ("PARAM", "ASSERT"):
            line, _ = source.position(ctx.open_brace.start_pos)
            return _diag(
                source, "KPI003", span,
                msg(f"{where.en} and found `{token.value}` before the block was closed",
                    f"{where.ja}、ブロックが閉じられる前に `{token.value}` が現れました"),
                msg(f"add `}}` to close the block opened at line {line} before starting a new declaration",
                    f"新しい宣言の前に、{line} 行目で開始したブロックを `}}` で閉じてください"),
                labels=labels, primary=msg("expected `}` before this", "この前に `}` が必要です"),
            )
        if token.type == "NAME":
            guess = closest(token.value, allowed)
            if guess:
                help_ = msg(f"did you mean `{guess}`?", f"`{guess}` のことですか？")
            else:
                help_ = msg(f"a `{ctx.block_kind}` block takes: {listing}", f"`{ctx.block_kind}` ブロックで使える属性：{listing}")
            return _diag(
                source, "KPI002", span,
                msg(f"unknown attribute `{token.value}` in the `{ctx.block_kind}` block", f"`{ctx.block_kind}` ブロックに未知の属性 `{token.value}` があります"),
                help_, labels=labels, primary=msg("not an attribute", "属性ではありません"),
            )
        return _diag(
            source, "KPI002", span,
            msg(f"{where.en} and expected an attribute or `}}`, but found {shown.en}",
                f"{where.ja}、属性または `}}` を期待しましたが {shown.ja} がありました"),
            msg(f"each line in a `{ctx.block_kind}` block starts with an attribute: {listing}",
                f"`{ctx.block_kind}` ブロックの各行は属性で始まります：{listing}"),
            labels=labels, primary=msg("expected an attribute here", "ここには属性が必要です"),
        )

    # After `per`: a period word.
    if isinstance(ctx.last, Token) and ctx.last.type == "PER":
        periods = ", ".join(p for p in PERIODS if p.isascii())
        return _diag(
            source, "KPI002", span,
            msg(f"`per` needs a period ({periods}), but found {shown.en}", f"`per` の後には期間（{periods}）が必要ですが {shown.ja} がありました"),
            msg("write e.g. `1,000,000 visitors per month`", "例：`1,000,000 visitors per month`"),
            primary=msg("expected a period", "期間が必要です"),
        )

    # Top level: a declaration was expected.
    if ctx.block_kind is None and ctx.statement is None and (expected & set(BLOCK_TERMS)):
        if token.type == "NAME":
            guess = closest(token.value, DECLARATIONS)
            help_ = (
                msg(f"did you mean `{guess}`?", f"`{guess}` のことですか？") if guess
                else msg("a file holds `plan`, `param`, `kgi`, `ksf`, `kpi` and `assert` declarations",
                         "ファイルには `plan`、`param`、`kgi`、`ksf`、`kpi`、`assert` の宣言を書きます")
            )
            return _diag(
                source, "KPI002", span,
                msg(f"unknown declaration `{token.value}`", f"未知の宣言 `{token.value}`"), help_,
                primary=msg("expected `plan`, `kgi`, `ksf`, `kpi`, `param` or `assert`", "`plan`、`kgi`、`ksf`、`kpi`、`param`、`assert` のいずれかが必要です"),
            )
        if token.type == "RBRACE":
            return _diag(
                source, "KPI002", span,
                msg("this `}` closes nothing", "この `}` に対応する `{` がありません"),
                msg("remove it, or check the `{` of the block above", "削除するか、上のブロックの `{` を確認してください"),
                primary=msg("unmatched `}`", "対応のない `}`"),
            )

    # After a block keyword: the id is missing or is not a name.
    if isinstance(ctx.last, Token) and ctx.last.type in BLOCK_TERMS and "NAME" in expected:
        kind = BLOCK_TERMS[ctx.last.type]
        if token.type == "STRING":
            help_ = msg(f'give the {kind} an id before its label: `{kind} my_id {token.value} {{`',
                        f'ラベルの前に id を書いてください：`{kind} my_id {token.value} {{`')
        elif token.type in ATTR_TERMS or token.type in BLOCK_TERMS:
            help_ = msg(f"`{token.value}` is a keyword and cannot be an id; choose another name",
                        f"`{token.value}` はキーワードなので id にできません。別の名前にしてください")
        else:
            help_ = msg("ids are names such as `visitors` or `訪問者数`; they cannot start with a digit",
                        "id は `visitors` や `訪問者数` のような名前です（数字で始めることはできません）")
        return _diag(
            source, "KPI002", span,
            msg(f"expected an id after `{ctx.last.value}`, but found {shown.en}", f"`{ctx.last.value}` の後に id が必要ですが {shown.ja} がありました"),
            help_, primary=msg("expected an id", "id が必要です"),
        )

    words = _expected_words(expected, ctx)
    help_ = None
    if "MUL_OP" in expected and token.type in ("NAME", "AMOUNT", "LPAR"):
        help_ = msg("put an operator between two values, e.g. `visitors * cvr`", "値と値の間には演算子を書いてください（例：`visitors * cvr`）")
    elif "LBRACE" in expected:
        help_ = msg('a block looks like `kpi visitors "月間訪問者数" { … }`', 'ブロックは `kpi visitors "月間訪問者数" { … }` の形です')
    elif "EQUALS" in expected:
        help_ = msg('a param looks like `param gross_margin "粗利率" = 40%`', 'param は `param gross_margin "粗利率" = 40%` の形です')
    elif "COMPARATOR" in expected:
        help_ = msg('an assert looks like `assert roas >= 1 / gross_margin "message"`', 'assert は `assert roas >= 1 / gross_margin "メッセージ"` の形です')
    return _diag(
        source, "KPI002", span,
        msg(f"{where.en} and expected {words.en}, but found {shown.en}", f"{where.ja}、{words.ja}を期待しましたが {shown.ja} がありました"),
        help_, labels=labels, primary=msg(f"expected {words.en}", f"{words.ja}が必要です"),
    )


FULLWIDTH_HINTS = {
    "＋": "+", "－": "-", "ー": "-", "＊": "*", "／": "/", "（": "(", "）": ")", "＝": "=",
    "，": ",", "、": ",", "｛": "{", "｝": "}", "＃": "#", "“": '"', "”": '"', "＂": '"', "＞": ">", "＜": "<",
}


def _unexpected_character(source: SourceFile, exc: UnexpectedCharacters, ctx: Context) -> Diagnostic:
    pos = exc.pos_in_stream
    char = source.text[pos] if pos < len(source.text) else ""
    span = Span(pos, pos + 1)
    if char == '"':
        line_end = source.text.find("\n", pos)
        line_end = len(source.text) if line_end < 0 else line_end
        return _diag(
            source, "KPI004", Span(pos, max(pos + 1, line_end)),
            msg("this text is never closed: the closing `\"` is missing", "文字列が閉じられていません（閉じる `\"` がありません）"),
            msg('add `"` at the end of the text; for text over several lines use """triple quotes"""',
                '文字列の最後に `"` を追加してください。複数行の文字列は """三重引用符""" で囲みます'),
            primary=msg("the text starts here", "文字列はここから"),
        )
    if "\uff10" <= char <= "\uff19":
        ascii_digits = "".join(chr(ord(c) - 0xFEE0) if "\uff10" <= c <= "\uff19" else c for c in _run(source.text, pos))
        return _diag(
            source, "KPI001", Span(pos, pos + len(_run(source.text, pos))),
            msg("full-width digits are not read as a number", "全角数字は数値として読めません"),
            msg(f"write the number with half-width digits: `{ascii_digits}`", f"半角数字で書いてください：`{ascii_digits}`"),
            primary=msg("full-width digits", "全角数字"),
        )
    if char in FULLWIDTH_HINTS:
        fix = FULLWIDTH_HINTS[char]
        return _diag(
            source, "KPI001", span,
            msg(f"unexpected full-width character `{char}`", f"全角文字 `{char}` は使えません"),
            msg(f"write the half-width `{fix}` instead", f"半角の `{fix}` を使ってください"),
            primary=msg(f"did you mean `{fix}`?", f"`{fix}` のことですか？"),
        )
    shown = repr(char)[1:-1] if not char.isprintable() else char
    if char == "%":
        help_ = msg("write the percent sign right after the number, with no space: `2.5%`", "% は数値の直後に空けずに書きます：`2.5%`")
    elif char == "$" or char == "¥" or char == "￥":
        help_ = msg("write the currency after the number: `100 USD`, `5,000円`", "通貨は数値の後に書きます：`100 USD`、`5,000円`")
    elif isinstance(ctx.last, Token) and ctx.last.type in ("DEADLINE", "START", "PERIOD", "TO"):
        help_ = msg("write dates as YYYY-MM-DD, e.g. `2027-03-31`", "日付は YYYY-MM-DD 形式で書いてください（例：`2027-03-31`）")
    elif char == "'":
        help_ = msg('texts are written in double quotes: "…"', '文字列はダブルクォート "…" で囲みます')
    else:
        help_ = msg("remove it, or put it inside a quoted text", "削除するか、ダブルクォートの文字列の中に入れてください")
    where = ctx.where()
    words = _expected_words(set(exc.allowed or ()), ctx)
    return _diag(
        source, "KPI001", span,
        msg(f"unexpected character `{shown}`: {where.en} and expected {words.en}",
            f"予期しない文字 `{shown}`：{where.ja}、{words.ja}を期待していました"),
        help_, labels=_brace_label(source, ctx), primary=msg("unexpected character", "予期しない文字"),
    )


def _run(text: str, pos: int) -> str:
    end = pos
    while end < len(text) and ("\uff10" <= text[end] <= "\uff19" or text[end] in "，．,."):
        end += 1
    return text[pos:end]


CADENCE_WORDS = tuple(CADENCES)
