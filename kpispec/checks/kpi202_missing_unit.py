from __future__ import annotations

from .. import display

from ..diagnostics import Msg, Severity
from .base import Check


class MissingUnit(Check):
    """A target that is a bare number: no unit, and not a percentage.

    ## What it checks
    The `target` of every KGI and KPI carries a unit: a currency (`円`, `JPY`, `USD`), a
    count word (`visitors`, `人`, `件`, `leads`), a time unit (`days`), or `%`, or says what
    it is per (`1.5 per user`: a ratio, like a percentage). A bare `target 300` has none.

    ## Why it matters
    SMART's S (Specific) and M (Measurable): "300" of what? 300 leads, 300万円 and a ROAS
    of 300% are different plans. Units are also what lets kpispec check that the tree's
    arithmetic adds up, so a bare number silences those checks.

    ## Fails
    ```kpi
    plan p "計画" { period 2026-04-01 to 2027-03-31 }
    kpi leads "月間リード数" {
      target 300 per month
    }
    ```

    ## Passes
    ```kpi
    plan p "計画" { period 2026-04-01 to 2027-03-31 }
    kpi leads "月間リード数" {
      target 300件 per month
    }
    ```

    ## Fix
    Glue a unit to the number (`300件`, `5,000円`, `2.5%`) or write a unit word after it
    (`300 leads per month`). A ratio such as ROAS can be written as a percentage
    (`300%`) or with `倍`.
    """

    code = "KPI202"
    name = "missing-unit"
    severity = Severity.WARNING
    summary = Msg("A target is a bare number without a unit", "目標値が単位のない数値になっている")

    def run(self):
        for node in self.ctx.nodes("kgi", "kpi"):
            target = node.target
            if target is None or target.value.percent or target.value.unit.kind != "none" or target.value.unit.per:
                continue
            text = target.value.text
            yield self.diag(
                node.attr_spans.get("target", target.span),
                Msg(f"the target of `{node.id}` is a bare number ({text}): of what?",
                    f"`{node.id}` の目標値が単位のない数値（{display.written(text, 'ja')}）です。何の数ですか？"),
                Msg("add a unit: glue it to the number (`300件`, `5,000円`, `2.5%`) or write a word after it "
                    "(`300 leads`); a ratio such as ROAS can be a percentage (`300%`)",
                    "単位を付けてください。数値に続けて書くか（`300件`、`5,000円`、`2.5%`）、後ろに単位語を書きます"
                    "（`300 リード`）。ROAS のような比率はパーセント（`300%`）で書けます"),
                primary=Msg("no unit", "単位なし"),
            )
