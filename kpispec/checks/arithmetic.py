"""The plan's arithmetic, computed once and read by the 3xx checks.

Every formula is evaluated twice over: at its inputs' targets (the value the plan
implies) and over every value the inputs' targets accept (interval arithmetic), in
base units. A node's target is proven when the whole accepted range meets it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from ..dimension import PER_TIME, Dim
from ..evaluate import EvalError, Evaluator, Val, accepted, base
from ..interval import INF, Interval
from ..ir import Node
from ..resolve import normalise, walk
from ..syntax import ast


def polarities(expr):
    """Each reference in a formula with its polarity: +1 where a larger value raises the result,
    -1 where it lowers it; and whether it sits in a divisor."""
    out = []
    stack = [(expr, 1, False)]
    while stack:
        node, sign, divisor = stack.pop()
        if isinstance(node, ast.Ref):
            out.append((node, sign, divisor))
        elif isinstance(node, ast.Binary):
            flip = -1 if node.op in "-/" else 1
            stack.append((node.right, sign * flip, divisor or node.op == "/"))
            stack.append((node.left, sign, divisor))
        elif isinstance(node, ast.Negate):
            stack.append((node.operand, -sign, divisor))
        elif isinstance(node, ast.Group):
            stack.append((node.inner, sign, divisor))
        elif isinstance(node, ast.Call):
            stack.extend((a, sign, divisor) for a in reversed(node.args))
    return out


def held_at_target(node, nodes) -> set[str]:
    """Inputs that should grow but sit in a divisor: `purchases / sessions` defines a rate, and its
    denominator is a planned volume, not a lever to push without limit. The proof holds them at
    their targets instead of letting them grow."""
    held = set()
    if node.target is None or not node.target.value.percent:
        return held  # only a rate's definition (a percentage) holds its denominator
    for ref, sign, divisor in polarities(node.formula):
        source = nodes.get(ref.name.text)
        if divisor and source is not None and source.target is not None and source.target.direction == "up":
            held.add(ref.name.text)
    return held


def months_inclusive(start: date, end: date) -> int:
    """Calendar months from start to end, both counted: 2026-04-01 to 2026-12-31 is 9."""
    return (end.year - start.year) * 12 + end.month - start.month + 1


@dataclass
class Window:
    start: date
    end: date
    months: int

    @property
    def years(self) -> Fraction:
        return Fraction(self.months, 12)


@dataclass
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


@dataclass
class AssertOutcome:
    stmt: ast.Assert
    left: Val | None = None
    right: Val | None = None
    error: EvalError | None = None
    mismatch: tuple[Dim, Dim] | None = None
    holds: bool = True


class Arithmetic:
    def __init__(self, ctx):
        self.ctx = ctx
        self.plan = ctx.plan
        self.env: dict[str, Val] = {}
        self.param_errors: dict[str, EvalError] = {}
        self.outcomes: dict[str, Outcome] = {}
        self.asserts: list[AssertOutcome] = []
        self._slices: dict[str, Sliced] = {}
        self._evaluate()

    def literal(self, q: ast.Quantity):
        return normalise(self.plan.source, q)

    def evaluator(self, env=None) -> Evaluator:
        return Evaluator(self.env if env is None else env, self.literal)

    def _evaluate(self) -> None:
        graph = self.ctx.graph
        for nid in graph.evaluation_order(self.ctx.cyclic):
            if nid in self.plan.params:
                try:
                    self.env[nid] = self.evaluator().eval(self.plan.params[nid].expr)
                except EvalError as exc:
                    self.param_errors[nid] = exc
                continue
            node = self.plan.nodes[nid]
            if node.target is not None:
                try:
                    self.env[nid] = accepted(node.target.value, node.target.comparator)
                except EvalError:
                    pass
            if node.formula is not None:
                outcome = self._outcome(node)
                self.outcomes[nid] = outcome
                if node.target is None and outcome.value is not None and outcome.error is None:
                    self.env[nid] = outcome.value
        for stmt in self.plan.asserts:
            self.asserts.append(self._assert(stmt))

    # --------------------------------------------------------------- nodes

    def window_bounds(self, node: Node) -> tuple[date | None, date | None]:
        """From the node's start (or the plan's) to its deadline (or the plan's end)."""
        info = self.plan.info
        start = node.start or (info.period_start if info else None)
        end = node.deadline or (info.period_end if info else None)
        return start, end

    def window(self, node: Node) -> Window | None:
        start, end = self.window_bounds(node)
        if start is None or end is None or end < start:
            return None
        return Window(start, end, months_inclusive(start, end))

    def formula_env(self, node: Node) -> dict:
        """The environment a node's formula is proved in: growth inputs in a divisor held at target."""
        held = held_at_target(node, self.plan.nodes)
        if not held:
            return self.env
        env = dict(self.env)
        for nid in held:
            if nid in env:
                v = env[nid]
                env[nid] = Val(Interval.point(v.pt), v.pt, v.dim)
        return env

    def _outcome(self, node: Node) -> Outcome:
        out = Outcome(node)
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
            if val.dim == tdim * PER_TIME or val.dim * PER_TIME == tdim:
                out.conversion = "rate-to-total" if val.dim == tdim * PER_TIME else "total-to-rate"
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
        if node.target.comparator == "<=":
            out.proven = out.value.rng.hi <= target
        else:
            out.proven = out.value.rng.lo >= target
        return out

    def _sliced(self, node: Node) -> "Sliced":
        """The node's formula prepared for evaluation with one input changed at a time (after
        `_evaluate`, and only for a node whose formula evaluated)."""
        sliced = self._slices.get(node.id)
        if sliced is None:
            env = self.formula_env(node)
            sliced = self._slices[node.id] = Sliced(node.formula, self.evaluator(env), held_at_target(node, self.plan.nodes))
        return sliced

    def solve(self, node: Node, input_id: str) -> tuple[Fraction, int] | None:
        """The value of one input that alone makes the node meet its target, with the slope's sign."""
        outcome = self.outcomes[node.id]
        target = outcome.target
        current = self.env[input_id]
        at = self._sliced(node).varying(input_id)

        def f(x: Fraction) -> Fraction:
            return at(Val(Interval.point(x), x, current.dim)).pt * outcome.factor

        try:
            x0 = current.pt
            x1 = x0 * 2 if x0 != 0 else Fraction(1)
            f0, f1 = f(x0), f(x1)
        except (EvalError, ZeroDivisionError, OverflowError):
            return None
        if f0 == f1:
            return None
        sign = 1 if f1 > f0 else -1
        for x in self._exact_candidates(x0, x1, f0, f1, target):
            try:
                if x > 0 and f(x) == target:
                    return x, sign
            except (EvalError, ZeroDivisionError, OverflowError):
                continue
        try:
            found = self._bisect(f, x0, target, increasing=f1 > f0, ceiling=node.target.comparator == "<=")
        except (EvalError, ZeroDivisionError, OverflowError):
            return None
        return None if found is None else (found, sign)

    @staticmethod
    def _exact_candidates(x0, x1, f0, f1, target):
        """Exact solutions when the formula is linear in the input (a·x + b) or in its
        reciprocal (a/x + b, an input in a divisor); each is verified by the caller."""
        slope = (f1 - f0) / (x1 - x0)
        yield x0 + (target - f0) / slope
        if x0 != 0:
            b = (f0 - f1) / (1 / x0 - 1 / x1)
            a = f0 - b / x0
            if target != a:
                yield b / (target - a)

    def closes_gap(self, node: Node, input_id: str, x: Fraction) -> bool:
        """Whether moving one input's target to x proves the node's target (over ranges, not just at targets)."""
        outcome = self.outcomes[node.id]
        source = self.plan.nodes[input_id]
        current = self.env[input_id]
        lo, hi = (min(Fraction(0), x), x) if source.target.comparator == "<=" else (x, INF)
        sliced = self._sliced(node)
        if input_id in sliced.held:
            lo, hi = x, x
        try:
            rng = sliced.varying(input_id)(Val(Interval(lo, hi), x, current.dim)).rng.scale(outcome.factor)
        except (EvalError, ZeroDivisionError):
            return False
        if node.target.comparator == "<=":
            return rng.hi <= outcome.target
        return rng.lo >= outcome.target

    @staticmethod
    def _bisect(f, x0: Fraction, target: Fraction, increasing: bool, ceiling: bool) -> Fraction | None:
        """For non-linear formulas (an input in a divisor): the input value where the node just
        meets its target, found by bisection between a failing and a passing value. The
        passing end is returned, so the value always closes the gap."""

        def meets(x: Fraction) -> bool:
            v = f(x)
            return v <= target if ceiling else v >= target

        upward = increasing != ceiling  # whether a larger input helps
        fail = x0
        if meets(fail):
            return None
        passing = None
        step = x0 if x0 > 0 else Fraction(1)
        for _ in range(200):
            candidate = fail + step if upward else fail / 2
            if candidate <= 0:
                return None
            if meets(candidate):
                passing = candidate
                break
            if upward:
                fail, step = candidate, step * 2
            else:
                fail = candidate
        if passing is None:
            return None
        for _ in range(64):
            mid = (fail + passing) / 2
            if mid.denominator > 2**80:
                mid = mid.limit_denominator(2**60)
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
        op = stmt.op
        if op == ">=":
            out.holds = a.lo >= b.hi
        elif op == ">":
            out.holds = a.lo > b.hi
        elif op == "<=":
            out.holds = a.hi <= b.lo
        elif op == "<":
            out.holds = a.hi < b.lo
        else:
            out.holds = a.is_point and b.is_point and a.lo == b.lo
        return out


# ------------------------------------------------------------- one input at a time


def _children(node) -> tuple:
    if isinstance(node, ast.Binary):
        return (node.left, node.right)
    if isinstance(node, ast.Negate):
        return (node.operand,)
    if isinstance(node, ast.Group):
        return (node.inner,)
    if isinstance(node, ast.Call):
        return node.args
    return ()


def _combine(function: str, a: Val | None, b: Val) -> Val:
    """Two arguments of sum, min or max folded as Evaluator._call folds them (in any order: the
    arithmetic is exact, and so commutative and associative)."""
    if a is None:
        return b
    if function == "sum":
        return Val(a.rng + b.rng, a.pt + b.pt, a.dim)
    if function == "min":
        return Val(a.rng.minimum(b.rng), min(a.pt, b.pt), a.dim)
    return Val(a.rng.maximum(b.rng), max(a.pt, b.pt), a.dim)


class Sliced:
    """A node's formula, evaluated with one input changed at a time: the inputs' "any one of
    these alone closes the gap" values are solved for by evaluating it again and again (up to
    about 260 times per input when bisecting).

    Every part that does not contain the changed input keeps the value it has at the targets,
    computed once for all inputs; a sum, min or max keeps its other arguments folded (from
    prefix and suffix folds made once per call). One evaluation then costs the path from the
    top of the formula to the input's uses, not the whole formula: a sum of 16,000 KPIs costs
    a few additions per try instead of 16,000. Only for a formula that evaluated at the targets,
    so that no part of it fails and its units agree whatever value the input takes.
    """

    def __init__(self, formula, evaluator: Evaluator, held: set[str]):
        self.formula = formula
        self.base = evaluator
        self.held = held
        self.parents: dict[int, object] = {}
        self.uses: dict[str, list[ast.Ref]] = {}
        stack = [formula]
        while stack:
            node = stack.pop()
            for child in _children(node):
                self.parents[id(child)] = node
                stack.append(child)
            if isinstance(node, ast.Ref):
                self.uses.setdefault(node.name.text, []).append(node)
        self._values: dict[int, Val] = {}
        self._folds: dict[int, tuple[list, list]] = {}
        self._functions: dict[str, OneInput] = {}

    def value(self, node) -> Val:
        """A part's value at the targets."""
        value = self._values.get(id(node))
        if value is None:
            value = self._values[id(node)] = self.base.eval(node)
        return value

    def others(self, call: ast.Call, positions: list[int]) -> Val | None:
        """The fold of a call's arguments except those at `positions` (sorted), at the targets."""
        function = call.function.text
        if positions == list(range(positions[0], positions[-1] + 1)):
            folds = self._folds.get(id(call))
            if folds is None:
                values = [self.value(a) for a in call.args]
                prefix, suffix = [None], [None]
                for v in values:
                    prefix.append(_combine(function, prefix[-1], v))
                for v in reversed(values):
                    suffix.append(_combine(function, suffix[-1], v))
                suffix.reverse()
                folds = self._folds[id(call)] = (prefix, suffix)
            prefix, suffix = folds
            before, after = prefix[positions[0]], suffix[positions[-1] + 1]
            return before if after is None else _combine(function, before, after)
        skip = set(positions)
        folded = None
        for i, arg in enumerate(call.args):
            if i not in skip:
                folded = _combine(function, folded, self.value(arg))
        return folded

    def varying(self, input_id: str) -> "OneInput":
        """The formula as a function of one input's Val."""
        function = self._functions.get(input_id)
        if function is None:
            function = self._functions[input_id] = OneInput(self, input_id)
        return function


class OneInput(Evaluator):
    """Evaluator of a Sliced formula in which only one input changes."""

    def __init__(self, sliced: Sliced, input_id: str):
        super().__init__(sliced.base.env, sliced.base.literal)
        self.sliced = sliced
        self.input_id = input_id
        self.current: Val | None = None
        self.path: set[int] = set()  # the input's uses and every part above them
        for ref in sliced.uses.get(input_id, ()):
            node = ref
            while node is not None and id(node) not in self.path:
                self.path.add(id(node))
                node = sliced.parents.get(id(node))
        self._calls: dict[int, tuple] = {}

    def __call__(self, value: Val) -> Val:
        self.current = value
        return self.eval(self.sliced.formula)

    def eval(self, node) -> Val:
        if id(node) not in self.path:
            return self.sliced.value(node)
        if isinstance(node, ast.Ref):
            return self.current
        return super().eval(node)  # a group, negation, operator or call on the path

    def _call(self, node: ast.Call) -> Val:
        plan = self._calls.get(id(node))
        if plan is None:
            positions = [i for i, a in enumerate(node.args) if id(a) in self.path]
            # The input itself as an argument, maybe many times (`sum(a, a, a, …)`): counted, not repeated.
            bare = sum(1 for i in positions if isinstance(node.args[i], ast.Ref))
            deeper = [node.args[i] for i in positions if not isinstance(node.args[i], ast.Ref)]
            plan = self._calls[id(node)] = (self.sliced.others(node, positions), bare, deeper)
        folded, bare, deeper = plan
        function = node.function.text
        if bare:
            v = self.current
            if function == "sum" and bare > 1:
                v = Val(Interval(v.rng.lo * bare, v.rng.hi * bare), v.pt * bare, v.dim)
            folded = _combine(function, folded, v)
        for arg in deeper:
            folded = _combine(function, folded, self.eval(arg))
        return folded
