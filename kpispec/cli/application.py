"""The typer application: the root options and the commands, one module each."""

from __future__ import annotations

import sys

import typer

from .. import __version__

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    help="kpispec: KPI plans as code. Check, compile and document .kpi files.",
)


def _version(value: bool):
    if value:
        sys.stdout.write(f"kpispec {__version__}\n")
        raise typer.Exit(0)


@app.callback()
def root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show the version and exit."),
):
    """kpispec: KPI plans as code."""


from . import check as _check  # noqa: E402,F401  (the commands register themselves on `app`)
from . import compile as _compile  # noqa: E402,F401
from . import diff as _diff  # noqa: E402,F401
from . import docs as _docs  # noqa: E402,F401
from . import explain as _explain  # noqa: E402,F401
from . import graph as _graph  # noqa: E402,F401
from . import schema as _schema  # noqa: E402,F401
from . import whatif as _whatif  # noqa: E402,F401
