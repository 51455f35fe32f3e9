"""Configuration from `[tool.kpispec]` in pyproject.toml or from kpispec.toml, found upwards.

The search starts at the checked file's folder and stops at the repository root (the nearest
folder holding a `.git` folder or file); outside any repository it goes up to the filesystem
root. Only regular files count, and a configuration file is read without blocking and at most
`MAX_BYTES` of it, so a FIFO, a device or a huge file never hangs or swamps a check.

Every problem with a configuration file is a `ConfigError` whose message is one line naming
the file, the place of the setting in it (`kpispec.toml:3:1`), the setting and what was
expected; nothing in here may end in a traceback.

The settings have a JSON Schema (`config_schema`, shipped as kpispec/config.schema.json and
published at `CONFIG_SCHEMA_ID`) for editors, and `load` validates with it: see `load` for how
the schema and the hand-written checks of `from_table` share the work.
"""

from __future__ import annotations

import math
import os
import stat
from fractions import Fraction
from pathlib import Path

from .diagnostics import Msg, Severity
from .records import field, record

DEFAULT_VANITY = (
    "followers", "follower", "likes", "like", "page views", "pageviews", "page_views", "pv", "impressions",
    "video views",
    "フォロワー", "フォロワー数", "いいね", "いいね数", "ページビュー", "PV", "PV数", "表示回数", "インプレッション",
    # the major Japanese platforms: LINE 友だち, YouTube チャンネル登録者, views of a video or a post
    # (not 登録者 alone, nor subscribers: 会員登録者数 and paid subscribers are business outcomes)
    "友だち", "友だち数", "友達数", "チャンネル登録", "チャンネル登録者", "YouTube登録者", "再生数", "再生回数", "視聴回数",
)

MAX_VANITY_TERMS = 1_000  # in each of vanity-metrics and extend-vanity-metrics
MAX_TERM_LENGTH = 100
MAX_DISABLED = 1_000  # there are some 60 rule codes: a longer list is a mistake (and slow to validate)
MAX_SCHEMA_ERRORS = 100  # looked at per setting (more than there are rule codes), to find the first in the file
SETTINGS = ("severity", "disable", "growth-bound", "vanity-metrics", "extend-vanity-metrics", "max-kgis")
KNOWN_KEYS = set(SETTINGS)
LEVELS = ("error", "warning", "info", "off")
MAX_BYTES = 1024 * 1024  # a configuration file is a few lines; anything this large is a mistake
CONFIG_SCHEMA_PATH = "schemas/kpispec-config.schema.json"  # in the repository, and under DOCS_URL on the docs site


class ConfigError(Exception):
    """A configuration file that cannot be used; the CLI exits with status 2."""


@record(frozen=True)
class Config:
    """The settings a check runs with: severities, disabled codes and the thresholds of the rules."""

    severity: dict = field(default_factory=dict)  # code -> Severity
    disabled: frozenset = frozenset()
    growth_bound: Fraction = Fraction(3)
    vanity_metrics: tuple = DEFAULT_VANITY
    max_kgis: int = 3
    path: str | None = None

    def severity_of(self, code: str, default: Severity) -> Severity | None:
        """The severity a code reports at, or None when it is disabled."""
        if code in self.disabled:
            return None
        return self.severity.get(code, default)


DEFAULT = Config()


# ---------------------------------------------------------------- finding


def repository_root(path) -> Path | None:
    """The nearest folder at or above `path` (a file or a folder) holding a `.git` entry.

    `.git` is a folder in an ordinary clone and a file in worktrees and submodules; both count.
    The answer is an absolute path with symbolic links resolved, or None outside any repository.
    """
    folder = _folder_of(Path(path))
    return None if folder is None else ConfigSearch().repository_root(folder)


def find_config(start: Path) -> Path | None:
    """The nearest kpispec.toml, or pyproject.toml with a [tool.kpispec] table, at or above start.

    The search stops at the repository root (whose own configuration still counts); outside a
    repository it goes up to the filesystem root, and there only files owned by the current
    user or by root count (anyone can write a shared folder such as /tmp). Never raises:
    anything unreadable is skipped, except a pyproject.toml that mentions kpispec but cannot
    be parsed, which is returned so that `load` reports what is wrong with it.
    """
    return ConfigSearch().find(start)


class ConfigSearch:
    """`find_config` for many files at once: each folder is looked at once, so that a tree
    1,000 folders deep costs 1,000 looks, not 1,000 x 1,000."""

    def __init__(self):
        self._resolved: dict[str, Path | None] = {}
        self._root: dict[Path, Path | None] = {}
        self._config: dict[Path, Path | None] = {}

    def find(self, start) -> Path | None:
        key = str(start)
        if key not in self._resolved:
            self._resolved[key] = _folder_of(Path(start))
        folder = self._resolved[key]
        return None if folder is None else self.find_in(folder)

    def find_in(self, folder: Path) -> Path | None:
        """The configuration governing `folder`, an absolute path with symbolic links resolved."""
        root = self.repository_root(folder)
        chain: list[Path] = []
        current = folder
        while True:
            if current in self._config:
                answer = self._config[current]
                break
            chain.append(current)
            answer = _config_here(current, root)
            if answer is not None or current == root or current.parent == current:
                break
            current = current.parent
        for seen in chain:
            self._config[seen] = answer
        return answer

    def repository_root(self, folder: Path) -> Path | None:
        chain: list[Path] = []
        current = folder
        while current not in self._root:
            if _is_git(current):
                self._root[current] = current
                break
            chain.append(current)
            if current.parent == current:
                self._root[current] = None
                break
            current = current.parent
        answer = self._root[current]
        for seen in chain:
            self._root[seen] = answer
        return answer


def _config_here(folder: Path, root: Path | None) -> Path | None:
    own = folder / "kpispec.toml"
    if _is_regular(own) and _stays_inside(own, root) and _trusted(own, root):
        return own
    pyproject = folder / "pyproject.toml"
    if _is_regular(pyproject) and _stays_inside(pyproject, root) and _trusted(pyproject, root) and _configures_kpispec(pyproject):
        return pyproject
    return None


def _trusted(path: Path, root: Path | None) -> bool:
    """Inside a repository its files are the configuration; outside one, only ours or root's."""
    if root is not None or not hasattr(os, "geteuid"):
        return True
    try:
        return os.stat(path).st_uid in (0, os.geteuid())
    except (OSError, ValueError):
        return False


def _folder_of(start: Path) -> Path | None:
    try:
        folder = start if start.is_dir() else start.parent
        return folder.resolve()
    except (OSError, RuntimeError, ValueError):  # permission denied, a symlink loop, a NUL in the name
        return None


def _mode(path: Path) -> int | None:
    try:
        return os.stat(path).st_mode
    except (OSError, ValueError):
        return None


def _is_git(folder: Path) -> bool:
    mode = _mode(folder / ".git")
    return mode is not None and (stat.S_ISDIR(mode) or stat.S_ISREG(mode))


def _is_regular(path: Path) -> bool:
    mode = _mode(path)
    return mode is not None and stat.S_ISREG(mode)


def _stays_inside(path: Path, root: Path | None) -> bool:
    """False for a symbolic link that leads out of the repository."""
    if root is None or not os.path.islink(path):
        return True
    try:
        return Path(os.path.realpath(path)).is_relative_to(root)
    except (OSError, ValueError):
        return False


def _configures_kpispec(pyproject: Path) -> bool:
    try:
        data = _read_bytes(pyproject)
    except (OSError, _NotRegular):
        return False
    if b"kpispec" not in data:  # most pyproject.toml files: no need to parse TOML
        return False
    if len(data) > MAX_BYTES:
        return True  # it mentions kpispec: loading it reports the size (exit 2)
    import tomllib

    try:
        parsed = tomllib.loads(data.decode("utf-8-sig"))
    except (ValueError, RecursionError):  # not UTF-8, or not TOML
        return True  # it mentions kpispec: loading it reports the error (exit 2)
    if "tool" not in parsed:
        return False
    tool = parsed["tool"]
    return not isinstance(tool, dict) or "kpispec" in tool  # a `tool` that is not a table: report it


# ---------------------------------------------------------------- reading


class _NotRegular(Exception):
    pass


def _read_bytes(path: Path) -> bytes:
    """At most MAX_BYTES + 1 bytes of a regular file, without blocking on a FIFO or a device."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise _NotRegular
        chunks = []
        remaining = MAX_BYTES + 1
        while remaining > 0:
            chunk = os.read(fd, min(remaining, 1 << 16))
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def load(path: Path, known_codes=None) -> Config:
    """The configuration in a kpispec.toml, or in the [tool.kpispec] table of a pyproject.toml."""
    path = Path(path)
    where = str(path)
    try:
        data = _read_bytes(path)
    except _NotRegular:
        raise _error(where, "not a regular file; a configuration file is a TOML text file",
                     "通常のファイルではありません。設定ファイルは TOML のテキストファイルです") from None
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        reason_ja = reason
        if isinstance(exc, OSError):
            from .cli.io import reason as said  # the system's words in both languages

            reason_ja = said(exc).ja
        raise _error(where, f"cannot be read: {reason}", f"読めません：{reason_ja}") from None
    if len(data) > MAX_BYTES:
        raise _error(where, "larger than 1 MiB; a configuration file is a few lines of TOML",
                     "1 MiB を超えています。設定ファイルは数行の TOML です") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _error(where, f"not UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); save it as UTF-8",
                     f"UTF-8 ではありません（オフセット {exc.start} のバイト 0x{data[exc.start]:02x}）。UTF-8 で保存してください") from None
    import tomllib

    try:
        parsed = tomllib.loads(text)
    except RecursionError:
        raise _error(where, "invalid TOML: values nested too deeply", "TOML として読めません：値の入れ子が深すぎます") from None
    except ValueError as exc:  # TOMLDecodeError, or an integer too long to convert
        said, place = _toml_error_place(str(exc))
        raise _error(where + place, f"invalid TOML: {said}", f"TOML として読めません：{_toml_error_ja(said)}") from None
    prefix: tuple = ()
    table = parsed
    if path.name == "pyproject.toml":
        tool = parsed.get("tool", {})
        if not isinstance(tool, dict):
            raise _error(where + _Places(text).place(("tool",)), f"tool must be a table holding [tool.kpispec], not {_show(tool)}",
                         f"tool は [tool.kpispec] を含むテーブルでなければなりません（{_show(tool)} になっています）")
        table = tool.get("kpispec", {})
        if not isinstance(table, dict):
            raise _error(where + _Places(text).place(("tool", "kpispec")),
                         f"tool.kpispec must be a table of settings under a [tool.kpispec] header, not {_show(table)}",
                         f"tool.kpispec は [tool.kpispec] 見出しの下の設定のテーブルでなければなりません（{_show(table)} になっています）")
        prefix = ("tool", "kpispec")
    spelled = "".join(f"{part}." for part in prefix)
    # A configuration the hand-written checks accept is one the schema accepts (tests/test_config_schema.py
    # holds the two to the same verdict on generated tables): it is used at once, and a pre-commit hook
    # never pays for importing jsonschema (about 170 ms) on a good configuration. One they refuse is
    # validated with the schema, which decides which problem is reported: the first in the file, in
    # from_table's words, at its line and column (see _schema_problem).
    try:
        return _settings(table, where, known_codes, spelled)
    except _Invalid as refused:
        places = _Places(text)
        try:
            problem = _schema_problem(table, places, prefix, known_codes) or refused  # `or`: tests say never
        except RecursionError:  # a key nested hundreds deep: jsonschema's message recurses through it
            problem = refused
    raise _error(where + places.place((*prefix, *problem.path)), problem.en, problem.ja)


# ---------------------------------------------------------------- checking


class _Invalid(Exception):
    """A setting that cannot be used: the message in both languages and the path of keys (and list
    indexes) it is about, from the top of the settings table: `("severity", "KPI205")`, `("disable", 1)`."""

    def __init__(self, path: tuple, en: str, ja: str):
        super().__init__(en)
        self.path, self.en, self.ja = path, en, ja


def from_table(table: dict, where: str, known_codes=None, *, prefix: str = "") -> Config:
    """A Config from a parsed table; `prefix` is how the file spells the table's keys (`tool.kpispec.`).

    These are the hand-written checks, with their messages; they take any Python value and never
    import jsonschema. `load` runs them first and, when they refuse a file's table, validates it with
    the JSON Schema to choose what is reported (see `load`); tests/test_config_schema.py holds the two
    to the same verdict on every table."""
    if not isinstance(table, dict):
        raise _error(where, f"{prefix.rstrip('.') or 'the configuration'} must be a table of settings, not {_show(table)}",
                     f"{prefix.rstrip('.') or '設定'} は設定のテーブルでなければなりません（{_show(table)} になっています）")
    try:
        return _settings(table, where, known_codes, prefix)
    except _Invalid as problem:
        raise _error(where, problem.en, problem.ja) from None


def _settings(table: dict, where: str, known_codes, prefix: str) -> Config:
    unknown = sorted(set(table) - KNOWN_KEYS, key=str)
    if unknown:
        raise _Invalid((unknown[0],), *_unknown_keys(unknown, table, prefix))
    severity, disabled = _severity(table.get("severity", {}), known_codes, prefix)
    disabled |= _disable(table.get("disable", []), known_codes, prefix)
    growth_bound = _growth_bound(table.get("growth-bound", 3), known_codes, prefix)
    # `vanity-metrics` replaces the defaults; `extend-vanity-metrics` adds to them (or to the list
    # that replaces them), as ruff's `select` and `extend-select` do.
    vanity = _vanity("vanity-metrics", table.get("vanity-metrics", list(DEFAULT_VANITY)), prefix)
    extra = _vanity("extend-vanity-metrics", table.get("extend-vanity-metrics", []), prefix)
    max_kgis = _max_kgis(table.get("max-kgis", 3), known_codes, prefix)
    return Config(severity, frozenset(disabled), growth_bound, tuple(dict.fromkeys([*vanity, *extra])), max_kgis, where)


def _severity(levels, known_codes, prefix: str) -> tuple[dict, set]:
    if not isinstance(levels, dict):
        raise _Invalid(("severity",), f'{prefix}severity must be a table of rule codes and levels such as '
                                      f'{{ KPI205 = "info" }}, not {_show(levels)}',
                       f'{prefix}severity はルールのコードと重大度のテーブル（例：{{ KPI205 = "info" }}）でなければなりません'
                       f'（{_show(levels)} になっています）')
    severity: dict = {}
    disabled = set()
    for code, level in levels.items():
        _known(code, known_codes, ("severity", code), f"{prefix}severity")
        if level == "off":
            disabled.add(code)
        elif isinstance(level, str) and level in LEVELS:
            severity[code] = Severity(level)
        else:
            hint, hint_ja = _did_you_mean(level, LEVELS) if isinstance(level, str) else ("", "")
            raise _Invalid(("severity", code), f'{prefix}severity.{_key(code)} must be "error", "warning", "info" or "off", '
                                               f"not {_show(level)}{hint}",
                           f'{prefix}severity.{_key(code)} は "error"・"warning"・"info"・"off" のいずれかにしてください'
                           f"（{_show(level)} になっています{'。' + hint_ja[1:-1] if hint_ja else ''}）")
    return severity, disabled


def _disable(codes, known_codes, prefix: str) -> set:
    if not isinstance(codes, list) or not all(isinstance(code, str) for code in codes):
        raise _Invalid(("disable",), f'{prefix}disable must be a list of rule codes such as ["KPI215"], not {_show(codes)}',
                       f'{prefix}disable はルールのコードのリスト（例：["KPI215"]）でなければなりません（{_show(codes)} になっています）')
    if len(codes) > MAX_DISABLED:
        raise _Invalid(("disable",), f"{prefix}disable holds at most {MAX_DISABLED:,} rule codes (this one has {len(codes):,})",
                       f"{prefix}disable に書けるルールのコードは {MAX_DISABLED:,} 個までです（この設定では {len(codes):,} 個）")
    for n, code in enumerate(codes):
        _known(code, known_codes, ("disable", n), f"{prefix}disable")
    return set(codes)


def _growth_bound(bound, known_codes, prefix: str) -> Fraction:
    if isinstance(bound, bool) or not isinstance(bound, (int, float)):
        raise _Invalid(("growth-bound",),
                       f"{prefix}growth-bound must be a number above 1 such as 3, not {_show(bound)}{_unquote(bound)[0]}",
                       f"{prefix}growth-bound は 1 より大きい数（例：3）でなければなりません（{_show(bound)} になっています）"
                       f"{_unquote(bound)[1]}")
    if isinstance(bound, float) and not math.isfinite(bound):
        too_big = " (numbers beyond about 1.8e308 are infinite)" if bound > 0 else ""
        too_big_ja = "。約 1.8e308 を超える数は無限大になります" if bound > 0 else ""
        raise _Invalid(("growth-bound",),
                       f"{prefix}growth-bound must be a finite number above 1 such as 3, not {_show(bound)}{too_big}",
                       f"{prefix}growth-bound は 1 より大きい有限の数（例：3）でなければなりません（{_show(bound)} になっています）"
                       f"{too_big_ja}")
    if bound <= 1:
        raise _Invalid(("growth-bound",), f"{prefix}growth-bound must be a number above 1 such as 3, not {_show(bound)}",
                       f"{prefix}growth-bound は 1 より大きい数（例：3）でなければなりません（{_show(bound)} になっています）")
    return Fraction(bound) if isinstance(bound, int) else Fraction(repr(bound))  # 1.1 means 11/10


def _vanity(key: str, terms, prefix: str) -> list:
    if not isinstance(terms, list) or not all(isinstance(term, str) for term in terms):
        raise _Invalid((key,), f'{prefix}{key} must be a list of strings such as ["followers", "PV"], not {_show(terms)}',
                       f'{prefix}{key} は文字列のリスト（例：["フォロワー", "PV"]）でなければなりません（{_show(terms)} になっています）')
    # Each term is looked for in every goal's id, label and unit: bounded, so that a
    # configuration cannot make a check take hours.
    long = next((n for n, term in enumerate(terms) if len(term) > MAX_TERM_LENGTH), None)
    if len(terms) > MAX_VANITY_TERMS or long is not None:
        raise _Invalid((key,) if long is None else (key, long),
                       f"{prefix}{key} holds at most {MAX_VANITY_TERMS:,} terms of at most {MAX_TERM_LENGTH} characters "
                       f"each (this one has {len(terms):,})",
                       f"{prefix}{key} に書けるのは {MAX_TERM_LENGTH} 文字以内の語を {MAX_VANITY_TERMS:,} 個までです"
                       f"（この設定では {len(terms):,} 個）")
    return terms


def _max_kgis(max_kgis, known_codes, prefix: str) -> int:
    if isinstance(max_kgis, bool) or not isinstance(max_kgis, int) or max_kgis < 1:
        raise _Invalid(("max-kgis",), f"{prefix}max-kgis must be a whole number of at least 1 such as 3, "
                                      f"not {_show(max_kgis)}{_unquote(max_kgis)[0]}",
                       f"{prefix}max-kgis は 1 以上の整数（例：3）でなければなりません（{_show(max_kgis)} になっています）"
                       f"{_unquote(max_kgis)[1]}")
    return max_kgis


# Each setting's check, as _schema_problem calls it on the one setting the schema refused.
_CHECKS = {
    "severity": _severity,
    "disable": _disable,
    "growth-bound": _growth_bound,
    "vanity-metrics": lambda terms, known_codes, prefix: _vanity("vanity-metrics", terms, prefix),
    "extend-vanity-metrics": lambda terms, known_codes, prefix: _vanity("extend-vanity-metrics", terms, prefix),
    "max-kgis": _max_kgis,
}


def _known(code: str, known_codes, path: tuple, key: str) -> None:
    if known_codes is not None and code not in known_codes:
        hint, hint_ja = _did_you_mean(_retyped(code), known_codes)
        raise _Invalid(path, f"{key}: unknown rule code {_show(code)}{hint}", f"{key}：未知のルールのコード {_show(code)}{hint_ja}")


def _retyped(code: str) -> str:
    """`code` with the usual slips undone: case, spaces, a letter O or l typed for a digit."""
    text = code.strip().upper()
    if len(text) > 3 and text[:3] == "KPI":
        text = "KPI" + text[3:].replace("O", "0").replace("L", "1").replace("I", "1")
    return text


def _unknown_keys(unknown: list, table: dict, prefix: str) -> tuple[str, str]:
    known = ", ".join(sorted(KNOWN_KEYS))
    if not prefix and unknown == ["tool"] and isinstance(table["tool"], dict) and "kpispec" in table["tool"]:
        return ("unknown setting tool: in kpispec.toml the settings sit at the top level, without [tool.kpispec]",
                "未知の設定 tool：kpispec.toml では設定を [tool.kpispec] なしで最上位に書きます")
    if len(unknown) == 1:
        hint, hint_ja = _did_you_mean(unknown[0], KNOWN_KEYS)
        return (f"unknown setting {prefix}{_key(unknown[0])}{hint}; known settings: {known}",
                f"未知の設定 {prefix}{_key(unknown[0])}{hint_ja}。使える設定：{known}")
    names = f"{', '.join(prefix + _key(k) for k in unknown[:5])}{', …' if len(unknown) > 5 else ''}"
    return f"unknown settings {names}; known settings: {known}", f"未知の設定 {names}。使える設定：{known}"


# ---------------------------------------------------------------- the JSON Schema


def _schema_problem(table: dict, places: _Places, prefix: tuple, known_codes) -> _Invalid | None:
    """The first problem the JSON Schema finds in a configuration file's settings, in from_table's words.

    How the schema and the hand-written checks share the work: the schema is what editors validate
    with (taplo, Even Better TOML), so `check` must refuse exactly what it refuses. The checks run
    first (no jsonschema import for a good configuration); for settings they refuse, the schema
    decides what is reported: of its errors, the first in the file
    (by the line and column of the key or list item each is about) is the one reported. The words
    are from_table's: the check of that one setting runs on what the schema refused and its
    message (did-you-mean hints, the value as TOML spells it) is the message, so each message is
    written once. The rules themselves are written twice, as the schema (generated by
    `config_schema` from the same constants) and as the checks, which from_table still needs to
    read the values and which the API uses without jsonschema: tests/test_config_schema.py holds
    them to the same verdict on generated tables, and should they ever differ the schema's own
    message is reported rather than nothing.

    jsonschema is imported here, only for a configuration file that is refused: `check` with a good
    one, or none, never pays for it (tests/test_imports.py)."""
    errors = _schema_errors(_validator(known_codes), table)
    if not errors:
        return None
    found = []
    for order, error in enumerate(errors):
        for path in _subjects(error):
            found.append((places.position((*prefix, *path)), order, path, error))
    _, _, path, error = min(found, key=lambda item: item[:2])
    spelled = "".join(f"{part}." for part in prefix)
    unknown = sorted(set(table) - KNOWN_KEYS, key=str)
    if path and path[0] in unknown:  # unknown settings: one message names them all, at the first in the file
        return _Invalid(path[:1], *_unknown_keys(unknown, table, spelled))
    if path and path[0] in _CHECKS:
        value = table[path[0]]
        if path[0] == "severity" and len(path) > 1 and isinstance(value, dict):
            value = {path[1]: value[path[1]]}  # the one level or code refused
        try:
            _CHECKS[path[0]](value, known_codes, spelled)
        except _Invalid as problem:
            return problem
    name = ".".join(_key(part) if isinstance(part, str) else f"[{part}]" for part in path).replace(".[", "[")
    name = spelled + name if name else spelled.rstrip(".") or "the configuration"
    said = _one_line(error.message)[:200]
    return _Invalid(path, f"{name}: {said}", f"{name}：設定のスキーマに合いません（{said}）")


def _schema_errors(validator, table: dict) -> list:
    """The schema's errors, enough of them to find the first in the file, with bounded work.

    Each setting is validated on its own (the root schema on a table of that one setting; the
    unknown ones together), its errors read lazily until one is about the setting itself (its
    type or size: nothing in it comes before its key) or MAX_SCHEMA_ERRORS of them: a 1 MiB file
    of 100,000 misspelt codes costs a few of them, not 100,000. Lists are bounded by the schema
    (maxItems, before items) for the same reason."""
    from itertools import islice

    known = validator.schema.get("properties", {})
    unknown = {key: value for key, value in table.items() if key not in known}
    groups = ([unknown] if unknown else []) + [{key: value} for key, value in table.items() if key in known]
    errors = []
    for group in groups:
        for error in islice(validator.iter_errors(group), MAX_SCHEMA_ERRORS):
            errors.append(error)
            if len(error.absolute_path) <= 1 and "propertyNames" not in error.absolute_schema_path:
                break
    return errors


def _subjects(error) -> list[tuple]:
    """The paths of the keys or list items a schema error is about: for a key that is not allowed,
    the key itself (its own place in the file, not its table's)."""
    path = tuple(error.absolute_path)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = error.schema.get("properties", {})
        extra = [(*path, key) for key in error.instance if key not in allowed]
        return extra or [path]
    if "propertyNames" in error.absolute_schema_path:  # an unknown rule code under severity
        return [(*path, error.instance)]
    return [path]


_VALIDATORS: dict = {}


def _validator(known_codes):
    """A draft 2020-12 validator of the settings with the shipped schema, for TOML's values: an
    integer is a TOML integer (3.0 is a float, not a whole number of KGIs) and a number is finite
    (TOML has inf and nan; JSON, which the schema is written for, has neither). Without
    `known_codes` any rule code is allowed, as from_table allows it."""
    key = None if known_codes is None else frozenset(known_codes)
    if key not in _VALIDATORS:
        import json

        import jsonschema

        try:
            schema = json.loads(Path(__file__).with_name("config.schema.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):  # an install without it: the same schema, made here
            schema = config_schema()
        if key is None:
            schema["$defs"]["rule-code"] = {"type": "string"}
        elif key != set(schema["$defs"]["rule-code"]["enum"]):
            schema["$defs"]["rule-code"] = {"type": "string", "enum": sorted(key, key=str)}
        types = jsonschema.Draft202012Validator.TYPE_CHECKER.redefine_many({
            "integer": lambda checker, value: isinstance(value, int) and not isinstance(value, bool),
            "number": lambda checker, value: (isinstance(value, int) and not isinstance(value, bool)
                                              or isinstance(value, float) and math.isfinite(value)),
        })
        _VALIDATORS[key] = jsonschema.validators.extend(jsonschema.Draft202012Validator, type_checker=types)(schema)
    return _VALIDATORS[key]


def config_schema() -> dict:
    """The JSON Schema (draft 2020-12) of the settings: the top level of kpispec.toml, or the
    [tool.kpispec] table of pyproject.toml. Made from the constants the checks use; committed as
    kpispec/config.schema.json (which `load` reads), schemas/kpispec-config.schema.json and
    docs/schemas/kpispec-config.schema.json (`kpispec schema --config` prints it)."""
    from . import DOCS_URL
    from .codes import all_rules

    rules = all_rules()
    both = "\n\n".join
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": DOCS_URL + CONFIG_SCHEMA_PATH,
        "title": "kpispec configuration",
        "description": both([
            f"The settings of `kpispec check`: the top level of a kpispec.toml, or the [tool.kpispec] table of a "
            f"pyproject.toml. {DOCS_URL}configuration/",
            "`kpispec check` の設定：kpispec.toml の最上位、または pyproject.toml の [tool.kpispec] テーブル。",
        ]),
        "type": "object",
        "properties": {
            "severity": {
                "description": both([
                    'The level each rule reports at, by rule code: "error", "warning", "info", or "off" to disable it.',
                    'ルールのコードごとの重大度："error"・"warning"・"info"、"off" ならそのルールを無効にします。',
                ]),
                "type": "object",
                # each code by its name and page only: the schema changes with the rules, not with their wording
                "properties": {rule.code: {"$ref": "#/$defs/level", "description": both([
                    f"{rule.code} `{rule.name}`: {DOCS_URL}rules/{rule.code}/",
                    f"{rule.code} `{rule.name}`：{DOCS_URL}ja/rules/{rule.code}/",
                ])} for rule in rules},
                "propertyNames": {"$ref": "#/$defs/rule-code"},
                "additionalProperties": {"$ref": "#/$defs/level"},
                "default": {},
                "examples": [{"KPI205": "info", "KPI217": "off"}],
            },
            "disable": {
                "description": both([f"Rule codes to turn off (at most {MAX_DISABLED:,}).",
                                     f"無効にするルールのコード（{MAX_DISABLED:,} 個まで）。"]),
                "type": "array",
                "maxItems": MAX_DISABLED,
                "items": {"$ref": "#/$defs/rule-code"},
                "default": [],
                "examples": [["KPI215"]],
            },
            "growth-bound": {
                "description": both([
                    "KPI206: how far a target may be from its baseline (3: up to 3 times it, or down to a third of it "
                    "for a `<=` target). A number above 1.",
                    "KPI206：目標値がベースラインからどこまで離れてよいか（3 なら 3 倍まで、`<=` の目標なら 3 分の 1 まで）。"
                    "1 より大きい数。",
                ]),
                "type": "number",
                "exclusiveMinimum": 1,
                "default": int(DEFAULT.growth_bound),
            },
            "vanity-metrics": {
                "description": both([
                    "KPI216: the terms that make a KGI a vanity metric (looked for in its id, label and unit). Replaces "
                    f"the built-in list. At most {MAX_VANITY_TERMS:,} terms of at most {MAX_TERM_LENGTH} characters.",
                    "KPI216：KGI を虚栄の指標とみなす語（ID・ラベル・単位の中を探します）。組み込みの一覧を置き換えます。"
                    f"{MAX_TERM_LENGTH} 文字以内の語を {MAX_VANITY_TERMS:,} 個まで。",
                ]),
                "type": "array",
                "maxItems": MAX_VANITY_TERMS,
                "items": {"$ref": "#/$defs/term"},
                "default": list(DEFAULT_VANITY),
            },
            "extend-vanity-metrics": {
                "description": both([
                    "KPI216: terms added to the vanity metrics (the built-in list, or vanity-metrics). "
                    f"At most {MAX_VANITY_TERMS:,} terms of at most {MAX_TERM_LENGTH} characters.",
                    "KPI216：虚栄の指標に加える語（組み込みの一覧、または vanity-metrics に）。"
                    f"{MAX_TERM_LENGTH} 文字以内の語を {MAX_VANITY_TERMS:,} 個まで。",
                ]),
                "type": "array",
                "maxItems": MAX_VANITY_TERMS,
                "items": {"$ref": "#/$defs/term"},
                "default": [],
                "examples": [["ファン数", "メルマガ登録者数"]],
            },
            "max-kgis": {
                "description": both(["KPI211: the most KGIs one plan should have. A whole number, at least 1.",
                                     "KPI211：1 つの計画に置く KGI の上限。1 以上の整数。"]),
                "type": "integer",
                "minimum": 1,
                "default": DEFAULT.max_kgis,
            },
        },
        "additionalProperties": False,
        "$defs": {
            "rule-code": {
                "description": both(["A rule code: `kpispec explain CODE` says what the rule checks.",
                                     "ルールのコード。`kpispec explain CODE` でルールの説明を表示します。"]),
                "type": "string",
                "enum": [rule.code for rule in rules],
            },
            "level": {
                "description": both(['"off" disables the rule.', '"off" はルールを無効にします。']),
                "type": "string",
                "enum": list(LEVELS),
            },
            "term": {"type": "string", "maxLength": MAX_TERM_LENGTH},
        },
    }


# ---------------------------------------------------------------- where a key is written


def key_places(text: str) -> dict:
    """Where each key of a TOML text is first written: a dict from paths of keys (and list indexes)
    to offsets in `text`. `[tool.kpispec.severity]` places ("tool",), ("tool", "kpispec") and
    ("tool", "kpispec", "severity") at each part of the header; `severity.KPI205 = "x"` and
    `severity = { KPI205 = "x" }` place ("severity",) and ("severity", "KPI205") under the table
    they are in; `disable = ["a", 7]` places ("disable", 0) and ("disable", 1) at the items. Quoted
    keys are read as TOML reads them. Meant for a text that tomllib has read: on anything else it
    stops where it cannot go on, keeping what it found."""
    places: dict = {}
    try:
        _KeyScan(text, places).document()
    except (IndexError, ValueError, RecursionError):
        pass
    return places


class _Places:
    """Where the keys of one TOML text are: found on the first question, once."""

    def __init__(self, text: str):
        self.text = text
        self._places: dict | None = None
        self._lines: list[int] = []

    def position(self, path: tuple) -> tuple[int, int]:
        """(line, column) of the longest part of `path` written in the text: the key itself, else
        the table it is in (its header), else the start of the file. Lines are counted by line
        feeds (a CRLF file counts the same); columns count characters (code points), from 1, as
        tomllib's own errors and the compiled JSON's locations do."""
        from bisect import bisect_right

        if self._places is None:
            self._places = key_places(self.text)
            at = self.text.find("\n")
            self._lines = [0]
            while at >= 0:
                self._lines.append(at + 1)
                at = self.text.find("\n", at + 1)
        for n in range(len(path), 0, -1):
            offset = self._places.get(path[:n])
            if offset is not None:
                line = bisect_right(self._lines, offset)
                return line, offset - self._lines[line - 1] + 1
        return 1, 1

    def place(self, path: tuple) -> str:
        """`:line:column` of the key at `path`."""
        line, column = self.position(path)
        return f":{line}:{column}"


class _KeyScan:
    """The reader behind `key_places`: tables, keys and values of a TOML text, skipping what is
    inside strings and comments (with regular expressions: a 1 MiB file is read in a moment)."""

    def __init__(self, text: str, places: dict):
        import re

        self.text, self.i, self.places = text, 0, places
        self.blank_re = re.compile(r"[ \t]*")
        self.trivia_re = re.compile(r"(?:[ \t\r\n]+|#[^\n]*)*")  # blanks, line ends and comments
        self.bare_re = re.compile(r"[A-Za-z0-9_-]+")
        self.basic_re = re.compile(r'"(?:[^"\\]|\\.)*"', re.S)  # "…" with its escapes
        self.literal_re = re.compile(r"'[^']*'")
        # triple-quoted, which may end in one or two quotes of its own: """a""""" is a"", then the end
        self.multi_re = {'"': re.compile(r'"""(?:[^"\\]|\\.|"(?!""))*"""(?:""?(?!"))?', re.S),
                         "'": re.compile(r"'''(?:[^']|'(?!''))*'''(?:''?(?!'))?", re.S)}
        self.scalar_re = re.compile(r"[^,\]}#\r\n]+")  # a number, a boolean, a date or a time (`1979-05-27 07:32:00`)

    def document(self) -> None:
        text = self.text
        table: tuple = ()
        while True:
            self.trivia()
            if self.i >= len(text):
                return
            if text.startswith("[[", self.i):
                self.i += 2
                table = self.key(())
                self.expect("]]")
            elif text[self.i] == "[":
                self.i += 1
                table = self.key(())
                self.expect("]")
            else:
                self.key_value(table)

    def key_value(self, table: tuple) -> None:
        keys = self.key(table)
        self.expect("=")
        self.blank()
        self.value(keys)

    def expect(self, token: str) -> None:
        self.blank()
        if not self.text.startswith(token, self.i):
            raise ValueError(token)
        self.i += len(token)

    def blank(self) -> None:
        self.i = self.blank_re.match(self.text, self.i).end()

    def trivia(self) -> None:
        self.i = self.trivia_re.match(self.text, self.i).end()

    def token(self, pattern) -> str:
        found = pattern.match(self.text, self.i)
        if found is None:
            raise ValueError("unexpected")
        self.i = found.end()
        return found.group()

    def key(self, base: tuple) -> tuple:
        """A dotted key after `base`; each part is placed where it is written."""
        path = base
        while True:
            self.blank()
            start = self.i
            path = (*path, self.part())
            self.places.setdefault(path, start)
            self.blank()
            if not self.text.startswith(".", self.i):
                return path
            self.i += 1

    def part(self) -> str:
        first = self.text[self.i:self.i + 1]
        if first == '"':
            token = self.token(self.basic_re)
            if "\\" not in token:
                return token[1:-1]
            import tomllib

            return tomllib.loads("k = " + token)["k"]  # escapes read as TOML reads them
        if first == "'":
            return self.token(self.literal_re)[1:-1]
        return self.token(self.bare_re)

    def value(self, path: tuple) -> None:
        text, i = self.text, self.i
        if text.startswith("{", i):  # an inline table
            self.i += 1
            while True:
                self.trivia()
                if text.startswith("}", self.i):
                    self.i += 1
                    return
                if text.startswith(",", self.i):
                    self.i += 1
                    continue
                self.key_value(path)
        elif text.startswith("[", i):  # an array: each item placed at its index
            self.i += 1
            n = 0
            while True:
                self.trivia()
                if text.startswith("]", self.i):
                    self.i += 1
                    return
                if text.startswith(",", self.i):
                    self.i += 1
                    continue
                self.places.setdefault((*path, n), self.i)
                self.value((*path, n))
                n += 1
        elif text.startswith('"""', i) or text.startswith("'''", i):
            self.token(self.multi_re[text[i]])
        elif text.startswith('"', i):
            self.token(self.basic_re)
        elif text.startswith("'", i):
            self.token(self.literal_re)
        else:
            self.token(self.scalar_re)


# ---------------------------------------------------------------- messages


def _error(where: str, text: str, ja: str) -> ConfigError:
    """The error for `where`, in both languages: `str()` is the English, `.message` both."""
    error = ConfigError(_one_line(f"{where}: {text}"))
    error.message = Msg(_one_line(f"{where}: {text}"), _one_line(f"{where}：{ja}"))
    return error


# tomllib's messages, in Japanese (any other is quoted as tomllib says it)
_TOML_ERRORS_JA = {
    "Invalid value": "値が読めません",
    "Invalid statement": "読めない行です",
    "Unclosed array": "配列の `]` がありません",
    "Unclosed inline table": "インラインテーブルの `}` がありません",
    "Expected '=' after a key in a key/value pair": "キーの後に `=` が必要です",
    "Cannot overwrite a value": "同じ値が 2 回書かれています",
    "Cannot declare": "同じテーブルが 2 回宣言されています",
    "Invalid initial character for a key part": "キーの最初の文字が使えません",
    "Unterminated string": "文字列が閉じられていません",
    "Expected newline or end of document after a statement": "1 行に 1 つの設定を書いてください",
    "Illegal character": "使えない文字があります",
}


def _toml_error_place(text: str) -> tuple[str, str]:
    """tomllib's message without its place, and the place as `:line:column`:
    `Invalid value (at line 1, column 5)` is `Invalid value` at `:1:5`."""
    import re

    found = re.fullmatch(r"(.*) \(at line (\d+), column (\d+)\)", text, re.S)
    return (text, "") if found is None else (found.group(1), f":{found.group(2)}:{found.group(3)}")


def _toml_error_ja(text: str) -> str:
    """tomllib's message, its place taken out, in Japanese: `Invalid value` as `値が読めません`,
    `Unclosed array (at end of document)` as `ファイルの終わり：配列の `]` がありません`; any other in quotes."""
    import re

    found = re.fullmatch(r"(.*?)( \(at end of document\))?", text, re.S)
    what = next((ja for en, ja in _TOML_ERRORS_JA.items() if found.group(1).startswith(en)), None)
    if what is None:
        return f"「{text}」"
    return f"ファイルの終わり：{what}" if found.group(2) else what


def _did_you_mean(word: str, candidates) -> tuple[str, str]:
    """` (did you mean "x"?)` in English and Japanese, or two empty texts."""
    if not isinstance(word, str) or not word or len(word) > 40:
        return "", ""
    from .suggest import closest

    match = closest(word, sorted(str(c) for c in candidates))
    return (f" (did you mean {_quote(match)}?)", f"（{_quote(match)} のことですか？）") if match else ("", "")


def _unquote(value) -> tuple[str, str]:
    """A hint for a number written in quotes (`growth-bound = "3"`), in English and Japanese."""
    if isinstance(value, str):
        try:
            float(value.replace("_", ""))
        except ValueError:
            return "", ""
        return " (write the number without quotes)", "。数値は引用符なしで書いてください"
    return "", ""


def _one_line(text: str) -> str:
    """`text` with every character that could break the line or the terminal escaped."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else _escape(ch) for ch in text)


def _escape(ch: str) -> str:
    code = ord(ch)
    return f"\\u{code:04X}" if code <= 0xFFFF else f"\\U{code:08X}"


def _quote(text: str, limit: int = 40) -> str:
    shown = text if len(text) <= limit else text[:limit] + "…"
    body = "".join(
        "\\" + ch if ch in '"\\' else ch if ch.isprintable() else _escape(ch) for ch in shown
    )
    return f'"{body}"'


def _key(key) -> str:
    """A key as TOML spells it: bare when it can be, quoted otherwise."""
    text = str(key)
    if text and len(text) <= 40 and all(ch.isascii() and (ch.isalnum() or ch in "-_") for ch in text):
        return text
    return _quote(text)


def _show(value, limit: int = 60) -> str:
    """A value as it would be written in TOML, on one short line."""
    text = _toml(value, 0)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _toml(value, depth: int) -> str:
    if depth > 3:
        return "…"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return _quote(value)
    if isinstance(value, int):
        if value.bit_length() < 200:
            return str(value)
        return "a very large negative number" if value < 0 else "a very large number"
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, list):
        items = [_toml(item, depth + 1) for item in value[:5]]
        return "[" + ", ".join(items + (["…"] if len(value) > 5 else [])) + "]"
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = [f"{_key(k)} = {_toml(v, depth + 1)}" for k, v in list(value.items())[:5]]
        return "{ " + ", ".join(items + (["…"] if len(value) > 5 else [])) + " }"
    if hasattr(value, "isoformat"):  # TOML dates, times and date-times
        return value.isoformat()
    return _one_line(repr(value))
