from __future__ import annotations

from functools import cached_property

from ..diagnostics import Msg, Severity
from .base import Check
from ..analysis.kinds import is_count


class QuantityWithoutQuality(Check):
    """A KSF tracked only by counts, with no rate or quality KPI beside them.

    ## What it checks
    For every KSF, the KPIs under it (those that name it with `ksf X`, and the inputs of
    their formulas). When every one of them with a target counts things (leads, clicks,
    visitors, 人, 件) and none is a rate, a ratio, a value or a score (a percentage, an
    amount of money, a time, `点`, `倍`, or a `measure` that divides, such as
    `"購入回数合計 / 顧客数"`), it is reported as a hint, unless one of the
    counts is already paired with such a KPI in a formula elsewhere in the plan
    (`clicks = impressions * ctr` tracks the quality of the impressions).

    ## Why it matters
    "Quantity without quality" is a classic failure: lead count without lead-to-deal rate,
    clicks without CVR. Counts are easy to inflate with low-quality volume that never
    converts, and a team measured only on counts will do exactly that.

    ## Fails
    ```kpi
    plan p "計画" { period 2026-04-01 to 2027-03-31 }
    kgi deals "受注件数" { target 40件 per month }
    ksf pipeline "商談を増やす" { kgi deals }
    kpi leads "リード数" {
      ksf pipeline
      target 800 leads per month
    }
    ```

    ## Passes
    ```kpi
    plan p "計画" { period 2026-04-01 to 2027-03-31 }
    kgi deals "受注件数" { target 40件 per month }
    ksf pipeline "商談を増やす" { kgi deals }
    kpi leads "リード数" {
      ksf pipeline
      target 800 leads per month
    }
    kpi lead_to_deal "リード受注率" {
      ksf pipeline
      target 5%
    }
    ```

    ## Fix
    Add a KPI for the quality of that volume beside the count: the lead-to-deal rate next
    to lead count, CVR next to clicks or visitors.
    """

    code = "KPI217"
    name = "quantity-without-quality"
    severity = Severity.INFO
    summary = Msg("A KSF is tracked only by counts, with no rate KPI", "KSF が件数だけで測られ、率（質）の KPI がない")

    def run(self):
        plan = self.ctx.plan
        if self.ctx.links_broken:
            return  # which KPIs track which KSF is unknown until the links resolve
        for ksf in self.ctx.nodes("ksf"):
            below = self.ctx.graph.reachable([ksf.id]) - {ksf.id}
            kpis = [plan.nodes[n] for n in sorted(below, key=self.ctx.graph.order.get)
                    if n in plan.nodes and plan.nodes[n].kind == "kpi" and plan.nodes[n].target is not None]
            if not kpis or not all(is_count(k) for k in kpis) or any(self._paired(k.id) for k in kpis):
                continue
            listed = ", ".join(f"`{k.id}`" for k in kpis)
            listed_ja = "、".join(f"`{k.id}`" for k in kpis)
            labels = [self.label(k.attr_spans.get("target", k.id_span), "a count", "件数") for k in kpis]
            yield self.diag(
                ksf.id_span,
                Msg(f"KSF `{ksf.id}` is tracked only by counts ({listed}), with no rate or quality KPI",
                    f"KSF `{ksf.id}` は件数（{listed_ja}）だけで測られていて、率や質を測る KPI がありません"),
                Msg(f"add a KPI for the quality of that volume with `ksf {ksf.id}`: a conversion rate such as lead-to-deal "
                    "rate or CVR beside the count",
                    f"量の質を測る KPI を `ksf {ksf.id}` で追加してください（リードに対する受注率、クリックに対する CVR など）"),
                labels,
                primary=Msg("counts only", "件数のみ"),
            )

    @cached_property
    def _quality(self) -> dict[str, bool]:
        return {}

    def _paired(self, nid: str) -> bool:
        """Whether a formula combines this count with a KPI or KGI that is not a count (a rate, a value)."""
        return any(self._has_quality(use.source) for use in self.ctx.graph.dependents(nid, kinds=("formula",)))

    def _has_quality(self, source: str) -> bool:
        """Whether this node's formula uses a KPI or KGI that is not a count; each formula is read
        once, however many counts it combines (a sum of 16,000 counts, or of one count 10,000 times)."""
        known = self._quality
        if source not in known:
            plan = self.ctx.plan
            known[source] = any(
                edge.kind == "formula" and (other := plan.nodes.get(edge.target)) is not None
                and other.target is not None and not is_count(other)
                for edge in self.ctx.graph.edges.get(source, ())
            )
        return known[source]
