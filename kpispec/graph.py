"""The plan as a graph: formulas and ksf/kgi links, with cycles and reachability found iteratively."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from .diagnostics import Span
from .ir import Plan
from .resolve import walk
from .syntax import ast


@dataclass(frozen=True, slots=True)
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
        """Strongly connected components (Tarjan, iterative), each in source order."""
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
        for component in self.components():
            members = set(component)
            start = component[0]
            self_loop = [e for e in self.edges[start] if e.target == start]
            if self_loop:
                found.append([self_loop[0]])
                continue
            if len(component) < 2:
                continue
            found.append(self._shortest_cycle(start, members))
        return found

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
                    while path[0].source != start:
                        path.insert(0, previous[path[0].source])
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
