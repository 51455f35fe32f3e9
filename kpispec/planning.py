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
from fractions import Fraction

from .analysis import levers
from .analysis.goals import standings
from .api import Result, analyze
from .config import DEFAULT, Config
from .diagnostics import Msg
from .display import PERIOD_JA, written
from .evaluate import EvalError, base
from .multiset import beyond
from .records import field, record
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
    aside: list = field(default_factory=list)  # new warnings about a formula set aside and its inputs (only that)


def split_setting(text: str) -> tuple[str, str]:
    """`cvr=3%` -> ("cvr", "3%"); a full-width `＝` and full-width digits, signs and `％` read as their
    ASCII forms (NFKC), and the id as the plan reads its ids (`ＣＰＡ=…` sets `CPA`, see syntax/names.py)."""
    from .syntax.names import normalise

    name, sep, value = text.replace("＝", "=").partition("=")
    name, value = normalise(name.strip()), unicodedata.normalize("NFKC", value).strip()
    if not sep or not name or not value:
        raise SettingError(Msg(f"`{text}` is not ID=VALUE (for example `cvr=3%`)",
                               f"`{text}` は ID=値 の形ではありません（例：`cvr=3%`）"))
    return name, value


def parse_value(text: str) -> tuple[ast.Quantity, bool]:
    """A value as a plan writes a target (`3%`, `1,200,000 visitors per month`, `-500万円`), parsed by the plan's grammar."""
    from .syntax.parse import parse

    bad = Msg(f"`{text}` is not a value such as `3%`, `4,500円` or `1,200,000 visitors per month`",
              f"`{text}` は値として読めません（例：`3%`、`4,500円`、`120万人 per 月`）")
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
                     r"(?:[kMB](?![A-Za-z0-9_]))?")


def _suffix(value) -> str:
    """The unit and period of a written value as written, to follow a bare number: `人 per 月` after
    `1,000,000`, ` visitors per month`, `円/人`."""
    found = _NUMBER.match(value.text)
    if found and found.end() < len(value.text):
        return re.sub(r"\s+", " ", value.text[found.end():])  # on one line, with plain spaces
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
        hundred = _times_100(text)
        if hundred is not None and 0 < abs(q.value) <= 1:  # `0.03` is likely a fraction: 3%
            raise SettingError(Msg(f"`{text}`: this is a percentage ({old.text}); write it with %: `{hundred}%` "
                                   f"(if {text} is a fraction) or `{text}%`",
                                   f"`{text}`：この値は百分率です（{old.text}）。% を付けて書いてください："
                                   f"`{hundred}%`（{text} が割合なら）または `{text}%`"))
        raise SettingError(Msg(f"`{text}`: this is a percentage ({old.text}); write it with %, like `{text}%`",
                               f"`{text}`：この値は百分率です（{old.text}）。`{text}%` のように % を付けてください"))
    return text + _suffix(old)


def _times_100(text: str) -> str | None:
    """A bare number written in `text` times 100, as written (`0.03` → `3`), or None."""
    from decimal import Decimal, InvalidOperation

    try:
        value = Decimal(text.replace(",", "")) * 100
    except InvalidOperation:
        return None
    shown = format(value.normalize(), "f")
    return shown if len(shown) <= 30 else None


def _param_value(plan, param):
    """A param's value when it is one written quantity (`150円 per USD`, `-5%`), else None."""
    from .resolve import normalise

    e = param.expr
    while isinstance(e, ast.Group):
        e = e.inner
    if isinstance(e, ast.Quantity):
        return normalise(plan.source, e)
    if isinstance(e, ast.Negate) and isinstance(e.operand, ast.Quantity):
        return normalise(plan.source, e.operand, negative=True)
    return None


def _value_dim(value):
    try:
        return base(value)[1]
    except EvalError:
        return None


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
            raise SettingError(_unknown(plan, nid, "node (KGI or KPI) or param", "KGI・KPI・`param`", params=True))
        if param is not None:
            old_text = text[param.expr.span.start:param.expr.span.end]
            written = _param_value(plan, param)
            new = _written(written, value)
            old_env = result.context.arithmetic.env.get(nid) if result.context is not None else None
            new_dim = _dim_of(new)
            if old_env is not None and new_dim is not None and old_env.dim != new_dim:
                raise SettingError(Msg(f"`{nid}` is {' '.join(old_text.split())}; `{new}` is not the same kind of amount",
                                       f"`{nid}` は {' '.join(old_text.split())} です。`{new}` は同じ種類の量ではありません"))
            edits.append((param.expr.span.start, param.expr.span.end, new))
            settings.append(Setting(nid, "param", " ".join(old_text.split()), new))
            continue
        if node.kind == "ksf":
            raise SettingError(Msg(f"`{nid}` is a KSF, which has no target: set one of the KPIs that track it",
                                   f"`{nid}` は KSF で目標値を持ちません。それを追う KPI を指定してください"))
        if node.target is None:
            raise SettingError(Msg(f"`{nid}` has no target to put a value in place of; give it a `target`",
                                   f"`{nid}` には置き換える目標値がありません。`target` を書いてください"))
        old = node.target.value
        new = _written(old, value)
        old_dim, new_dim = _value_dim(old), _dim_of(new)
        if old_dim is not None and new_dim is not None and old_dim != new_dim:
            raise SettingError(_other_kind(nid, old, new, old_dim, new_dim))
        end, start = old.span.end, old.span.start
        if old.text.startswith("-"):  # the sign is written before the quantity's span
            start = text.rfind("-", 0, start)
        edits.append((start, end, new))
        formula = None
        if node.formula is not None and nid in inputs:
            formula = _set_aside(node, text, edits)  # its value reaches the goals above it
        settings.append(Setting(nid, "target", old.text, new, formula))
    for nid in detach:
        node = plan.nodes.get(nid)
        if node is not None and node.formula is not None and nid not in seen:
            _set_aside(node, text, edits)
    edits.sort()
    pieces, at = [], 0
    for start, end, new in edits:  # in one pass: one edit at a time would copy the text once per edit
        pieces += [text[at:start], new]
        at = end
    pieces.append(text[at:])
    return "".join(pieces), settings, edits


class Offsets:
    """Where an offset of the rewritten text was in the original (edits sorted, as `rewrite` gives
    them): inside an edit, at the edit's start. Each lookup is a binary search."""

    def __init__(self, edits: list):
        self.edits = edits
        self.starts = []  # where each edit starts in the rewritten text
        delta = 0
        for start, end, new in edits:
            self.starts.append(start + delta)
            delta += len(new) - (end - start)

    def __call__(self, offset: int) -> int:
        from bisect import bisect_right

        i = bisect_right(self.starts, offset) - 1
        if i < 0:
            return offset
        start, end, new = self.edits[i]
        if offset < self.starts[i] + len(new):
            return start
        return end + (offset - self.starts[i] - len(new))



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
    if old_dim.time != new_dim.time and old.per is not None and old_dim.currencies == new_dim.currencies:
        return Msg(f"`{new}` has no period, but `{nid}`'s target is {old.text}: write it with the period "
                   f"(like `{new} per {old.per}`), or just the number",
                   f"`{new}` には期間がありませんが、`{nid}` の目標値は {written(old.text, 'ja')} です。期間を付けるか"
                   f"（例：`{new}/{PERIOD_JA.get(old.per, old.per)}`）、数値だけを書いてください")
    return Msg(f"`{nid}`'s target is {old.text}; `{new}` is not the same kind of amount",
               f"`{nid}` の目標値は {written(old.text, 'ja')} です。`{new}` は同じ種類の量ではありません")




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
    was = Offsets(edits)
    edited = {start for start, _, _ in edits}
    for d in after.diagnostics:  # a value the language itself rejects (`1e1001`, two periods) is no what-if
        if d.severity.value == "error" and d.code[3:4] in "01" and was(d.span.start) in edited:
            raise SettingError(Msg(f"the value is not valid here: {d.message.en}", f"この値は使えません：{d.message.ja}"))
    before_goals = standings_of(result)
    after_goals = standings_of(after)
    order = list(dict.fromkeys([*before_goals, *after_goals]))
    goals = [(nid, before_goals.get(nid), after_goals.get(nid)) for nid in order]
    # Matched by code and place (mapped back through the edits): a finding whose message quotes the
    # value set (a missing baseline beside the new target) is the same finding.
    appeared, gone = changed_diagnostics(result.diagnostics, after.diagnostics, lambda d: (d.code, d.span.start),
                                         lambda d: (d.code, was(d.span.start)))
    # A formula set aside leaves its inputs unused and its node without a formula: what is then said of
    # them (not measurable, unrelated to any KGI) is the what-if's doing, not news about the plan.
    from .resolve import refs

    aside_ids = set()
    for nid in [s.id for s in settings if s.formula] + [d for d in detach if d not in values]:
        node = result.plan.nodes.get(nid)
        if node is not None and node.formula is not None:
            aside_ids |= {nid, *(name.text for name in refs(node.formula))}
    if aside_ids:
        place = _declarations(result.plan)
        aside = [d for d in appeared if d.severity.value != "error" and place(was(d.span.start)) in aside_ids]
        appeared = [d for d in appeared if d not in aside]
    else:
        aside = []
    return Scenario(result, after, settings, goals, appeared, gone, aside)


def _declarations(plan):
    """The id of the node whose block holds an offset of the plan's text, or None."""
    from bisect import bisect_right

    spans = sorted((n.span.start, n.span.end, n.id) for n in plan.nodes.values())
    starts = [s[0] for s in spans]

    def at(offset: int) -> str | None:
        i = bisect_right(starts, offset) - 1
        return spans[i][2] if i >= 0 and offset < spans[i][1] else None

    return at


def goal_standing(result: Result, goal: str):
    """One goal's standing in an analysed plan (None where it is not analysed or has no formula); an
    edited plan is read for one goal at a time, and the others' standings are not worth making."""
    from .analysis.goals import standing

    if result.plan is None or result.context is None:
        return None
    return standing(result.context.arithmetic, goal)


def standings_of(result: Result) -> dict:
    if result.plan is None or result.context is None:
        return {}
    return standings(result.context.arithmetic)


def changed_diagnostics(old: list, new: list, old_key, new_key) -> tuple[list, list]:
    """The diagnostics only in `new`, and those only in `old`, matched by their keys (duplicates counted)."""
    return beyond(new, old, new_key, old_key), beyond(old, new, old_key, new_key)


def solve(result: Result, input_id: str, config: Config = DEFAULT) -> list:
    """For each goal the input feeds (KGIs first): the value of the input that exactly meets it
    (levers.Solution). A goal compared month by month whose input's months differ from its target
    (milestones, a ramp, a late start) is solved on the plan edited, as `check` would read it."""
    arithmetic = result.context.arithmetic
    goals = sorted(levers.goals_of(arithmetic, input_id), key=lambda nid: result.plan.nodes[nid].kind != "kgi")
    out = []
    for goal in goals:
        found = levers.solve(arithmetic, goal, input_id)
        if found.status == levers.PHASED:
            found = Edits(result, config, goal, input_id).solve()
        out.append(found)
    return out


def all_goals(result: Result, input_id: str, solutions: list, config: Config = DEFAULT) -> Fraction | None:
    """The one target for the input that meets every goal solved (each met above its value for a floor
    input, below it for a ceiling): the strictest of the values, proved for each goal again (on the
    plan edited, for one solved so); None when a goal cannot be met that way or a proof fails."""
    statuses = {s.status for s in solutions}
    if len(solutions) < 2 or not statuses <= {levers.SOLVED, levers.ALWAYS} or any(s.against for s in solutions):
        return None
    solved = [s for s in solutions if s.status == levers.SOLVED]
    if not solved:
        return None
    arithmetic = result.context.arithmetic
    ceiling = arithmetic.plan.nodes[input_id].target.comparator == "<="
    x = min(s.written for s in solved) if ceiling else max(s.written for s in solved)
    for s in solutions:
        if s.edited:
            edits = Edits(result, config, s.goal, input_id)
            found = edits.at(x * edits.unit)
            if found is None or not found[1]:
                return None
        elif not arithmetic.passes_with(s.goal, {input_id: x}):
            return None
    return x


MAX_EDITS = 40  # analyses of an edited plan spent solving one input for one goal; pragma: no mutate
MAX_EDITED_LEVERS = 50  # inputs of one goal whose 10% better target is tried on an edited plan; pragma: no mutate


class Edits:
    """One goal as a function of one input's target, read off the plan edited and analysed again:
    exactly what `check` says of the plan with that target written in it."""

    def __init__(self, result: Result, config: Config, goal: str, input_id: str):
        from .evaluate import in_written_units

        self.result, self.config, self.goal, self.input = result, config, goal, input_id
        arithmetic = result.context.arithmetic
        self.value = result.plan.nodes[input_id].target.value
        self.dim = arithmetic.env[input_id].dim
        self.unit = in_written_units(Fraction(1), self.dim, self.value)  # written units per base unit
        self.target = arithmetic.targets[input_id] * self.unit  # the input's target, written units
        standing = goal_standing(result, goal)
        goal_value = result.plan.nodes[goal].target.value
        self.goal_unit = in_written_units(Fraction(1), arithmetic.outcomes[goal].value.dim, goal_value)
        self.due = standing.target_value
        self.now = standing.value
        self.ceiling_goal = result.plan.nodes[goal].target.comparator == "<="
        self.spent = 0

    def at(self, x: Fraction):
        """(the goal's value, whether it is proven) with the input's target x (written units); None when
        that plan cannot be analysed or the work budget is spent."""
        if self.spent >= MAX_EDITS:
            return None
        self.spent += 1
        try:
            after = scenario(self.result, [(self.input, self.text(x))], self.config).after
        except SettingError:
            return None
        standing = goal_standing(after, self.goal)
        if standing is None or standing.value is None:
            return None
        return standing.value, standing.status == "met"

    def text(self, x: Fraction) -> str:
        """x as the plan would write it: a bare number (the target's unit and period follow), or a percentage."""
        from . import display

        shown = display.number(x, levers.decimals(x, self.value.percent) + 6, percent=self.value.percent)
        return shown + ("%" if self.value.percent else "")

    def solve(self) -> levers.Solution:
        from decimal import ROUND_CEILING, ROUND_FLOOR

        from . import display
        from .analysis.prove import Verdict

        goal, v = self.goal, self.input
        t = self.target
        t2 = t * 3 / 2 if t else Fraction(1)
        second = self.at(t2)
        if second is None:
            return levers.Solution(goal, v, levers.UNKNOWN, edited=True)
        g1, g2 = self.now, second[0]
        if g1 == g2:
            return levers.Solution(goal, v, levers.NO_EFFECT, edited=True)
        slope = (g2 - g1) / (t2 - t)
        root = t + (self.due - g1) / slope  # exact where the goal is linear in the target (a total over months)
        side = (">=" if slope > 0 else "<=") if not self.ceiling_goal else ("<=" if slope > 0 else ">=")
        arithmetic = self.result.context.arithmetic
        lo, hi = (None if b is None else b * self.unit for b in levers.limits(arithmetic, v))
        base = self._base
        if side == ">=" and hi is not None and root > hi or side == "<=" and lo is not None and root < lo:
            return levers.Solution(goal, v, levers.BEYOND, base(root), exact=False, side=side,
                                   bound=base(hi if side == ">=" else lo), edited=True)
        rounding = ROUND_CEILING if side == ">=" else ROUND_FLOOR
        written = display.shown_value(root, levers.decimals(root, self.value.percent), rounding, self.value.percent)
        found = self.at(written)
        exact = found is not None and written == root and found[0] == self.due
        if found is None or not found[1]:
            # not linear (a month that does not move with the target caps it): try further out, then halve back
            written = self._search(written, side, rounding)
            if written is None:
                return levers.Solution(goal, v, levers.NEVER, edited=True)
            root, exact = written, False
        floor_input = arithmetic.plan.nodes[v].target.comparator != "<="
        return levers.Solution(goal, v, levers.SOLVED, base(root), written=base(written), exact=exact, side=side,
                               verdict=Verdict("proven"), against=(side == ">=") != floor_input, edited=True)

    def _base(self, x: Fraction) -> Fraction:
        return x / self.unit

    def _search(self, start: Fraction, side: str, rounding):
        from . import display

        def rounded(x):
            return display.shown_value(x, levers.decimals(x, self.value.percent), rounding, self.value.percent)

        step = max(abs(start), Fraction(1)) / 4
        fail, passing = start, None
        while self.spent < MAX_EDITS // 2:
            candidate = rounded(fail + step if side == ">=" else fail - step)
            found = self.at(candidate)
            if found is None:
                return None
            if found[1]:
                passing = candidate
                break
            fail, step = candidate, step * 2
        if passing is None:
            return None
        while self.spent < MAX_EDITS:
            mid = rounded((fail + passing) / 2)
            if mid in (fail, passing):
                break
            found = self.at(mid)
            if found is None:
                break
            if found[1]:
                passing = mid
            else:
                fail = mid
        return passing

    def lever(self, better: Fraction):
        """The goal (base units) with the input's target moved to `better` (written units), or None."""
        found = self.at(better)
        return None if found is None else found[0] / self.goal_unit


def check_solvable(result: Result, input_id: str) -> None:
    """Raise SettingError when `input_id` cannot be solved for, with what to do instead."""

    plan = result.plan
    node = plan.nodes.get(input_id)
    if node is None and input_id in plan.params:
        raise SettingError(Msg(f"`{input_id}` is a param, a constant of the plan: --solve takes a KPI with a target "
                               f"(to try another value of it, --set {input_id}=VALUE)",
                               f"`{input_id}` は `param`（計画の定数）です。--solve には目標値を持つ KPI を指定してください"
                               f"（別の値を試すには --set {input_id}=値）"))
    if node is None:
        raise SettingError(_unknown(plan, input_id, "KPI", "KPI"))
    if node.kind == "ksf":
        raise SettingError(Msg(f"`{input_id}` is a KSF, which has no target: solve for one of the KPIs that track it",
                               f"`{input_id}` は KSF で目標値を持ちません。それを追う KPI を指定してください"))
    if node.target is None:
        raise SettingError(Msg(f"`{input_id}` has no target, so nothing to solve for; give it a `target`",
                               f"`{input_id}` には目標値がないため、求める値がありません。`target` を書いてください"))


def sensitivity(result: Result, goal: str | None = None, config: Config = DEFAULT) -> list[tuple[str, list]]:
    """(goal, its levers, the most improving first) for one goal, or every goal with a target (KGIs first).
    An input whose months differ from its target, of a goal compared month by month, is moved on the
    plan edited (at most MAX_EDITED_LEVERS of them per goal)."""
    arithmetic = result.context.arithmetic
    goals = [goal] if goal is not None else [nid for nid, o in arithmetic.outcomes.items() if o.target is not None]
    goals.sort(key=lambda nid: result.plan.nodes[nid].kind != "kgi")
    out = []
    for g in goals:
        found = levers.sensitivity(arithmetic, g)
        edited = levers.phased(arithmetic, g)[:MAX_EDITED_LEVERS]
        if edited:
            outcome = arithmetic.outcomes[g]
            base = arithmetic.value_at(outcome.sym, outcome.ref)
            for v in edited:
                edits = Edits(result, config, g, v)
                target = arithmetic.targets[v]
                better = levers.improved(arithmetic, v, target)
                after = edits.lever(better * edits.unit)
                if after is not None:
                    found.append(levers.Lever(v, target, better, base, after))
            sign = -1 if arithmetic.plan.nodes[g].target.comparator == "<=" else 1
            order = {v: i for i, v in enumerate(arithmetic.inputs(g))}
            found.sort(key=lambda lever: (-sign * lever.change, order.get(lever.input, 0)))
        out.append((g, found))
    return out
