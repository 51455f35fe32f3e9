from __future__ import annotations

from ..diagnostics import Msg, Severity
from .base import Check


class MissingLabel(Check):
    """A KGI or KPI with only an id and no label saying what it measures.

    ## What it checks
    Every `kgi` and `kpi` has a label: the quoted name after its id
    (`kpi cvr "購入率（購入数 ÷ セッション数）" { … }`). An empty label counts as none.

    ## Why it matters
    SMART's S (Specific): a target must name the metric it is about. An id such as `cvr`
    or `kpi3` is a name for formulas, not a description the team, the report and the
    dashboard can share; reports and the compiled JSON show the label.

    ## Fails
    ```kpi
    plan p "計画" { period 2026-04-01 to 2027-03-31 }
    kpi cvr {
      target 2.5%
    }
    ```

    ## Passes
    ```kpi
    plan p "計画" { period 2026-04-01 to 2027-03-31 }
    kpi cvr "購入率" {
      target 2.5%
    }
    ```

    ## Fix
    Write the metric's name in quotes after the id: `kpi cvr "購入率" { … }`.
    """

    code = "KPI201"
    name = "missing-label"
    severity = Severity.WARNING
    summary = Msg("A KGI or KPI has no label", "KGI・KPI に名称（ラベル）がない")

    def run(self):
        for node in self.ctx.nodes("kgi", "kpi"):
            if node.label and node.label.strip():
                continue
            kind = node.kind.upper()
            yield self.diag(
                node.id_span,
                Msg(f"{kind} `{node.id}` has no label saying what it measures",
                    f"{kind} `{node.id}` に何を測る指標かを示す名称（ラベル）がありません"),
                Msg(f'add a label after the id: `{node.kind} {node.id} "…" {{`',
                    f'ID の後に名称を書いてください：`{node.kind} {node.id} "…" {{`'),
                primary=Msg("no label", "ラベルなし"),
            )
