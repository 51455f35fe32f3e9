"""Where a reported file is, as GitHub reads it: relative to the repository's root.

GitHub places a SARIF result or an Actions annotation on a file by its path from the root of the
repository (the checkout). kpispec names files as the user gave them, relative to the working
folder (`../plans/a.kpi` from a subfolder), so the machine formats say them again from the root:
the git top level of the working folder (the nearest folder up holding `.git`), or `--root`.
"""

from __future__ import annotations

import os
from urllib.parse import quote

STDIN = "<stdin>"
SRCROOT = "%SRCROOT%"


class Root:
    """The folder reported paths are relative to."""

    def __init__(self, folder: str | os.PathLike | None = None):
        try:
            self._cwd = os.getcwd()
        except OSError:  # the working folder was deleted: names given relative to it cannot be placed
            self._cwd = None
        if folder is None:
            from ..config import repository_root

            found = repository_root(self._cwd) if self._cwd else None
            folder = found if found is not None else (self._cwd or os.sep)
        self.path = os.path.realpath(folder)
        self._cache: dict[str, str | None] = {}

    def relative(self, shown: str) -> str | None:
        """`shown` (a name as diagnostics carry it) from the root, with `/` between folders; None
        for a file outside the root (or read from standard input)."""
        if shown in self._cache:
            return self._cache[shown]
        answer = None
        if shown != STDIN and (self._cwd or os.path.isabs(shown)):
            absolute = os.path.normpath(os.path.join(self._cwd or os.sep, shown))
            if not _inside(absolute, self.path):
                # The working folder's own path may be spelled through a link the root was resolved out of.
                absolute = os.path.join(os.path.realpath(os.path.dirname(absolute)), os.path.basename(absolute))
            if _inside(absolute, self.path):
                answer = os.path.relpath(absolute, self.path).replace(os.sep, "/")
        if len(self._cache) < 100_000:
            self._cache[shown] = answer
        return answer

    def shown(self, shown: str) -> str:
        """The name to give GitHub for an annotation: from the root when inside it, else as given."""
        relative = self.relative(shown)
        return shown if relative is None else relative

    def artifact(self, shown: str) -> dict:
        """A SARIF artifactLocation: a percent-encoded URI relative to %SRCROOT%, or a file: URI for a
        file outside the root."""
        relative = self.relative(shown)
        if relative is not None:
            return {"uri": uri_path(relative), "uriBaseId": SRCROOT}
        if shown == STDIN:
            return {"uri": uri_path(STDIN)}
        if self._cwd is None and not os.path.isabs(shown):
            return {"uri": uri_path(shown)}
        return {"uri": file_uri(os.path.normpath(os.path.join(self._cwd or os.sep, shown)))}

    def base_ids(self) -> dict:
        """SARIF's originalUriBaseIds: what %SRCROOT% stands for on this machine."""
        uri = file_uri(self.path)
        return {SRCROOT: {"uri": uri if uri.endswith("/") else uri + "/"}}


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def uri_path(path: str) -> str:
    """A relative path as a URI reference: every byte but letters, digits, `-._~` and `/`
    percent-encoded (UTF-8), so that a space, `%`, `,`, `#`, `?` or Japanese is never misread, and a
    `:` never makes a first segment read as a scheme (`a:b.kpi`)."""
    return quote(path, safe="/")


def file_uri(absolute: str) -> str:
    """An absolute path as a `file:` URI."""
    return "file://" + quote(absolute.replace(os.sep, "/"), safe="/")
