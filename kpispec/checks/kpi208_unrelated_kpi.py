from __future__ import annotations

from ..diagnostics import Msg, Severity
from ..ir import Node
from .base import Check


class UnrelatedKpi(Check):
    """A KPI that does not lead to any KGI.

    ## What it checks
    Every KPI is connected to a KGI: it tracks a KSF (`ksf X`) that serves a KGI
    (`kgi Y` inside the KSF), links to a KGI directly (`kgi Y`), or is an input of the
    formula of a node that does. A KPI that only feeds another unrelated KPI is reported
    through that KPI, once. A plan with KPIs but no KGI at all is reported once.

    ## Why it matters
    SMART's R (Relevant): every KPI must be explainable as "if this moves, the KGI moves"
    (因果関係). The practitioners' example is likes tracked as a KPI for store-visit
    bookings: effort spent on a number that moves no goal.

    ## Fails
    ```kpi
    plan p "計画" { period 2026-04-01 to 2027-03-31 }
    kgi bookings "来店予約数" { target 1,200件 per month }
    ksf reach "予約導線を増やす" { kgi bookings }
    kpi booking_pv "予約ページ訪問数" {
      ksf reach
      target 30,000 visits per month
    }
    kpi likes "いいね数" { target 5,000 likes per month }
    ```

    ## Passes
    ```kpi
    plan p "計画" { period 2026-04-01 to 2027-03-31 }
    kgi bookings "来店予約数" { target 1,200件 per month }
    ksf reach "予約導線を増やす" { kgi bookings }
    kpi booking_pv "予約ページ訪問数" {
      ksf reach
      target 30,000 visits per month
    }
    ```

    ## Fix
    Link the KPI to the KSF it serves (`ksf X`), make sure that KSF names its KGI
    (`kgi Y`), or use the KPI in a formula. If no goal depends on it, remove it.
    """

    code = "KPI208"
    name = "unrelated-kpi"
    severity = Severity.WARNING
    summary = Msg("A KPI is not connected to any KGI", "KPI がどの KGI にもつながっていない")

    def run(self):
        kpis = self.ctx.nodes("kpi")
        kgis = [n.id for n in self.ctx.nodes("kgi")]
        if not kpis:
            return
        if not kgis:
            first = kpis[0]
            yield self.diag(
                first.id_span,
                Msg(f"this plan has no KGI, so none of its {len(kpis)} KPIs serves a goal",
                    (f"この計画には KGI がないため、{len(kpis)} 個の KPI はどれも最終目標につながっていません" if len(kpis) > 1
                     else "この計画には KGI がないため、この KPI は最終目標につながっていません")),
                Msg('add the goal they serve: `kgi revenue "年間売上" { target … }`, a KSF with `kgi revenue`, '
                    "and `ksf …` in each KPI",
                    '最終目標を追加してください：`kgi 売上 "年間売上" { target … }`、`kgi 売上` を持つ KSF、'
                    "各 KPI には `ksf …` を書きます"),
                primary=Msg("no KGI above this KPI", "この KPI の上に KGI がない"),
            )
            return
        graph = self.ctx.graph
        related = graph.reachable(kgis)
        unrelated = {n.id for n in kpis if n.id not in related}
        for node in kpis:
            if node.id not in unrelated or node.broken_links:
                continue  # a KPI whose link did not resolve was already reported by the resolver
            users = [e.source for e in graph.dependents(node.id, kinds=("formula",))]
            if node.id not in self.ctx.cyclic and any(u in unrelated for u in users):
                continue  # reported through the KPI whose formula uses it
            yield self._report(node, kgis, related, unrelated)

    def _report(self, node: Node, kgis, related, unrelated):
        nodes = self.ctx.plan.nodes
        ksfs = [link.name for link in node.links if link.kind == "ksf"]
        labels = [self.label(k.span, f"`{k.text}` is not linked to a KGI", f"`{k.text}` は KGI につながっていません")
                  for k in ksfs]
        goal = kgis[0] if len(kgis) == 1 else "<kgi>"
        if ksfs:
            names = ", ".join(f"`{k.text}`" for k in ksfs)
            names_ja = "、".join(f"`{k.text}`" for k in ksfs)
            help_ = Msg(f"link {names} to the goal it serves: write `kgi {goal}` inside it",
                        f"{names_ja} を対応する KGI につなげてください（KSF の中に `kgi {goal}` と書きます）")
        else:
            tracked = [n.id for n in nodes.values() if n.kind == "ksf" and n.id in related]
            example = tracked[0] if tracked else "<ksf>"
            help_ = Msg(f"name the KSF it tracks (`ksf {example}`), use it in a formula, or remove it if no goal depends on it",
                        f"この KPI が測る KSF を指定するか（`ksf {example}`）、式で使ってください。"
                        "どの目標にも影響しないなら削除を検討してください")
        inputs = [e.target for e in self.ctx.graph.edges.get(node.id, ())
                  if e.kind == "formula" and e.target in unrelated and e.target != node.id]
        notes = []
        if inputs:
            unique = list(dict.fromkeys(inputs))
            listed = ", ".join(f"`{i}`" for i in unique)
            listed_ja = "、".join(f"`{i}`" for i in unique)
            notes.append(Msg(f"its inputs {listed} serve no KGI either (they are reported with this KPI)",
                             f"入力の {listed_ja} も KGI につながっていません（この KPI とまとめて報告しています）"))
        return self.diag(
            node.id_span,
            Msg(f"KPI `{node.id}` is not connected to any KGI: moving it moves no goal",
                f"KPI `{node.id}` はどの KGI にもつながっておらず、動かしても目標に影響しません"),
            help_, labels, notes, primary=Msg("serves no KGI", "KGI につながっていない"),
        )
