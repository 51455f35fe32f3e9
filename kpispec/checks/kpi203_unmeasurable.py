from __future__ import annotations

from ..diagnostics import Msg, Severity
from .base import Check


class Unmeasurable(Check):
    """A KPI with no data source and no definition of how it is measured.

    ## What it checks
    Every KPI has a `source` (where the number comes from: `"GA4: sessions"`, `"CRM"`)
    or a `measure` (how it is computed: `"purchases / sessions"`), or a `formula` that
    computes it from other nodes. A KGI is held to the same rule unless it has a formula.

    ## Why it matters
    SMART's M (Measurable). The practitioners' classic failure is "customer satisfaction"
    with no survey behind it: a target nobody can measure cannot be managed, and two
    teams will report two different numbers for it.

    ## Fails
    ```kpi
    plan p "計画" { period 2026-04-01 to 2027-03-31 }
    kpi satisfaction "顧客満足度" {
      target 4.2点
    }
    ```

    ## Passes
    ```kpi
    plan p "計画" { period 2026-04-01 to 2027-03-31 }
    kpi satisfaction "顧客満足度" {
      target 4.2点
      source "購入後アンケート（5段階評価の平均）"
    }
    ```

    ## Fix
    Add `source "…"` naming the system or survey the number comes from, or `measure "…"`
    defining it (`"成約件数 / 商談件数"`).
    """

    code = "KPI203"
    name = "unmeasurable"
    severity = Severity.WARNING
    summary = Msg("A KPI has no source or measurement definition", "KPI に取得元も計測方法もない")

    def run(self):
        for node in self.ctx.nodes("kgi", "kpi"):
            if node.source or node.measure or node.formula is not None:
                continue
            kind = node.kind.upper()
            yield self.diag(
                node.id_span,
                Msg(f"{kind} `{node.id}` has no `source` or `measure`: how is it measured?",
                    f"{kind} `{node.id}` に `source` も `measure` もありません。どうやって計測しますか？"),
                Msg('add `source "…"` naming where the number comes from (e.g. `source "GA4: sessions"`), '
                    'or `measure "…"` defining it (e.g. `measure "purchases / sessions"`)',
                    '数値の取得元を `source "…"` で書くか（例：`source "GA4: セッション数"`）、'
                    '定義を `measure "…"` で書いてください（例：`measure "購入数 / セッション数"`）'),
                primary=Msg("not measurable as written", "計測方法が未定義"),
            )
