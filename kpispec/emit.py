"""Resolved plan -> compiled JSON, shaped and checked by the pydantic models in model.py."""

from __future__ import annotations

import unicodedata
from decimal import Decimal, localcontext
from fractions import Fraction

from . import jsonout, months
from .analysis import timeline
from .diagnostics import Span
from .ir import Node, Plan, Value
from .resolve import normalise, refs
from .source import SourceFile
from .syntax import ast


def location(source: SourceFile, span: Span) -> dict:
    line, column = source.position(span.start)
    end_line, end_column = source.position(span.end)
    return {"line": line, "column": column, "end_line": end_line, "end_column": end_column}


def quantity(v: Value) -> dict:
    return {
        "value": v.value, "unit": v.unit.code, "unit_kind": v.unit.kind, "per": v.per,
        "per_unit": v.unit.per,        "percent": v.percent, "text": v.text,
    }


def expr(source: SourceFile, node) -> dict:
    if isinstance(node, ast.Quantity):
        return {"type": "number", "quantity": quantity(normalise(source, node))}
    if isinstance(node, ast.Ref):
        return {"type": "ref", "id": node.name.text}
    if isinstance(node, ast.Binary):
        return {"type": "binary", "op": node.op, "left": expr(source, node.left), "right": expr(source, node.right)}
    if isinstance(node, ast.Negate):
        return {"type": "negate", "operand": expr(source, node.operand)}
    if isinstance(node, ast.Group):
        return expr(source, node.inner)
    if isinstance(node, ast.Call):
        return {"type": "call", "function": node.function.text, "args": [expr(source, a) for a in node.args]}
    raise TypeError(f"unknown expression node {type(node).__name__}")


def literal(source: SourceFile, e) -> dict | None:
    """The quantity a param is set to, when it is one written number (possibly negative)."""
    if isinstance(e, ast.Group):
        return literal(source, e.inner)
    if isinstance(e, ast.Quantity):
        return quantity(normalise(source, e))
    if isinstance(e, ast.Negate) and isinstance(e.operand, ast.Quantity):
        return quantity(normalise(source, e.operand, negative=True))
    return None


def one_line(source: SourceFile, span: Span) -> str:
    """An expression's text on one line, without the comments written inside it, its ids as they are
    read (NFKC, syntax/names.py: `ＣＰＡ * 件数` is `CPA * 件数`, as its inputs and expr say)."""
    from .syntax.spacing import one_line as spaced

    text = spaced(source.slice(span))  # as `kpispec fmt` lays it out: the JSON of a formatted plan is the same
    return text if text.isascii() else unicodedata.normalize("NFKC", text)


def series(n: Node, period: tuple | None) -> list | None:
    """The node's target month by month over the plan's period, for a target that changes over time."""
    months_ = timeline.monthly(n, *period) if period is not None else None
    if months_ is None:
        return None
    return [{"month": months.label(i), "start": first.isoformat(), "end": last.isoformat(), "value": _decimal(x),
             "exact": str(x)} for i, first, last, x in months_]


def _decimal(x: Fraction) -> Decimal:
    """x as a decimal, exactly where it ends, else to 12 places (with the digits its size needs)."""
    digits = len(str(abs(x.numerator))) + len(str(x.denominator)) + 14
    with localcontext() as ctx:
        ctx.prec = digits
        d = Decimal(x.numerator) / Decimal(x.denominator)
        if Fraction(d) != x:
            d = d.quantize(Decimal(1).scaleb(-12))
        return d.normalize() if d == d.to_integral_value() else d


def verdict(standing, lang: str = "en") -> dict:
    """A node's standing (analysis.goals.Standing) as the compiled JSON carries it (`compile --with-verdicts`)."""
    def num(x):
        return None if x is None else _decimal(x)

    def exact(x):
        return None if x is None else str(x)

    return {
        "status": standing.status,
        "met_at_targets": None if standing.margin is None else standing.margin >= 0,
        "value": num(standing.value), "value_exact": exact(standing.value),
        "target": num(standing.target_value),
        "margin": num(standing.margin), "margin_exact": exact(standing.margin),
        "badge": standing.badge.get(lang),
        "implied_text": standing.implied.get(lang) if standing.implied is not None else None,
        "gap_text": standing.gap.get(lang) if standing.gap is not None else None,
        "months": [{"month": m.label, "value": _decimal(m.value), "due": _decimal(m.due), "miss": m.miss}
                   for m in standing.months],
    }


def node(source: SourceFile, n: Node, period: tuple | None = None, verdicts: dict | None = None) -> dict:
    out = {"id": n.id, "kind": n.kind, "label": n.label}
    out["target"] = None
    if n.target is not None:
        out["target"] = {**quantity(n.target.value), "comparator": n.target.comparator, "direction": n.target.direction}
    out["baseline"] = quantity(n.baseline) if n.baseline is not None else None
    out["deadline"] = n.deadline.isoformat() if n.deadline is not None else None
    out["start"] = n.start.isoformat() if n.start is not None else None
    out["end"] = n.end.isoformat() if n.end is not None else None
    out["cadence"] = n.cadence
    out["owner"] = n.owner
    out["source"] = n.source
    out["measure"] = n.measure
    out["description"] = n.description
    out["formula"] = None
    if n.formula is not None:
        out["formula"] = {
            "text": one_line(source, n.formula.span),
            "inputs": list(dict.fromkeys(name.text for name in refs(n.formula))),
            "expr": expr(source, n.formula),
        }
    out["ramp"] = n.ramp
    out["milestones"] = [
        {"when": m.text, "first_month": months.label(m.first), "last_month": months.label(m.last), "value": quantity(m.value)}
        for m in n.milestones
    ]
    out["series"] = series(n, period)
    out["ksfs"] = [link.name.text for link in n.links if link.kind == "ksf"]
    out["kgis"] = [link.name.text for link in n.links if link.kind == "kgi"]
    out["location"] = location(source, n.span)
    if verdicts is not None:
        standing = verdicts.get(n.id)
        out["verdict"] = verdict(standing, verdicts.get("", "en")) if standing is not None else None
    return out


def plan_parts(plan: Plan, verdicts: dict | None = None) -> dict:
    """The compiled plan's top-level keys in order; the long lists are generators, so that a
    large plan is written one node at a time instead of being held in memory as one object.
    With `verdicts` (node id -> analysis.goals.Standing, and "" -> the language of their texts),
    each node carries its verdict."""
    source = plan.source
    info = plan.info
    period = window = None
    if info.period_start and info.period_end:
        period = {"start": info.period_start.isoformat(), "end": info.period_end.isoformat()}
        window = (info.period_start, info.period_end) if info.period_start <= info.period_end else None
    params = (
        {
            "id": p.id, "label": p.label, "value": literal(source, p.expr),
            "expr": expr(source, p.expr), "location": location(source, p.span),
        }
        for p in plan.params.values()
    )
    asserts = (
        {
            "text": one_line(source, Span(a.left.span.start, a.right.span.end)),
            "left": expr(source, a.left), "op": a.op, "right": expr(source, a.right),
            "message": a.message.value if a.message else None, "location": location(source, a.span),
        }
        for a in plan.asserts
    )
    return {
        "schema_version": "1",
        "file": source.path,
        "plan": {
            "id": info.id, "label": info.label, "period": period, "owner": info.owner,
            "description": info.description, "location": location(source, info.span),
        },
        "params": params,
        "kgis": (node(source, n, window, verdicts) for n in plan.kinds("kgi")),
        "ksfs": (node(source, n, window, verdicts) for n in plan.kinds("ksf")),
        "kpis": (node(source, n, window, verdicts) for n in plan.kinds("kpi")),
        "asserts": asserts,
    }


def plan_dict(plan: Plan, verdicts: dict | None = None) -> dict:
    """The whole compiled plan as one dictionary (for tests and API users)."""
    return {key: list(value) if not isinstance(value, (dict, str)) else value
            for key, value in plan_parts(plan, verdicts).items()}


def write_json(plan: Plan, write, name: str | None = None, verdicts: dict | None = None) -> None:
    """Write the compiled plan as JSON through `write`, node by node."""
    parts = plan_parts(plan, verdicts)
    if name is not None:
        parts["file"] = name
    jsonout.dump_streaming(parts, write)


def to_json(plan: Plan) -> str:
    """The compiled plan as JSON text.

    The dictionaries are built in the exact shape of model.CompiledPlan (same keys, same
    order); the tests validate every compiled plan against the models and the schema, so
    the compile path need not pay pydantic's validation (0.6 s for 10,000 KPIs).
    """
    chunks: list[str] = []
    write_json(plan, chunks.append)
    return "".join(chunks)


def validated(plan: Plan, verdicts: dict | None = None) -> dict:
    """The compiled plan as validated by the pydantic models (for tests and API users); a node's
    `verdict` only when asked for, as the compiled JSON has it."""
    from .model import CompiledPlan

    return CompiledPlan.model_validate(plan_dict(plan, verdicts)).model_dump(mode="python", exclude_unset=True)
