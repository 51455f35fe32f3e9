"""Verdicts are proofs, checked against an evaluator written here, independently of kpispec.

Hypothesis generates plans with inputs used more than once, subtraction, division, min and max,
floors and ceilings (some below zero), params, and formula KPIs between the inputs and the goal.
For every node with a formula and a target:
- an error (KPI301) has a witness: each input meets its own target, and the goal computed here
  with Fraction from that witness misses the target;
- a pass survives random sampling of values the inputs' targets accept;
- every fix in the help, applied to the plan text as shown, makes the node pass when re-checked;
- "cannot prove" (KPI310) is the only other outcome, and never an error.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import timedelta
from fractions import Fraction

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import examples as capped
from kpispec import api
from kpispec.checks.base import Context

INPUTS = ["a", "b", "c", "d"]
PARAMS = ["k"]


# ------------------------------------------------------------------ generated plans


@dataclass(frozen=True)
class Target:
    comparator: str  # ">=" or "<="
    value: int

    def accepts(self, x: Fraction) -> bool:
        if self.comparator == ">=":
            return x >= self.value
        return x <= self.value and (self.value < 0 or x >= 0)  # a ceiling at or above zero: never negative

    def text(self) -> str:
        return f"{self.comparator} {self.value}"


def expression(rng: random.Random, names: list[str], depth: int) -> str:
    roll = rng.random()
    if depth == 0 or roll < 0.25:
        return rng.choice(names) if rng.random() < 0.8 else str(rng.randint(1, 9))
    if roll < 0.8:
        op = rng.choice(["+", "-", "*", "/"])
        return f"({expression(rng, names, depth - 1)} {op} {expression(rng, names, depth - 1)})"
    return f"{rng.choice(['min', 'max'])}({expression(rng, names, depth - 1)}, {expression(rng, names, depth - 1)})"


def plan_from(seed: int):
    """A plan drawn from one seed (plain random choices: hypothesis then varies and reports the seed).
    Half the goals are one operation on two inputs, where a wrong bound of a single primitive shows;
    half the targets sit next to what the inputs' targets imply, where a wrong bound flips the verdict."""
    rng = random.Random(seed)
    targets = {name: Target(rng.choice([">=", ">=", "<="]), rng.randint(-20, 40)) for name in INPUTS}
    if rng.random() < 0.5:
        for name in targets:  # mostly non-negative, as most KPIs are
            targets[name] = Target(targets[name].comparator, abs(targets[name].value))
    param = rng.randint(1, 9)
    mid = expression(rng, INPUTS + PARAMS, 1)
    mid_target = (rng.choice([">=", "<="]), rng.randint(-50, 200)) if rng.random() < 0.5 else None
    if rng.random() < 0.5:
        a, b = rng.choice(INPUTS[:3]), rng.choice(INPUTS[:3])
        goal = rng.choice([f"({a} {op} {b})" for op in "+-*/"] + [f"{f}({a}, {b})" for f in ("min", "max")])
    else:
        goal = expression(rng, INPUTS + PARAMS + ["m"], 3)
    goal_target = (rng.choice([">=", "<="]), rng.randint(-100, 400))
    case = (targets, param, mid, mid_target, goal, goal_target)
    if rng.random() < 0.6:
        try:
            at_targets = {n: Fraction(t.value) for n, t in targets.items()}
            if mid_target is not None:
                m = node_values(case, at_targets, "m")["m"]
                mid_target = (mid_target[0], int(m) + rng.randint(-3, 3))
            goal_target = (goal_target[0], int(node_values(case, at_targets)["g"]) + rng.randint(-3, 3))
        except Undefined:
            pass
    return targets, param, mid, mid_target, goal, goal_target


def plans():
    return st.integers(0, 2**32 - 1).map(plan_from)


def render(targets, param, mid, mid_target, goal, goal_target) -> str:
    lines = ['plan p "計画" { period 2026-04-01 to 2027-03-31 }', f"param k = {param}"]
    lines.append(f'kgi g "G" {{\n  target {goal_target[0]} {goal_target[1]}\n  formula {goal}\n}}')
    mt = f"  target {mid_target[0]} {mid_target[1]}\n" if mid_target else ""
    lines.append(f'kpi m "M" {{\n{mt}  formula {mid}\n}}')
    for name, t in targets.items():
        lines.append(f'kpi {name} "{name.upper()}" {{ target {t.text()} }}')
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------ an evaluator of our own


class Undefined(Exception):
    pass


def evaluate(text: str, values: dict) -> Fraction:
    """Evaluate a formula as generated above (fully parenthesised), with exact fractions."""
    tokens = re.findall(r"min|max|[A-Za-z_]\w*|\d+|[-+*/(),]", text)
    pos = 0

    def take():
        nonlocal pos
        pos += 1
        return tokens[pos - 1]

    def term() -> Fraction:
        tok = take()
        if tok in ("min", "max"):
            take()  # (
            a = expr()
            take()  # ,
            b = expr()
            take()  # )
            return min(a, b) if tok == "min" else max(a, b)
        if tok == "(":
            a = expr()
            take()  # )
            return a
        if tok.isdigit():
            return Fraction(int(tok))
        return values[tok]

    def expr() -> Fraction:
        a = term()
        while pos < len(tokens) and tokens[pos] in "+-*/":
            op = take()
            b = term()
            if op == "+":
                a = a + b
            elif op == "-":
                a = a - b
            elif op == "*":
                a = a * b
            else:
                if b == 0:
                    raise Undefined()
                a = a / b
        return a

    return expr()


def node_values(case, inputs: dict, nid: str = "g") -> dict:
    """The inputs, the param, `m` and (for nid "g") the goal, exactly."""
    targets, param, mid, _, goal, _ = case
    values = {**inputs, "k": Fraction(param)}
    values["m"] = evaluate(mid, values) if re.search(r"\bm\b", goal) or nid == "m" else None
    if nid == "g":
        values["g"] = evaluate(goal, values)
    return values


def meets(x: Fraction, comparator: str, target) -> bool:
    return x >= target if comparator == ">=" else x <= target


def sample(t: Target, rng: random.Random) -> Fraction:
    """A value the target accepts: at it, near it, or far beyond it."""
    step = Fraction(rng.choice([0, 0, 1, 3, 10, 1000, 10**6]), rng.choice([1, 1, 2, 7]))
    if t.comparator == ">=":
        return t.value + step
    if t.value >= 0:
        return max(Fraction(0), t.value - step) if rng.random() < 0.8 else Fraction(rng.randint(0, t.value * 7), 7)
    return t.value - step


# ------------------------------------------------------------------ the properties


def proof_settings(examples: int):
    return settings(max_examples=capped(examples), deadline=timedelta(seconds=20), derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


@proof_settings(250)
@given(plans())
def test_every_error_has_a_witness_and_every_pass_survives_sampling(case):
    targets, param, mid, mid_target, goal, goal_target = case
    text = render(*case)
    result = api.analyze_text("p.kpi", text)
    codes = {d.code for d in result.diagnostics}
    assert "KPI901" not in codes, [d.message.en for d in result.diagnostics]
    if result.plan is None or codes & {"KPI302", "KPI308", "KPI401"}:
        return  # a formula that cannot be evaluated at the targets (a zero divisor) is another rule's
    arithmetic = Context(result.plan).arithmetic
    goals = {"g": goal_target}
    if mid_target is not None:
        goals["m"] = mid_target
    errors = {d.span.start for d in result.diagnostics if d.code == "KPI301"}
    for nid, (comparator, target) in goals.items():
        outcome = arithmetic.outcomes[nid]
        verdict = outcome.verdict
        assert verdict is not None, (nid, text)
        if verdict.status == "refuted":
            assert outcome.node.target.span.start in errors, text
            witness = verdict.witness  # inputs it leaves out (none in a formula without inputs) are at their targets
            inputs = {name: Fraction(witness.get(name, t.value)) for name, t in targets.items()}
            for name, t in targets.items():
                assert t.accepts(inputs[name]), (name, inputs[name], t, text)
            try:
                value = node_values(case, inputs, nid)[nid]
            except Undefined:
                raise AssertionError(f"the witness divides by zero: {inputs}\n{text}") from None
            assert not meets(value, comparator, target), (nid, value, inputs, text)
        elif verdict.status == "proven":
            assert outcome.node.target.span.start not in errors, text
            rng = random.Random(text)
            for _ in range(60):
                inputs = {name: sample(t, rng) for name, t in targets.items()}
                try:
                    value = node_values(case, inputs, nid)[nid]
                except Undefined:
                    continue  # the formula is undefined there: no value to miss
                assert meets(value, comparator, target), (nid, value, inputs, text)
        else:
            assert outcome.node.target.span.start not in errors, text
            assert any(d.code == "KPI310" and d.span == outcome.node.target.span for d in result.diagnostics), text


FIX = re.compile(r"(\w+) ([≥≤]) (-?[\d,]+(?:\.\d+)?)(?: \(an input of `\w+`\))?")
FLIP = re.compile(r"make `(\w+)` a floor, `target (>=) (-?[\d,]+(?:\.\d+)?)`")


@proof_settings(120)
@given(plans())
def test_every_suggested_fix_passes_when_applied(case):
    text = render(*case)
    result = api.analyze_text("p.kpi", text)
    for d in result.diagnostics:
        if d.code != "KPI301" or d.help is None or "any one of these" not in d.help.en:
            continue
        node = "g" if d.span.start < text.index('kpi m "M"') else "m"
        fixes = FLIP.findall(d.help.en) + FIX.findall(d.help.en.split(": ", 1)[1])
        assert fixes, d.help.en
        for name, op, value in fixes:
            comparator = ">=" if op in ("≥", ">=") else "<="
            fixed = re.sub(rf'(kpi {name} "{name.upper()}" {{ target )[<>]=\s*-?\d+', rf"\g<1>{comparator} {value.replace(',', '')}",
                           text)
            assert fixed != text, (name, text)
            again = api.analyze_text("p.kpi", fixed)
            outcome = Context(again.plan).arithmetic.outcomes[node]
            assert outcome.verdict.proven, (name, op, value, d.help.en, fixed)
            others = [x for x in again.diagnostics if x.code in ("KPI207",)]
            assert not others, fixed


# ------------------------------------------------------------------ the classes of the issue, pinned


def verdict_of(body: str, nid: str):
    result = api.analyze_text("p.kpi", 'plan p "計画" { period 2026-04-01 to 2027-03-31 }\n' + body)
    return Context(result.plan).arithmetic.outcomes[nid].verdict, result


def test_a_witness_is_exact_where_the_minimum_is_at_a_corner():
    # profit = orders·aov − orders·cpa ≥ 3,100万: at the targets 10,000 × (8,000 − 5,000) = 3,000万 misses,
    # and that is the minimum (orders, aov at their floors, cpa at its ceiling).
    verdict, result = verdict_of(
        'kgi profit "利益" { target 3,100万円 per month formula orders * aov - orders * cpa }\n'
        'kpi orders "受注" { target 10,000件 per month }\nkpi aov "単価" { target 8,000円 }\n'
        'kpi cpa "CPA" { target <= 5,000円 }\n', "profit")
    assert verdict.status == "refuted"
    assert verdict.witness == {"orders": Fraction(10_000, 1) * 12, "aov": 8_000, "cpa": 5_000}  # per year in base units
    (error,) = [d for d in result.diagnostics if d.code == "KPI301"]
    assert "imply 30,000,000円 per month" in error.message.en
    # Any one of these alone is enough, each worked out by hand: 3,100万 / 3,000 = 10,333.3 orders,
    # 3,100万 / 10,000 + 5,000 = 8,100円, 8,000 − 3,100 = 4,900円.
    assert "orders ≥ 10,334件 per month, aov ≥ 8,100円, cpa ≤ 4,900円" in error.help.en


def test_an_unbounded_witness_pushes_a_negative_ceiling_out():
    verdict, result = verdict_of(
        'kgi profit "利益" { target 1億円 per year formula operating + fx_gain }\n'
        'kpi operating "営業利益" { target 2億円 per year }\nkpi fx_gain "為替差損益" { target <= -1,000万円 per year }\n',
        "profit")
    assert verdict.status == "refuted" and verdict.unbounded
    assert verdict.witness["fx_gain"] < -10**8  # below -1億: 2億 + fx_gain < 1億
    (error,) = [d for d in result.diagnostics if d.code == "KPI301"]
    assert "make `fx_gain` a floor, `target >= -1,000万円 per year`" in error.help.en


def _nested_minmax(k: int) -> str:
    e = "x1"
    for i in range(k):
        e = f"min({e}, max(x{i % 8}, c{i % 8}) - c{(i + 1) % 8})"
    return e


HOSTILE = {
    "a power far beyond any plan": " * ".join(["(x1 - c1)"] * 60),
    "a product of sums": " * ".join(f"(x{i % 8} + x{(i + 1) % 8} - c{i % 8})" for i in range(14)),
    "min and max nested 40 deep": _nested_minmax(40),
    "a sum of quotients": " + ".join(f"x{i} / (c{i} + x{(i + 1) % 8})" for i in range(6)),
}


def test_formulas_beyond_the_search_get_a_verdict_not_a_crash():
    """Expansions and searches are bounded: each gives an error with a witness, a pass or KPI310."""
    inputs = "".join(f'kpi x{i} "X" {{ target {i + 1} }}\n' for i in range(8))
    inputs += "".join(f'kpi c{i} "C" {{ target <= {i + 2} }}\n' for i in range(8))
    for name, formula in HOSTILE.items():
        for comparator in (">=", "<="):
            verdict, result = verdict_of(f'kgi g "G" {{ target {comparator} 1000 formula {formula} }}\n' + inputs, "g")
            codes = {d.code for d in result.diagnostics}
            assert "KPI901" not in codes, (name, [d.message.en for d in result.diagnostics if d.code == "KPI901"])
            assert verdict.status in ("proven", "refuted", "unknown"), name
            assert ("KPI301" in codes) == (verdict.status == "refuted") and ("KPI310" in codes) == (verdict.status == "unknown")
