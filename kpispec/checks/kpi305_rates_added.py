from __future__ import annotations

import re

from ..diagnostics import Msg, Severity
from ..resolve import walk
from ..syntax import ast
from .base import Check

AVERAGE = re.compile(
    r"(^|_)(aov|arpu|arppu|avg|average|mean|cpa|cpc|cpm|cac|unit_price|price|rate|ratio|cvr|ctr)($|_)|平均|単価|率",
    re.IGNORECASE,
)


def is_rate_or_average(node) -> bool:
    if node.target is not None and node.target.value.percent:
        return True
    text = " ".join(filter(None, (node.id, node.label)))
    return bool(AVERAGE.search(text))


class RatesAdded(Check):
    """Percentages or averages added together.

    ## What it checks
    `+` and `sum(…)` whose operands include a rate (a KPI whose target is a percentage,
    or whose id or label says rate, 率, CVR, CTR) or an average (AOV, 客単価, 平均,
    CPA, CPC, ARPU, …).

    ## Why it matters
    Rates and averages combine by weighting, never by sum: a 2% CVR on the web plus a 3%
    CVR in the app is not a 5% CVR. The total comes from the counts (conversions ÷
    sessions over both channels), or from a weighted average.

    ## Fails
    ```kpi
    plan p "計画" { period 2026-04-01 to 2027-03-31 }
    kpi cvr "全体CVR" {
      target 5%
      formula web_cvr + app_cvr
    }
    kpi web_cvr "Web CVR" { target 2% }
    kpi app_cvr "アプリCVR" { target 3% }
    ```

    ## Passes
    ```kpi
    plan p "計画" { period 2026-04-01 to 2027-03-31 }
    kpi orders "受注数" {
      target 3,000件 per month
      formula web_orders + app_orders
    }
    kpi web_orders "Web受注" { target 2,000件 per month }
    kpi app_orders "アプリ受注" { target 1,000件 per month }
    ```

    ## Fix
    Add the counts instead (conversions, orders, revenue) and derive the rate from the
    totals, or weight each rate by its share: `web_share * web_cvr + app_share * app_cvr`.
    """

    code = "KPI305"
    name = "rates-added"
    severity = Severity.WARNING
    summary = Msg("Percentages or averages added together", "率や平均値を足し合わせている")

    def run(self):
        nodes = self.ctx.plan.nodes
        for owner in self.ctx.nodes():
            if owner.formula is None:
                continue
            for expr in walk(owner.formula):
                operands = None
                if isinstance(expr, ast.Binary) and expr.op == "+":
                    operands = (expr.left, expr.right)
                elif isinstance(expr, ast.Call) and expr.function.text == "sum":
                    operands = expr.args
                if not operands:
                    continue
                rated = [o for o in operands if isinstance(o, ast.Ref) and o.name.text in nodes
                         and is_rate_or_average(nodes[o.name.text])]
                if not rated:
                    continue
                names = ", ".join(f"`{o.name.text}`" for o in rated)
                span = expr.op_span if isinstance(expr, ast.Binary) else expr.function.span
                yield self.diag(
                    span,
                    Msg(f"adding rates or averages ({names}) in `{owner.id}`: they combine by weighting, not by sum",
                        f"`{owner.id}` で率や平均値（{names}）を足しています。率や平均は足し算ではなく加重で合成します"),
                    Msg("add the underlying counts (conversions, orders, revenue) and divide, or weight each rate by its share",
                        "元の件数（CV 数・受注数・売上）を足してから割るか、各率を構成比で加重してください"),
                    labels=[self.label(o.span, "rate or average", "率または平均値") for o in rated],
                    primary=Msg("summed here", "ここで加算"),
                )

