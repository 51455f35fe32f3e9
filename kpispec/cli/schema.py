"""`kpispec schema`: the JSON Schema of the compiled JSON, or with `--config` of the configuration."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from .application import app
from .options import fail
from .io import CliError, cannot_write, display_path, machine_out, write_atomic


@app.command()
def schema(
    config: Annotated[bool, typer.Option("--config", help="The schema of the configuration ([tool.kpispec] in pyproject.toml, or kpispec.toml) instead.")] = False,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write the schema here instead of stdout (a regular file).", readable=False)] = None,
):
    """Print the JSON Schema (draft 2020-12) of the compiled JSON.

    With --config, the JSON Schema of the configuration instead: [tool.kpispec] in pyproject.toml, or kpispec.toml.
    """
    import json

    if config:
        from ..config import config_schema as make
    else:
        from ..model import json_schema as make

    text = json.dumps(make(), ensure_ascii=False, indent=2) + "\n"
    if output is None:
        machine_out(text)
        return
    try:
        write_atomic(output, text)
    except CliError as exc:
        fail(str(exc))
    except OSError as exc:
        fail(cannot_write(display_path(output), exc))
