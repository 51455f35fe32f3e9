"""Which configuration governs each plan: found once per folder, loaded once per file."""

from __future__ import annotations

import os
from pathlib import Path

from .io import Text, display_path


class Configs:
    """The configuration of each plan: `--config`, else the nearest one up to the repository root.

    A configuration that cannot be used is recorded once in `errors`, however many plans it governs."""

    def __init__(self, explicit: Path | None):
        self.explicit = explicit
        self.errors: list[str] = []
        self._by_folder: dict[str, object] = {}
        self._loaded: dict[Path, object] = {}
        self._search = None

    def for_file(self, path: str):
        """`path` has its symbolic links resolved (as `find_plans` gives them)."""
        from ..config import DEFAULT, ConfigSearch

        if self.explicit is not None:
            return self._load(self.explicit)
        folder = os.path.dirname(path)
        if folder not in self._by_folder:
            if self._search is None:
                self._search = ConfigSearch()
            found = self._search.find_in(Path(folder))
            self._by_folder[folder] = DEFAULT if found is None else self._load(found)
        return self._by_folder[folder]

    @property
    def files(self) -> tuple[Path, ...]:
        """The configuration files read (or tried)."""
        return tuple(self._loaded)

    def _load(self, found: Path):
        from ..codes import all_rules
        from ..config import DEFAULT, ConfigError, load

        if found not in self._loaded:
            try:
                self._loaded[found] = load(found, {r.code for r in all_rules()})
            except ConfigError as exc:
                # Named as the user would type it, not by the absolute path the search returns.
                shown = display_path(found)
                message = exc.message
                self.errors.append(Text(message.en.replace(str(found), shown, 1), message.ja.replace(str(found), shown, 1)))
                self._loaded[found] = DEFAULT
        return self._loaded[found]
