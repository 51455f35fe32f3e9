"""`kpispec init`: a starter plan that checks clean, a configuration and a pre-commit hook.

Nothing that exists is ever replaced: each file is written to a temporary file beside it and
linked into place only where no file of that name exists (os.link fails on an existing name, so a
file that appears meanwhile is not replaced either). When the plan cannot be written nothing is,
and a run that fails part-way removes what it wrote. An existing `kpispec.toml` (or a
`pyproject.toml` with `[tool.kpispec]`) is kept, and an existing `.pre-commit-config.yaml` is left
as it is, with the lines to add printed instead.
"""

from __future__ import annotations

import json
import os
import shlex
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from .. import DOCS_URL
from .application import app
from .common import use_language
from .io import Text, display_path, out, printable, reason
from .common import Lang
from .options import fail


class Template(str, Enum):
    ec = "ec"
    b2b = "b2b"
    sns = "sns"
    subscription = "subscription"


TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"

# taplo (Even Better TOML) reads this first line: completion and checks in the editor
SCHEMA_LINE = f"#:schema {DOCS_URL}schemas/kpispec-config.schema.json\n"

CONFIG = {
    "en": SCHEMA_LINE + """\
# kpispec settings (the Configuration page of kpispec's documentation says more)
# Uncomment a line to change a setting: the values shown are the defaults, the [severity] line an example.
# growth-bound = 3            # a target more than 3x its baseline is a warning (KPI206)
# max-kgis = 3                # more KGIs than this is a warning (KPI211)
# extend-vanity-metrics = []  # words that mark a KGI as a vanity metric, beyond the defaults (KPI216)
#
# [severity]                  # change a rule's level: "error", "warning", "info" or "off"
# KPI205 = "info"
""",
    "ja": SCHEMA_LINE + """\
# kpispec の設定（詳しくは kpispec のドキュメントの Configuration のページ）
# 設定を変えるときは行頭の # を外します。値は既定値で、[severity] の行は例です。
# growth-bound = 3            # 目標値が現状値の 3 倍を超えると警告（KPI206）
# max-kgis = 3                # KGI がこれより多いと警告（KPI211）
# extend-vanity-metrics = []  # 既定に加えて、KGI をバニティメトリクスとみなす語（KPI216）
#
# [severity]                  # ルールの重大度を変える："error"・"warning"・"info"・"off"
# KPI205 = "info"
""",
}


# pre-commit shows a hook that passed as "Passed" and nothing more: the check's warnings are shown too
VERBOSE = "        verbose: true\n"


def hook_config(lang: str, repo: str | None, rev: str | None) -> str:
    """The pre-commit configuration: kpispec from `repo` at `rev`, or the kpispec already installed.
    Two hooks: `kpispec fmt` lays the staged plans out (pre-commit stops the commit when it changed
    one, to be added again), then `kpispec check` checks them."""
    args = "\n        args: [--lang, ja]" if lang == "ja" else ""
    if repo is None:
        head = ("# kpispec が .kpi ファイルを含むコミットのたびに計画を整形し、検査します（インストール済みの kpispec を使います）\n"
                if lang == "ja" else
                "# kpispec formats and checks the plans in every commit that touches a .kpi file (with the kpispec installed here)\n")
        hooks = "".join(f"      - id: kpispec-{command}\n        name: kpispec {command}\n        entry: kpispec {command}\n"
                        f"        language: system\n        files: \\.kpi${args}\n{VERBOSE if command == 'check' else ''}"
                        for command in ("fmt", "check"))
        return head + "repos:\n  - repo: local\n    hooks:\n" + hooks
    head = ("# kpispec が .kpi ファイルを含むコミットのたびに計画を整形し、検査します\n" if lang == "ja" else
            "# kpispec formats and checks the plans in every commit that touches a .kpi file\n")
    # JSON strings are YAML double-quoted scalars: whatever the URL holds, it stays one value
    return (head + f"repos:\n  - repo: {json.dumps(repo, ensure_ascii=False)}\n    rev: {json.dumps(rev, ensure_ascii=False)}\n"
            f"    hooks:\n      - id: kpispec-fmt{args}\n      - id: kpispec-check{args}\n{VERBOSE}")


def _snippet(text: str) -> str:
    """The hook's lines to add under an existing `repos:` (without the comment and `repos:`)."""
    return text.split("repos:\n", 1)[1]


@app.command()
def init(
    folder: Annotated[Path, typer.Argument(help="The folder to set up (created if missing).")] = Path("."),
    template: Annotated[Template, typer.Option("--template", "-t", help="The starter plan: ec (online shop), b2b (SaaS sales funnel), sns (social and ads), subscription.")] = Template.ec,
    lang: Annotated[Optional[Lang], typer.Option("--lang", help="The language of the plan, the files' comments and the messages (default: from LANG).")] = None,
    hook_repo: Annotated[Optional[str], typer.Option("--hook-repo", help="The git URL your team hosts kpispec at, for a pre-commit hook that installs it (with --hook-rev); without it the hook uses the kpispec installed on each machine.")] = None,
    hook_rev: Annotated[Optional[str], typer.Option("--hook-rev", help="The tag or commit of --hook-repo to use.")] = None,
):
    """Start a project: a starter plan that checks clean, kpispec.toml and a pre-commit hook."""
    lang_ = use_language(lang)
    if (hook_repo is None) != (hook_rev is None):
        fail(Text("--hook-repo and --hook-rev go together: the repository and the tag or commit to use",
                  "--hook-repo と --hook-rev は一緒に指定します（リポジトリと、使うタグかコミット）"))
    for value in (hook_repo, hook_rev):
        # printable only: no control (C0, C1, NEL, which YAML reads as a line break), no bidi control, no
        # lone surrogate from undecodable bytes, no U+FFFE/U+FFFF, none of which YAML keeps as written
        if value is not None and (not value.strip() or not value.isprintable()):
            fail(Text(f"not a repository or revision: {printable(value)}", f"リポジトリやリビジョンとして使えません：{printable(value)}"))
    plan_text = (TEMPLATES_DIR / f"{template.value}.{lang_}.kpi").read_text(encoding="utf-8")
    hook = hook_config(lang_, hook_repo, hook_rev)

    plans = folder / "plans"
    link = _link_on_the_way(folder)
    if link is not None:
        shown = display_path(link)
        fail(Text(f"{shown} is a symbolic link: init does not write through one (nothing was written)",
                  f"{shown} はシンボリックリンクです。init はリンクの先には書き出しません（何も書き出していません）"))
    for place in (folder, plans):  # never through a link, never into what is no folder
        if place.is_symlink() or (place.exists() and not place.is_dir()):
            shown = display_path(place)
            fail(Text(f"{shown} is not a folder (a symbolic link or another kind of file): nothing was written",
                      f"{shown} はフォルダではありません（シンボリックリンクか、ほかの種類のファイルです）。何も書き出していません"))
    plan = plans / f"{template.value}.kpi"
    if _exists(plan):
        fail(Text(f"{display_path(plan)} exists: init never replaces a file (nothing was written)",
                  f"{display_path(plan)} はすでにあります。init はファイルを置き換えません（何も書き出していません）"))
    governing = _governing_config(folder)
    config = folder / "kpispec.toml"
    repository = _repository_root(folder)
    precommit = (repository if repository is not None else folder) / ".pre-commit-config.yaml"
    writes = [(plan, plan_text)]
    kept = []
    if governing is not None or _exists(config):  # a configuration that governs the folder stays the one that does
        kept.append(governing if governing is not None else config)
    else:
        writes.append((config, CONFIG[lang_]))
    snippet = None
    if _exists(precommit):
        snippet = _snippet(hook)
    else:
        writes.append((precommit, hook))

    created: list[Path] = []  # folders this run made, deepest last
    written: list[Path] = []
    failing = folder
    try:
        for place in [*reversed(folder.parents), folder, plans]:
            if place == Path(".") or place.exists():
                continue
            failing = place
            place.mkdir()
            created.append(place)
        for path, text in writes:
            failing = path
            _write_new(path, text)
            written.append(path)
    except OSError as exc:
        for path in written:  # a failed run changes no file
            _unlink_quietly(path)
        for place in reversed(created):
            try:
                place.rmdir()
            except OSError:
                pass
        where = display_path(failing)
        if isinstance(exc, FileExistsError) and failing in (plan, config, precommit):
            fail(Text(f"{where} appeared while init ran: nothing was written", f"実行中に {where} ができたため、何も書き出していません"))
        fail(Text(f"cannot write {where}: {reason(exc)} (nothing was written)",
                  f"{where} を書き出せません：{reason(exc).ja}（何も書き出していません）"))

    lines = []
    for path in written:
        lines.append(("書き出しました：" if lang_ == "ja" else "wrote ") + display_path(path))
    for path in kept:
        lines.append(f"{display_path(path)} はそのまま使います" if lang_ == "ja" else f"kept {display_path(path)}")
    if snippet is not None:
        lines.append(f"{display_path(precommit)} はそのままです。`repos:` の下にこれを加えてください：" if lang_ == "ja"
                     else f"{display_path(precommit)} is left as it is; add this under its `repos:`:")
        lines.append(snippet.rstrip("\n"))
    commands = [f"kpispec check {shlex.quote(display_path(folder))}", "pre-commit install"]
    width = max(map(len, commands)) + 3
    said = (["計画を検査", "コミットのたびに検査（git リポジトリの中で）"] if lang_ == "ja"
            else ["check the plan", "check on every commit (inside a git repository)"])
    lines += ["", "次に：" if lang_ == "ja" else "Next:"]
    lines += [f"  {command.ljust(width)}# {what}" for command, what in zip(commands, said)]
    out("\n".join(lines) + "\n")


def _exists(path: Path) -> bool:
    return os.path.lexists(path)  # a link that leads nowhere is a name taken too


def _link_on_the_way(folder: Path) -> Path | None:
    """A folder on the way to `folder` that is a symbolic link, where it is ours to refuse: any, for a
    relative `folder` (below the current folder); for an absolute one, those inside the git
    repository it is in (a system's own links above it, such as macOS's /tmp, are not the plan's)."""
    prefixes = [folder, *folder.parents][:-1]  # not `/` or `.`
    repository = None
    if folder.is_absolute():
        from ..config import ConfigSearch

        repository = ConfigSearch().repository_root(Path(os.path.abspath(_nearest_existing(folder))))  # the link's own place
        if repository is None:
            return None
        repository = repository.resolve()
    for place in reversed(prefixes):
        if not place.is_symlink():
            continue
        if repository is None:
            return place
        try:
            if place.parent.resolve().is_relative_to(repository):
                return place
        except (OSError, RuntimeError):
            return place
    return None


def _nearest_existing(folder: Path) -> Path:
    """`folder`, or the nearest of its parents that exists (where a search for it starts)."""
    return next((place for place in (folder, *folder.parents) if place.exists()), folder)


def _governing_config(folder: Path) -> Path | None:
    """The kpispec.toml or pyproject.toml (with [tool.kpispec]) that `check` would use for a plan in
    `folder`: in it or above it, up to the repository's root (the search `check` makes)."""
    from ..config import ConfigSearch

    try:
        return ConfigSearch().find_in(_nearest_existing(folder).resolve())
    except (OSError, RuntimeError, ValueError):
        return None


def _repository_root(folder: Path) -> Path | None:
    """The git repository `folder` is in, where pre-commit reads its configuration; None outside one."""
    from ..config import ConfigSearch

    try:
        root = ConfigSearch().repository_root(_nearest_existing(folder).resolve())
    except (OSError, RuntimeError, ValueError):
        return None
    if root is None:
        return None
    try:  # shown as the user would write it: relative to the folder given, when it is inside
        return Path(os.path.relpath(root)) if not folder.is_absolute() else root
    except ValueError:
        return root


def _write_new(path: Path, text: str) -> None:
    """Create `path` with `text`, all at once, only where no file of that name exists."""
    temporary = path.with_name(f".{path.name}.kpispec-init-{os.urandom(6).hex()}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o666)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.link(temporary, path)  # FileExistsError where a file of that name exists: never replaced
    finally:
        _unlink_quietly(temporary)


def _unlink_quietly(path: Path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
