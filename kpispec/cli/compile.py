"""`kpispec compile`: one plan to JSON, on stdout or written atomically with `-o`."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from .application import app
from .common import DEFAULT_MAX_FILE_SIZE, use_colour, use_language
from .options import LangOption, fail, one_plan, size_option
from .io import (CliError, Text, TooLarge, cannot_write, display_path, machine_out, output_target, printable, read_regular,
                 repository_root, write_atomic)


@app.command("compile")
def compile_(
    file: Annotated[Path, typer.Argument(help="The .kpi file to compile.", readable=False)],
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write the JSON here instead of stdout (a regular file; never the input).", readable=False)] = None,
    lang: LangOption = None,
    follow_symlinks: Annotated[bool, typer.Option("--follow-symlinks", help="Follow FILE, and write the output, even through symbolic links that lead out of their repository.")] = False,
    max_file_size: Annotated[str, typer.Option("--max-file-size", help="Refuse larger files: bytes, or with kB, MB, GB.")] = DEFAULT_MAX_FILE_SIZE,
    with_verdicts: Annotated[bool, typer.Option(
        "--with-verdicts", help="Check the plan too, and give each node with a formula its verdict: the value its "
                                "inputs' targets imply, the margin, met or not (texts in --lang).")] = False,
):
    """Compile a plan to JSON (see schemas/kpispec.schema.json)."""
    from ..api import analyze_bytes, compile_to, too_large
    from ..render.text import TextRenderer

    lang_code = use_language(lang)
    limit = size_option(max_file_size)
    plan = one_plan(file, follow_symlinks, "compile")
    out_of_memory = False
    try:
        # Checked before any work: a plan is never overwritten with its own JSON.
        if output is not None:
            output_target(output, (plan.real,), follow_symlinks)
        # Compiling needs the plan to parse and its names to resolve; the validator's findings
        # are `kpispec check`'s job, so a large plan compiles without paying for them, unless
        # its verdicts are asked for (the checks prove them).
        if with_verdicts:
            from .configs import Configs

            configs = Configs(None)
            config = configs.for_file(plan.real)
            if configs.errors:
                fail(configs.errors[0])
            result = analyze_bytes(plan.shown, read_regular(plan, limit), config, keep_tree=False, keep_context=True)
        else:
            result = analyze_bytes(plan.shown, read_regular(plan, limit), checks=False, keep_tree=False)
    except CliError as exc:
        fail(str(exc))
    except TooLarge as exc:
        result = too_large(plan.shown, exc.size, limit)
    except MemoryError:  # reported below, once the exception no longer holds the failed work
        out_of_memory = True
    except Exception as exc:  # noqa: BLE001 - a bug in kpispec must not end in a traceback
        kind = type(exc).__name__
        fail(Text(f"internal error while compiling {plan.shown}: {kind}: {exc}",
                  f"{plan.shown} のコンパイル中に内部エラーが起きました：{kind}: {exc}"))
    if out_of_memory:
        fail(Text(f"out of memory while compiling {plan.shown}", f"{plan.shown} のコンパイル中にメモリが足りなくなりました"))
    renderer = TextRenderer(lang_code, use_colour(sys.stderr))
    # With the checks run, their findings are `check`'s to show: only what stops compiling is shown.
    shown = [d for d in result.diagnostics if _stops_compiling(d)] if with_verdicts else result.diagnostics
    for d in shown:
        sys.stderr.write(renderer.render(d, result.source) + "\n\n")
    failed = bool(shown) if with_verdicts else not result.ok
    if failed or result.plan is None or result.plan.info is None:
        sys.stderr.write(renderer.summary(shown, 1) + "\n")
        raise typer.Exit(1)
    verdicts = None
    if with_verdicts and result.context is not None:
        from ..analysis.goals import standings

        verdicts = {**standings(result.context.arithmetic), "": lang_code}
    name = compiled_name(Path(plan.real))
    # The JSON is streamed node by node: a 100,000-KPI plan never exists as one string.
    if output is None:
        compile_to(result, machine_out, name, verdicts)
    else:
        try:
            write_atomic(output, lambda write: compile_to(result, write, name, verdicts), inputs=(plan.real,),
                         follow=follow_symlinks)
        except CliError as exc:
            fail(str(exc))
        except OSError as exc:
            fail(cannot_write(display_path(output), exc))
    raise typer.Exit(0)


def compiled_name(path: Path) -> str:
    """The compiled JSON names its plan the same way whatever path was given: relative to the
    repository root, or only the file name outside a repository."""
    real = Path(os.path.realpath(path))
    root = repository_root(real.parent)
    if root is not None:
        try:
            return printable(real.relative_to(os.path.realpath(root)).as_posix())
        except ValueError:
            pass
    return printable(real.name)


def _stops_compiling(d) -> bool:
    """An error of the file's syntax (KPI0xx) or names (KPI1xx): no plan to compile."""
    from ..diagnostics import Severity

    return d.severity is Severity.ERROR and d.code[3:4] in ("0", "1")
