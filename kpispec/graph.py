"""The plan as a graph: formulas and ksf/kgi links, with cycles and reachability found iteratively.

Cycles are reported by strongly connected group (`Graph.cycle_groups`): every node of the group,
every reference inside it, and a verified smallest set of dependencies whose removal breaks every
cycle in it (a minimum feedback arc set), found exactly for small groups and greedily, within a
budget of work, for big ones.
"""

from __future__ import annotations

import heapq
from collections import deque

from .diagnostics import Span
from .ir import Plan
from .records import record
from .resolve import walk
from .syntax import ast


@record(frozen=True, slots=True)
class Edge:
    """`source` depends on `target`: computed from it (formula) or served by it (link)."""

    source: str
    target: str
    name: ast.Name  # the reference as written
    kind: str  # "formula", "link" or "param"

    @property
    def span(self) -> Span:
        return self.name.span


class Graph:
    def __init__(self, plan: Plan):
        self.plan = plan
        self._reverse: dict[str, list[Edge]] | None = None
        self._components: list[list[str]] | None = None
        self._groups: list[CycleGroup] | None = None
        self.order: dict[str, int] = {}
        self.edges: dict[str, list[Edge]] = {}
        for pid, param in plan.params.items():
            self._add_node(pid, param.span.start)
        for nid, node in plan.nodes.items():
            self._add_node(nid, node.span.start)
        for pid, param in plan.params.items():
            self._formula_edges(pid, param.expr, "param")
        for nid, node in plan.nodes.items():
            if node.formula is not None:
                self._formula_edges(nid, node.formula, "formula")
            for link in node.links:
                if link.name.text in self.order:
                    # the linked KSF/KGI is served by this node: it depends on it
                    self._add(Edge(link.name.text, nid, link.name, "link"))
        for targets in self.edges.values():
            targets.sort(key=lambda e: (self.order[e.target], e.name.start))

    def _add_node(self, nid: str, position: int) -> None:
        self.order.setdefault(nid, position)
        self.edges.setdefault(nid, [])

    def _add(self, edge: Edge) -> None:
        self.edges[edge.source].append(edge)

    def _formula_edges(self, nid: str, expr, kind: str) -> None:
        for n in walk(expr):
            if isinstance(n, ast.Ref) and n.name.text in self.order:
                self._add(Edge(nid, n.name.text, n.name, kind))

    # -------------------------------------------------------------- queries

    def reachable(self, starts, kinds=("formula", "link")) -> set[str]:
        seen = set(starts)
        queue = deque(starts)
        while queue:
            nid = queue.popleft()
            for edge in self.edges.get(nid, ()):
                if edge.kind in kinds and edge.target not in seen:
                    seen.add(edge.target)
                    queue.append(edge.target)
        return seen

    @property
    def reverse(self) -> dict[str, list[Edge]]:
        """Edges by their target: who depends on each node (built once)."""
        if self._reverse is None:
            reverse: dict[str, list[Edge]] = {nid: [] for nid in self.edges}
            for edges in self.edges.values():
                for edge in edges:
                    reverse[edge.target].append(edge)
            self._reverse = reverse
        return self._reverse

    def dependents(self, nid: str, kinds=("formula", "link")) -> list[Edge]:
        return [e for e in self.reverse.get(nid, ()) if e.kind in kinds]

    def components(self) -> list[list[str]]:
        """Strongly connected components (Tarjan, iterative), each in source order. Computed once."""
        if self._components is None:
            self._components = self._tarjan()
        return [list(c) for c in self._components]

    def _tarjan(self) -> list[list[str]]:
        index: dict[str, int] = {}
        low: dict[str, int] = {}
        on_stack: set[str] = set()
        stack: list[str] = []
        result: list[list[str]] = []
        counter = 0
        for root in sorted(self.order, key=self.order.get):
            if root in index:
                continue
            work = [(root, 0)]
            while work:
                nid, i = work.pop()
                if i == 0:
                    index[nid] = low[nid] = counter
                    counter += 1
                    stack.append(nid)
                    on_stack.add(nid)
                edges = self.edges[nid]
                recurse = False
                while i < len(edges):
                    target = edges[i].target
                    i += 1
                    if target not in index:
                        work.append((nid, i))
                        work.append((target, 0))
                        recurse = True
                        break
                    if target in on_stack:
                        low[nid] = min(low[nid], index[target])
                if recurse:
                    continue
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[nid])
                if low[nid] == index[nid]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == nid:
                            break
                    result.append(sorted(component, key=self.order.get))
        return sorted(result, key=lambda c: self.order[c[0]])

    def cycles(self) -> list[list[Edge]]:
        """One cycle per strongly connected component that has one, as its edges in order."""
        found = []
        if self._components is None:
            self._components = self._tarjan()
        for component in self._components:
            start = component[0]
            self_loop = [e for e in self.edges[start] if e.target == start]
            if self_loop:
                found.append([self_loop[0]])
                continue
            if len(component) < 2:
                continue
            found.append(self._shortest_cycle(start, set(component)))
        return found

    def cyclic_nodes(self) -> set[str]:
        """Every node on some cycle: the nodes of every cycle group."""
        if self._components is None:
            self._components = self._tarjan()
        return {nid for c in self._components if len(c) > 1 or any(e.target == c[0] for e in self.edges[c[0]])
                for nid in c}

    def cycle_groups(self) -> list["CycleGroup"]:
        """Every strongly connected group with a cycle (a node that uses itself is one), in the
        order of their first references, each with a checked cut (see `CycleGroup`). Computed once."""
        if self._groups is None:
            if self._components is None:
                self._components = self._tarjan()
            budget = _Budget(CYCLE_BUDGET)
            groups = []
            for component in self._components:
                if len(component) == 1 and not any(e.target == component[0] for e in self.edges[component[0]]):
                    continue
                groups.append(self._group(component, budget))
            self._groups = sorted(groups, key=lambda g: g.edges[0].name.start)
        return self._groups

    def _group(self, component: list[str], budget: "_Budget") -> "CycleGroup":
        index = {nid: i for i, nid in enumerate(component)}
        refs: dict[tuple[int, int], list[Edge]] = {}
        for u, nid in enumerate(component):
            for edge in self.edges[nid]:  # by target, then position: a pair's references come in order
                v = index.get(edge.target)
                if v is not None:
                    same = refs.get((u, v))
                    if same is None:
                        refs[(u, v)] = [edge]
                    else:
                        same.append(edge)
        keyed = sorted(refs.items(), key=lambda item: item[1][0].name.start)
        arcs = [Arc(component[u], component[v], tuple(es)) for (u, v), es in keyed]
        pairs = [pair for pair, _ in keyed]
        edges = [e for _, es in keyed for e in es]
        edges.sort(key=_position)
        k, m = len(component), len(pairs)
        budget.credit(k + m)  # pragma: no mutate (a budget)
        out_arcs = _outs(k, pairs)
        simple = m == k and all(len(outs) == 1 for outs in out_arcs)
        formula_only = [all(e.kind == "formula" for e in es) for _, es in keyed]
        nodes, params = self.plan.nodes, self.plan.params
        # measuring directly (a target and no formula) is for KGIs and KPIs
        measurable = [nid in nodes and nid not in params and nodes[nid].kind in ("kgi", "kpi") for nid in component]
        if simple:
            start = index[edges[0].source]
            order = [out_arcs[start][0]]
            while pairs[order[-1]][1] != start:
                order.append(out_arcs[pairs[order[-1]][1]][0])
            cut, exact = {order[-1]}, True
            cycles, counted = 1, True
            breakers = [component[pairs[a][0]] for a in order if formula_only[a] and measurable[pairs[a][0]]]
            breakers_complete = True
            cycle = tuple(arcs[a] for a in order)
        else:
            cycle = ()
            cut, exact = feedback_arcs(k, pairs, budget, strongly_connected=True, out_arcs=out_arcs)
            cycles, counted = count_cycles(k, pairs, CYCLE_COUNT_CAP, budget, out_arcs=out_arcs)
            breakers, breakers_complete = self._breakers(k, pairs, out_arcs, formula_only, measurable, budget)
            breakers = [component[v] for v in breakers]
        # never report a cut that was not checked: it must leave the group without a cycle
        if not _breaks_all(k, pairs, out_arcs, cut):  # pragma: no cover - a bug in the search
            cut, exact = greedy_feedback_arcs(k, pairs, out_arcs), False
            if not _breaks_all(k, pairs, out_arcs, cut):
                cut = set()
        return CycleGroup(
            nodes=tuple(component), arcs=tuple(arcs), edges=tuple(edges), cycle=cycle,
            cut=tuple(arcs[a] for a in sorted(cut)), exact=exact and bool(cut), remaining=0 if cut else cycles,
            cycles=cycles, cycles_counted=counted, breakers=tuple(breakers), breakers_complete=breakers_complete,
        )

    @staticmethod
    def _breakers(k, pairs, out_arcs, formula_only, measurable, budget) -> tuple[list[int], bool]:
        """The nodes whose formula, removed alone, leaves no cycle; and whether all were tried."""
        removable = [[a for a in out_arcs[v] if formula_only[a]] if measurable[v] else [] for v in range(k)]
        candidates = {v for v in range(k) if removable[v]}
        # each candidate must cut every cycle: keep those with a removable arc on a few cycles
        dead = bytearray(len(pairs))
        for _ in range(8):
            if not candidates or not budget.take(k + len(pairs)):
                break
            cycle = find_cycle(k, pairs, out_arcs, dead)
            if cycle is None:
                break
            candidates &= {pairs[a][0] for a in cycle if formula_only[a]}
            for a in cycle:
                dead[a] = 1
        found = []
        for v in sorted(candidates):
            if not budget.take(k + len(pairs)):
                return found, False
            if _breaks_all(k, pairs, out_arcs, removable[v]):
                found.append(v)
        return found, True

    def _shortest_cycle(self, start: str, members: set[str]) -> list[Edge]:
        previous: dict[str, Edge] = {}
        queue = deque([start])
        seen = {start}
        while queue:
            nid = queue.popleft()
            for edge in self.edges[nid]:
                if edge.target not in members:
                    continue
                if edge.target == start:
                    path = [edge]
                    while path[-1].source != start:
                        path.append(previous[path[-1].source])
                    path.reverse()
                    return path
                if edge.target not in seen:
                    seen.add(edge.target)
                    previous[edge.target] = edge
                    queue.append(edge.target)
        raise AssertionError("a strongly connected component without a cycle")  # pragma: no cover

    def evaluation_order(self, skip: set[str]) -> list[str]:
        """Params and nodes so that every formula comes after its inputs (Kahn's algorithm)."""
        deps = {
            nid: {e.target for e in edges if e.kind in ("formula", "param") and e.target not in skip}
            for nid, edges in self.edges.items()
            if nid not in skip
        }
        users: dict[str, list[str]] = {nid: [] for nid in deps}
        for nid, targets in deps.items():
            for t in targets:
                users[t].append(nid)
        ready = deque(sorted((n for n, t in deps.items() if not t), key=self.order.get))
        remaining = {n: len(t) for n, t in deps.items()}
        out = []
        while ready:
            nid = ready.popleft()
            out.append(nid)
            for user in users[nid]:
                remaining[user] -= 1
                if remaining[user] == 0:
                    ready.append(user)
        return out


# ------------------------------------------------------------------ cycle groups

# The searches for a smallest cut, the cycle counts and the single-node checks cost more than
# linear time, so they spend a budget of steps (about one arc visit each): every group brings
# GROUP_CREDIT steps per node and arc (at most GROUP_CREDIT_MAX), and a plan has CYCLE_BUDGET more
# to share. Past it, a group gets the greedy cut, still checked.
CYCLE_BUDGET = 500_000
GROUP_CREDIT = 20  # a budget (pragma: no mutate)
GROUP_CREDIT_MAX = 50_000
EXACT_ORDERING_MAX = 14  # groups of up to this many nodes: the exact search over orderings (a budget: pragma: no mutate)
SEARCH_CUT_MAX = 24  # a greedy cut bigger than this is not searched for a smaller one (a budget: pragma: no mutate)
CYCLE_COUNT_CAP = 1000  # a budget (pragma: no mutate)
CYCLE_COUNT_STEPS = 20_000


@record(frozen=True, slots=True)
class Arc:
    """One dependency inside a cycle group, `source` on `target`, with every reference that makes it."""

    source: str
    target: str
    edges: tuple[Edge, ...]  # by position


@record(frozen=True, slots=True)
class CycleGroup:
    """A strongly connected group of the graph that has a cycle (or a node that uses itself)."""

    nodes: tuple[str, ...]  # source order
    arcs: tuple[Arc, ...]  # every dependency inside the group, by its first reference
    edges: tuple[Edge, ...]  # every reference inside the group, by position
    cycle: tuple[Arc, ...]  # the group is this one cycle, from its first reference; () if tangled
    cut: tuple[Arc, ...]  # removing these leaves no cycle (checked); () only if no such set was found
    exact: bool  # no smaller cut exists (proven)
    remaining: int  # cycles the cut leaves: 0 (it is checked), or all of them if there is no cut
    cycles: int  # simple cycles in the group, counted up to CYCLE_COUNT_CAP
    cycles_counted: bool  # whether `cycles` is all of them (else: at least that many)
    breakers: tuple[str, ...]  # KGIs/KPIs whose formula alone, removed, breaks every cycle
    breakers_complete: bool  # whether every node was tried


def _position(edge: Edge) -> int:
    return edge.name.start


class _Budget:
    __slots__ = ("left",)

    def __init__(self, steps: int):
        self.left = steps

    def credit(self, size: int) -> None:
        self.left += min(GROUP_CREDIT * size, GROUP_CREDIT_MAX)  # pragma: no mutate (a budget)

    def take(self, steps: int) -> bool:
        if steps > self.left:  # pragma: no mutate (a budget)
            return False
        self.left -= steps  # pragma: no mutate (a budget)
        return True


class _OutOfBudget(Exception):
    pass


def _outs(k: int, pairs) -> list[list[int]]:
    out: list[list[int]] = [[] for _ in range(k)]
    for i, (u, _) in enumerate(pairs):
        out[u].append(i)
    return out


def is_acyclic(k: int, pairs, out_arcs, dead) -> bool:
    """Whether the arcs not marked in `dead` form no cycle (Kahn's algorithm)."""
    indegree = [0] * k
    for i, (_, v) in enumerate(pairs):
        if not dead[i]:
            indegree[v] += 1
    ready = [v for v in range(k) if indegree[v] == 0]
    seen = 0
    while ready:
        u = ready.pop()
        seen += 1
        for a in out_arcs[u]:
            if not dead[a]:
                v = pairs[a][1]
                indegree[v] -= 1
                if indegree[v] == 0:
                    ready.append(v)
    return seen == k


def _breaks_all(k: int, pairs, out_arcs, cut) -> bool:
    dead = bytearray(len(pairs))
    for a in cut:
        dead[a] = 1
    return is_acyclic(k, pairs, out_arcs, dead)


def find_cycle(k: int, pairs, out_arcs, dead) -> list[int] | None:
    """The arcs of one cycle among the live arcs, in order, or None (iterative depth-first search)."""
    color = bytearray(k)  # 0 unseen, 1 on the path, 2 done
    via = [-1] * k
    for root in range(k):
        if color[root]:
            continue
        color[root] = 1
        stack = [[root, 0]]
        while stack:
            top = stack[-1]
            v = top[0]
            outs = out_arcs[v]
            while top[1] < len(outs):
                a = outs[top[1]]
                top[1] += 1
                if dead[a]:
                    continue
                w = pairs[a][1]
                if color[w] == 0:
                    color[w] = 1
                    via[w] = a
                    stack.append([w, 0])
                    break
                if color[w] == 1:
                    cycle = [a]
                    x = v
                    while x != w:
                        cycle.append(via[x])
                        x = pairs[via[x]][0]
                    cycle.reverse()
                    return cycle
            else:
                color[v] = 2
                stack.pop()
    return None


def _shortest_cycle_through(pairs, out_arcs, dead, start: int) -> list[int] | None:
    via = {start: -1}
    queue = deque([start])
    while queue:
        v = queue.popleft()
        for a in out_arcs[v]:
            if dead[a]:
                continue
            w = pairs[a][1]
            if w == start:
                cycle = [a]
                while v != start:
                    cycle.append(via[v])
                    v = pairs[via[v]][0]
                cycle.reverse()
                return cycle
            if w not in via:
                via[w] = a
                queue.append(w)
    return None


def _short_cycle(k: int, pairs, out_arcs, dead) -> list[int] | None:
    """A cycle, shortened to the shortest one through one of its first nodes."""
    cycle = find_cycle(k, pairs, out_arcs, dead)
    if cycle is None:
        return None
    for a in cycle[:3]:
        shorter = _shortest_cycle_through(pairs, out_arcs, dead, pairs[a][0])
        if shorter is not None and len(shorter) < len(cycle):
            cycle = shorter
    return cycle


def _strong_components(k: int, pairs, out_arcs, dead) -> list[list[int]]:
    """Strongly connected components of the live arcs (iterative Tarjan), each sorted."""
    index = [-1] * k
    low = [0] * k
    on_stack = bytearray(k)
    stack: list[int] = []
    result = []
    counter = 0
    for root in range(k):
        if index[root] >= 0:
            continue
        work = [[root, 0]]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack[root] = 1
        while work:
            top = work[-1]
            v = top[0]
            outs = out_arcs[v]
            recurse = False
            while top[1] < len(outs):
                a = outs[top[1]]
                top[1] += 1
                if dead[a]:
                    continue
                w = pairs[a][1]
                if index[w] < 0:
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on_stack[w] = 1
                    work.append([w, 0])
                    recurse = True
                    break
                if on_stack[w]:
                    low[v] = min(low[v], index[w])
            if recurse:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[v])
            if low[v] == index[v]:
                component = []
                while True:
                    w = stack.pop()
                    on_stack[w] = 0
                    component.append(w)
                    if w == v:
                        break
                result.append(sorted(component))
    return result


def feedback_arcs(k: int, pairs: list[tuple[int, int]], budget: _Budget | None = None, *,
                  strongly_connected: bool = False, out_arcs=None) -> tuple[set[int], bool]:
    """A set of arcs (indices into `pairs`: distinct (source, target) pairs over nodes 0..k-1)
    whose removal leaves no cycle, and whether it is proven to be a smallest such set.

    Self-loops are in every such set. The rest splits into strongly connected components (one,
    if the caller says the graph is strongly connected: self-loops do not change that), each
    solved alone: exactly while the budget lasts (over the orderings of a small component, else by
    a bounded search), else greedily (Eades–Lin–Smyth, then putting back the arcs not needed).
    """
    budget = budget if budget is not None else _Budget(CYCLE_BUDGET)
    out_arcs = out_arcs if out_arcs is not None else _outs(k, pairs)
    cut = {i for i, (u, v) in enumerate(pairs) if u == v}
    if strongly_connected:
        components = [list(range(k))] if k > 1 else []
    else:
        dead = bytearray(len(pairs))
        for i in cut:
            dead[i] = 1
        components = _strong_components(k, pairs, out_arcs, dead)
    exact = True
    for component in components:
        if len(component) < 2:
            continue
        if len(component) == k:
            inner = [i for i in range(len(pairs)) if i not in cut] if cut else list(range(len(pairs)))
            sub = [pairs[i] for i in inner] if cut else pairs
        else:
            local = {v: i for i, v in enumerate(component)}
            inner = [i for v in component for i in out_arcs[v] if i not in cut and pairs[i][1] in local]
            sub = [(local[pairs[i][0]], local[pairs[i][1]]) for i in inner]
        found, proven = _component_cut(len(component), sub, budget)
        cut.update(inner[i] for i in found)
        exact = exact and proven
    return cut, exact


def _component_cut(k: int, pairs, budget: _Budget) -> tuple[set[int], bool]:
    """A cut of one strongly connected component without self-loops, and whether it is smallest."""
    m = len(pairs)
    if m == k:  # a single cycle: any one arc; take the one into the first node
        return {next(i for i, (_, v) in enumerate(pairs) if v == 0)}, True
    if k <= EXACT_ORDERING_MAX and budget.take((1 << k) * k // 2):
        return _ordering_cut(k, pairs), True
    out_arcs = _outs(k, pairs)
    greedy = _minimal(k, pairs, out_arcs, greedy_feedback_arcs(k, pairs, out_arcs), budget)
    if len(greedy) == 1:
        return greedy, True
    lower = _packing_bound(k, pairs, out_arcs, budget)
    if lower >= len(greedy):
        return greedy, True
    if len(greedy) > SEARCH_CUT_MAX:
        return greedy, False
    try:
        for size in range(lower, len(greedy)):
            found = _search(k, pairs, out_arcs, bytearray(m), set(), size, budget)
            if found is not None:
                return found, True
    except _OutOfBudget:
        return greedy, False
    return greedy, True


def _ordering_cut(k: int, pairs) -> set[int]:
    """Exact: the fewest arcs pointing backwards over all orderings of the nodes (dynamic
    programming over the sets of nodes placed first; ties go to the earlier node)."""
    out_mask = [0] * k
    for u, v in pairs:
        out_mask[u] |= 1 << v
    full = (1 << k) - 1
    best = [len(pairs) + 1] * (full + 1)
    choice = [0] * (full + 1)
    best[0] = 0
    for placed in range(full + 1):
        cost = best[placed]
        rest = full & ~placed
        while rest:
            bit = rest & -rest
            rest ^= bit
            v = bit.bit_length() - 1
            total = cost + (out_mask[v] & placed).bit_count()
            if total < best[placed | bit]:
                best[placed | bit] = total
                choice[placed | bit] = v
    # `v` placed after the set `placed`: its arcs into `placed` point backwards
    position = [0] * k
    left = full
    for p in range(k - 1, -1, -1):
        v = choice[left]
        position[v] = p
        left ^= 1 << v
    return {i for i, (u, v) in enumerate(pairs) if position[u] > position[v]}


def greedy_feedback_arcs(k: int, pairs, out_arcs=None) -> set[int]:
    """Eades–Lin–Smyth: order the nodes (sinks last, sources first, else the node with the most
    out- over in-arcs), and cut the arcs that point backwards. Self-loops are always cut."""
    out_arcs = out_arcs if out_arcs is not None else _outs(k, pairs)
    in_arcs: list[list[int]] = [[] for _ in range(k)]
    outdeg = [0] * k
    indeg = [0] * k
    for i, (u, v) in enumerate(pairs):
        if u != v:
            in_arcs[v].append(i)
            outdeg[u] += 1
            indeg[v] += 1
    alive = bytearray(b"\x01") * k
    left: list[int] = []
    right: list[int] = []
    sinks = [v for v in range(k) if outdeg[v] == 0]
    sources = [v for v in range(k) if indeg[v] == 0 and outdeg[v] > 0]
    heap = [(indeg[v] - outdeg[v], v) for v in range(k)]
    heapq.heapify(heap)
    push = heapq.heappush
    remaining = k
    while remaining:
        if sinks:
            v = sinks.pop()
            if not alive[v] or outdeg[v]:
                continue
            right.append(v)
        elif sources:
            v = sources.pop()
            if not alive[v] or indeg[v]:
                continue
            left.append(v)
        else:
            key, v = heapq.heappop(heap)
            if not alive[v] or key != indeg[v] - outdeg[v]:
                continue
            left.append(v)
        alive[v] = 0
        remaining -= 1
        for a in out_arcs[v]:
            w = pairs[a][1]
            if alive[w]:
                indeg[w] -= 1
                if indeg[w] == 0:
                    sources.append(w)
                push(heap, (indeg[w] - outdeg[w], w))
        for a in in_arcs[v]:
            u = pairs[a][0]
            if alive[u]:
                outdeg[u] -= 1
                if outdeg[u] == 0:
                    sinks.append(u)
                push(heap, (indeg[u] - outdeg[u], u))
    position = [0] * k
    for p, v in enumerate(left + right[::-1]):
        position[v] = p
    return {i for i, (u, v) in enumerate(pairs) if position[u] >= position[v]}


def _minimal(k: int, pairs, out_arcs, cut: set[int], budget: _Budget) -> set[int]:
    """Put back, while the budget lasts, each cut arc whose return closes no cycle."""
    dead = bytearray(len(pairs))
    for a in cut:
        dead[a] = 1
    kept = set(cut)
    for a in sorted(cut, reverse=True):
        u, v = pairs[a]
        if u == v:
            continue
        if not budget.take(k + len(pairs)):
            break
        if not _reaches(pairs, out_arcs, dead, v, u):
            dead[a] = 0
            kept.discard(a)
    return kept


def _reaches(pairs, out_arcs, dead, start: int, goal: int) -> bool:
    seen = {start}
    stack = [start]
    while stack:
        v = stack.pop()
        if v == goal:
            return True
        for a in out_arcs[v]:
            if not dead[a]:
                w = pairs[a][1]
                if w not in seen:
                    seen.add(w)
                    stack.append(w)
    return False


def _packing_bound(k: int, pairs, out_arcs, budget: _Budget) -> int:
    """A lower bound on any cut: the number of cycles found that share no arc."""
    dead = bytearray(len(pairs))
    count = 0
    while budget.take(4 * (k + len(pairs))):
        cycle = _short_cycle(k, pairs, out_arcs, dead)
        if cycle is None:
            break
        count += 1
        for a in cycle:
            dead[a] = 1
    return max(count, 1)


def _search(k: int, pairs, out_arcs, dead: bytearray, kept: set[int], size: int, budget: _Budget) -> set[int] | None:
    """A cut of at most `size` arcs, or None if there is none (bounded search: some arc of any
    cycle is in every cut; branch on which, keeping the arcs tried before it)."""
    if not budget.take(4 * (k + len(pairs))):
        raise _OutOfBudget
    cycle = _short_cycle(k, pairs, out_arcs, dead)
    if cycle is None:
        return {i for i in range(len(pairs)) if dead[i]}
    if size == 0:
        return None
    choices = [a for a in cycle if a not in kept]
    for i, a in enumerate(choices):
        dead[a] = 1
        found = _search(k, pairs, out_arcs, dead, kept | set(choices[:i]), size - 1, budget)
        dead[a] = 0
        if found is not None:
            return found
    return None


def count_cycles(k: int, pairs, cap: int, budget: _Budget, out_arcs=None) -> tuple[int, bool]:
    """The number of simple cycles, up to `cap`, and whether that is all of them (a group that is
    not a single cycle has at least two)."""
    out_arcs = out_arcs if out_arcs is not None else _outs(k, pairs)
    succ = [[pairs[a][1] for a in outs] for outs in out_arcs]  # the pairs are distinct
    count = 0
    steps = 0
    allowance = min(budget.left, CYCLE_COUNT_STEPS)
    complete = True
    on_path = bytearray(k)
    for s in range(k):
        on_path[s] = 1
        stack = [[s, 0]]
        while stack:
            top = stack[-1]
            v = top[0]
            nexts = succ[v]
            if top[1] < len(nexts):
                w = nexts[top[1]]
                top[1] += 1
                steps += 1
                if w == s:
                    count += 1
                elif w > s and not on_path[w]:
                    on_path[w] = 1
                    stack.append([w, 0])
            else:
                on_path[v] = 0
                stack.pop()
            if count >= cap or steps > allowance:
                complete = False
                break
        if not complete:
            break
    budget.take(min(steps, budget.left))
    return (count if complete else max(count, 2)), complete
