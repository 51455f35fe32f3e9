from __future__ import annotations

from ..diagnostics import Msg, Severity
from .base import Check


def dims(d) -> str:
    return d.describe()


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
        return self.diag(
            error.span,
            Msg(f"cannot combine {dims(left)} with {dims(right)}", f"{dims(left)} と {dims(right)} は足し引き・比較できません"),
            Msg("amounts added, subtracted or compared must have the same unit (JPY and USD differ; a rate per month is not a total)",
                "足し算・引き算・比較する値は同じ単位が必要です（JPY と USD は別、月あたりの値と合計も別です）"),
            labels=[self.label(error.info["left_span"], dims(left), dims(left)),
                    self.label(error.info["right_span"], dims(right), dims(right))],
            primary=Msg("here", "ここ"),
        )
