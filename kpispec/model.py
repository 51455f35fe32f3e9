"""The compiled JSON's shape, as pydantic models: the source of schemas/kpispec.schema.json.

Only `kpispec compile` and the schema generator import this module; `kpispec
check` never pays pydantic's import for it.

The schema is published with the docs at `SCHEMA_ID` (docs/schemas/kpispec.schema.json) and must load
in any draft 2020-12 validator, Ajv's strict mode included: `json_schema` takes pydantic's
non-standard `discriminator` keyword out (the `oneOf` it annotates discriminates by each branch's
`type` const on its own). tests/test_schema_strict.py holds the schema to the 2020-12 vocabulary.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema

from . import DOCS_URL

SCHEMA_VERSION = "1"
SCHEMA_PATH = "schemas/kpispec.schema.json"  # in the repository, and under DOCS_URL on the docs site
SCHEMA_ID = DOCS_URL + SCHEMA_PATH

# Exact decimals, written into the JSON as plain numbers (never as strings or binary floats).
Number = Annotated[Decimal, WithJsonSchema({"type": "number"})]
Date = Annotated[str, Field(pattern=r"^\d{4}-\d{2}-\d{2}$", description="ISO 8601 calendar date")]
Period = Literal["day", "week", "month", "quarter", "year"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Location(_Model):
    """1-based position of the construct in the .kpi file (columns count Unicode code points)."""

    line: int = Field(ge=1)
    column: int = Field(ge=1)
    end_line: int = Field(ge=1)
    end_column: int = Field(ge=1)


class Quantity(_Model):
    """A normalised amount: `12億円 per year` is value 1200000000, unit JPY, per year."""

    value: Number = Field(description="The amount with its scale applied (2.5% is 0.025, 12億 is 1200000000).")
    unit: str | None = Field(description="Currency code (JPY, USD, ...), time unit (month, ...) or count word (visitors, 人, ...).")
    unit_kind: Literal["currency", "count", "time", "none"]
    per: Period | None = Field(description="The rate's period: `per month` makes a monthly rate.")
    per_unit: str | None = Field(
        description="What one amount is per, for a per-unit amount: a count word (`3,000円/人` and `80円 per visitor` "
                    "are per 人 and per visitor) or a currency code (`150円 per USD`, an exchange rate).")
    percent: bool = Field(description="Whether it was written as a percentage.")
    text: str = Field(description="The quantity as written in the source.")


class Target(Quantity):
    comparator: Literal[">=", "<="] = Field(description="`>=`: a floor, higher is better; `<=`: a ceiling, lower is better.")
    direction: Literal["up", "down"]


class NumberExpr(_Model):
    type: Literal["number"]
    quantity: Quantity


class RefExpr(_Model):
    type: Literal["ref"]
    id: str


class BinaryExpr(_Model):
    type: Literal["binary"]
    op: Literal["+", "-", "*", "/"]
    left: "Expr"
    right: "Expr"


class NegateExpr(_Model):
    type: Literal["negate"]
    operand: "Expr"


class CallExpr(_Model):
    type: Literal["call"]
    function: Literal["sum", "min", "max"]
    args: list["Expr"]


Expr = Annotated[Union[NumberExpr, RefExpr, BinaryExpr, NegateExpr, CallExpr], Field(discriminator="type")]


class Formula(_Model):
    text: str = Field(description="The formula as written, on one line.")
    inputs: list[str] = Field(description="Ids the formula refers to, in order of first use.")
    expr: Expr


class Milestone(_Model):
    when: str = Field(description="The month (`2026-07`) or quarter (`Q2`) as written.")
    first_month: str = Field(description="The first calendar month it covers, `YYYY-MM`.")
    last_month: str = Field(description="The last calendar month it covers (a quarter covers three).")
    value: Quantity


class Bucket(_Model):
    month: str = Field(description="The calendar month, `YYYY-MM`.")
    start: Date = Field(description="The first day of the month inside the plan's period.")
    end: Date = Field(description="The last day of the month inside the plan's period.")
    value: Number = Field(description="The target for the month in the target's unit: for a rate, the amount in that "
                                      "month (counted from the KPI's start and by days in a partial month); otherwise "
                                      "the level. Rounded to 12 decimal places where it does not end; `exact` has it exactly.")
    exact: str = Field(description="The value as an exact fraction, `n` or `n/d`.")


class MonthVerdict(_Model):
    month: str = Field(description="The calendar month, `YYYY-MM`.")
    value: Number = Field(description="What the inputs' targets give in the month, in the target's unit (a total: "
                                      "that month's amount; a rate: the rate in that month).")
    due: Number = Field(description="What is due in the month: an even share of a total, or the rate itself.")
    miss: bool


class Verdict(_Model):
    """How a node with a formula stands against its target (`kpispec compile --with-verdicts`): the same
    verdict `kpispec check` proves, with the numbers a dashboard shows."""

    status: Literal["met", "misses", "unknown", "none"] = Field(
        description="`met`: proven for every value the inputs' targets accept; `misses`: some values that meet "
                    "every input's target miss it (see met_at_targets); `unknown`: neither could be proven; "
                    "`none`: a formula without a target.")
    met_at_targets: bool | None = Field(description="Whether it is met with every input exactly at its target.")
    value: Number | None = Field(description="The value the inputs' targets imply, in the target's unit "
                                             "(without a target: in base units, a rate per year).")
    value_exact: str | None = Field(description="The same as an exact fraction, `n` or `n/d`.")
    target: Number | None = Field(description="The target, in its own unit.")
    margin: Number | None = Field(description="value minus target for a floor, target minus value for a ceiling: "
                                              "above 0 the slack, below 0 the shortfall (or the excess).")
    margin_exact: str | None
    badge: str = Field(description="The verdict in a few words, in the language compiled with.")
    implied_text: str | None
    gap_text: str | None
    months: list[MonthVerdict] = Field(description="Month by month, for a goal whose inputs change over time.")


class Node(_Model):
    id: str
    kind: Literal["kgi", "ksf", "kpi"]
    label: str | None
    target: Target | None = None
    baseline: Quantity | None = None
    deadline: Date | None = None
    start: Date | None = None
    end: Date | None = Field(default=None, description="For a rate: the last day it counts (a campaign's end).")
    cadence: Literal["daily", "weekly", "biweekly", "monthly", "quarterly", "semiannual", "yearly"] | None = None
    owner: str | None = None
    source: str | None = None
    measure: str | None = None
    description: str | None = None
    formula: Formula | None = None
    ramp: Literal["linear", "step"] | None = Field(
        default=None, description="How the value goes from the baseline (at the start) to the target (at the deadline).")
    milestones: list[Milestone] = Field(default_factory=list, description="Values for named months or quarters, in order.")
    series: list[Bucket] | None = Field(
        default=None, description="The target month by month over the plan's period, for a node whose target changes "
                                  "over time (milestones, a ramp, or a rate that starts after the plan).")
    ksfs: list[str] = Field(default_factory=list, description="KSFs this KPI tracks.")
    kgis: list[str] = Field(default_factory=list, description="KGIs this node serves directly.")
    location: Location
    verdict: Verdict | None = Field(default=None, description="With `compile --with-verdicts`: the node's verdict "
                                                              "(null for a node without a formula).")


class Param(_Model):
    id: str
    label: str | None
    value: Quantity | None = Field(description="The value, when the param is a single quantity.")
    expr: Expr
    location: Location


class Assertion(_Model):
    text: str
    left: Expr
    op: Literal[">=", "<=", ">", "<", "=="]
    right: Expr
    message: str | None
    location: Location


class PlanPeriod(_Model):
    start: Date
    end: Date


class PlanInfo(_Model):
    id: str
    label: str | None
    period: PlanPeriod | None
    owner: str | None
    description: str | None
    location: Location


class CompiledPlan(_Model):
    """A kpispec plan compiled to JSON."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="kpispec compiled plan")

    schema_version: Literal["1"]
    file: str
    plan: PlanInfo
    params: list[Param]
    kgis: list[Node]
    ksfs: list[Node]
    kpis: list[Node]
    asserts: list[Assertion]


# A compiled file may name its schema, for editors: `kpispec compile` never writes it.
SCHEMA_KEY = {
    "description": "The schema the file follows, for editors and validators (`kpispec compile` does not write it): "
                   f"{SCHEMA_ID}.",
    "type": "string",
}


def json_schema() -> dict:
    """The JSON Schema (draft 2020-12) of the compiled JSON, as `kpispec schema` prints it."""
    schema = _standard(CompiledPlan.model_json_schema(mode="serialization"))
    schema["properties"] = {"$schema": SCHEMA_KEY, **schema["properties"]}
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID, **schema}


def _standard(node):
    """`node` without pydantic's OpenAPI `discriminator` keyword, which strict validators refuse."""
    if isinstance(node, list):
        return [_standard(item) for item in node]
    if not isinstance(node, dict):
        return node
    return {key: (_standard(value) if key not in ("properties", "$defs") else {k: _standard(v) for k, v in value.items()})
            for key, value in node.items() if not (key == "discriminator" and ("oneOf" in node or "anyOf" in node))}
