from __future__ import annotations

from .. import display

from ..diagnostics import Msg, Severity
from .base import Check


class UndefinedRate(Check):
    """A percentage KPI that does not say what is divided by what.

    ## What it checks
    Every KPI whose target is a percentage has a `measure` naming its numerator and
    denominator (`measure "purchases / sessions"`), unless a `formula` computes it. A
    `source` alone is not enough: it says where the data is, not which ratio is taken.

    ## Why it matters
    SMART's M (Measurable). "CVR 2.5%" is a different target when it is purchases ÷
    sessions, purchases ÷ unique visitors, or orders ÷ product-page views; the same site
    can be at 1.5% on one and 4% on another. Without the definition, the target and the
    report can silently use different ones.

    ## Fails
    ```kpi
    plan p "計画" { period 2026-04-01 to 2027-03-31 }
    kpi cvr "コンバージョン率" {
      target 2.5%
      source "GA4"
    }
    ```

    ## Passes
    ```kpi
    plan p "計画" { period 2026-04-01 to 2027-03-31 }
    kpi cvr "コンバージョン率" {
      target 2.5%
      source "GA4"
      measure "purchases / sessions"
    }
    ```

    ## Fix
    Add `measure "numerator / denominator"`: `"purchases / sessions"`,
    `"成約件数 / 商談件数"`, `"解約数 / 月初契約数"`.
    """

    code = "KPI204"
    name = "undefined-rate"
    severity = Severity.WARNING
    summary = Msg("A percentage KPI does not define its numerator and denominator", "率の KPI に分子・分母の定義がない")

    def run(self):
        for node in self.ctx.nodes("kpi"):
            target = node.target
            if target is None or not target.value.percent or node.measure or node.formula is not None:
                continue
            yield self.diag(
                node.attr_spans.get("target", target.span),
                Msg(f"`{node.id}` is a rate ({target.value.text}) but does not say what is divided by what",
                    f"`{node.id}` は率（{display.written(target.value.text, 'ja')}）ですが、何を何で割った値かが定義されていません"),
                Msg('add `measure "numerator / denominator"`, e.g. `measure "purchases / sessions"`',
                    '`measure "分子 / 分母"` を追加してください（例：`measure "購入数 / セッション数"`）'),
                primary=Msg("a rate of what?", "何の率？"),
            )
