"""The resolved plan: names bound, values normalised, links known. Immutable."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from .diagnostics import Span
from .records import field, record
from .source import SourceFile
from .syntax import ast
from .units import Unit


@record(frozen=True, slots=True)
class Value:
    """A normalised quantity: `12億円 per year` is value 1200000000, unit JPY, per year."""

    value: Decimal
    unit: Unit
    per: str | None
    percent: bool
    text: str
    span: Span
    # evaluate.base(self), kept once computed: several checks ask for it, and it costs Fractions.
    base_cache: tuple | None = field(default=None, compare=False, hash=False, repr=False)


@record(frozen=True, slots=True)
class Target:
    """A node's target: what it must reach (`>=`) or stay under (`<=`)."""

    comparator: str  # ">=" (higher is better) or "<=" (lower is better: a ceiling)
    value: Value
    span: Span
    explicit: bool  # whether the comparator was written

    @property
    def direction(self) -> str:
        return "down" if self.comparator == "<=" else "up"


@record(frozen=True, slots=True)
class Milestone:
    """`2026-07: 5戸` or `Q2: 600件`: the value from month `first` to month `last`."""

    first: int
    last: int
    value: Value
    text: str  # the month or quarter as written


@record(frozen=True, slots=True)
class Link:
    """A `ksf X` or `kgi X` attribute: this node serves X."""

    kind: str  # "ksf" or "kgi": the kind of the node linked to
    name: ast.Name


@record(frozen=True, slots=True)
class Node:
    """A resolved KGI, KSF or KPI."""

    kind: str  # "kgi", "ksf" or "kpi"
    id: str
    label: str | None
    span: Span
    id_span: Span
    label_span: Span | None
    target: Target | None = None
    baseline: Value | None = None
    deadline: date | None = None
    start: date | None = None
    end: date | None = None  # a rate counts until this day (a campaign), else to the plan's end
    cadence: str | None = None
    owner: str | None = None
    source: str | None = None
    measure: str | None = None
    description: str | None = None
    formula: ast.Expr | None = None
    links: tuple[Link, ...] = ()
    ramp: str | None = None  # "linear" or "step": from the baseline at the start to the target at the deadline
    milestones: tuple = ()  # Milestone, in month order
    broken_links: bool = False  # a `ksf`/`kgi` link that did not resolve (reported by the resolver)
    # Where each attribute is (the first of each name), flat: name, start, end, name, start, end, …
    # Offsets, not the syntax tree's attributes: the tree is let go once the plan is resolved.
    attr_positions: tuple = ()

    @property
    def attr_spans(self) -> dict:
        """Attribute name -> span of its line (made on demand: a dict per node costs memory)."""
        p = self.attr_positions
        return {p[i]: Span(p[i + 1], p[i + 2]) for i in range(0, len(p), 3)}


@record(frozen=True, slots=True)
class Param:
    """A resolved `param`."""

    id: str
    label: str | None
    expr: ast.Expr
    span: Span
    id_span: Span


@record(frozen=True, slots=True)
class PlanInfo:
    """The `plan` block: id, label, period, owner and description."""

    id: str
    label: str | None
    period_start: date | None
    period_end: date | None
    owner: str | None
    description: str | None
    span: Span
    attr_spans: dict = field(default_factory=dict)


@record(frozen=True, slots=True)
class Plan:
    """A resolved plan: its nodes, params and asserts, with the source they came from. It keeps
    no syntax tree but its formulas' (a 100,000-KPI plan's tree is most of its memory)."""

    source: SourceFile
    info: PlanInfo | None
    nodes: dict  # id -> Node, in source order
    params: dict  # id -> Param, in source order
    asserts: tuple[ast.Assert, ...]

    def kinds(self, kind: str) -> list[Node]:
        return [n for n in self.nodes.values() if n.kind == kind]
