from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP

from .. import display
from ..analysis.arithmetic import refs_of
from .. import months as calendar
from ..analysis.timeline import phased
from ..diagnostics import Msg, Severity
from ..evaluate import in_written_units
from ..interval import INF, Interval
from ..ir import Node
from ..resolve import refs
from .base import Check
from ..analysis.kinds import is_share
from .witness import witness_text

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
    `deadline` or the plan's end, counted in calendar months, a partial month by its days). When an input
    changes over time (a ramp, milestones, a `start` after the plan's), the node is
    evaluated month by month: a total adds its months, a rate must hold in each month
    from its deadline's month, and the message names the months that fall short.

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
            if outcome.value is None or outcome.target is None or outcome.verdict.status != "refuted":
                continue  # proven, or neither proven nor refuted (KPI310)
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
        in_units = lambda x: in_written_units(x, dim, target_value)
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
        against = target if not point_meets else None

        def both(x, lang):
            text = pair(against, lang)[0]
            if other_period and per and dim.time < 0:
                shown = show(x, lang, other_period, rounding=away)
                text += f"（{shown}）" if lang == "ja" else f" ({shown})"
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
                f"`{node.id}` は目標に届きません：入力の目標値から計算すると {_before_particle(both(implied, 'ja'))}で、"
                f"目標 {pair(target, 'ja')[1]} に対して {gap_ja}（{pct}）{word_ja}です",
            )
        else:
            message = self._not_guaranteed(node, outcome, arithmetic, both(implied, "en"), both(implied, "ja"))
        labels = []
        for name in refs(node.formula):
            val_node = arithmetic.plan.nodes.get(name.text)
            param = arithmetic.plan.params.get(name.text)
            if val_node is not None and val_node.target is not None:
                t = val_node.target
                labels.append(self.label(name.span, display.target_text(t.value.text, t.comparator),
                                         display.target_text(t.value.text, t.comparator, "ja")))
            elif param is not None:
                text = arithmetic.plan.source.slice(param.expr.span)
                labels.append(self.label(name.span, f"= {text}", f"= {display.written(text, 'ja')}"))
        notes = []
        if outcome.timeline is not None:
            notes.append(months_note(outcome, target_value))
        elif outcome.window is not None:
            w = outcome.window
            length_en, length_ja = window_length(w)
            if outcome.conversion == "rate-to-total":
                notes.append(Msg(
                    f"the formula gives a rate; over the window {w.start} to {w.end} ({length_en}) it totals {pair(against)[0]}",
                    f"式は期間あたりの値です。期間 {w.start}〜{w.end}（{length_ja}）の合計は {pair(against, 'ja')[0]} です",
                ))
            else:
                notes.append(Msg(
                    f"the formula gives a total; spread over {w.start} to {w.end} ({length_en}) it is {pair(against)[0]}",
                    f"式は合計値です。{w.start}〜{w.end}（{length_ja}）で割ると {pair(against, 'ja')[0]} です",
                ))
        help_ = self._help(node, outcome, arithmetic, inputs)
        return self.diag(node.target.span, message, help_, labels, notes,
                         primary=Msg(display.target_text(node.target.value.text), display.target_text(node.target.value.text, lang="ja")))

    def _not_guaranteed(self, node, outcome, arithmetic, implied_en, implied_ja):
        """The message for a target met at the inputs' targets but not wherever they are met: the witness."""
        verdict = outcome.verdict
        value = node.target.value
        ceiling = node.target.comparator == "<="
        dim = outcome.value.dim
        y = arithmetic.value_at(outcome.sym, verdict.witness)
        ys = display.compared_amounts([in_written_units(x, dim, value) for x in (y, outcome.target)], value.unit,
                                      value.per, value.percent, "en", [ROUND_CEILING if ceiling else ROUND_FLOOR, ROUND_HALF_UP])
        ys_ja = display.compared_amounts([in_written_units(x, dim, value) for x in (y, outcome.target)], value.unit,
                                         value.per, value.percent, "ja", [ROUND_CEILING if ceiling else ROUND_FLOOR, ROUND_HALF_UP])
        moved_en, moved_ja = witness_text(arithmetic, verdict.witness, outcome.ref, outcome.timeline is not None)
        word_en = "over" if ceiling else "short of"
        more_en = (", and it can go " + ("higher" if ceiling else "lower") + " without limit") if verdict.unbounded else ""
        more_ja = ("（さらに際限なく" + ("上がり" if ceiling else "下がり") + "得ます）") if verdict.unbounded else ""
        return Msg(
            f"`{node.id}` is not guaranteed to reach its target: at their targets the inputs imply {implied_en}, "
            f"but with {moved_en}, each still meeting its own target, it is {ys[0]}, {word_en} the target {ys[1]}{more_en}",
            f"`{node.id}` の目標達成が保証されません：入力が目標値ちょうどなら {implied_ja} ですが、"
            f"{moved_ja}のように各入力が自分の目標を満たしたままでも {ys_ja[0]} となり、目標 {ys_ja[1]} に届きません{more_ja}",
        )

    def _help(self, node, outcome, arithmetic, inputs):
        if outcome.sym is None:
            return Msg(
                "the formula is too large to solve for single inputs: raise the inputs' targets, or lower this target",
                "式が大きすぎて入力ごとの必要値を計算できません。入力の目標値を引き上げるか、この目標値を見直してください",
            )
        fixes_en, fixes_ja = [], []
        direct = set(refs_of(node.formula))
        # Each input is solved for separately; a formula over 1,000 inputs must not cost 1,000 solves.
        for input_id in arithmetic.inputs(node.id)[:MAX_TRIED]:
            if len(fixes_en) == MAX_FIXES:
                fixes_en.append("…")
                fixes_ja.append("…")
                break
            fix = self._fix(node, outcome, arithmetic, input_id)
            if fix is None:
                continue
            en, ja = fix
            if input_id not in direct:
                via = [r for r in dict.fromkeys(refs_of(node.formula))
                       if arithmetic.sym_of(r) is not None and input_id in arithmetic.box_for(arithmetic.sym_of(r))[0]]
                if via:
                    en += " (an input of " + " and ".join(f"`{r}`" for r in via) + ")"
                    ja += "（" + "・".join(f"`{r}`" for r in via) + " の入力）"
            fixes_en.append(en)
            fixes_ja.append(ja)
        flip = self._flip(node, outcome, arithmetic)
        if flip is not None:
            fixes_en.insert(0, flip[0])
            fixes_ja.insert(0, flip[1])
        if not fixes_en:
            return Msg(
                "no single input's target closes the gap: check that each input's direction (`>=` or `<=`) and the formula are right, or lower this target",
                "1 つの入力だけでは差を埋められません。各入力の向き（`>=` / `<=`）と式を確認するか、この目標値を見直してください",
            )
        return Msg(
            "any one of these alone closes the gap: " + ", ".join(fixes_en),
            "次のいずれか 1 つで差が埋まります：" + "、".join(fixes_ja),
        )

    def _fix(self, node, outcome, arithmetic, input_id):
        """`input ≥ X` as the reader will copy it: X rounded away from the current target, then checked
        by running the proof again with it; None when no such target works or another rule rejects it."""
        input_node = arithmetic.plan.nodes[input_id]
        x = arithmetic.solve(node.id, input_id)
        if x is None:
            return None
        value = input_node.target.value
        dim = arithmetic.env[input_id].dim
        ceiling = input_node.target.comparator == "<="
        shown_x = in_written_units(x, dim, value)
        rounding = ROUND_FLOOR if ceiling else ROUND_CEILING
        decimals = display.decimals_for(shown_x, value.percent)
        shown = display.shown_value(shown_x, decimals, rounding, value.percent)
        back = x * shown / shown_x if shown_x else shown
        if value.percent and shown > 1 and is_share(input_node):
            # a share of a whole above 100%, which KPI207 rejects: compared as written (20.7% per
            # month is a share, even though it is 248% in the base unit of a year)
            return None
        if back < 0 <= outcome.ref[input_id]:
            return None  # a quantity that cannot be negative
        if not arithmetic.passes_with(node.id, {input_id: back}):
            return None
        if phased(input_node) and outcome.timeline is not None:
            # its months move together in the proof (a floor's by the same amount, a ceiling's by the
            # same factor): so does the fix, which names the change, not a new target
            return month_fix(input_id, value, dim, back, outcome.ref[input_id], ceiling)
        op = "≤" if ceiling else "≥"
        return tuple(f"{input_id} {op} " + display.amount(shown_x, value.unit, value.per, value.percent, lang, rounding, decimals)
                     for lang in ("en", "ja"))

    def _flip(self, node, outcome, arithmetic):
        """A ceiling below zero that lets the goal fall without limit: the floor it was meant to be."""
        verdict = outcome.verdict
        if not verdict.unbounded or verdict.witness is None:
            return None
        for input_id, rng in outcome.box.items():
            if isinstance(rng.lo, float) and not isinstance(rng.hi, float) and rng.hi < 0:
                flipped = arithmetic.proof_with_ranges(node.id, {input_id: Interval(rng.hi, INF)})
                if flipped.proven:
                    text = arithmetic.plan.nodes[input_id].target.value.text
                    return (f"make `{input_id}` a floor, `target >= {text}` (a ceiling below zero lets it fall without limit)",
                            f"`{input_id}` を下限 `target >= {text}` にする（0 未満の上限ではいくらでも下がり得ます）")
        return None


MAX_MONTHS_SHOWN = 6  # months named in the note; the rest are counted


def _before_particle(text: str) -> str:
    """A Japanese amount before a particle: a space after it (`200万円/月 で`), none after a closing bracket."""
    return text if text.endswith("）") else text + " "


def window_length(w) -> tuple[str, str]:
    """A window's length as counted: whole months, or days with the months they make."""
    if w.months.denominator == 1:
        return f"{w.months} months", f"{w.months}か月"
    months = display.number(w.months, 2)
    return (f"{w.days} days, {months} months counting partial months by their days",
            f"{w.days}日間、端数の月を日数で数えて {months}か月")


def months_note(outcome, value) -> Msg:
    """The months of a goal evaluated month by month that fall short, and by how much."""
    t = outcome.timeline
    dim = outcome.value.dim
    per = value.per if t.kind == "rate" else None
    ceiling = outcome.node.target.comparator == "<="

    def show(x, lang, rounding=ROUND_HALF_UP):
        return display.amount(in_written_units(x, dim, value, per), value.unit, per, value.percent, lang, rounding)

    outward = ROUND_FLOOR if not ceiling else ROUND_CEILING  # as the message rounds the value the targets imply
    short = [m for m in t.months if m.miss]
    shown = sorted(short, key=lambda m: -abs(m.due - m.value))[:MAX_MONTHS_SHOWN]  # the worst first
    more = len(short) - len(shown)
    word_en, word_ja = ("over", "超過") if ceiling else ("short", "不足")
    items_en = ", ".join(f"{m.label}: {show(m.value, 'en', outward)} ({show(abs(m.due - m.value), 'en')} {word_en})" for m in shown)
    items_ja = "、".join(f"{m.label}：{show(m.value, 'ja', outward)}（{show(abs(m.due - m.value), 'ja')}{word_ja}）" for m in shown)
    if more:
        items_en += f", and {more} more"
        items_ja += f"、ほか {more} か月"
    if t.kind == "total":
        head_en = (f"compared as a total over {t.start} to {t.end}, month by month (each input's milestones, ramp and "
                   f"start counted)")
        head_ja = f"{t.start}〜{t.end} の合計として月ごとに比較しました（各入力のマイルストーン・立ち上がり・開始日を反映）"
        if short:
            side_en, side_ja = ("above", "上回る") if ceiling else ("below", "下回る")
            head_en += f"; the months {side_en} an even pace, the furthest first: {items_en}"
            head_ja += f"。均等なペースを{side_ja}月（差の大きい順）：{items_ja}"
        return Msg(head_en, head_ja)
    head_en = f"compared month by month: it must hold in every month from {t.start} to {t.end}"
    head_ja = f"月ごとに比較しました：{t.start}〜{t.end} の毎月で目標を満たす必要があります"
    if short:
        side_en, side_ja = ("go over", "を超える") if ceiling else ("fall short of", "に届かない")
        head_en += f"; the months that {side_en} {show(t.months[0].due, 'en')}, the furthest first: {items_en}"
        head_ja += f"。目標 {show(t.months[0].due, 'ja')} {side_ja}月（差の大きい順）：{items_ja}"
    if t.skipped:
        first, last = calendar.label(t.skipped[0]), calendar.label(t.skipped[-1])
        head_en += f"; not judged in {first} to {last}, where its formula has nothing to divide by"
        head_ja += f"。{first}〜{last} は式の割る数が 0 のため判定していません"
    return Msg(head_en, head_ja)


def month_fix(input_id, value, dim, new, old, ceiling) -> tuple[str, str]:
    """The change to every month of an input with milestones or a ramp that closes the gap."""
    if ceiling:
        factor = display.number(new / old, 3, ROUND_FLOOR)
        return (f"`{input_id}` ×{factor} in every month (its milestones or ramp too)",
                f"`{input_id}` の各月を ×{factor}（マイルストーン・立ち上がりも同じ倍率で）")
    step = in_written_units(new - old, dim, value)
    if value.percent:  # a change of a percentage is in points
        points = display.number(step, display.decimals_for(step, True), ROUND_CEILING, percent=True)
        en, ja = f"{points} percentage points", f"{points}ポイント"
    else:
        en, ja = (display.amount(step, value.unit, value.per, False, lang, ROUND_CEILING) for lang in ("en", "ja"))
    return (f"`{input_id}` +{en} in every month (its milestones or ramp too)",
            f"`{input_id}` を毎月 +{ja}（マイルストーン・立ち上がりも同じ幅で）")

