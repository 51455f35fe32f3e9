"""The mkdocs plugin: adds the plans' pages to a site (`plugins: [kpispec]`; entry point `kpispec`).

    plugins:
      - kpispec:
          paths: [plans]      # files or folders, relative to mkdocs.yml
          folder: plans       # where the pages go in the site
          lang: ja            # en or ja
          rules: true         # a page per rule code, which the diagnostics link to

A thin layer: `collect` analyses the plans, `pages.generate` writes the pages, and this adds them
to mkdocs' files (refusing to overwrite a page of the site's own) and its stylesheet to the
theme's. Under `mkdocs serve`, a change to a plan rebuilds the site.
"""

from __future__ import annotations

import logging
import posixpath
from pathlib import Path

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File

from .collect import collect
from .pages import CODE_CSS_PATH, CSS_PATH, generate, navigation

log = logging.getLogger("mkdocs.plugins.kpispec")


class KpispecConfig(Config):
    paths = c.ListOfItems(c.Type(str), default=["."])
    folder = c.Type(str, default="plans")
    lang = c.Choice(("en", "ja"), default="en")
    rules = c.Type(bool, default=True)
    title = c.Optional(c.Type(str))
    config_file = c.Optional(c.Type(str))
    follow_symlinks = c.Type(bool, default=False)
    nav = c.Type(bool, default=False)  # set the site's navigation (kpispec docs does: the site is only plans)


class KpispecPlugin(BasePlugin[KpispecConfig]):
    def on_config(self, config):
        if self.config.rules:
            try:  # the rule pages' ```kpi examples are coloured with it; kpispec's plain install leaves it out
                import pygments  # noqa: F401
            except ImportError as exc:
                from . import needs_docs_extra

                raise PluginError("kpispec: " + needs_docs_extra(("the kpispec plugin", "kpispec プラグイン"), exc)) from None
        folder = self.config.folder.strip("/")
        if folder and any(part in ("", ".", "..") for part in folder.split("/")):
            raise PluginError(f"kpispec: `folder` must be a plain relative folder, not {folder!r}")
        base = Path(config.config_file_path).parent if config.config_file_path else Path.cwd()
        self._paths = [base / p for p in self.config.paths]
        config_file = base / self.config.config_file if self.config.config_file else None
        found = collect(self._paths, config_file, self.config.follow_symlinks)
        if found.errors:
            raise PluginError("kpispec: " + "; ".join(found.errors))
        for note in found.notes:  # a path skipped (a symbolic link, say), as `check` notes it
            log.info("kpispec: note: %s", note)
        self._pages = generate(found.results, self.config.lang, folder, config.use_directory_urls, self.config.rules,
                               self.config.title)
        for sheet in (CSS_PATH, CODE_CSS_PATH):
            css = posixpath.join(folder, sheet) if folder else sheet
            if css in self._pages and css not in config.extra_css:
                config.extra_css.append(css)
        if self.config.nav and not config.nav:
            config.nav = navigation(found.results, folder, self.config.lang, self.config.title, self.config.rules)
        return config

    def on_files(self, files, config):
        for path, content in self._pages.items():
            if files.get_file_from_path(path) is not None:
                raise PluginError(f"kpispec: the site already has {path}; set the plugin's `folder` to a free one")
            files.append(File.generated(config, path, content=content))
        return files

    def on_serve(self, server, config, builder):
        for path in self._paths:
            server.watch(str(path))
        return server
