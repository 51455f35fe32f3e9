"""What-if, solve and sensitivity results for people (text) and for programs (JSON)."""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP
from fractions import Fraction

from .. import display
from ..analysis import levers
from ..diagnostics import Msg
from ..evaluate import in_written_units
from .text import width


def _t(lang: str, en: str, ja: str) -> str:
    return ja if lang == "ja" else en


def _paren(text: str, lang: str) -> str:
    return f"（{text}）" if lang == "ja" else f"({text})"


def _name(plan, nid: str) -> str:
    node = plan.nodes.get(nid)
    label = node.label if node is not None else None
    return f"{nid} {label}" if label else nid


def _target(node, lang: str = "en") -> str:
    return f"{'≤' if node.target.comparator == '<=' else '≥'} {display.written(node.target.value.text, lang)}"


def input_amount(arithmetic, nid: str, x: Fraction, lang: str, rounding=ROUND_HALF_UP) -> str:
    """An input's value (base units) as its target is written: `3.125%`, `800,000 visitors per month`."""
    value = arithmetic.plan.nodes[nid].target.value
    shown = in_written_units(x, arithmetic.env[nid].dim, value)
    return display.amount(shown, value.unit, value.per, value.percent, lang, rounding, levers.decimals(shown, value.percent))


def goal_amount(arithmetic, goal: str, x: Fraction, lang: str, signed: bool = False, period: bool = True) -> str:
    """A goal's value or change (base units) as its target is written (without its period: `period=False`)."""
    out = arithmetic.outcomes[goal]
    value = out.node.target.value
    shown = in_written_units(x, out.value.dim, value)
    if signed and value.percent:  # a change of a percentage is in points
        points = display.number(abs(shown), display.decimals_for(abs(shown), True), percent=True)
        word = "ポイント" if lang == "ja" else " percentage points" if period else " pt"  # short beside a chart's bar
        return ("+" if shown >= 0 else "−") + points + word
    text = display.amount(abs(shown) if signed else shown, value.unit, value.per if period else None, value.percent, lang)
    if signed:
        text = ("+" if shown >= 0 else "−") + text
    return text


def _standing_text(standing, lang: str) -> str:
    if standing is None:
        return _t(lang, "not a goal here (its formula is set aside)", "ここでは目標ではありません（式を使いません）")
    parts = []
    if standing.implied is not None:
        parts.append(standing.implied.get(lang))
    badge = standing.badge.get(lang)
    if standing.status == "met" and standing.gap is not None:
        badge += _t(lang, ", ", "、") + standing.gap.get(lang)
    elif standing.detail is not None and standing.status == "unknown":
        badge += _t(lang, ": ", "：") + standing.detail.get(lang)
    parts.append(badge)
    return " — ".join(parts)


def _severity(d, lang: str) -> str:
    from .text import SEVERITY_JA

    return SEVERITY_JA[d.severity.value] if lang == "ja" else d.severity.value


def _same(a, b) -> bool:
    return a is not None and b is not None and a.status == b.status and a.implied == b.implied and a.gap == b.gap \
        and a.badge == b.badge


def scenario_text(path: str, scenario, lang: str) -> str:
    """The what-if: what was set, then every goal as planned (its inputs at their targets) and with the settings."""
    plan = scenario.before.plan
    lines = [_t(lang, f"{path}: what if", f"{path} の試算（もし）：")]
    for s in scenario.settings:
        what = _t(lang, "target" if s.kind == "target" else "value", "目標値" if s.kind == "target" else "値")
        lines.append(f"  {s.id} = {display.written(s.new, lang)}  " + _paren(f"{what} {display.written(s.old, lang)}", lang))
        if s.formula:
            lines.append(_t(lang, f"    its formula ({s.formula}) is set aside: the value is used as it is",
                            f"    式（{s.formula}）は使わず、この値をそのまま使います"))
    if not scenario.settings:
        lines.append(_t(lang, "  nothing set: the plan as it is", "  変更なし：計画のまま"))
    lines.append("")
    if not scenario.goals:
        lines.append(_t(lang, "no goals: no node has a formula", "目標がありません：式を持つノードがありません"))
    colon = _t(lang, ":", "：")
    label_now, label_if = _t(lang, "as planned", "計画どおり") + colon, _t(lang, "what-if", "試算") + colon
    pad = max(width(label_now), width(label_if)) + 1
    for nid, before, after in scenario.goals:
        node = (scenario.after.plan or plan).nodes.get(nid) or plan.nodes.get(nid)
        head = _name(plan, nid)
        if node is not None and node.target is not None:
            head += "  " + _paren(_target(node, lang), lang)
        lines.append(head)
        lines.append(f"  {label_now}{' ' * (pad - width(label_now))}{_standing_text(before, lang)}")
        after_text = _t(lang, "unchanged", "変わらず") if _same(before, after) else _standing_text(after, lang)
        lines.append(f"  {label_if}{' ' * (pad - width(label_if))}{after_text}")
    if scenario.aside:
        lines.append("")
        lines.append(_t(lang, f"({len(scenario.aside)} new warnings only about the formulas set aside and their inputs are not "
                              "shown; see --format json)",
                        f"（式を使わないことにした KPI とその入力についての警告 {len(scenario.aside)} 件は表示していません。"
                        "--format json に含まれます）"))
    for title, items in ((_t(lang, "new findings", "新たな指摘"), scenario.appeared),
                         (_t(lang, "findings gone", "解消した指摘"), scenario.gone)):
        if items:
            lines.append("")
            lines.append(title + _t(lang, ":", "："))
            lines.extend(f"  {_severity(d, lang)}[{d.code}] {d.message.get(lang)}" for d in items)
    return "\n".join(lines) + "\n"


def solutions_text(arithmetic, input_id: str, solutions: list, lang: str, original=None, every=None) -> str:
    """For each goal the input feeds, the value that exactly meets it (`original`: the input's node as
    the plan writes it, when it has a formula that the solve sets aside)."""
    node = arithmetic.plan.nodes[input_id]
    lines = [_t(lang, f"Solving for {input_id} ({_target(node)}), the other inputs at their targets:",
                f"{input_id}（{_target(node, 'ja')}）を逆算（他の入力は目標値のまま）：")]
    if original is not None and original.formula is not None:
        lines.append(_t(lang, f"  ({input_id} has a formula, set aside here: it is solved for as an input)",
                        f"  （{input_id} の式はここでは使わず、入力として逆算します）"))
    if not solutions:
        lines.append(_t(lang, f"  {input_id} feeds no goal with a target",
                        f"  {input_id} は目標値を持つどの目標の入力でもありません"))
    for s in solutions:
        goal = arithmetic.plan.nodes[s.goal]
        lines.append(f"  {_name(arithmetic.plan, s.goal)}  {_paren(_target(goal, lang), lang)}{_window(arithmetic, s.goal, lang)}")
        lines.append("    " + solution_sentence(arithmetic, s, lang))
    if every is not None:
        op = "≤" if node.target.comparator == "<=" else "≥"
        amount = input_amount(arithmetic, input_id, every, lang)
        lines.append(_t(lang, f"  all {len(solutions)} goals: {input_id} {op} {amount} meets every one of them (proven)",
                        f"  {len(solutions)} 個の目標すべて：{input_id} {op} {amount} ですべてに届きます（証明済み）"))
    if any(s.edited for s in solutions):
        lines.append(_t(lang, f"  (solved with the target of {input_id} edited in the plan, as `check` reads it: its baseline, "
                              "ramp, milestones and start stay as written)",
                        f"  （{input_id} の目標値を計画に書き換えて `check` と同じように計算しました。現状値・立ち上がり・"
                        "マイルストーン・開始日は書かれたままです）"))
    return "\n".join(lines) + "\n"


def _window(arithmetic, goal: str, lang: str) -> str:
    """How a goal is compared, where its formula gives a rate and its target is a total (or the reverse)."""
    out = arithmetic.outcomes[goal]
    w = out.window
    if out.conversion is None or w is None:
        return ""
    months = display.number(w.months, 2)
    if out.conversion == "rate-to-total":
        return _t(lang, f": a total over {w.start} to {w.end} ({months} months)", f"：{w.start}〜{w.end}（{months} か月）の合計")
    return _t(lang, f": a rate, from the total over {w.start} to {w.end} ({months} months)",
              f"：{w.start}〜{w.end}（{months} か月）の合計から見た率")


# why an edited target cannot move a month-by-month goal: the months that decide it stay as written
_UNMOVED = Msg("do not move with that target (its baseline before a ramp, or its milestones)",
               "目標値に連動しません（立ち上がり前の現状値やマイルストーン）")


def solution_sentence(arithmetic, s, lang: str) -> str:
    v = s.input
    rounding = ROUND_CEILING if s.side == ">=" else ROUND_FLOOR
    op = "≥" if s.side == ">=" else "≤"
    if s.status == levers.UNKNOWN:
        return _t(lang, "cannot be solved: the goal's formula is too large or cannot be evaluated",
                  "逆算できません：目標の式が大きすぎるか評価できません")
    if s.status == levers.NO_EFFECT and s.edited:
        return _t(lang, f"does not change with the target of {v}: the months that decide it {_UNMOVED.en}",
                  f"{v} の目標値では変わりません：この目標を決める月が{_UNMOVED.ja}")
    if s.status == levers.NO_EFFECT:
        return _t(lang, f"does not change with {v}", f"{v} によって変わりません")
    if s.status == levers.POINT:
        at = input_amount(arithmetic, v, s.value, lang)
        return _t(lang, f"met only at exactly {v} = {at}: the goal peaks there, just at its target, and falls short on "
                        "either side (no target of it guarantees the goal)",
                  f"{v} = {at} ちょうどのときだけ届きます：目標はそこで最大になり目標値にちょうど並び、前後では届きません"
                  "（どの目標値でも達成は保証されません）")
    if s.status == levers.NEVER and s.edited:
        return _t(lang, f"no target of {v} alone meets it: some months that decide it {_UNMOVED.en}",
                  f"{v} の目標値だけではどの値でも届きません：この目標を決める月の一部が{_UNMOVED.ja}")
    if s.status == levers.NEVER:
        return _t(lang, f"no value of {v} alone meets it", f"{v} だけではどの値でも届きません")
    amount = input_amount(arithmetic, v, s.value, lang, rounding)
    if s.status == levers.ALWAYS:
        limit = input_amount(arithmetic, v, s.bound, lang)
        if s.side == ">=":  # it would take less than the least it can be
            why_en, why_ja = f"{v} is never below {limit}", f"{v} は {limit} 未満にはなりません"
        else:
            why_en, why_ja = f"{v} never exceeds {limit}", f"{v} は {limit} を超えません"
        return _t(lang, f"met whatever {v} is (it would take {v} {op} {amount}, and {why_en})",
                  f"{v} がどの値でも満たされます（必要なのは {v} {op} {amount} で、{why_ja}）")
    if s.status == levers.BEYOND:
        limit = input_amount(arithmetic, v, s.bound, lang)
        if s.bound:
            why_en, why_ja = f"a share of a whole cannot exceed {limit}", f"全体に占める割合は {limit} を超えられません"
        else:
            why_en, why_ja = "it cannot be below 0", "0 未満にはなりません"
        return _t(lang, f"would need {v} {op} {amount}, but {why_en}: {v} alone cannot meet it",
                  f"{v} {op} {amount} が必要ですが、{why_ja}。{v} だけでは届きません")
    if s.written == s.value and s.exact:
        text = _t(lang, f"{v} {op} {amount} meets it exactly", f"{v} {op} {amount} でちょうど届きます")
    elif s.written == s.value:  # found by trying targets on the edited plan: no exact root to show
        text = _t(lang, f"{v} {op} {amount} meets it (the least such target, to its decimals)" if op == "≥" else
                  f"{v} {op} {amount} meets it (the greatest such target, to its decimals)",
                  f"{v} {op} {amount} で届きます（表示桁で最小の値）" if op == "≥" else
                  f"{v} {op} {amount} で届きます（表示桁で最大の値）")
    else:
        precise = _precise(arithmetic, v, s.value, lang)
        word_en, word_ja = ("up", "切り上げ") if s.side == ">=" else ("down", "切り捨て")
        text = _t(lang, f"{v} {op} {amount} meets it (rounded {word_en} from {precise})",
                  f"{v} {op} {amount} で届きます（{precise} を{word_ja}）")
    if s.against:
        word_en, word_ja = ("a floor (≥)", "下限（≥）") if s.side == "<=" else ("a ceiling (≤)", "上限（≤）")
        return text + _t(lang, f", but the target of {v} is {word_en}: moving it that way works against the goal",
                         f"。ただし {v} の目標は{word_ja}で、この向きは目標に逆行します")
    if s.verdict is not None and s.verdict.proven:
        return text + _t(lang, f"; with {amount} as the target of {v}, the goal is proven",
                         f"。{v} の目標値を {amount} にすれば、各入力がそれぞれの目標を満たす限り必ず届きます（証明済み）")
    return text + _t(lang, " with the other inputs at their targets, but as a target it does not guarantee the goal "
                     "(other inputs can meet their own targets and the goal still miss)",
                     "（他の入力が目標値ちょうどの場合）。ただし目標値としては達成を保証しません（他の入力が各目標を満たしても届かないことがあります）")


def _precise(arithmetic, nid: str, x: Fraction, lang: str) -> str:
    """x with four more decimals than usual, and `…` where that is not all of it."""
    value = arithmetic.plan.nodes[nid].target.value
    shown = in_written_units(x, arithmetic.env[nid].dim, value)
    d = display.decimals_for(shown, value.percent) + 4
    text = display.amount(shown, value.unit, value.per, value.percent, lang, ROUND_HALF_UP, d)
    if display.shown_value(shown, d, ROUND_HALF_UP, value.percent) != shown:
        number = display.number(shown, d, ROUND_HALF_UP, value.percent)
        text = text.replace(number, number + "…", 1)
    return text


def sensitivity_text(arithmetic, goal: str, found: list, lang: str) -> str:
    """A goal's inputs ranked by what a 10% better target does to it."""
    out = arithmetic.outcomes[goal]
    node = out.node
    base = found[0].goal_before if found else None
    lines = [_t(lang, f"Sensitivity of {_name(arithmetic.plan, goal)} ({_target(node)})",
                f"{_name(arithmetic.plan, goal)}（{_target(node, 'ja')}）の感度")]
    if base is not None:
        at = goal_amount(arithmetic, goal, base, lang)
        t = out.timeline
        if t is not None and t.kind == "rate" and t.months:
            ceiling = node.target.comparator == "<="
            worst = max(t.months, key=lambda m: m.value) if ceiling else min(t.months, key=lambda m: m.value)
            at += _t(lang, f" in its weakest month, {worst.label}", f"（最も厳しい月 {worst.label}）")
        lines.append(_t(lang, f"at the targets: {at}; each input's target 10% better:",
                        f"目標値どおりなら {at}。各入力の目標値を 10% 良くすると："))
    if not found:
        lines.append(_t(lang, "  no inputs to vary (or the goal cannot be evaluated)",
                        "  変えられる入力がありません（または評価できません）"))
        return "\n".join(lines) + "\n"
    rows = [(_t(lang, "input", "入力"), _t(lang, "target → 10% better", "目標値 → 10% 改善"), goal)]
    for lever in found:
        before, after = (input_amount(arithmetic, lever.input, x, lang) for x in (lever.before, lever.after))
        moved = f"{before} → {after}"
        change = goal_amount(arithmetic, goal, lever.change, lang, signed=True)
        if lever.after == lever.before:
            change = _t(lang, "no change (it cannot be better)", "変化なし（これ以上良くなりません）")
        elif lever.change == 0:
            change = _t(lang, "no change", "変化なし")
        elif lever.goal_before:
            share = f"{'+' if lever.change >= 0 else '−'}{display.share(abs(lever.change / lever.goal_before))}"
            change += _t(lang, f" ({share})", f"（{share}）")
        rows.append((lever.input, moved, change))
    widths = [max(width(r[i]) for r in rows) for i in range(2)]
    for r in rows:
        lines.append("  " + "".join(c + " " * (w - width(c) + 3) for c, w in zip(r[:2], widths)) + r[2])
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------- JSON
# Numbers in the units each value is written in (a rate per its written period, a percentage as a
# fraction: 2.5% is 0.025), as a float and exactly as `n` or `n/d`.


def _number(x: Fraction | None) -> dict | None:
    if x is None:
        return None
    try:
        approximate = float(x)
    except OverflowError:  # beyond a float (a target of 1e400): the exact value only
        approximate = None
    return {"value": approximate, "exact": str(x)}


def _input_units(arithmetic, nid: str, x: Fraction | None) -> dict | None:
    if x is None:
        return None
    return _number(in_written_units(x, arithmetic.env[nid].dim, arithmetic.plan.nodes[nid].target.value))


def _goal_units(arithmetic, goal: str, x: Fraction) -> dict:
    out = arithmetic.outcomes[goal]
    return _number(in_written_units(x, out.value.dim, out.node.target.value))


def standing_json(standing, lang: str) -> dict | None:
    """A goal's standing (analysis.goals.Standing) as JSON: its verdict in words, and the numbers in the
    target's units (the implied value, the target, and the margin: above 0 slack, below 0 short)."""
    if standing is None:
        return None

    def get(m):
        return m.get(lang) if m is not None else None

    return {
        "status": standing.status, "badge": get(standing.badge), "target": get(standing.target),
        "implied": get(standing.implied), "gap": get(standing.gap), "detail": get(standing.detail),
        "value": _number(standing.value) if standing.target_value is not None else None,
        "target_value": _number(standing.target_value),
        "margin": _number(standing.margin),
    }


def _diagnostic(d, lang: str) -> dict:
    return {"code": d.code, "severity": d.severity.value, "message": d.message.get(lang)}


def scenario_json(path: str, scenario, lang: str) -> dict:
    return {
        "file": path,
        "settings": [{"id": s.id, "kind": s.kind, "old": s.old, "new": s.new, "formula_set_aside": s.formula}
                     for s in scenario.settings],
        "goals": [{"id": nid, "before": standing_json(b, lang), "after": standing_json(a, lang)} for nid, b, a in scenario.goals],
        "diagnostics": {"appeared": [_diagnostic(d, lang) for d in scenario.appeared],
                        "gone": [_diagnostic(d, lang) for d in scenario.gone],
                        "set_aside": [_diagnostic(d, lang) for d in scenario.aside]},
    }


def solutions_json(arithmetic, input_id: str, solutions: list, lang: str, every=None) -> dict:
    out = []
    for s in solutions:
        out.append({
            "goal": s.goal, "status": s.status, "side": s.side,
            "value": _input_units(arithmetic, input_id, s.value),
            "written": _input_units(arithmetic, input_id, s.written),
            "text": input_amount(arithmetic, input_id, s.written, lang) if s.written is not None else None,
            "exact": s.exact, "proven": s.verdict.proven if s.verdict is not None else None, "against": s.against,
            "edited": s.edited,
            "limit": _input_units(arithmetic, input_id, s.bound), "sentence": solution_sentence(arithmetic, s, lang),
        })
    return {"input": input_id, "goals": out, "all_goals": _input_units(arithmetic, input_id, every)}


def sensitivity_json(arithmetic, goal: str, found: list, lang: str) -> dict:
    return {"goal": goal, "inputs": [
        {"input": lever.input,
         "before": _input_units(arithmetic, lever.input, lever.before),
         "after": _input_units(arithmetic, lever.input, lever.after),
         "goal_before": _goal_units(arithmetic, goal, lever.goal_before),
         "goal_after": _goal_units(arithmetic, goal, lever.goal_after),
         "change": _goal_units(arithmetic, goal, lever.change),
         "change_text": goal_amount(arithmetic, goal, lever.change, lang, signed=True)}
        for lever in found]}
