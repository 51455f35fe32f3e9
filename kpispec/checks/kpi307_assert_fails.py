from __future__ import annotations

from .. import display
from ..diagnostics import Msg, Severity
from ..resolve import walk
from ..syntax import ast
from .base import Check
from .witness import witness_text


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


def written(side) -> bool:
    """Whether a side of an assert names anything (a side that is only a number needs no label)."""
    return any(isinstance(n, ast.Ref) for n in walk(side))


class AssertFails(Check):
    """An `assert` that the plan's targets do not guarantee.

    ## What it checks
    Each `assert LEFT OP RIGHT "message"`, everywhere the targets allow: every input
    anywhere in the range its own target accepts (`>=` targets at or above, `<=` targets
    at or below, params exactly). An input on both sides is one input: with revenue
    ≥ 1億円 and cost ≤ 8,000万円, `(revenue - cost) / revenue >= 20%` holds. When the
    assert fails, the message shows a witness: values that meet every input's target
    and break the rule, computed exactly.

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
    summary = Msg("An assert the targets do not guarantee", "目標値では `assert` が成り立たない")

    def _per_unit(self, side) -> str | None:
        """The count a side is per, where the side is one written value (`arpu`, `3,000円/人`)."""
        from ..resolve import normalise

        while isinstance(side, ast.Group):
            side = side.inner
        value = None
        if isinstance(side, ast.Ref):
            node = self.ctx.plan.nodes.get(side.name.text)
            value = node.target.value if node is not None and node.target is not None else None
        elif isinstance(side, ast.Quantity):
            value = normalise(self.ctx.source, side)
        return value.unit.per if value is not None and value.unit.per_kind == "count" else None

    def run(self):
        arithmetic = self.ctx.arithmetic
        for a in arithmetic.asserts:
            verdict = a.verdict
            if a.holds or a.left is None or verdict is None or verdict.status != "refuted":
                continue  # an assert that can be neither proven nor refuted is KPI310's
            stmt = a.stmt
            text = stmt.message.value if stmt.message else self.ctx.source.slice(stmt.span)
            values = [arithmetic.value_at(side, verdict.witness) for side in a.sides]
            dims = [a.left.dim, a.right.dim]
            percent = involves_percent(self.ctx, stmt.left) or involves_percent(self.ctx, stmt.right)
            per_units = [self._per_unit(side) for side in (stmt.left, stmt.right)]
            lw, rw = display.compared_dim_amounts(values, dims, percent, "en", per_units)
            lw_ja, rw_ja = display.compared_dim_amounts(values, dims, percent, "ja", per_units)
            left_text = " ".join(self.ctx.source.slice(stmt.left.span).split())
            right_text = " ".join(self.ctx.source.slice(stmt.right.span).split())
            moved_en, moved_ja = witness_text(arithmetic, verdict.witness, a.ref)
            if any(verdict.witness[v] != a.ref[v] for v in verdict.witness):
                where_en = f"with {moved_en}, each still meeting its own target"
                where_ja = f"{moved_ja}のように各入力が自分の目標を満たしたまま"
            else:
                where_en, where_ja = "at the inputs' targets", "入力が目標値ちょうどのとき"
            labels = [self.label(side.span, f"can be {en}", f"{ja} になり得る")
                      for side, en, ja in ((stmt.left, lw, lw_ja), (stmt.right, rw, rw_ja))
                      if written(side)]
            sides_en = " and ".join(f"{t} = {v}" for side, t, v in ((stmt.left, left_text, lw), (stmt.right, right_text, rw))
                                    if written(side))
            sides_ja = "、".join(f"{t} = {v}" for side, t, v in ((stmt.left, left_text, lw_ja), (stmt.right, right_text, rw_ja))
                                 if written(side))
            yield self.diag(
                stmt.span,
                Msg(f"assert fails: {text}", f"`assert` 不成立：{text}"),
                Msg("change the targets so that the rule holds, or correct the rule",
                    "ルールが成り立つように目標値を変えるか、ルールを見直してください"),
                labels=labels,
                notes=[Msg(f"{where_en}, {sides_en}", f"{where_ja}、{sides_ja} です")],
                primary=Msg(f"{left_text} {stmt.op} {right_text} is not guaranteed", f"{left_text} {stmt.op} {right_text} が保証されません"),
            )
