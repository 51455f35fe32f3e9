from __future__ import annotations

from ..diagnostics import Msg, Severity
from .base import Check


class CircularDependency(Check):
    """Nodes that depend on themselves through formulas and links.

    ## What it checks
    Formulas (a node is computed from its inputs), `ksf` links (a KSF is tracked by its
    KPIs) and `kgi` links (a KGI is served by its KSFs) form a graph. A cycle in it is
    reported once, listing the whole cycle in order, with each step at its position.

    ## Why it matters
    A number computed from itself cannot be computed at all, and a goal that serves its
    own KPI is not a tree: nobody can tell what drives what.

    ## Fails
    ```kpi
    plan p "計画" { period 2026-04-01 to 2027-03-31 }
    kpi a "A" { target 100件 per month
      formula b * 2 }
    kpi b "B" { target 50件 per month
      formula c + 1件 per month }
    kpi c "C" { target 49件 per month
      formula a / 2 }
    ```

    ## Passes
    ```kpi
    plan p "計画" { period 2026-04-01 to 2027-03-31 }
    kpi a "A" { target 100件 per month
      formula b * 2 }
    kpi b "B" { target 50件 per month
      formula c + 1件 per month }
    kpi c "C" { target 49件 per month }
    ```

    ## Fix
    Break the cycle: one of the nodes must be measured directly (a target, no formula),
    or a link points the wrong way (KPIs name their KSF; KSFs name their KGI).
    """

    code = "KPI401"
    name = "circular-dependency"
    severity = Severity.ERROR
    summary = Msg("A cycle in formulas and links", "式やリンクの循環参照")

    def run(self):
        for cycle in self.ctx.graph.cycles():
            ids = [edge.source for edge in cycle] + [cycle[0].source]
            chain = " → ".join(ids)
            labels = []
            for step, edge in enumerate(cycle, 1):
                if edge.kind == "link":
                    en = f"{step}. `{edge.source}` is served by `{edge.target}`"
                    ja = f"{step}. `{edge.source}` は `{edge.target}` につながる"
                else:
                    en = f"{step}. `{edge.source}` uses `{edge.target}`"
                    ja = f"{step}. `{edge.source}` は `{edge.target}` を使う"
                labels.append(self.label(edge.span, en, ja))
            first = cycle[0]
            yield self.diag(
                first.span,
                Msg(f"circular dependency: {chain}", f"循環参照：{chain}"),
                Msg("break the cycle: measure one of these directly (give it a target and no formula), or fix a link that points the wrong way",
                    "循環を断ち切ってください。どれか 1 つを直接計測する（式をなくし目標値を置く）か、逆向きのリンクを直してください"),
                labels=labels[1:],
                primary=Msg(labels[0].message.en, labels[0].message.ja),
            )
