from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP


from .. import display
from ..diagnostics import Msg, Severity
from ..evaluate import in_written_units
from ..ir import Node
from ..resolve import refs
from .base import Check


MAX_FIXES = 12  # inputs listed in the help (a funnel of 6-8 stages fits)
MAX_TRIED = 50  # inputs solved for


class TargetsMissGoal(Check):
    """The inputs' targets do not reach the node's own target.

    ## What it checks
    For every KGI and KPI with a `formula` and a `target`, that the target is met whenever
    every input meets its own target: inputs with `>=` at or above their targets, inputs
    with `<=` at or below them (quantities are never negative). Units and periods are
    converted first (a monthly formula meets an annual target over 12 months; a rate meets
    a total over the node's window, from its `start` or the plan's start to its
    `deadline`, counted in calendar months inclusively).

    ## Why it matters
    This is the silent failure of a KPI plan: every team meets its KPI and the goal is
    still missed, because the targets never multiplied up to it.

    ## Fails
    ```kpi
    plan p "計画" { period 2026-04-01 to 2027-03-31 }
    kgi revenue "月間売上" {
      target 80,000,000円 per month
      formula visitors * cvr * aov
    }
    kpi visitors "訪問者数" { target 1,000 visitors per month }
    kpi cvr "CVR" { target 2% }
    kpi aov "客単価" { target 5,000円 }
    ```

    ## Passes
    ```kpi
    plan p "計画" { period 2026-04-01 to 2027-03-31 }
    kgi revenue "年間売上" {
      target 12億円 per year
      formula visitors * cvr * aov
    }
    kpi visitors "訪問者数" { target 1,000,000 visitors per month }
    kpi cvr "CVR" { target 2.5% }
    kpi aov "客単価" { target 4,000円 }
    ```

    ## Fix
    Raise the input targets (the help line lists, for up to twelve inputs, the value that alone
    closes the gap), add another input, or lower the node's target.
    """

    code = "KPI301"
    name = "targets-miss-goal"
    severity = Severity.ERROR
    summary = Msg("The inputs' targets do not reach the node's target", "入力の目標値を達成しても目標に届かない")

    def run(self):
        arithmetic = self.ctx.arithmetic
        for nid, outcome in arithmetic.outcomes.items():
            node = outcome.node
            if outcome.value is None or outcome.target is None or outcome.proven:
                continue
            yield self._report(node, outcome, arithmetic)

    def _report(self, node: Node, outcome, arithmetic):
        target_value = node.target.value
        ceiling = node.target.comparator == "<="
        unit, per, percent = target_value.unit, target_value.per, target_value.percent
        dim = outcome.value.dim
        implied = outcome.value.pt
        target = outcome.target

        def show(x, lang="en", p=per, decimals=None, rounding=ROUND_HALF_UP):
            return display.amount(in_written_units(x, dim, target_value, p), unit, p, percent, lang,
                                  rounding, decimals)

        # The implied value is rounded away from the target, and it, the target and the gap get as
        # many digits as it takes to differ: a plan 0.39戸 short must not read "120戸 … short of 120戸".
        away = ROUND_CEILING if ceiling else ROUND_FLOOR
        implied_decimals = None
        in_units = lambda x: in_written_units(x, dim, target_value)  # noqa: E731
        gap_decimals = display.decimals_for(abs(in_units(implied - target)), percent) if implied != target else 0
        if gap_decimals > display.decimals_for(abs(in_units(implied)), percent):
            implied_decimals = gap_decimals  # so that the implied value and the gap add up to the target

        def pair(x, lang="en"):
            """The implied value and x (the target, the bound, or nothing) as compared values."""
            xs = [in_units(implied)] + ([] if x is None else [in_units(x)])
            return display.compared_amounts(xs, unit, per, percent, lang, [away, ROUND_HALF_UP][:len(xs)],
                                            [implied_decimals, None][:len(xs)])

        def gap_text(gap, lang):
            """The gap, never 0, with the decimals of the values it separates when they needed more than usual."""
            values, starts = [in_units(implied), in_units(target)], [implied_decimals, None]
            shown = display.compared(values, percent=percent, roundings=[away, ROUND_HALF_UP], decimals=starts)
            points = percent and dim.dimensionless
            start = 2 if points else display.decimals_for(abs(in_units(gap)), percent)
            start = max([start] + [s.decimals for s, x, d in zip(shown, values, starts) if s.decimals is not None
                                   and s.decimals > (d if d is not None else display.decimals_for(abs(x), percent))])
            if points:
                text = display.compared([in_units(gap)], percent=True, decimals=[start])[0].text
                return f"{text} percentage points" if lang == "en" else f"{text}ポイント"
            return display.compared_amounts([in_units(gap)], unit, per, percent, lang, decimals=[start])[0]

        inputs = list(dict.fromkeys(n.text for n in refs(node.formula)))
        input_periods = [
            arithmetic.plan.nodes[i].target.value.per for i in inputs
            if i in arithmetic.plan.nodes and arithmetic.plan.nodes[i].target is not None
        ]
        other_period = next((p for p in input_periods if p and p != per), None)

        point_meets = implied <= target if ceiling else implied >= target
        bound = outcome.value.rng.hi if ceiling else outcome.value.rng.lo
        # What the implied value is compared with in the message: the target, or the bound it can fall to.
        against = target if not point_meets else (None if isinstance(bound, float) else bound)

        def both(x, lang):
            text = pair(against, lang)[0]
            if other_period and per and dim.time < 0:
                text += f" ({show(x, lang, other_period, rounding=away)})"
            return text

        if not point_meets:
            gap = implied - target if ceiling else target - implied
            pct = display.share(gap / target) if target != 0 else "∞"
            gap_en, gap_ja = gap_text(gap, "en"), gap_text(gap, "ja")
            word_en = "over" if ceiling else "short of"
            word_ja = "超過" if ceiling else "不足"
            message = Msg(
                f"`{node.id}` cannot reach its target: its inputs' targets imply {both(implied, 'en')}, "
                f"{gap_en} ({pct}) {word_en} the target {pair(target)[1]}",
                f"`{node.id}` は目標に届きません：入力の目標値から計算すると {both(implied, 'ja')} で、"
                f"目標 {pair(target, 'ja')[1]} に対して {gap_ja}（{pct}）{word_ja}です",
            )
        else:
            if isinstance(bound, float):  # unbounded
                reach_en = "arbitrarily high" if ceiling else "arbitrarily low"
                reach_ja = "いくらでも上がり得ます" if ceiling else "いくらでも下がり得ます"
            else:
                reach_en = f"to {pair(bound)[1]}"
                reach_ja = f"{pair(bound, 'ja')[1]} まで{'上がり' if ceiling else '下がり'}得ます"
            message = Msg(
                f"`{node.id}` is not guaranteed to reach its target: at their targets the inputs imply "
                f"{both(implied, 'en')}, but inputs that still meet their own targets can bring it {reach_en}",
                f"`{node.id}` の目標達成が保証されません：入力が目標値ちょうどなら {both(implied, 'ja')} ですが、"
                f"入力が各自の目標を満たしたまま{reach_ja}",
            )
        labels = []
        for name in refs(node.formula):
            val_node = arithmetic.plan.nodes.get(name.text)
            param = arithmetic.plan.params.get(name.text)
            if val_node is not None and val_node.target is not None:
                text = f"{val_node.target.comparator} {val_node.target.value.text}"
                labels.append(self.label(name.span, f"target {text}", f"目標 {text}"))
            elif param is not None:
                text = arithmetic.plan.source.slice(param.expr.span)
                labels.append(self.label(name.span, f"= {text}", f"= {text}"))
        notes = []
        if outcome.window is not None:
            w = outcome.window
            if outcome.conversion == "rate-to-total":
                notes.append(Msg(
                    f"the formula gives a rate; over the window {w.start} to {w.end} ({w.months} months, counted inclusively) "
                    f"it totals {pair(against)[0]}",
                    f"式は期間あたりの値です。期間 {w.start}〜{w.end}（{w.months} か月、両端を含む）の合計は {pair(against, 'ja')[0]} です",
                ))
            else:
                notes.append(Msg(
                    f"the formula gives a total; spread over {w.start} to {w.end} ({w.months} months) it is {pair(against)[0]}",
                    f"式は合計値です。{w.start}〜{w.end}（{w.months} か月）で割ると {pair(against, 'ja')[0]} です",
                ))
        help_ = self._help(node, outcome, arithmetic, inputs)
        return self.diag(node.target.span, message, help_, labels, notes,
                         primary=Msg(f"target {node.target.value.text}", f"目標 {node.target.value.text}"))

    def _help(self, node, outcome, arithmetic, inputs):
        ceiling = node.target.comparator == "<="
        fixes_en, fixes_ja = [], []
        # Each input is solved for separately; a formula over 1,000 inputs must not cost 1,000 solves.
        for input_id in inputs[:MAX_TRIED]:
            if len(fixes_en) == MAX_FIXES:
                fixes_en.append("…")
                fixes_ja.append("…")
                break
            input_node = arithmetic.plan.nodes.get(input_id)
            if input_node is None or input_node.target is None or input_id not in arithmetic.env:
                continue
            solved = arithmetic.solve(node, input_id)
            if solved is None:
                continue
            x, slope = solved
            if not arithmetic.closes_gap(node, input_id, x):
                continue
            needs_more = (slope > 0) != ceiling
            value = input_node.target.value
            dim = arithmetic.env[input_id].dim
            shown_x = in_written_units(x, dim, value)
            rounding = ROUND_CEILING if needs_more else ROUND_FLOOR
            op = "≥" if needs_more else "≤"
            for lang, out in (("en", fixes_en), ("ja", fixes_ja)):
                out.append(f"{input_id} {op} " + display.amount(shown_x, value.unit, value.per, value.percent, lang, rounding))
        if not fixes_en:
            return Msg(
                "no single input's target closes the gap: check that each input's direction (`>=` or `<=`) and the formula are right, or lower this target",
                "1 つの入力だけでは差を埋められません。各入力の向き（`>=` / `<=`）と式を確認するか、この目標値を見直してください",
            )
        return Msg(
            "any one of these alone closes the gap: " + ", ".join(fixes_en),
            "次のいずれか 1 つで差が埋まります：" + "、".join(fixes_ja),
        )


