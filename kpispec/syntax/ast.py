"""The abstract syntax tree: immutable, every node carries its span."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Context, Decimal, localcontext

from ..diagnostics import Span


# Exact for any number a person writes; exponents far beyond MAX_EXPONENT are reported, not computed.
WIDE = Context(prec=80, Emax=10**9, Emin=-(10**9))
MAX_EXPONENT = 1000


@dataclass(frozen=True, slots=True)
class Name:
    text: str
    span: Span


@dataclass(frozen=True, slots=True)
class Text:
    value: str
    span: Span


@dataclass(frozen=True, slots=True)
class Quantity:
    """A written amount: `12億円 per year` is number 12, scale 10^8, unit 円, per year."""

    number: Decimal  # as written, before the scale
    multiplier: Decimal  # from % 万 億 千 k M B
    percent: bool
    unit: Name | None
    per: Name | None
    span: Span
    second_unit: Name | None = None  # `5,000円 JPY`: two units, reported by the resolver

    @property
    def value(self) -> Decimal:
        with localcontext(WIDE):
            return self.number * self.multiplier


# ---------------------------------------------------------------- expressions


@dataclass(frozen=True, slots=True)
class Ref:
    name: Name
    span: Span


@dataclass(frozen=True, slots=True)
class Call:
    function: Name
    args: tuple["Expr", ...]
    span: Span


@dataclass(frozen=True, slots=True)
class Binary:
    op: str  # one of + - * /
    left: "Expr"
    right: "Expr"
    span: Span
    op_span: Span


@dataclass(frozen=True, slots=True)
class Negate:
    operand: "Expr"
    span: Span


@dataclass(frozen=True, slots=True)
class Group:
    inner: "Expr"
    span: Span


Expr = Quantity | Ref | Call | Binary | Negate | Group


# ------------------------------------------------------------------ blocks


@dataclass(frozen=True, slots=True)
class Attr:
    """One attribute line in a block: `target <= 5,000円`, `ksf traffic`, ..."""

    key: str
    key_span: Span
    value: object  # Quantity | Text | Name | Expr | tuple[Name, ...] | (Text, Text) for period
    span: Span
    comparator: str | None = None
    negative: bool = False


@dataclass(frozen=True, slots=True)
class Block:
    kind: str  # "plan", "kgi", "ksf" or "kpi"
    keyword_span: Span
    id: Name
    label: Text | None
    attrs: tuple[Attr, ...]
    span: Span
    open_span: Span


@dataclass(frozen=True, slots=True)
class Param:
    id: Name
    label: Text | None
    value: Expr
    span: Span
    keyword_span: Span


@dataclass(frozen=True, slots=True)
class Assert:
    left: Expr
    op: str
    op_span: Span
    right: Expr
    message: Text | None
    span: Span


@dataclass(frozen=True, slots=True)
class Comment:
    text: str
    span: Span


@dataclass(frozen=True, slots=True)
class Module:
    items: tuple[Block | Param | Assert, ...]
    comments: tuple[Comment, ...]
