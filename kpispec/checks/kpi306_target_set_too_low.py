from __future__ import annotations

from fractions import Fraction

from .. import display
from ..diagnostics import Msg, Severity
from ..evaluate import in_written_units
from .base import Check

SLACK = Fraction(3, 2)  # inputs implying 1.5× the target (or 2/3 of a ceiling) count as "far"


class TargetSetTooLow(Check):
    """A target far easier than what its inputs' targets already imply.

    ## What it checks
    For every node with a formula whose target is proven reachable, whether the inputs'
    targets imply at least 1.5× the node's target (or, for a ceiling, at most two thirds
    of it).

    ## Why it matters
    If the inputs' targets deliver far more than the goal, either the goal was set too
    low, or the inputs' targets are not believed by the people who set the goal. Both are
    worth a conversation.

    ## Fails
    ```kpi
    plan p "計画" { period 2026-04-01 to 2027-03-31 }
    kgi revenue "月間売上" {
      target 5,000万円 per month
      formula visitors * cvr * aov
    }
    kpi visitors "訪問者数" { target 1,000,000 visitors per month }
    kpi cvr "CVR" { target 2.5% }
    kpi aov "客単価" { target 4,000円 }
    ```

    ## Passes
    ```kpi
    plan p "計画" { period 2026-04-01 to 2027-03-31 }
    kgi revenue "月間売上" {
      target 1億円 per month
      formula visitors * cvr * aov
    }
    kpi visitors "訪問者数" { target 1,000,000 visitors per month }
    kpi cvr "CVR" { target 2.5% }
    kpi aov "客単価" { target 4,000円 }
    ```

    ## Fix
    Raise the node's target to what the plan really aims for (lower a ceiling to it), or
    revisit the inputs' targets if nobody expects them to be met.
    """

    code = "KPI306"
    name = "target-set-too-low"
    severity = Severity.INFO
    summary = Msg("A target far below what the inputs imply", "入力から見て目標値が低すぎる")

    def run(self):
        for outcome in self.ctx.arithmetic.outcomes.values():
            node = outcome.node
            if outcome.value is None or outcome.target is None or not outcome.proven or outcome.target <= 0:
                continue
            implied = outcome.value.pt
            ceiling = node.target.comparator == "<="
            far = implied * SLACK <= outcome.target if ceiling else implied >= outcome.target * SLACK
            if not far:
                continue
            value = node.target.value
            dim = outcome.value.dim

            def show(lang):  # the implied value and the target
                both = [in_written_units(x, dim, value) for x in (implied, outcome.target)]
                return display.compared_amounts(both, value.unit, value.per, value.percent, lang)

            ratio = display.compared([implied / outcome.target], decimals=[2])[0].text
            if ceiling:  # a ceiling far above what the inputs imply: set too high, lowered to mend
                verdict = Msg("the ceiling may be set too high", "上限が高すぎる可能性があります")
                mend = Msg("lower the ceiling to what the plan aims for, or check that the inputs' targets are believed",
                           "計画が本当に目指す値まで上限を引き下げるか、入力の目標値が現実的か確認してください")
            else:
                verdict = Msg("the target may be set too low", "目標値が低すぎる可能性があります")
                mend = Msg("raise the target to what the plan aims for, or check that the inputs' targets are believed",
                           "計画が本当に目指す値に目標値を引き上げるか、入力の目標値が現実的か確認してください")
            yield self.diag(
                node.target.span,
                Msg(f"`{node.id}`'s inputs' targets imply {show('en')[0]}, {ratio}× its target {show('en')[1]}: {verdict.en}",
                    f"`{node.id}` は入力の目標値から {show('ja')[0]} になり、目標値 {show('ja')[1]} の {ratio} 倍です。{verdict.ja}"),
                mend,
            )
