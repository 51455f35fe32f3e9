from __future__ import annotations

from ..diagnostics import Msg, Severity
from ..graph import Arc, CycleGroup, Edge
from .base import Check

LABEL_CAP = 40  # references labelled in one report; the rest are counted in a note
NAME_CAP = 10  # nodes named in the "measure one directly" advice


class CircularDependency(Check):
    """Nodes that depend on themselves through formulas and links.

    ## What it checks
    Formulas (a node is computed from its inputs), `ksf` links (a KSF is tracked by its
    KPIs) and `kgi` links (a KGI is served by its KSFs) form a graph. Each group of nodes
    that depend on each other (a strongly connected group, such as two loops that share a
    node) is reported once: a single loop in order, `a → b → c → a`, a tangled group by all
    of its nodes and how many cycles run through it, with every reference inside the group
    at its position. A node whose formula uses itself is a group of its own.

    The help names a smallest set of links whose removal breaks every cycle in the group,
    each as written (`` `b` uses `c` `` in `b`'s formula, `` `kpi x { ksf y }` ``). It is
    found exactly for groups of ordinary size; for a very big group the set is found
    greedily, checked to leave no cycle, and said to be possibly not the smallest. When
    measuring one node directly (a target and no formula) alone breaks every cycle, the help
    names the nodes for which this is so.

    ## Why it matters
    A number computed from itself cannot be computed at all, and a goal that serves its
    own KPI is not a tree: nobody can tell what drives what. Breaking one loop of a tangled
    group is not enough: the others still stand.

    ## Fails
    ```kpi
    plan p "計画" { period 2026-04-01 to 2027-03-31 }
    kpi a "A" { target 100件 per month
      formula b * 2 }
    kpi b "B" { target 50件 per month
      formula c + e }
    kpi c "C" { target 49件 per month
      formula a / 2 }
    kpi e "E" { target 10件 per month
      formula f - 1件 per month }
    kpi f "F" { target 11件 per month
      formula b / 4 }
    ```
    Two loops share `b`: one report, `circular dependencies: 2 cycles through a, b, c, e, f`,
    whose help removes 2 links (`` `c` uses `a` `` and `` `f` uses `b` ``) or measures `b`
    directly. Measuring `a` directly would leave `b → e → f → b`.

    ## Passes
    ```kpi
    plan p "計画" { period 2026-04-01 to 2027-03-31 }
    kpi a "A" { target 100件 per month
      formula b * 2 }
    kpi b "B" { target 50件 per month
      formula c + e }
    kpi c "C" { target 40件 per month }
    kpi e "E" { target 10件 per month }
    ```

    ## Fix
    Remove the links the help names, or measure the node it names directly (give it a target
    and no formula). If a link points the wrong way, turn it round: KPIs name their KSF, and
    KSFs name their KGI.
    """

    code = "KPI401"
    name = "circular-dependency"
    severity = Severity.ERROR
    summary = Msg("A cycle in formulas and links", "式やリンクの循環参照")

    def run(self):
        for group in self.ctx.graph.cycle_groups():
            yield self._report(group)

    # ------------------------------------------------------------ the report

    def _report(self, group: CycleGroup):
        first = group.edges[0]
        if group.cycle:
            chain = " → ".join([arc.source for arc in group.cycle] + [group.cycle[0].source])
            message = Msg(f"circular dependency: {chain}", f"循環参照：{chain}")
            labels = [self.label(e.span, f"{step}. {self._uses(e).en}", f"{step}. {self._uses(e).ja}")
                      for step, arc in enumerate(group.cycle, 1) for e in arc.edges]
            hidden = max(0, len(labels) - LABEL_CAP)
            labels = labels[:LABEL_CAP]
        else:
            at_least = "" if group.cycles_counted else "at least "
            ja_more = "" if group.cycles_counted else "以上"
            message = Msg(
                f"circular dependencies: {at_least}{group.cycles:,} cycles through {', '.join(group.nodes)}",
                f"循環参照：{'、'.join(group.nodes)} を通る {group.cycles:,} 個{ja_more}の循環",
            )
            cut_edges = {id(e) for arc in group.cut for e in arc.edges}
            shown = [first] + [e for arc in group.cut for e in arc.edges if e is not first]
            shown += [e for e in group.edges if id(e) not in cut_edges and e is not first]
            hidden = max(0, len(shown) - LABEL_CAP)
            labels = []
            for e in sorted(shown[:LABEL_CAP], key=lambda e: e.name.start):
                text = self._uses(e)
                if id(e) in cut_edges:
                    text = Msg(f"{text.en} (remove)", f"{text.ja}（外す）")
                labels.append(self.label(e.span, text.en, text.ja))
        primary = labels[0].message
        notes = []
        if hidden:
            notes.append(Msg(f"{hidden:,} more references inside the group are not labelled",
                             f"グループ内のほかの {hidden:,} か所の参照は省略しました"))
        if not group.cycle and not group.breakers and group.breakers_complete:
            notes.append(Msg("measuring one node directly is not enough here: whichever is chosen, a cycle remains",
                             "ここでは 1 つのノードを直接計測するだけでは足りません（どれを選んでも循環が残ります）"))
        if any(e.kind == "link" for e in group.edges):
            notes.append(Msg("a `ksf`/`kgi` link may point the wrong way: KPIs name their KSF, and KSFs name their KGI",
                             "`ksf`/`kgi` のリンクが逆向きかもしれません。KPI は KSF を、KSF は KGI を指定します"))
        return self.diag(first.span, message, self._help(group), labels=labels[1:], notes=notes,
                         primary=Msg(primary.en, primary.ja))

    def _help(self, group: CycleGroup) -> Msg:
        cut = [self._arc(arc) for arc in group.cut]
        n = len(cut)
        listed_en = "; ".join(m.en for m in cut)
        listed_ja = "、".join(m.ja for m in cut)
        if not cut:  # pragma: no cover - every group has a cut that is checked
            en = "break the cycles by removing links or measuring a node directly (give it a target and no formula)"
            ja = "リンクを外すか、ノードを直接計測して（式をなくし目標値を置く）循環を断ち切ってください"
        elif group.cycle and len(group.nodes) == 1:
            en = f"to break the cycle, remove {listed_en}: a number cannot be computed from itself"
            ja = f"循環を断ち切るには、{listed_ja} をなくしてください。数値をそれ自身から計算することはできません"
        elif group.cycle:
            en = f"to break the cycle, remove one of its links (any one will do), e.g. {listed_en}"
            ja = f"循環を断ち切るには、リンクを 1 本外してください（どれでも構いません）。例：{listed_ja}"
        elif not group.exact:
            en = (f"removing these {n} links leaves {group.remaining} cycles, though fewer links may do "
                  f"(the search for the smallest set stopped at its limit): {listed_en}")
            ja = (f"次の {n} 本のリンクを外すと、残る循環は {group.remaining} 個です（最小の組み合わせの探索は上限で"
                  f"打ち切ったため、より少ない本数で済む可能性があります）：{listed_ja}")
        elif n == 1:
            en = f"to break every cycle, remove this one link: {listed_en}"
            ja = f"次の 1 本のリンクを外せば、すべての循環が断ち切れます：{listed_ja}"
        else:
            en = f"to break every cycle, remove these {n} links (no fewer can do it): {listed_en}"
            ja = f"すべての循環を断ち切るには、次の {n} 本のリンクを外してください（これより少ない本数ではできません）：{listed_ja}"
        breakers = group.breakers
        scope_en, scope_ja = ("the cycle", "循環") if group.cycle else ("every cycle", "すべての循環")
        if breakers:
            names = [f"`{b}`" for b in breakers[:NAME_CAP]]
            more_en = f" and {len(breakers) - NAME_CAP:,} more" if len(breakers) > NAME_CAP else ""
            more_ja = f" ほか {len(breakers) - NAME_CAP:,} 個" if len(breakers) > NAME_CAP else ""
            if len(breakers) == 1:
                en += f"; or measure {names[0]} directly (give it a target and no formula): that alone breaks {scope_en}"
                ja += f"。または {names[0]} を直接計測してください（式をなくし目標値を置く）。それだけで{scope_ja}が断ち切れます"
            else:
                en += (f"; or measure any one of {', '.join(names)}{more_en} directly (give it a target and no formula): "
                       f"each alone breaks {scope_en}")
                ja += (f"。または {'、'.join(names)}{more_ja} のどれか 1 つを直接計測してください（式をなくし目標値を置く）。"
                       f"どれか 1 つだけで{scope_ja}が断ち切れます")
        return Msg(en, ja)

    # ------------------------------------------------------------ phrasing

    def _kind(self, nid: str) -> str:
        node = self.ctx.plan.nodes.get(nid)
        if nid in self.ctx.plan.params or node is None:
            return "param"
        return node.kind

    @staticmethod
    def _uses(edge: Edge) -> Msg:
        """A reference, at its position."""
        if edge.kind == "link":  # `edge.target` names `edge.source` with `ksf`/`kgi`
            return Msg(f"`{edge.target}` serves `{edge.source}`", f"`{edge.target}` は `{edge.source}` につながる")
        return Msg(f"`{edge.source}` uses `{edge.target}`", f"`{edge.source}` は `{edge.target}` を使う")

    def _arc(self, arc: Arc) -> Msg:
        """A dependency as the user wrote it, with where: `b` uses `c` (line 9); `kpi x { ksf y }` (line 4)."""
        parts_en, parts_ja = [], []
        for link in (False, True):
            edges = [e for e in arc.edges if (e.kind == "link") is link]
            if not edges:
                continue
            if link:
                written = f"`{self._kind(arc.target)} {arc.target} {{ {self._kind(arc.source)} {arc.source} }}`"
                en = ja = written
            else:
                en = f"`{arc.source}` uses `{arc.target}`"
                ja = f"`{arc.source}` は `{arc.target}` を使う"
            lines = sorted({self.ctx.source.position(e.span.start)[0] for e in edges})
            where_en = ("line " if len(lines) == 1 else "lines ") + ", ".join(map(str, lines))
            where_ja = "・".join(map(str, lines)) + " 行目"
            if len(edges) > 1:
                where_en = f"{len(edges)} references, {where_en}"
                where_ja = f"{len(edges)} か所、{where_ja}"
            parts_en.append(f"{en} ({where_en})")
            parts_ja.append(f"{ja}（{where_ja}）")
        return Msg(" and ".join(parts_en), " と ".join(parts_ja))
