"""Configuration from `[tool.kpispec]` in pyproject.toml or from kpispec.toml, found upwards."""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from .diagnostics import Severity

DEFAULT_VANITY = (
    "followers", "follower", "likes", "like", "page views", "pageviews", "page_views", "pv", "impressions",
    "フォロワー", "フォロワー数", "いいね", "いいね数", "ページビュー", "PV", "PV数", "表示回数", "インプレッション",
)

KNOWN_KEYS = {"severity", "disable", "growth-bound", "vanity-metrics", "max-kgis"}


class ConfigError(Exception):
    """A configuration file that cannot be used; the CLI exits with status 2."""


@dataclass(frozen=True)
class Config:
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


def find_config(start: Path) -> Path | None:
    """The nearest kpispec.toml, or pyproject.toml with a [tool.kpispec] table, at or above start."""
    folder = start if start.is_dir() else start.parent
    folder = folder.resolve()
    for candidate in (folder, *folder.parents):
        own = candidate / "kpispec.toml"
        if own.is_file():
            return own
        pyproject = candidate / "pyproject.toml"
        if pyproject.is_file():
            try:
                text = pyproject.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue
            if "kpispec" not in text:  # most pyproject.toml files: no need to parse TOML
                continue
            import tomllib

            try:
                data = tomllib.loads(text)
            except tomllib.TOMLDecodeError:
                return pyproject  # it mentions kpispec: loading it reports the TOML error (exit 2)
            if "kpispec" in data.get("tool", {}):
                return pyproject
    return None


def load(path: Path, known_codes=None) -> Config:
    import tomllib

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read {path}: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    table = data.get("tool", {}).get("kpispec", {}) if path.name == "pyproject.toml" else data
    return from_table(table, str(path), known_codes)


def from_table(table: dict, where: str, known_codes=None) -> Config:
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: [tool.kpispec] must be a table")
    unknown = set(table) - KNOWN_KEYS
    if unknown:
        raise ConfigError(f"{where}: unknown setting(s): {', '.join(sorted(unknown))} (known: {', '.join(sorted(KNOWN_KEYS))})")
    severity: dict = {}
    disabled = set()
    for code, level in dict(table.get("severity", {})).items():
        _known(code, known_codes, where)
        if level == "off":
            disabled.add(code)
        elif level in ("error", "warning", "info"):
            severity[code] = Severity(level)
        else:
            raise ConfigError(f"{where}: severity of {code} must be error, warning, info or off, not {level!r}")
    for code in table.get("disable", []):
        _known(code, known_codes, where)
        disabled.add(code)
    bound = table.get("growth-bound", 3)
    if isinstance(bound, bool) or not isinstance(bound, (int, float)) or bound <= 1:
        raise ConfigError(f"{where}: growth-bound must be a number above 1, not {bound!r}")
    vanity = table.get("vanity-metrics", list(DEFAULT_VANITY))
    if not isinstance(vanity, list) or not all(isinstance(v, str) for v in vanity):
        raise ConfigError(f"{where}: vanity-metrics must be a list of strings")
    max_kgis = table.get("max-kgis", 3)
    if isinstance(max_kgis, bool) or not isinstance(max_kgis, int) or max_kgis < 1:
        raise ConfigError(f"{where}: max-kgis must be a whole number of at least 1, not {max_kgis!r}")
    return Config(severity, frozenset(disabled), Fraction(str(bound)), tuple(vanity), max_kgis, where)


def _known(code: str, known_codes, where: str) -> None:
    if known_codes is not None and code not in known_codes:
        raise ConfigError(f"{where}: unknown rule code {code!r}")
