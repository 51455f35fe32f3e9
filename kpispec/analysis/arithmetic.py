"""The plan's arithmetic, computed once and read by the 3xx checks and every other tool.

Every formula is evaluated in base units at its inputs' targets (the value the plan implies,
with units and periods checked), and expanded into an exact rational function of the plan's
inputs: the KPIs with a target and no formula (or a formula that cannot be evaluated), formula
KPIs expanded through to them, params as constants. A node's target is then proved or refuted
over every value the inputs' targets accept (see `prove`): an input used twice is one input.
"""

from __future__ import annotations

from datetime import date
from fractions import Fraction

from ..dimension import PER_TIME, Dim
from ..evaluate import EvalError, Evaluator, Val, accepted, base
from ..interval import INF, Interval
from ..ir import Node
from ..records import record
from ..resolve import normalise, walk
from ..syntax import ast
from .. import months as calendar
from . import poly
from .poly import Atoms, Budget, Rat, TooBig
from .prove import Verdict, prove
from . import timeline
from .timeline import Month, Timeline, timed

EXPANSION_BUDGET = 3_000_000  # term operations for expanding every formula of one plan
SMALL_PRODUCT = 4_000  # term pairs: a slope's numerator is expanded exactly up to this size
MONOTONY_BUDGET = 200_000  # term operations for finding a month-by-month goal's directions; pragma: no mutate
MAX_PROOFS = 24  # proofs run again to check the fixes of one node's help, each may cost a full search; pragma: no mutate
MAX_TRIES = 600  # evaluations of a formula with min or max spent solving for one node's inputs; pragma: no mutate
SOLVE_ROUNDS = 4  # a solved value that the proof rejects is searched again from the new witness; pragma: no mutate
SEARCH_STEPS = 200  # doublings outwards from an input's target before a solve gives up; pragma: no mutate
BISECTIONS = 64  # halvings of the bracket around the value that meets the goal; pragma: no mutate
BIG_DENOMINATOR = 2**80  # a bisection midpoint with a larger denominator is rounded to LIMIT; pragma: no mutate
LIMIT = 2**60  # pragma: no mutate
NEAR_ZERO = Fraction(1, 10**12)  # a ceiling halved below this share of its target goes to 0; pragma: no mutate


def references(expr) -> list[tuple[ast.Ref, bool]]:
    """Each reference in a formula, in the order written, with whether it sits in a divisor."""
    out = []
    stack = [(expr, False)]
    while stack:
        node, divisor = stack.pop()
        if isinstance(node, ast.Ref):
            out.append((node, divisor))
        elif isinstance(node, ast.Binary):
            stack.append((node.right, divisor or node.op == "/"))
            stack.append((node.left, divisor))
        elif isinstance(node, ast.Negate):
            stack.append((node.operand, divisor))
        elif isinstance(node, ast.Group):
            stack.append((node.inner, divisor))
        elif isinstance(node, ast.Call):
            stack.extend((a, divisor) for a in reversed(node.args))
    return out


def held_at_target(node, nodes) -> set[str]:
    """Inputs that should grow but sit in a divisor: `purchases / sessions` defines a rate, and its
    denominator is a planned volume, not a lever to push without limit. The proof holds them at
    their targets instead of letting them grow."""
    held = set()
    if node.target is None or not node.target.value.percent:
        return held  # only a rate's definition (a percentage) holds its denominator
    for ref, divisor in references(node.formula):
        source = nodes.get(ref.name.text)
        if divisor and source is not None and source.target is not None and source.target.direction == "up":
            held.add(ref.name.text)
    return held


@record
class Window:
    """The dates a rate is counted over: both ends counted, partial months by their days."""

    start: date
    end: date
    months: Fraction

    @property
    def years(self) -> Fraction:
        return self.months / 12

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


@record(slots=True)
class Outcome:
    """How a node's formula compares with its own target."""

    node: Node
    value: Val | None = None  # the formula's value, converted to the target's dimension
    error: EvalError | None = None
    mismatch: tuple[Dim, Dim] | None = None  # (formula, target) dimensions that cannot be compared
    window: Window | None = None
    conversion: str | None = None  # "rate-to-total" or "total-to-rate"
    missing_window: bool = False
    target: Fraction | None = None  # the target in base units
    proven: bool = True
    factor: Fraction = Fraction(1)
    verdict: Verdict | None = None  # the proof, for a node with a formula and a target
    sym: Rat | None = None  # the formula (times the factor) over the plan's inputs
    box: dict | None = None  # each input of sym -> the range its target accepts (held inputs: their target)
    ref: dict | None = None  # each input of sym -> its target
    timeline: Timeline | None = None  # the goal month by month, when its inputs change over time
    flat: Val | None = None  # a goal compared month by month: its value as the formulas above it read it


@record(slots=True)
class AssertOutcome:
    """An `assert` evaluated: both sides, and the proof of the comparison."""

    stmt: ast.Assert
    left: Val | None = None
    right: Val | None = None
    error: EvalError | None = None
    mismatch: tuple[Dim, Dim] | None = None
    holds: bool = True
    verdict: Verdict | None = None
    sides: tuple[Rat, Rat] | None = None
    box: dict | None = None
    ref: dict | None = None


class _Ranges:
    """Input id -> the range its target accepts."""

    def __init__(self, arithmetic: Arithmetic):
        self.a = arithmetic

    def __contains__(self, nid: str) -> bool:
        return nid in self.a._leaves

    def __getitem__(self, nid: str) -> Interval:
        demoted = self.a._demoted.get(nid)
        return demoted if demoted is not None else self.a.env[nid].rng


class _Targets(_Ranges):
    """Input id -> its target."""

    def __getitem__(self, nid: str) -> Fraction:
        return self.a.targets[nid]


class _NoSym(Exception):
    """A formula refers to something that has no exact form (a failed or oversized expansion)."""


class Arithmetic:
    def __init__(self, ctx):
        self.ctx = ctx
        self.plan = ctx.plan
        self.env: dict[str, Val] = {}
        self.param_errors: dict[str, EvalError] = {}
        self.outcomes: dict[str, Outcome] = {}
        self.asserts: list[AssertOutcome] = []
        self.atoms = Atoms()
        self.sym: dict[str, Rat] = {}  # node or param id -> its value over the plan's inputs
        self.held: dict[str, frozenset] = {}  # formula node -> inputs its expansion holds at their targets
        # The proof's inputs, without a copy per input (a plan may have 100,000): their ranges are their
        # values in `env`, and their targets are in `targets`.
        self._leaves: set[str] = set()
        self._demoted: dict[str, Interval] = {}
        self.leaf_box = _Ranges(self)  # input id -> the range its target accepts
        self.leaf_ref = _Targets(self)  # input id -> its target
        self._spend = Budget(EXPANSION_BUDGET)
        self.targets: dict[str, Fraction] = {}  # node id -> its target in base units
        self._slope_cache: dict = {}
        self._order: dict[str, int] = {}
        self._tries: dict[str, int] = {}
        self._proofs: dict[str, int] = {}
        self._failed: set[str] = set()
        self._direct_cache: dict = {}
        # Nodes whose inputs change over time (milestones, ramps, late starts, days): a total over a
        # window (`total`) or a rate in every month (`rate`) is then evaluated month by month.
        # (node -> the month from which none of its inputs changes any more)
        self._timed: dict[str, dict] = {"total": {}, "rate": {}}
        self._timeline_kind: dict[str, str] = {}
        self._converted: set[str] = set()  # formula nodes with a window conversion at or below them
        self._own: dict[str, Rat] = {}
        self._tied: set[str] = set()
        self._tied_any: set[str] = set()  # nodes whose value is read off a tied total at or below them
        self._corner_signs: dict[str, dict] = {}  # month-by-month goals: the direction of each input
        self._scales: dict = {}  # (input, month, total) -> its value in that month as a multiple of its target  # month-by-month goals whose proof does not cover every month's values  # a goal's own exact form where it differs from what its parents see
        self._plan_start = self.plan.info.period_start if self.plan.info else None
        self._evaluate()

    def literal(self, q: ast.Quantity):
        return normalise(self.plan.source, q)

    def evaluator(self, env=None, ranges: bool = True) -> Evaluator:
        return Evaluator(self.env if env is None else env, self.literal, ranges)

    def _evaluate(self) -> None:
        graph = self.ctx.graph
        for i, nid in enumerate(graph.evaluation_order(self.ctx.cyclic)):
            if nid in self.plan.params:
                try:
                    self.env[nid] = self.evaluator().eval(self.plan.params[nid].expr)
                    self.sym[nid] = Rat.of(poly.const(self.env[nid].pt))
                except EvalError as exc:
                    self.param_errors[nid] = exc
                continue
            node = self.plan.nodes[nid]
            if node.target is not None:
                try:
                    self.env[nid] = accepted(node.target.value, node.target.comparator)
                    self.targets[nid] = self.env[nid].pt
                except EvalError:
                    pass
            self._mark_timed(node)
            if node.formula is not None:
                self._order[nid] = i  # expansions run in this order
                outcome = self._outcome(node)
                if outcome.conversion is not None or any(r in self._converted for r in refs_of(node.formula)):
                    self._converted.add(nid)
                self._tie_up(node, outcome)
                if outcome.value is not None and outcome.error is None:
                    # What the formula can take and what the plan implies for it (at the inputs' targets),
                    # whether or not the node has a target of its own; a rate compared month by month
                    # is read above as the rate, not its worst month.
                    timed_rate = outcome.flat is not None and outcome.conversion is None
                    self.env[nid] = outcome.flat if timed_rate else outcome.value
                    continue
            if nid in self.env and node.target is not None:
                self._leaf(nid, self.env[nid])
        for stmt in self.plan.asserts:
            self.asserts.append(self._assert(stmt))

    def _mark_timed(self, node: Node) -> None:
        """Whether the node's value changes over time, through its own attributes or an input's, and
        from which month on it no longer does (every input at its target from then on)."""
        for kind, settled in self._timed.items():
            if node.formula is not None:
                months = [settled[r] for r in refs_of(node.formula) if r in settled]
                if months:
                    settled[node.id] = max(months)
            elif node.id in self.env:
                dim = self.env[node.id].dim
                if timed(node, dim, self._plan_start, kind == "total"):
                    settled[node.id] = timeline.settled(node, dim, kind == "total")

    def _leaf(self, nid: str, v: Val | None = None) -> None:
        """A node whose target is an input of the proof: it ranges over what its target accepts (v: its
        value in `env`; a formula node made an input when its formula cannot be expanded has another)."""
        self._leaves.add(nid)
        if v is None:
            self._demoted[nid] = accepted(self.plan.nodes[nid].target.value, self.plan.nodes[nid].target.comparator).rng

    # --------------------------------------------------------------- nodes

    def window_bounds(self, node: Node) -> tuple[date | None, date | None]:
        """From the node's start (or the plan's) to its deadline (or the plan's end)."""
        info = self.plan.info
        start = node.start or (info.period_start if info else None)
        end = node.deadline or (info.period_end if info else None)
        return start, end

    def due_months(self, node: Node) -> tuple[date | None, date | None]:
        """When a goal compared month by month (not a total over a window) must hold: from its
        deadline's month (the months before are the ramp-up) to the plan's end; without a deadline,
        a rate (a pace) from its start, anything else (a level or an amount to reach) in the plan's
        last month."""
        info = self.plan.info
        end = info.period_end if info and info.period_end else node.deadline
        if node.deadline is not None:
            return calendar.first_day(calendar.index(node.deadline)), end
        if node.target.value.per is None and end is not None:
            return calendar.first_day(calendar.index(end)), end
        return node.start or (info.period_start if info else None), end

    def window(self, node: Node) -> Window | None:
        start, end = self.window_bounds(node)
        if start is None or end is None or end < start:
            return None
        return Window(start, end, calendar.month_count(start, end))

    def formula_env(self, node: Node) -> dict:
        """The environment a node's formula is evaluated in: growth inputs in a divisor held at target."""
        held = held_at_target(node, self.plan.nodes)
        if not held:
            return self.env
        env = dict(self.env)
        for nid in held:
            if nid in env:
                v, x = env[nid], self.targets[nid]
                env[nid] = Val(Interval.point(x), x, v.dim)
        return env

    def _outcome(self, node: Node) -> Outcome:
        """The formula at the inputs' targets and over a range that holds all it can take (interval
        arithmetic, each formula input over its own such range); when that range does not prove the
        target, the exact proof over the plan's inputs."""
        out = self.outcomes[node.id] = Outcome(node)
        try:
            val = self.evaluator(self.formula_env(node)).eval(node.formula)
        except EvalError as exc:
            out.error = exc
            return out
        if node.target is None:
            out.value = val
            return out
        try:
            target, tdim = base(node.target.value)
        except EvalError as exc:
            out.error = exc
            return out
        out.target = target
        factor = Fraction(1)
        if val.dim != tdim:
            # A rate of something meets a total of it over the window, and a total a rate; a plain number
            # never becomes a duration that way (`1 / churn` against `25ヶ月` needs churn per month).
            rate_to_total = val.dim == tdim * PER_TIME and tdim.time == 0
            total_to_rate = val.dim * PER_TIME == tdim and val.dim.time == 0
            if rate_to_total or total_to_rate:
                out.conversion = "rate-to-total" if rate_to_total else "total-to-rate"
                out.window = self.window(node)
                if out.window is None:
                    out.missing_window = True
                    out.mismatch = (val.dim, tdim)
                    return out
                factor = out.window.years if out.conversion == "rate-to-total" else 1 / out.window.years
            else:
                out.mismatch = (val.dim, tdim)
                return out
        out.factor = factor
        out.value = Val(val.rng.scale(factor), val.pt * factor, tdim)
        kind = {"rate-to-total": "total", None: "rate"}.get(out.conversion)
        if kind is not None and node.id in self._timed[kind] and not self._settled_before(node, kind):
            self._timeline_kind[node.id] = kind
            if self.expanded(node.id) and out.timeline is not None:
                return self._timed_verdict(out, tdim)
            # its inputs change over time but it cannot be evaluated month by month: the flat comparison
            # would not be a proof (a zero to divide by, a total of a total, a window of a century)
            out.verdict = Verdict("unknown", reason="months")
            out.proven = False
            return out
        comparator = node.target.comparator
        rng, pt = out.value.rng, out.value.pt
        if (rng.hi <= target) if comparator == "<=" else (rng.lo >= target):
            out.verdict = Verdict("proven")
        elif self.expanded(node.id):
            out.verdict = prove(out.sym, comparator, target, out.box, out.ref, self.atoms)
        elif not ((pt <= target) if comparator == "<=" else (pt >= target)):
            out.verdict = Verdict("refuted", witness={})  # too large to expand; the targets miss it
        else:
            out.verdict = Verdict("unknown", reason="size")
        out.proven = out.verdict.proven
        return out

    def _settled_before(self, node: Node, kind: str) -> bool:
        """Whether every input is at its target in every month the goal is compared in: then the
        months are all alike and the plain comparison is the month-by-month one."""
        start, _ = self.due_months(node) if kind == "rate" else self.window_bounds(node)
        return start is not None and calendar.index(start) >= self._timed[kind][node.id]

    def _timed_verdict(self, out: Outcome, tdim: Dim) -> Outcome:
        """The verdict of a goal evaluated month by month (its exact form made by `_timeline`)."""
        out.flat = out.value  # what a formula above it computes with (a rate: not its worst month)
        out.value = Val(poly.r_interval(out.sym, out.box, self.atoms), self.value_at(out.sym, out.ref), tdim)
        out.verdict = self._corner(out) or self._untie(
            out.node.id, prove(out.sym, out.node.target.comparator, out.target, out.box, out.ref, self.atoms))
        out.proven = out.verdict.proven
        return out

    def _corner(self, out: Outcome, box: dict | None = None) -> Verdict | None:
        """A month-by-month goal whose formula moves one way in every input: its worst case is the
        corner of the inputs' ranges in that direction, evaluated exactly (the prover's interval
        bounds of the months' forms are too loose to find it). None when a corner is unbounded (the
        prover then finds how far it goes) or the directions are not known."""
        signs = self._corner_signs.get(out.node.id)
        if signs is None:
            return None
        box = out.box if box is None else box
        down = out.node.target.comparator == "<="  # the worst case of a ceiling goal is its largest value
        point = {}
        for v, rng in box.items():
            rising = signs.get(v, 0) >= 0
            end = rng.hi if rising == down else rng.lo
            if isinstance(end, float):
                return None
            point[v] = end
        try:
            worst = self.value_at(out.sym, point)
        except ZeroDivisionError:
            return None
        if (worst <= out.target) if down else (worst >= out.target):
            return Verdict("proven")
        return Verdict("refuted", witness=point)

    def _tie_up(self, node: Node, out: Outcome) -> None:
        """A goal read off a total that was proved with its months tied (or off a total turned into a
        rate, whose months are not taken one by one) is not proven either: its proof would hold on the
        tie, not on every month's values."""
        refs = refs_of(node.formula)
        below = any(r in self._tied_any for r in refs)
        flat_total = out.conversion == "total-to-rate" and node.id in self._timed["total"] and not self._settled_before(
            node, "total")
        if node.id in self._tied or below or flat_total:
            self._tied_any.add(node.id)
        if (below or flat_total) and out.verdict is not None and out.verdict.proven:
            out.verdict = Verdict("unknown", reason="months")
            out.proven = False

    def _untie(self, nid: str, verdict: Verdict) -> Verdict:
        """A month-by-month proof covers each month's values as multiples of the input's target; that
        is every value the months accept only where the formula moves one way in each such input."""
        if verdict.proven and nid in self._tied:
            return Verdict("unknown", reason="months")
        return verdict

    def _signs(self, f: Rat, box: dict) -> dict | None:
        """The direction f moves in each of its inputs over `box` (every month's range of a timed input,
        what its target accepts for another): +1 rising, -1 falling, 0 flat; None when it turns in one
        (or that cannot be bounded within a budget of its own). Where it moves one way in each, each
        month's worst case is at a corner of its inputs' month ranges, which one value per input
        varied for all months alike reaches."""
        names = [v for v in box if not v.startswith("#")]
        if f.is_poly and all(c > 0 for c in f.num.values()) and all(box[v].lo >= 0 for v in poly.variables(f.num)) \
                and not any(v.startswith("#") for v in poly.variables(f.num)):
            return {v: 1 for v in names}  # a funnel or a sum of non-negative inputs
        spend = Budget(MONOTONY_BUDGET)
        signs = {}
        try:
            dn, dd = poly.derivatives(f.num), poly.derivatives(f.den)
            for v in names:
                if any(a.startswith("#") and v in self.atoms.inputs(a) for a in f.variables()):
                    return None
                top = poly.add(poly.mul(dn.get(v, {}), f.den, spend), poly.mul(f.num, dd.get(v, {}), spend), spend, -1)
                rng = poly.interval(top, box, self.atoms)
                if rng.lo < 0 < rng.hi:
                    return None
                signs[v] = 1 if rng.lo >= 0 and rng.hi > 0 else -1 if rng.hi <= 0 and rng.lo < 0 else 0
        except TooBig:
            return None
        return signs

    def _timeline(self, nid: str, f: Rat) -> Rat | None:
        """The goal month by month over its window, from f (its formula over the plan's inputs): a total
        sums each month's value, a rate must hold in every month it is due (the least of them). Months
        in which every input has the same value are one group, so a year of flat targets costs one
        evaluation. None when it cannot be done (the caller then says it cannot prove the goal)."""
        node, out = self.plan.nodes[nid], self.outcomes[nid]
        kind = self._timeline_kind[nid]
        if any(r in self._converted for r in refs_of(node.formula)):
            return None  # an input is itself a total over a window of its own: not split by month again
        start, end = self.due_months(node) if kind == "rate" else self.window_bounds(node)
        if start is None or end is None or end < start or calendar.index(end) - calendar.index(start) >= calendar.MAX_MONTHS:
            return None
        total = kind == "total"
        names = set()
        for v in f.variables():
            names |= self.atoms.inputs(v) if v.startswith("#") else {v}
        leaves = sorted(v for v in names if v in self._timed[kind] and v in self._leaves)
        dims = {v: self.env[v].dim for v in leaves}
        groups: dict = {}
        for i, share in calendar.months(start, end):
            ab = timeline.transforms(self.plan, leaves, i, total, dims, self.targets, (start, end), self._scales)
            if ab is None:
                return None
            group = groups.setdefault(tuple(ab.values()), [ab, Fraction(0), []])
            group[1] += share
            group[2].append((i, share))
        box, _ = self.box_for(f)
        for v in leaves:  # each timed input over every month's accepted range
            t, rng = self.targets[v], self.leaf_box[v]
            values = [a * t + b for a, b in (g[0][v] for g in groups.values())]
            ceiling = self.plan.nodes[v].target.comparator == "<="
            box[v] = Interval(min(rng.lo, min(values)), max(values)) if ceiling else Interval(min(values), INF)
        signs = self._signs(f, box)
        if signs is None:
            if total:
                self._tied.add(nid)  # a rate is judged in each month on its own: one value per input is exact
        else:
            self._corner_signs[nid] = signs
        parts, skipped = [], []
        for ab, weight, months in groups.values():
            try:
                part = f if all(x == (1, 0) for x in ab.values()) else poly.r_affine(f, ab, self.atoms, self._spend)
            except ZeroDivisionError:
                if total or poly.r_affine(Rat.of(f.num), ab, self.atoms, self._spend).num:
                    return None  # no amount to add for a total; for a rate, something over nothing (a CPA with no orders)
                skipped += [i for i, _ in months]  # nothing over nothing in a month (no channel yet): not judged in it
                continue
            parts.append((part, weight, months))
        if not parts:
            return None
        if total:
            sym = poly.r_sum([(1, poly.r_scale(p, w / 12)) for p, w, _ in parts], self._spend)
        else:
            sym = parts[0][0] if len(parts) == 1 else self.atoms.make("max" if node.target.comparator == "<=" else "min",
                                                                     [p for p, _, _ in parts])
        _, ref = self.box_for(sym, self.held.get(nid, frozenset()))
        target = out.target
        whole = sum((w for _, w, _ in parts), Fraction(0))
        ceiling = node.target.comparator == "<="
        rows = []
        for p, _, months in parts:
            x = self.value_at(p, ref)
            for i, share in months:
                value, due = (x * share / 12, target * share / whole) if total else (x, target)
                rows.append(Month(i, share, value, due, value > due if ceiling else value < due))
        rows.sort(key=lambda m: m.index)
        out.timeline = Timeline(kind, start, end, rows, sorted(skipped))
        return sym

    # --------------------------------------------------------------- exact forms

    def expanded(self, nid: str) -> bool:
        """Make a node's exact form and its proof's inputs (`outcomes[nid].sym`, `.box`, `.ref`) if it has
        none yet; False when it cannot be made (too large, or an input without one)."""
        out = self.outcomes.get(nid)
        if out is None:
            return False
        if out.sym is None:
            sym = self.sym_of(nid)
            if sym is None or out.value is None:
                return False
            out.sym = self._own.get(nid, sym)
            out.box, out.ref = self.box_for(out.sym, self.held.get(nid, frozenset()))
        return True

    def sym_of(self, nid: str) -> Rat | None:
        """A node's value over the plan's inputs, expanding what it depends on first (in evaluation
        order, without recursion)."""
        if nid in self._leaves:
            return Rat.of(poly.var(nid))
        if nid in self.sym or nid in self._failed:
            return self.sym.get(nid)
        todo, stack = set(), [nid]
        while stack:
            n = stack.pop()
            if n in todo or n in self.sym or n in self._failed or n in self._leaves or n not in self.outcomes:
                continue
            todo.add(n)
            stack.extend(refs_of(self.plan.nodes[n].formula))
        for n in sorted(todo, key=self._order.__getitem__):
            self._expand(n)
        return self.sym.get(nid)

    def _expand(self, nid: str) -> None:
        """Record a formula node's exact form, or make it an input of its own (when it has a target)."""
        node, out = self.plan.nodes[nid], self.outcomes[nid]
        own = held_at_target(node, self.plan.nodes)
        constants = {h: self.targets[h] for h in own if h in self.targets and h not in self.leaf_box}
        held = {h for h in own if h in self.leaf_box}
        for ref in refs_of(node.formula):
            held |= self.held.get(ref, frozenset())
        self.held[nid] = frozenset(held)
        try:
            if out.value is None or out.error is not None:
                raise _NoSym()
            sym = self.rat(node.formula, constants)
            timed_sym = self._timeline(nid, sym) if nid in self._timeline_kind else None
            if timed_sym is not None and out.conversion is None:
                self._own[nid] = timed_sym  # a rate in every month: the node's own proof; parents see the rate
            elif timed_sym is not None:
                sym = timed_sym
            elif out.factor != 1:
                sym = poly.r_scale(sym, out.factor)
        except (TooBig, _NoSym, ZeroDivisionError, EvalError):
            if node.target is not None and nid in self.targets:
                self._leaf(nid)
            else:
                self._failed.add(nid)
            return
        self.sym[nid] = sym
        self.held[nid] = frozenset(held)

    def rat(self, expr, constants: dict | None = None, opaque: frozenset = frozenset()) -> Rat:
        """An expression as an exact rational function of the plan's inputs (ids in `opaque` kept as
        variables of their own instead of expanded)."""
        constants = constants or {}
        spend = self._spend

        def go(n) -> Rat:
            while isinstance(n, ast.Group):
                n = n.inner
            if isinstance(n, ast.Quantity):
                return Rat.of(poly.const(base(self.literal(n))[0]))
            if isinstance(n, ast.Ref):
                name = n.name.text
                if name in constants:
                    return Rat.of(poly.const(constants[name]))
                if name in opaque:
                    return Rat.of(poly.var(name))
                r = self.sym.get(name)
                if r is None:
                    r = self.sym_of(name)  # an input, or a formula node not expanded yet
                if r is None:
                    raise _NoSym()
                return r
            if isinstance(n, ast.Negate):
                return poly.r_neg(go(n.operand))
            if isinstance(n, ast.Binary):
                if n.op in "+-":
                    return poly.r_sum([(sign, go(t)) for sign, t in _terms(n)], spend)
                if n.op == "*":
                    out = None
                    for f in _factors(n):
                        r = go(f)
                        out = r if out is None else poly.r_mul(out, r, spend)
                    return out
                return poly.r_div(go(n.left), go(n.right), spend)
            if isinstance(n, ast.Call):
                args = [go(a) for a in n.args]
                if n.function.text == "sum":
                    return poly.r_sum([(1, a) for a in args], spend)
                values = [a.constant() for a in args]
                if all(v is not None for v in values):
                    return Rat.of(poly.const(min(values) if n.function.text == "min" else max(values)))
                return self.atoms.make(n.function.text, args)
            raise _NoSym()

        return go(expr)

    def box_for(self, sym: Rat, held=frozenset(), skip=frozenset()) -> tuple[dict, dict]:
        """The proof's inputs: each with the range its target accepts (a held input: its target) and its target."""
        names = set()
        for v in sym.variables():
            if v.startswith("#"):
                names |= self.atoms.inputs(v)
            else:
                names.add(v)
        names -= skip
        box = {v: Interval.point(self.leaf_ref[v]) if v in held else self.leaf_box[v] for v in names}
        return box, {v: self.leaf_ref[v] for v in names}

    def value_at(self, sym: Rat, point: dict) -> Fraction:
        return poly.r_evaluate(sym, point, self.atoms)

    def accepted_range(self, input_id: str, x: Fraction) -> Interval:
        """What a target of x accepts for this input (with its comparator)."""
        if self.plan.nodes[input_id].target.comparator == "<=":
            return Interval(-INF if x < 0 else Fraction(0), x)
        return Interval(x, INF)

    def proof_with(self, nid: str, changes: dict) -> Verdict:
        """The node's proof again with some inputs' targets changed (input id -> new target)."""
        held = self.held.get(nid, frozenset())
        return self.proof_with_ranges(nid, {v: Interval.point(x) if v in held else self.accepted_range(v, x)
                                            for v, x in changes.items()}, changes)

    def proof_with_ranges(self, nid: str, ranges: dict, refs: dict | None = None) -> Verdict:
        """The node's proof again with some inputs accepting other ranges (and other targets, `refs`)."""
        out = self.outcomes[nid]
        if not self.expanded(nid):
            return Verdict("unknown", reason="size")
        box = {**out.box, **ranges}
        ref = {**out.ref, **(refs or {})}
        ref = {v: x if rng.lo <= x <= rng.hi else (rng.lo if not isinstance(rng.lo, float) else rng.hi)
               for v, x, rng in ((v, ref[v], box[v]) for v in box)}
        return self._corner(out, box) or self._untie(nid, prove(out.sym, out.node.target.comparator, out.target, box, ref,
                                                                  self.atoms))

    def follows_target(self, nid: str, input_id: str) -> bool:
        """Whether the node's exact form reads the input as its target does when the target is edited:
        every month of it moving with the target. Not so for a goal compared month by month and an
        input whose months differ from its target (milestones, a ramp, a late start, a rate per day):
        its proof moves those months together (a floor's by one amount), which is no edit of the plan."""
        kind = self._timeline_kind.get(nid)
        out = self.outcomes.get(nid)
        return out is None or out.timeline is None or kind is None or input_id not in self._timed[kind]

    def passes_with(self, nid: str, changes: dict) -> bool:
        return self.proof_with(nid, changes).proven

    def slope(self, nid: str, input_id: str) -> int:
        """The sign of a node's formula's slope in one of its direct inputs over every accepted value:
        +1 rising, -1 falling, 0 when it is zero, changes sign or cannot be bounded.

        An input of the proof is judged in the expanded formula (an input used twice counts once, with
        its whole effect); a formula node among the direct inputs is judged with every direct input
        kept whole, each over the range its own formula can take."""
        out = self.outcomes.get(nid)
        if out is None or out.value is None or out.target is None:
            return 0
        if self._rising_by_structure(out.node):
            return 1  # the caller asks about an input the formula names
        if not self.expanded(nid):
            return 0
        try:
            kind = "expanded" if input_id in out.box else "direct"
            if kind == "expanded":
                f, box = out.sym, out.box
            else:
                f = self._direct_formula(out)
                if f is None:
                    return 0
            if self._rising(nid, f, kind):
                return 1 if input_id in f.variables() else 0
            if kind == "direct":
                box = self._direct_box(out, f)
                if box is None:
                    return 0
            if any(v.startswith("#") and input_id in self.atoms.inputs(v) for v in f.variables()):
                return 0
            slopes = self._slopes(nid, f, kind)
            dp = slopes[0].get(input_id, {})
            dq = slopes[1].get(input_id, {})
            if f.is_poly:
                rng = poly.interval(dp, box, self.atoms)
            elif (len(dp) + len(dq)) * (len(f.num) + len(f.den)) <= SMALL_PRODUCT:  # a cost threshold; pragma: no mutate
                # d(P/Q) = (P'Q - PQ') / Q², and Q² ≥ 0: exact where the products are small.
                top = poly.add(poly.mul(dp, f.den, self._spend), poly.mul(f.num, dq, self._spend), self._spend, -1)
                rng = poly.interval(top, box, self.atoms)
            else:
                # d(P/Q) = P'/Q - P·Q'/Q², bounded part by part (no product of polynomials is expanded).
                q = poly.interval(f.den, box, self.atoms)
                if q.lo <= 0 <= q.hi:
                    return 0
                rng = poly.interval(dp, box, self.atoms) / q - (poly.interval(f.num, box, self.atoms)
                                                                 * poly.interval(dq, box, self.atoms)) / (q * q)
        except (TooBig, _NoSym, ZeroDivisionError, EvalError):
            return 0
        if rng.lo >= 0 and rng.hi > 0:
            return 1
        if rng.hi <= 0 and rng.lo < 0:
            return -1
        return 0

    def _rising_by_structure(self, node: Node) -> bool:
        """Whether a formula is built only of +, ×, sum, min and max over non-negative numbers and
        inputs that can never be negative: it then rises with each of its inputs."""
        key = ("structure", node.id)
        if key not in self._slope_cache:
            ok = True
            for n in walk(node.formula):
                if isinstance(n, ast.Binary) and n.op not in "+*" or isinstance(n, ast.Negate) or isinstance(n, ast.Quantity) and n.number < 0:
                    ok = False
                elif isinstance(n, ast.Ref):
                    v = self.env.get(n.name.text)
                    ok = v is not None and v.rng is not None and v.rng.lo >= 0
                if not ok:
                    break
            self._slope_cache[key] = ok
        return self._slope_cache[key]

    def _rising(self, nid: str, f: Rat, kind: str) -> bool:
        """Whether f is a polynomial with positive coefficients in non-negative inputs (a funnel or a
        sum): then it rises with every input it has, and no slope needs bounding."""
        key = (nid, kind, "rising")
        if key not in self._slope_cache:
            self._slope_cache[key] = (f.is_poly and all(c > 0 for c in f.num.values())
                                      and all(self._non_negative(v) for v in poly.variables(f.num)))
        return self._slope_cache[key]

    def _non_negative(self, name: str) -> bool:
        """Whether an input, or a formula node's expansion, can never be negative (found without bounding it)."""
        if name.startswith("#"):
            return False
        if name in self.leaf_box:
            return self.leaf_box[name].lo >= 0
        key = ("non-negative", name)
        if key not in self._slope_cache:
            sym = self.sym.get(name)
            self._slope_cache[key] = (sym is not None and sym.is_poly and all(c > 0 for c in sym.num.values())
                                      and all(self._non_negative(v) for v in poly.variables(sym.num)))
        return self._slope_cache[key]

    def _slopes(self, nid: str, f: Rat, kind: str) -> tuple[dict, dict]:
        """Every partial derivative of f's numerator and denominator, made in one pass (cached)."""
        key = (nid, kind)
        cached = self._slope_cache.get(key)
        if cached is None:
            cached = self._slope_cache[key] = (poly.derivatives(f.num), poly.derivatives(f.den))
        return cached

    def _direct_formula(self, out: Outcome) -> Rat | None:
        """A node's formula over its direct inputs, each kept whole."""
        key = ("direct", out.node.id)
        if key not in self._direct_cache:
            names = frozenset(refs_of(out.node.formula)) - set(self.plan.params)
            try:
                f = self.rat(out.node.formula, opaque=names)
                self._direct_cache[key] = poly.r_scale(f, out.factor) if out.factor != 1 else f
            except (TooBig, _NoSym, ZeroDivisionError, EvalError):
                self._direct_cache[key] = None
        return self._direct_cache[key]

    def _direct_box(self, out: Outcome, f: Rat) -> dict | None:
        """The range each direct input can take, over every value the plan's inputs accept."""
        key = ("box", out.node.id)
        if key not in self._direct_cache:
            held = self.held.get(out.node.id, frozenset())
            box = {}
            try:
                names = set()
                for name in f.variables():
                    names |= self.atoms.inputs(name) if name.startswith("#") else {name}
                for name in names:
                    source = self.sym_of(name)
                    if source is None:
                        raise KeyError(name)
                    inner, _ = self.box_for(source)
                    inner.update((v, Interval.point(self.leaf_ref[v])) for v in inner if v in held)
                    box[name] = poly.r_interval(source, inner, self.atoms)
                self._direct_cache[key] = box
            except (KeyError, ZeroDivisionError):
                self._direct_cache[key] = None
        return self._direct_cache[key]

    def inputs(self, nid: str) -> list[str]:
        """The inputs of a node's proof, in the order the formulas mention them."""
        out = self.outcomes[nid]
        if not self.expanded(nid):
            return []
        order: dict[str, None] = {}
        stack = list(reversed(refs_of(out.node.formula)))
        seen = set()
        while stack:  # depth first, in the order the formulas are written
            ref = stack.pop()
            if ref in out.box:
                order.setdefault(ref, None)
            else:
                node = self.plan.nodes.get(ref)
                if node is not None and node.formula is not None and ref not in seen:
                    seen.add(ref)
                    stack.extend(reversed(refs_of(node.formula)))
        order.update((v, None) for v in sorted(out.box))
        return list(order)

    def solve(self, nid: str, input_id: str) -> Fraction | None:
        """A target for one input that alone makes the node's target proven (verified by the proof),
        searched from the failing witness: a floor input upwards, a ceiling input downwards."""
        out = self.outcomes[nid]
        verdict = out.verdict
        if not self.expanded(nid) or verdict is None or verdict.witness is None or input_id not in out.box:
            return None
        witness = verdict.witness
        for _ in range(SOLVE_ROUNDS):
            x = self._root(out, input_id, witness)
            if x is None:
                return None
            self._proofs[nid] = self._proofs.get(nid, 0) + 1
            if self._proofs[nid] > MAX_PROOFS:
                return None  # the node's help has had its share of proofs
            again = self.proof_with(nid, {input_id: x})
            if again.proven:
                return x
            if again.witness is None:
                return None
            witness = again.witness
        return None

    def _root(self, out: Outcome, v: str, witness: dict) -> Fraction | None:
        """The value of v, beyond its target in the direction that narrows what it accepts, at which the
        goal is met with every other input as in the witness."""
        others = {k: x for k, x in witness.items() if k != v}
        try:
            num = poly.substitute(out.sym.num, others, self._spend)
            den = poly.substitute(out.sym.den, others, self._spend)
        except TooBig:
            return None
        comparator = out.node.target.comparator
        target = out.target
        # With a min or max left in, each try evaluates the whole formula; without, the one-input remainder.
        atoms = any(name.startswith("#") for name in poly.variables(num) | poly.variables(den))

        def meets(x: Fraction) -> bool:
            # With min or max, each try costs the whole formula; a node's tries are bounded over all its
            # inputs, so that the help for a large formula with min and max does not take minutes.
            if atoms:  # without min or max, a try evaluates a polynomial in v alone: cheap
                self._tries[out.node.id] = self._tries.get(out.node.id, 0) + 1
                if self._tries[out.node.id] > MAX_TRIES:
                    raise TooBig()
            point = {**others, v: x} if atoms else {v: x}
            memo: dict = {}
            try:
                d = poly.evaluate(den, point, self.atoms, memo)
                if d == 0:
                    return False
                y = poly.evaluate(num, point, self.atoms, memo) / d
            except ZeroDivisionError:  # a min or max with a divisor at zero there
                return False
            return y <= target if comparator == "<=" else y >= target

        try:
            return self._search(out, v, num, den, atoms, meets)
        except TooBig:
            return None

    def _search(self, out: Outcome, v: str, num, den, atoms: bool, meets) -> Fraction | None:
        """From v's target outwards until `meets`, then bisection back (exact when linear in v)."""
        target = out.target
        x0 = out.ref[v]
        upward = self.plan.nodes[v].target.comparator != "<="
        # Linear in v (num - target·den = a·v + b): the exact root.
        line = {} if atoms else poly.collect(poly.add(num, poly.scale(den, target), self._spend, -1), v)
        if set(line) <= {0, 1} and 1 in line and all(set(c) <= {()} for c in line.values()):
            a = line[1].get((), Fraction(0))
            b = line.get(0, {}).get((), Fraction(0))
            root = -b / a
            if (root > x0 if upward else root < x0) and meets(root):
                return root
        fail, passing = x0, None
        step = max(abs(x0), Fraction(1))
        for _ in range(SEARCH_STEPS):
            if upward:
                candidate = fail + step
            elif x0 > 0:
                candidate = fail / 2 if fail > NEAR_ZERO * x0 else Fraction(0)
            else:
                candidate = fail - step
            if meets(candidate):
                passing = candidate
                break
            if not upward and x0 > 0 and candidate == 0:
                return None
            fail, step = candidate, step * 2
        if passing is None:
            return None
        for _ in range(BISECTIONS):
            mid = (fail + passing) / 2
            if mid.denominator > BIG_DENOMINATOR:
                mid = mid.limit_denominator(LIMIT)
            if meets(mid):
                passing = mid
            else:
                fail = mid
        return passing

    # ------------------------------------------------------------- asserts

    def _assert(self, stmt: ast.Assert) -> AssertOutcome:
        out = AssertOutcome(stmt)
        if any(isinstance(n, ast.Ref) and n.name.text in self.ctx.cyclic for side in (stmt.left, stmt.right) for n in walk(side)):
            return out
        try:
            left = self.evaluator().eval(stmt.left)
            right = self.evaluator().eval(stmt.right)
        except EvalError as exc:
            out.error = exc
            return out
        out.left, out.right = left, right
        if left.dim != right.dim:
            out.mismatch = (left.dim, right.dim)
            return out
        a, b = left.rng, right.rng
        if {">=": a.lo >= b.hi, ">": a.lo > b.hi, "<=": a.hi <= b.lo, "<": a.hi < b.lo,
                "==": a.is_point and b.is_point and a.lo == b.lo}[stmt.op]:
            out.verdict = Verdict("proven")
            return out
        try:
            sides = (self.rat(stmt.left), self.rat(stmt.right))
            diff = poly.r_add(sides[0], sides[1], self._spend, -1)
        except (TooBig, _NoSym, ZeroDivisionError, EvalError):
            out.verdict = Verdict("unknown", reason="size")
            out.holds = False
            return out
        held = frozenset().union(*(self.held.get(r, frozenset()) for side in (stmt.left, stmt.right) for r in refs_of(side)))
        out.sides = sides
        out.box, out.ref = self.box_for(diff, held)
        zero = Fraction(0)
        if stmt.op == "==":
            out.verdict = prove(diff, ">=", zero, out.box, out.ref, self.atoms)
            if out.verdict.proven:
                out.verdict = prove(diff, "<=", zero, out.box, out.ref, self.atoms)
        else:
            out.verdict = prove(diff, stmt.op, zero, out.box, out.ref, self.atoms)
        out.holds = out.verdict.proven
        return out


def refs_of(expr) -> list[str]:
    return [n.name.text for n in walk(expr) if isinstance(n, ast.Ref)]


def _terms(node) -> list:
    """A chain of + and - as (sign, operand) pairs, without recursion on its length."""
    out = []
    stack = [(1, node)]
    while stack:
        sign, n = stack.pop()
        while isinstance(n, ast.Group):
            n = n.inner
        if isinstance(n, ast.Binary) and n.op in "+-":
            stack.append((sign * (-1 if n.op == "-" else 1), n.right))
            stack.append((sign, n.left))
        else:
            out.append((sign, n))
    return out


def _factors(node) -> list:
    out = []
    stack = [node]
    while stack:
        n = stack.pop()
        while isinstance(n, ast.Group):
            n = n.inner
        if isinstance(n, ast.Binary) and n.op == "*":
            stack.append(n.right)
            stack.append(n.left)
        else:
            out.append(n)
    return out
