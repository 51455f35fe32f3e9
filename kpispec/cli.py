"""The command line: the only place that reads files, prints and exits."""

from __future__ import annotations

import os
import sys
import tempfile
from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer

from . import __version__

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    help="kpispec: KPI plans as code. Check, compile and document .kpi files.",
)

SKIP_DIRS = {".git", ".hg", ".svn", ".venv", "venv", "node_modules", "__pycache__", ".tox", "site"}


class OutputFormat(str, Enum):
    text = "text"
    json = "json"
    sarif = "sarif"
    github = "github"


class Lang(str, Enum):
    en = "en"
    ja = "ja"


class CliError(Exception):
    """A usage or I/O problem: reported on stderr, exit status 2."""


def default_lang() -> str:
    for var in ("KPISPEC_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var)
        if value:
            return "ja" if value.lower().startswith("ja") else "en"
    return "en"


def use_colour(stream) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    return hasattr(stream, "isatty") and stream.isatty()


def find_files(paths: list[Path]) -> tuple[list[Path], list[str]]:
    """Expand folders to the .kpi files in them; report paths that do not exist."""
    files: list[Path] = []
    missing: list[str] = []
    for path in paths:
        if path.is_dir():
            for root, dirs, names in os.walk(path):
                dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith("."))
                files.extend(Path(root) / n for n in sorted(names) if n.endswith(".kpi"))
        elif path.exists():
            files.append(path)
        else:
            missing.append(str(path))
    unique = list(dict.fromkeys(Path(os.path.normpath(f)) for f in files))
    return sorted(unique, key=lambda p: p.as_posix()), missing


def display_path(path: Path) -> str:
    """Paths as the user gave them; absolute paths under the working folder become relative."""
    if path.is_absolute():
        try:
            return path.relative_to(Path.cwd()).as_posix()
        except ValueError:
            return path.as_posix()
    return path.as_posix()


def read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise CliError(f"cannot read {display_path(path)}: {exc.strerror or exc}") from None


def fail(message: str) -> None:
    typer.echo(f"kpispec: error: {message}", err=True)
    raise typer.Exit(2)


def version_callback(value: bool):
    if value:
        typer.echo(f"kpispec {__version__}")
        raise typer.Exit(0)


@app.callback()
def root(
    version: bool = typer.Option(False, "--version", callback=version_callback, is_eager=True,
                                 help="Show the version and exit."),
):
    """kpispec: KPI plans as code."""


@app.command()
def check(
    paths: List[Path] = typer.Argument(..., help="Files or folders; folders are searched for *.kpi files."),
    output_format: OutputFormat = typer.Option(OutputFormat.text, "--format", "-f", help="Output format: text for people; json, sarif (GitHub code scanning) or github (Actions annotations)."),
    lang: Optional[Lang] = typer.Option(None, "--lang", help="Message language (default: from LANG)."),
    strict: bool = typer.Option(False, "--strict", help="Fail (exit 1) on warnings too."),
    config_file: Optional[Path] = typer.Option(None, "--config", help="Use this kpispec.toml or pyproject.toml instead of searching upwards."),
):
    """Check plans: syntax, names, SMART completeness, tree arithmetic, units, cycles."""
    from .api import analyze_bytes
    from .diagnostics import Severity

    language = lang.value if lang else default_lang()
    files, missing = find_files(paths)
    for path in missing:
        typer.echo(f"kpispec: error: no such file or folder: {path}", err=True)
    configs = ConfigCache(config_file)
    results = []
    io_error = bool(missing)
    for path in files:
        try:
            data = read(path)
            config = configs.for_file(path)
        except CliError as exc:
            typer.echo(f"kpispec: error: {exc}", err=True)
            io_error = True
            continue
        try:
            results.append(analyze_bytes(display_path(path), data, config))
        except Exception as exc:  # noqa: BLE001 - a bug in kpispec must not end in a traceback
            typer.echo(f"kpispec: internal error while checking {display_path(path)}: {type(exc).__name__}: {exc}", err=True)
            io_error = True
    diagnostics = [d for r in results for d in r.diagnostics]
    sources = {r.source.path: r.source for r in results}
    if results or output_format is not OutputFormat.text:
        write_report(output_format, diagnostics, sources, len(results), language)
    if io_error or (not files and not missing):
        if not files and not missing:
            typer.echo("kpispec: error: no .kpi files found", err=True)
        raise typer.Exit(2)
    failing = {Severity.ERROR, Severity.WARNING} if strict else {Severity.ERROR}
    raise typer.Exit(1 if any(d.severity in failing for d in diagnostics) else 0)


def write_report(output_format: OutputFormat, diagnostics, sources, files: int, language: str) -> None:
    if output_format is OutputFormat.json:
        from .render.jsonfmt import render

        sys.stdout.write(render(diagnostics, sources, files, language))
    elif output_format is OutputFormat.sarif:
        from .render.sarif import render

        sys.stdout.write(render(diagnostics, sources, language))
    elif output_format is OutputFormat.github:
        from .render.github import render

        sys.stdout.write(render(diagnostics, sources, language))
    else:
        from .render.text import TextRenderer

        renderer = TextRenderer(language, use_colour(sys.stdout))
        for d in diagnostics:
            sys.stdout.write(renderer.render(d, sources.get(d.file)) + "\n\n")
        sys.stdout.write(renderer.summary(diagnostics, files) + "\n")


class ConfigCache:
    """Configuration per file: the nearest config file upwards, loaded once."""

    def __init__(self, explicit: Path | None):
        self.explicit = explicit
        self.loaded: dict = {}

    def for_file(self, path: Path):
        from .codes import all_rules
        from .config import DEFAULT, ConfigError, find_config, load

        if self.explicit is not None and not self.explicit.is_file():
            raise CliError(f"no such config file: {display_path(self.explicit)}")
        found = self.explicit or find_config(path)
        if found is None:
            return DEFAULT
        if found not in self.loaded:
            try:
                self.loaded[found] = load(found, {r.code for r in all_rules()})
            except ConfigError as exc:
                raise CliError(str(exc)) from None
        return self.loaded[found]


@app.command("compile")
def compile_(
    file: Path = typer.Argument(..., help="The .kpi file to compile."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write the JSON here instead of stdout."),
    lang: Optional[Lang] = typer.Option(None, "--lang", help="Message language (default: from LANG)."),
):
    """Compile a plan to JSON (see schemas/kpispec.schema.json)."""
    from .api import analyze_bytes, compile_to
    from .render.text import TextRenderer

    language = lang.value if lang else default_lang()
    if not file.exists():
        fail(f"no such file: {display_path(file)}")
    if file.is_dir():
        fail(f"{display_path(file)} is a folder; compile takes one .kpi file")
    try:
        data = read(file)
    except CliError as exc:
        fail(str(exc))
    # Compiling needs the plan to parse and its names to resolve; the validator's findings
    # are `kpispec check`'s job, so a large plan compiles without paying for them.
    try:
        result = analyze_bytes(display_path(file), data, checks=False)
    except Exception as exc:  # noqa: BLE001 - a bug in kpispec must not end in a traceback
        fail(f"internal error while compiling {display_path(file)}: {type(exc).__name__}: {exc}")
    renderer = TextRenderer(language, use_colour(sys.stderr))
    for d in result.diagnostics:
        sys.stderr.write(renderer.render(d, result.source) + "\n\n")
    if not result.ok or result.plan is None or result.plan.info is None:
        sys.stderr.write(renderer.summary(result.diagnostics, 1) + "\n")
        raise typer.Exit(1)
    # The JSON is streamed node by node: a 100,000-KPI plan never exists as one string.
    if output is None:
        compile_to(result, sys.stdout.write)
    else:
        try:
            write_atomic(output, lambda write: compile_to(result, write))
        except OSError as exc:
            fail(f"cannot write {display_path(output)}: {exc.strerror or exc}")
    raise typer.Exit(0)


def write_atomic(path: Path, content) -> None:
    """Write to a temporary file beside the target, then rename it into place.

    `content` is the text, or a function that writes it through the `write` it is given.
    """
    folder = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        # mkstemp makes the file private (0600); give it the mode a plain write would have.
        os.chmod(tmp, path.stat().st_mode & 0o7777 if path.exists() else 0o666 & ~_umask())
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            if callable(content):
                content(handle.write)
            else:
                handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@app.command()
def explain(
    code: Optional[str] = typer.Argument(None, help="A rule code such as KPI301, or its name (targets-miss-goal)."),
    lang: Optional[Lang] = typer.Option(None, "--lang", help="Language of the summary line (default: from LANG)."),
):
    """Explain a rule: what it checks, why, a failing and a passing example, the fix."""
    from .codes import all_rules, by_code
    from .suggest import closest

    language = lang.value if lang else default_lang()
    if code is None:
        for rule in all_rules():
            typer.echo(f"{rule.code}  {rule.severity.value:<7}  {rule.name:<28}  {rule.summary.get(language)}")
        return
    rule = by_code(code)
    if rule is None:
        rules = all_rules()
        guess = closest(code.upper(), [r.code for r in rules]) or closest(code.lower(), [r.name for r in rules])
        hint = f" (did you mean {guess}?)" if guess else " (`kpispec explain` lists them)"
        fail(f"unknown rule {code}{hint}")
    typer.echo(f"{rule.code} {rule.name} ({rule.severity.value} by default)")
    typer.echo(rule.summary.get(language))
    typer.echo("")
    typer.echo(rule.doc.rstrip())


@app.command()
def schema(
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write the schema here instead of stdout."),
):
    """Print the JSON Schema (draft 2020-12) of the compiled JSON."""
    import json

    from .model import json_schema

    text = json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n"
    if output is None:
        sys.stdout.write(text)
    else:
        try:
            write_atomic(output, text)
        except OSError as exc:
            fail(f"cannot write {display_path(output)}: {exc.strerror or exc}")


def main() -> None:
    # A console that cannot show a character (Japanese on an ASCII locale, U+FFFD on cp932)
    # gets `?` instead of a traceback.
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(errors="replace")
        except (AttributeError, ValueError):
            pass
    try:
        app()
    except KeyboardInterrupt:
        sys.stderr.write("kpispec: interrupted\n")
        sys.exit(130)
