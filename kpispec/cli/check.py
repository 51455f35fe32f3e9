"""`kpispec check` as typer declares it: the options, their help, and a call to checking.run.

A plain `kpispec check PATH…` does not come here: main() runs checking.run directly when
checking.fast_args can read the arguments (see there); this is the command for everything else.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, List, Optional

import typer

from .application import app
from .common import DEFAULT_MAX_FILE_SIZE, Colour, OutputFormat
from .options import LangOption, size_option


@app.command()
def check(
    paths: Annotated[List[Path], typer.Argument(help="Files or folders; folders are searched for *.kpi files; - reads a plan from standard input.", readable=False, show_default=False)],
    output_format: Annotated[Optional[OutputFormat], typer.Option("--format", "-f", help="Output format: text for people; json, sarif (GitHub code scanning) or github (Actions annotations). Default: github inside GitHub Actions, else text.", show_default=False)] = None,
    output_file: Annotated[Optional[Path], typer.Option("--output-file", "-o", metavar="FILE", help="Write the report to this file (replaced whole, even when the run fails) instead of standard output.", readable=False)] = None,
    lang: LangOption = None,
    strict: Annotated[bool, typer.Option("--strict", help="Fail (exit 1) on warnings too.")] = False,
    exit_zero: Annotated[bool, typer.Option("--exit-zero", help="Exit 0 even when there are findings (2 still means the run failed).")] = False,
    select: Annotated[Optional[List[str]], typer.Option("--select", metavar="CODES", help="Report only these rule codes or prefixes (KPI301,KPI2); repeatable.", show_default=False)] = None,
    ignore: Annotated[Optional[List[str]], typer.Option("--ignore", metavar="CODES", help="Leave out these rule codes or prefixes; repeatable.", show_default=False)] = None,
    config_file: Annotated[Optional[Path], typer.Option("--config", help="Use this kpispec.toml or pyproject.toml instead of searching upwards.", readable=False)] = None,
    root: Annotated[Optional[Path], typer.Option("--root", metavar="DIR", help="Name files in sarif and github output from this folder (default: the git repository's top level).", readable=False)] = None,
    stdin_filename: Annotated[Optional[str], typer.Option("--stdin-filename", metavar="NAME", help="The name to report, and to find the configuration from, for the plan read from -.")] = None,
    color: Annotated[Optional[Colour], typer.Option("--color", help="Colour the text output: auto (a terminal; NO_COLOR and FORCE_COLOR are read), always or never.", show_default=False)] = None,
    follow_symlinks: Annotated[bool, typer.Option("--follow-symlinks", help="Follow symbolic links found in folders, and links given by name that point outside their repository.")] = False,
    max_file_size: Annotated[str, typer.Option("--max-file-size", help="Larger files are reported (KPI007), not read: bytes, or with kB, MB, GB.")] = DEFAULT_MAX_FILE_SIZE,
):
    """Check plans: syntax, names, SMART completeness, tree arithmetic, units, cycles."""
    from .checking import run

    size_option(max_file_size)  # a bad size is a usage error, before any file is read
    raise typer.Exit(run(paths, output_format, output_file, lang, strict, exit_zero, select, ignore, config_file, root,
                         stdin_filename, color, follow_symlinks, max_file_size))
