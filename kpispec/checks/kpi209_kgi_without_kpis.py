from __future__ import annotations

from ..diagnostics import Msg, Severity
from .base import Check


class KgiWithoutKpis(Check):
    """A KGI with no KPI under it.

    ## What it checks
    Every KGI has at least one KPI beneath it: through a KSF that names it (`kgi X`) and
    is tracked by a KPI (`ksf Y`), through a KPI that links to it directly, or through
    its `formula`.

    ## Why it matters
    SMART's R (Relevant), seen from the top: a goal with no KPIs has nothing the teams can
    act on or measure month by month. It will be noticed only at the deadline, when it is
    missed.

    ## Fails
    ```kpi
    plan p "計画" { period 2026-04-01 to 2027-03-31 }
    kgi revenue "年間売上" { target 12億円 per year }
    ksf traffic "訪問者を増やす" { kgi revenue }
    ```

    ## Passes
    ```kpi
    plan p "計画" { period 2026-04-01 to 2027-03-31 }
    kgi revenue "年間売上" { target 12億円 per year }
    ksf traffic "訪問者を増やす" { kgi revenue }
    kpi visitors "月間訪問者数" {
      ksf traffic
      target 1,000,000 visitors per month
    }
    ```

    ## Fix
    Decompose the KGI: add the KSFs it depends on (`ksf traffic "…" { kgi revenue }`) and
    the KPIs that track them (`ksf traffic` inside each KPI), or give the KGI a `formula`
    over KPIs (`visitors * cvr * aov`).
    """

    code = "KPI209"
    name = "kgi-without-kpis"
    severity = Severity.WARNING
    summary = Msg("A KGI has no KPI under it", "KGI の下に KPI がない")

    def run(self):
        if self.ctx.links_broken:
            return  # which KPIs serve which node is unknown until the links resolve
        plan = self.ctx.plan
        for node in self.ctx.nodes("kgi"):
            below = self.ctx.graph.reachable([node.id]) - {node.id}
            if any(plan.nodes[n].kind == "kpi" for n in below if n in plan.nodes):
                continue
            ksfs = [e.target for e in self.ctx.graph.edges.get(node.id, ()) if e.kind == "link"]
            if ksfs:
                names = ", ".join(f"`{k}`" for k in dict.fromkeys(ksfs))
                names_ja = "、".join(f"`{k}`" for k in dict.fromkeys(ksfs))
                help_ = Msg(f"add KPIs that track {names} (write `ksf {ksfs[0]}` inside each), or give `{node.id}` a formula over KPIs",
                            f"{names_ja} を測る KPI を追加するか（各 KPI に `ksf {ksfs[0]}` と書きます）、`{node.id}` に KPI を使った式を書いてください")
            else:
                help_ = Msg(f'add the KSFs it depends on (`ksf x "…" {{ kgi {node.id} }}`) and KPIs that track them, '
                            "or give it a formula over KPIs",
                            f'この KGI を左右する KSF（`ksf x "…" {{ kgi {node.id} }}`）とそれを測る KPI を追加するか、'
                            "KPI を使った式を書いてください")
            yield self.diag(
                node.id_span,
                Msg(f"KGI `{node.id}` has no KPI under it: nothing tracks progress towards it",
                    f"KGI `{node.id}` の下に KPI がなく、達成に向けた進捗を測るものがありません"),
                help_,
                primary=Msg("no KPIs", "KPI なし"),
            )
