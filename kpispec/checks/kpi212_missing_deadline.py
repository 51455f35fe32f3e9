from __future__ import annotations

from ..diagnostics import Msg, Severity
from .base import Check


class MissingDeadline(Check):
    """A KGI or KPI with no deadline.

    ## What it checks
    Every `kgi` and `kpi` has a `deadline`: the date by which its target is to be met.

    ## Why it matters
    SMART's T (Time-bound): "1,000,000 visitors a month" by when? Without a deadline a
    target can never be missed, so it is never managed; and kpispec cannot check it
    against the plan period or the deadline of the goal it serves.

    ## Fails
    ```kpi
    plan p "計画" { period 2026-04-01 to 2027-03-31 }
    kpi visitors "月間訪問者数" {
      target 1,000,000 visitors per month
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
    Add `deadline YYYY-MM-DD` within the plan period, no later than the deadline of the
    KGI it serves.
    """

    code = "KPI212"
    name = "missing-deadline"
    severity = Severity.WARNING
    summary = Msg("A KGI or KPI has no deadline", "KGI・KPI に期限がない")

    def run(self):
        info = self.ctx.plan.info
        end = info.period_end if info is not None else None
        for node in self.ctx.nodes("kgi", "kpi"):
            if node.deadline is not None or "deadline" in node.attr_spans:
                continue  # a deadline written but not a date is reported where it is written
            kind = node.kind.upper()
            if end is not None:
                help_ = Msg(f"add `deadline {end}` (the end of the plan period) or an earlier date",
                            f"`deadline {end}`（計画期間の終了日）か、それより前の日付を追加してください")
            else:
                help_ = Msg("add `deadline YYYY-MM-DD`", "`deadline YYYY-MM-DD` を追加してください")
            yield self.diag(
                node.id_span,
                Msg(f"{kind} `{node.id}` has no deadline: by when is its target to be met?",
                    f"{kind} `{node.id}` に期限がありません。いつまでに目標を達成しますか？"),
                help_,
                primary=Msg("no deadline", "期限なし"),
            )
