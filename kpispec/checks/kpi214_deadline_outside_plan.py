from __future__ import annotations

from ..diagnostics import Msg, Severity
from .base import Check


class DeadlineOutsidePlan(Check):
    """A deadline, start or end date outside the plan's period.

    ## What it checks
    Every `deadline`, `start` and `end` of a KGI or KPI lies within the plan's `period`, both
    ends included. Plans without a period are not checked.

    ## Why it matters
    SMART's T (Time-bound): the plan is reviewed, funded and closed over its period. A
    target due after it will never be judged by this plan, and one due before it has
    already passed; usually it is a typo in the year.

    ## Fails
    ```kpi
    plan p "計画" { period 2026-04-01 to 2027-03-31 }
    kpi visitors "月間訪問者数" {
      target 1,000,000 visitors per month
      deadline 2027-12-31
    }
    ```

    ## Passes
    ```kpi
    plan p "計画" { period 2026-04-01 to 2027-03-31 }
    kpi visitors "月間訪問者数" {
      target 1,000,000 visitors per month
      deadline 2026-12-31
    }
    ```

    ## Fix
    Correct the date (often the year), or extend the plan's `period` if the plan really
    runs longer.
    """

    code = "KPI214"
    name = "deadline-outside-plan"
    severity = Severity.WARNING
    summary = Msg("A deadline or start date is outside the plan period", "期限・開始日が計画期間の外にある")

    def run(self):
        info = self.ctx.plan.info
        if info is None or info.period_start is None or info.period_end is None:
            return
        first, last = info.period_start, info.period_end
        period_span = info.attr_spans.get("period", info.span)
        for node in self.ctx.nodes("kgi", "kpi"):
            for key, when in (("start", node.start), ("deadline", node.deadline), ("end", node.end)):
                if when is None or first <= when <= last:
                    continue
                before = when < first
                word_en = "before the plan period starts" if before else "after the plan period ends"
                word_ja = "計画期間の開始前" if before else "計画期間の終了後"
                key_ja = {"start": "開始日", "deadline": "期限", "end": "終了日"}[key]
                yield self.diag(
                    node.attr_spans.get(key, node.id_span),
                    Msg(f"the {key} of `{node.id}` ({when}) is {word_en} ({first if before else last})",
                        f"`{node.id}` の{key_ja}（{when}）が{word_ja}です（計画期間 {first}〜{last}）"),
                    Msg(f"move it into the plan period {first} to {last} (check the year), or extend the plan's period",
                        f"計画期間 {first}〜{last} の中に収めるか（年の誤記がないか確認してください）、計画期間を延ばしてください"),
                    [self.label(period_span, "the plan period", "計画期間")],
                    primary=Msg(f"outside {first} to {last}", f"{first}〜{last} の外"),
                )
