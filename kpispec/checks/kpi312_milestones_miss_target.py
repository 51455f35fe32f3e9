from __future__ import annotations

from decimal import ROUND_HALF_UP

from .. import display
from .. import months as calendar
from ..analysis.timeline import flow, level, rate_in
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
        plan_end = info.period_end if info else None
        for node in self.ctx.nodes("kgi", "kpi"):
            if not node.milestones or node.deadline is None or node.target is None:
                continue
            found = self._first_miss(node, plan_start, plan_end)
            if found is not None:
                yield self._report(node, *found)

    def _first_miss(self, node, plan_start, plan_end):
        """The first month from the deadline's to the plan's last (or the last milestone's) whose
        planned value misses the target, both counted as the month counts them (a rate per day by its
        days): (month, value, target) in base units."""
        try:
            target_value, dim = base(node.target.value)
        except EvalError:
            return None
        ceiling = node.target.comparator == "<="
        first = calendar.index(node.deadline)
        last = max(calendar.index(plan_end) if plan_end else first, node.milestones[-1].last)
        for i in range(first, min(last, first + calendar.MAX_MONTHS) + 1):
            try:
                there = level(node, i, plan_start, True, dim)
                due = rate_in(node.target.value, i, True) if flow(dim) else target_value
            except EvalError:
                return None
            if (there > due) if ceiling else (there < due):
                return i, there, due
        return None

    def _report(self, node, month, there, due):
        value = node.target.value
        target, dim = base(value)
        per = value.per if flow(dim) else None
        # compared in the month's own terms (a rate per day: that month's days), shown per the target's period
        planned = there * target / due if due else there
        shown = [display.amount(in_written_units(planned, dim, value, per), value.unit, per, value.percent, lang,
                                ROUND_HALF_UP) for lang in ("en", "ja")]
        label = calendar.label(month)
        at_deadline = month == calendar.index(node.deadline)
        when_en = f"in {label}, the month of its deadline" if at_deadline else f"in {label}, after its deadline"
        when_ja = f"期限の月 {label} に" if at_deadline else f"期限後の {label} に"
        word_en, word_ja = ("above", "上回ります") if node.target.comparator == "<=" else ("below", "届きません")
        return self.diag(
            node.attr_spans.get("milestones", node.id_span),
            Msg(f"`{node.id}` is planned at {shown[0]} {when_en}, {word_en} its target {value.text}",
                f"`{node.id}` は{when_ja} {shown[1]} の計画で、目標 {display.written(value.text, 'ja')} に{word_ja}"),
            Msg(f"add a milestone `{label}: {value.text}`, or make the target what the milestones reach",
                f"マイルストーン `{label}: {value.text}` を追加するか、目標をマイルストーンに合わせてください"),
            [self.label(node.target.span, display.target_text(value.text), display.target_text(value.text, lang="ja"))],
            primary=Msg(f"{shown[0]} in {label}", f"{label} に {shown[1]}"),
        )
