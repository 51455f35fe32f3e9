"""Where each node stands against its target, for people: the docs site, and later diff and what-if.

`standings(arithmetic)` reads the proofs the checks read (`Arithmetic.outcomes`) and puts each in
the words and units the plan was written in: the value the inputs' targets imply, the slack or
the shortfall, and for a goal that can be missed the witness (inputs that each meet their own
target while the goal is missed) and the path from the goal down to them. It re-derives no
arithmetic: a verdict here is the verdict KPI301 and KPI310 report.
"""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP
from fractions import Fraction

from .. import display
from ..diagnostics import Msg
from ..evaluate import in_written_units
from ..records import record

MET, MISSES, UNKNOWN, NONE = "met", "misses", "unknown", "none"

_REASONS = {
    "budget": Msg("the proof ran out of its work budget", "証明の計算量の上限に達しました"),
    "divisor": Msg("a divisor can reach zero within the inputs' targets", "入力の目標の範囲で割る数が 0 になり得ます"),
    "size": Msg("the formula is too large to prove", "式が大きすぎて証明できません"),
    "months": Msg("the formula does not move one way in an input that changes over the months",
                  "月によって値が変わる入力について、式が一方向に動きません"),
}


@record(frozen=True, slots=True)
class MonthStanding:
    """One month of a goal evaluated month by month, in the target's units: what the inputs'
    targets give (for a total, that month's amount; for a rate, the rate in that month) and
    what is due (an even share of a total, or the rate itself)."""

    label: str  # 2026-07
    value: Fraction
    due: Fraction
    miss: bool
    value_text: Msg
    gap_text: Msg | None  # how far it falls short (or over, for a ceiling); None for a month that does not miss


@record(frozen=True, slots=True)
class WitnessInput:
    """One input of a witness: its value there and its own target, as written."""

    id: str
    value: Msg
    target: Msg  # `≥ 2.5%`
    moved: bool  # whether the witness moves it off its target


@record(frozen=True, slots=True)
class Standing:
    """A node with a formula, against its own target (or just its implied value, without one)."""

    id: str
    status: str  # MET, MISSES, UNKNOWN, or NONE (a formula but no target: nothing to prove)
    badge: Msg  # the verdict in a few words: "met", "misses by 2,000万円 per year (1.7%)", "cannot prove"
    implied: Msg | None = None  # the value the inputs' targets imply
    target: Msg | None = None  # the target as written, with its comparator
    gap: Msg | None = None  # the slack of a met target, or the shortfall at the inputs' targets
    detail: Msg | None = None  # why a verdict is unknown, or how a goal met at the targets can still be missed
    at_witness: Msg | None = None  # the goal's value at the witness
    witness: tuple[WitnessInput, ...] = ()
    path: frozenset = frozenset()  # the goal, and every node between it and the inputs its witness moves
    months: tuple[MonthStanding, ...] = ()  # month by month, for a goal whose inputs change over time
    months_kind: str | None = None  # "total" (the months add up) or "rate" (each month must hold)
    # The same, as numbers in the units the target is written in (for JSON): the implied value, the
    # target, and the margin at the inputs' targets (above 0: slack; below 0: the shortfall or excess);
    # for a node without a target, its value in base units (a rate per year)
    value: Fraction | None = None
    target_value: Fraction | None = None
    margin: Fraction | None = None


def standing(arithmetic, nid: str) -> Standing | None:
    """One node's standing (None for a node without a formula): what `standings` gives for it."""
    outcome = arithmetic.outcomes.get(nid)
    if outcome is None:
        return None
    return _standing(arithmetic, outcome, {n: i for i, n in enumerate(arithmetic.plan.nodes)})


def standings(arithmetic) -> dict[str, Standing]:
    """Every node with a formula, in the plan's order, by id."""
    out = {}
    position = {nid: i for i, nid in enumerate(arithmetic.plan.nodes)}  # a witness's inputs in the plan's order
    for nid in arithmetic.plan.nodes:
        outcome = arithmetic.outcomes.get(nid)
        if outcome is not None:
            out[nid] = _standing(arithmetic, outcome, position)
    return out


def _standing(arithmetic, outcome, position: dict) -> Standing:
    node = outcome.node
    if outcome.value is None:  # an evaluation error or a dimension mismatch (Arithmetic._outcome sets no value)
        why = Msg("its formula cannot be evaluated: see the diagnostics", "式を評価できません。指摘を参照してください")
        return Standing(node.id, UNKNOWN, Msg("cannot evaluate", "評価できません"), detail=why)
    dim, implied = outcome.value.dim, outcome.value.pt
    if outcome.verdict is None:  # a formula without a target: a value with a target always gets a verdict
        shown = Msg(display.dim_amount(implied, dim), display.dim_amount(implied, dim, lang="ja"))
        return Standing(node.id, NONE, Msg("no target", "目標なし"), implied=shown, value=implied)
    written = node.target.value
    ceiling = node.target.comparator == "<="
    target = outcome.target
    away = ROUND_CEILING if ceiling else ROUND_FLOOR

    def amounts(xs, roundings, lang, decimals=None):
        values = [in_written_units(x, dim, written) for x in xs]
        return display.compared_amounts(values, written.unit, written.per, written.percent, lang, roundings, decimals)

    def both(xs, roundings, decimals=None):
        en, ja = amounts(xs, roundings, "en", decimals), amounts(xs, roundings, "ja", decimals)
        return [Msg(e, j) for e, j in zip(en, ja)]

    meets_at_targets = implied <= target if ceiling else implied >= target
    margin = (target - implied) if ceiling else (implied - target)  # >= 0 when met at the targets
    # the implied value with at least the digits its gap is shown with: 148.54戸 and 1.45戸 short, not 148戸
    gap_digits = display.decimals_for(in_written_units(abs(margin), dim, written), written.percent) if margin else None
    shown_implied, _ = both([implied, target], [away, ROUND_HALF_UP], [gap_digits, None])
    share = f"{display.share(abs(margin) / abs(target))}" if target != 0 else None  # no share of nothing
    gap_text = _gap(abs(margin), dim, written)
    base = dict(implied=shown_implied, target=_target_text(node.target.comparator, written.text),
                value=in_written_units(implied, dim, written), target_value=in_written_units(target, dim, written),
                margin=in_written_units(margin, dim, written),
                months=_months(outcome, dim, written), months_kind=outcome.timeline.kind if outcome.timeline else None)
    status = outcome.verdict.status
    if status == "proven":
        gap = Msg(f"slack {gap_text.en}{_of(share)}", f"余裕 {gap_text.ja}{_of(share, 'ja')}") if margin else \
            Msg("exactly at the target", "目標ちょうど")
        return Standing(node.id, MET, Msg("met", "目標に届く"), gap=gap, **base)
    if status == "unknown":
        reason = _REASONS.get(outcome.verdict.reason or "", Msg("not proven either way", "証明も反証もできません"))
        return Standing(node.id, UNKNOWN, Msg("cannot prove", "証明できません"), detail=reason, **base)
    witness = outcome.verdict.witness or {}
    # a witness is a point of the proof's box: every input in it has its target in `ref`
    inputs = tuple(_witness_input(arithmetic, v, witness[v], outcome.ref[v]) for v in sorted(witness, key=position.__getitem__))
    moved = {w.id for w in inputs if w.moved}
    at = arithmetic.value_at(outcome.sym, witness) if outcome.sym is not None else implied
    at_shown, _ = both([at, target], [away, ROUND_HALF_UP])
    # The failing path leads to the inputs a witness moves off their targets. A goal missed with
    # every input at its target fails on its own: no input is to blame, and none is marked.
    path = frozenset(_path(arithmetic, node.id, moved)) if moved else frozenset({node.id})
    if not meets_at_targets:
        word = ("over by", "超過") if ceiling else ("misses by", "不足")
        badge = Msg(f"{word[0]} {gap_text.en}{_of(share)}", f"{gap_text.ja}{_of(share, 'ja')}{word[1]}")
        gap = Msg(f"{'over' if ceiling else 'short'} by {gap_text.en}{_of(share)}", f"{gap_text.ja}{_of(share, 'ja')}{word[1]}")
        return Standing(node.id, MISSES, badge, gap=gap, at_witness=at_shown, witness=inputs, path=path, **base)
    fall_text = _gap(abs(target - at), dim, written)
    if ceiling:  # a ceiling is missed by going over it
        badge = Msg(f"not guaranteed: can go over by {fall_text.en}", f"保証されない：{fall_text.ja} 超えることがある")
        miss_en, miss_ja = "still goes over", "上限を超える"
    else:
        badge = Msg(f"not guaranteed: can miss by {fall_text.en}", f"保証されない：{fall_text.ja} 届かないことがある")
        miss_en, miss_ja = "still falls short", "届かない"
    if outcome.verdict.unbounded:
        badge = Msg(badge.en + " or more, without limit", badge.ja + "（際限なく）")
    detail = Msg(
        f"met when every input is exactly at its target, but some inputs can each meet their own target "
        f"and the goal {miss_en}",
        f"入力がすべて目標値ちょうどなら達成しますが、各入力が自分の目標を満たしたままでも{miss_ja}組み合わせがあります",
    )
    gap = Msg(f"slack {gap_text.en} when the inputs are at their targets" if margin else
              "exactly at the target when the inputs are at theirs",
              f"入力が目標値ちょうどなら余裕 {gap_text.ja}" if margin else "入力が目標値ちょうどなら目標ちょうど")
    return Standing(node.id, MISSES, badge, gap=gap, detail=detail, at_witness=at_shown, witness=inputs, path=path,
                    **base)


def _months(outcome, dim, written) -> tuple[MonthStanding, ...]:
    t = outcome.timeline
    if t is None:
        return ()
    per = written.per if t.kind == "rate" else None
    out = []
    for m in t.months:
        value, due = (in_written_units(x, dim, written, per) for x in (m.value, m.due))
        texts = [display.amount(value, written.unit, per, written.percent, lang) for lang in ("en", "ja")]
        gap = None
        if m.miss:
            gap = Msg(*(display.amount(abs(due - value), written.unit, per, written.percent, lang) for lang in ("en", "ja")))
        out.append(MonthStanding(m.label, value, due, m.miss, Msg(*texts), gap))
    return tuple(out)


def _of(share: str | None, lang: str = "en") -> str:
    """` (12%)`: a gap as a share of the target, when the target is not zero."""
    if share is None:
        return ""
    return f"（{share}）" if lang == "ja" else f" ({share})"


def _comparator(symbol: str) -> str:
    return {">=": "≥", "<=": "≤"}.get(symbol, symbol)


def _target_text(comparator: str, text: str) -> Msg:
    """A target as written, with its comparator: `≥ 12億円 per year`, `≥ 12億円/年`."""
    return Msg(f"{_comparator(comparator)} {text}", f"{_comparator(comparator)} {display.written(text, 'ja')}")


def _gap(x: Fraction, dim, written) -> Msg:
    """A difference between two values in the target's units; between two percentages of nothing, in points."""
    value = in_written_units(x, dim, written)
    if written.percent and dim.dimensionless:
        text = display.compared([value], percent=True)[0].text
        return Msg(f"{text} percentage point{'' if text == '1' else 's'}", f"{text}ポイント")
    en = display.compared_amounts([value], written.unit, written.per, written.percent, "en")[0]
    ja = display.compared_amounts([value], written.unit, written.per, written.percent, "ja")[0]
    return Msg(en, ja)


def _witness_input(arithmetic, nid: str, x: Fraction, ref: Fraction) -> WitnessInput:
    node = arithmetic.plan.nodes[nid]
    written = node.target.value
    dim = arithmetic.env[nid].dim
    values = [in_written_units(x, dim, written), in_written_units(ref, dim, written)]
    en = display.compared_amounts(values, written.unit, written.per, written.percent, "en")[0]
    ja = display.compared_amounts(values, written.unit, written.per, written.percent, "ja")[0]
    return WitnessInput(nid, Msg(en, ja), _target_text(node.target.comparator, written.text), x != ref)


def _path(arithmetic, goal: str, leaves: set[str]) -> set[str]:
    """The goal and every node on a formula path from it down to one of `leaves`."""
    edges = arithmetic.ctx.graph.edges
    on: dict[str, bool] = {}
    stack = [(goal, False)]
    while stack:  # iterative depth-first search, children before parents
        nid, done = stack.pop()
        if done:
            on[nid] = nid in leaves or any(on.get(e.target, False) for e in edges.get(nid, ()) if e.kind != "link")
            continue
        if nid in on:
            continue
        on[nid] = False  # on the stack: a cycle (reported elsewhere) adds nothing
        stack.append((nid, True))
        stack.extend((e.target, False) for e in edges.get(nid, ()) if e.kind != "link" and e.target not in on)
    return {nid for nid, yes in on.items() if yes} | {goal}
