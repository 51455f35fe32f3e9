"""What every check shares: the context it reads and the base class it extends.

A check is one class in one module, named code-first (kpi301_targets_miss_goal.py).
Its docstring is its user documentation, with the sections in DOC_SECTIONS; the
docs pages and `kpispec explain CODE` are generated from it.
"""

from __future__ import annotations

from functools import cached_property
from typing import Iterator

from ..config import DEFAULT, Config
from ..diagnostics import Diagnostic, Label, Msg, Severity, Span
from ..ir import Node, Plan

DOC_SECTIONS = ("What it checks", "Why it matters", "Fails", "Passes", "Fix")


class Context:
    """One plan and what checks compute about it, each computed once on first use."""

    def __init__(self, plan: Plan, config: Config = DEFAULT):
        self.plan = plan
        self.config = config
        self.source = plan.source

    @cached_property
    def graph(self):
        from ..graph import Graph

        return Graph(self.plan)

    @cached_property
    def cyclic(self) -> set[str]:
        """Every node on some cycle (every node of a tangled group, not one cycle's)."""
        return self.graph.cyclic_nodes()

    @cached_property
    def arithmetic(self):
        from ..analysis.arithmetic import Arithmetic

        return Arithmetic(self)

    @cached_property
    def labels(self):
        from ..analysis.labels import Labels

        return Labels(self)

    @cached_property
    def links_broken(self) -> bool:
        """Whether a `ksf`/`kgi` link failed to resolve: checks that read the tree's links stay silent."""
        return any(n.broken_links for n in self.plan.nodes.values())

    def nodes(self, *kinds: str) -> list[Node]:
        return [n for n in self.plan.nodes.values() if not kinds or n.kind in kinds]


class Check:
    """Base class: set `code`, `name`, `severity`; implement `run` yielding diagnostics."""

    code: str = ""
    name: str = ""
    severity: Severity = Severity.WARNING
    summary: Msg

    def __init__(self, ctx: Context):
        self.ctx = ctx

    def run(self) -> Iterator[Diagnostic]:  # pragma: no cover - abstract
        raise NotImplementedError

    def diag(self, span: Span, message: Msg, help: Msg | None = None, labels=(), notes=(),
             primary: Msg | None = None) -> Diagnostic:
        return Diagnostic(
            code=self.code, severity=self.severity, message=message, file=self.ctx.source.path, span=span,
            labels=tuple(labels), notes=tuple(notes), help=help, primary_label=primary,
        )

    def label(self, span: Span, en: str, ja: str) -> Label:
        return Label(span, Msg(en, ja))


def node_span(node: Node) -> Span:
    """Where to point for a whole node: its id."""
    return node.id_span


def node_name(node: Node) -> str:
    return f"`{node.id}`" + (f" ({node.label})" if node.label else "")
