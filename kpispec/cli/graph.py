"""`kpispec graph`: one plan's KPI tree as Mermaid or Graphviz DOT, on stdout or written atomically with `-o`."""

from __future__ import annotations

import os
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from .application import app
from .common import use_colour, use_language
from .io import CliError, Text, cannot_write, display_path, machine_out, output_target, write_atomic
from .options import LangOption, fail


class GraphFormat(str, Enum):
    """What `--format` draws: a Mermaid flowchart, or a Graphviz digraph."""

    mermaid = "mermaid"
    dot = "dot"


def _stops_the_graph(d) -> bool:
    """A syntax (KPI0xx) or name (KPI1xx) error: there is no tree to draw. The plan checks'
    findings are `kpispec check`'s to report; a goal they find missed is drawn as missed."""
    from ..diagnostics import Severity

    return d.severity is Severity.ERROR and d.code[3:4] in ("0", "1")


@app.command("graph")
def graph(
    file: Annotated[Path, typer.Argument(help="The .kpi file to draw.", readable=False)],
    format_: Annotated[GraphFormat, typer.Option(
        "--format", "-f", help="mermaid (for Markdown) or dot (Graphviz).")] = GraphFormat.mermaid,
    output: Annotated[Optional[Path], typer.Option(
        "--output", "-o", help="Write the graph here instead of stdout (a regular file; never the input).",
        readable=False)] = None,
    lang: LangOption = None,
    follow_symlinks: Annotated[bool, typer.Option(
        "--follow-symlinks",
        help="Follow FILE, and write the output, even through symbolic links that lead out of their repository.")] = False,
):
    """Draw a plan's KPI tree as a Mermaid flowchart or a Graphviz digraph, with each goal's verdict."""
    from ..analysis.goals import standings
    from ..render import dot, mermaid
    from ..render.text import TextRenderer
    from ..site.collect import collect

    lang_code = use_language(lang)
    shown_file = display_path(file)
    if os.path.isdir(file):
        fail(Text(f"{shown_file} is a folder; graph takes one .kpi file",
                  f"{shown_file} はフォルダです。kpispec graph には .kpi ファイルを 1 つ指定してください"))
    out_of_memory = False
    collected = None
    problem = None
    try:
        # Found, read and analysed as `check` does (its configuration, size limit and links).
        collected = collect([file], follow_symlinks=follow_symlinks)
    except MemoryError:  # reported below, once the exception no longer holds the failed work
        out_of_memory = True
    except Exception as exc:  # noqa: BLE001 - a bug in kpispec must not end in a traceback
        kind = type(exc).__name__
        problem = Text(f"internal error while reading {shown_file}: {kind}: {exc}",
                       f"{shown_file} の読み込み中に内部エラーが起きました：{kind}: {exc}")
    if out_of_memory:
        fail(Text(f"out of memory while reading {shown_file}", f"{shown_file} の読み込み中にメモリが足りなくなりました"))
    if problem or collected is None:
        fail(problem or Text(f"cannot read {shown_file}", f"{shown_file} を読めません"))
    if collected.errors:
        fail(collected.errors[0])
    result = collected.results[0]
    real = os.path.realpath(file)
    if output is not None:
        # Checked before anything is drawn: a plan is never overwritten with its own graph.
        try:
            output_target(output, (real,), follow_symlinks)
        except CliError as exc:
            fail(str(exc))
    stopping = [d for d in result.diagnostics if _stops_the_graph(d)]
    if stopping or result.plan is None or result.plan.info is None or result.context is None:
        shown = stopping or result.diagnostics
        renderer = TextRenderer(lang_code, use_colour(sys.stderr))
        for d in shown:
            sys.stderr.write(renderer.render(d, result.source) + "\n\n")
        sys.stderr.write(renderer.summary(shown, 1) + "\n")
        raise typer.Exit(1)
    text = problem = None
    try:
        context = result.context
        verdicts = standings(context.arithmetic)
        draw = mermaid.render if format_ is GraphFormat.mermaid else dot.render
        text = draw(result.plan, context.graph, verdicts, lang_code)
    except MemoryError:
        problem = Text(f"out of memory while drawing {result.source.path}",
                       f"{result.source.path} の描画中にメモリが足りなくなりました")
    except Exception as exc:  # noqa: BLE001 - a bug in kpispec must not end in a traceback
        kind = type(exc).__name__
        problem = Text(f"internal error while drawing {result.source.path}: {kind}: {exc}",
                       f"{result.source.path} の描画中に内部エラーが起きました：{kind}: {exc}")
    if problem or text is None:
        fail(problem or Text(f"nothing drawn for {result.source.path}", f"{result.source.path} からは何も描かれませんでした"))
    if output is None:
        machine_out(text)
    else:
        try:
            write_atomic(output, text, inputs=(real,), follow=follow_symlinks)
        except CliError as exc:
            fail(str(exc))
        except OSError as exc:
            fail(cannot_write(display_path(output), exc))
    raise typer.Exit(0)
