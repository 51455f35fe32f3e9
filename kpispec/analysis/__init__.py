"""The analysis layer: the plan's arithmetic, proved.

Every tool that needs to know whether targets reach a goal (the checks, and the docs site,
review diff and what-if still to come) asks here, through `Arithmetic` (computed once per
plan; see `checks.base.Context.arithmetic`):

- `outcomes[id]`: each formula node compared with its own target, with a `Verdict`
  (proven, refuted with a witness, or unknown with the reason);
- `asserts`: each `assert`, with its verdict;
- `value_at(expr, point)`: a node's or an assert side's exact value at a point;
- `passes_with(id, changes)`: whether a node's target is proven with some inputs' targets changed;
- `solve(id, input)`: the target for one input that alone makes the node's target proven.

Below it: `poly` (formulas as exact rational functions of the inputs) and `prove` (the proof).
"""
