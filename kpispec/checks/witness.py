"""How a witness reads in a message: the inputs that are not at their targets, each with its value
and its own target, in the units it was written in."""

from __future__ import annotations

from .. import display
from ..analysis.timeline import phased
from ..evaluate import in_written_units

MAX_WITNESS = 6  # inputs of a witness named in the message


def witness_text(arithmetic, witness: dict, ref: dict, timed: bool = False) -> tuple[str, str]:
    """The inputs of a witness that are not at their targets, as `id` = value (target …). In a goal
    evaluated month by month (`timed`), an input with milestones or a ramp moves all its months alike."""
    moved = [v for v in sorted(witness) if witness[v] != ref.get(v)]
    parts_en, parts_ja = [], []
    for v in moved[:MAX_WITNESS]:
        node = arithmetic.plan.nodes[v]
        value = node.target.value
        dim = arithmetic.env[v].dim
        xs = [in_written_units(witness[v], dim, value), in_written_units(ref[v], dim, value)]
        rule = f"{node.target.comparator} {value.text}"
        rule_ja = display.target_text(value.text, node.target.comparator, "ja")
        en = display.compared_amounts(xs, value.unit, value.per, value.percent, "en")[0]
        ja = display.compared_amounts(xs, value.unit, value.per, value.percent, "ja")[0]
        if timed and phased(node):
            if node.target.comparator == "<=":
                change = change_ja = "×" + display.number(witness[v] / ref[v], 2) if ref[v] else "×0"
            else:
                step = in_written_units(witness[v] - ref[v], dim, value)
                change = ("+" if step >= 0 else "") + display.amount(step, value.unit, value.per, value.percent)
                change_ja = ("+" if step >= 0 else "") + display.amount(step, value.unit, value.per, value.percent, "ja")
            parts_en.append(f"`{v}` {change} in every month of its plan ({en} where the plan is at the target; target {rule})")
            parts_ja.append(f"`{v}` が計画の各月で {change_ja}（目標に達した月で {ja}。{rule_ja}）")
            continue
        parts_en.append(f"`{v}` = {en} (target {rule})")
        parts_ja.append(f"`{v}` = {ja}（{rule_ja}）")
    if len(moved) > MAX_WITNESS:
        parts_en.append(f"{len(moved) - MAX_WITNESS} more")
        parts_ja.append(f"ほか {len(moved) - MAX_WITNESS} 件")
    return " and ".join(parts_en) or "the inputs at their targets", "、".join(parts_ja) or "入力が目標値ちょうど"
