"""Exact polynomials and rational functions (kpispec/analysis/poly.py) against a second, plainer
evaluation: random expression trees, each evaluated directly with Fraction at random points, and
built through poly's operations; the two must agree exactly. Ranges are checked for soundness at
sampled points and for exactness where the exact range is known by hand."""

from __future__ import annotations

import random
from fractions import Fraction as F

import pytest

from kpispec.analysis import poly
from kpispec.analysis.poly import Atoms, Budget, Rat, TooBig
from kpispec.interval import INF, Interval

VARS = ("x", "y", "z")


def tree(rng, depth):
    """A random expression: ("c", k) | ("v", name) | (op, a, b) with op in + - * ^ (a power)."""
    if depth == 0 or rng.random() < 0.3:
        if rng.random() < 0.4:
            return ("c", F(rng.randint(-5, 5), rng.choice([1, 1, 2, 3])))
        return ("v", rng.choice(VARS))
    op = rng.choice("+-*^")
    if op == "^":
        return ("^", tree(rng, depth - 1), rng.randint(0, 2))  # degrees stay within MAX_DEGREE
    return (op, tree(rng, depth - 1), tree(rng, depth - 1))


def direct(t, point):
    kind = t[0]
    if kind == "c":
        return t[1]
    if kind == "v":
        return point[t[1]]
    if kind == "^":
        return direct(t[1], point) ** t[2]
    a, b = direct(t[1], point), direct(t[2], point)
    return a + b if kind == "+" else a - b if kind == "-" else a * b


def d_direct(t, point, name):
    """The derivative of t in `name` at point, by the sum, product and power rules on the tree."""
    kind = t[0]
    if kind == "c":
        return F(0)
    if kind == "v":
        return F(1) if t[1] == name else F(0)
    if kind == "^":
        n = t[2]
        return n * direct(t[1], point) ** (n - 1) * d_direct(t[1], point, name) if n else F(0)
    da, db = d_direct(t[1], point, name), d_direct(t[2], point, name)
    if kind == "+":
        return da + db
    if kind == "-":
        return da - db
    return da * direct(t[2], point) + direct(t[1], point) * db


def build(t, budget):
    kind = t[0]
    if kind == "c":
        return poly.const(t[1])
    if kind == "v":
        return poly.var(t[1])
    if kind == "^":
        return poly.power(build(t[1], budget), t[2], budget)
    a, b = build(t[1], budget), build(t[2], budget)
    if kind == "+":
        return poly.add(a, b, budget)
    if kind == "-":
        return poly.add(a, b, budget, -1)
    return poly.mul(a, b, budget)


def points(rng, n=4):
    return [{v: F(rng.randint(-9, 9), rng.randint(1, 4)) for v in VARS} for _ in range(n)]


CASES = range(300)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_polynomials_agree_with_direct_evaluation(seed):
    rng = random.Random(seed)
    for _ in CASES:
        t = tree(rng, 4)
        p = build(t, Budget(10**6))
        assert all(c != 0 for c in p.values())  # a cancelled term is dropped, never kept as 0
        for m in p:
            assert list(m) == sorted(m) and all(e >= 1 for _, e in m) and len({v for v, _ in m}) == len(m)
        for point in points(rng):
            assert poly.evaluate(p, point) == direct(t, point), t
            for v in VARS:
                assert poly.evaluate(poly.derivative(p, v), point) == d_direct(t, point, v), (t, v)
                assert poly.evaluate(poly.derivatives(p).get(v, {}), point) == d_direct(t, point, v), (t, v)


@pytest.mark.parametrize("seed", [3, 4])
def test_substitution_and_collection_keep_the_value(seed):
    rng = random.Random(seed)
    for _ in CASES:
        t = tree(rng, 4)
        p = build(t, Budget(10**6))
        for point in points(rng, 2):
            some = {"x": point["x"], "z": point["z"]}
            rest = poly.substitute(p, some, Budget(10**6))
            assert poly.variables(rest) <= {"y"}
            assert poly.evaluate(rest, point) == direct(t, point)
            by_power = poly.collect(p, "y")
            assert sum(poly.evaluate(c, point) * point["y"] ** k for k, c in by_power.items()) == direct(t, point)
            assert all(not any(v == "y" for m in c for v, _ in m) for c in by_power.values())
            assert poly.scale(p, F(0)) == {}
            assert poly.evaluate(poly.scale(p, F(-3, 2)), point) == F(-3, 2) * direct(t, point)


@pytest.mark.parametrize("seed", [5, 6])
def test_rational_functions_agree_with_direct_evaluation(seed):
    rng = random.Random(seed)
    for _ in CASES:
        budget = Budget(10**7)
        ta, tb, tc = tree(rng, 3), tree(rng, 3), tree(rng, 3)
        a = Rat.of(build(ta, budget))
        b = Rat.of(build(tb, budget))
        c = Rat.of(build(tc, budget))
        try:
            q = poly.r_div(a, b, budget)
            r = poly.r_div(c, a, budget)
        except ZeroDivisionError:
            continue  # a divisor that is identically 0
        combos = {
            "a/b + c/a": poly.r_add(q, r, budget),
            "a/b - c/a": poly.r_add(q, r, budget, -1),
            "a/b * c/a": poly.r_mul(q, r, budget),
            "(a/b) / (c/a)": None,
            "sum": poly.r_sum([(1, q), (-1, r), (1, c)], budget),
            "neg": poly.r_neg(q),
            "scale": poly.r_scale(q, F(2, 3)),
        }
        try:
            combos["(a/b) / (c/a)"] = poly.r_div(q, r, budget)
        except ZeroDivisionError:
            del combos["(a/b) / (c/a)"]
        for point in points(rng, 3):
            av, bv, cv = direct(ta, point), direct(tb, point), direct(tc, point)
            if av == 0 or bv == 0:
                continue
            expected = {"a/b + c/a": av / bv + cv / av, "a/b - c/a": av / bv - cv / av, "a/b * c/a": cv / bv,
                        "(a/b) / (c/a)": (av / bv) / (cv / av) if cv else None, "sum": av / bv - cv / av + cv,
                        "neg": -av / bv, "scale": F(2, 3) * av / bv}
            for name, rat in combos.items():
                if expected[name] is None or poly.evaluate(rat.den, point) == 0:
                    continue
                assert poly.r_evaluate(rat, point, Atoms()) == expected[name], name
                lead = rat.den[max(rat.den)]
                assert lead == 1  # the denominator is normalised


def test_derivatives_drop_a_used_up_input_from_the_term():
    x, y = poly.var("x"), poly.var("y")
    xy2 = poly.mul(x, poly.mul(y, y, B), B)  # x·y²
    assert poly.derivative(xy2, "x") == {(("y", 2),): F(1)}
    assert poly.derivative(xy2, "y") == {(("x", 1), ("y", 1)): F(2)}
    assert poly.derivatives(xy2) == {"x": {(("y", 2),): F(1)}, "y": {(("x", 1), ("y", 1)): F(2)}}
    assert poly.derivative(x, "x") == poly.ONE and poly.derivatives(x) == {"x": {(): F(1)}}


B = Budget(10**9)


def test_normal_form_cancels_common_factors_and_scales_the_denominator():
    b = Budget(10**6)
    x, y = poly.var("x"), poly.var("y")
    # (2xy) / (4x) is y / 2: the common x cancels and the leading coefficient becomes 1
    r = poly.normal(poly.scale(poly.mul(x, y, b), F(2)), poly.scale(x, F(4)))
    assert r.num == {(("y", 1),): F(1, 2)} and r.den == poly.ONE and r.is_poly
    # (x²y) / (xy²) is x / y
    r = poly.normal(poly.mul(poly.mul(x, x, b), y, b), poly.mul(x, poly.mul(y, y, b), b))
    assert r.num == x and r.den == y
    assert poly.normal({}, y) == Rat({}, poly.ONE)
    assert poly.normal(x, x) == Rat(poly.ONE, poly.ONE)
    with pytest.raises(ZeroDivisionError):
        poly.normal(x, {})
    with pytest.raises(ZeroDivisionError):
        poly.r_div(Rat.of(x), Rat.of({}), b)
    s = poly.r_mul(Rat(x, y), Rat(y, x), b)  # a quotient times its inverse is 1
    assert s.constant() == 1


def test_constants_of_rationals():
    assert Rat.of({}).constant() == 0
    assert Rat.of(poly.const(F(7))).constant() == 7
    assert Rat.of(poly.var("x")).constant() is None
    assert Rat(poly.const(F(2)), poly.var("x")).constant() is None
    assert Rat(poly.const(F(2)), poly.var("x")).variables() == {"x"}
    assert not Rat(poly.const(F(2)), poly.var("x")).is_poly
    assert poly.const(F(0)) == {} and poly.const(F(1)) is poly.ONE and poly.const(F(3)) == {(): F(3)}


# ------------------------------------------------------------------ ranges

@pytest.mark.parametrize("lo,hi,n,expected", [
    (F(-2), F(3), 2, (F(0), F(9))),     # even power across 0: from 0
    (F(-3), F(2), 2, (F(0), F(9))),
    (F(-3), F(-2), 2, (F(4), F(9))),    # even power, all negative: the ends swap
    (F(-2), F(3), 3, (F(-8), F(27))),   # odd power keeps the order
    (F(2), F(3), 1, (F(2), F(3))),
    (F(1), INF, 2, (F(1), INF)),
    (-INF, F(-1), 3, (-INF, F(-1))),
    (-INF, F(-1), 2, (F(1), INF)),
    (-INF, F(2), 2, (F(0), INF)),
])
def test_powers_of_ranges(lo, hi, n, expected):
    got = poly.ipow(Interval(lo, hi), n)
    assert (got.lo, got.hi) == expected


@pytest.mark.parametrize("text_poly,box,expected", [
    # non-negative inputs: each term's range is its ends' product, exactly
    ({(("x", 1), ("y", 1)): F(2)}, {"x": (1, 3), "y": (2, 5)}, (F(4), F(30))),
    ({(("x", 2),): F(1), (("y", 1),): F(-1)}, {"x": (1, 3), "y": (2, 5)}, (F(1 - 5), F(9 - 2))),
    ({(("x", 1),): F(-2), (): F(7)}, {"x": (1, 3)}, (F(1), F(5))),
    ({(("x", 1),): F(3)}, {"x": (0, INF)}, (F(0), INF)),
    ({(("x", 1),): F(-3)}, {"x": (1, INF)}, (-INF, F(-3))),
    ({(("x", 1), ("y", 1)): F(1)}, {"x": (0, 0), "y": (1, INF)}, (F(0), F(0))),  # 0 × ∞ is 0 here
    # a negative input: interval arithmetic over the term
    ({(("x", 1), ("y", 1)): F(1)}, {"x": (-2, 3), "y": (1, 4)}, (F(-8), F(12))),
    ({(("x", 2),): F(1)}, {"x": (-2, 3)}, (F(0), F(9))),
    ({(("y", 1), ("x", 1)): F(1)}, {"x": (-2, 3), "y": (1, INF)}, (-INF, INF)),
])
def test_the_range_of_a_polynomial_over_a_box(text_poly, box, expected):
    b = {v: Interval(F(lo) if not isinstance(lo, float) else lo, F(hi) if not isinstance(hi, float) else hi)
         for v, (lo, hi) in box.items()}
    p = {tuple(sorted(m)): c for m, c in text_poly.items()}
    got = poly.interval(p, b)
    assert (got.lo, got.hi) == expected


@pytest.mark.parametrize("seed", [7, 8])
def test_every_value_over_the_box_is_inside_the_range(seed):
    rng = random.Random(seed)
    for _ in CASES:
        t = tree(rng, 3)
        p = build(t, Budget(10**6))
        box = {}
        for v in VARS:
            a, b = sorted(F(rng.randint(-6, 6), rng.randint(1, 3)) for _ in range(2))
            box[v] = Interval(a, b)
        rng_ = poly.interval(p, box)
        for _ in range(6):
            point = {v: box[v].lo + (box[v].hi - box[v].lo) * F(rng.randint(0, 4), 4) for v in VARS}
            assert rng_.lo <= direct(t, point) <= rng_.hi, (t, point)


def test_a_quotient_range_and_a_divisor_that_is_only_zero():
    x, y = poly.var("x"), poly.var("y")
    box = {"x": Interval(F(2), F(4)), "y": Interval(F(1), F(2))}
    got = poly.r_interval(Rat(x, y), box, Atoms())
    assert (got.lo, got.hi) == (F(1), F(4))
    got = poly.r_interval(Rat(x, y), {"x": Interval(F(2), F(4)), "y": Interval(F(0), F(0))}, Atoms())
    assert (got.lo, got.hi) == (-INF, INF)
    got = poly.r_interval(Rat(x, y), {"x": Interval(F(1), F(2)), "y": Interval(F(0), F(5))}, Atoms())
    assert (got.lo, got.hi) == (F(1, 5), INF)  # a divisor from 0: unbounded above only


def test_min_and_max_atoms():
    atoms = Atoms()
    x, y = Rat.of(poly.var("x")), Rat.of(poly.var("y"))
    lo = atoms.make("min", [x, y])
    hi = atoms.make("max", [x, Rat.of(poly.const(F(3)))])
    assert lo.variables() == {"#1"} and hi.variables() == {"#2"}
    nested = atoms.make("max", [lo, Rat.of(poly.var("z"))])
    assert atoms.inputs("#3") == {"x", "y", "z"}
    point = {"x": F(5), "y": F(2), "z": F(1)}
    assert atoms.value("#1", point) == 2 and atoms.value("#2", point) == 5 and atoms.value("#3", point) == 2
    assert atoms.value("#2", {"x": F(1)}) == 3
    box = {"x": Interval(F(1), F(6)), "y": Interval(F(2), F(4)), "z": Interval(F(0), F(5))}
    assert atoms.interval("#1", box) == Interval(F(1), F(4))
    assert atoms.interval("#2", box) == Interval(F(3), F(6))
    assert atoms.interval("#3", box) == Interval(F(1), F(5))
    # in a polynomial, an atom is a variable whose value and range the atoms give
    p = poly.add(poly.var("#1"), poly.var("#2"), Budget(100))
    assert poly.evaluate(p, point, atoms) == 7
    assert poly.interval(p, box, atoms) == Interval(F(4), F(10))
    assert nested.variables() == {"#3"}


# ------------------------------------------------------------------ budgets

def test_budgets_and_limits():
    b = Budget(5)
    b.spend(5)
    with pytest.raises(TooBig):
        b.spend(1)
    x = poly.var("x")
    assert poly.power(x, poly.MAX_DEGREE, Budget(10**6)) == {(("x", poly.MAX_DEGREE),): F(1)}
    with pytest.raises(TooBig):
        poly.power(x, poly.MAX_DEGREE + 1, Budget(10**6))
    # add spends one more than the smaller operand's terms; mul the product of the sizes plus one
    b = Budget(3)
    poly.add(x, poly.add(x, poly.var("y"), Budget(10)), b)  # 1 + 1
    assert b.left == 1
    b = Budget(10)
    poly.mul(poly.add(x, poly.var("y"), Budget(10)), poly.add(x, poly.var("z"), Budget(10)), b)  # 2 × 2 + 1
    assert b.left == 5
    b = Budget(10)
    poly.substitute(poly.add(x, poly.var("y"), Budget(10)), {"x": F(2)}, b)  # its terms plus one
    assert b.left == 7
    b = Budget(10)
    poly.r_sum([(1, Rat.of(poly.add(x, poly.var("y"), Budget(10)))), (-1, Rat.of(x))], b)  # each: its terms plus one
    assert b.left == 10 - 3 - 2
    # the degree limit holds for every input of a term, not only the first
    with pytest.raises(TooBig):
        poly.mul({(("x", 1), ("y", 9)): F(1)}, {(("y", 9),): F(1)}, Budget(100))
    # exactly MAX_TERMS terms is allowed, one more is not: by addition and by multiplication
    short = {((f"v{i}", 1),): F(1) for i in range(poly.MAX_TERMS - 1)}
    assert len(poly.add(short, poly.var("last"), Budget(10**9))) == poly.MAX_TERMS
    rows = {((f"r{i}", 1),): F(1) for i in range(100)}
    cols = {((f"c{j}", 1),): F(1) for j in range(poly.MAX_TERMS // 100)}
    assert len(poly.mul(rows, cols, Budget(10**9))) == poly.MAX_TERMS
    with pytest.raises(TooBig):
        poly.mul(rows, poly.add(cols, poly.var("one_more"), Budget(10**9)), Budget(10**9))
    assert len(poly.r_sum([(1, Rat.of(short)), (1, Rat.of(poly.var("last")))], Budget(10**9)).num) == poly.MAX_TERMS
    with pytest.raises(TooBig):
        poly.r_sum([(1, Rat.of(short)), (1, Rat.of(poly.var("last"))), (1, Rat.of(poly.var("over")))], Budget(10**9))
    wide = {((f"v{i}", 1),): F(1) for i in range(poly.MAX_TERMS)}
    with pytest.raises(TooBig):
        poly.add(wide, poly.var("extra"), Budget(10**9))
    assert len(poly.add(wide, {(("v0", 1),): F(-1)}, Budget(10**9))) == poly.MAX_TERMS - 1
