from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal, DecimalException
from fractions import Fraction

from .. import display
from ..diagnostics import Msg, Severity
from ..evaluate import base, comparable, from_base
from ..ir import Node, Value
from .base import Check


class GrowthBeyondBound(Check):
    """A target that is too many times its baseline to be believable.

    ## What it checks
    For every KPI and KGI with both a `target` and a `baseline` in the same unit, the
    ratio target ÷ baseline. A `>=` target beyond the growth bound (3× by default) is
    reported, and so is a `<=` target (a cost ceiling such as CPA) below the baseline
    divided by the bound. Periods are converted first (`per month` against `per year`:
    1 year = 12 months = 4 quarters = 365 days, a week 7 days). Nodes whose target and
    baseline have different units, or whose baseline is zero or less, are skipped.
    The bound is `growth-bound` in the configuration.

    ## Why it matters
    SMART's A (Achievable): a target should be ambitious but reachable from where you are.
    Targets that multiply the baseline many times over within one plan usually ignore the
    growth curve, and a team that knows its target is impossible stops steering by it.

    ## Fails
    ```kpi
    plan p "計画" { period 2026-04-01 to 2027-03-31 }
    kpi visitors "月間訪問者数" {
      target 1,000,000 visitors per month
      baseline 200,000 visitors per month
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
    Lower the target to a step the team can reach this period (the help line gives the
    bound), and plan the rest of the growth for a later deadline. If the jump has a known
    cause (a launch, a new channel), silence it on that line with
    `# kpispec: ignore[KPI206]`, or raise `growth-bound` in the configuration.
    """

    code = "KPI206"
    name = "growth-beyond-bound"
    severity = Severity.WARNING
    summary = Msg("A target is beyond the growth bound from its baseline", "目標値が現状値から見て伸び率の上限を超えている")

    def run(self):
        bound = Fraction(self.ctx.config.growth_bound)
        for node in self.ctx.nodes("kgi", "kpi"):
            compared = _compare(node)
            if compared is None:
                continue
            target, baseline, dim = compared
            ceiling = node.target.comparator == "<="
            if ceiling:
                if target <= 0 or baseline / target <= bound:
                    continue
                yield self._cut(node, baseline / target, bound, baseline / bound, dim)
            elif target / baseline > bound:
                yield self._growth(node, target / baseline, bound, baseline * bound, dim)

    def _growth(self, node: Node, ratio, bound, limit, dim):
        t, b = node.target.value, node.baseline
        r, k = _ratios(ratio, bound)
        return self.diag(
            node.attr_spans.get("target", node.target.span),
            Msg(f"the target of `{node.id}` ({t.text}) is {r}× its baseline ({b.text}), beyond the growth bound of {k}×",
                f"`{node.id}` の目標値（{display.written(t.text, 'ja')}）は現状値（{display.written(b.text, 'ja')}）の {r} 倍で、伸び率の上限 {k} 倍を超えています"),
            Msg(f"aim for at most {self._show(limit, dim, t, 'en', ROUND_FLOOR)} by this deadline and plan the rest for later, "
                f"or, if the jump has a known cause, add `# kpispec: ignore[KPI206]` to this line",
                f"この期限では {self._show(limit, dim, t, 'ja', ROUND_FLOOR)} 以下を目標にし、残りは次の期限に回してください。"
                f"明確な根拠（新商品・新チャネルなど）がある場合は、この行に `# kpispec: ignore[KPI206]` を付けます"),
            labels=[self.label(node.attr_spans.get("baseline", b.span), "the baseline", "現状値")],
            notes=self._notes(node, dim),
            primary=Msg(f"{r}× the baseline", f"現状値の {r} 倍"),
        )

    def _cut(self, node: Node, ratio, bound, limit, dim):
        t, b = node.target.value, node.baseline
        r, k = _ratios(ratio, bound)
        return self.diag(
            node.attr_spans.get("target", node.target.span),
            Msg(f"the ceiling of `{node.id}` ({t.text}) cuts its baseline ({b.text}) to 1/{r}, beyond the bound of 1/{k}",
                f"`{node.id}` の上限目標（{display.written(t.text, 'ja')}）は現状値（{display.written(b.text, 'ja')}）の 1/{r} で、改善幅の上限 1/{k} を超えています"),
            Msg(f"aim for a ceiling of at least {self._show(limit, dim, t, 'en', ROUND_CEILING)} by this deadline and plan the rest "
                f"for later, or, if the cut has a known cause, add `# kpispec: ignore[KPI206]` to this line",
                f"この期限では上限を {self._show(limit, dim, t, 'ja', ROUND_CEILING)} 以上にし、残りは次の期限に回してください。"
                f"明確な根拠がある場合は、この行に `# kpispec: ignore[KPI206]` を付けます"),
            labels=[self.label(node.attr_spans.get("baseline", b.span), "the baseline", "現状値")],
            notes=self._notes(node, dim),
            primary=Msg(f"1/{r} of the baseline", f"現状値の 1/{r}"),
        )

    @staticmethod
    def _show(x, dim, like: Value, lang: str, rounding) -> str:
        shown = from_base(x, dim, like.per, like.unit.code if like.unit.kind == "time" else None)
        try:
            return display.amount(shown, like.unit, like.per, like.percent, lang, rounding)
        except (DecimalException, OverflowError, ValueError):
            written = shown * 100 if like.percent else shown
            return display.amount(Fraction(0), like.unit, like.per, like.percent, lang).replace("0", _scientific(written), 1)

    def _notes(self, node: Node, dim):
        t, b = node.target.value, node.baseline
        if t.per == b.per and t.unit == b.unit:
            return ()
        converted_en = self._show(base(b)[0], dim, t, "en", ROUND_HALF_UP)
        converted_ja = self._show(base(b)[0], dim, t, "ja", ROUND_HALF_UP)
        return (Msg(f"compared in the target's units: the baseline {b.text} is {converted_en}",
                    f"目標の単位に揃えて比較：現状値 {display.written(b.text, 'ja')} は {converted_ja} です"),)


def _compare(node: Node):
    """Target and baseline in base units with their dimension, or None when they cannot be compared."""
    if node.target is None or node.baseline is None:
        return None
    found = comparable(node.target.value, node.baseline)
    return found if found is not None and found[1] > 0 else None


def _ratios(ratio: Fraction, bound: Fraction) -> list[str]:
    """The ratio and the bound it is beyond: two decimals (the ratio rounded away from the bound), or as
    many as it takes for them to differ; far-out values in e-notation."""
    return [s.text for s in display.compared([ratio, bound], roundings=[ROUND_CEILING, ROUND_HALF_UP], decimals=[2, 2])]


def _scientific(x: Fraction) -> str:
    return f"{Decimal(x.numerator) / Decimal(x.denominator):.3e}"
