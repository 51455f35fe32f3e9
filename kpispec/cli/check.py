"""`kpispec check`: every plan found, checked and reported file by file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, List, Optional

import typer

from .application import app
from .common import LangOption, OutputFormat, error, language, say, size_in_bytes, use_colour
from .configs import Configs
from .io import MAX_FILE_SIZE, CliError, TooLarge, find_plans, machine_out, out, read_regular


@app.command()
def check(
    paths: Annotated[List[Path], typer.Argument(help="Files or folders; folders are searched for *.kpi files.", readable=False)],
    output_format: Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format: text for people; json, sarif (GitHub code scanning) or github (Actions annotations).")] = OutputFormat.text,
    lang: LangOption = None,
    strict: Annotated[bool, typer.Option("--strict", help="Fail (exit 1) on warnings too.")] = False,
    config_file: Annotated[Optional[Path], typer.Option("--config", help="Use this kpispec.toml or pyproject.toml instead of searching upwards.", readable=False)] = None,
    follow_symlinks: Annotated[bool, typer.Option("--follow-symlinks", help="Follow symbolic links found in folders, and links given by name that point outside their repository.")] = False,
    max_file_size: Annotated[str, typer.Option("--max-file-size", help="Larger files are reported (KPI007), not read: bytes, or with kB, MB, GB.")] = f"{MAX_FILE_SIZE // 10**6}MB",
):
    """Check plans: syntax, names, SMART completeness, tree arithmetic, units, cycles."""
    from ..api import analyze_bytes, too_large
    from ..diagnostics import Severity
    from ..render.counts import Counts

    limit = size_in_bytes(max_file_size)
    found = find_plans(paths, follow_symlinks)
    for message in found.errors:
        error(message)
    for message in found.skipped:
        say(f"kpispec: note: {message}")
    failed = bool(found.errors)

    # Every configuration is loaded before any plan is read: a broken one stops the run,
    # reported once, instead of silently checking some files with the defaults.
    configs = Configs(config_file)
    governing = [configs.for_file(plan.real) for plan in found.files]
    if configs.errors:
        for message in configs.errors:
            error(message)
        raise typer.Exit(2)

    report = _report(output_format, language(lang))
    write = out if output_format is OutputFormat.text else machine_out
    counts = Counts()
    failing = {Severity.ERROR, Severity.WARNING} if strict else {Severity.ERROR}
    findings = False
    write(report.begin())
    for plan, config in zip(found.files, governing):
        try:
            data = read_regular(plan, limit)
            result = analyze_bytes(plan.shown, data, config)
        except TooLarge as exc:
            result = too_large(plan.shown, exc.size, limit, config)
        except CliError as exc:
            error(str(exc))
            failed = True
            continue
        except MemoryError:
            error(f"out of memory while checking {plan.shown}")
            failed = True
            continue
        except Exception as exc:  # noqa: BLE001 - a bug in kpispec must not end in a traceback
            error(f"internal error while checking {plan.shown}: {type(exc).__name__}: {exc}")
            failed = True
            continue
        # Rendered now and let go: memory stays flat however many files there are.
        for chunk in report.file(result.diagnostics, result.source):
            write(chunk)
        counts.add(result.diagnostics)
        findings = findings or any(d.severity in failing for d in result.diagnostics)
        data = None
        del result  # let go of the plan before reading the next file
    if counts.files or output_format is not OutputFormat.text:
        write(report.end(counts))
    if not found.files and not found.errors:
        error("no .kpi files found")
        failed = True
    if failed:
        raise typer.Exit(2)
    raise typer.Exit(1 if findings else 0)


def _report(output_format: OutputFormat, lang: str):
    import sys

    if output_format is OutputFormat.json:
        from ..render.jsonfmt import Report
    elif output_format is OutputFormat.sarif:
        from ..render.sarif import Report
    elif output_format is OutputFormat.github:
        from ..render.github import Report
    else:
        from ..render.text import Report

        return Report(lang, use_colour(sys.stdout))
    return Report(lang)
