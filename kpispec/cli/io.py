"""The command line's I/O: finding plans, reading them and writing outputs, safely.

kpispec runs as root in CI on files anyone in a repository can change, so every path is
treated as hostile: only regular files are read (a FIFO would hang, a device never end),
reads stop at a size limit, symbolic links are not followed out of the tree being checked,
and an output is written to an anonymous file beside it and renamed into place, so that a
crash or a signal leaves either the old file or the new one, and nothing but a regular file
is ever replaced.
"""

from __future__ import annotations

import errno
import os
import stat
import sys
import unicodedata
from pathlib import Path

from ..records import field, record

SKIP_DIRS = {".git", ".hg", ".svn", ".venv", "venv", "node_modules", "__pycache__", ".tox", "site"}
MAX_FILE_SIZE = 100 * 1000 * 1000  # bytes; the largest plans measured (300,000 KPIs) are about 75 MB

_O_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_O_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_READ_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)


class Text(str):
    """A message of the command line in both its languages: the English is the string itself (what
    logs, tests and the site plugin read and join), the Japanese is beside it. `common.error`
    prints the one of the run's language; `f"{text}"` and `+` give the English only, so a message
    is composed from the two texts of its parts, each in its language."""

    ja: str

    def __new__(cls, en: str, ja: str):
        self = super().__new__(cls, en)
        self.ja = ja
        return self

    def __getnewargs__(self):
        return (str.__str__(self), self.ja)

    def get(self, lang: str) -> str:
        return self.ja if lang == "ja" else str.__str__(self)


def said(message, lang: str) -> str:
    """A message (a Text, a diagnostics.Msg, or a plain string: the same in both) in `lang`."""
    get = getattr(message, "get", None)
    return get(lang) if callable(get) else str(message)


def joined(messages, separator: str = "; ") -> Text:
    """Messages as one line: `; ` between them in English, `；` in Japanese."""
    return Text(separator.join(said(m, "en") for m in messages), "；".join(said(m, "ja") for m in messages))


# What the system says of a failed read or write, in Japanese (its own words are English).
_REASONS_JA = {
    errno.EACCES: "アクセスが許可されていません", errno.EPERM: "操作が許可されていません",
    errno.ENOENT: "ファイルまたはフォルダがありません", errno.ENOTDIR: "パスの途中がフォルダではありません",
    errno.EISDIR: "フォルダです", errno.ENAMETOOLONG: "ファイル名が長すぎます",
    errno.ELOOP: "シンボリックリンクが多すぎるか、循環しています", errno.EROFS: "読み取り専用のファイルシステムです",
    errno.ENOSPC: "ディスクの空き容量がありません", errno.EDQUOT: "ディスク使用量の上限を超えています",
    errno.EIO: "入出力エラーです", errno.EMFILE: "開いているファイルが多すぎます",
    errno.ENFILE: "システム全体で開いているファイルが多すぎます", errno.EFBIG: "ファイルが大きすぎます",
    errno.EBUSY: "使用中です", errno.ETXTBSY: "実行中のファイルです", errno.EXDEV: "別のファイルシステムをまたいでいます",
    errno.ENOTEMPTY: "フォルダが空ではありません", errno.EEXIST: "既にあります", errno.EBADF: "ファイル記述子が無効です",
    errno.EPIPE: "読み手が終了しました", errno.EINVAL: "引数が無効です", errno.ENXIO: "デバイスがありません",
    errno.ENODEV: "デバイスがありません", errno.ENOMEM: "メモリが足りません", errno.EAGAIN: "一時的に使えません",
    errno.ESTALE: "ファイルハンドルが古くなっています", errno.ETIMEDOUT: "時間切れになりました",
}


def reason(exc: OSError) -> Text:
    """Why a read or a write failed, as the system says it (`Permission denied`), in both languages."""
    en = exc.strerror or str(exc)
    ja = _REASONS_JA.get(exc.errno) if exc.errno is not None else None
    return Text(en, ja or (f"{en}（errno {exc.errno}）" if exc.errno is not None else en))


class CliError(Exception):
    """A usage or I/O problem: reported on stderr as one line, exit status 2. Its message is a Text,
    and `str()` gives that Text itself (both its languages)."""

    def __str__(self) -> str:
        return self.args[0] if self.args and isinstance(self.args[0], str) else super().__str__()


class OutputFailed(Exception):
    """Standard output could not be written (a full disk, a closed descriptor, a reader gone)."""

    def __init__(self, error: OSError):
        super().__init__(error.strerror or str(error))
        self.error = error


# ------------------------------------------------------------------------ names


def printable(text: str) -> str:
    """A path as it can be shown anywhere: undecodable bytes as \\xNN, control and format
    characters (escape sequences, bidirectional controls, line breaks) as escapes."""
    if text.isprintable() and not any("\udc80" <= c <= "\udcff" for c in text):
        return text
    out = []
    for char in text:
        code = ord(char)
        if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8 (surrogateescape)
            out.append(f"\\x{code - 0xDC00:02x}")
        elif unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"):
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
        else:
            out.append(char)
    return "".join(out)


def display_path(path: Path | str) -> str:
    """A path as the user gave it (absolute paths under the working folder made relative), printable."""
    path = Path(path)
    text = path.as_posix()
    if path.is_absolute():
        try:
            text = path.relative_to(Path.cwd()).as_posix()
        except (ValueError, OSError):  # elsewhere, or the working folder was deleted
            pass
    return printable(text)


def kind_of(mode: int) -> Text:
    """What a non-regular file is, in words."""
    if stat.S_ISDIR(mode):
        return Text("a folder", "フォルダ")
    if stat.S_ISFIFO(mode):
        return Text("a FIFO (named pipe)", "名前付きパイプ")
    if stat.S_ISCHR(mode):
        return Text("a character device", "キャラクタデバイス")
    if stat.S_ISBLK(mode):
        return Text("a block device", "ブロックデバイス")
    if stat.S_ISSOCK(mode):
        return Text("a socket", "ソケット")
    if stat.S_ISLNK(mode):
        return Text("a symbolic link", "シンボリックリンク")
    return Text("not a regular file", "特殊なファイル")


def not_regular(shown: str, mode: int) -> Text:
    kind = kind_of(mode)
    return Text(f"{shown} is {kind}, not a regular file: it was not read",
                f"{shown} は{kind.ja}で、通常のファイルではないため読みませんでした")


def _leads_nowhere(shown: str) -> Text:
    return Text(f"{shown} is a symbolic link that leads nowhere (to nothing, or round in a loop)",
                f"{shown} はどこにもたどり着かないシンボリックリンクです（リンク先がないか、循環しています）")


def cannot_read(shown: str, exc: OSError) -> Text:
    why = reason(exc)
    return Text(f"cannot read {shown}: {why}", f"{shown} を読めません：{why.ja}")


def cannot_write(shown: str, exc: OSError) -> Text:
    why = reason(exc)
    return Text(f"cannot write {shown}: {why}", f"{shown} に書き込めません：{why.ja}")


def repository_root(path: Path) -> Path | None:
    """The nearest folder at or above `path` that holds `.git` (a folder, or a file in worktrees)."""
    from ..config import repository_root as find

    return find(path)


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


# ----------------------------------------------------------------- finding plans


@record(frozen=True)
class PlanFile:
    """A plan file to read: the name shown and the path opened."""

    shown: str  # the name diagnostics carry: as the user wrote it, printable
    real: str  # the resolved path; a str, as 20,000 Paths cost 10 MB
    base: int = 0  # found in a folder: real[:base] is that folder, and real[base + 1:] is opened beneath it

    def open(self) -> int:
        """Open for reading, never through a symbolic link: beneath the folder it was found in,
        one component at a time, so that a folder swapped for a link after the search cannot
        lead out of it."""
        if not self.base:
            return os.open(self.real, _READ_FLAGS | _O_NOFOLLOW)
        folder = os.open(self.real[: self.base] or "/", os.O_RDONLY | _O_DIRECTORY | os.O_CLOEXEC)
        try:
            *parents, name = self.real[self.base + 1 :].split("/")
            for part in parents:
                inner = os.open(part, os.O_RDONLY | _O_DIRECTORY | _O_NOFOLLOW | os.O_CLOEXEC, dir_fd=folder)
                os.close(folder)
                folder = inner
            return os.open(name, _READ_FLAGS | _O_NOFOLLOW, dir_fd=folder)
        finally:
            os.close(folder)


@record
class Found:
    """The plan files found for the paths given, with what could not be used."""

    files: list[PlanFile] = field(default_factory=list)
    errors: list[Text] = field(default_factory=list)  # reported; the run exits 2
    skipped: list[Text] = field(default_factory=list)  # reported as notes


def find_plans(paths: list[Path], follow_symlinks: bool = False) -> Found:
    """Expand the given paths into the plan files to read.

    A folder is searched for `*.kpi` files, skipping hidden and tool folders. Symbolic links
    found in a folder are skipped (and said so) unless `follow_symlinks`; a path given by name
    is followed through links only where each link stays inside the repository that holds it
    (or, outside any repository, inside its own folder). Only regular files are read; anything
    else is reported. The same file reached twice is read once, under the first name in order.
    """
    found = Found()
    candidates: list[tuple[PlanFile, tuple[int, int]]] = []
    for path in paths:
        _expand(path, found, candidates, follow_symlinks)
    candidates.sort(key=lambda c: c[0].shown)
    seen: set[tuple[int, int]] = set()
    for plan, key in candidates:
        if key not in seen:
            seen.add(key)
            found.files.append(plan)
    return found


def _expand(path: Path, found: Found, candidates: list, follow: bool) -> None:
    shown = display_path(path)
    if not path.is_absolute() and not _working_folder_exists():
        found.errors.append(Text(
            f"cannot read {shown}: the working folder no longer exists (give an absolute path)",
            f"{shown} を読めません：作業フォルダがもうありません（絶対パスで指定してください）"))
        return
    try:
        os.lstat(path)
    except FileNotFoundError:
        found.errors.append(Text(f"no such file or folder: {shown}", f"ファイルもフォルダも見つかりません：{shown}"))
        return
    except OSError as exc:
        found.errors.append(cannot_read(shown, exc))
        return
    target = _resolve(path)
    if target is None:
        found.errors.append(_leads_nowhere(shown))
        return
    if not follow:
        escape = link_out_of_repository(path)
        if escape:
            found.errors.append(Text(
                f"not following symbolic link {escape}; pass --follow-symlinks to read it anyway",
                f"シンボリックリンクをたどりません：{escape.ja}。それでも読むには --follow-symlinks を付けてください"))
            return
    info = os.stat(target)
    if stat.S_ISDIR(info.st_mode):
        _walk(target, shown, found, candidates, follow)
    elif stat.S_ISREG(info.st_mode):
        candidates.append((PlanFile(shown, str(target)), (info.st_dev, info.st_ino)))
    else:
        found.errors.append(not_regular(shown, info.st_mode))


def link_out_of_repository(path: Path) -> Text | None:
    """The first symbolic link on the way to `path` (itself or a folder) that leads out of the
    repository holding it (outside any repository: out of its own folder), described; else None."""
    lexical = Path(os.path.abspath(path))
    if str(lexical) == os.path.realpath(lexical):
        return None  # no link on the way
    for step in (*reversed(lexical.parents[:-1]), lexical):
        if not os.path.islink(step):
            continue
        repository = repository_root(step.parent)
        home = Path(os.path.realpath(repository or step.parent))
        target = Path(os.path.realpath(step))
        if not _inside(target, home):
            where = Text("the repository", "リポジトリ") if repository else Text("its folder", "リンクのあるフォルダ")
            shown, to = display_path(step), printable(str(target))
            return Text(f"{shown}: it points outside {where} (to {to})", f"{shown} は{where.ja}の外（{to}）を指しています")
    return None


def _working_folder_exists() -> bool:
    try:
        os.getcwd()
        return True
    except OSError:
        return False


def _resolve(path: Path) -> Path | None:
    try:
        return Path(os.path.realpath(path, strict=True))
    except (OSError, RuntimeError, ValueError):
        return None


def _walk(root: Path, shown_root: str, found: Found, candidates: list, follow: bool) -> None:
    """Search a folder without recursion (any depth) and without following links unless asked."""
    visited = {str(root)}
    stack = [(str(root), shown_root, len(str(root).rstrip("/")))]
    while stack:
        folder, shown_folder, base = stack.pop()
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError as exc:
            why = reason(exc)
            folder_shown = _relative(shown_folder)
            found.errors.append(Text(f"cannot read folder {folder_shown}: {why}",
                                     f"フォルダ {folder_shown} を読めません：{why.ja}"))
            continue
        subfolders = []
        for entry in entries:
            shown = _relative(f"{shown_folder.rstrip('/')}/{printable(entry.name)}")
            try:
                info = entry.stat(follow_symlinks=False)
            except FileNotFoundError:
                continue  # removed while we looked
            except OSError as exc:
                found.errors.append(cannot_read(shown, exc))
                continue
            mode = info.st_mode
            if stat.S_ISLNK(mode):
                _found_link(entry, shown, found, candidates, follow, visited, subfolders)
            elif stat.S_ISDIR(mode):
                if entry.name not in SKIP_DIRS and not entry.name.startswith("."):
                    subfolders.append((entry.path, shown, base))
            elif entry.name.endswith(".kpi"):
                if stat.S_ISREG(mode):
                    candidates.append((PlanFile(shown, entry.path, base), (info.st_dev, info.st_ino)))
                else:
                    found.errors.append(not_regular(shown, mode))
        stack.extend(reversed(subfolders))


def _found_link(entry, shown, found: Found, candidates: list, follow: bool, visited: set, subfolders: list) -> None:
    target = _resolve(Path(entry.path))
    is_dir = target is not None and target.is_dir()
    if not (is_dir or entry.name.endswith(".kpi")):
        return  # not something kpispec would read: nothing to say
    if entry.name.startswith(".") or entry.name in SKIP_DIRS:
        return
    if not follow:
        found.skipped.append(Text(f"skipped symbolic link {shown} (pass --follow-symlinks to follow it)",
                                  f"シンボリックリンク {shown} を飛ばしました（たどるには --follow-symlinks を付けてください）"))
        return
    if target is None:
        found.errors.append(_leads_nowhere(shown))
        return
    info = os.stat(target)
    if is_dir:
        if str(target) not in visited:  # a link back up the tree would loop forever
            visited.add(str(target))
            subfolders.append((str(target), shown, len(str(target).rstrip("/"))))
    elif stat.S_ISREG(info.st_mode):
        candidates.append((PlanFile(shown, str(target)), (info.st_dev, info.st_ino)))
    else:
        found.errors.append(not_regular(shown, info.st_mode))


def _relative(shown: str) -> str:
    return shown[2:] if shown.startswith("./") else shown


# ------------------------------------------------------------------------ reading


class TooLarge(Exception):
    def __init__(self, size: int):
        super().__init__(size)
        self.size = size


def read_standard_input(limit: int) -> bytes:
    """A plan given as `-`: the bytes of standard input, at most `limit` of them. Raises CliError
    when it cannot be read (closed: `<&-`) or is larger than the limit."""
    try:
        data = sys.stdin.buffer.read(limit + 1)
    except (AttributeError, OSError, ValueError):
        raise CliError(Text("cannot read standard input", "標準入力を読めません")) from None
    if len(data) > limit:
        raise CliError(Text("standard input is larger than --max-file-size", "標準入力が --max-file-size より大きいです"))
    return data


def read_regular(source: PlanFile | Path | str, limit: int) -> bytes:
    """The bytes of a regular file, read through no symbolic link and at most `limit` of them.

    Raises CliError for anything that is not a regular file, TooLarge beyond the limit."""
    shown = source.shown if isinstance(source, PlanFile) else display_path(source)
    try:
        fd = source.open() if isinstance(source, PlanFile) else os.open(source, _READ_FLAGS | _O_NOFOLLOW)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise CliError(Text(f"{shown} is a symbolic link: it was not followed",
                                f"{shown} はシンボリックリンクのため、たどりませんでした")) from None
        raise CliError(cannot_read(shown, exc)) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise CliError(not_regular(shown, info.st_mode))
        if info.st_size > limit:
            raise TooLarge(info.st_size)
        chunks = []
        total = 0
        while True:
            chunk = os.read(fd, min(1 << 20, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:  # it grew while we read
                raise TooLarge(total)
        return b"".join(chunks)
    except OSError as exc:
        raise CliError(cannot_read(shown, exc)) from None
    finally:
        os.close(fd)


# ------------------------------------------------------------------------ writing


_STREAMS = {0: Text("standard input", "標準入力"), 1: Text("standard output", "標準出力"),
            2: Text("standard error", "標準エラー出力")}


def _refusing(shown: str, en: str, ja: str) -> CliError:
    return CliError(Text(f"refusing to write {shown}: {en}", f"{shown} には書き込みません：{ja}"))


def output_target(path: Path, inputs: tuple = (), follow: bool = False) -> Path:
    """The regular file an output named `path` will replace (through a symbolic link to one),
    or where a new one will be created. Raises CliError for anything else."""
    shown = display_path(path)
    stream = _standard_stream(path)
    if stream:
        raise _refusing(shown, f"it is {stream}; leave out -o to print to standard output",
                        f"{stream.ja}です。標準出力に出すには -o を付けないでください")
    if not follow:
        escape = link_out_of_repository(path)
        if escape:
            raise CliError(Text(
                f"refusing to write through symbolic link {escape}; pass --follow-symlinks to write there anyway",
                f"シンボリックリンクを通して書き込みません：{escape.ja}。それでも書き込むには --follow-symlinks を付けてください"))
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        parent = path.parent if str(path.parent) else Path(".")
        if not parent.is_dir():
            folder = display_path(parent)
            raise CliError(Text(f"cannot write {shown}: no such folder {folder}",
                                f"{shown} に書き込めません：フォルダ {folder} がありません")) from None
        return path
    except OSError as exc:
        raise CliError(cannot_write(shown, exc)) from None
    target = path
    if stat.S_ISLNK(info.st_mode):
        resolved = _resolve(path)
        if resolved is None:
            raise _refusing(shown, "it is a symbolic link that leads nowhere (to nothing, or round in a loop)",
                            "どこにもたどり着かないシンボリックリンクです（リンク先がないか、循環しています）")
        target = resolved
        info = os.stat(resolved)
    if not stat.S_ISREG(info.st_mode):
        kind = kind_of(info.st_mode)
        raise _refusing(shown, f"it is {kind}; the output must be a regular file",
                        f"{kind.ja}です。出力先は通常のファイルにしてください")
    if not info.st_mode & 0o222:
        raise _refusing(shown, "it is read-only; make it writable first if it should be replaced",
                        "読み取り専用です。置き換えてよいなら、先に書き込めるようにしてください")
    for source in inputs:
        try:
            same = os.path.samestat(info, os.stat(source))
        except OSError:
            continue
        if same:
            source_shown = display_path(source)
            raise _refusing(shown, f"it is the input {source_shown}; choose another output",
                            f"入力の {source_shown} そのものです。別の出力先を選んでください")
    return target


def _standard_stream(path: Path) -> Text | None:
    """Which standard stream `path` is (/dev/stdout, /dev/fd/2, /proc/self/fd/1, or a log file
    that stderr is appending to), or None. A device such as /dev/null is left to the kind check."""
    text = os.path.abspath(path)
    if text in ("/dev/stdin", "/dev/stdout", "/dev/stderr") or (text.startswith(("/dev/fd/", "/proc/")) and "/fd/" in text):
        return Text("a file descriptor of this process", "このプロセスのファイル記述子")
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return None
    if stat.S_ISCHR(info.st_mode):
        return None
    for fd, name in _STREAMS.items():
        try:
            if os.path.samestat(info, os.fstat(fd)):
                return name
        except (OSError, ValueError):
            continue
    return None


def write_atomic(path: Path, content, inputs: tuple = (), follow: bool = False) -> None:
    """Replace the regular file at `path` (or create it) with `content`, all at once.

    `content` is the text, or a function that writes it through the `write` it is given, or bytes
    written as they are. It goes to an anonymous file in the target's folder (O_TMPFILE: a crash
    leaves nothing behind), which is then given a short temporary name and renamed over the target,
    with Ctrl-C, SIGTERM and SIGHUP held off for those two steps. The target's mode and owner are
    kept, and a text's line ending (LF or CRLF) too.
    """
    target = output_target(path, inputs, follow)
    folder = target.parent if str(target.parent) else Path(".")
    previous = _stat_or_none(target)
    mode = stat.S_IMODE(previous.st_mode) if previous else 0o666 & ~_umask()
    newline = "\r\n" if previous and not isinstance(content, bytes) and _uses_crlf(target) else "\n"
    fd, temporary = _open_temporary(folder)
    try:
        os.fchmod(fd, mode)
        if previous and os.geteuid() == 0 and (previous.st_uid, previous.st_gid) != (0, 0):
            try:
                os.fchown(fd, previous.st_uid, previous.st_gid)
            except OSError:
                pass
        if isinstance(content, bytes):  # written as they are (the formatter's text keeps its own line ends)
            view = memoryview(content)
            while view:
                view = view[os.write(fd, view):]
        else:
            with os.fdopen(fd, "w", encoding="utf-8", newline=newline, closefd=False) as handle:
                if callable(content):
                    content(handle.write)
                else:
                    handle.write(content)
                handle.flush()
        os.fsync(fd)
        with _signals_held():
            names = [temporary]  # the name is recorded before it exists, so cleanup never misses it
            try:
                if temporary is None:
                    _link_anonymous(fd, folder, names)
                os.replace(names[0], target)
            except BaseException:
                if names[0] is not None:
                    _unlink_quietly(names[0])
                raise
            temporary = None
    except BaseException:
        if temporary is not None:
            _unlink_quietly(temporary)
        raise
    finally:
        os.close(fd)


def _unlink_quietly(name: str) -> None:
    try:
        os.unlink(name)
    except OSError:
        pass


class _signals_held:
    """Hold Ctrl-C, SIGTERM and SIGHUP until the block ends (they are delivered then)."""

    SIGNALS = ("SIGINT", "SIGTERM", "SIGHUP")

    def __enter__(self):
        import signal

        self.held = {getattr(signal, name) for name in self.SIGNALS if hasattr(signal, name)}
        try:
            self.previous = signal.pthread_sigmask(signal.SIG_BLOCK, self.held)
        except (AttributeError, ValueError, OSError):
            self.previous = None
        return self

    def __exit__(self, *exc):
        import signal

        if self.previous is not None:
            signal.pthread_sigmask(signal.SIG_SETMASK, self.previous)
        return False


def _stat_or_none(path: Path):
    try:
        return os.stat(path)
    except OSError:
        return None


def _uses_crlf(path: Path) -> bool:
    try:
        fd = os.open(path, _READ_FLAGS | _O_NOFOLLOW)
    except OSError:
        return False
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):  # swapped for a FIFO since it was checked
            return False
        head = os.read(fd, 1 << 16)
    except OSError:
        return False
    finally:
        os.close(fd)
    first = head.find(b"\n")
    return first > 0 and head[first - 1 : first] == b"\r"


def _open_temporary(folder: Path) -> tuple[int, str | None]:
    """An anonymous file in `folder` (name None), or a short-named one where O_TMPFILE is missing."""
    tmpfile = getattr(os, "O_TMPFILE", 0)
    if tmpfile:
        try:
            return os.open(folder, tmpfile | os.O_RDWR | os.O_CLOEXEC, 0o600), None
        except OSError as exc:
            if exc.errno not in (errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL, errno.ENOENT):
                raise
    return _named_temporary(folder)


def _named_temporary(folder: Path) -> tuple[int, str]:
    # Short, so that a target whose name is near the 255-byte limit still gets one.
    for _ in range(100):
        name = str(folder / f".kpispec-{os.urandom(4).hex()}.tmp")
        try:
            return os.open(name, os.O_RDWR | os.O_CREAT | os.O_EXCL | _O_NOFOLLOW | os.O_CLOEXEC, 0o600), name
        except FileExistsError:
            continue
    raise OSError(errno.EEXIST, "no free temporary name")


def _link_anonymous(fd: int, folder: Path, names: list) -> None:
    """Give a finished O_TMPFILE file a short name in its folder (into `names[0]`, set before
    the name exists), to rename over the target.

    Through /proc/self/fd (open(2)'s way), else linkat(AT_EMPTY_PATH), else by copying it
    into a named temporary file: some sandboxes allow neither link."""
    for _ in range(100):
        names[0] = name = str(folder / f".kpispec-{os.urandom(4).hex()}.tmp")
        try:
            os.link(f"/proc/self/fd/{fd}", name, follow_symlinks=True)
            return
        except FileExistsError:
            names[0] = None
            continue
        except OSError:
            names[0] = None
            break
    names[0] = name
    if _linkat_empty_path(fd, name):
        return
    names[0] = None
    copy, names[0] = _named_temporary(folder)
    try:
        os.fchmod(copy, stat.S_IMODE(os.fstat(fd).st_mode))
        offset, size = 0, os.fstat(fd).st_size
        while offset < size:
            sent = os.sendfile(copy, fd, offset, size - offset)
            if not sent:
                raise OSError(errno.EIO, "short copy")
            offset += sent
        os.fsync(copy)
    finally:
        os.close(copy)


def _linkat_empty_path(fd: int, name: str) -> bool:
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        at_fdcwd, at_empty_path = -100, 0x1000
        return libc.linkat(fd, b"", at_fdcwd, os.fsencode(name), at_empty_path) == 0
    except (OSError, AttributeError, ImportError):
        return False


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# ------------------------------------------------------------------ standard output


def out(text: str) -> None:
    """Write to standard output; a failure ends the run with exit status 2, not a traceback."""
    try:
        sys.stdout.write(text)
    except OSError as exc:
        raise OutputFailed(exc) from None


def machine_out(text: str) -> None:
    """Write JSON, SARIF or annotations to standard output: always UTF-8 (RFC 8259), whatever
    the locale or PYTHONIOENCODING say, so that no character is ever replaced by `?`."""
    buffer = getattr(sys.stdout, "buffer", None)
    try:
        if buffer is None:
            sys.stdout.write(text)
        else:
            buffer.write(text.encode("utf-8", "backslashreplace"))
    except OSError as exc:
        raise OutputFailed(exc) from None


def say(line: str) -> None:
    """One line on stderr; a stderr that cannot be written is not worth a traceback."""
    try:
        sys.stderr.write(line + "\n")
        sys.stderr.flush()
    except (OSError, ValueError, AttributeError):
        pass


class ClosedStream:
    """Stands in for a standard stream that was closed when kpispec started (`>&-`)."""

    encoding = "utf-8"

    def __init__(self, silent: bool = False):
        self.silent = silent

    def write(self, text: str) -> int:
        if self.silent:
            return len(text)
        raise OSError(errno.EBADF, "standard output is closed")

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False
