from __future__ import annotations

from ..diagnostics import Msg, Severity
from .base import Check


def dims(d) -> str:
    return d.describe()


def written(value) -> str:
    """A written value's unit as the user wrote it: `JPY per month`, `件 per month`, `%`."""
    unit = value.unit.code or ("%" if value.percent else "")
    text = unit if unit else "no unit"
    if value.per:
        text = f"{unit} per {value.per}".strip()
    return text


def unit_text(ctx, expr, dim) -> str:
    """How to name an operand's unit: as written where the operand is one value, else its dimension."""
    from ..resolve import normalise, walk
    from ..syntax import ast

    if isinstance(expr, ast.Group):
        return unit_text(ctx, expr.inner, dim)
    if isinstance(expr, ast.Ref):
        node = ctx.plan.nodes.get(expr.name.text)
        if node is not None and node.target is not None:
            return written(node.target.value)
        param = ctx.plan.params.get(expr.name.text)
        if param is not None and isinstance(param.expr, ast.Quantity):
            return written(normalise(ctx.source, param.expr))
    if isinstance(expr, ast.Quantity):
        return written(normalise(ctx.source, expr))
    periods = [n.target.value.per for r in walk(expr) if isinstance(r, ast.Ref)
               for n in [ctx.plan.nodes.get(r.name.text)] if n is not None and n.target is not None and n.target.value.per]
    return dim.describe(periods[0] if periods else None)


class UnitMismatch(Check):
    """Units that cannot be combined or compared.

    ## What it checks
    That every `+`, `-`, `sum`, `min` and `max` combines amounts of one dimension, that
    a formula's result has the unit of the node's target, and that both sides of an
    `assert` have the same unit. Currencies are each their own dimension (JPY is not
    USD), rates (`per month`) divide by time, and count words (visitors, 人, 件) and
    percentages are plain numbers, so visitors × CVR × 円 gives 円.

    ## Why it matters
    Adding yen to visitors, or comparing a JPY target with a USD formula, means the plan's
    arithmetic says nothing; the number that comes out is meaningless.

    ## Fails
    ```kpi
    plan p "計画" { period 2026-04-01 to 2027-03-31 }
    kgi revenue "売上" {
      target 1億円 per year
      formula us_sales + jp_sales
    }
    kpi us_sales "米国売上" { target 500,000 USD per year }
    kpi jp_sales "国内売上" { target 5,000万円 per year }
    ```

    ## Passes
    ```kpi
    plan p "計画" { period 2026-04-01 to 2027-03-31 }
    kgi revenue "売上" {
      target 1億円 per year
      formula us_sales * fx + jp_sales
    }
    param fx "為替" = 150 JPY / 1 USD
    kpi us_sales "米国売上" { target 500,000 USD per year }
    kpi jp_sales "国内売上" { target 5,000万円 per year }
    ```

    ## Fix
    Convert explicitly: multiply by an exchange-rate param (`param fx = 150 JPY / 1 USD`),
    write both amounts per the same kind of period, or correct the unit that is wrong.
    """

    code = "KPI302"
    name = "unit-mismatch"
    severity = Severity.ERROR
    summary = Msg("Units that cannot be combined or compared", "組み合わせ・比較できない単位")

    def run(self):
        arithmetic = self.ctx.arithmetic
        for pid, error in arithmetic.param_errors.items():
            if error.kind == "units":
                yield self._combine(error)
        for outcome in arithmetic.outcomes.values():
            if outcome.error is not None and outcome.error.kind == "units":
                yield self._combine(outcome.error)
            elif outcome.mismatch is not None and not outcome.missing_window:
                node = outcome.node
                formula_dim, target_dim = outcome.mismatch
                yield self.diag(
                    node.target.span,
                    Msg(f"`{node.id}`'s formula gives {dims(formula_dim)}, but its target is in {dims(target_dim)}",
                        f"`{node.id}` の式の単位は {dims(formula_dim)} ですが、目標の単位は {dims(target_dim)} です"),
                    Msg("make the formula's unit match the target: check each input's unit, or convert with a param",
                        "式の単位を目標に合わせてください。各入力の単位を確認するか、換算用の param を掛けます"),
                    labels=[self.label(node.formula.span, f"gives {dims(formula_dim)}", f"単位：{dims(formula_dim)}")],
                    primary=Msg(f"in {dims(target_dim)}", f"単位：{dims(target_dim)}"),
                )
        for a in arithmetic.asserts:
            if a.error is not None and a.error.kind == "units":
                yield self._combine(a.error)
            elif a.mismatch is not None:
                left, right = a.mismatch
                yield self.diag(
                    a.stmt.op_span,
                    Msg(f"this assert compares {dims(left)} with {dims(right)}", f"この assert は {dims(left)} と {dims(right)} を比較しています"),
                    Msg("both sides of a comparison need the same unit", "比較の両辺は同じ単位にしてください"),
                    labels=[self.label(a.stmt.left.span, dims(left), dims(left)), self.label(a.stmt.right.span, dims(right), dims(right))],
                )

    def _combine(self, error):
        left, right = error.info["left"], error.info["right"]
        lt = unit_text(self.ctx, error.info.get("left_expr"), left) if error.info.get("left_expr") is not None else dims(left)
        rt = unit_text(self.ctx, error.info.get("right_expr"), right) if error.info.get("right_expr") is not None else dims(right)
        currencies = {c for c, _ in left.currencies} | {c for c, _ in right.currencies}
        if len(currencies) > 1:
            help_ = Msg(f"{' and '.join(sorted(currencies))} are different currencies: convert one with an exchange-rate param, "
                        "e.g. `param fx \"為替\" = 150 JPY / 1 USD`",
                        f"{'と'.join(sorted(currencies))} は別の通貨です。為替の param で換算してください（例：`param fx \"為替\" = 150 JPY / 1 USD`）")
        elif left.time != right.time:
            help_ = Msg("a rate (per month) and a total cannot be added: multiply the rate by a duration such as `12 months`",
                        "期間あたりの値と合計は足せません。`12 months` のような期間を掛けてください")
        else:
            help_ = Msg("amounts added, subtracted or compared must have the same unit",
                        "足し算・引き算・比較する値は同じ単位が必要です")
        return self.diag(
            error.span,
            Msg(f"cannot combine {lt} with {rt}", f"{lt} と {rt} は足し引き・比較できません"),
            help_,
            labels=[self.label(error.info["left_span"], lt, lt), self.label(error.info["right_span"], rt, rt)],
            primary=Msg("here", "ここ"),
        )
