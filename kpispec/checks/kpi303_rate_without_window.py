from __future__ import annotations

from ..diagnostics import Msg, Severity
from .base import Check


class RateWithoutWindow(Check):
    """A rate is compared with a total, but there is no window to convert over.

    ## What it checks
    A node whose target is a total (`100戸`) while its formula gives a rate (`11戸 per
    month`), or the other way round, is compared over the node's window: from its
    `start` (or the plan period's start) to its `deadline` (or the plan period's end).
    This check fires when neither gives both ends of that window.

    ## Why it matters
    "Sell 100 units" and "11 units a month" can only be compared over a stated number of
    months; without the window the plan cannot be checked, and an off-by-one month can
    decide whether it succeeds.

    ## Fails
    ```kpi
    plan p "分譲計画" { owner "販売部" }
    kgi units "完売" {
      target 100戸
      formula monthly_sales
    }
    kpi monthly_sales "月間契約数" { target 11戸 per month }
    ```

    ## Passes
    ```kpi
    plan p "分譲計画" { period 2026-04-01 to 2027-03-31 }
    kgi units "完売" {
      target 100戸
      deadline 2027-01-31
      formula monthly_sales
    }
    kpi monthly_sales "月間契約数" { target 11戸 per month }
    ```

    ## Fix
    Give the plan a `period`, or give the node a `start` and a `deadline`.
    """

    code = "KPI303"
    name = "rate-without-window"
    severity = Severity.ERROR
    summary = Msg("A rate meets a total with no window to convert over", "期間がなく、率と合計を比較できない")

    def run(self):
        for outcome in self.ctx.arithmetic.outcomes.values():
            if not outcome.missing_window:
                continue
            node = outcome.node
            formula_dim, target_dim = outcome.mismatch
            start, end = self.ctx.arithmetic.window_bounds(node)
            if start and end and start > end:
                yield self.diag(
                    node.attr_spans.get("start", node.target.span),
                    Msg(f"`{node.id}`'s window is empty: it starts {start}, after its deadline {end}, so its rate cannot be turned into a total",
                        f"`{node.id}` の期間が空です：開始日 {start} が期限 {end} より後のため、期間あたりの値を合計に換算できません"),
                    Msg("correct `start` or `deadline` so that the start comes first",
                        "開始日が先になるように `start` か `deadline` を直してください"),
                )
                continue
            rate_is_formula = outcome.conversion == "rate-to-total"
            period = _rate_period(self.ctx.plan, node, rate_is_formula)
            rate_dim, total_dim = (formula_dim, target_dim) if rate_is_formula else (target_dim, formula_dim)
            yield self.diag(
                node.target.span,
                Msg(
                    f"`{node.id}`'s {'formula gives a rate' if rate_is_formula else 'target is a rate'} "
                    f"({rate_dim.describe(period)}) but its "
                    f"{'target is a total' if rate_is_formula else 'formula gives a total'} "
                    f"({total_dim.describe()}), and there is no window to convert over",
                    f"`{node.id}` は{'式が期間あたりの値' if rate_is_formula else '目標が期間あたりの値'}"
                    f"（{rate_dim.describe(period, lang='ja')}）で"
                    f"{'目標が合計' if rate_is_formula else '式が合計'}ですが、換算する期間がありません",
                ),
                Msg("give the plan a `period`, or this node a `start` and a `deadline`",
                    "`plan` に `period` を書くか、このノードに `start` と `deadline` を書いてください"),
                labels=[self.label(node.formula.span, formula_dim.describe(period if rate_is_formula else None),
                                   formula_dim.describe(period if rate_is_formula else None, lang="ja"))],
            )


def _rate_period(plan, node, rate_is_formula: bool) -> str | None:
    """The period the rate is written per: the target's, or the first formula input's that has one
    (`per month`, not the base unit's `per year`)."""
    if not rate_is_formula:
        return node.target.value.per
    from ..resolve import refs

    for name in refs(node.formula):
        source = plan.nodes.get(name.text)
        if source is not None and source.target is not None and source.target.value.per:
            return source.target.value.per
    return None
