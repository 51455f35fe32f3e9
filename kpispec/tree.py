"""The plan as people draw it: KGIs at the top, what feeds each, and how (×, ÷, +, −).

Two views of the same edges, for the renderers (the docs site, `kpispec graph`):
- `edges(plan, graph)`: every parent -> child edge once, formula edges labelled with the operator
  that joins the child into the parent's formula, link edges (a KSF serving a KGI, a KPI a KSF)
  unlabelled: a graph, for Mermaid and Graphviz;
- `outline(plan, graph)`: the same as a tree to read top-down. Each node is shown whole once, at
  the first place a walk from the KGIs meets it (a node's formula inputs, then the KSFs and KPIs
  linked to it, each listed before any is opened); any other place is a reference to it. Nodes that
  no KGI reaches follow as roots of their own. Built without recursion, so a chain of any length
  cannot exhaust the stack.
"""

from __future__ import annotations

from .records import field, record
from .resolve import walk
from .syntax import ast

@record(frozen=True, slots=True)
class TreeEdge:
    """One edge of the tree, from the node above to the node below."""

    parent: str
    child: str
    kind: str  # "formula" (the parent is computed from the child) or "link" (the child serves the parent)
    op: str  # how the child joins the parent's formula: "×", "÷", "+", "−", "min", … ("" for a link)


@record(slots=True)
class Entry:
    """One place in the outline: a node shown whole, or a reference to where it is."""

    id: str
    edge: TreeEdge | None  # how it hangs from its parent (None for a root)
    repeat: bool = False  # shown whole elsewhere: this is a reference
    children: list = field(default_factory=list)


def operators(expr) -> dict[str, str]:
    """Each id a formula refers to -> how it joins the formula (several ways joined by `, `):
    `÷` for whatever is in a divisor (divided an odd number of times), else `−` for whatever is
    subtracted or negated (an odd number of times), else the operator nearest above it (`×`, `+`,
    `min`, `max`; `=` for a formula that is one id). The parent's formula is shown beside it in full."""
    found: dict[str, list[str]] = {}
    stack = [(expr, "=", False, False)]  # node, the operator above it, in a divisor, subtracted
    while stack:
        node, op, div, neg = stack.pop()
        if isinstance(node, ast.Ref):
            label = "÷" if div else "−" if neg else op
            ops = found.setdefault(node.name.text, [])
            if label not in ops:
                ops.append(label)
        elif isinstance(node, ast.Binary):
            if node.op == "*":
                stack += [(node.right, "×", div, neg), (node.left, "×", div, neg)]
            elif node.op == "/":
                stack += [(node.right, "×", not div, neg), (node.left, "×", div, neg)]
            elif node.op == "+":
                stack += [(node.right, "+", div, neg), (node.left, "+", div, neg)]
            else:
                stack += [(node.right, "+", div, not neg), (node.left, "+", div, neg)]
        elif isinstance(node, ast.Negate):
            stack.append((node.operand, op, div, not neg))
        elif isinstance(node, ast.Group):
            stack.append((node.inner, op, div, neg))
        elif isinstance(node, ast.Call):
            name = node.function.text
            stack.extend((arg, "+" if name == "sum" else name, div, neg) for arg in reversed(node.args))
    return {k: ", ".join(v) for k, v in found.items()}


def _formula(plan, nid: str):
    if nid in plan.nodes:
        return plan.nodes[nid].formula
    if nid in plan.params:
        return plan.params[nid].expr
    return None


def children(plan, graph, nid: str) -> list[TreeEdge]:
    """A node's edges down: its formula's inputs in the order written, then what is linked to it."""
    out = []
    expr = _formula(plan, nid)
    if expr is not None:
        ops = operators(expr)
        seen = set()
        for node in walk(expr):
            if isinstance(node, ast.Ref) and node.name.text not in seen and node.name.text in graph.order:
                seen.add(node.name.text)
                out.append(TreeEdge(nid, node.name.text, "formula", ops[node.name.text]))
    out.extend(TreeEdge(nid, e.target, "link", "") for e in graph.edges.get(nid, ()) if e.kind == "link")
    return out


def edges(plan, graph) -> list[TreeEdge]:
    out = []
    for nid in list(plan.params) + list(plan.nodes):
        out.extend(children(plan, graph, nid))
    return out


def outline(plan, graph) -> list[Entry]:
    roots: list[Entry] = []
    shown: set[str] = set()
    starts = [n.id for n in plan.nodes.values() if n.kind == "kgi"]
    starts += [nid for nid in plan.nodes if plan.nodes[nid].kind != "kgi"]
    for start in starts:
        if start in shown:
            continue
        root = Entry(start, None)
        roots.append(root)
        shown.add(start)
        stack = [root]
        while stack:
            entry = stack.pop()
            for edge in children(plan, graph, entry.id):
                child = Entry(edge.child, edge, repeat=edge.child in shown)
                entry.children.append(child)
                if not child.repeat:
                    shown.add(edge.child)
            stack.extend(reversed([c for c in entry.children if not c.repeat]))
    return roots
