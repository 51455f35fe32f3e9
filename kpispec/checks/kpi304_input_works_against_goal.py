from __future__ import annotations

from .. import display

from ..analysis.arithmetic import references
from ..diagnostics import Msg, Severity
from .base import Check


class InputWorksAgainstGoal(Check):
    """An input whose improvement makes the node worse.

    ## What it checks
    In every formula of a node with a target, whether each input's "better" direction
    pushes the node the right way, over every value the inputs' targets accept: the sign of
    the formula's slope in that input. An input with `>=` (higher is better) that can only
    lower the node, or a ceiling input (`<=`, lower is better, such as CPA or churn) that can
    only raise it, moves the node away from its target as it improves. An input used more than
    once is judged by its whole effect: in `orders * aov - orders * cpa` with `aov` above `cpa`,
    more orders raise profit. Where the direction depends on the other inputs, nothing is
    reported.

    ## Why it matters
    An input that should grow and sits in the divisor of a percentage is not reported:
    `purchases / sessions` defines a rate, and more sessions at the same purchases is the
    rate's own definition at work. The arithmetic check holds such inputs at their targets.
    Anywhere else (customers = budget ÷ CPA, with CPA written as `>=`) it is reported.

    A team that beats its KPI should never hurt the goal. When it does, either the
    formula is wrong or the input's direction is: the tree no longer explains how the
    goal is reached.

    ## Fails
    ```kpi
    plan p "計画" { period 2026-04-01 to 2027-03-31 }
    kgi profit "利益" {
      target 1,000万円 per month
      formula orders * cpa
    }
    kpi orders "受注数" { target 5,000件 per month }
    kpi cpa "獲得単価" { target <= 5,000円 }
    ```

    ## Passes
    ```kpi
    plan p "計画" { period 2026-04-01 to 2027-03-31 }
    kgi profit "利益" {
      target 1,000万円 per month
      formula orders * (unit_margin - cpa)
    }
    param unit_margin "1件あたり粗利" = 8,000円
    kpi orders "受注数" { target 5,000件 per month }
    kpi cpa "獲得単価" { target <= 5,000円 }
    ```

    ## Fix
    Correct the formula (a cost is usually subtracted or divided by), or correct the
    input's direction: `target <= …` for costs, `target >= …` for everything that should grow.
    """

    code = "KPI304"
    name = "input-works-against-goal"
    severity = Severity.WARNING
    summary = Msg("An input that hurts the node when it improves", "改善すると目標が悪化する入力")

    def run(self):
        nodes = self.ctx.plan.nodes
        for node in self.ctx.nodes():
            if node.formula is None or node.target is None:
                continue
            goal = 1 if node.target.direction == "up" else -1
            reported = set()
            for ref, divisor in references(node.formula):
                source = nodes.get(ref.name.text)
                if source is None or source.target is None or ref.name.text in reported:
                    continue
                if divisor and source.target.direction == "up" and node.target.value.percent:
                    continue  # a rate's denominator: see held_at_target
                slope = self.ctx.arithmetic.slope(node.id, ref.name.text)
                better = 1 if source.target.direction == "up" else -1
                if slope * better * goal >= 0:
                    continue  # helps, has no effect, or its effect depends on the other inputs
                reported.add(ref.name.text)
                yield self._report(node, source, ref, slope)

    def _report(self, node, source, ref, sign):
        if source.target.direction == "down":
            what_en = f"`{source.id}` is a ceiling (lower is better), but a lower `{source.id}` lowers `{node.id}`"
            what_ja = f"`{source.id}` は上限目標（低いほど良い）ですが、`{source.id}` が下がると `{node.id}` も下がります"
        else:
            where = "subtracted or divided by" if sign < 0 else "used so that it raises the result"
            where_ja = "引き算または割り算に使われて" if sign < 0 else "結果を押し上げる形で使われて"
            what_en = f"`{source.id}` should go up, but it is {where} in `{node.id}`'s formula, so raising it moves `{node.id}` away from its target"
            what_ja = (f"`{source.id}` の目標値は下限（高いほど良い）として書かれていますが、`{node.id}` の式で{where_ja}おり、"
                       f"上げると `{node.id}` が目標から遠ざかります")
        if node.target.direction == "down":
            what_en += " (the node is a ceiling)"
            what_ja += "（このノードは上限目標です）"
        return self.diag(
            ref.span,
            Msg(what_en, what_ja),
            Msg(
                f"check the formula, or the direction of `{source.id}`'s target (`target <=` for costs, `target >=` for what should grow)",
                f"式、または `{source.id}` の目標の向き（コストは `target <=`、伸ばす指標は `target >=`）を確認してください",
            ),
            labels=[self.label(source.target.span, display.target_text(source.target.value.text, source.target.comparator),
                               display.target_text(source.target.value.text, source.target.comparator, "ja"))],
            primary=Msg("works against the goal", "目標に逆行"),
        )
