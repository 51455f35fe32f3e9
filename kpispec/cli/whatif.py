"""`kpispec whatif`: a plan recomputed with other values, solved backwards from its goals, and its levers ranked."""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, List, Optional

import typer

from .application import app
from .common import DEFAULT_MAX_FILE_SIZE, use_colour, use_language
from .io import CliError, Text, TooLarge, machine_out, read_regular
from .options import LangOption, fail, one_plan, size_option


class WhatifFormat(str, Enum):
    text = "text"
    json = "json"


@app.command("whatif")
def whatif(
    file: Annotated[Path, typer.Argument(help="The .kpi file to plan with.", readable=False)],
    set_: Annotated[Optional[List[str]], typer.Option(
        "--set", metavar="ID=VALUE",
        help="Put VALUE in place of ID's target (or a param's value), e.g. --set cvr=3%. Repeatable. "
             "A bare number takes the target's unit and period. A node whose formula feeds another is used as "
             "that value; a goal that feeds nothing (a KGI) gets that target.")] = None,
    solve: Annotated[Optional[List[str]], typer.Option(
        "--solve", metavar="ID",
        help="The value of ID that exactly meets each goal it feeds, the other inputs at their targets. Repeatable.")] = None,
    sensitivity: Annotated[bool, typer.Option(
        "--sensitivity", help="For each goal, every input ranked by what a 10% better target does to the goal.")] = False,
    goal: Annotated[Optional[List[str]], typer.Option(
        "--goal", metavar="ID", help="Only these goals (for the what-if, --solve and --sensitivity). Repeatable.")] = None,
    format_: Annotated[WhatifFormat, typer.Option("--format", "-f", help="text or json.")] = WhatifFormat.text,
    lang: LangOption = None,
    follow_symlinks: Annotated[bool, typer.Option(
        "--follow-symlinks", help="Follow FILE even through symbolic links that lead out of its repository.")] = False,
    max_file_size: Annotated[str, typer.Option(
        "--max-file-size", help="Refuse larger files: bytes, or with kB, MB, GB.")] = DEFAULT_MAX_FILE_SIZE,
):
    """Recompute a plan with other values (--set), solve for an input (--solve), rank inputs (--sensitivity)."""
    from ..api import analyze_bytes
    from ..planning import SettingError, check_solvable, scenario, split_setting
    from ..syntax.names import normalise
    from ..render.text import TextRenderer
    from .configs import Configs

    lang_code = use_language(lang)
    limit = size_option(max_file_size)
    plan_file = one_plan(file, follow_symlinks, "whatif")
    configs = Configs(None)
    config = configs.for_file(plan_file.real)
    if configs.errors:
        fail(configs.errors[0])
    try:
        result = analyze_bytes(plan_file.shown, read_regular(plan_file, limit), config, keep_context=True)
    except CliError as exc:
        fail(str(exc))
    except TooLarge as exc:
        shown = plan_file.shown
        fail(Text(f"{shown} is too large to read ({exc.size:,} bytes; the limit is {limit:,}): raise --max-file-size",
                  f"{shown} は大きすぎて読めません（{exc.size:,} バイト、上限は {limit:,} バイト）：--max-file-size を引き上げてください"))
    # Only errors of syntax (KPI0xx) and names (KPI1xx) stop it: a goal the targets miss is what it is for.
    stopping = [d for d in result.diagnostics if d.severity.value == "error" and d.code[3:4] in ("0", "1")]
    if stopping or result.plan is None or result.context is None:
        renderer = TextRenderer(lang_code, use_colour(sys.stderr))
        for d in stopping:
            sys.stderr.write(renderer.render(d, result.source) + "\n\n")
        sys.stderr.write(renderer.summary(stopping, 1) + "\n")
        raise typer.Exit(1)
    try:
        values = [split_setting(s) for s in set_ or ()]
        solve, goal = [normalise(n) for n in solve or ()], [normalise(n) for n in goal or ()]  # as the plan reads ids
        for nid in solve or ():
            check_solvable(result, nid)
        for nid in goal or ():
            if nid not in result.plan.nodes or result.plan.nodes[nid].formula is None:
                raise SettingError(_no_goal(nid))
        planned = scenario(result, values, config)
        # A node with a formula is solved for as an input: in a plan of its own with its formula set aside.
        solving = {nid: planned.after if result.plan.nodes[nid].formula is None or nid in dict(values)
                   else scenario(result, values, config, (nid,)).after for nid in solve or ()}
    except SettingError as exc:
        fail(exc.message)
    text = _render(plan_file.shown, planned, solving, sensitivity, goal or [], format_, lang_code, config)
    machine_out(text)
    raise typer.Exit(0)


def _no_goal(nid: str):
    from ..diagnostics import Msg

    return Msg(f"`{nid}` is not a goal: --goal takes a node with a formula",
               f"`{nid}` は目標ではありません：--goal には式を持つノードを指定してください")


def _render(path: str, planned, solving: dict, sensitivity: bool, goals: list, format_, lang: str, config) -> str:
    from .. import planning
    from ..render import planning as show

    after = planned.after
    if goals:
        planned.goals = [g for g in planned.goals if g[0] in goals]
    usable = after.plan is not None and after.context is not None
    parts: list[str] = []
    data: dict = show.scenario_json(path, planned, lang)
    if planned.settings or not (solving or sensitivity):
        parts.append(show.scenario_text(path, planned, lang))
    data["solve"] = []
    for nid, solved in solving.items():
        if solved.plan is None or solved.context is None:
            parts.append(_unusable(lang))
            continue
        arithmetic = solved.context.arithmetic
        found = [s for s in planning.solve(solved, nid, config) if not goals or s.goal in goals]
        every = planning.all_goals(solved, nid, found, config)
        parts.append(show.solutions_text(arithmetic, nid, found, lang, planned.before.plan.nodes[nid], every))
        data["solve"].append(show.solutions_json(arithmetic, nid, found, lang, every))
    if sensitivity and not usable:
        parts.append(_unusable(lang))
    elif sensitivity:
        arithmetic = after.context.arithmetic
        data["sensitivity"] = []
        for g, found in planning.sensitivity(after, goals[0] if len(goals) == 1 else None, config):
            if not goals or g in goals:
                parts.append(show.sensitivity_text(arithmetic, g, found, lang))
                data["sensitivity"].append(show.sensitivity_json(arithmetic, g, found, lang))
        if not data["sensitivity"]:
            parts.append("no goal with a formula and a target to rank inputs for\n" if lang != "ja"
                         else "式と目標値を持つ目標がないため、感度を計算できません\n")
    if format_.value == "json":
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    return "\n".join(parts)


def _unusable(lang: str) -> str:
    return "the plan with these values cannot be analysed\n" if lang != "ja" else "変更後の計画を解析できません\n"
