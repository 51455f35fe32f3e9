"""The cycle heuristics of kpispec/graph.py, pinned on graphs traced by hand and against a naive
Eades–Lin–Smyth written here: which cycle is found and shortened, which order the greedy cut
comes from, which arcs `_minimal` puts back, which route `_component_cut` takes (exact over
orderings, greedy proven by the packing bound, bounded search, or greedy unproven), what each
piece of work charges the budget, and how the cycle count stops. test_graph_oracles.py checks
that the results are valid; this file checks that they are the ones the heuristics promise.

Graphs are `k` nodes 0..k-1 and `pairs`, a list of (source, target) arcs named by their index.

The budget's charges are tuning (graph.py marks them `pragma: no mutate`), yet some tests here pin
them: a route (exact, proven greedy, searched, unproven greedy) is chosen by what is left, and the
boundary between two routes is only testable at an exact amount. Retuning a charge means editing
those tests on purpose, with the new amounts worked out the same way.
"""

from __future__ import annotations

import random
from functools import cache

import pytest

import kpispec.graph as graph
from kpispec.api import analyze_text
from kpispec.graph import (
    Graph,
    _Budget,
    _component_cut,
    _minimal,
    _outs,
    _packing_bound,
    _search,
    _short_cycle,
    count_cycles,
    feedback_arcs,
    find_cycle,
    greedy_feedback_arcs,
)

# 0 ⇄ 1 and 0 ⇄ 2: two cycles that share only node 0; every cut needs 2 arcs
FLOWER = [(0, 1), (0, 2), (1, 0), (2, 0)]
# a=0, b=1, c=2, d=3 (test_cycles.py's "greedy ordering misses"): a uses b and d, b uses d, c uses
# a and b, d uses c. Every cycle runs through d → c (arc 5): the one smallest cut is {5}.
MISSED = [(0, 1), (0, 3), (1, 3), (2, 0), (2, 1), (3, 2)]


def fresh(n):
    return bytearray(n)


# ------------------------------------------------------------------ finding a cycle


def test_find_cycle_follows_first_arcs_from_node_0_and_starts_at_the_root():
    # 0 → 1 → 2 → 0: depth first from 0 along arc 0, 1, then 2 → 0 closes it at the root
    ring = [(0, 1), (1, 2), (2, 0)]
    assert find_cycle(3, ring, _outs(3, ring), fresh(3)) == [0, 1, 2]
    # the same ring listed from its last arc: still read from the root, node 0
    ring = [(2, 0), (0, 1), (1, 2)]
    assert find_cycle(3, ring, _outs(3, ring), fresh(3)) == [1, 2, 0]


def test_short_cycle_shortens_through_the_first_three_nodes_only():
    # 0 → 1 → 2 → 3 → 0 and 2 ⇄ 4. Depth first: 0 →(0) 1 →(1) 2 →(2, before arc 4) 3 →(3) 0:
    # the 4-cycle [0, 1, 2, 3]. Its first three arcs leave 0, 1, 2; through 2 there is 2 →(4) 4 →(5) 2.
    pairs = [(0, 1), (1, 2), (2, 3), (3, 0), (2, 4), (4, 2)]
    outs = _outs(5, pairs)
    assert find_cycle(5, pairs, outs, fresh(6)) == [0, 1, 2, 3]
    assert _short_cycle(5, pairs, outs, fresh(6)) == [4, 5]
    # 0 → 1 → 2 → 3 → 4 → 0 and 3 ⇄ 5: the 2-cycle is through the 4th node, 3, which is not tried
    pairs = [(0, 1), (1, 2), (2, 3), (3, 4), (4, 0), (3, 5), (5, 3)]
    assert _short_cycle(6, pairs, _outs(6, pairs), fresh(7)) == [0, 1, 2, 3, 4]


def test_short_cycle_keeps_the_found_cycle_when_none_is_strictly_shorter():
    # a plain ring: the shortest cycle through 1 or 2 is the ring itself, from another node; the
    # cycle found (from node 0) is kept as it is
    ring = [(0, 1), (1, 2), (2, 0)]
    assert _short_cycle(3, ring, _outs(3, ring), fresh(3)) == [0, 1, 2]
    # 0 ⇄ 1 and 1 → 2 → 0: found 0 →(0) 1 →(1) 0; through 1 the shortest is 1 →(1) 0 →(0) 1, as long
    ring = [(0, 1), (1, 0), (1, 2), (2, 0)]
    assert _short_cycle(3, ring, _outs(3, ring), fresh(4)) == [0, 1]
    dead = bytearray([0, 1, 0, 0])  # with 1 → 0 dead only 0 → 1 → 2 → 0 is left
    assert _short_cycle(3, ring, _outs(3, ring), dead) == [0, 2, 3]


# ------------------------------------------------------------------ Eades–Lin–Smyth


def els_cuts(k, pairs, lowest=False):
    """Every cut Eades–Lin–Smyth can give, by the book: while nodes are left, take a sink (it goes
    last), else a source (it goes first), else a node with the most out- over in-arcs among the
    nodes left (it goes first); cut the arcs that point backwards, self-loops included. Any choice
    among equals is allowed, or with `lowest` the lowest-numbered of the equal nodes that are not
    sinks or sources."""
    arcs = [(u, v) for u, v in pairs if u != v]

    @cache
    def orders(alive):
        if not alive:
            return {()}
        outs = {v: sum(1 for a, b in arcs if a == v and b in alive) for v in alive}
        ins = {v: sum(1 for a, b in arcs if b == v and a in alive) for v in alive}
        sinks = [v for v in alive if outs[v] == 0]
        if sinks:
            return {rest + (v,) for v in sinks for rest in orders(alive - {v})}
        sources = [v for v in alive if ins[v] == 0]
        if not sources:
            best = max(outs[v] - ins[v] for v in alive)
            sources = [v for v in alive if outs[v] - ins[v] == best]
            sources = [min(sources)] if lowest else sources
        return {(v,) + rest for v in sources for rest in orders(alive - {v})}

    cuts = set()
    for order in orders(frozenset(range(k))):
        position = {v: p for p, v in enumerate(order)}
        cuts.add(frozenset(i for i, (u, v) in enumerate(pairs) if position[u] >= position[v]))
    return cuts


def test_greedy_cut_is_one_eades_lin_smyth_gives_with_ties_to_the_lowest_node():
    rng = random.Random(7)
    for _ in range(500):
        k = rng.randint(1, 7)
        pairs = [(u, v) for u in range(k) for v in range(k) if rng.random() < rng.choice((0.2, 0.3, 0.45))]
        got = greedy_feedback_arcs(k, pairs)  # out_arcs worked out when not given
        assert got in els_cuts(k, pairs), (k, pairs, got)
        # sinks and sources never point an arc backwards, so the order among them does not change
        # the cut: with ties among the rest going to the lowest node, there is one cut
        (expected,) = els_cuts(k, pairs, lowest=True)
        assert got == expected, (k, pairs, got)
        assert greedy_feedback_arcs(k, pairs, _outs(k, pairs)) == got


def test_greedy_takes_sinks_and_sources_first_then_the_most_out_over_in():
    # 4 → 0 (4 a source), 1 → 3 (3 a sink), and 0 →(2) 1 →(3) 2 →(4) 0, 2 →(5) 1.
    pairs = [(4, 0), (1, 3), (0, 1), (1, 2), (2, 0), (2, 1)]
    # sink 3 goes last, source 4 first. Left 0, 1, 2: out - in is 1 - 1 = 0 for 0, 1 - 2 = -1
    # for 1, 2 - 1 = +1 for 2: 2 goes next, and its arc in from 1 (arc 3) points back. Then 1 is
    # a sink and 0 a source: order 4, 2, 0, 1, 3, and arc 3 is the only one backwards.
    assert greedy_feedback_arcs(5, pairs) == {3}
    # without arc 5 (2 → 1) it is one ring 0 → 1 → 2 → 0 with a source and a sink hung on: out - in
    # is 0 for all three, 0 goes next (the lowest) and its arc in, 2 → 0 (arc 4), is cut
    assert greedy_feedback_arcs(5, pairs[:5]) == {4}


def test_a_source_with_one_arc_out_is_a_source():
    # 3 →(4) 1, 1 →(1) 0, 1 →(2) 2, and 0 ⇄ 2 (arcs 0, 3). 3 has no arc in: it goes first; then 1 has
    # none left either and follows. 0 and 2: out - in = 1 - 1 both, so 0 next, and 2 → 0 (arc 3) is
    # cut. (Left waiting, 3 would be picked after 1, whose out - in = 2 - 1 is highest, and 3 → 1 cut.)
    assert greedy_feedback_arcs(4, [(0, 2), (1, 0), (1, 2), (2, 0), (3, 1)]) == {3}


def test_greedy_cuts_self_loops_and_nothing_on_a_dag():
    # 0 → 1 → 2 with 1 → 1: 2 is a sink (last), 0 a source (first), then 1; only the loop is cut
    assert greedy_feedback_arcs(3, [(0, 1), (1, 1), (1, 2)]) == {1}
    # a DAG given backwards (2 → 1 → 0, 2 → 0): the order follows the arcs, nothing is cut
    assert greedy_feedback_arcs(3, [(2, 1), (1, 0), (2, 0)]) == set()
    # two sinks and two sources: 2 → 0, 3 → 0, 2 → 1, 3 → 1; nothing cut
    assert greedy_feedback_arcs(4, [(2, 0), (3, 0), (2, 1), (3, 1)]) == set()


def test_greedy_on_the_flower_and_on_the_graph_it_gets_wrong():
    # FLOWER: out - in is 2 - 2, 1 - 1, 1 - 1: all 0, so 0 (the lowest) goes first; its arcs in,
    # 1 → 0 and 2 → 0 (arcs 2, 3), point back. Then 1 and 2 are sinks and sources alike.
    assert greedy_feedback_arcs(3, FLOWER) == {2, 3}
    # MISSED: out - in is a: 2 - 1, b: 1 - 2, c: 2 - 1, d: 1 - 2. a and c tie at +1: a (0) goes
    # first and c → a (arc 3) points back. Left b, c, d: each has out - in = 1 - 1 = 0, so b (1)
    # goes next and c → b (arc 4) points back; then d → c is all that is left (d a source, c a sink).
    assert greedy_feedback_arcs(4, MISSED) == {3, 4}


# ------------------------------------------------------------------ putting arcs back


def test_minimal_puts_back_from_the_last_arc_and_each_put_back_counts():
    # the 2-cycle 0 ⇄ 1 with both arcs cut. Last first: 1 → 0 (arc 1) goes back, since with 0 → 1
    # still cut, 0 cannot reach 1. Then 0 → 1 (arc 0) would close 0 → 1 → 0 with arc 1 back: kept.
    pairs = [(0, 1), (1, 0)]
    assert _minimal(2, pairs, _outs(2, pairs), {0, 1}, _Budget(10**6)) == {0}
    # the same in a ring 0 → 1 → 2 → 0 with all three cut: 2 and 1 go back, 0 must stay
    ring = [(0, 1), (1, 2), (2, 0)]
    assert _minimal(3, ring, _outs(3, ring), {0, 1, 2}, _Budget(10**6)) == {0}
    # a self-loop always stays and costs no check; 1 → 0 costs one (k + arcs = 4 steps) and goes back
    loop = [(0, 0), (1, 0)]
    budget = _Budget(5)
    assert _minimal(2, loop, _outs(2, loop), {0, 1}, budget) == {0} and budget.left == 1
    assert _minimal(2, loop, _outs(2, loop), {0, 1}, _Budget(3)) == {0, 1}  # no budget for the check


# ------------------------------------------------------------------ the route to a cut


def test_a_single_cycle_cuts_the_arc_into_its_first_node():
    # a ring needs no search: the arc into its lowest node
    assert feedback_arcs(3, [(0, 1), (1, 2), (2, 0)]) == ({2}, True)
    assert feedback_arcs(3, [(1, 2), (2, 0), (0, 1)]) == ({1}, True)
    assert _component_cut(3, [(1, 2), (2, 0), (0, 1)], _Budget(0)) == ({1}, True)
    # a group of two said to be strongly connected: 0 ⇄ 1, cut 1 → 0; its self-loop 0 → 0 as well
    assert feedback_arcs(2, [(0, 1), (1, 0)], strongly_connected=True) == ({1}, True)
    assert feedback_arcs(2, [(0, 0), (0, 1), (1, 0)], strongly_connected=True) == ({0, 2}, True)
    # a ring 1 → 2 → 3 → 1 after an arc 0 → 1: the ring's lowest node is 1, so 3 → 1 (arc 3)
    budget = _Budget(100)
    assert feedback_arcs(4, [(0, 1), (1, 2), (2, 3), (3, 1)], budget) == ({3}, True)
    assert budget.left == 100  # nothing charged: no search was needed


def test_the_exact_search_over_orderings_is_charged_two_to_the_k_times_k_over_2():
    # FLOWER plus 0 → 3 (3 is a component of its own): the tangled part, 3 nodes, costs
    # 2**3 * 3 / 2 = 12 steps for the search over orderings; node 3 costs nothing
    pairs = FLOWER + [(0, 3)]
    budget = _Budget(100)
    cut, exact = feedback_arcs(4, pairs, budget)
    assert exact and budget.left == 88
    assert len(cut) == 2 and len(cut & {0, 2}) == 1 and len(cut & {1, 3}) == 1  # an arc of each 2-cycle
    budget = _Budget(12)
    assert feedback_arcs(4, pairs, budget)[1] and budget.left == 0
    # one step short: the greedy cut {2, 3} (see test_greedy_on_the_flower...). _minimal's first check
    # (k + arcs = 7 steps) keeps arc 3; nothing is left for a second one, for the packing bound or the
    # search (28 steps each): the greedy cut, not proven smallest
    assert feedback_arcs(4, pairs, _Budget(11)) == ({2, 3}, False)
    assert feedback_arcs(3, FLOWER, _Budget(0)) == ({2, 3}, False)


def test_groups_up_to_exact_ordering_max_nodes_get_the_ordering(monkeypatch):
    monkeypatch.setattr(graph, "SEARCH_CUT_MAX", 1)  # no bounded search
    monkeypatch.setattr(graph, "EXACT_ORDERING_MAX", 4)
    assert feedback_arcs(4, MISSED) == ({5}, True)  # 4 nodes: over the orderings, the one smallest cut
    # 3: MISSED's 4 nodes get the greedy cut {3, 4}; putting back c → b (b → d → c closes) or c → a
    # (a → d → c closes) fails; every cycle has arc 5, so the packing bound is 1 < 2, and a cut of
    # 2 > SEARCH_CUT_MAX arcs is not searched: not proven
    monkeypatch.setattr(graph, "EXACT_ORDERING_MAX", 3)
    assert feedback_arcs(4, MISSED) == ({3, 4}, False)
    # a greedy cut of exactly SEARCH_CUT_MAX arcs is searched: size 1 finds {5}
    monkeypatch.setattr(graph, "SEARCH_CUT_MAX", 2)
    assert feedback_arcs(4, MISSED) == ({5}, True)


def test_a_greedy_cut_the_packing_bound_matches_is_proven_without_a_search(monkeypatch):
    monkeypatch.setattr(graph, "EXACT_ORDERING_MAX", 0)
    monkeypatch.setattr(graph, "SEARCH_CUT_MAX", 1)
    # FLOWER: greedy {2, 3}; _minimal checks both (7 steps each) and keeps both; the packing bound
    # finds 0 ⇄ 1, then 0 ⇄ 2, then nothing: 3 rounds of 4 * (k + arcs) = 28 steps, bound 2 = the
    # cut's size: proven, though bigger than SEARCH_CUT_MAX
    budget = _Budget(1000)
    assert feedback_arcs(3, FLOWER, budget) == ({2, 3}, True)
    assert budget.left == 1000 - 2 * 7 - 3 * 28


def test_a_greedy_cut_of_one_arc_is_proven_at_once(monkeypatch):
    monkeypatch.setattr(graph, "EXACT_ORDERING_MAX", 0)
    # 0 ⇄ 1 and 1 → 2 → 0. out - in: 0: 1 - 2, 1: 2 - 1, 2: 1 - 1, so 1 goes first and its arc in
    # from 0 (arc 0) points back; then 2 is a source and 0 a sink. One arc: no bound is needed, only
    # _minimal's check (k + arcs = 7 steps) that it cannot go back (1 → 0 closes the cycle)
    budget = _Budget(100)
    assert feedback_arcs(3, [(0, 1), (1, 0), (1, 2), (2, 0)], budget) == ({0}, True)
    assert budget.left == 93


def test_the_packing_bound_counts_arc_disjoint_cycles_within_its_budget():
    outs = _outs(3, FLOWER)
    # 0 →(0) 1 →(2) 0, then 0 →(1) 2 →(3) 0, then none: 3 rounds of 4 * (3 + 4) = 28 steps
    budget = _Budget(100)
    assert _packing_bound(3, FLOWER, outs, budget) == 2 and budget.left == 100 - 3 * 28
    assert _packing_bound(3, FLOWER, outs, _Budget(56)) == 2  # the round that finds nothing is not needed
    assert _packing_bound(3, FLOWER, outs, _Budget(55)) == 1
    # no budget: still 1, since a strongly connected component has a cycle and every cut an arc
    assert _packing_bound(3, FLOWER, outs, _Budget(0)) == 1
    assert _packing_bound(4, MISSED, _outs(4, MISSED), _Budget(1000)) == 1  # all cycles share d → c


def test_the_bounded_search_branches_on_a_short_cycle_and_charges_each_call():
    outs = _outs(3, FLOWER)
    # size 2: the cycle 0 →(0) 1 →(2) 0; cut arc 0; then 0 →(1) 2 →(3) 0: cut arc 1; then no
    # cycle: {0, 1}, in 3 calls of 4 * (3 + 4) = 28 steps
    budget = _Budget(1000)
    assert _search(3, FLOWER, outs, fresh(4), set(), 2, budget) == {0, 1} and budget.left == 1000 - 84
    # size 1: cut arc 0 and the other 2-cycle is left; cut arc 2 (arc 0 kept) and it is left too:
    # none, in 3 calls
    budget = _Budget(1000)
    assert _search(3, FLOWER, outs, fresh(4), set(), 1, budget) is None and budget.left == 1000 - 84
    with pytest.raises(graph._OutOfBudget):
        _search(3, FLOWER, outs, fresh(4), set(), 2, _Budget(83))


# ------------------------------------------------------------------ counting cycles


def test_count_cycles_stops_at_the_cap_or_the_budget_and_then_says_at_least_two():
    two = [(0, 1), (1, 0)]
    # from 0: 0 → 1 (1 step), 1 → 0 (2: a cycle); from 1: 1 → 0 (3: 0 < 1, not followed). 3 steps.
    budget = _Budget(3)
    assert count_cycles(2, two, 10, budget) == (1, True) and budget.left == 0
    assert count_cycles(2, two, 10, _Budget(2)) == (2, False)  # cut short: at least 2, as said
    assert count_cycles(2, two, 10, _Budget(0)) == (2, False)
    # the complete digraph on 3 nodes has 3 + 2 = 5 cycles; a cap of 3 stops at 3 found
    k3 = [(u, v) for u in range(3) for v in range(3) if u != v]
    assert count_cycles(3, k3, 10, _Budget(1000)) == (5, True)
    assert count_cycles(3, k3, 3, _Budget(1000)) == (3, False)


# ------------------------------------------------------------------ in the plan's graph


def test_breakers_prune_on_arc_disjoint_cycles_then_check_each_candidate():
    # FLOWER, every arc a formula's, every node measurable. Removable: 0's arcs 0, 1; 1's arc 2;
    # 2's arc 3. Round 1 finds 0 → 1 → 0 (candidates 0, 1), round 2 finds 0 → 2 → 0 (candidate 0),
    # round 3 finds none; checking 0 (removing arcs 0, 1 leaves no cycle): 4 takes of k + arcs = 7
    args = (3, FLOWER, _outs(3, FLOWER), [True] * 4, [True] * 3)
    budget = _Budget(28)
    assert Graph._breakers(*args, budget) == ([0], True) and budget.left == 0
    assert Graph._breakers(*args, _Budget(27)) == ([], False)  # no budget left to check node 0


def plan(body):
    result = analyze_text("p.kpi", 'plan p "P" { period 2026-04-01 to 2027-03-31 }\n' + body, checks=False)
    return Graph(result.plan)


def test_a_cut_that_leaves_a_cycle_is_replaced_by_the_checked_greedy_cut(monkeypatch):
    # a uses b and c, b and c use a: FLOWER. A search that returned no cut (a bug) must not be
    # reported: the greedy cut (b → a, c → a) is, and not claimed smallest
    body = ('kpi a "A" { target >= 1 formula b + c }\nkpi b "B" { target >= 1 formula a }\n'
            'kpi c "C" { target >= 1 formula a }\n')
    monkeypatch.setattr(graph, "feedback_arcs", lambda *args, **kwargs: (set(), True))
    (group,) = plan(body).cycle_groups()
    assert [(arc.source, arc.target) for arc in group.cut] == [("b", "a"), ("c", "a")]
    assert not group.exact and group.remaining == 0
