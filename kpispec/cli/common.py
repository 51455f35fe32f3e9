"""What every command shares: the language, colour, sizes, and how failures are reported.

Nothing here imports typer: `kpispec check` runs without it (see checking.py). What only typer's
commands need (option declarations, exiting with a message) is in options.py.
"""

from __future__ import annotations

import os
from enum import Enum

from .io import MAX_FILE_SIZE, Text, said, say


class OutputFormat(str, Enum):
    text = "text"
    json = "json"
    sarif = "sarif"
    github = "github"


class Lang(str, Enum):
    en = "en"
    ja = "ja"


class Colour(str, Enum):
    """`--color`: auto colours a terminal only."""

    auto = "auto"
    always = "always"
    never = "never"


def in_github_actions() -> bool:
    """Running as a step of a GitHub Actions job (the runner sets GITHUB_ACTIONS=true)."""
    return os.environ.get("GITHUB_ACTIONS") == "true"


DEFAULT_MAX_FILE_SIZE = f"{MAX_FILE_SIZE // 10**6}MB"


class BadSize(ValueError):
    """`--max-file-size` is not a size."""


def default_lang() -> str:
    for var in ("KPISPEC_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var)
        if value:
            return "ja" if value.lower().startswith("ja") else "en"
    return "en"


def language(lang: Lang | None) -> str:
    return lang.value if lang else default_lang()


# The language of this run's own messages (errors, notes, usage errors): set from the command
# line as soon as main() has it (`--lang` anywhere in it, else the environment), then by each
# command from its parsed `--lang` (use_language), and read by error(), note() and fail().
_run_language: str | None = None


_root_language: str | None = None  # `kpispec --lang ja COMMAND`: before the command


def use_root_language(lang: Lang) -> None:
    global _root_language
    _root_language = use_language(lang)


def use_language(lang: Lang | str | None) -> str:
    """Make `lang` (a command's `--lang`; None: the one given before the command, else from the
    environment) the run's language; its code."""
    global _run_language
    _run_language = lang.value if isinstance(lang, Lang) else (lang or _root_language or default_lang())
    return _run_language


def run_language() -> str:
    return _run_language or default_lang()


def language_in(args: list[str], valued: frozenset | set = frozenset()) -> str | None:
    """The last `--lang ja|en` (or `--lang=…`) on a command line, read before any parser has run, so
    that a usage error is said in it: the value of another option (`valued`) is not an option, and
    nothing after `--` is. None when there is none, or its value is not a language."""
    found = None
    words = iter(args)
    for word in words:
        if word == "--":
            break
        if word == "--lang":
            value = next(words, None)
        elif word.startswith("--lang="):
            value = word[len("--lang="):]
        else:
            if word in valued:
                next(words, None)
            continue
        if value in Lang.__members__:
            found = value
    return found


def use_colour(stream, mode: Colour | None = None) -> bool:
    """Whether to colour what goes to `stream`: `--color always|never` decides; else NO_COLOR (set and
    not empty) turns colour off and FORCE_COLOR (set and not empty) on, NO_COLOR first; else a
    terminal is coloured and anything else (a file, a pipe) is not."""
    if mode is Colour.always:
        return True
    if mode is Colour.never:
        return False
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    try:
        return hasattr(stream, "isatty") and stream.isatty()
    except (OSError, ValueError):
        return False


def error(message) -> None:
    """`kpispec: error: …` on stderr, in the run's language (a Text or a Msg; a str is said as it is)."""
    lang = run_language()
    say(f"kpispec: {'エラー' if lang == 'ja' else 'error'}: {said(message, lang)}")


def note(message) -> None:
    """`kpispec: note: …` on stderr, in the run's language."""
    lang = run_language()
    say(f"kpispec: {'注意' if lang == 'ja' else 'note'}: {said(message, lang)}")


def size_in_bytes(text: str) -> int:
    """`--max-file-size`: a number of bytes, or with kB, MB or GB (powers of 1000)."""
    units = {"kb": 10**3, "k": 10**3, "mb": 10**6, "m": 10**6, "gb": 10**9, "g": 10**9, "b": 1, "": 1}
    stripped = text.strip().lower()
    number = stripped.rstrip("kmgb")
    unit = stripped[len(number):]
    try:
        value = float(number)
    except ValueError:
        value = -1.0
    if unit not in units or not (1 <= value * units.get(unit, 1) < 1e15):
        raise BadSize(Text(f"{text!r} is not a size such as 50MB",
                           f"--max-file-size の値 {text!r} はサイズとして読めません（50MB のように指定してください）"))
    return int(value * units[unit])

