"""Where the parser stopped, read off its value stack, and what it expected there in words."""

from __future__ import annotations

from lark import Token

from ...diagnostics import Msg, msg
from ...language import ATTRIBUTES
from ...records import field, record


BLOCK_TERMS = {"PLAN": "plan", "KGI": "kgi", "KSF": "ksf", "KPI": "kpi"}
DECL_TERMS = {*BLOCK_TERMS, "PARAM", "ASSERT"}
ATTR_TERMS = {
    "TARGET", "BASELINE", "DEADLINE", "START", "END", "CADENCE", "OWNER", "SOURCE",
    "MEASURE", "DESCRIPTION", "FORMULA", "KSF", "KGI", "PERIOD", "RAMP", "MILESTONES",
}
TEXT_ATTRS = ("owner", "source", "measure", "description")
DATE_ATTRS = ("deadline", "start", "end", "period")
DECLARATION_LIST = msg(
    "`plan`, `kgi`, `ksf`, `kpi`, `param` or `assert`", "`plan`、`kgi`、`ksf`、`kpi`、`param`、`assert` のいずれか"
)


@record
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
    milestones: Token | None = None  # the `{` of a `milestones` block not closed yet

    @classmethod
    def from_stack(cls, stack) -> "Context":
        ctx = cls(list(stack))
        for index, value in enumerate(ctx.stack):
            if not isinstance(value, Token):
                ctx.tail.append(value)
                continue
            if value.type == "LBRACE" and index and is_a(ctx.stack[index - 1], "MILESTONES"):
                ctx.milestones, ctx.attribute, ctx.tail = value, None, []  # inside the block that holds it
            elif value.type == "RBRACE" and ctx.milestones is not None:
                ctx.milestones, ctx.tail = None, []
            elif value.type == "LBRACE":
                ctx.open_brace, ctx.attribute, ctx.tail, ctx.parens = value, None, [], []
                keyword = previous_token(ctx.stack, index, BLOCK_TERMS)
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
        return any(is_a(t, "EQUALS") for t in self.tail)

    def expression(self) -> Msg:
        if self.attribute is not None:
            name = f" of `{self.block_name}`" if self.block_name else ""
            return msg(f"the formula{name}", f"`{self.block_name}` の式" if self.block_name else "式")
        if self.statement is not None and self.statement.type == "PARAM":
            name = f" `{self.statement_name}`" if self.statement_name else ""
            return msg(f"param{name}", f"`param`{name}" if name else "`param`")
        return msg("the assert", "`assert` の式")


def previous_token(stack, index, types):
    for i in range(index - 1, -1, -1):
        value = stack[i]
        if isinstance(value, Token) and value.type in types:
            return i, value
    return None


def is_a(value, *types) -> bool:
    return isinstance(value, Token) and value.type in types


def expected_words(expected: set[str], ctx: Context) -> Msg:
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
        add("a value (a number or an id)", "値（数値または ID）")
    elif "AMOUNT" in expected:
        add("a number", "数値")
    elif "NAME" in expected:
        add("a name", "名前")
    if "STRING" in expected and not (expected & ATTR_TERMS):
        add("a text in double quotes", "ダブルクォートで囲んだ文字列")
    if "DATE" in expected:
        add("a date written YYYY-MM-DD", "`YYYY-MM-DD` 形式の日付")
    for term, word in (("EQUALS", "`=`"), ("TO", "`to`"), ("RPAR", "`)`")):
        if term in expected:
            add(word, word)
    if not en:
        return msg("something else", "別の記述")
    if len(en) == 1:
        return msg(en[0], ja[0])
    return msg(", ".join(en[:-1]) + " or " + en[-1], "、".join(ja[:-1]) + "、または" + ja[-1])
