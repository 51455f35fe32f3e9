"""The KPI tree in Graphviz's DOT language (`kpispec graph --format dot`).

Every id and label is a double-quoted DOT string made by `quote`: `\\` and `"` are escaped with
a backslash (so no text can end its string, or form an escape such as `\\N` or `\\l`), line breaks
in the plan's texts become spaces, and the line breaks between a node's lines are `\\n` written
here. `&`, `<` and `>` are written as the HTML entities Graphviz reads in any label, so the text
stays inert even for a tool that pastes labels into HTML. No label is an HTML-like `<…>` label,
and no node has the `record` shape (whose `|`, `{` and `}` would mean fields).
"""

from __future__ import annotations

from ..analysis.goals import MET, MISSES, UNKNOWN
from .mermaid import describe, nodes_shown

_SHAPES = {"kgi": "box, style=\"rounded,filled\"", "ksf": "hexagon, style=filled", "kpi": "box, style=filled",
           "param": "component, style=filled"}
_FILLS = {MET: "#e3f4e6", MISSES: "#fde8e8", UNKNOWN: "#fff4d6", None: "#ffffff"}
_PENS = {MET: "#1b7a34", MISSES: "#b3261e", UNKNOWN: "#8a5a00", None: "#444444"}
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


def quote(text: str) -> str:
    """A DOT string holding `text` exactly as written, on one line."""
    out = ['"']
    for char in text:
        if char == "\\":
            out.append("\\\\")
        elif char == '"':
            out.append('\\"')
        elif char in _ENTITIES:
            out.append(_ENTITIES[char])
        elif char in "\r\n\t\v\f\x85\u2028\u2029" or (char < " ") or char == "\x7f":
            out.append(" ")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


def _label(lines) -> str:
    # Each line quoted on its own, then joined with DOT's `\n` (centred line break) inside one string.
    return '"' + "\\n".join(quote(line)[1:-1] for line in lines) + '"'


def render(plan, graph, verdicts: dict, lang: str = "en") -> str:
    """The plan as `digraph kpis`: one statement per node and per edge; formula edges labelled with
    the operator, links dashed; a goal's verdict as its fill and pen colour and in its label."""
    ids, found = nodes_shown(plan, graph)
    out = ["digraph kpis {", "    rankdir=TB;", '    node [fontname="sans-serif"];', '    edge [fontname="sans-serif"];']
    shown_ids = set(ids)
    for nid in ids:
        shown = describe(plan, nid, verdicts.get(nid), lang)
        penwidth = "3" if shown.status == MISSES else "1"
        out.append(f"    {quote(nid)} [shape={_SHAPES[shown.kind]}, label={_label(shown.lines)}, "
                   f'fillcolor="{_FILLS[shown.status]}", color="{_PENS[shown.status]}", penwidth={penwidth}];')
    for edge in found:
        if edge.parent not in shown_ids or edge.child not in shown_ids:
            continue
        if edge.kind == "formula":
            out.append(f"    {quote(edge.parent)} -> {quote(edge.child)} [label={quote(edge.op)}];")
        else:
            out.append(f"    {quote(edge.parent)} -> {quote(edge.child)} [style=dashed];")
    out.append("}")
    return "\n".join(out) + "\n"
