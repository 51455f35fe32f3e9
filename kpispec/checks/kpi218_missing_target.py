from __future__ import annotations

from ..diagnostics import Msg, Severity
from .base import Check


class MissingTarget(Check):
    """A KGI or KPI with no number to reach: neither a target nor a formula.

    ## What it checks
    Every `kgi` and `kpi` has a `target`, or a `formula` that computes it from other
    nodes. (KSFs are qualitative and take neither.)

    ## Why it matters
    A KPI is a measurable intermediate target and a KGI a number with a deadline. Without
    a target nobody can tell whether the plan is on track, and the tree arithmetic has
    nothing to check.

    ## Fails
    ```kpi
    plan p "計画" { period 2026-04-01 to 2027-03-31 }
    kpi visitors "月間訪問者数" {
      baseline 600,000 visitors per month
    }
    ```

    ## Passes
    ```kpi
    plan p "計画" { period 2026-04-01 to 2027-03-31 }
    kpi visitors "月間訪問者数" {
      target 1,000,000 visitors per month
      baseline 600,000 visitors per month
    }
    ```

    ## Fix
    Add `target …` (with `<=` for costs such as CPA), or a `formula` over the KPIs that
    drive it.
    """

    code = "KPI218"
    name = "missing-target"
    severity = Severity.WARNING
    summary = Msg("A KGI or KPI has neither a target nor a formula", "KGI・KPI に目標値も式もない")

    def run(self):
        for node in self.ctx.nodes("kgi", "kpi"):
            if node.target is not None or node.formula is not None:
                continue
            kind = node.kind.upper()
            yield self.diag(
                node.id_span,
                Msg(f"{kind} `{node.id}` has no target and no formula: there is no number to reach",
                    f"{kind} `{node.id}` に目標値も式もなく、達成すべき数値がありません"),
                Msg("add `target …` (`target <= …` for a cost such as CPA), or a `formula` over the KPIs that drive it",
                    "`target …` を追加するか（CPA などのコストは `target <= …`）、それを動かす KPI からの `formula` を書いてください"),
                primary=Msg("no target", "目標値なし"),
            )
