from __future__ import annotations

from fractions import Fraction

from ..diagnostics import Msg, Severity
from ..dimension import YEARS
from ..display import PERIOD_JA
from ..evaluate import EvalError
from ..resolve import normalise, walk
from ..syntax import ast
from .base import Check

# Approximations people write for a period's length in another (30 days in a month, 4 weeks).
APPROXIMATE = {("day", "month"): {28, 30, 31}, ("week", "month"): {4}, ("day", "year"): {360}, ("week", "year"): {48, 52},
               ("week", "quarter"): {13}}
PERIOD_WORD = {"day": "日", "week": "週", "month": "ヶ月", "quarter": "四半期", "year": "年"}  # a duration's unit
COUNT_JA = {"day": "日", "week": "週", "month": "か月", "quarter": "四半期", "year": "年"}  # "12 か月分"


class PeriodCountedTwice(Check):
    """A rate multiplied by a bare number of periods that kpispec converts by itself.

    ## What it checks
    In the formula of a node whose target is a rate (`per year`, `per month`), a rate input
    of another period multiplied (or divided) by a plain number that is the number of the
    input's periods in the target's (12 for months in a year, 52 for weeks, 4 for quarters;
    also 30 days in a month, 4 weeks in a month).

    ## Why it matters
    Rates convert between periods on their own: `1億円 per month` already meets
    `12億円 per year`. Multiplying by 12 as well converts twice, and the formula implies
    twelve times what the plan says, so the goal passes however far it is missed.
    A duration written with its unit (`12ヶ月`, `12 months`) is something else: rate ×
    duration is a total, which is checked against a total target.

    ## Fails
    ```kpi
    plan p "計画" { period 2026-04-01 to 2027-03-31 }
    kgi annual "年間売上" {
      target 12億円 per year
      formula monthly_rev * 12
    }
    kpi monthly_rev "月間売上" { target 1億円 per month }
    ```

    ## Passes
    ```kpi
    plan p "計画" { period 2026-04-01 to 2027-03-31 }
    kgi annual "年間売上" {
      target 12億円 per year
      formula monthly_rev
    }
    kpi monthly_rev "月間売上" { target 1億円 per month }
    ```

    ## Fix
    Remove the number: the period converts by itself. For a total over a number of
    periods, write the duration with its unit (`monthly_rev * 12ヶ月`) against a total target.
    """

    code = "KPI311"
    name = "period-counted-twice"
    severity = Severity.WARNING
    summary = Msg("A rate multiplied by the number of periods that kpispec converts by itself",
                  "自動で換算される期間の数を掛けた率")

    def run(self):
        arithmetic = self.ctx.arithmetic
        for outcome in arithmetic.outcomes.values():
            node = outcome.node
            if outcome.value is None or node.target is None or not node.target.value.per:
                continue
            goal_period = node.target.value.per
            for expr in walk(node.formula):
                if not isinstance(expr, ast.Binary) or expr.op not in "*/":
                    continue
                for number, other in ((expr.right, expr.left), (expr.left, expr.right)):
                    if expr.op == "/" and number is expr.left:
                        continue
                    found = self._counted(number, other, goal_period, expr.op)
                    if found is not None:
                        yield self._report(node, expr, number, other, *found)
                        break

    def _counted(self, number, other, goal_period: str, op: str):
        """(input id, its period, the number) when `number` is a bare count of `other`'s periods in the goal's."""
        if not isinstance(number, ast.Quantity) or not number.plain:
            return None
        value = normalise(self.ctx.source, number).value
        arithmetic = self.ctx.arithmetic
        try:
            if arithmetic.evaluator().eval(other).dim.time != -1:
                return None  # not a rate: a count, a price, a share
        except EvalError:
            return None
        for ref in walk(other):
            if not isinstance(ref, ast.Ref):
                continue
            source = self.ctx.plan.nodes.get(ref.name.text)
            if source is None or source.target is None or not source.target.value.per:
                continue
            period = source.target.value.per
            if period == goal_period:
                continue
            ratio = YEARS[period] / YEARS[goal_period]  # the goal's periods in one of the input's: 1/12 for month → year
            exact = 1 / ratio if op == "*" else ratio
            if Fraction(value) == exact or (op == "*" and value in APPROXIMATE.get((period, goal_period), ())):
                return ref.name.text, period, value
        return None

    def _report(self, node, expr, number, other, input_id, period, value):
        goal = node.target.value.per
        count = self.ctx.source.slice(number.span)
        rest = " ".join(self.ctx.source.slice(other.span).split())
        duration = f"{count}{PERIOD_WORD.get(period, period)}"
        return self.diag(
            number.span,
            Msg(f"`{input_id}` is per {period} and converts to the target's per {goal} by itself; "
                f"`{self.ctx.source.slice(expr.span)}` converts it a second time, so the formula implies "
                f"{count if expr.op == '*' else '1/' + count}× what the inputs' targets say",
                f"`{input_id}` は{PERIOD_JA[period]}あたりの値で、目標の{PERIOD_JA[goal]}あたりへは自動で換算されます。"
                f"`{self.ctx.source.slice(expr.span)}` で二重に換算され、式は入力の目標の "
                f"{count if expr.op == '*' else '1/' + count} 倍になります"),
            Msg(f"write `{rest}` alone (periods convert by themselves); for a total over {count} {period}s, "
                f"write the duration with its unit, `{rest} * {duration}`, against a total target",
                f"`{rest}` だけにしてください（期間は自動で換算されます）。{count} {COUNT_JA[period]}分の合計なら、"
                f"`{rest} * {duration}` のように単位付きの期間を掛け、合計の目標と比べます"),
            labels=[self.label(other.span, f"per {period}", f"{PERIOD_JA[period]}あたり")],
            primary=Msg(f"the number of {period}s in a {goal}", f"1 {PERIOD_JA[goal]}の{PERIOD_JA[period]}数"),
        )
