"""`kpispec schema`: the JSON Schema of the compiled JSON."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from .application import app
from .options import fail
from .io import CliError, cannot_write, display_path, machine_out, write_atomic


@app.command()
def schema(
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write the schema here instead of stdout (a regular file).", readable=False)] = None,
):
    """Print the JSON Schema (draft 2020-12) of the compiled JSON."""
    import json

    from ..model import json_schema

    text = json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n"
    if output is None:
        machine_out(text)
        return
    try:
        write_atomic(output, text)
    except CliError as exc:
        fail(str(exc))
    except OSError as exc:
        fail(cannot_write(display_path(output), exc))
