"""The command line: the only place that reads files, prints and exits.

One module per command, each a thin layer over `kpispec.api`; `io` holds what they share
(finding plans, reading them safely, atomic writes). Exit status: 0 clean, 1 findings,
2 usage, configuration, I/O or internal errors, 128+N when stopped by signal N.
"""

from __future__ import annotations

import os
import signal
import sys

import typer

from .. import __version__
from .common import default_lang, say
from .io import ClosedStream, OutputFailed

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


from . import check as _check  # noqa: E402  (the commands register themselves on `app`)
from . import compile as _compile  # noqa: E402,F401
from . import explain as _explain  # noqa: E402,F401
from . import schema as _schema  # noqa: E402,F401

__all__ = ["app", "default_lang", "main"]


class Stopped(BaseException):
    """SIGTERM or SIGHUP: unwinds like Ctrl-C, so that every `finally` runs."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


def _stop(signum, frame):
    raise Stopped(signum)


def _standard_streams() -> None:
    # A descriptor 0-2 closed at start (`>&-`) would be handed to the next file opened, and
    # output meant for the terminal would land in it: hold each with /dev/null instead.
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            held = os.open(os.devnull, os.O_RDWR)
            if held != fd:
                os.dup2(held, fd)
                os.close(held)
    if sys.stdout is None:
        sys.stdout = ClosedStream()
    for stream in (sys.stdout, sys.stderr):
        # A console that cannot show a character (Japanese on an ASCII locale) gets `?`.
        try:
            stream.reconfigure(errors="replace")
        except (AttributeError, ValueError):
            pass


def _silence_stdout() -> None:
    """After stdout failed: let the interpreter's final flush fail quietly."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        sys.stdout = ClosedStream()


def _output_failed(error: OSError) -> int:
    import errno

    if error.errno in (errno.EPIPE, errno.ENOSPC, errno.EBADF, errno.EIO, errno.EDQUOT, errno.EFBIG):
        if error.errno != errno.EPIPE:  # a reader that stopped early needs no message
            say(f"kpispec: error: cannot write the output: {error.strerror or error}")
        _silence_stdout()
    else:
        say(f"kpispec: internal error: {type(error).__name__}: {error}")
    return 2


def main() -> None:
    _standard_streams()
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _stop)
    code = 0
    try:
        try:
            app()
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 2)
        try:
            sys.stdout.flush()
        except OSError as exc:
            code = _output_failed(exc)
    except OutputFailed as exc:
        code = _output_failed(exc.error)
    except OSError as exc:  # reads and `-o` writes report their own errors: this is stdout or stderr
        code = _output_failed(exc)
    except KeyboardInterrupt:
        say("kpispec: interrupted")
        code = 130
    except Stopped as exc:
        say(f"kpispec: stopped by {signal.Signals(exc.signum).name}")
        code = 128 + exc.signum
    except MemoryError:
        say("kpispec: error: out of memory")
        code = 2
    except Exception as exc:  # noqa: BLE001 - a bug in kpispec ends in one line, not a traceback
        say(f"kpispec: internal error: {type(exc).__name__}: {exc}")
        code = 2
    sys.exit(code)
