"""`kpispec fmt`: plans rewritten in the canonical layout (kpispec/fmt), or checked against it.

Each file is read, formatted and, when it changes, replaced all at once (io.write_atomic: the
mode, the owner and every byte but the layout's are kept; Ctrl-C never leaves half a file). A
file that cannot be formatted (not UTF-8, a syntax error) is reported and left as it was; the
other files are still formatted. Exit status: 0 done (or nothing to change), 1 with --check or
--diff when a file would change, 2 when a file could not be read, formatted or written.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, List

import typer

from .application import app
from .common import DEFAULT_MAX_FILE_SIZE, error, note, use_colour, use_language
from .io import CliError, Text, TooLarge, find_plans, out, read_regular, read_standard_input, say, write_atomic
from .options import LangOption, size_option


@app.command("fmt")
def fmt(
    paths: Annotated[List[str], typer.Argument(help="Files or folders; folders are searched for *.kpi files. `-` alone: read a plan from standard input and print it formatted.", readable=False)],
    check: Annotated[bool, typer.Option("--check", help="Change no file: list the files that would change, and exit 1 if any would.")] = False,
    diff: Annotated[bool, typer.Option("--diff", help="Change no file: print what would change as a unified diff, and exit 1 if anything would.")] = False,
    lang: LangOption = None,
    follow_symlinks: Annotated[bool, typer.Option("--follow-symlinks", help="Follow symbolic links found in folders, and links given by name that point outside their repository.")] = False,
    max_file_size: Annotated[str, typer.Option("--max-file-size", help="Leave larger files alone (reported): bytes, or with kB, MB, GB.")] = DEFAULT_MAX_FILE_SIZE,
):
    """Format plans in kpispec's one layout, keeping every comment and string."""
    use_language(lang)
    limit = size_option(max_file_size)
    # read as text: typer makes "" the Path ".", and an empty variable must not mean this folder
    raise typer.Exit(run([p if p in ("", "-") else Path(p) for p in paths], check, diff, follow_symlinks, limit))


def run(paths: list[Path], check: bool, diff: bool, follow_symlinks: bool, limit: int) -> int:
    from ..fmt import format_bytes

    if any(p == "" for p in paths):
        # Path("") is the working folder: `kpispec fmt "$FILE"` with an empty variable must not format it all
        error(Text("an empty path was given: name a file or folder (`.` for this folder)",
                   "空のパスが指定されました。ファイルかフォルダを指定してください（このフォルダなら `.`）"))
        return 2
    if "-" in paths:
        if len(paths) > 1:
            error(Text("`-` (standard input) must be given alone, without other paths",
                       "`-`（標準入力）はほかのパスと一緒には指定できません"))
            return 2
        return _standard_input(check, diff, limit)
    found = find_plans(paths, follow_symlinks)
    failed = bool(found.errors)
    for message in found.errors:
        error(message)
    for message in found.skipped:
        note(message)
    if not found.files and not found.errors:
        error(Text("no .kpi files found", ".kpi ファイルが見つかりません"))
        return 2
    changed = unchanged = failures = 0
    for plan in found.files:
        try:
            data = read_regular(plan, limit)
        except TooLarge as exc:
            error(Text(f"{plan.shown} is larger than --max-file-size ({exc.size:,} bytes): left as it is",
                       f"{plan.shown} は --max-file-size より大きいため（{exc.size:,} バイト）整形しません"))
            failures += 1
            failed = True
            continue
        except CliError as exc:
            error(str(exc))
            failures += 1
            failed = True
            continue
        result = format_bytes(plan.shown, data)
        if not result.ok:
            _report(result.diagnostics, result.source)
            failures += 1
            failed = True
            continue
        if result.data == data:
            unchanged += 1
            continue
        changed += 1
        if diff:
            out(unified_diff(plan.shown, data, result.data, result.aligned))
        if check and not diff:
            out(f"{plan.shown}\n")
        if check or diff:
            continue
        try:
            if read_regular(plan, limit) != data:
                raise CliError(Text(f"{plan.shown} changed while it was being formatted: left as it is",
                                    f"{plan.shown} は整形中に変更されたため、そのままにしました"))
            write_atomic(Path(plan.real), result.data)
        except (CliError, TooLarge) as exc:
            error(str(exc) if isinstance(exc, CliError) else Text(f"{plan.shown} grew while it was being formatted",
                                                                   f"{plan.shown} は整形中に大きくなりました"))
            changed -= 1
            failures += 1
            failed = True
        except OSError as exc:
            from .io import cannot_write

            error(cannot_write(plan.shown, exc))
            changed -= 1
            failures += 1
            failed = True
    say(_summary(changed, unchanged, failures, check or diff))
    if failed:
        return 2
    return 1 if (check or diff) and changed else 0


def _standard_input(check: bool, diff: bool, limit: int) -> int:
    """`kpispec fmt -`, as an editor calls a formatter: the plan on standard input, the formatted
    plan on standard output; nothing there, and the error on standard error, when it cannot be formatted."""
    from ..fmt import format_bytes

    try:
        data = read_standard_input(limit)
    except CliError as exc:
        error(exc.args[0])
        return 2
    result = format_bytes("<stdin>", data)
    if not result.ok:
        _report(result.diagnostics, result.source)
        return 2
    changed = result.data != data
    if diff:
        out(unified_diff("<stdin>", data, result.data, result.aligned))
    elif check and changed:
        out("<stdin>\n")
    if check or diff:
        return 1 if changed else 0
    try:
        sys.stdout.flush()
        sys.stdout.buffer.write(result.data)
        sys.stdout.buffer.flush()
    except (AttributeError, OSError, ValueError):  # closed (`>&-`), full, or gone
        error(Text("cannot write the formatted plan: standard output is closed or full",
                   "整形した計画を書き出せません：標準出力が閉じているか、いっぱいです"))
        return 2
    return 0


def _summary(changed: int, unchanged: int, failed: int, dry: bool) -> str:
    from .common import run_language

    if run_language() == "ja":
        done = f"{changed} ファイルは整形が必要です" if dry else f"{changed} ファイルを整形しました"
        left = f"。{failed} ファイルは整形できませんでした" if failed else ""
        return f"{done}。{unchanged} ファイルは整形済みです{left}"

    def files(n: int) -> str:
        return f"{n:,} file" + ("" if n == 1 else "s")

    verb = "would be reformatted" if dry else "reformatted"
    left = f", {files(failed)} could not be formatted" if failed else ""
    return f"{files(changed)} {verb}, {files(unchanged)} already formatted{left}"


def unified_diff(shown: str, before: bytes, after: bytes, aligned: tuple = ()) -> str:
    """`--- a/FILE`, `+++ b/FILE` and the hunks, as git shows them (with its no-newline marker).

    The two texts are compared declaration by declaration (`aligned`: where each starts in both),
    so the cost grows with the file, not with its square: difflib on a whole unformatted plan of a
    few thousand lines takes minutes."""
    import difflib
    import re

    def lines(data: bytes) -> list[str]:
        text = data.decode("utf-8", errors="replace")  # a BOM stays on the first line, as in the file
        found = re.findall(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$", text)
        if found and not found[-1].endswith(("\n", "\r")):
            found[-1] += "\n\\ No newline at end of file\n"
        return found

    old, new = lines(before), lines(after)
    bounds, last = [(0, 0)], (0, 0)
    for pair in aligned:
        if pair[0] > last[0] and pair[1] > last[1] and pair[0] <= len(old) and pair[1] <= len(new):
            bounds.append(pair)
            last = pair
    bounds.append((len(old), len(new)))
    opcodes: list[list] = []
    for (i1, j1), (i2, j2) in zip(bounds, bounds[1:]):
        for tag, a1, a2, b1, b2 in difflib.SequenceMatcher(None, old[i1:i2], new[j1:j2], autojunk=False).get_opcodes():
            if tag == "equal" and opcodes and opcodes[-1][0] == "equal":
                opcodes[-1][2], opcodes[-1][4] = a2 + i1, b2 + j1
            else:
                opcodes.append([tag, a1 + i1, a2 + i1, b1 + j1, b2 + j1])
    matcher = difflib.SequenceMatcher(None, (), ())
    matcher.get_opcodes = lambda: [tuple(op) for op in opcodes]
    tab = "\t" if " " in shown else ""  # as git ends a name with spaces, so that patch reads all of it
    out = []
    for group in matcher.get_grouped_opcodes(3):
        if not out:
            out += [f"--- a/{shown}{tab}\n", f"+++ b/{shown}{tab}\n"]
        (_, a1, _, b1, _), (_, _, a2, _, b2) = group[0], group[-1]
        out.append(f"@@ -{_range(a1, a2)} +{_range(b1, b2)} @@\n")
        for tag, x1, x2, y1, y2 in group:
            if tag == "equal":
                out += (" " + line for line in old[x1:x2])
                continue
            out += ("-" + line for line in old[x1:x2])
            out += ("+" + line for line in new[y1:y2])
    return "".join(out)


def _range(start: int, stop: int) -> str:
    """A hunk's lines as the unified format writes them: `3,4`, `3` for one line, `2,0` for none."""
    length = stop - start
    if length == 1:
        return str(start + 1)
    return f"{start + 1 if length else start},{length}"


def _report(diagnostics, source) -> None:
    """Why a file was not formatted: its diagnostics as `check` shows them, on stderr."""
    from ..render.text import TextRenderer
    from .common import run_language

    renderer = TextRenderer(run_language(), use_colour(sys.stderr))
    for diagnostic in diagnostics:
        say(renderer.render(diagnostic, source).rstrip("\n"))
