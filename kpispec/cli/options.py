"""What typer's commands share: option declarations, and exiting with a message."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from .common import BadSize, Lang, error, size_in_bytes

LangOption = Annotated[Optional[Lang], typer.Option("--lang", help="Message language (default: from LANG).")]


def fail(message: str) -> None:
    error(message)
    raise typer.Exit(2)


def size_option(text: str) -> int:
    """`--max-file-size` in bytes; click reports a bad one as a usage error (exit 2)."""
    try:
        return size_in_bytes(text)
    except BadSize as exc:
        raise typer.BadParameter(str(exc)) from None


def one_plan(file, follow_symlinks: bool, command: str):
    """The one .kpi file a command takes (an io.PlanFile), or exit 2 with why not."""
    import os

    from .io import display_path, find_plans

    if os.path.isdir(file):
        fail(f"{display_path(file)} is a folder; {command} takes one .kpi file")
    found = find_plans([file], follow_symlinks)
    if found.errors:
        fail(found.errors[0])
    return found.files[0]
