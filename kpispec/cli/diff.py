"""`kpispec diff`: two versions of a plan, or every plan changed since a git revision, compared by meaning.

The plans come from files, from git objects (`REV:path`), or from `git diff REV` over the working
tree. Every input is hostile: a revision is never read as an option, git runs from a list of
arguments (never a shell) with no pager, no external diff, no filesystem monitor and no index
written, and a blob's size is asked before it is read, so that none larger than --max-file-size
is ever held.
"""

from __future__ import annotations

import os
import subprocess
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..records import record
from .application import app
from .common import DEFAULT_MAX_FILE_SIZE, error, note, use_language
from .io import CliError, Text, TooLarge, display_path, find_plans, machine_out, out, printable, read_regular
from .options import LangOption, fail, size_option

_REGULAR = {"100644", "100755"}  # git's modes of a regular file; 120000 is a link, 160000 a submodule
_EMPTY = "0" * 40


class DiffFormat(str, Enum):
    """What `--format` writes: text for people, Markdown for a pull-request comment, or JSON."""

    text = "text"
    markdown = "markdown"
    json = "json"


@record(frozen=True)
class Version:
    """One side of a comparison: the name shown, its bytes (None when larger than `limit`: then its
    size), and the path whose folder's configuration governs it."""

    shown: str
    data: bytes | None
    size: int
    place: str
    limit: int = 0


@record(frozen=True)
class Pair:
    """What to compare: an old and a new version (None where the plan does not exist), and whether
    git found the file moved."""

    old: Version | None
    new: Version | None
    moved: bool = False


@app.command("diff")
def diff(
    old: Annotated[Optional[str], typer.Argument(
        metavar="OLD", help="The old plan: a file, or REV:path read from git (HEAD~1:plans/ec.kpi).",
        show_default=False)] = None,
    new: Annotated[Optional[str], typer.Argument(
        metavar="NEW", help="The new plan: a file, or REV:path.", show_default=False)] = None,
    git: Annotated[Optional[str], typer.Option(
        "--git", metavar="REV",
        help="Compare every .kpi file changed between REV and the working tree (added, deleted, moved and "
             "untracked ones too).")] = None,
    format_: Annotated[DiffFormat, typer.Option(
        "--format", "-f", help="text, markdown (a pull-request comment) or json.")] = DiffFormat.text,
    lang: LangOption = None,
    exit_code: Annotated[bool, typer.Option(
        "--exit-code", help="Exit with status 1 when a plan changed (as git diff --exit-code).")] = False,
    follow_symlinks: Annotated[bool, typer.Option(
        "--follow-symlinks", help="Follow plan files through symbolic links that lead out of their repository.")] = False,
    max_file_size: Annotated[str, typer.Option(
        "--max-file-size", metavar="SIZE",
        help="Refuse larger files and blobs: bytes, or with kB, MB, GB.")] = DEFAULT_MAX_FILE_SIZE,
):
    """Compare plans by meaning: what changed, and each goal's standing before and after."""
    from ..render import review as render

    lang_code = use_language(lang)
    limit = size_option(max_file_size)
    problems: list[Text] = []
    try:
        if git is not None:
            if old is not None or new is not None:
                fail(Text("give either two plans (OLD NEW) or --git REV, not both",
                          "比較する 2 つの計画（OLD NEW）か --git REV の、どちらか一方だけを指定してください"))
            pairs = changed_plans(git, limit, follow_symlinks, problems)
        else:
            if old is None or new is None:
                fail(Text("give two plans to compare (OLD NEW, each a file or REV:path), or --git REV",
                          "比較する 2 つの計画（OLD NEW：それぞれファイルか REV:パス）か、--git REV を指定してください"))
            pairs = [Pair(version(old, limit, follow_symlinks), version(new, limit, follow_symlinks))]
    except CliError as exc:
        fail(str(exc))
    diffs = compared(pairs)
    if format_ is DiffFormat.text:
        out(render.text(diffs, lang_code))
    elif format_ is DiffFormat.markdown:
        machine_out(render.markdown(diffs, lang_code))
    else:
        machine_out(render.to_json(diffs, lang_code))
    for problem in problems:
        error(problem)
    if problems:
        raise typer.Exit(2)
    raise typer.Exit(1 if exit_code and any(d.changed for d in diffs) else 0)


def analysed(v: Version | None, config):
    """A version analysed as `check` does it (a blob too large is KPI007), keeping what the goals need."""
    from ..api import analyze_bytes, too_large

    if v is None:
        return None
    if v.data is None:
        return too_large(v.shown, v.size, v.limit, config)
    return analyze_bytes(v.shown, v.data, config, keep_context=True)


def compared(pairs: list[Pair]) -> list:
    """Each pair analysed (both versions with the configuration that governs the newer where it
    is now, so that only the plan's own change moves its diagnostics) and compared."""
    from ..review import compare
    from .configs import Configs

    configs = Configs(None)
    governing = [configs.for_file((p.new or p.old).place) for p in pairs]
    if configs.errors:
        fail(configs.errors[0])
    diffs, problem, out_of_memory = [], None, False
    for pair, config in zip(pairs, governing):
        name = (pair.new or pair.old).shown
        try:
            diffs.append(compare(analysed(pair.old, config), analysed(pair.new, config), moved=pair.moved))
        except MemoryError:  # reported below, once the exception no longer holds the failed work
            out_of_memory = True
        except Exception as exc:  # noqa: BLE001 - a bug in kpispec must not end in a traceback
            problem = f"internal error while comparing {name}: {type(exc).__name__}: {exc}"
        if out_of_memory or problem:
            fail(problem or f"out of memory while comparing {name}")
    return diffs


# ------------------------------------------------------------------- one version


def version(spec: str, limit: int, follow: bool) -> Version:
    """A plan named on the command line: a file when one exists by that name (even with a `:` in
    it), else `REV:path` read from git."""
    if os.path.lexists(spec) or ":" not in spec:
        return _file(Path(spec), display_path(spec), limit, follow)
    rev, _, path = spec.partition(":")
    git = Git(os.getcwd())
    root = git.root()
    if rev:
        git.commit(rev)  # an unknown revision is named as such, not as a missing path
    if not path:
        raise CliError(Text(f"{printable(spec)} names no file: give REV:path, such as HEAD~1:plans/ec.kpi",
                            f"{printable(spec)} はファイルを指していません：HEAD~1:plans/ec.kpi のように REV:パス で指定してください"))
    sha = git.resolve(f"{rev}:{path}")
    if sha is None:
        where = Text(f"in {printable(rev)}", f" {printable(rev)} に") if rev else Text("in the index", "インデックスに")
        raise CliError(Text(f"{printable(path)} does not exist {where}", f"{printable(path)} は{where.ja}ありません"))
    place = os.path.join(os.getcwd() if path.startswith(("./", "../")) else root, path)
    mode = git.mode(rev, os.path.relpath(os.path.normpath(place), root))
    if mode is not None and mode not in _REGULAR and mode != "040000":  # a folder: said below
        what = (Text("a symbolic link", "シンボリックリンク") if mode == "120000" else
                Text("a submodule", "サブモジュール") if mode == "160000" else Text("not a regular file", "特殊なファイル"))
        raise CliError(Text(f"{printable(spec)} is {what} in git, not a plan file",
                            f"{printable(spec)} は git では{what.ja}で、計画ファイルではありません"))
    return git.blob(sha, printable(spec), place, limit)


def _file(path: Path, shown: str, limit: int, follow: bool, place: str | None = None) -> Version:
    if os.path.isdir(path):
        raise CliError(Text(f"{shown} is a folder; diff takes two .kpi files (or --git REV)",
                            f"{shown} はフォルダです。kpispec diff には .kpi ファイルを 2 つ（または --git REV）指定してください"))
    found = find_plans([path], follow)
    if found.errors:
        raise CliError(found.errors[0])
    plan = found.files[0]
    try:
        data = read_regular(plan, limit)
    except TooLarge as exc:
        return Version(shown, None, exc.size, place or plan.real, limit)
    return Version(shown, data, len(data), place or plan.real)


# ------------------------------------------------------------------- git


class Git:
    """git, run safely in one folder: a list of arguments, no pager, no prompts, nothing written."""

    def __init__(self, folder: str):
        self.folder = folder
        self._root: str | None = None
        self._guards: dict | None = None

    def run(self, *args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
        env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0", "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C",
               "GIT_NO_LAZY_FETCH": "1", **self.guards()}
        # No filesystem monitor (a hook a repository's config can name) and no index refreshed.
        argv = ["git", "-c", "core.fsmonitor=false", "--no-pager", *args]
        try:
            return subprocess.run(argv, cwd=self.folder, env=env, input=stdin, capture_output=True,
                                  stdin=None if stdin is not None else subprocess.DEVNULL, timeout=600)
        except FileNotFoundError:
            raise CliError(_NO_GIT) from None
        except (OSError, subprocess.SubprocessError) as exc:
            raise _cannot_run_git(exc) from None

    def guards(self) -> dict:
        """Environment that switches off every command a repository's configuration can make git run
        while reading: each filter driver's clean, smudge and process commands are set to nothing
        (as GIT_CONFIG_KEY_n/GIT_CONFIG_VALUE_n, which no name can break out of). A partial clone is
        refused: reading a blob it lacks would fetch it, running its remote's commands."""
        if self._guards is None:
            self._guards = {}
            listed = self._config("--get-regexp", r"^(filter\.|extensions\.partialclone$|remote\..*\.promisor$)")
            keys, partial = [], False
            for entry in listed.split(b"\0"):
                key, _, value = os.fsdecode(entry).partition("\n")
                lowered = key.lower()
                if lowered.startswith("filter.") and lowered.count(".") >= 2:
                    name = key[len("filter."):key.rfind(".")]
                    keys += [f"filter.{name}.{part}" for part in ("clean", "smudge", "process")]
                elif lowered == "extensions.partialclone" or value.strip().lower() in ("true", "yes", "on", "1"):
                    partial = partial or lowered == "extensions.partialclone" or lowered.endswith(".promisor")
            if partial:
                raise CliError(Text("this repository is a partial clone: reading a plan from it could fetch from its "
                                    "remote, which kpispec does not do; diff plan files, or clone without --filter",
                                    "このリポジトリは部分クローンです。ここから計画を読むとリモートから取得することがあり、"
                                    "kpispec はそれをしません。計画のファイル同士を比べるか、--filter を付けずにクローンしてください"))
            keys = list(dict.fromkeys(keys))
            self._guards["GIT_CONFIG_COUNT"] = str(len(keys))
            for n, key in enumerate(keys):
                self._guards[f"GIT_CONFIG_KEY_{n}"] = key
                self._guards[f"GIT_CONFIG_VALUE_{n}"] = ""
        return self._guards

    def _config(self, *args: str) -> bytes:
        """`git config -z ARGS` as read here (nothing found: empty), before any guard is in place."""
        env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0", "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}
        try:
            done = subprocess.run(["git", "config", "-z", *args], cwd=self.folder, env=env, capture_output=True,
                                  stdin=subprocess.DEVNULL, timeout=60)
        except FileNotFoundError:
            raise CliError(_NO_GIT) from None
        except (OSError, subprocess.SubprocessError) as exc:
            raise _cannot_run_git(exc) from None
        return done.stdout if done.returncode == 0 else b""

    def output(self, *args: str, stdin: bytes | None = None) -> bytes:
        done = self.run(*args, stdin=stdin)
        if done.returncode != 0:
            raise _git_failed(args[0], done.stderr)
        return done.stdout

    def root(self) -> str:
        """The working tree's top folder; a CliError outside any repository."""
        if self._root is None:
            done = self.run("rev-parse", "--show-toplevel")
            if done.returncode != 0:
                if "not a git repository" in _first_line(done.stderr):
                    raise CliError(Text("not a git repository: REV:path and --git read plans from git",
                                        "git リポジトリの中ではありません：REV:パス と --git は git から計画を読みます"))
                raise _git_failed("rev-parse", done.stderr)
            self._root = os.fsdecode(done.stdout.rstrip(b"\n"))
        return self._root

    def commit(self, rev: str) -> str:
        """The commit `rev` names; a CliError for an unknown one, and for one that would read as an option."""
        if rev.startswith("-"):
            raise CliError(Text(f"refusing revision {printable(rev)}: it starts with '-'",
                                f"リビジョン {printable(rev)} は使えません：'-' で始まっています"))
        self.root()
        sha = self.resolve(f"{rev}^{{commit}}")
        if sha is None:
            shallow = self.resolve("HEAD^{commit}") is not None and self._shallow()
            hint = ("; this clone is shallow: fetch more history (actions/checkout with fetch-depth: 0), or "
                    "compare a pull request's merge commit with its first parent, --git HEAD^1 (fetch-depth: 2)"
                    if shallow else "")
            hint_ja = ("。このクローンは履歴が途中までしかありません：履歴をさらに取得するか（actions/checkout の "
                       "fetch-depth: 0）、プルリクエストのマージコミットをその最初の親と比べてください（--git HEAD^1、"
                       "fetch-depth: 2）" if shallow else "")
            raise CliError(Text(f"unknown revision {printable(rev)}{hint}",
                                f"リビジョン {printable(rev)} が見つかりません{hint_ja}"))
        return sha

    def _shallow(self) -> bool:
        """Whether the repository is a shallow clone (its history cut off)."""
        return os.path.exists(os.path.join(self.root(), ".git", "shallow"))

    def resolve(self, name: str) -> str | None:
        """The object `name` names (`REV:path`), or None."""
        if name.startswith("-"):
            return None
        done = self.run("rev-parse", "--verify", "--quiet", "--end-of-options", name)
        if done.returncode != 0:
            return None
        return done.stdout.decode("ascii", "replace").strip() or None

    def mode(self, rev: str, path: str) -> str | None:
        """The mode git records for `path` (from the top folder) in `rev`, or in the index for an empty
        `rev`: 100644 a file, 120000 a symbolic link, 160000 a submodule; None when it cannot tell."""
        path = path.replace(os.sep, "/")
        if rev:
            done = self.run("ls-tree", "-z", "--full-tree", "--end-of-options", rev, "--", path)
        else:
            done = self.run("ls-files", "-s", "-z", "--", path)
        if done.returncode != 0 or not done.stdout:
            return None
        return done.stdout.split(b" ", 1)[0].decode("ascii", "replace")

    def blob(self, sha: str, shown: str, place: str, limit: int) -> Version:
        """A blob, its size asked first: one larger than `limit` is not read."""
        kind, _, size_text = self.output("cat-file", "--batch-check=%(objecttype) %(objectsize)",
                                         stdin=f"{sha}\n".encode()).decode("ascii", "replace").strip().partition(" ")
        if kind != "blob":
            what = "a folder" if kind == "tree" else f"a {kind or 'missing object'}"
            what_ja = {"tree": "フォルダ", "commit": "コミット", "tag": "タグ", "": "存在しないオブジェクト"}.get(
                kind, f"{kind} オブジェクト")
            raise CliError(Text(f"{shown} is {what}, not a plan file", f"{shown} は{what_ja}で、計画ファイルではありません"))
        size = int(size_text)
        if size > limit:
            return Version(shown, None, size, place, limit)
        data = self.output("cat-file", "blob", sha)
        return Version(shown, data, len(data), place)

    def changes(self, commit: str) -> list[tuple]:
        """`git diff --raw` from `commit` to the working tree, for .kpi files, renames found:
        (status, old path, new path, old mode, new mode, old blob) each."""
        raw = self.output("diff", "--raw", "-z", "-M", "--no-abbrev", "--no-ext-diff", "--no-textconv", "--no-color",
                          commit, "--", "*.kpi")
        fields = raw.split(b"\0")
        out = []
        i = 0
        while i < len(fields) and fields[i].startswith(b":"):
            meta = fields[i][1:].decode("ascii", "replace").split()
            status = meta[4][:1]
            if status in ("R", "C"):
                paths = (os.fsdecode(fields[i + 1]), os.fsdecode(fields[i + 2]))
                i += 3
            else:
                paths = (os.fsdecode(fields[i + 1]),) * 2
                i += 2
            old = None if status == "A" else paths[0]
            new = None if status == "D" else paths[1]
            out.append((status, old, new, meta[0], meta[1], meta[2]))
        return out

    def untracked(self) -> list[str]:
        """The .kpi files git does not track and does not ignore."""
        listed = self.output("ls-files", "-z", "--others", "--exclude-standard", "--", "*.kpi")
        return [os.fsdecode(p) for p in listed.split(b"\0") if p]


def _first_line(stderr: bytes) -> str:
    lines = stderr.decode("utf-8", "replace").strip().splitlines()
    return printable(lines[0]) if lines else "no message"


_NO_GIT = Text("git is not installed (or not on PATH): REV:path and --git read plans from git",
               "git がインストールされていません（または PATH にありません）：REV:パス と --git は git から計画を読みます")


def _cannot_run_git(exc: Exception) -> CliError:
    from .io import reason

    if isinstance(exc, OSError):
        why = reason(exc)
        return CliError(Text(f"cannot run git: {exc}", f"git を実行できません：{why.ja}"))
    return CliError(Text(f"cannot run git: {exc}", f"git を実行できません：{exc}"))


def _git_failed(command: str, stderr: bytes) -> CliError:
    """git's own first line of error is quoted as git says it (in English: git runs with LC_ALL=C)."""
    lines = stderr.decode("utf-8", "replace").strip().splitlines()
    said = printable(lines[0]) if lines else None
    return CliError(Text(f"git {command} failed: {said or 'no message'}",
                         f"git {command} が失敗しました：{said}" if said else f"git {command} が失敗しました（メッセージなし）"))


# ------------------------------------------------------------------- --git REV


def changed_plans(rev: str, limit: int, follow: bool, problems: list[str]) -> list[Pair]:
    """Every .kpi file that differs between `rev` and the working tree, in path order. A plan that
    cannot be read is left out and said so in `problems` (the run then exits 2)."""
    git = Git(os.getcwd())
    commit = git.commit(rev)
    root = git.root()
    git = Git(root)  # paths are the repository's, wherever kpispec was started
    pairs = []
    for status, old, new, old_mode, new_mode, blob in git.changes(commit):
        if status == "U":  # a conflict: git gives no modes; the old side is the revision's
            old_mode = new_mode = "100644"
        if (old is not None and old_mode not in _REGULAR) or (new is not None and new_mode not in _REGULAR):
            skipped, at = printable(new or old), printable(rev)
            note(Text(f"skipped {skipped}: not a regular file in {at} or in the working tree",
                      f"{skipped} を飛ばしました：{at} でも作業ツリーでも通常のファイルではありません"))
            continue
        try:
            before = None
            if old is not None:
                if blob == _EMPTY:
                    blob = git.resolve(f"{commit}:{old}")
                before = None if blob is None else git.blob(blob, printable(old), os.path.join(root, new or old), limit)
            after = None if new is None else _file(Path(root, new), printable(new), limit, follow, os.path.join(root, new))
        except CliError as exc:
            problems.append(str(exc))
            continue
        pairs.append(Pair(before, after, status == "R"))
    known = {p.new.shown for p in pairs if p.new is not None}
    fresh = []
    for path in git.untracked():
        if printable(path) in known:
            continue
        if os.path.islink(os.path.join(root, path)):  # as a tracked link is: never followed
            note(Text(f"skipped {printable(path)}: a symbolic link", f"{printable(path)} を飛ばしました：シンボリックリンクです"))
            continue
        try:
            fresh.append(Pair(None, _file(Path(root, path), printable(path), limit, follow, os.path.join(root, path))))
        except CliError as exc:
            problems.append(str(exc))
    return sorted(moved_untracked(pairs, fresh), key=lambda p: (p.new or p.old).shown)


MAX_COMPARISONS = 40_000  # pairs of a deleted and an untracked plan compared line by line; pragma: no mutate


def moved_untracked(pairs: list[Pair], fresh: list[Pair]) -> list[Pair]:
    """`pairs` and the `fresh` (untracked) plans, where a deleted plan and a fresh one (which git's
    rename detection never saw) are one moved when at least half their lines are the same, as
    git's default rename threshold has it."""
    from collections import Counter

    deleted = [p for p in pairs if p.new is None and p.old.data is not None]
    added = [p for p in fresh if p.new.data is not None]
    pairs = pairs + fresh
    if not deleted or not added:
        return pairs
    scored = []
    # The same content first, by its bytes; then the lines shared, counted as multisets: each
    # comparison costs the two files' lengths (a line-by-line alignment of two large plans costs
    # their product), and at most MAX_COMPARISONS are made.
    by_content: dict[bytes, list] = {}
    for a in added:
        by_content.setdefault(a.new.data, []).append(a)
    for d in deleted:
        for a in by_content.get(d.old.data, ()):
            scored.append((-1.0, d.old.shown, a.new.shown, d, a))
    if len(deleted) * len(added) <= MAX_COMPARISONS:
        lines = {id(p): Counter((p.old or p.new).data.splitlines()) for p in (*deleted, *added)}
        for d in deleted:
            for a in added:
                if d.old.data == a.new.data:
                    continue
                left, right = lines[id(d)], lines[id(a)]
                total = sum(left.values()) + sum(right.values())
                ratio = 2 * sum((left & right).values()) / total if total else 0.0
                if ratio >= 0.5:
                    scored.append((-ratio, d.old.shown, a.new.shown, d, a))
    else:
        note(Text(f"{len(deleted)} deleted and {len(added)} untracked plans are too many to pair by their "
                  f"lines; only identical ones are taken as moved (git add the new ones for git's rename detection)",
                  f"削除された計画 {len(deleted)} 件と追跡されていない計画 {len(added)} 件は、行ごとに対応づけるには多すぎます。"
                  f"内容が同じものだけを移動とみなします（git の移動の検出を使うには、新しい計画を git add してください）"))
    used: set[int] = set()
    merged = []
    for _, _, _, d, a in sorted(scored, key=lambda s: s[:3]):
        if id(d) in used or id(a) in used:
            continue
        used.update((id(d), id(a)))
        merged.append(Pair(d.old, a.new, True))
    return [p for p in pairs if id(p) not in used] + merged
