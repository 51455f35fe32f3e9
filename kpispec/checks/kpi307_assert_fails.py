from __future__ import annotations

from .. import display
from ..diagnostics import Msg, Severity
from ..resolve import walk
from ..syntax import ast
from .base import Check


def involves_percent(ctx, expr) -> bool:
    for n in walk(expr):
        if isinstance(n, ast.Quantity) and n.percent:
            return True
        if isinstance(n, ast.Ref):
            node = ctx.plan.nodes.get(n.name.text)
            param = ctx.plan.params.get(n.name.text)
            if node is not None and node.target is not None and node.target.value.percent:
                return True
            if param is not None and involves_percent(ctx, param.expr):
                return True
    return False


class AssertFails(Check):
    """An `assert` that the plan's targets do not guarantee.

    ## What it checks
    Each `assert LEFT OP RIGHT "message"`, at the worst point the targets allow: every
    input anywhere in the range its own target accepts (`>=` targets at or above,
    `<=` targets at or below, params exactly). `>=` holds when the lowest LEFT reaches
    the highest RIGHT.

    ## Why it matters
    Asserts state the plan's own rules, such as "ROAS stays above break-even ROAS"
    (1 ÷ gross margin) or "CAC ≤ LTV ÷ 3". A target that breaks one makes the plan wrong
    on arithmetic alone, for example selling at a loss on every order.

    ## Fails
    ```kpi
    plan p "計画" { period 2026-04-01 to 2027-03-31 }
    param gross_margin "粗利率" = 30%
    kpi roas "広告ROAS" { target 300% }
    assert roas >= 1 / gross_margin "ROASは損益分岐点を上回ること"
    ```

    ## Passes
    ```kpi
    plan p "計画" { period 2026-04-01 to 2027-03-31 }
    param gross_margin "粗利率" = 40%
    kpi roas "広告ROAS" { target 300% }
    assert roas >= 1 / gross_margin "ROASは損益分岐点を上回ること"
    ```

    ## Fix
    Change the targets so that the rule holds, or correct the rule.
    """

    code = "KPI307"
    name = "assert-fails"
    severity = Severity.ERROR
    summary = Msg("An assert the targets do not guarantee", "目標値では assert が成り立たない")

    def run(self):
        for a in self.ctx.arithmetic.asserts:
            if a.holds or a.left is None:
                continue
            stmt = a.stmt
            text = stmt.message.value if stmt.message else self.ctx.source.slice(stmt.span)
            low = stmt.op in (">=", ">")
            left_worst = a.left.rng.lo if low else a.left.rng.hi
            right_worst = a.right.rng.hi if low else a.right.rng.lo
            if stmt.op == "==":
                left_worst, right_worst = a.left.pt, a.right.pt
            percent = involves_percent(self.ctx, stmt.left) or involves_percent(self.ctx, stmt.right)
            lw, rw = display.compared_dim_amounts([left_worst, right_worst], [a.left.dim, a.right.dim], percent)
            lw_ja, rw_ja = display.compared_dim_amounts([left_worst, right_worst], [a.left.dim, a.right.dim], percent, "ja")
            left_text = " ".join(self.ctx.source.slice(stmt.left.span).split())
            right_text = " ".join(self.ctx.source.slice(stmt.right.span).split())
            yield self.diag(
                stmt.span,
                Msg(f"assert fails: {text}", f"assert 不成立：{text}"),
                Msg("change the targets so that the rule holds, or correct the rule",
                    "ルールが成り立つように目標値を変えるか、ルールを見直してください"),
                labels=[
                    self.label(stmt.left.span, f"can be {lw}", f"最悪で {lw_ja}"),
                    self.label(stmt.right.span, f"can be {rw}", f"最悪で {rw_ja}"),
                ],
                notes=[Msg(
                    f"at the worst point the targets allow, {left_text} = {lw} and {right_text} = {rw}",
                    f"目標値が許す最悪の場合、{left_text} = {lw_ja}、{right_text} = {rw_ja} です",
                )],
                primary=Msg(f"{left_text} {stmt.op} {right_text} is not guaranteed", f"{left_text} {stmt.op} {right_text} が保証されません"),
            )
