from __future__ import annotations

from collections import deque

from ..diagnostics import Msg, Severity
from ..ir import Node
from .base import Check


class DeadlineAfterParent(Check):
    """A deadline later than the deadline of the goal it serves.

    ## What it checks
    For every KGI and KPI with a `deadline`, the nearest nodes above it that have one: the
    KGI its KSF serves (`ksf X` in the KPI, `kgi Y` in the KSF), a KGI it links to
    directly, and every node whose `formula` uses it. KSFs and nodes without a deadline
    are looked through. A deadline after any of theirs is reported once, with each of the
    later parents' deadlines marked.

    ## Why it matters
    SMART's T (Time-bound): a KPI exists to move its goal. If it is only due after the
    goal's deadline, meeting it comes too late to matter, and the goal is judged before
    its drivers are.

    ## Fails
    ```kpi
    plan p "計画" { period 2026-04-01 to 2027-03-31 }
    kgi revenue "年間売上" {
      target 12億円 per year
      deadline 2026-12-31
    }
    ksf traffic "訪問者を増やす" { kgi revenue }
    kpi visitors "月間訪問者数" {
      ksf traffic
      target 1,000,000 visitors per month
      deadline 2027-03-31
    }
    ```

    ## Passes
    ```kpi
    plan p "計画" { period 2026-04-01 to 2027-03-31 }
    kgi revenue "年間売上" {
      target 12億円 per year
      deadline 2027-03-31
    }
    ksf traffic "訪問者を増やす" { kgi revenue }
    kpi visitors "月間訪問者数" {
      ksf traffic
      target 1,000,000 visitors per month
      deadline 2026-12-31
    }
    ```

    ## Fix
    Bring the deadline forward to the parent's deadline or earlier (the help line gives
    the date), or move the parent's deadline if the goal really is later.
    """

    code = "KPI213"
    name = "deadline-after-parent"
    severity = Severity.WARNING
    summary = Msg("A deadline is after the deadline of the node it serves", "期限が上位の指標の期限より後になっている")

    def run(self):
        users: dict[str, list[str]] = {}
        for source, edges in self.ctx.graph.edges.items():
            for edge in edges:
                if edge.kind in ("formula", "link"):
                    users.setdefault(edge.target, []).append(source)
        nodes = self.ctx.plan.nodes
        order = self.ctx.graph.order
        for node in self.ctx.nodes("kgi", "kpi"):
            if node.deadline is None:
                continue
            parents = self._parents(node.id, users)
            later = sorted((p for p in parents if nodes[p].deadline < node.deadline), key=order.get)
            if later:
                yield self._report(node, [nodes[p] for p in later], parents)

    def _parents(self, nid: str, users) -> dict[str, list[str]]:
        """The nearest nodes above nid that have a deadline, each with the nodes passed through."""
        nodes = self.ctx.plan.nodes
        found: dict[str, list[str]] = {}
        seen = {nid}
        queue = deque((u, []) for u in users.get(nid, ()))
        while queue:
            uid, via = queue.popleft()
            if uid in seen or uid not in nodes:
                continue
            seen.add(uid)
            if nodes[uid].deadline is not None:
                found.setdefault(uid, via)
            else:
                queue.extend((u, via + [uid]) for u in users.get(uid, ()))
        return found

    def _report(self, node: Node, later: list[Node], paths):
        earliest = min(later, key=lambda p: p.deadline)
        via = paths[earliest.id]
        through_en = f" through {', '.join(f'`{v}`' for v in via)}" if via else ""
        through_ja = f"（{'、'.join(f'`{v}`' for v in via)} 経由）" if via else ""
        labels = [
            self.label(p.attr_spans.get("deadline", p.id_span), f"`{p.id}` is due {p.deadline}", f"`{p.id}` の期限 {p.deadline}")
            for p in later
        ]
        return self.diag(
            node.attr_spans.get("deadline", node.id_span),
            Msg(f"`{node.id}` is due {node.deadline}, after `{earliest.id}` ({earliest.deadline}), which it serves{through_en}",
                f"`{node.id}` の期限 {node.deadline} が、これが支える `{earliest.id}` の期限 {earliest.deadline} より後です{through_ja}"),
            Msg(f"bring the deadline forward to {earliest.deadline} or earlier, or move `{earliest.id}`'s deadline",
                f"期限を {earliest.deadline} 以前に前倒しするか、`{earliest.id}` の期限を見直してください"),
            labels,
            primary=Msg("due too late", "期限が遅すぎる"),
        )
