"""What typer's commands share: option declarations, and exiting with a message."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from .common import BadSize, Lang, error, size_in_bytes
from .io import Text

LangOption = Annotated[Optional[Lang], typer.Option("--lang", help="Message language (default: from LANG).")]


def fail(message) -> None:
    """Exit 2 with `kpispec: error: …` in the run's language (a Text or a Msg: both its languages)."""
    error(message)
    raise typer.Exit(2)


def size_option(text: str) -> int:
    """`--max-file-size` in bytes; click reports a bad one as a usage error (exit 2)."""
    try:
        return size_in_bytes(text)
    except BadSize as exc:
        # The Text itself, not str(exc): a usage error in Japanese says its Japanese (application.py).
        raise typer.BadParameter(exc.args[0]) from None


def one_plan(file, follow_symlinks: bool, command: str):
    """The one .kpi file a command takes (an io.PlanFile), or exit 2 with why not."""
    import os

    from .io import display_path, find_plans

    if os.path.isdir(file):
        shown = display_path(file)
        fail(Text(f"{shown} is a folder; {command} takes one .kpi file",
                  f"{shown} はフォルダです。kpispec {command} には .kpi ファイルを 1 つ指定してください"))
    found = find_plans([file], follow_symlinks)
    if found.errors:
        fail(found.errors[0])
    return found.files[0]
