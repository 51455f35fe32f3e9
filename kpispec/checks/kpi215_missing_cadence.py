from __future__ import annotations

from ..diagnostics import Msg, Severity
from .base import Check

CADENCE_FOR_PERIOD = {"day": "daily", "week": "weekly", "month": "monthly", "quarter": "quarterly"}
CADENCE_JA = {"daily": "日次", "weekly": "週次", "biweekly": "隔週", "monthly": "月次", "quarterly": "四半期"}


class MissingCadence(Check):
    """A KPI with no measurement cadence.

    ## What it checks
    Every KPI has a `cadence`: how often it is measured and reviewed (`daily`, `weekly`,
    `biweekly`, `monthly`, `quarterly`, `yearly`, or 日次, 週次, 隔週, 月次, 四半期, 年次).

    ## Why it matters
    SMART's T (Time-bound): a KPI is an intermediate target precisely so that the team can
    see early whether the goal is on track. One looked at only at the deadline is just a
    second KGI, and the chance to correct course is gone.

    ## Fails
    ```kpi
    plan p "計画" { period 2026-04-01 to 2027-03-31 }
    kpi cvr "購入率" {
      target 2.5%
    }
    ```

    ## Passes
    ```kpi
    plan p "計画" { period 2026-04-01 to 2027-03-31 }
    kpi cvr "購入率" {
      target 2.5%
      cadence weekly
    }
    ```

    ## Fix
    Add `cadence weekly` (or `monthly`, …): at least as often as the period its target is
    stated in.
    """

    code = "KPI215"
    name = "missing-cadence"
    severity = Severity.WARNING
    summary = Msg("A KPI has no measurement cadence", "KPI に計測頻度がない")

    def run(self):
        for node in self.ctx.nodes("kpi"):
            if node.cadence is not None or "cadence" in node.attr_spans:
                continue  # an unknown cadence word is reported where it is written
            per = node.target.value.per if node.target is not None else None
            cadence = CADENCE_FOR_PERIOD.get(per, "monthly")
            others = ", ".join(c for c in CADENCE_JA if c != cadence)
            others_ja = "・".join(CADENCE_JA[c] for c in CADENCE_JA if c != cadence)
            yield self.diag(
                node.id_span,
                Msg(f"KPI `{node.id}` has no cadence: how often is it measured?",
                    f"KPI `{node.id}` に計測頻度（`cadence`）がありません。どのくらいの頻度で計測しますか？"),
                Msg(f"add `cadence {cadence}` (or {others}, yearly)",
                    f"`cadence {CADENCE_JA[cadence]}` を追加してください（ほかに {others_ja}・年次）"),
                primary=Msg("no cadence", "計測頻度なし"),
            )
