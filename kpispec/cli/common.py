"""What every command shares: the language, colour, sizes, and how failures are reported.

Nothing here imports typer: `kpispec check` runs without it (see checking.py). What only typer's
commands need (option declarations, exiting with a message) is in options.py.
"""

from __future__ import annotations

import os
from enum import Enum

from .io import MAX_FILE_SIZE, say


class OutputFormat(str, Enum):
    text = "text"
    json = "json"
    sarif = "sarif"
    github = "github"


class Lang(str, Enum):
    en = "en"
    ja = "ja"


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


def use_colour(stream) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    try:
        return hasattr(stream, "isatty") and stream.isatty()
    except (OSError, ValueError):
        return False


def error(message: str) -> None:
    say(f"kpispec: error: {message}")


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
        raise BadSize(f"{text!r} is not a size such as 50MB")
    return int(value * units[unit])

