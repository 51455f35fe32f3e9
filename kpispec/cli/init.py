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
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from .application import app
from .common import use_language
from .io import Text, display_path, out, printable, reason
from .options import LangOption, fail


class Template(str, Enum):
    ec = "ec"
    b2b = "b2b"
    sns = "sns"
    subscription = "subscription"


TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"

CONFIG = {
    "en": """\
# kpispec settings (the Configuration page of kpispec's documentation says more)
# The values below are the defaults; uncomment a line to change it.
# growth-bound = 3            # a target more than 3x its baseline is a warning (KPI206)
# max-kgis = 3                # more KGIs than this is a warning (KPI211)
# extend-vanity-metrics = []  # words that mark a KGI as a vanity metric, beyond the defaults (KPI216)
#
# [severity]                  # change a rule's level: "error", "warning", "info" or "off"
# KPI205 = "info"
""",
    "ja": """\
# kpispec の設定（詳しくは kpispec のドキュメントの Configuration のページ）
# 下の値は既定値です。変えるときは行頭の # を外します。
# growth-bound = 3            # 目標値が現状値の 3 倍を超えると警告（KPI206）
# max-kgis = 3                # KGI がこれより多いと警告（KPI211）
# extend-vanity-metrics = []  # 既定に加えて、KGI をバニティメトリクスとみなす語（KPI216）
#
# [severity]                  # ルールの重大度を変える："error"・"warning"・"info"・"off"
# KPI205 = "info"
""",
}


def hook_config(lang: str, repo: str | None, rev: str | None) -> str:
    """The pre-commit configuration: kpispec from `repo` at `rev`, or the kpispec already installed."""
    args = "\n        args: [--lang, ja]" if lang == "ja" else ""
    if repo is None:
        head = ("# kpispec が .kpi ファイルを含むコミットのたびに計画を検査します（インストール済みの kpispec を使います）\n"
                if lang == "ja" else
                "# kpispec checks the plans in every commit that touches a .kpi file (with the kpispec installed here)\n")
        return (head + "repos:\n  - repo: local\n    hooks:\n      - id: kpispec-check\n        name: kpispec check\n"
                "        entry: kpispec check\n        language: system\n        files: \\.kpi$" + args + "\n")
    head = ("# kpispec が .kpi ファイルを含むコミットのたびに計画を検査します\n" if lang == "ja" else
            "# kpispec checks the plans in every commit that touches a .kpi file\n")
    # JSON strings are YAML double-quoted scalars: whatever the URL holds, it stays one value
    return (head + f"repos:\n  - repo: {json.dumps(repo, ensure_ascii=False)}\n    rev: {json.dumps(rev, ensure_ascii=False)}\n"
            "    hooks:\n      - id: kpispec-check" + args + "\n")


def _snippet(text: str) -> str:
    """The hook's lines to add under an existing `repos:` (without the comment and `repos:`)."""
    return text.split("repos:\n", 1)[1]


@app.command()
def init(
    folder: Annotated[Path, typer.Argument(help="The folder to set up (created if missing).")] = Path("."),
    template: Annotated[Template, typer.Option("--template", "-t", help="The starter plan: ec (online shop), b2b (SaaS sales funnel), sns (social and ads), subscription.")] = Template.ec,
    lang: LangOption = None,
    hook_repo: Annotated[Optional[str], typer.Option("--hook-repo", help="The git URL your team hosts kpispec at, for a pre-commit hook that installs it (with --hook-rev); without it the hook uses the kpispec installed on each machine.")] = None,
    hook_rev: Annotated[Optional[str], typer.Option("--hook-rev", help="The tag or commit of --hook-repo to use.")] = None,
):
    """Start a project: a starter plan that checks clean, kpispec.toml and a pre-commit hook."""
    lang_ = use_language(lang)
    if (hook_repo is None) != (hook_rev is None):
        fail(Text("--hook-repo and --hook-rev go together: the repository and the tag or commit to use",
                  "--hook-repo と --hook-rev は一緒に指定します（リポジトリと、使うタグかコミット）"))
    for value in (hook_repo, hook_rev):
        if value is not None and (not value.strip() or any(ord(c) < 32 or c == "\x7f" for c in value)):
            fail(Text(f"not a repository or revision: {printable(value)}", f"リポジトリやリビジョンとして使えません：{printable(value)}"))
    plan_text = (TEMPLATES_DIR / f"{template.value}.{lang_}.kpi").read_text(encoding="utf-8")
    hook = hook_config(lang_, hook_repo, hook_rev)

    shown = display_path(folder)
    try:
        if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
            fail(Text(f"{shown} is not a folder", f"{shown} はフォルダではありません"))
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        fail(Text(f"cannot create the folder {shown}: {reason(exc)}", f"フォルダ {shown} を作れません：{reason(exc).ja}"))

    plan = folder / "plans" / f"{template.value}.kpi"
    config = folder / "kpispec.toml"
    precommit = folder / ".pre-commit-config.yaml"
    if _exists(plan):
        fail(Text(f"{display_path(plan)} exists: init never replaces a file (nothing was written)",
                  f"{display_path(plan)} はすでにあります。init はファイルを置き換えません（何も書き出していません）"))
    writes = [(plan, plan_text)]
    kept = []
    if _exists(config) or _configured_in_pyproject(folder / "pyproject.toml"):
        kept.append(config if _exists(config) else folder / "pyproject.toml")
    else:
        writes.append((config, CONFIG[lang_]))
    snippet = None
    if _exists(precommit):
        snippet = _snippet(hook)
    else:
        writes.append((precommit, hook))

    written: list[Path] = []
    created_plans = not (folder / "plans").exists()
    try:
        (folder / "plans").mkdir(exist_ok=True)
        for path, text in writes:
            _write_new(path, text)
            written.append(path)
    except (OSError, FileExistsError) as exc:
        for path in written:  # a failed run changes no file
            _unlink_quietly(path)
        if created_plans:
            try:
                (folder / "plans").rmdir()
            except OSError:
                pass
        where = display_path(path)
        if isinstance(exc, FileExistsError):
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
    commands = [f"kpispec check {display_path(folder)}", "pre-commit install"]
    width = max(map(len, commands)) + 3
    said = (["計画を検査（問題はありません）", "コミットのたびに検査（git リポジトリの中で）"] if lang_ == "ja"
            else ["check the plan (it checks clean)", "check on every commit (inside a git repository)"])
    lines += ["", "次に：" if lang_ == "ja" else "Next:"]
    lines += [f"  {command.ljust(width)}# {what}" for command, what in zip(commands, said)]
    out("\n".join(lines) + "\n")


def _exists(path: Path) -> bool:
    return os.path.lexists(path)  # a link that leads nowhere is a name taken too


def _configured_in_pyproject(path: Path) -> bool:
    try:
        if not path.is_file() or path.stat().st_size > 1_000_000:
            return False
        import tomllib

        return "kpispec" in tomllib.loads(path.read_text(encoding="utf-8")).get("tool", {})
    except (OSError, ValueError, AttributeError):
        return False


def _write_new(path: Path, text: str) -> None:
    """Create `path` with `text`, all at once, only where no file of that name exists."""
    temporary = path.with_name(f".{path.name}.kpispec-init-{os.getpid()}")
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
