"""The command line: the only place that reads files, prints and exits.

One module per command, each a thin layer over `kpispec.api`; `io` holds what they share
(finding plans, reading them safely, atomic writes). Exit status: 0 clean, 1 findings,
2 usage, configuration, I/O or internal errors, 128+N when stopped by signal N.
"""

from __future__ import annotations

import os
import signal
import sys

# Nothing else is imported before main() has put its signal handlers in place: Ctrl-C during
# start-up then ends in one line too, not a traceback. A plain `kpispec check` never imports
# typer at all (checking.py).


def __getattr__(name: str):
    if name == "app":
        from .application import app

        return app
    if name == "default_lang":
        from .common import default_lang

        return default_lang
    raise AttributeError(name)


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
    from .io import ClosedStream

    if sys.stdout is None:
        sys.stdout = ClosedStream()
    if sys.stderr is None:  # nowhere to report anything: messages are dropped, not crashed on
        sys.stderr = ClosedStream(silent=True)
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
        from .io import ClosedStream

        sys.stdout = ClosedStream()


def _japanese() -> bool:
    """Whether this run speaks Japanese: as soon as the command line is read, its `--lang` or the
    environment (kpispec.cli.common keeps it); before that, the environment."""
    common = sys.modules.get(__name__ + ".common")
    if common is not None:
        return common.run_language() == "ja"
    for var in ("KPISPEC_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var)
        if value:
            return value.lower().startswith("ja")
    return False


def _said(en: str, ja: str) -> str:
    return ja if _japanese() else en


def _output_failed(error: OSError) -> int:
    import errno

    if error.errno in (errno.EPIPE, errno.ENOSPC, errno.EBADF, errno.EIO, errno.EDQUOT, errno.EFBIG):
        if error.errno != errno.EPIPE:  # a reader that stopped early needs no message
            from .io import reason

            why = reason(error)
            _say(_said(f"kpispec: error: cannot write the output: {why}", f"kpispec: エラー: 出力を書き込めません：{why.ja}"))
        _silence_stdout()
    else:
        _internal_error(error)
    return 2


def _internal_error(exc: BaseException) -> None:
    _say(_said(f"kpispec: internal error: {type(exc).__name__}: {exc}", f"kpispec: 内部エラー: {type(exc).__name__}: {exc}"))


# Options that take a value: the word after them is that value, whatever it looks like.
_VALUED = {"-o", "--output", "--config", "-f", "--format", "--lang", "--max-file-size", "--git", "--set", "--solve", "--goal",
           "--title", "--dev-addr", "-t", "--template", "--hook-repo", "--hook-rev", "--output-file", "--select",
           "--ignore", "--root", "--stdin-filename", "--color"}


def _paths_are_paths(args: list[str]) -> list[str]:
    """An argument that names an existing file or folder is a path, never an option.

    pre-commit and `kpispec check $(git diff --name-only …)` pass file names as they are: a
    committed file named `--config=evil.kpi` must not become an option. Such arguments are
    moved after a `--`, where click reads only paths."""
    options: list[str] = []
    paths: list[str] = []
    after_dashes = False
    expects_value = False
    for arg in args:
        if arg == "--" and not (after_dashes or expects_value):
            after_dashes = True  # the user's own `--`: one is put back before the paths below
            continue
        if after_dashes or expects_value or not arg.startswith("-") or arg == "-":
            (paths if after_dashes else options).append(arg)
            expects_value = False
            continue
        if os.path.lexists(arg):
            paths.append(arg)
            continue
        options.append(arg)
        expects_value = arg in _VALUED
    return options + (["--", *paths] if paths else [])


def main() -> None:
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        if signal.getsignal(signum) is not signal.SIG_IGN:  # nohup and background jobs ignore some: keep it so
            signal.signal(signum, _stop)
    out_of_memory = False
    try:
        code = _run()
    except Stopped as exc:
        name = signal.Signals(exc.signum).name
        _say(_said("kpispec: interrupted", "kpispec: 中断しました") if exc.signum == signal.SIGINT
             else _said(f"kpispec: stopped by {name}", f"kpispec: {name} で停止しました"))
        code = 128 + exc.signum
    except KeyboardInterrupt:
        _say(_said("kpispec: interrupted", "kpispec: 中断しました"))
        code = 130
    except MemoryError:  # raised again by a handler that itself ran out of memory
        out_of_memory = True
    if out_of_memory:
        code = _out_of_memory()
    sys.exit(code)


def _out_of_memory() -> int:
    """Called once a MemoryError has been left behind (outside its `except`), so that what the
    failed work held is free again and the message can be allocated."""
    _say(_said("kpispec: error: out of memory", "kpispec: エラー: メモリが足りません"))
    return 2


def _say(line: str) -> None:
    try:
        sys.stderr.write(line + "\n")
        sys.stderr.flush()
    except (OSError, ValueError, AttributeError, MemoryError):
        pass


def _run() -> int:
    from .io import OutputFailed

    code = 0
    out_of_memory = False
    try:
        _standard_streams()
        args = _paths_are_paths(sys.argv[1:])
        from .common import language_in, use_language

        # Said in the language asked for anywhere on the command line, even an error found before
        # its `--lang` is read; each command then sets it again from its own `--lang`.
        use_language(language_in(args, _VALUED))
        from .checking import fast_args

        fast = fast_args(args)
        if fast is not None:  # a plain `check`: run without importing typer (checking.py)
            from .checking import run

            code = run(**fast)
        else:
            try:
                from .application import run

                code = run(args)
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
    except MemoryError:
        out_of_memory = True
    except Exception as exc:  # noqa: BLE001 - a bug in kpispec ends in one line, not a traceback
        _internal_error(exc)
        code = 2
    return _out_of_memory() if out_of_memory else code
