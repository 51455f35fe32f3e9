from __future__ import annotations

from .. import display

from ..diagnostics import Msg, Severity
from .base import Check

REASONS = {
    "months": Msg(
        "the goal is evaluated month by month, and its formula does not move one way in an input whose value "
        "changes over the months, so proving it at each month's targets would not cover every month's values",
        "目標を月ごとに評価していますが、月によって値が変わる入力について式が一方向に動かないため、"
        "各月の目標値での証明がすべての値をカバーしません",
    ),
    "budget": Msg(
        "the search for the worst case ran out of steps: the formula is neither monotone in its inputs nor "
        "settled by splitting their ranges",
        "最悪の場合の探索が上限に達しました。式が入力について単調でなく、範囲を分割しても決着しません",
    ),
    "divisor": Msg(
        "a divisor in the formula can be zero or change sign over what the inputs' targets accept",
        "式の割る数が、入力の目標が許す範囲で 0 になるか符号が変わります",
    ),
    "size": Msg(
        "the formula is too large to expand exactly over the plan's inputs, and interval arithmetic alone "
        "does not prove it",
        "式が大きすぎて入力について厳密に展開できず、区間演算だけでは証明できません",
    ),
}


class NotProven(Check):
    """A target or assert that can be neither proven nor refuted.

    ## What it checks
    For every node with a formula and a target, and every `assert`, whether kpispec could
    settle it: either prove it holds for every value the inputs' targets accept, or find
    a witness (values meeting every input's target) where it fails. When neither can be
    done, this warning says why instead of guessing: KPI301 and KPI307 are errors only
    with a witness, and a pass is only reported with a proof.

    ## Why it matters
    A plan that cannot be checked is not known to add up. Usually the formula is not
    monotone in its inputs (a square, a difference of products with no fixed sign), or a
    divisor can reach zero.

    ## Fails
    ```kpi
    plan p "計画" { period 2026-04-01 to 2027-03-31 }
    kgi spread "価格指数の乖離" {
      target 1
      formula (our_index - market_index) * (our_index - market_index) + 1
    }
    kpi our_index "自社価格指数" { target 100 }
    kpi market_index "市場価格指数" { target 110 }
    ```

    ## Passes
    ```kpi
    plan p "計画" { period 2026-04-01 to 2027-03-31 }
    kgi margin "粗利" {
      target 1,000円
      formula price - cost
    }
    kpi price "販売価格" { target 3,000円 }
    kpi cost "原価" { target <= 2,000円 }
    ```

    ## Fix
    Write the formula so that each input moves it one way (split a node, or give an input
    a ceiling as well as a floor by making it a formula of bounded parts), or state the
    rule as an `assert` that compares monotone quantities.
    """

    code = "KPI310"
    name = "not-proven"
    severity = Severity.WARNING
    summary = Msg("A target or assert that can be neither proven nor refuted", "証明も反証もできない目標・`assert`")

    def run(self):
        arithmetic = self.ctx.arithmetic
        for outcome in arithmetic.outcomes.values():
            verdict = outcome.verdict
            if verdict is None or verdict.status != "unknown":
                continue
            node = outcome.node
            yield self.diag(
                node.target.span,
                Msg(f"`{node.id}`'s target {node.target.value.text} could be neither proven nor refuted from its inputs' targets",
                    f"`{node.id}` の目標 {display.written(node.target.value.text, 'ja')} は、入力の目標値から証明も反証もできません"),
                Msg("write the formula so that each input moves it one way, or check this target by hand",
                    "各入力が一方向にだけ効く式に書き直すか、この目標は手で確認してください"),
                notes=[REASONS.get(verdict.reason, REASONS["budget"])],
                primary=Msg("not proven", "未証明"),
            )
        for a in arithmetic.asserts:
            verdict = a.verdict
            if verdict is None or verdict.status != "unknown":
                continue
            stmt = a.stmt
            text = stmt.message.value if stmt.message else self.ctx.source.slice(stmt.span)
            yield self.diag(
                stmt.span,
                Msg(f"assert could be neither proven nor refuted: {text}",
                    "`assert` を証明も反証もできません：" + (f"「{text}」" if stmt.message else f"`{text}`")),
                Msg("state the rule with quantities that each input moves one way, or check it by hand",
                    "各入力が一方向にだけ効く量でルールを書き直すか、手で確認してください"),
                notes=[REASONS.get(verdict.reason, REASONS["budget"])],
                primary=Msg("not proven", "未証明"),
            )
