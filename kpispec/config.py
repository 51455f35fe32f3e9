"""Configuration from `[tool.kpispec]` in pyproject.toml or from kpispec.toml, found upwards.

The search starts at the checked file's folder and stops at the repository root (the nearest
folder holding a `.git` folder or file); outside any repository it goes up to the filesystem
root. Only regular files count, and a configuration file is read without blocking and at most
`MAX_BYTES` of it, so a FIFO, a device or a huge file never hangs or swamps a check.

Every problem with a configuration file is a `ConfigError` whose message is one line naming
the file, the setting and what was expected; nothing in here may end in a traceback.
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

MAX_VANITY_TERMS = 1_000
KNOWN_KEYS = {"severity", "disable", "growth-bound", "vanity-metrics", "extend-vanity-metrics", "max-kgis"}
LEVELS = ("error", "warning", "info", "off")
MAX_BYTES = 1024 * 1024  # a configuration file is a few lines; anything this large is a mistake


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
        raise _error(where, f"invalid TOML: {exc}", f"TOML として読めません：{_toml_error_ja(str(exc))}") from None
    if path.name != "pyproject.toml":
        return from_table(parsed, where, known_codes)
    tool = parsed.get("tool", {})
    if not isinstance(tool, dict):
        raise _error(where, f"tool must be a table holding [tool.kpispec], not {_show(tool)}",
                     f"tool は [tool.kpispec] を含むテーブルでなければなりません（{_show(tool)} になっています）")
    table = tool.get("kpispec", {})
    if not isinstance(table, dict):
        raise _error(where, f"tool.kpispec must be a table of settings under a [tool.kpispec] header, not {_show(table)}",
                     f"tool.kpispec は [tool.kpispec] 見出しの下の設定のテーブルでなければなりません（{_show(table)} になっています）")
    return from_table(table, where, known_codes, prefix="tool.kpispec.")


# ---------------------------------------------------------------- checking


def from_table(table: dict, where: str, known_codes=None, *, prefix: str = "") -> Config:
    """A Config from a parsed table; `prefix` is how the file spells the table's keys (`tool.kpispec.`)."""
    if not isinstance(table, dict):
        raise _error(where, f"{prefix.rstrip('.') or 'the configuration'} must be a table of settings, not {_show(table)}",
                     f"{prefix.rstrip('.') or '設定'} は設定のテーブルでなければなりません（{_show(table)} になっています）")
    unknown = sorted(set(table) - KNOWN_KEYS, key=str)
    if unknown:
        raise _error(where, *_unknown_keys(unknown, table, prefix))

    levels = table.get("severity", {})
    if not isinstance(levels, dict):
        raise _error(where, f'{prefix}severity must be a table of rule codes and levels such as '
                            f'{{ KPI205 = "info" }}, not {_show(levels)}',
                     f'{prefix}severity はルールのコードと重大度のテーブル（例：{{ KPI205 = "info" }}）でなければなりません'
                     f'（{_show(levels)} になっています）')
    severity: dict = {}
    disabled = set()
    for code, level in levels.items():
        _known(code, known_codes, where, f"{prefix}severity")
        if level == "off":
            disabled.add(code)
        elif isinstance(level, str) and level in LEVELS:
            severity[code] = Severity(level)
        else:
            hint, hint_ja = _did_you_mean(level, LEVELS) if isinstance(level, str) else ("", "")
            raise _error(where, f'{prefix}severity.{_key(code)} must be "error", "warning", "info" or "off", '
                                f"not {_show(level)}{hint}",
                         f'{prefix}severity.{_key(code)} は "error"・"warning"・"info"・"off" のいずれかにしてください'
                         f"（{_show(level)} になっています{'。' + hint_ja[1:-1] if hint_ja else ''}）")

    codes = table.get("disable", [])
    if not isinstance(codes, list) or not all(isinstance(code, str) for code in codes):
        raise _error(where, f'{prefix}disable must be a list of rule codes such as ["KPI215"], not {_show(codes)}',
                     f'{prefix}disable はルールのコードのリスト（例：["KPI215"]）でなければなりません（{_show(codes)} になっています）')
    for code in codes:
        _known(code, known_codes, where, f"{prefix}disable")
        disabled.add(code)

    bound = table.get("growth-bound", 3)
    if isinstance(bound, bool) or not isinstance(bound, (int, float)):
        raise _error(where, f"{prefix}growth-bound must be a number above 1 such as 3, not {_show(bound)}{_unquote(bound)[0]}",
                     f"{prefix}growth-bound は 1 より大きい数（例：3）でなければなりません（{_show(bound)} になっています）"
                     f"{_unquote(bound)[1]}")
    if isinstance(bound, float) and not math.isfinite(bound):
        too_big = " (numbers beyond about 1.8e308 are infinite)" if bound > 0 else ""
        too_big_ja = "。約 1.8e308 を超える数は無限大になります" if bound > 0 else ""
        raise _error(where, f"{prefix}growth-bound must be a finite number above 1 such as 3, not {_show(bound)}{too_big}",
                     f"{prefix}growth-bound は 1 より大きい有限の数（例：3）でなければなりません（{_show(bound)} になっています）"
                     f"{too_big_ja}")
    if bound <= 1:
        raise _error(where, f"{prefix}growth-bound must be a number above 1 such as 3, not {_show(bound)}",
                     f"{prefix}growth-bound は 1 より大きい数（例：3）でなければなりません（{_show(bound)} になっています）")
    growth_bound = Fraction(bound) if isinstance(bound, int) else Fraction(repr(bound))  # 1.1 means 11/10

    # `vanity-metrics` replaces the defaults; `extend-vanity-metrics` adds to them (or to the list
    # that replaces them), as ruff's `select` and `extend-select` do.
    vanity = table.get("vanity-metrics", list(DEFAULT_VANITY))
    extra = table.get("extend-vanity-metrics", [])
    for key, terms in (("vanity-metrics", vanity), ("extend-vanity-metrics", extra)):
        if not isinstance(terms, list) or not all(isinstance(term, str) for term in terms):
            raise _error(where, f'{prefix}{key} must be a list of strings such as ["followers", "PV"], '
                                f"not {_show(terms)}",
                         f'{prefix}{key} は文字列のリスト（例：["フォロワー", "PV"]）でなければなりません（{_show(terms)} になっています）')
    vanity = list(dict.fromkeys([*vanity, *extra]))
    # Each term is looked for in every goal's id, label and unit: bounded, so that a
    # configuration cannot make a check take hours.
    if len(vanity) > MAX_VANITY_TERMS or any(len(term) > 100 for term in vanity):
        raise _error(where, f"{prefix}vanity-metrics holds at most {MAX_VANITY_TERMS:,} terms of at most 100 characters "
                            f"each (this one has {len(vanity):,})",
                     f"{prefix}vanity-metrics に書けるのは 100 文字以内の語を {MAX_VANITY_TERMS:,} 個までです"
                     f"（この設定では {len(vanity):,} 個）")

    max_kgis = table.get("max-kgis", 3)
    if isinstance(max_kgis, bool) or not isinstance(max_kgis, int) or max_kgis < 1:
        raise _error(where, f"{prefix}max-kgis must be a whole number of at least 1 such as 3, "
                            f"not {_show(max_kgis)}{_unquote(max_kgis)[0]}",
                     f"{prefix}max-kgis は 1 以上の整数（例：3）でなければなりません（{_show(max_kgis)} になっています）"
                     f"{_unquote(max_kgis)[1]}")
    return Config(severity, frozenset(disabled), growth_bound, tuple(vanity), max_kgis, where)


def _known(code: str, known_codes, where: str, key: str) -> None:
    if known_codes is not None and code not in known_codes:
        hint, hint_ja = _did_you_mean(_retyped(code), known_codes)
        raise _error(where, f"{key}: unknown rule code {_show(code)}{hint}", f"{key}：未知のルールのコード {_show(code)}{hint_ja}")


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


def _toml_error_ja(text: str) -> str:
    """`Invalid value (at line 1, column 5)` as `1 行 5 列目：値が読めません`."""
    import re

    found = re.fullmatch(r"(.*?) \(at (?:line (\d+), column (\d+)|end of document)\)", text)
    if found is None:
        return f"「{text}」"
    what = next((ja for en, ja in _TOML_ERRORS_JA.items() if found.group(1).startswith(en)), f"「{found.group(1)}」")
    where = f"{found.group(2)} 行 {found.group(3)} 列目" if found.group(2) else "ファイルの終わり"
    return f"{where}：{what}"


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
