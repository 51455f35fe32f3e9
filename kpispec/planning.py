"""What-if, solve and sensitivity: the plan recomputed with other values, and worked backwards from its goals.

A what-if is the plan itself with the values written in place of its targets (or of a param's
value), analysed again by the same pipeline: every verdict, month and diagnostic of the new plan
is what `kpispec check` would say of it. Setting a node that has a formula and feeds another
sets its formula aside, so that the value reaches the goals above it ("what if visitors were
800,000?"); setting a goal that feeds nothing (a KGI) changes the goal itself. Solving and
sensitivity read the (possibly changed) plan's goals through `analysis.levers`.

Nothing here reads files, prints or exits: the CLI does.
"""

from __future__ import annotations

import re
import unicodedata

from .analysis import levers
from .analysis.goals import standings
from .api import Result, analyze
from .config import DEFAULT, Config
from .diagnostics import Msg
from .evaluate import EvalError, base
from .multiset import beyond
from .records import record
from .source import SourceFile
from .syntax import ast

MAX_VALUE_LENGTH = 200  # characters in one `--set` value


class SettingError(Exception):
    """A `--set` or `--solve` that cannot be applied: the message says why and what to write."""

    def __init__(self, message: Msg):
        super().__init__(message.en)
        self.message = message


@record(frozen=True, slots=True)
class Setting:
    """One value put in place of a target (or a param's value): as the user wrote it and as written into the plan."""

    id: str
    kind: str  # "target" or "param"
    old: str  # the target or param value as the plan writes it
    new: str  # as written into the plan (a bare number takes the target's unit and period)
    formula: str | None = None  # the formula set aside, for a node that had one


@record
class Scenario:
    """The plan before and after some settings, with each formula node's standing in both."""

    before: Result
    after: Result
    settings: list
    goals: list  # (id, Standing before or None, Standing after or None), in the plan's order
    appeared: list  # diagnostics of the new plan that the old one did not have
    gone: list  # diagnostics of the old plan that the new one no longer has


def split_setting(text: str) -> tuple[str, str]:
    """`cvr=3%` -> ("cvr", "3%"); a full-width `＝` and full-width digits, signs and `％` read as their
    ASCII forms (NFKC, for the value only: an id is matched as the plan writes it)."""
    name, sep, value = text.replace("＝", "=").partition("=")
    name, value = name.strip(), unicodedata.normalize("NFKC", value).strip()
    if not sep or not name or not value:
        raise SettingError(Msg(f"`{text}` is not ID=VALUE (for example `cvr=3%`)",
                               f"`{text}` は ID=値 の形ではありません（例：`cvr=3%`）"))
    return name, value


def parse_value(text: str) -> tuple[ast.Quantity, bool]:
    """A value as a plan writes a target (`3%`, `1,200,000 visitors per month`, `-500万円`), parsed by the plan's grammar."""
    from .syntax.parse import parse

    bad = Msg(f"`{text}` is not a value such as `3%`, `4,500円` or `1,200,000 visitors per month`",
              f"`{text}` は値として読めません（例：`3%`、`4,500円`、`1,200,000 visitors per month`）")
    if len(text) > MAX_VALUE_LENGTH or any(ch in text for ch in "\r\n\t\x00{}#\"") or not text.isprintable():
        raise SettingError(bad)
    if text[:1] in "<>=≤≥":
        raise SettingError(Msg(f"`{text}`: write the value only; the target keeps its comparator",
                               f"`{text}`：値だけを書いてください（比較の向きは目標のまま）"))
    if text[:1] == "+":
        raise SettingError(Msg(f"`{text}`: write the new value itself (`3%`, not a change such as `+0.5%`)",
                               f"`{text}`：変化量ではなく、新しい値そのものを書いてください（`+0.5%` ではなく `3%`）"))
    head = "kpi v { target "
    parsed = parse(SourceFile("--set", head + text + " }\n"))
    if parsed.diagnostics or parsed.module is None or len(parsed.module.items) != 1:
        raise SettingError(bad)
    block = parsed.module.items[0]
    if not isinstance(block, ast.Block) or len(block.attrs) != 1:
        raise SettingError(bad)
    attr = block.attrs[0]
    q = attr.value
    if attr.key != "target" or attr.comparator is not None or not isinstance(q, ast.Quantity) \
            or q.end != len(head) + len(text):
        raise SettingError(bad)
    return q, attr.negative


_NUMBER = re.compile(r"[-+]?[0-9][0-9,_]*(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?(?:[兆億万千百]+(?:[0-9][0-9,_]*(?:\.[0-9]+)?)?)*"
                     r"(?:[kMB](?!\w))?")


def _suffix(value) -> str:
    """The unit and period of a written value as written, to follow a bare number: `人 per 月` after
    `1,000,000`, ` visitors per month`, `円/人`."""
    found = _NUMBER.match(value.text)
    if found and found.end() < len(value.text):
        return value.text[found.end():]
    from .display import _decorate

    return _decorate("", value.unit, value.per, False, "en")


def _written(node_or_param_value, text: str) -> str:
    """The value as it goes into the plan: a bare number takes the unit and period of what it replaces."""
    q, _ = parse_value(text)
    old = node_or_param_value
    bare = q.unit is None and q.per is None and q.per_unit is None and not q.percent
    if old is None or not bare:
        return text
    if old.percent:
        raise SettingError(Msg(f"`{text}`: this is a percentage ({old.text}); write it with %, like `{text}%`",
                               f"`{text}`：この値は百分率です（{old.text}）。`{text}%` のように % を付けてください"))
    return text + _suffix(old)


def _dim_of(text: str):
    from .resolve import normalise

    q, negative = parse_value(text)
    source = SourceFile("--set", "kpi v { target " + text + " }\n")
    try:
        return base(normalise(source, q, negative))[1]
    except EvalError:
        return None


def rewrite(result: Result, values: list[tuple[str, str]], detach: tuple[str, ...] = ()) -> tuple[str, list[Setting], list]:
    """The plan's text with each (id, value) in place of that node's target or param's value, and the
    formula of each node set (or in `detach`) set aside; with the edits made, (start, end, new text)."""

    plan = result.plan
    text = plan.source.text
    edits: list[tuple[int, int, str]] = []
    settings = []
    seen = set()
    inputs = used_as_inputs(plan)
    for nid, value in values:
        if nid in seen:
            raise SettingError(Msg(f"`{nid}` is set twice", f"`{nid}` が 2 回指定されています"))
        seen.add(nid)
        node, param = plan.nodes.get(nid), plan.params.get(nid)
        if node is None and param is None:
            raise SettingError(_unknown(plan, nid, "node (KGI or KPI) or param", "KGI・KPI・param", params=True))
        if param is not None:
            old_text = text[param.expr.span.start:param.expr.span.end]
            new = _written(None, value)
            edits.append((param.expr.span.start, param.expr.span.end, new))
            settings.append(Setting(nid, "param", " ".join(old_text.split()), new))
            continue
        if node.target is None:
            raise SettingError(Msg(f"`{nid}` has no target to put a value in place of; give it a `target`",
                                   f"`{nid}` には置き換える目標値がありません。`target` を書いてください"))
        old = node.target.value
        new = _written(old, value)
        old_dim, new_dim = _dim_of(old.text), _dim_of(new)
        if old_dim is not None and new_dim is not None and old_dim != new_dim:
            raise SettingError(_other_kind(nid, old, new, old_dim, new_dim))
        end = old.span.end
        edits.append((end - len(old.text), end, new))
        formula = None
        if node.formula is not None and nid in inputs:
            formula = _set_aside(node, text, edits)  # its value reaches the goals above it
        settings.append(Setting(nid, "target", old.text, new, formula))
    for nid in detach:
        node = plan.nodes.get(nid)
        if node is not None and node.formula is not None and nid not in seen:
            _set_aside(node, text, edits)
    for start, end, new in sorted(edits, reverse=True):
        text = text[:start] + new + text[end:]
    return text, settings, sorted(edits)


def original_offset(edits: list, offset: int) -> int:
    """Where an offset of the rewritten text was in the original: inside an edit, at the edit's start."""
    delta = 0
    for start, end, new in edits:
        if offset < start + delta:
            break
        if offset < start + delta + len(new):
            return start
        delta += len(new) - (end - start)
    return offset - delta


def used_as_inputs(plan) -> set[str]:
    """The ids that some formula, param or assert reads."""
    from .resolve import refs

    exprs = [n.formula for n in plan.nodes.values() if n.formula is not None]
    exprs += [p.expr for p in plan.params.values()]
    exprs += [side for a in plan.asserts for side in (a.left, a.right)]
    return {name.text for e in exprs for name in refs(e)}


def _unknown(plan, nid: str, what_en: str, what_ja: str, params: bool = False) -> Msg:
    """No such id: with the closest id, or the id whose label names it (`CVR` for `購入率（CVR）`)."""
    from .suggest import closest

    near = closest(nid, [*plan.nodes, *(plan.params if params else ())])
    if near is None:
        folded = nid.casefold()
        labelled = [n.id for n in plan.nodes.values() if n.label and folded in n.label.casefold()]
        near = labelled[0] if len(labelled) == 1 else None
    hint_en = f"; did you mean `{near}`?" if near else ""
    hint_ja = f"。`{near}` のことですか？" if near else ""
    return Msg(f"the plan has no {what_en} `{nid}`{hint_en}", f"計画に {what_ja} `{nid}` はありません{hint_ja}")


def _other_kind(nid: str, old, new: str, old_dim, new_dim) -> Msg:
    """A value of another kind than the target it replaces; a missing or extra period said as such."""
    if old_dim.time != new_dim.time and old.per is not None:
        return Msg(f"`{new}` has no period, but `{nid}`'s target is {old.text}: write it with the period "
                   f"(like `{new} per {old.per}`), or just the number",
                   f"`{new}` には期間がありませんが、`{nid}` の目標値は {old.text} です。期間を付けるか"
                   f"（例：`{new}/{_PERIOD_JA.get(old.per, old.per)}`）、数値だけを書いてください")
    return Msg(f"`{nid}`'s target is {old.text}; `{new}` is not the same kind of amount",
               f"`{nid}` の目標値は {old.text} です。`{new}` は同じ種類の量ではありません")


_PERIOD_JA = {"day": "日", "week": "週", "month": "月", "quarter": "四半期", "year": "年"}


def _set_aside(node, text: str, edits: list) -> str:
    """Remove a node's `formula` attribute (its line span); the formula's text, on one line."""
    span = node.attr_spans["formula"]
    edits.append((span.start, span.end, ""))
    return " ".join(text[node.formula.span.start:node.formula.span.end].split())


def reanalyse(result: Result, text: str, config: Config = DEFAULT) -> Result:
    return analyze(SourceFile(result.source.path, text), config, keep_context=True)


def scenario(result: Result, values: list[tuple[str, str]], config: Config = DEFAULT,
             detach: tuple[str, ...] = ()) -> Scenario:
    """The plan with some values in place of their targets, beside the plan as it is."""
    text, settings, edits = rewrite(result, values, detach)
    after = reanalyse(result, text, config)
    before_goals = standings_of(result)
    after_goals = standings_of(after)
    order = list(dict.fromkeys([*before_goals, *after_goals]))
    goals = [(nid, before_goals.get(nid), after_goals.get(nid)) for nid in order]
    # Matched by code and place (mapped back through the edits): a finding whose message quotes the
    # value set (a missing baseline beside the new target) is the same finding.
    def was(d):
        return d.code, original_offset(edits, d.span.start)

    appeared, gone = changed_diagnostics(result.diagnostics, after.diagnostics, lambda d: (d.code, d.span.start), was)
    return Scenario(result, after, settings, goals, appeared, gone)


def standings_of(result: Result) -> dict:
    if result.plan is None or result.context is None:
        return {}
    return standings(result.context.arithmetic)


def changed_diagnostics(old: list, new: list, old_key, new_key) -> tuple[list, list]:
    """The diagnostics only in `new`, and those only in `old`, matched by their keys (duplicates counted)."""
    return beyond(new, old, new_key, old_key), beyond(old, new, old_key, new_key)


def solve(result: Result, input_id: str) -> list:
    """For each goal the input feeds (KGIs first): the value of the input that exactly meets it (levers.Solution)."""
    arithmetic = result.context.arithmetic
    goals = sorted(levers.goals_of(arithmetic, input_id), key=lambda nid: result.plan.nodes[nid].kind != "kgi")
    return [levers.solve(arithmetic, goal, input_id) for goal in goals]


def check_solvable(result: Result, input_id: str) -> None:
    """Raise SettingError when `input_id` cannot be solved for, with what to do instead."""

    plan = result.plan
    node = plan.nodes.get(input_id)
    if node is None:
        raise SettingError(_unknown(plan, input_id, "KPI", "KPI"))
    if node.target is None:
        raise SettingError(Msg(f"`{input_id}` has no target, so nothing to solve for; give it a `target`",
                               f"`{input_id}` には目標値がないため、求める値がありません。`target` を書いてください"))


def sensitivity(result: Result, goal: str | None = None) -> list[tuple[str, list]]:
    """(goal, its levers, the most improving first) for one goal, or every goal with a target (KGIs first)."""
    arithmetic = result.context.arithmetic
    goals = [goal] if goal is not None else [nid for nid, o in arithmetic.outcomes.items() if o.target is not None]
    goals.sort(key=lambda nid: result.plan.nodes[nid].kind != "kgi")
    return [(g, levers.sensitivity(arithmetic, g)) for g in goals]
