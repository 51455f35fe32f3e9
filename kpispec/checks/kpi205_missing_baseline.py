from __future__ import annotations

from .. import display

from ..diagnostics import Msg, Severity
from .base import Check


class MissingBaseline(Check):
    """A target with no baseline (現状値) to judge it against.

    ## What it checks
    Every KPI and KGI with a `target` also has a `baseline`: the value today. A node with
    a `formula` is exempt, since its baseline follows from its inputs' baselines.

    ## Why it matters
    SMART's A (Achievable) is judged against where you start: 1,000,000 visitors a month
    is modest from 900,000 and a fantasy from 50,000. Without a baseline nobody (and no
    check) can tell which.

    ## Fails
    ```kpi
    plan p "計画" { period 2026-04-01 to 2027-03-31 }
    kpi visitors "月間訪問者数" {
      target 1,000,000 visitors per month
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
    Add `baseline …` with the current value, in the same unit and period as the target.
    For a brand-new metric, write the best estimate and say so in `description`.
    """

    code = "KPI205"
    name = "missing-baseline"
    severity = Severity.WARNING
    summary = Msg("A target has no baseline", "目標値に対する現状値（`baseline`）がない")

    def run(self):
        for node in self.ctx.nodes("kgi", "kpi"):
            if node.target is None or node.baseline is not None or node.formula is not None:
                continue
            value = node.target.value
            yield self.diag(
                node.attr_spans.get("target", node.target.span),
                Msg(f"`{node.id}` has a target ({value.text}) but no baseline to judge it against",
                    f"`{node.id}` には目標値（{display.written(value.text, 'ja')}）がありますが、比較する現状値（`baseline`）がありません"),
                Msg(f"add `baseline …` with today's value, in the same unit as the target (like `{value.text}`)",
                    f"現在の値を `baseline …` で追加してください。単位は目標と揃えます（`{value.text}` と同じ形）"),
                primary=Msg("no baseline", "現状値なし"),
            )
