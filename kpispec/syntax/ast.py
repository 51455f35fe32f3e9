"""The abstract syntax tree: immutable, every node carries its span.

Nodes store their offsets as plain ints and make `Span` objects on demand: a plan of
100,000 KPIs has millions of spans, and holding each as an object cost ~185 MB.
"""

from __future__ import annotations

from decimal import MAX_EMAX, MAX_PREC, MIN_EMIN, Context, Decimal

from ..diagnostics import Span
from ..records import record


# Numbers are limited to 10^±MAX_EXPONENT: one beyond it is reported (KPI016), not computed.
MAX_EXPONENT = 1000
# For the additions and multiplications that read a written number: exact for any number of
# digits (they cost what the digits cost, not what the precision allows). Never divide in it.
EXACT = Context(prec=MAX_PREC, Emax=MAX_EMAX, Emin=MIN_EMIN)
# What a number beyond the limit is held as: 10^±(MAX_EXPONENT + 1), of the sign of its exponent.
TOO_LARGE = Decimal((0, (1,), MAX_EXPONENT + 1))
# The multiplier of an amount written without a scale (shared: `value` is then the number itself).
ONE = Decimal(1)
TOO_SMALL = Decimal((0, (1,), -MAX_EXPONENT - 1))


class _Spanned:
    __slots__ = ()

    @property
    def span(self) -> Span:
        return Span(self.start, self.end)


@record(frozen=True, slots=True)
class Name(_Spanned):
    """A name as written: it ends where its text ends, so only its start is stored."""

    text: str
    start: int

    @property
    def end(self) -> int:
        return self.start + len(self.text)


@record(frozen=True, slots=True)
class Text(_Spanned):
    """A quoted text or a bare value as written, with where it starts and ends."""

    value: str
    start: int
    end: int


@record(frozen=True, slots=True)
class Quantity(_Spanned):
    """A written amount: `12億円 per year` is number 12, scale 10^8, unit 円, per year.

    Its value is exact. A number beyond 10^±MAX_EXPONENT (`1e1001`, `1e99999999999999999999`,
    `1e999999999999999999億`) has its exact power of ten in `power` and is held as TOO_LARGE or
    TOO_SMALL, so that no computation ever meets an exponent it cannot hold; the resolver
    reports it (KPI016).
    """

    number: Decimal  # as written, before the scale (the stand-in when `power` is set)
    multiplier: Decimal  # from % 万 億 千 k M B: a power of ten
    percent: bool
    unit: Name | None
    per: Name | None
    start: int
    end: int
    second_unit: Name | None = None  # `5,000円 JPY`: two units, reported by the resolver
    # The power of ten of a number beyond 10^±MAX_EXPONENT: an int, or an integral Decimal when
    # it has more than 30 digits (`1e` followed by a million digits).
    power: int | Decimal | None = None
    # `1万2万円`: the Japanese scales that break the order of a Japanese number (reported, KPI017).
    misordered: str | None = None
    # `3,000円/人`, `80円 per visitor`: what one amount is per (a count, or a currency), beside
    # the period. The resolver decides whether a word after `per` is a period or a count.
    per_unit: Name | None = None
    # A second period or a second per-unit (`100件/月/年`, `5円/人/件`): reported by the resolver.
    extra_per: Name | None = None
    # whether the per-unit was glued after a slash (`3,000円/人`): in a formula, a slash before the
    # name of one of the plan's ids divides by it instead (`1,000万円/人` with a KPI `人`)
    slashed: bool = False

    @property
    def value(self) -> Decimal:
        if self.multiplier is ONE:  # × 1 would make an equal Decimal: 104 bytes per amount kept
            return self.number
        return EXACT.multiply(self.number, self.multiplier)

    @property
    def plain(self) -> bool:
        """A bare number: no unit, no %, nothing it is per (a multiplier such as `12`)."""
        return self.unit is None and not self.percent and self.per is None and self.per_unit is None


# ---------------------------------------------------------------- expressions


@record(frozen=True, slots=True)
class Ref:
    """A name used in a formula."""

    name: Name

    @property
    def span(self) -> Span:
        return self.name.span

    @property
    def start(self) -> int:
        return self.name.start

    @property
    def end(self) -> int:
        return self.name.end


@record(frozen=True, slots=True)
class Call(_Spanned):
    """`sum(…)`, `min(…)` or `max(…)` with its arguments."""

    function: Name
    args: tuple["Expr", ...]
    start: int
    end: int


@record(frozen=True, slots=True)
class Binary(_Spanned):
    """`left op right` in a formula."""

    op: str  # one of + - * /
    left: "Expr"
    right: "Expr"
    start: int
    end: int
    op_start: int
    op_end: int

    @property
    def op_span(self) -> Span:
        return Span(self.op_start, self.op_end)


@record(frozen=True, slots=True)
class Negate(_Spanned):
    """`-operand` in a formula."""

    operand: "Expr"
    start: int
    end: int


@record(frozen=True, slots=True)
class Group(_Spanned):
    """`(inner)` in a formula: kept for its span."""

    inner: "Expr"
    start: int
    end: int


Expr = Quantity | Ref | Call | Binary | Negate | Group


# ------------------------------------------------------------------ blocks


@record(frozen=True, slots=True)
class Milestone(_Spanned):
    """`2026-07: 5戸` or `Q2: 600件`: a month or quarter as written, and the value for it."""

    when: Text
    quantity: Quantity
    negative: bool
    start: int
    end: int


@record(frozen=True, slots=True)
class Attr(_Spanned):
    """One attribute line in a block: `target <= 5,000円`, `ksf traffic`, ..."""

    key: str  # the keyword as written
    value: object  # Quantity | Text | Name | Expr | tuple[Name, ...] | (Text, Text) for period
    start: int
    end: int
    comparator: str | None = None
    negative: bool = False

    @property
    def key_span(self) -> Span:
        return Span(self.start, self.start + len(self.key))


@record(frozen=True, slots=True)
class Block(_Spanned):
    """A `plan`, `kgi`, `ksf` or `kpi` block with its attributes."""

    kind: str  # "plan", "kgi", "ksf" or "kpi"
    id: Name
    label: Text | None
    attrs: tuple[Attr, ...]
    start: int
    end: int
    open_start: int

    @property
    def keyword_span(self) -> Span:
        return Span(self.start, self.start + len(self.kind))

    @property
    def open_span(self) -> Span:
        return Span(self.open_start, self.open_start + 1)


@record(frozen=True, slots=True)
class Param(_Spanned):
    """A `param` declaration."""

    id: Name
    label: Text | None
    value: Expr
    start: int
    end: int

    @property
    def keyword_span(self) -> Span:
        return Span(self.start, self.start + len("param"))


@record(frozen=True, slots=True)
class Assert(_Spanned):
    """An `assert left op right` statement."""

    left: Expr
    op: str
    op_span: Span
    right: Expr
    message: Text | None
    start: int
    end: int


@record(frozen=True, slots=True)
class Comment(_Spanned):
    """A `#` comment, kept for suppressions and layout."""

    text: str
    start: int
    end: int


@record(frozen=True, slots=True)
class Module:
    """A parsed file: its declarations and its comments."""

    items: tuple[Block | Param | Assert, ...]
    comments: tuple[Comment, ...]
