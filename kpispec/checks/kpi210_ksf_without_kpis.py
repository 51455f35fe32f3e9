from __future__ import annotations

from ..diagnostics import Msg, Severity
from .base import Check


class KsfWithoutKpis(Check):
    """A KSF that no KPI tracks.

    ## What it checks
    Every KSF is tracked by at least one KPI: a `kpi` block that names it (`ksf X`).

    ## Why it matters
    A KSF is a qualitative success factor ("raise conversion"); the KPIs are how anyone
    knows whether it is going right. A KSF without a KPI is a wish: nobody owns a number
    for it, and the plan cannot show whether it happened.

    ## Fails
    ```kpi
    plan p "計画" { period 2026-04-01 to 2027-03-31 }
    kgi revenue "年間売上" { target 12億円 per year }
    ksf conversion "購入率を高める" { kgi revenue }
    ```

    ## Passes
    ```kpi
    plan p "計画" { period 2026-04-01 to 2027-03-31 }
    kgi revenue "年間売上" { target 12億円 per year }
    ksf conversion "購入率を高める" { kgi revenue }
    kpi cvr "購入率" {
      ksf conversion
      target 2.5%
    }
    ```

    ## Fix
    Add a KPI that measures the factor and name the KSF in it (`ksf conversion`), or
    remove the KSF if it is not really a factor of the goal.
    """

    code = "KPI210"
    name = "ksf-without-kpis"
    severity = Severity.WARNING
    summary = Msg("A KSF has no KPI tracking it", "KSF を測る KPI がない")

    def run(self):
        if self.ctx.links_broken:
            return  # which KPIs serve which node is unknown until the links resolve
        plan = self.ctx.plan
        for node in self.ctx.nodes("ksf"):
            below = self.ctx.graph.reachable([node.id]) - {node.id}
            if any(plan.nodes[n].kind == "kpi" for n in below if n in plan.nodes):
                continue
            label = f" ({node.label})" if node.label else ""
            label_ja = f"（{node.label}）" if node.label else " "
            yield self.diag(
                node.id_span,
                Msg(f"no KPI tracks KSF `{node.id}`{label}: nobody can tell whether it is going right",
                    f"KSF `{node.id}`{label_ja}を測る KPI がなく、うまくいっているか判断できません"),
                Msg(f"add a KPI that measures it and write `ksf {node.id}` inside that KPI",
                    f"これを測る KPI を追加し、その KPI の中に `ksf {node.id}` と書いてください"),
                primary=Msg("no KPIs", "KPI なし"),
            )
