from __future__ import annotations

from ..diagnostics import Msg, Severity
from .base import Check


class TooManyKgis(Check):
    """More KGIs than a plan can focus on.

    ## What it checks
    The number of KGIs in the plan, against `max-kgis` in the configuration (3 by
    default). It is reported once, at the first KGI beyond the limit, listing them all.

    ## Why it matters
    A KGI is *the* goal: practice puts one to three at the top of a KPI tree. With more,
    the goals compete for the same people and budget, and nobody can say which one wins
    when they conflict. Usually some of them are really KPIs or KSFs of the others.

    ## Fails
    ```kpi
    plan p "計画" { period 2026-04-01 to 2027-03-31 }
    kgi revenue "年間売上" { target 12億円 per year }
    kgi profit "営業利益" { target 1億円 per year }
    kgi customers "新規顧客数" { target 20,000人 per year }
    kgi followers "フォロワー数" { target 50,000人 }
    ```

    ## Passes
    ```kpi
    plan p "計画" { period 2026-04-01 to 2027-03-31 }
    kgi revenue "年間売上" { target 12億円 per year }
    kgi profit "営業利益" { target 1億円 per year }
    kpi customers "新規顧客数" { target 20,000人 per year }
    ```

    ## Fix
    Keep the one to three goals the business is judged on; turn the others into KPIs
    that serve them (`kpi x "…" { ksf … }`). If the plan really needs more, raise
    `max-kgis` in the configuration.
    """

    code = "KPI211"
    name = "too-many-kgis"
    severity = Severity.WARNING
    summary = Msg("The plan has more KGIs than the configured maximum", "KGI の数が上限を超えている")

    def run(self):
        kgis = self.ctx.nodes("kgi")
        limit = self.ctx.config.max_kgis
        if len(kgis) <= limit:
            return
        first = kgis[limit]
        listed = ", ".join(f"`{n.id}`" for n in kgis)
        listed_ja = "、".join(f"`{n.id}`" for n in kgis)
        labels = [self.label(n.id_span, f"KGI {i}", f"{i} 個目の KGI") for i, n in enumerate(kgis, 1) if n is not first]
        yield self.diag(
            first.id_span,
            Msg(f"this plan has {len(kgis)} KGIs ({listed}), more than the {limit} a plan can focus on",
                f"この計画には KGI が {len(kgis)} 個（{listed_ja}）あり、上限の {limit} 個を超えています"),
            Msg(f"keep the {limit} goals the business is judged on and turn the others into KPIs that serve them "
                "(or raise `max-kgis` in the configuration)",
                f"事業として最も重要な {limit} 個に絞り、残りはそれらを支える KPI にしてください"
                "（本当に必要なら設定の `max-kgis` を上げます）"),
            labels,
            primary=Msg(f"KGI {limit + 1} of {len(kgis)}", f"{len(kgis)} 個中 {limit + 1} 個目の KGI"),
        )
