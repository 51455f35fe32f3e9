"""Turn lark's parse exceptions into diagnostics a marketer can act on.

The parser's value stack at the failure tells where we are: inside which block,
right after which attribute keyword, in the middle of which expression. From
that we say in words what was expected there (never lark's token names) and
suggest a fix. Every message exists in English and Japanese.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lark import Token, Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken

from ..diagnostics import Diagnostic, Label, Msg, Severity, Span, msg
from ..language import ATTRIBUTES, DECLARATIONS, KEYWORDS, KIND_NAMES
from ..source import SourceFile
from ..suggest import closest

BLOCK_TERMS = {"PLAN": "plan", "KGI": "kgi", "KSF": "ksf", "KPI": "kpi"}
DECL_TERMS = {*BLOCK_TERMS, "PARAM", "ASSERT"}
ATTR_TERMS = {
    "TARGET", "BASELINE", "DEADLINE", "START", "CADENCE", "OWNER", "SOURCE",
    "MEASURE", "DESCRIPTION", "FORMULA", "KSF", "KGI", "PERIOD",
}
TEXT_ATTRS = ("owner", "source", "measure", "description")
DATE_ATTRS = ("deadline", "start", "period")
OPERATORS = {"ADD_OP", "MUL_OP"}
DECLARATION_LIST = msg(
    "`plan`, `kgi`, `ksf`, `kpi`, `param` or `assert`", "`plan`、`kgi`、`ksf`、`kpi`、`param`、`assert` のいずれか"
)

# What each attribute takes, in words, and an example line.
VALUES = {
    "target": (msg("a target value", "目標値"),
               msg("`target 1,000,000 visitors per month`, `target 2.5%` or `target <= 5,000円`",
                   "`target 1,000,000 visitors per month`、`target 2.5%`、`target <= 5,000円`")),
    "baseline": (msg("the current value", "現状値"),
                 msg("`baseline 600,000 visitors per month` or `baseline 2%`", "`baseline 600,000 visitors per month`、`baseline 2%`")),
    "deadline": (msg("a date written YYYY-MM-DD", "YYYY-MM-DD 形式の日付"), msg("`deadline 2027-03-31`", "`deadline 2027-03-31`")),
    "start": (msg("a date written YYYY-MM-DD", "YYYY-MM-DD 形式の日付"), msg("`start 2026-04-01`", "`start 2026-04-01`")),
    "period": (msg("two dates written YYYY-MM-DD", "YYYY-MM-DD 形式の 2 つの日付"),
               msg("`period 2026-04-01 to 2027-03-31`", "`period 2026-04-01 to 2027-03-31`")),
    "cadence": (msg("a cadence (daily, weekly, monthly, quarterly or yearly)", "計測頻度（daily, weekly, monthly, quarterly, yearly または 日次, 週次, 月次, 四半期, 年次）"),
                msg("`cadence weekly`", "`cadence weekly` や `cadence 月次`")),
    "owner": (msg("a text in double quotes", "ダブルクォートで囲んだ文字列"), msg('`owner "EC事業部"`', '`owner "EC事業部"`')),
    "source": (msg("a text in double quotes", "ダブルクォートで囲んだ文字列"), msg('`source "GA4: sessions"`', '`source "GA4: sessions"`')),
    "measure": (msg("a text in double quotes", "ダブルクォートで囲んだ文字列"), msg('`measure "purchases / sessions"`', '`measure "purchases / sessions"`')),
    "description": (msg("a text in double quotes", "ダブルクォートで囲んだ文字列"),
                    msg('`description "…"` (or """triple quotes""" for several lines)', '`description "…"`（複数行なら """三重引用符"""）')),
    "formula": (msg("a formula", "式"), msg("`formula visitors * cvr * aov`", "`formula visitors * cvr * aov`")),
    "ksf": (msg("the id of a KSF", "KSF の id"), msg("`ksf traffic`", "`ksf traffic`")),
    "kgi": (msg("the id of a KGI", "KGI の id"), msg("`kgi revenue`", "`kgi revenue`")),
}

FULLWIDTH_HINTS = {
    "＋": "+", "－": "-", "ー": "-", "＊": "*", "／": "/", "（": "(", "）": ")", "＝": "=", "，": ",", "、": ",",
    "｛": "{", "｝": "}", "＃": "#", "“": '"', "”": '"', "＂": '"', "＞": ">", "＜": "<", "．": ".", "：": ":",
}
CURRENCY_SIGNS = "$¥￥€£"
_DATE_LIKE = re.compile(r"([0-9]{4})\s*[/.年-]\s*([0-9]{1,2})\s*[/.月-]\s*([0-9]{1,2})日?")


# ------------------------------------------------------------ where we are


@dataclass
class Context:
    """Where the parser was when it failed, read off its value stack."""

    stack: list
    block_kind: str | None = None
    block_name: str | None = None
    open_brace: Token | None = None
    closed_brace: Token | None = None  # the `}` of a block that has just ended
    closed_block: Msg | None = None
    attribute: Token | None = None  # the attribute keyword whose value is being read
    tail: list = field(default_factory=list)  # what was read after `attribute` or `statement`
    statement: Token | None = None  # PARAM or ASSERT at top level
    statement_name: str | None = None
    parens: list = field(default_factory=list)  # `(` not closed yet

    @classmethod
    def from_stack(cls, stack) -> "Context":
        ctx = cls(list(stack))
        for index, value in enumerate(ctx.stack):
            if not isinstance(value, Token):
                ctx.tail.append(value)
                continue
            if value.type == "LBRACE":
                ctx.open_brace, ctx.attribute, ctx.tail, ctx.parens = value, None, [], []
                keyword = _previous_token(ctx.stack, index, BLOCK_TERMS)
                if keyword is not None:
                    ctx.block_kind = BLOCK_TERMS[keyword[1].type]
                    after = ctx.stack[keyword[0] + 1] if keyword[0] + 1 < index else None
                    ctx.block_name = after.value if isinstance(after, Token) and after.type == "NAME" else None
            elif value.type == "RBRACE" and ctx.open_brace is not None:
                ctx.closed_brace, ctx.closed_block = value, ctx.block()
                ctx.open_brace = ctx.attribute = ctx.block_kind = None
                ctx.tail = []
            elif value.type in ATTR_TERMS and ctx.open_brace is not None:
                ctx.attribute, ctx.tail, ctx.parens = value, [], []
            elif value.type in ("PARAM", "ASSERT") and ctx.open_brace is None:
                ctx.statement, ctx.tail, ctx.parens = value, [], []
                after = ctx.stack[index + 1] if index + 1 < len(ctx.stack) else None
                ctx.statement_name = after.value if value.type == "PARAM" and isinstance(after, Token) else None
            else:
                ctx.tail.append(value)
                if value.type == "LPAR":
                    ctx.parens.append(value)
                elif value.type == "RPAR" and ctx.parens:
                    ctx.parens.pop()
        return ctx

    @property
    def last(self):
        return self.stack[-1] if self.stack else None

    @property
    def key(self) -> str | None:
        return self.attribute.value if self.attribute is not None else None

    def block(self) -> Msg:
        name = f" `{self.block_name}`" if self.block_name else ""
        return msg(f"the `{self.block_kind}` block{name}", f"`{self.block_kind}` ブロック{name}")

    def where(self) -> Msg:
        if self.block_kind is not None:
            block = self.block()
            return msg(f"I was reading {block.en}", f"{block.ja}を読んでいたところ")
        if self.statement is not None:
            word = self.statement.value
            name = f" `{self.statement_name}`" if self.statement_name else ""
            return msg(f"I was reading the `{word}`{name}", f"`{word}`{name} を読んでいたところ")
        return msg("I was reading the top level of the file", "ファイルの最上位を読んでいたところ")

    def in_expression(self) -> bool:
        if self.attribute is not None:
            return self.attribute.type == "FORMULA" and bool(self.tail)
        if self.statement is None:
            return False
        if self.statement.type == "ASSERT":
            return bool(self.tail)
        return any(_is(t, "EQUALS") for t in self.tail)

    def expression(self) -> Msg:
        if self.attribute is not None:
            name = f" of `{self.block_name}`" if self.block_name else ""
            return msg(f"the formula{name}", f"`{self.block_name}` の式" if self.block_name else "式")
        if self.statement is not None and self.statement.type == "PARAM":
            name = f" `{self.statement_name}`" if self.statement_name else ""
            return msg(f"param{name}", f"param{name}")
        return msg("the assert", "assert の式")


def _previous_token(stack, index, types):
    for i in range(index - 1, -1, -1):
        value = stack[i]
        if isinstance(value, Token) and value.type in types:
            return i, value
    return None


def _is(value, *types) -> bool:
    return isinstance(value, Token) and value.type in types


# ------------------------------------------------------------------ entry


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
        return _unexpected_token(source, token, expected, ctx)
    if isinstance(exc, UnexpectedCharacters):
        return _unexpected_character(source, exc, Context.from_stack(stack))
    return _diag(source, "KPI002", Span(0, 0), msg("syntax error", "構文エラー"), None)  # pragma: no cover


def _swallowed_keyword(source: SourceFile, stack) -> Token | None:
    """A keyword that starts a new line but was read as a name, because a value was still expected."""
    if len(stack) < 2 or not _is(stack[-1], "NAME") or stack[-1].value not in KEYWORDS:
        return None
    before = stack[-2]
    if not _is(before, "ADD_OP", "MUL_OP", "PER", "EQUALS", "COMPARATOR", "LPAR", "COMMA"):
        return None
    name = stack[-1]
    if _line(source, before.end_pos) == _line(source, name.start_pos):
        return None
    return Token(name.value.upper(), name.value, name.start_pos, name.line, name.column, end_pos=name.end_pos)


# ----------------------------------------------------------------- helpers


def _diag(source, code, span, message, help_, labels=(), primary=None) -> Diagnostic:
    return Diagnostic(
        code=code, severity=Severity.ERROR, message=_tidy(message), file=source.path, span=span,
        labels=tuple(Label(lab.span, _tidy(lab.message)) for lab in labels), help=_tidy(help_),
        primary_label=_tidy(primary),
    )


_CODE = re.compile(r"`[^`\n]*`")
_TIGHT = set(" \n（）「」、。：,.")


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


def _line(source: SourceFile, offset: int) -> int:
    return source.position(offset)[0]


def _start(item) -> int:
    if isinstance(item, Token):
        return item.start_pos or 0
    if isinstance(item, Tree):
        return _start(item.children[0]) if item.children else 0
    return item.span.start


def _end(item) -> int:
    if isinstance(item, Token):
        return item.end_pos if item.end_pos is not None else (item.start_pos or 0) + len(item.value)
    if isinstance(item, Tree):
        return _end(item.children[-1]) if item.children else 0
    if isinstance(item, (list, tuple)):
        return _end(item[-1]) if item else 0
    return item.span.end


def _token_span(token: Token) -> Span:
    start = token.start_pos or 0
    if token.type == "$END":
        return Span(start, start)
    return Span(start, max(_end(token), start + 1))


def _gap_or_token(source: SourceFile, previous, token: Token) -> Span:
    """Point right after `previous` when `token` is on a later line (the thing is missing), else at `token`."""
    end = _end(previous)
    if token.type == "$END" or _line(source, end) != _line(source, token.start_pos or 0):
        return Span(end, end)
    return _token_span(token)


def _show(token: Token) -> Msg:
    if token.type == "$END":
        return msg("the end of the file", "ファイルの終わり")
    text = token.value
    if token.type == "STRING" and ("\n" in text or len(text) > 30):
        return msg("a quoted text", "引用符で囲んだ文字列")
    if len(text) > 30:
        text = text[:27] + "…"
    return msg(f"`{text}`", f"`{text}`")


def _snippet(source: SourceFile, item) -> str:
    text = " ".join(source.text[_start(item) : _end(item)].split())
    return text if len(text) <= 30 else text[:27] + "…"


def _after_line(source: SourceFile, item) -> Msg:
    line = _line(source, _end(item))
    return msg(f"after line {line}", f"{line} 行目の後")


def _rest_of_line(source: SourceFile, start: int) -> str:
    end = source.text.find("\n", start)
    text = source.text[start : len(source.text) if end < 0 else end]
    return text.split("#", 1)[0].rstrip()


def _did_you_mean(guess: str) -> Msg:
    return msg(f"did you mean `{guess}`?", f"`{guess}` のことですか？")


def _listing(names) -> str:
    return ", ".join(f"`{n}`" for n in names)


def _expected_words(expected: set[str], ctx: Context) -> Msg:
    """Describe a set of expected terminals in words."""
    en: list[str] = []
    ja: list[str] = []

    def add(e, j):
        if e not in en:
            en.append(e)
            ja.append(j)

    if ctx.block_kind and expected & ATTR_TERMS:
        attrs = ", ".join(f"`{a}`" for a in ATTRIBUTES[ctx.block_kind][:3])
        return msg(f"an attribute such as {attrs}, or `}}` to close the block", f"{attrs} などの属性、またはブロックを閉じる `}}`")
    if expected & DECL_TERMS:
        add(f"a declaration ({DECLARATION_LIST.en})", f"宣言（{DECLARATION_LIST.ja}）")
    if "RBRACE" in expected and ctx.block_kind:
        add("`}` to close the block", "ブロックを閉じる `}`")
    if "LBRACE" in expected:
        add("`{` to open the block", "ブロックを開く `{`")
    if expected & {"AMOUNT", "NAME"} and expected & {"LPAR"}:
        add("a value (a number or an id)", "値（数値または id）")
    elif "AMOUNT" in expected:
        add("a number", "数値")
    elif "NAME" in expected:
        add("a name", "名前")
    if "STRING" in expected and not (expected & ATTR_TERMS):
        add("a text in double quotes", "ダブルクォートで囲んだ文字列")
    if "DATE" in expected:
        add("a date written YYYY-MM-DD", "YYYY-MM-DD 形式の日付")
    for term, word in (("EQUALS", "`=`"), ("TO", "`to`"), ("RPAR", "`)`")):
        if term in expected:
            add(word, word)
    if not en:
        return msg("something else", "別の記述")
    if len(en) == 1:
        return msg(en[0], ja[0])
    return msg(", ".join(en[:-1]) + " or " + en[-1], "、".join(ja[:-1]) + "、または" + ja[-1])


# -------------------------------------------------------- end of the file


def _unexpected_end(source: SourceFile, ctx: Context, expected: set[str]) -> Diagnostic:
    """An unclosed block is the likeliest cause; otherwise the last declaration is unfinished."""
    end = len(source.text.rstrip())
    eof = Span(end, end)
    if ctx.open_brace is not None:
        block = ctx.block()
        return _diag(
            source, "KPI003", _token_span(ctx.open_brace),
            msg(f"{block.en} is never closed: the file ends before its `}}`",
                f"{block.ja}が閉じられていません（`}}` の前にファイルが終わっています）"),
            msg(f"add `}}` after line {_line(source, end)}, the last line of the block",
                f"ブロックの最後の行（{_line(source, end)} 行目）の後に `}}` を追加してください"),
            labels=[Label(eof, msg("the file ends here", "ここでファイルが終わっています"))],
            primary=msg("this `{` has no matching `}`", "この `{` に対応する `}` がありません"),
        )
    token = Token("$END", "", end, *source.position(end), end_pos=end)
    return _unexpected_token(source, token, expected, ctx)


# ------------------------------------------------------ an unexpected token


def _unexpected_token(source: SourceFile, token: Token, expected: set[str], ctx: Context) -> Diagnostic:
    if ctx.attribute is not None:
        found = _in_attribute(source, token, ctx)
        if found is not None:
            return found
    if _is(ctx.last, "PER"):
        return _per_value(source, token, ctx)
    if ctx.in_expression():
        found = _expression(source, token, ctx)
        if found is not None:
            return found
    if ctx.block_kind is not None:
        return _in_block(source, token, ctx)
    if _is(ctx.last, *BLOCK_TERMS, "PARAM"):
        return _missing_id(source, token, ctx.last)
    if "LBRACE" in expected:
        return _missing_open_brace(source, token, ctx)
    if "EQUALS" in expected and ctx.statement is not None:
        return _missing_equals(source, token, ctx)
    if not ctx.stack or ctx.last is ctx.closed_brace or expected & DECL_TERMS or token.type in ATTR_TERMS:
        return _top_level(source, token, ctx)
    return _generic(source, token, expected, ctx)


def _in_attribute(source, token, ctx) -> Diagnostic | None:
    """The value of an attribute is missing or malformed; None when the attribute looks complete."""
    if ctx.attribute.type == "PERIOD" and len(ctx.tail) < 3:
        return _period_value(source, token, ctx)
    if all(_is(t, "COMPARATOR", "ADD_OP") for t in ctx.tail):
        return _attribute_value(source, token, ctx)
    if ctx.attribute.type in ("KSF", "KGI") and token.type in ("STRING", "LBRACE"):
        before = ctx.stack[_index(ctx.stack, ctx.attribute) - 1]
        return _missing_brace(source, token, ctx, new=ctx.attribute, last=before)
    if ctx.attribute.type in ("KSF", "KGI") and token.type == "NAME" and _same_line(source, ctx.last, token):
        key = ctx.key
        return _diag(
            source, "KPI002", _token_span(token),
            msg(f"expected a comma between the ids after `{key}`", f"`{key}` の後の id の間にカンマが必要です"),
            msg(f"separate the ids with commas: `{key} {ctx.last.value}, {token.value}`",
                f"id はカンマで区切ってください：`{key} {ctx.last.value}, {token.value}`"),
            primary=msg("expected `,` before this", "この前に `,` が必要です"),
        )
    return None


def _index(stack, item) -> int:
    return next(i for i, value in enumerate(stack) if value is item)


def _same_line(source, item, token) -> bool:
    return token.type != "$END" and _line(source, _end(item)) == _line(source, token.start_pos or 0)


def _generic(source, token, expected, ctx) -> Diagnostic:
    words = _expected_words(expected, ctx)
    shown = _show(token)
    where = ctx.where()
    return _diag(
        source, "KPI002", _token_span(token),
        msg(f"{where.en} and expected {words.en} here, but found {shown.en}",
            f"{where.ja}、ここには{words.ja}が来るはずでしたが、{shown.ja} がありました"),
        None, primary=msg(f"expected {words.en}", f"{words.ja}が必要です"),
    )


def _top_level(source, token, ctx) -> Diagnostic:
    labels = []
    if ctx.closed_brace is not None and ctx.last is ctx.closed_brace:
        block = ctx.closed_block
        labels.append(Label(_token_span(ctx.closed_brace), msg(f"{block.en} ends here", f"{block.ja}はここで閉じています")))
    if token.type == "RBRACE":
        return _diag(
            source, "KPI003", _token_span(token),
            msg("this `}` closes nothing: no block is open here", "この `}` に対応する `{` がありません（ここで開いているブロックはありません）"),
            msg("remove it, or check the blocks above for a `}` too many", "削除するか、上のブロックで `}` が多すぎないか確認してください"),
            labels=labels, primary=msg("unmatched `}`", "対応する `{` のない `}`"),
        )
    if token.type in ATTR_TERMS:
        return _diag(
            source, "KPI002", _token_span(token),
            msg(f"`{token.value}` is outside any block", f"`{token.value}` がどのブロックにも入っていません"),
            msg(f"attributes go inside the `{{ … }}` of a `kgi`, `ksf` or `kpi` block; check whether a `}}` above closes the block too early",
                f"属性は `kgi`・`ksf`・`kpi` ブロックの `{{ … }}` の中に書きます。上の `}}` でブロックを早く閉じすぎていないか確認してください"),
            labels=labels, primary=msg("an attribute, not a declaration", "宣言ではなく属性です"),
        )
    if token.type == "NAME":
        word = token.value
        if word.lower() in DECLARATIONS:
            help_ = msg(f"keywords are written in lower case: `{word.lower()}`", f"キーワードは小文字で書きます：`{word.lower()}`")
        else:
            guess = closest(word, DECLARATIONS)
            help_ = _did_you_mean(guess) if guess else msg(
                f"each declaration starts with {DECLARATION_LIST.en}, e.g. `kpi cvr \"購入率\" {{ … }}`",
                f"宣言は {DECLARATION_LIST.ja}で始まります（例：`kpi cvr \"購入率\" {{ … }}`）")
        return _diag(
            source, "KPI002", _token_span(token),
            msg(f"`{word}` is not a keyword: a declaration starts with {DECLARATION_LIST.en}",
                f"`{word}` はキーワードではありません。宣言は {DECLARATION_LIST.ja}で始まります"),
            help_, primary=msg("expected a declaration", "ここには宣言が必要です"),
        )
    shown = _show(token)
    return _diag(
        source, "KPI002", _token_span(token),
        msg(f"I was reading the top level of the file and expected a declaration ({DECLARATION_LIST.en}), but found {shown.en}",
            f"ファイルの最上位を読んでいたところ、宣言（{DECLARATION_LIST.ja}）が来るはずでしたが、{shown.ja} がありました"),
        msg('a declaration looks like `kpi cvr "購入率" { … }` or `param gross_margin = 40%`',
            '宣言は `kpi cvr "購入率" { … }` や `param gross_margin = 40%` の形です'),
        primary=msg("expected a declaration", "ここには宣言が必要です"),
    )


def _in_block(source, token, ctx) -> Diagnostic:
    """Where an attribute (or the block's closing `}`) belongs."""
    kind = ctx.block_kind
    allowed = ATTRIBUTES[kind]
    names = KIND_NAMES[kind]
    brace = [Label(_token_span(ctx.open_brace), msg("the block opens here", "ブロックの開始"))]
    if token.type in DECL_TERMS and token.value not in allowed:
        return _missing_brace(source, token, ctx, new=token, last=ctx.last)
    if token.type in ATTR_TERMS:
        owner = "plan" if token.value == "period" else None
        help_ = (msg(f"`{token.value}` belongs in the `plan` block", f"`{token.value}` は `plan` ブロックに書きます") if owner
                 else msg(f"a {names[0]} takes: {_listing(allowed)}", f"{names[1]} で使える属性：{_listing(allowed)}"))
        return _diag(
            source, "KPI105", _token_span(token),
            msg(f"`{token.value}` is not an attribute of a {names[0]}", f"`{token.value}` は {names[1]} の属性ではありません"),
            help_, labels=brace,
        )
    if token.type == "NAME":
        guess = closest(token.value, allowed)
        help_ = _did_you_mean(guess) if guess else msg(
            f"a `{kind}` block takes: {_listing(allowed)}", f"`{kind}` ブロックで使える属性：{_listing(allowed)}")
        return _diag(
            source, "KPI002", _token_span(token),
            msg(f"unknown attribute `{token.value}` in {ctx.block().en}", f"{ctx.block().ja}に未知の属性 `{token.value}` があります"),
            help_, labels=brace, primary=msg("not an attribute", "属性ではありません"),
        )
    where = ctx.where()
    example = ", ".join(f"`{a}`" for a in allowed[:3])
    shown = _show(token)
    if token.type == "STRING":
        help_ = msg('a text follows its attribute: `owner "…"`, `description "…"`',
                    '文字列は属性の後に書きます：`owner "…"`、`description "…"`')
    else:
        help_ = msg(f"each line in a `{kind}` block starts with an attribute: {_listing(allowed)}",
                    f"`{kind}` ブロックの各行は属性で始まります：{_listing(allowed)}")
    return _diag(
        source, "KPI002", _token_span(token),
        msg(f"{where.en} and expected an attribute such as {example} here, but found {shown.en}",
            f"{where.ja}、ここには {example} などの属性が来るはずでしたが、{shown.ja} がありました"),
        help_, labels=brace, primary=msg("expected an attribute", "ここには属性が必要です"),
    )


def _missing_brace(source, token, ctx, new, last) -> Diagnostic:
    block = ctx.block()
    return _diag(
        source, "KPI003", _token_span(new),
        msg(f"{block.en} is not closed before the next declaration starts",
            f"{block.ja}が閉じられないまま、次の宣言が始まっています"),
        msg(f"add `}}` {_after_line(source, last).en} to close {block.en}",
            f"{_after_line(source, last).ja}に `}}` を追加して{block.ja}を閉じてください"),
        labels=[Label(_token_span(ctx.open_brace), msg(f"{block.en} opens here", f"{block.ja}はここから"))],
        primary=msg("expected `}` before this", "この前に `}` が必要です"),
    )


def _missing_id(source, token, keyword) -> Diagnostic:
    kind = keyword.value
    shown = _show(token)
    if token.type in ("STRING", "LBRACE"):
        label = f" {token.value}" if token.type == "STRING" and "\n" not in token.value else ""
        help_ = msg(f"give it an id before its label: `{kind} my_id{label} {{`", f"ラベルの前に id を書いてください：`{kind} my_id{label} {{`")
    elif token.type == "AMOUNT":
        help_ = msg("an id cannot start with a digit: write e.g. `cvr_2026`", "id は数字で始められません（例：`cvr_2026`）")
    else:
        help_ = msg("an id is a name such as `visitors` or `訪問者数`", "id は `visitors` や `訪問者数` のような名前です")
    return _diag(
        source, "KPI002", _gap_or_token(source, keyword, token),
        msg(f"expected an id after `{kind}`, but found {shown.en}", f"`{kind}` の後に id が必要ですが、{shown.ja} がありました"),
        help_, primary=msg("expected an id such as `cvr`", "`cvr` のような id が必要です"),
    )


def _missing_open_brace(source, token, ctx) -> Diagnostic:
    keyword = _previous_token(ctx.stack, len(ctx.stack), BLOCK_TERMS)
    kind = keyword[1].value if keyword else "kpi"
    after = ctx.stack[keyword[0] + 1] if keyword and keyword[0] + 1 < len(ctx.stack) else None
    name = after.value if _is(after, "NAME") else "my_id"
    shown = _show(token)
    if token.type == "NAME" and _same_line(source, ctx.last, token) and not _is(ctx.last, "STRING"):
        text = _rest_of_line(source, token.start_pos).removesuffix("{").rstrip()
        if text.count('"') >= 2 and not text.startswith('"'):
            words = text[: text.index('"')].split()
            fixed = "_".join([name, *words])
            return _diag(
                source, "KPI002", Span(ctx.last.start_pos, token.start_pos + len(" ".join(words))),
                msg(f"an id cannot contain spaces: `{name} {' '.join(words)}`", f"id に空白は使えません：`{name} {' '.join(words)}`"),
                msg(f"join the words, e.g. `{kind} {fixed} {text[text.index(chr(34)):]} {{`",
                    f"語をつないでください（例：`{kind} {fixed} {text[text.index(chr(34)):]} {{`）"),
                primary=msg("one id, one word", "id は 1 語です"),
            )
        text = text.strip('"')
        return _diag(
            source, "KPI002", Span(token.start_pos, token.start_pos + len(text)),
            msg(f"the label of `{name}` must be in double quotes", f"`{name}` のラベルはダブルクォートで囲む必要があります"),
            msg(f'write `{kind} {name} "{text}" {{` (an id is one word, with no spaces)',
                f'`{kind} {name} "{text}" {{` と書いてください（id は空白を含まない 1 語です）'),
            primary=msg("expected a label in double quotes, or `{`", "ダブルクォートで囲んだラベル、または `{` が必要です"),
        )
    help_ = msg(f'a block looks like `{kind} {name} "label" {{ … }}`', f'ブロックは `{kind} {name} "ラベル" {{ … }}` の形です')
    return _diag(
        source, "KPI002", _gap_or_token(source, ctx.last, token),
        msg(f"expected `{{` to open the `{kind}` block `{name}`, but found {shown.en}",
            f"`{kind}` ブロック `{name}` を開く `{{` が必要ですが、{shown.ja} がありました"),
        help_, primary=msg("expected `{` here", "ここに `{` が必要です"),
    )


def _missing_equals(source, token, ctx) -> Diagnostic:
    shown = _show(token)
    name = ctx.statement_name or "my_param"
    label = next((f" {v}" for v in ctx.tail if _is(v, "STRING") and "\n" not in v), "")
    value = _rest_of_line(source, token.start_pos) if _same_line(source, ctx.last, token) and token.type != "COMPARATOR" else "40%"
    return _diag(
        source, "KPI002", _gap_or_token(source, ctx.last, token),
        msg(f"expected `=` after param `{name}`, but found {shown.en}", f"param `{name}` の後に `=` が必要ですが、{shown.ja} がありました"),
        msg(f"write `param {name}{label} = {value}`", f"`param {name}{label} = {value}` と書いてください"),
        primary=msg("expected `=` here", "ここに `=` が必要です"),
    )


# --------------------------------------------------------- attribute values


def _attribute_value(source, token, ctx) -> Diagnostic:
    key = ctx.key
    what, example = VALUES.get(key, (msg("a value", "値"), msg(f"`{key} …`", f"`{key} …`")))
    previous = ctx.tail[-1] if ctx.tail else ctx.attribute
    owner = f" of `{ctx.block_name}`" if ctx.block_name else ""
    owner_ja = f"`{ctx.block_name}` の" if ctx.block_name else ""
    missing = token.type in ("RBRACE", "$END") or token.type in ATTR_TERMS or (
        _line(source, _end(previous)) != _line(source, token.start_pos))
    if missing:
        return _diag(
            source, "KPI002", Span(_end(previous), _end(previous)),
            msg(f"the `{key}`{owner} has no value", f"{owner_ja}`{key}` に値がありません"),
            msg(f"write {what.en} after `{key}`, e.g. {example.en}", f"`{key}` の後に{what.ja}を書いてください（例：{example.ja}）"),
            primary=msg(f"expected {what.en} here", f"ここに{what.ja}が必要です"),
        )
    span = _token_span(token)
    shown = _show(token)
    help_ = msg(f"write it like {example.en}", f"{example.ja} のように書いてください")
    if token.type in ("EQUALS",) or (token.type == "COMPARATOR" and key != "target"):
        help_ = msg(f"an attribute takes no `{token.value}`: write {example.en}", f"属性に `{token.value}` は不要です：{example.ja}")
    elif key in TEXT_ATTRS and token.type in ("NAME", "AMOUNT"):
        text = _rest_of_line(source, token.start_pos)
        if '"' not in text:
            span = Span(token.start_pos, token.start_pos + len(text))
            help_ = msg(f'put the text in double quotes: `{key} "{text}"`', f'文字列はダブルクォートで囲んでください：`{key} "{text}"`')
    elif key in ("target", "baseline") and token.type == "STRING":
        help_ = msg(f"write the number without quotes: `{key} {token.value[1:-1]}`", f"数値は引用符なしで書いてください：`{key} {token.value[1:-1]}`")
    elif key in ("cadence", "ksf", "kgi") and token.type == "STRING":
        help_ = msg(f"write it without quotes: `{key} {token.value[1:-1]}`", f"引用符なしで書いてください：`{key} {token.value[1:-1]}`")
    elif key in DATE_ATTRS and token.type == "AMOUNT":
        return _bad_date(source, token, key, ctx)
    return _diag(
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
        return _diag(
            source, "KPI002", Span(match.start(), match.end()),
            msg(f"`{text}` is not written as a date: dates are written YYYY-MM-DD", f"`{text}` は日付の書式ではありません（日付は YYYY-MM-DD 形式で書きます）"),
            msg(f"write `{fixed}`", f"`{fixed}` と書いてください"),
            primary=msg("expected a date written YYYY-MM-DD", "YYYY-MM-DD 形式の日付が必要です"),
        )
    text = _rest_of_line(source, token.start_pos).split()[0]
    return _diag(
        source, "KPI002", Span(token.start_pos, token.start_pos + len(text)),
        msg(f"expected a date written YYYY-MM-DD after `{key}`, but found `{text}`",
            f"`{key}` の後には YYYY-MM-DD 形式の日付が必要ですが、`{text}` がありました"),
        msg("write the date in full, e.g. `2027-03-31`", "日付は `2027-03-31` のように年・月・日をすべて書いてください"),
        primary=msg("expected a date written YYYY-MM-DD", "YYYY-MM-DD 形式の日付が必要です"),
    )


def _period_value(source, token, ctx) -> Diagnostic:
    if token.type == "AMOUNT":
        return _bad_date(source, token, "period", ctx)
    previous = ctx.tail[-1] if ctx.tail else ctx.attribute
    example = VALUES["period"][1]
    if _is(previous, "DATE") and token.type == "DATE":
        return _diag(
            source, "KPI002", Span(_end(previous), token.start_pos),
            msg("expected `to` between the two dates of the period", "期間の 2 つの日付の間に `to` が必要です"),
            msg(f"write {example.en}", f"{example.ja} と書いてください"),
            primary=msg("expected `to` here", "ここに `to` が必要です"),
        )
    shown = _show(token)
    return _diag(
        source, "KPI002", _gap_or_token(source, previous, token),
        msg(f"expected {VALUES['period'][0].en} after `period`, but found {shown.en}",
            f"`period` の後には{VALUES['period'][0].ja}が必要ですが、{shown.ja} がありました"),
        msg(f"write {example.en}", f"{example.ja} と書いてください"),
        primary=msg("expected a date written YYYY-MM-DD", "YYYY-MM-DD 形式の日付が必要です"),
    )


def _per_value(source, token, ctx) -> Diagnostic:
    periods = msg("periods are day, week, month, quarter and year (or 日, 週, 月, 四半期, 年): `1,000,000 visitors per month`",
                  "期間は day, week, month, quarter, year（または 日, 週, 月, 四半期, 年）です：`1,000,000 visitors per month`")
    if not _same_line(source, ctx.last, token):
        return _diag(
            source, "KPI002", Span(_end(ctx.last), _end(ctx.last)),
            msg("`per` has no period after it", "`per` の後に期間がありません"),
            msg("write a period after `per` (day, week, month, quarter or year), e.g. `1,000,000 visitors per month`",
                "`per` の後に期間（day, week, month, quarter, year または 日, 週, 月, 四半期, 年）を書いてください（例：`1,000,000 visitors per month`）"),
            primary=msg("expected a period such as `month` here", "ここに `month` などの期間が必要です"),
        )
    shown = _show(token)
    return _diag(
        source, "KPI002", _token_span(token),
        msg(f"expected a period after `per`, such as `month`, but found {shown.en}",
            f"`per` の後には `month` などの期間が必要ですが、{shown.ja} がありました"),
        periods, primary=msg("expected a period", "期間が必要です"),
    )


# -------------------------------------------------------------- expressions


def _expression(source, token, ctx) -> Diagnostic | None:
    """Errors inside a formula, a param's value or an assert; None when the expression looks complete."""
    what = ctx.expression()
    last = ctx.last
    same_line = _same_line(source, last, token)
    if ctx.parens and (token.type in ("RBRACE", "STRING") or token.type in DECL_TERMS | ATTR_TERMS or not same_line):
        lpar = ctx.parens[-1]
        return _diag(
            source, "KPI003", _token_span(lpar),
            msg(f"this `(` in {what.en} is never closed", f"{what.ja}の `(` が閉じられていません"),
            msg("add `)` where the bracketed part ends", "かっこで囲む部分の終わりに `)` を追加してください"),
            labels=[Label(Span(_end(last), _end(last)), msg("expected `)` by here", "ここまでに `)` が必要です"))],
            primary=msg("this `(` has no matching `)`", "この `(` に対応する `)` がありません"),
        )
    if _is(last, "ADD_OP", "MUL_OP", "LPAR", "COMMA", "EQUALS", "COMPARATOR"):
        return _missing_operand(source, token, ctx, what, same_line)
    if token.type == "RPAR" and not ctx.parens:
        return _diag(
            source, "KPI003", _token_span(token),
            msg(f"this `)` in {what.en} closes nothing", f"{what.ja}のこの `)` に対応する `(` がありません"),
            msg("remove it, or add the missing `(`", "削除するか、足りない `(` を追加してください"),
            primary=msg("unmatched `)`", "対応する `(` のない `)`"),
        )
    comparing = ctx.statement is not None and ctx.statement.type == "ASSERT" and not any(_is(t, "COMPARATOR") for t in ctx.tail)
    if comparing and not same_line:
        return _diag(
            source, "KPI002", Span(_end(last), _end(last)),
            msg("the assert has no comparison", "assert に比較がありません"),
            msg(f"an assert compares two sides: `assert {_snippet(source, last)} >= …`", f"assert は 2 つの値を比べます：`assert {_snippet(source, last)} >= …`"),
            primary=msg("expected `>=`, `<=` or `==` here", "ここに `>=`・`<=`・`==` が必要です"),
        )
    if token.type in ("NAME", "AMOUNT", "LPAR") and same_line:
        left = _snippet(source, last)
        right = _snippet(source, token)
        if comparing:
            return _diag(
                source, "KPI002", _token_span(token),
                msg(f"missing comparison between `{left}` and `{right}` in the assert",
                    f"assert の `{left}` と `{right}` の間に比較演算子がありません"),
                msg(f"an assert compares two sides: `assert {left} >= {right}`", f"assert は 2 つの値を比べます：`assert {left} >= {right}`"),
                primary=msg("expected `>=`, `<=` or `==` before this", "この前に `>=`・`<=`・`==` が必要です"),
            )
        return _diag(
            source, "KPI002", _token_span(token),
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
    if _is(last, "ADD_OP", "MUL_OP") and ends:
        return _diag(
            source, "KPI002", _token_span(last),
            msg(f"{what.en} ends with `{symbol}`, but a value should follow it", f"{what.ja}が `{symbol}` で終わっています（後に値が必要です）"),
            msg(f"add the missing value after `{symbol}` (an id such as `visitors` or a number), or remove the `{symbol}`",
                f"`{symbol}` の後に値（`visitors` のような id か数値）を書くか、`{symbol}` を削除してください"),
            primary=msg("nothing follows this", "この後に値がありません"),
        )
    shown = _show(token)
    if ends:
        return _diag(
            source, "KPI002", Span(_end(last), _end(last)),
            msg(f"{what.en} has nothing after `{symbol}`", f"{what.ja}で `{symbol}` の後に値がありません"),
            msg(f"write a value after `{symbol}`: an id such as `visitors` or a number", f"`{symbol}` の後に値（`visitors` のような id か数値）を書いてください"),
            primary=msg("expected a value here", "ここに値が必要です"),
        )
    help_ = None
    if _is(last, "COMMA") and token.type == "RPAR":
        help_ = msg("remove the comma before `)`", "`)` の前のカンマを削除してください")
    elif _is(last, "LPAR") and token.type == "RPAR":
        help_ = msg("write a value between the brackets, or remove them", "かっこの中に値を書くか、かっこを削除してください")
    elif token.type in ("ADD_OP", "MUL_OP", "COMPARATOR") and _is(last, "ADD_OP", "MUL_OP"):
        help_ = msg(f"two operators in a row: remove one of `{symbol}` and `{token.value}`",
                    f"演算子が 2 つ続いています：`{symbol}` と `{token.value}` のどちらかを削除してください")
    return _diag(
        source, "KPI002", _token_span(token),
        msg(f"expected a value after `{symbol}` in {what.en}, but found {shown.en}",
            f"{what.ja}で `{symbol}` の後に値が必要ですが、{shown.ja} がありました"),
        help_, primary=msg("expected a value (a number or an id)", "値（数値または id）が必要です"),
    )


# ------------------------------------------------------ a character we cannot read


def _unexpected_character(source: SourceFile, exc: UnexpectedCharacters, ctx: Context) -> Diagnostic:
    pos = exc.pos_in_stream
    char = source.text[pos] if pos < len(source.text) else ""
    span = Span(pos, pos + 1)
    if char == '"':
        return _unterminated_text(source, pos)
    if "\uff10" <= char <= "\uff19":
        run = _run(source.text, pos)
        word = _rest_of_line(source, pos).split()[0]
        ascii_digits = "".join(chr(ord(c) - 0xFEE0) if "\uff01" <= c <= "\uff5e" else c for c in word)
        return _diag(
            source, "KPI001", Span(pos, pos + len(run)),
            msg("full-width digits are not read as a number", "全角数字は数値として読めません"),
            msg(f"write the number with half-width digits: `{ascii_digits}`", f"半角数字で書いてください：`{ascii_digits}`"),
            primary=msg("full-width digits", "全角数字"),
        )
    if char in FULLWIDTH_HINTS:
        fix = FULLWIDTH_HINTS[char]
        return _diag(
            source, "KPI001", span,
            msg(f"full-width `{char}` cannot be used here", f"全角の `{char}` はここでは使えません"),
            msg(f"write the half-width `{fix}` instead", f"半角の `{fix}` を使ってください"),
            primary=msg(f"did you mean `{fix}`?", f"`{fix}` のことですか？"),
        )
    shown = f"`{char}`" if char.isprintable() and not char.isspace() else f"U+{ord(char):04X}"
    before = source.text[:pos]
    if char == "%" and before[-1:] in (" ", "\t", "\u3000") and before.rstrip()[-1:].isdigit():
        number = before.rstrip().split()[-1]
        return _diag(
            source, "KPI001", Span(len(before.rstrip()), pos + 1),
            msg(f"a space separates `%` from `{number}`", f"`{number}` と `%` の間に空白があります"),
            msg(f"write the percent sign right after the number: `{number}%`", f"% は数値の直後に空けずに書きます：`{number}%`"),
            primary=msg("remove this space", "この空白を削除してください"),
        )
    if char in CURRENCY_SIGNS and source.text[pos + 1 : pos + 2].isdigit():
        amount = re.match(r"[0-9][0-9,_]*(?:\.[0-9]+)?[kMB千万億]?", source.text[pos + 1 :])
        unit = {"$": " USD", "€": " EUR", "£": " GBP"}.get(char, "円")
        fixed = f"{amount.group(0)}{unit}"
        return _diag(
            source, "KPI001", span,
            msg(f"`{char}` cannot come before a number: the currency goes after it", f"`{char}` は数値の前に書けません（通貨は数値の後に書きます）"),
            msg(f"write `{fixed}`", f"`{fixed}` と書いてください"),
            primary=msg("currency sign before the number", "数値の前の通貨記号"),
        )
    if ctx.attribute is not None and all(_is(t, "COMPARATOR", "ADD_OP") for t in ctx.tail):
        key = ctx.key
        what, example = VALUES.get(key, (msg("a value", "値"), msg(f"`{key} …`", f"`{key} …`")))
        rest = _rest_of_line(source, pos + 1).strip()
        if char == ":" and rest:
            help_ = msg(f"an attribute takes no colon: write `{key} {rest}`", f"属性の後にコロンは不要です：`{key} {rest}`")
        elif char == "'" and rest.endswith("'"):
            help_ = msg(f'texts are written in double quotes: `{key} "{rest[:-1]}"`', f'文字列はダブルクォートで囲みます：`{key} "{rest[:-1]}"`')
        else:
            help_ = msg(f"write it like {example.en}", f"{example.ja} のように書いてください")
        return _diag(
            source, "KPI001", span,
            msg(f"expected {what.en} after `{key}`, but found {shown}", f"`{key}` の後には{what.ja}が必要ですが、{shown} がありました"),
            help_, primary=msg("this character cannot appear here", "この文字はここでは使えません"),
        )
    if char == "'":
        help_ = msg('texts are written in double quotes: "…"', '文字列はダブルクォート "…" で囲みます')
    else:
        help_ = msg("remove it, or put it inside a text in double quotes", "削除するか、ダブルクォートで囲んだ文字列の中に入れてください")
    where = ctx.where()
    words = _expected_words(set(exc.allowed or ()), ctx)
    labels = [Label(_token_span(ctx.open_brace), msg("the block opens here", "ブロックの開始"))] if ctx.open_brace else []
    return _diag(
        source, "KPI001", span,
        msg(f"unexpected character {shown}: {where.en} and expected {words.en} here",
            f"予期しない文字 {shown}：{where.ja}、ここには{words.ja}が来るはずでした"),
        help_, labels=labels, primary=msg("this character cannot appear here", "この文字はここでは使えません"),
    )


def _unterminated_text(source: SourceFile, pos: int) -> Diagnostic:
    triple = source.text[max(0, pos - 2) : pos + 1] == '"""' or source.text.startswith('"""', pos)
    if triple:
        start = pos - 2 if source.text[max(0, pos - 2) : pos + 1] == '"""' else pos
        return _diag(
            source, "KPI004", Span(start, start + 3),
            msg('this """text""" is never closed: the closing `"""` is missing', 'この """文字列""" が閉じられていません（閉じる `"""` がありません）'),
            msg('add `"""` where the text ends', '文字列の終わりに `"""` を追加してください'),
            primary=msg("the text starts here", "文字列はここから"),
        )
    line_end = source.text.find("\n", pos)
    line_end = len(source.text) if line_end < 0 else line_end
    return _diag(
        source, "KPI004", Span(pos, max(pos + 1, len(source.text[:line_end].rstrip("\r")))),
        msg('this text is never closed: the closing `"` is missing', '文字列が閉じられていません（閉じる `"` がありません）'),
        msg('add `"` at the end of the text; for a text over several lines use """triple quotes"""',
            '文字列の最後に `"` を追加してください。複数行の文字列は """三重引用符""" で囲みます'),
        primary=msg("the text starts here and runs to the end of the line", "文字列がここから行末まで続いています"),
    )


def _run(text: str, pos: int) -> str:
    """Full-width digits from `pos`, with any separators, scale and unit glued to them."""
    end = pos
    while end < len(text) and ("\uff10" <= text[end] <= "\uff19" or text[end] in "，．,.％%"):
        end += 1
    return text[pos:end]
