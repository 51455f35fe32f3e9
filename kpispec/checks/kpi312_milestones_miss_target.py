from __future__ import annotations

from decimal import ROUND_HALF_UP

from .. import display
from .. import months as calendar
from ..analysis.timeline import flow, level
from ..diagnostics import Msg, Severity
from ..evaluate import EvalError, base, in_written_units
from .base import Check


class MilestonesMissTarget(Check):
    """A KPI's milestones do not reach its own target by its deadline.

    ## What it checks
    For every KGI and KPI with `milestones` and a `deadline`, the value its milestones give in the
    month of the deadline (for a rate, the rate in that month) against its own `target`: below a
    floor, or above a ceiling (`<=`), is reported.

    ## Why it matters
    The goals above a KPI are computed from its milestones, month by month; its `target` is what its
    owner is asked to reach. When the two disagree, the plan says two things at once: the team works
    to the target while the arithmetic counts the milestones, or the other way round.

    ## Fails
    ```kpi
    plan p "計画" { period 2026-04-01 to 2027-03-31 }
    kpi sessions "セッション数" {
      target 200万 per month
      deadline 2026-12-31
      milestones {
        2026-07: 80万 per month
        2026-10: 120万 per month
      }
    }
    ```

    ## Passes
    ```kpi
    plan p "計画" { period 2026-04-01 to 2027-03-31 }
    kpi sessions "セッション数" {
      target 200万 per month
      deadline 2026-12-31
      milestones {
        2026-07: 80万 per month
        2026-10: 120万 per month
        2026-12: 200万 per month
      }
    }
    ```

    ## Fix
    Add a milestone that reaches the target in the deadline's month, or change the target (or the
    deadline) to what the milestones say.
    """

    code = "KPI312"
    name = "milestones-miss-target"
    severity = Severity.WARNING
    summary = Msg("Milestones that do not reach the target by the deadline", "期限の月にマイルストーンが目標に届かない")

    def run(self):
        info = self.ctx.plan.info
        plan_start = info.period_start if info else None
        for node in self.ctx.nodes("kgi", "kpi"):
            if not node.milestones or node.deadline is None or node.target is None:
                continue
            try:
                target, dim = base(node.target.value)
                month = calendar.index(node.deadline)
                there = level(node, month, plan_start, False, dim)
            except EvalError:
                continue
            ceiling = node.target.comparator == "<="
            if (there <= target) if ceiling else (there >= target):
                continue
            value = node.target.value
            per = value.per if flow(dim) else None
            shown = [display.amount(in_written_units(x, dim, value, per), value.unit, per, value.percent, lang, ROUND_HALF_UP)
                     for x in (there,) for lang in ("en", "ja")]
            label = calendar.label(month)
            word_en, word_ja = ("above", "上回ります") if ceiling else ("below", "届きません")
            yield self.diag(
                node.attr_spans.get("milestones", node.id_span),
                Msg(f"the milestones of `{node.id}` give {shown[0]} in {label}, the month of its deadline, "
                    f"{word_en} its target {value.text}",
                    f"`{node.id}` のマイルストーンは期限の月 {label} に {shown[1]} で、目標 {value.text} に{word_ja}"),
                Msg(f"add a milestone `{label}: {value.text}`, or make the target what the milestones reach",
                    f"マイルストーン `{label}: {value.text}` を追加するか、目標をマイルストーンに合わせてください"),
                [self.label(node.target.span, f"target {value.text}", f"目標 {value.text}")],
                primary=Msg(f"{shown[0]} in {label}", f"{label} に {shown[1]}"),
            )
