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

from .common import (
    DEFAULT_MAX_FILE_SIZE,
    BadSize,
    Colour,
    Lang,
    OutputFormat,
    error,
    in_github_actions,
    note,
    size_in_bytes,
    use_colour,
    use_language,
)
from .configs import Configs
from .io import CliError, Text, TooLarge, find_plans, machine_out, out, read_regular, read_standard_input

# check's options as typer declares them (check.py): option -> parameter, and the flags.
VALUED = {"--format": "output_format", "-f": "output_format", "--lang": "lang", "--config": "config_file",
          "--max-file-size": "max_file_size", "--output-file": "output_file", "-o": "output_file",
          "--select": "select", "--ignore": "ignore", "--root": "root", "--stdin-filename": "stdin_filename",
          "--color": "color"}
FLAGS = {"--strict": "strict", "--follow-symlinks": "follow_symlinks", "--exit-zero": "exit_zero"}
_CHOICES = {"output_format": OutputFormat, "lang": Lang, "color": Colour}
_PATHS = {"config_file", "output_file", "root"}
_LISTS = {"select", "ignore"}
STDIN = "-"


def fast_args(args: list[str]) -> dict | None:
    """`check`'s parameters as typer would pass them, or None for typer to read the arguments."""
    if not args or args[0] != "check":
        return None
    found: dict = {"paths": [], "output_format": None, "lang": None, "strict": False, "config_file": None,
                   "follow_symlinks": False, "max_file_size": DEFAULT_MAX_FILE_SIZE, "output_file": None,
                   "exit_zero": False, "select": None, "ignore": None, "root": None, "stdin_filename": None, "color": None}
    words = iter(args[1:])
    after_dashes = False
    for word in words:
        if after_dashes or not word.startswith("-") or word == STDIN:
            if not word:
                return None
            found["paths"].append(Path(word))
        elif word == "--":
            after_dashes = True
        elif word in FLAGS:
            found[FLAGS[word]] = True
        else:
            option, equals, value = word.partition("=")
            if option not in VALUED or (equals and not option.startswith("--")):
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
            elif name in _PATHS:
                found[name] = Path(value)
            elif name in _LISTS:
                found[name] = [*(found[name] or []), value]
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



class _Problems:
    """What kept the run from checking everything: each said on stderr now, and kept for the
    formats that report it (SARIF's invocation, GitHub's annotations)."""

    def __init__(self):
        self.said: list = []

    def error(self, message) -> None:
        error(message)
        self.said.append(message)


def run(paths: list[Path], output_format: OutputFormat | None = None, output_file: Path | None = None,
        lang: Lang | None = None, strict: bool = False, exit_zero: bool = False, select: list[str] | None = None,
        ignore: list[str] | None = None, config_file: Path | None = None, root: Path | None = None,
        stdin_filename: str | None = None, color: Colour | None = None, follow_symlinks: bool = False,
        max_file_size: str = DEFAULT_MAX_FILE_SIZE) -> int:
    """Check plans and report them; the exit status (0 clean, 1 findings, 2 errors)."""
    lang_code = use_language(lang)
    if output_format is None:  # inside GitHub Actions, annotations; elsewhere, text for people
        output_format = OutputFormat.github if in_github_actions() else OutputFormat.text
    try:
        limit = size_in_bytes(max_file_size)
        chosen = _chosen_codes(select or [], ignore or [])
        given = [p for p in paths if str(p) != STDIN]
        from_stdin = len(given) < len(paths)
        if len(paths) - len(given) > 1:
            raise CliError(Text("standard input (-) can be given once", "標準入力（-）は 1 度だけ指定できます"))
        if stdin_filename is not None and not from_stdin:
            raise CliError(Text("--stdin-filename names the plan read from standard input: add - to the paths",
                                "--stdin-filename は標準入力から読む計画の名前です。パスに - を加えてください"))
        where = _root(output_format, root)
    except (CliError, BadSize) as exc:
        error(exc.args[0])
        return 2
    problems = _Problems()
    found = find_plans(given, follow_symlinks)
    for message in found.errors:
        problems.error(message)
    for message in found.skipped:
        note(message)
    plans: list = list(found.files)
    if from_stdin:
        plans.insert(0, _StdinPlan(stdin_filename))

    # Every configuration is loaded before any plan is read: a broken one stops the run,
    # reported once, instead of silently checking some files with the defaults.
    configs = Configs(config_file)
    governing = [_narrowed(configs.for_file(plan.real), chosen) for plan in plans]
    for message in configs.errors:
        problems.error(message)
    if not plans and not problems.said:
        problems.error(NO_PLANS)
    # with a configuration that cannot be used, no plan is checked (the report still says why)
    to_check = [] if configs.errors else list(zip(plans, governing))

    def report_to(write, terminal) -> int:
        return _check(to_check, problems, output_format, lang_code, strict, limit, exit_zero, write, where,
                      use_colour(terminal, color))

    if output_file is None:
        import sys

        return report_to(out if output_format is OutputFormat.text else machine_out, sys.stdout)
    from .io import write_atomic

    codes = []
    try:
        # the plans and the configurations read are inputs: never replaced by the report
        inputs = (*(Path(plan.real) for plan in plans), *configs.files)
        write_atomic(output_file, lambda write: codes.append(report_to(write, None)), inputs=inputs)
    except CliError as exc:
        error(exc.args[0])
        return 2
    return codes[0]


def _check(to_check, problems, output_format, lang_code, strict, limit, exit_zero, write, where, colour: bool) -> int:
    """Each plan with its configuration, reported as it is checked; the exit status."""
    from ..api import analyze_bytes, too_large
    from ..diagnostics import Severity
    from ..render.counts import Counts, Outcome

    report = _report(output_format, lang_code, where, colour)
    counts = Counts()
    failing = {Severity.ERROR, Severity.WARNING} if strict else {Severity.ERROR}
    findings = False
    write(report.begin())
    for plan, config in to_check:
        out_of_memory = False
        try:
            # the bytes are not kept here: analyze_bytes lets them go once decoded
            data = read_standard_input(limit) if getattr(plan, "stdin", False) else read_regular(plan, limit)
            result = analyze_bytes(plan.shown, data, config, keep_tree=False)
            del data
        except TooLarge as exc:
            result = too_large(plan.shown, exc.size, limit, config)
        except CliError as exc:
            problems.error(exc.args[0])
            continue
        except MemoryError:
            # Reported after the `except`: until then the exception holds the failed analysis
            # (its frames), and even the message could not be allocated.
            out_of_memory = True
        except Exception as exc:  # noqa: BLE001 - a bug in kpispec must not end in a traceback
            kind = type(exc).__name__
            problems.error(Text(f"internal error while checking {plan.shown}: {kind}: {exc}",
                                f"{plan.shown} の検査中に内部エラーが起きました：{kind}: {exc}"))
            continue
        if out_of_memory:
            problems.error(Text(f"out of memory while checking {plan.shown}", f"{plan.shown} の検査中にメモリが足りなくなりました"))
            continue
        # Rendered now and let go: memory stays flat however many files there are.
        for chunk in report.file(result.diagnostics, result.source):
            write(chunk)
        counts.add(result.diagnostics)
        findings = findings or any(d.severity in failing for d in result.diagnostics)
        del result  # let go of the plan before reading the next file
    if problems.said:
        code = 2
    else:
        code = 1 if findings and not exit_zero else 0
    if counts.files or output_format is not OutputFormat.text:
        write(report.end(counts, Outcome(problems.said, code)))
    return code


class _StdinPlan:
    """The plan read from standard input (`-`): shown as `--stdin-filename` names it, or <stdin>;
    its configuration is the one that governs that name (or the working folder)."""

    stdin = True

    def __init__(self, name: str | None):
        import os

        from .io import display_path

        self.shown = display_path(name) if name else "<stdin>"
        # where the configuration is looked for: the named file's folder (it need not exist)
        self.real = os.path.abspath(name if name else "<stdin>")


def _chosen_codes(select: list[str], ignore: list[str]):
    """`--select`/`--ignore` (each repeatable, codes or prefixes, comma-separated) as the set of codes
    to leave out, or None when neither is given. An unknown code or prefix is a usage error."""
    if not select and not ignore:
        return None
    from ..codes import UNREADABLE, all_rules

    known = [rule.code for rule in all_rules()]
    # a file that could not be checked at all, or a check that broke, is never left out
    chosen = set(known)
    if select:
        chosen = _matching(select, known, "--select")
    if ignore:
        chosen -= _matching(ignore, known, "--ignore")
    return frozenset(known) - chosen - UNREADABLE - {"KPI901"}


def _matching(values: list[str], known: list[str], option: str) -> set:
    found = set()
    words = [word.strip() for value in values for word in value.split(",")]
    if not any(words):  # `--select "$CODES"` with the variable unset must not turn every rule off
        raise CliError(Text(f"{option} names no rule code: give codes or prefixes such as KPI301,KPI2",
                            f"{option} にルールのコードがありません。KPI301,KPI2 のようにコードか接頭辞を指定してください"))
    for word in filter(None, words):
        code = word.upper()
        matched = {k for k in known if k.startswith(code)} if code.startswith("KPI") else set()
        if not matched:
            from ..config import _did_you_mean, _retyped

            hint, hint_ja = _did_you_mean(_retyped(word), known)
            shown = repr(word if len(word) <= 40 else word[:39] + "…")
            raise CliError(Text(f"{option}: unknown rule code or prefix {shown}{hint}",
                                f"{option}：{shown} というルールのコードや接頭辞はありません{hint_ja}"))
        found |= matched
    return found


def _narrowed(config, left_out):
    """The plan's configuration with the codes --select and --ignore leave out disabled as well."""
    if not left_out:
        return config
    from ..records import replace

    return replace(config, disabled=frozenset(config.disabled) | left_out)


def _root(output_format: OutputFormat, root: Path | None):
    """The repository root the machine formats name files from (where.py), checked when given."""
    if output_format not in (OutputFormat.sarif, OutputFormat.github):
        return None
    from ..render.where import Root

    if root is not None:
        import os

        if not os.path.isdir(root):
            from .io import display_path

            shown = display_path(root)
            raise CliError(Text(f"--root {shown} is not a folder", f"--root {shown} はフォルダではありません"))
    return Root(root)


def _report(output_format: OutputFormat, lang: str, where, colour: bool):
    if output_format is OutputFormat.json:
        from ..render.jsonfmt import Report

        return Report(lang)
    if output_format is OutputFormat.sarif:
        from ..render.sarif import Report

        return Report(lang, where)
    from ..render.text import Report as TextReport

    if output_format is OutputFormat.github:
        from ..render.github import Report

        summary = TextReport(lang).renderer
        return Report(lang, where, lambda counts: summary.summary_of(counts.by_severity, counts.files))
    return TextReport(lang, colour)
