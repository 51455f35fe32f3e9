"""`kpispec check` as typer declares it: the options, their help, and a call to checking.run.

A plain `kpispec check PATH…` does not come here: main() runs checking.run directly when
checking.fast_args can read the arguments (see there); this is the command for everything else.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, List, Optional

import typer

from .application import app
from .common import DEFAULT_MAX_FILE_SIZE, OutputFormat
from .options import LangOption, size_option


@app.command()
def check(
    paths: Annotated[List[Path], typer.Argument(help="Files or folders; folders are searched for *.kpi files.", readable=False)],
    output_format: Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format: text for people; json, sarif (GitHub code scanning) or github (Actions annotations).")] = OutputFormat.text,
    lang: LangOption = None,
    strict: Annotated[bool, typer.Option("--strict", help="Fail (exit 1) on warnings too.")] = False,
    config_file: Annotated[Optional[Path], typer.Option("--config", help="Use this kpispec.toml or pyproject.toml instead of searching upwards.", readable=False)] = None,
    follow_symlinks: Annotated[bool, typer.Option("--follow-symlinks", help="Follow symbolic links found in folders, and links given by name that point outside their repository.")] = False,
    max_file_size: Annotated[str, typer.Option("--max-file-size", help="Larger files are reported (KPI007), not read: bytes, or with kB, MB, GB.")] = DEFAULT_MAX_FILE_SIZE,
):
    """Check plans: syntax, names, SMART completeness, tree arithmetic, units, cycles."""
    from .checking import run

    size_option(max_file_size)  # a bad size is a usage error, before any file is read
    raise typer.Exit(run(paths, output_format, lang, strict, config_file, follow_symlinks, max_file_size))
