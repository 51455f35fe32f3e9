"""`kpispec docs`: a static site of the plans, built by mkdocs with a configuration of its own.

The site is built into a new folder beside DIR and moved into place only when the build has
succeeded, so a failed build leaves DIR as it was. An existing DIR is replaced only when it is
empty or a site kpispec built before (it holds `.kpispec-site`): `-o .` or `-o ~` can never
empty a folder of someone's files.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import stat
import sys
import tempfile
from pathlib import Path
from typing import Annotated, Optional

import typer

from .application import app
from .common import use_language
from .io import Text, display_path, joined, reason, say
from .options import LangOption, fail

MARKER = ".kpispec-site"
MARKER_TEXT = "A site built by `kpispec docs`; it is replaced whole when built again.\n"


@app.command("docs")
def docs(
    paths: Annotated[list[Path], typer.Argument(help="Plan files or folders to document.", readable=False)],
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write the site into this folder (created; replaced only if kpispec built it).", readable=False)] = None,
    lang: LangOption = None,
    title: Annotated[Optional[str], typer.Option("--title", help="The site's name (default: KPI plans).")] = None,
    serve: Annotated[bool, typer.Option("--serve", help="Serve a live preview instead of writing a site; it rebuilds when a plan changes.")] = False,
    dev_addr: Annotated[str, typer.Option("--dev-addr", help="Address and port of the preview.")] = "127.0.0.1:8000",
    config_file: Annotated[Optional[Path], typer.Option("--config", help="Use this kpispec.toml or pyproject.toml for every plan.", readable=False)] = None,
    follow_symlinks: Annotated[bool, typer.Option("--follow-symlinks", help="Follow symbolic links that lead out of their repository.")] = False,
):
    """Build a documentation site of the plans: trees, goals, tables and diagnostics (mkdocs)."""
    lang_code = use_language(lang)
    _site_generator()
    if not serve and output is None:
        fail(Text("say where the site goes with -o DIR (or preview it with --serve)",
                  "サイトの出力先を -o DIR で指定してください（プレビューなら --serve）"))
    cwd = Path.cwd()
    plugin = {"paths": [str((cwd / p).absolute()) for p in paths], "folder": "", "lang": lang_code, "nav": True,
              "follow_symlinks": follow_symlinks}
    if title:
        plugin["title"] = title
    if config_file is not None:
        plugin["config_file"] = str((cwd / config_file).absolute())
    from ..site.pages import T, plain_title

    site_name = plain_title(title or T[lang_code]["plans"])
    with tempfile.TemporaryDirectory(prefix="kpispec-docs-") as work:
        docs_dir = Path(work) / "docs"
        docs_dir.mkdir()
        # The configuration is written as JSON (which is YAML) with every character outside ASCII
        # escaped: a YAML reader takes `\u0085` in a name as that character, where the character
        # itself would be read as a line break. (Settings given to mkdocs as Python values instead
        # are emptied by its first reading, and `--serve` reads them again on each rebuild.)
        config_path = Path(work) / "mkdocs.yml"
        settings = {
            "site_name": site_name,
            "docs_dir": str(docs_dir),
            "use_directory_urls": False,  # the site opens from disk: links name their .html files
            "theme": {"name": "mkdocs", "custom_dir": str(Path(__file__).parent.parent / "site" / "theme"),
                      "highlightjs": False, "locale": lang_code, "navigation_depth": 2},
            "plugins": [{"kpispec": plugin}],
            "markdown_extensions": ["toc", "tables", "fenced_code", {"codehilite": {"guess_lang": False}}],
        }
        config_path.write_text(json.dumps(settings, ensure_ascii=True), encoding="ascii")
        log = _quiet_mkdocs(keep_errors=not serve)
        if serve:
            _plans_usable(paths, config_file, follow_symlinks)
            _serve(config_path, dev_addr)
            raise typer.Exit(0)
        assert output is not None
        target = _output_folder(output, paths)
        _plans_usable(paths, config_file, follow_symlinks)
        built = None
        try:
            built = Path(tempfile.mkdtemp(prefix=".kpispec-site-", dir=target.parent))
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(built, 0o777 & ~umask)  # mkdtemp's folder is private: a site is read by a web server
            _build(config_path, built, log)
            (built / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
            _move_into_place(built, target, output)
        except OSError as exc:
            why = reason(exc)
            fail(Text(f"cannot write the site to {display_path(output)}: {why}",
                      f"サイトを {display_path(output)} に書き込めません：{why.ja}"))
        finally:
            if built is not None:
                shutil.rmtree(built, ignore_errors=True)
    index = f"{display_path(output)}{os.sep}index.html"
    say(f"kpispec: サイトを {index} に書き出しました" if lang_code == "ja" else f"kpispec: wrote the site to {index}")
    raise typer.Exit(0)


def _site_generator() -> None:
    """Exit 2, naming the extra to install, when the site generator is not installed: mkdocs,
    Pygments (the rule pages' ```kpi examples) and Babel (the theme's words in the site's language)
    come with `kpispec[docs]`, not with the plain install (pyproject.toml)."""
    try:  # mkdocs first: the one to name when none of them is there
        import mkdocs.commands.build  # noqa: F401
        import pygments  # noqa: F401
        import babel  # noqa: F401
    except ImportError as exc:
        from ..site import needs_docs_extra

        fail(needs_docs_extra(("kpispec docs", "kpispec docs"), exc))


def _plans_usable(paths: list[Path], config_file: Path | None, follow_symlinks: bool) -> None:
    """Exit 2 before mkdocs starts when the plans cannot be found or a configuration is broken: the
    site plugin would stop the build with the same errors (joined by `; `), but only in English."""
    from .checking import NO_PLANS
    from .configs import Configs
    from .io import find_plans

    found = find_plans(paths, follow_symlinks)
    configs = Configs(config_file)
    for plan in found.files:
        configs.for_file(plan.real)
    problems = [*found.errors, *configs.errors]
    if problems:
        fail(joined(problems))
    if not found.files:
        fail(NO_PLANS)


class _MkdocsLog(logging.Handler):
    """mkdocs' own log: its warnings on stderr as one line each, not its progress. Its errors are
    kept for the build to report as kpispec's one line (mkdocs would add "Aborted with a
    BuildError!"), or printed at once while serving, where a failed rebuild does not stop it."""

    def __init__(self, keep_errors: bool):
        super().__init__(logging.WARNING)
        self.keep_errors = keep_errors
        self.errors: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage().replace("\n", " ")
        if record.levelno >= logging.ERROR and self.keep_errors:
            self.errors.append(message.removeprefix("kpispec: "))
        else:
            sys.stderr.write(f"mkdocs: {record.levelname.lower()}: {message}\n")


def _quiet_mkdocs(keep_errors: bool) -> _MkdocsLog:
    handler = _MkdocsLog(keep_errors)
    log = logging.getLogger("mkdocs")
    log.handlers[:] = [handler]
    log.setLevel(logging.WARNING)
    log.propagate = False
    return handler


def _build(config_path: Path, site_dir: Path, log: _MkdocsLog) -> None:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    try:
        config = load_config(config_file=str(config_path), site_dir=str(site_dir))
        config.plugins.on_startup(command="build", dirty=False)
        try:
            build(config)
        finally:
            config.plugins.on_shutdown()
    except MkDocsException as exc:
        fail(log.errors[0] if log.errors else str(exc).replace("\n", " "))


def _serve(config_path: Path, dev_addr: str) -> None:
    from mkdocs.commands.serve import serve
    from mkdocs.exceptions import MkDocsException

    try:
        serve(config_file=str(config_path), livereload=True, dev_addr=dev_addr)
    except MkDocsException as exc:
        fail(str(exc).replace("\n", " "))
    except KeyboardInterrupt:
        pass


def _output_folder(output: Path, inputs: list[Path]) -> Path:
    """The folder the site goes to, checked before any work: absent, empty, or a site built before."""
    target = Path(os.path.abspath(output))
    shown = display_path(output)
    if target.parent == target:
        fail(Text(f"cannot write a site over {shown}", f"{shown} にはサイトを書き込めません"))
    try:
        info = os.lstat(target)
    except FileNotFoundError:
        info = None
    except OSError as exc:
        why = reason(exc)
        fail(Text(f"cannot use {shown}: {why}", f"{shown} を使えません：{why.ja}"))
    if info is not None:
        if stat.S_ISLNK(info.st_mode):
            fail(Text(f"{shown} is a symbolic link; give the folder itself",
                      f"{shown} はシンボリックリンクです。フォルダそのものを指定してください"))
        if not stat.S_ISDIR(info.st_mode):
            fail(Text(f"{shown} exists and is not a folder", f"{shown} は既にあり、フォルダではありません"))
        entries = os.listdir(target)
        if entries and not _is_site(target):
            fail(Text(f"{shown} is not empty and is not a site kpispec built: choose a new folder "
                      f"(kpispec replaces a site folder whole, and will not empty this one)",
                      f"{shown} は空でなく、kpispec が作ったサイトでもありません。新しいフォルダを選んでください"
                      f"（kpispec はサイトのフォルダを丸ごと置き換えるため、このフォルダを空にすることはしません）"))
    if not target.parent.is_dir():
        parent = display_path(target.parent)
        fail(Text(f"the folder {parent} does not exist", f"フォルダ {parent} がありません"))
    real_target = os.path.realpath(target)
    for path in inputs:
        real = os.path.realpath(path)
        if real == real_target or real.startswith(real_target + os.sep):
            fail(Text(f"the site cannot go to {shown}: it holds the plans it documents",
                      f"サイトを {shown} には置けません：そこには文書にする計画があります"))
    return target


def _is_site(folder: Path) -> bool:
    """Whether a folder is a site kpispec built: it holds the marker, a regular file with its text."""
    try:
        fd = os.open(folder / MARKER, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return False
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return False
        return os.read(fd, len(MARKER_TEXT.encode()) + 1) == MARKER_TEXT.encode()
    finally:
        os.close(fd)


def _move_into_place(built: Path, target: Path, shown: Path) -> None:
    """The new site in place of the old, by renames in one folder. What was at the target when
    the build ended is moved aside and checked again (the folder may have changed during the
    build): if it is not empty and not a site kpispec built, it is put back and nothing replaced."""
    old = Path(tempfile.mkdtemp(prefix=".kpispec-old-", dir=target.parent))
    try:
        try:
            os.rename(target, old / "site")
        except FileNotFoundError:
            pass
        moved = old / "site"
        if os.path.lexists(moved):
            info = os.lstat(moved)
            if not stat.S_ISDIR(info.st_mode) or (os.listdir(moved) and not _is_site(moved)):
                os.rename(moved, target)
                fail(Text(f"{display_path(shown)} changed during the build and is no longer a site kpispec built: "
                          f"it was left as it is",
                          f"{display_path(shown)} はビルド中に変更され、kpispec が作ったサイトではなくなりました。"
                          f"そのままにしてあります"))
        try:
            os.rename(built, target)
        except OSError:
            if os.path.lexists(moved):
                os.rename(moved, target)
            raise
    finally:
        shutil.rmtree(old, ignore_errors=True)
