"""`kpispec check` itself, without typer: the run, and the command line's fast path.

pre-commit starts `kpispec check` cold on every commit, and typer (with its vendored click)
is a sixth of that start. So `main()` first offers the arguments to `fast_args`, which reads
only the plain forms of `check`'s own options (the names typer declares in check.py, with
values it accepts) and gives up on anything else: help, an unknown or misspelled option, a
value typer would refuse, no path. Whatever it gives up on goes to typer, unchanged, which
answers as it always did; `tests/test_fast_cli.py` holds the two to the same arguments for
every form the fast path takes, and to the same list of options.
"""

from __future__ import annotations

from pathlib import Path

from .common import DEFAULT_MAX_FILE_SIZE, BadSize, Lang, OutputFormat, error, note, size_in_bytes, use_colour, use_language
from .configs import Configs
from .io import CliError, Text, TooLarge, find_plans, machine_out, out, read_regular

# check's options as typer declares them (check.py): option -> parameter, and the flags.
VALUED = {"--format": "output_format", "-f": "output_format", "--lang": "lang", "--config": "config_file",
          "--max-file-size": "max_file_size"}
FLAGS = {"--strict": "strict", "--follow-symlinks": "follow_symlinks"}
_CHOICES = {"output_format": OutputFormat, "lang": Lang}


def fast_args(args: list[str]) -> dict | None:
    """`check`'s parameters as typer would pass them, or None for typer to read the arguments."""
    if not args or args[0] != "check":
        return None
    found: dict = {"paths": [], "output_format": OutputFormat.text, "lang": None, "strict": False, "config_file": None,
                   "follow_symlinks": False, "max_file_size": DEFAULT_MAX_FILE_SIZE}
    words = iter(args[1:])
    after_dashes = False
    for word in words:
        if after_dashes or not word.startswith("-"):
            if not word:
                return None
            found["paths"].append(Path(word))
        elif word == "--":
            after_dashes = True
        elif word in FLAGS:
            found[FLAGS[word]] = True
        else:
            option, equals, value = word.partition("=")
            if option not in VALUED or (equals and option == "-f"):
                return None
            if not equals:
                value = next(words, None)
            if not value or value.startswith("-"):
                return None
            name = VALUED[option]
            if name in _CHOICES:
                if value not in _CHOICES[name].__members__:
                    return None
                found[name] = _CHOICES[name](value)
            elif name == "config_file":
                found[name] = Path(value)
            else:
                found[name] = value
    if not found["paths"]:
        return None
    try:
        size_in_bytes(found["max_file_size"])
    except BadSize:
        return None
    return found


NO_PLANS = Text("no .kpi files found", ".kpi ファイルが見つかりません")


def run(paths: list[Path], output_format: OutputFormat = OutputFormat.text, lang: Lang | None = None, strict: bool = False,
        config_file: Path | None = None, follow_symlinks: bool = False, max_file_size: str = DEFAULT_MAX_FILE_SIZE) -> int:
    """Check plans and report them; the exit status (0 clean, 1 findings, 2 errors)."""
    from ..api import analyze_bytes, too_large
    from ..diagnostics import Severity
    from ..render.counts import Counts

    lang_code = use_language(lang)
    limit = size_in_bytes(max_file_size)
    found = find_plans(paths, follow_symlinks)
    for message in found.errors:
        error(message)
    for message in found.skipped:
        note(message)
    failed = bool(found.errors)

    # Every configuration is loaded before any plan is read: a broken one stops the run,
    # reported once, instead of silently checking some files with the defaults.
    configs = Configs(config_file)
    governing = [configs.for_file(plan.real) for plan in found.files]
    if configs.errors:
        for message in configs.errors:
            error(message)
        return 2

    report = _report(output_format, lang_code)
    write = out if output_format is OutputFormat.text else machine_out
    counts = Counts()
    failing = {Severity.ERROR, Severity.WARNING} if strict else {Severity.ERROR}
    findings = False
    write(report.begin())
    for plan, config in zip(found.files, governing):
        out_of_memory = False
        try:
            # the bytes are not kept here: analyze_bytes lets them go once decoded
            result = analyze_bytes(plan.shown, read_regular(plan, limit), config, keep_tree=False)
        except TooLarge as exc:
            result = too_large(plan.shown, exc.size, limit, config)
        except CliError as exc:
            error(str(exc))
            failed = True
            continue
        except MemoryError:
            # Reported after the `except`: until then the exception holds the failed analysis
            # (its frames), and even the message could not be allocated.
            out_of_memory = True
        except Exception as exc:  # noqa: BLE001 - a bug in kpispec must not end in a traceback
            kind = type(exc).__name__
            error(Text(f"internal error while checking {plan.shown}: {kind}: {exc}",
                       f"{plan.shown} の検査中に内部エラーが起きました：{kind}: {exc}"))
            failed = True
            continue
        if out_of_memory:
            error(Text(f"out of memory while checking {plan.shown}", f"{plan.shown} の検査中にメモリが足りなくなりました"))
            failed = True
            continue
        # Rendered now and let go: memory stays flat however many files there are.
        for chunk in report.file(result.diagnostics, result.source):
            write(chunk)
        counts.add(result.diagnostics)
        findings = findings or any(d.severity in failing for d in result.diagnostics)
        del result  # let go of the plan before reading the next file
    if counts.files or output_format is not OutputFormat.text:
        write(report.end(counts))
    if not found.files and not found.errors:
        error(NO_PLANS)
        failed = True
    if failed:
        return 2
    return 1 if findings else 0


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
