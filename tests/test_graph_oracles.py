"""kpispec/graph.py's parts in process, each against brute force over many small random graphs
(test_cycles.py checks the reports through the CLI; these are fast enough to try hundreds)."""

from __future__ import annotations

import itertools
import random

from test_cycles import acyclic, groups, simple_cycles

from kpispec.api import analyze_text
from kpispec.graph import (
    CYCLE_COUNT_CAP,
    Graph,
    _Budget,
    _minimal,
    _outs,
    _shortest_cycle_through,
    _strong_components,
    count_cycles,
    find_cycle,
    greedy_feedback_arcs,
    is_acyclic,
)


def random_graphs(seed, n, self_loops=True):
    rng = random.Random(seed)
    for _ in range(n):
        k = rng.randint(1, 6)
        yield k, [(u, v) for u in range(k) for v in range(k) if (self_loops or u != v) and rng.random() < 0.3]


def live(pairs, dead):
    return [p for i, p in enumerate(pairs) if not dead[i]]


def test_acyclicity_and_a_cycle_found_agree_with_brute_force():
    rng = random.Random(1)
    for k, pairs in random_graphs(1, 400):
        dead = bytearray(rng.random() < 0.2 for _ in pairs)
        outs = _outs(k, pairs)
        expected = acyclic(range(k), live(pairs, dead))
        assert is_acyclic(k, pairs, outs, dead) == expected, (k, pairs, dead)
        cycle = find_cycle(k, pairs, outs, dead)
        assert (cycle is None) == expected, (k, pairs)
        if cycle is not None:  # a real cycle of live arcs, in order, each node once
            assert all(not dead[a] for a in cycle)
            assert all(pairs[a][1] == pairs[b][0] for a, b in zip(cycle, cycle[1:] + cycle[:1]))
            assert len({pairs[a][0] for a in cycle}) == len(cycle)


def test_strong_components_agree_with_reachability():
    for k, pairs in random_graphs(2, 400):
        dead = bytearray(len(pairs))
        components = _strong_components(k, pairs, _outs(k, pairs), dead)
        assert sorted(v for c in components for v in c) == list(range(k))  # every node once
        assert all(c == sorted(c) for c in components)
        cyclic = [set(c) for c in groups(range(k), pairs)]
        # a component with a cycle is a group; every other one is a single node without a self-loop
        for c in components:
            if set(c) in cyclic:
                continue
            assert len(c) == 1 and (c[0], c[0]) not in pairs, (k, pairs, c)
        assert all(g in [set(c) for c in components] for g in cyclic)


def test_cycles_are_counted_exactly_up_to_the_cap():
    for k, pairs in random_graphs(3, 300):
        expected = simple_cycles(list(range(k)), pairs)
        count, complete = count_cycles(k, pairs, CYCLE_COUNT_CAP, _Budget(10**9))
        assert complete and count == expected, (k, pairs)
        if expected >= 2:
            count, complete = count_cycles(k, pairs, 2, _Budget(10**9))
            assert count == 2 and (complete == (expected == 2) or not complete)
    # a budget that runs out: not complete, and at least 2 (a group that is not one cycle has two)
    pairs = [(u, v) for u in range(6) for v in range(6) if u != v]
    count, complete = count_cycles(6, pairs, CYCLE_COUNT_CAP, _Budget(5))
    assert not complete and count >= 2


def test_the_shortest_cycle_through_a_node():
    for k, pairs in random_graphs(4, 300):
        dead = bytearray(len(pairs))
        outs = _outs(k, pairs)
        arcs = set(pairs)
        for start in range(k):
            got = _shortest_cycle_through(pairs, outs, dead, start)
            others = [v for v in range(k) if v != start]
            lengths = [r for r in range(1, k + 1) for rest in itertools.permutations(others, r - 1)
                       for ring in [(start,) + rest] if all((ring[i], ring[(i + 1) % r]) in arcs for i in range(r))]
            if not lengths:
                assert got is None, (k, pairs, start)
                continue
            assert got is not None and len(got) == min(lengths), (k, pairs, start, got)
            assert pairs[got[0]][0] == start and pairs[got[-1]][1] == start
            assert all(pairs[a][1] == pairs[b][0] for a, b in zip(got, got[1:]))


def test_the_greedy_cut_breaks_every_cycle_and_minimal_puts_back_what_it_can():
    for k, pairs in random_graphs(5, 400):
        outs = _outs(k, pairs)
        cut = greedy_feedback_arcs(k, pairs, outs)
        assert acyclic(range(k), [p for i, p in enumerate(pairs) if i not in cut]), (k, pairs, cut)
        assert {i for i, (u, v) in enumerate(pairs) if u == v} <= cut  # self-loops always
        kept = _minimal(k, pairs, outs, cut, _Budget(10**9))
        assert kept <= cut and acyclic(range(k), [p for i, p in enumerate(pairs) if i not in kept])
        for a in kept:  # each arc left in the cut is needed: putting it back alone closes a cycle
            assert not acyclic(range(k), [p for i, p in enumerate(pairs) if i not in kept or i == a]), (k, pairs, kept, a)
        starved = _minimal(k, pairs, outs, cut, _Budget(0))
        assert starved == cut  # no budget: nothing put back


# ------------------------------------------------------------------ the plan's graph

def plan_graph(k, pairs, params=()):
    """A plan whose KPI n<u> uses n<v> for each pair (u, v); n<u> for u in params is a param."""
    lines = ['plan p "P" { period 2026-04-01 to 2027-03-31 }']
    for u in range(k):
        refs = [f"n{v}" for (a, v) in pairs if a == u]
        if u in params:
            lines.append(f"param n{u} = " + (" + ".join(refs) if refs else "1"))
        elif refs:
            lines.append(f'kpi n{u} "N" {{ target >= 1 formula {" + ".join(refs)} }}')
        else:
            lines.append(f'kpi n{u} "N" {{ target >= 1 }}')
    result = analyze_text("p.kpi", "\n".join(lines) + "\n", checks=False)
    return Graph(result.plan), result


def test_the_plan_graph_components_cycles_and_evaluation_order():
    for k, pairs in random_graphs(6, 150):
        graph, _ = plan_graph(k, pairs)
        names = [f"n{v}" for v in range(k)]
        arcs = [(f"n{u}", f"n{v}") for u, v in pairs]
        expected_groups = groups(names, arcs)
        components = graph.components()
        assert sorted(n for c in components for n in c) == sorted(names)
        assert [set(g.nodes) for g in graph.cycle_groups()] == sorted(expected_groups, key=lambda g: min(_first_ref(graph, g)))
        assert graph.cyclic_nodes() == set().union(*expected_groups)
        for cycle in graph.cycles():  # one real cycle per group
            assert cycle[0].source == cycle[-1].target
            assert all(a.target == b.source for a, b in zip(cycle, cycle[1:]))
        assert len(graph.cycles()) == len(expected_groups)
        order = graph.evaluation_order(graph.cyclic_nodes())
        assert sorted(order) == sorted(set(names) - graph.cyclic_nodes())  # everything not on a cycle, once
        position = {n: i for i, n in enumerate(order)}
        for u, v in arcs:
            if u in position and v in position:
                assert position[v] < position[u], (u, v, order)  # an input before the formula that uses it
        for u in names:  # reachable: brute force by closure
            seen, frontier = {u}, [u]
            while frontier:
                x = frontier.pop()
                for a, b in arcs:
                    if a == x and b not in seen:
                        seen.add(b)
                        frontier.append(b)
            assert graph.reachable([u]) == seen
            assert sorted(e.source for e in graph.dependents(u)) == sorted(a for a, b in arcs if b == u)


def _first_ref(graph, group):
    """Where a group's first reference is written: the groups come in that order."""
    return [e.name.start for n in group for e in graph.edges[n] if e.target in group]


def test_a_param_edge_is_not_a_formula_edge_for_reachability():
    graph, _ = plan_graph(3, [(0, 1), (1, 2)], params={1})
    assert graph.reachable(["n0"]) == {"n0", "n1"}  # n1 is a param: its own use of n2 is a param edge
    assert graph.reachable(["n0"], kinds=("formula", "param")) == {"n0", "n1", "n2"}
    assert [e.kind for e in graph.edges["n1"]] == ["param"]
    assert graph.evaluation_order(set()) == ["n2", "n1", "n0"]


def _groups_of(body):
    result = analyze_text("p.kpi", 'plan p "P" { period 2026-04-01 to 2027-03-31 }\n' + body, checks=False)
    return Graph(result.plan)


def test_a_fresh_graph_answers_cycle_questions_in_any_order():
    body = 'kpi a "A" { target >= 1 formula b }\nkpi b "B" { target >= 1 formula a }\n'
    assert [[e.source for e in c] for c in _groups_of(body).cycles()] == [["a", "b"]]
    assert [g.nodes for g in _groups_of(body).cycle_groups()] == [("a", "b")]
    assert _groups_of(body).cyclic_nodes() == {"a", "b"}


def test_a_single_cycle_is_exact_counted_and_its_breakers_are_its_measurable_nodes():
    # g (a KGI) uses a, a uses b, b uses g: one cycle, and measuring any one of them breaks it
    graph = _groups_of('kgi g "G" { target >= 1 formula a }\nkpi a "A" { target >= 1 formula b * 2 }\n'
                       'kpi b "B" { target >= 1 formula g }\n')
    (group,) = graph.cycle_groups()
    assert group.cycle and group.exact and group.cycles == 1 and group.cycles_counted
    assert group.remaining == 0 and len(group.cut) == 1 and group.breakers_complete
    assert group.breakers == ("g", "a", "b")
    # through a param: a uses p, p is a; a param is not measured, so only a breaks it
    (group,) = _groups_of('kpi a "A" { target >= 1 formula p * 2 }\nparam p = a\n').cycle_groups()
    assert group.cycle and group.breakers == ("a",)


def test_the_breakers_of_a_tangled_group_leave_out_params():
    # a ⇄ b and a ⇄ p: only a's formula, removed, breaks both cycles; p is a param
    graph = _groups_of('kpi a "A" { target >= 1 formula b + p }\nkpi b "B" { target >= 1 formula a }\nparam p = a\n')
    (group,) = graph.cycle_groups()
    assert not group.cycle and group.cycles == 2 and group.cycles_counted and group.exact
    assert group.breakers == ("a",) and group.breakers_complete
