"""A test reference for how the GitHub Actions runner reads workflow commands.

`kpispec check -f github` prints workflow commands (`::error file=…,line=…::message`). What a
person sees on GitHub is what the runner makes of those lines, so the renderer's tests read its
output back through this module, which follows the runner's own code (actions/runner, read at
commit 258d6c85, 2026-08-17) rule by rule; each rule names the C# it comes from.

    parse_commands(output) -> list[Command]
        Every line the runner consumes as a command, with its properties and data unescaped
        exactly as the runner does. Lines that are not commands are left out.
    annotations(output, *, workspace=None, repository=None, per_type_limit=10) -> list[Annotation]
        The error/warning/notice commands turned into the annotations the runner sends: the
        runner's checks on line/endLine/col/endColumn applied (columns dropped when a span covers
        several lines, and so on), the message cut to 4096 UTF-16 units, at most 10 of each kind.

Not modelled: secret masking (no secrets are registered in a test), container path
translation, the `DistributedTask.EnhancedAnnotations` switch (on at github.com: `notice`,
`title`, `endLine` and `endColumn` are honoured), and culture-sensitive string comparison
(the runner's `StartsWith("::")`/`IndexOf("::")` are culture-sensitive; for the characters a
renderer prints they agree with ordinal comparison, which is what is done here).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

# ActionCommandManager.Initialize registers "stop-commands" and the `Command` of every
# IActionCommandExtension in src/Runner.Worker/ActionCommandManager.cs, except
# "internal-set-repo-path" (only while a runner plugin runs).
REGISTERED_COMMANDS = frozenset(
    {
        "stop-commands",
        "set-env",
        "set-output",
        "save-state",
        "add-mask",
        "add-path",
        "add-matcher",
        "remove-matcher",
        "debug",
        "warning",
        "error",
        "notice",
        "group",
        "endgroup",
        "echo",
    }
)

# IssueCommandExtension subclasses (WarningCommandExtension, ErrorCommandExtension,
# NoticeCommandExtension) in ActionCommandManager.cs.
ISSUE_COMMANDS = ("error", "warning", "notice")

# ExecutionContext.cs: `_maxCountPerIssueType = 10`, `_maxIssueMessageLength = 4096`.
MAX_COUNT_PER_ISSUE_TYPE = 10
MAX_ISSUE_MESSAGE_LENGTH = 4096

# Constants.Runner.InternalTelemetryIssueDataKey (src/Runner.Common/Constants.cs); dropped from
# the issue data by IssueCommandExtension.ProcessCommand.
_INTERNAL_TELEMETRY_KEY = "_internal_telemetry"

# ActionCommand.cs: the unescape tables, applied in this order with ordinal `string.Replace`.
# (_escapePropertyMappings, _escapeDataMappings, _escapeMappings: replacement -> token.)
_PROPERTY_UNESCAPES = (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%"))
_DATA_UNESCAPES = (("%0D", "\r"), ("%0A", "\n"), ("%25", "%"))
_V1_UNESCAPES = (("%3B", ";"), ("%0D", "\r"), ("%0A", "\n"), ("%5D", "]"), ("%25", "%"))


@dataclass
class Command:
    """One workflow command as the runner parsed it (ActionCommand)."""

    name: str
    """As written: the runner matches command names ignoring case (OrdinalIgnoreCase)."""
    properties: dict[str, str]
    """Unescaped values. Keys keep the spelling of their first occurrence; a later key that
    differs only in case overwrites the value (ActionCommand._properties is OrdinalIgnoreCase)."""
    data: str
    line: int = field(default=0, compare=False)
    """1-based number of the output line."""
    syntax: str = field(default="v2", compare=False)
    """"v2" for `::name props::data`, "v1" for the legacy `##[name props]data`."""

    def get(self, key: str) -> str | None:
        """A property looked up the runner's way, ignoring case."""
        return _get(self.properties, key)


@dataclass
class Annotation:
    """What the runner sends to GitHub for one error/warning/notice command (an Issue)."""

    level: str
    """"error", "warning" or "notice" (the command name, lower-cased)."""
    message: str
    file: str | None = None
    line: int | None = None
    end_line: int | None = None
    col: int | None = None
    end_column: int | None = None
    title: str | None = None
    data: dict[str, str] = field(default_factory=dict, compare=False)
    """The issue's data exactly as sent (strings), after the runner's fixes and removals."""
    category: str = field(default="General", compare=False)
    """"Code" when the command names a file, else "General"."""


# --- .NET behaviour the parser depends on ---------------------------------------------------


def _is_dotnet_whitespace(ch: str) -> bool:
    """char.IsWhiteSpace: U+0009–U+000D, U+0085 and the Zs/Zl/Zp categories.

    Not Python's str.isspace, which also counts U+001C–U+001F."""
    return ch in "\t\n\x0b\x0c\r\x85" or unicodedata.category(ch) in ("Zs", "Zl", "Zp")


def _trim_start(s: str) -> str:
    i = 0
    while i < len(s) and _is_dotnet_whitespace(s[i]):
        i += 1
    return s[i:]


def _trim(s: str) -> str:
    s = _trim_start(s)
    j = len(s)
    while j > 0 and _is_dotnet_whitespace(s[j - 1]):
        j -= 1
    return s[:j]


def _split_pair(s: str) -> list[str]:
    """`s.Split(new[] { '=' }, count: 2, StringSplitOptions.RemoveEmptyEntries)` on .NET Core.

    Empty pieces are dropped before the count is reached, and once one piece is kept the empty
    pieces right after it are skipped too, so "k==v" gives ["k", "v"], "=v" gives ["v"] and
    "k=" gives ["k"]; the last piece keeps any later '=' ("k=a=b" gives ["k", "a=b"])."""
    pieces: list[str] = []
    rest = s
    while "=" in rest and not pieces:
        head, rest = rest.split("=", 1)
        if head:
            pieces.append(head)
    if pieces:
        # Skip the empty entries that follow the first kept piece.
        while rest.startswith("="):
            rest = rest[1:]
    if rest:
        pieces.append(rest)
    return pieces


def _replace_all(s: str, table) -> str:
    for old, new in table:
        s = s.replace(old, new)
    return s


def _upper_simple(s: str) -> str:
    """Char-by-char upper case as OrdinalIgnoreCase compares (no 'ß' -> 'SS')."""
    return "".join(c.upper() if len(c.upper()) == 1 else c for c in s)


def _get(props: dict[str, str], key: str) -> str | None:
    want = _upper_simple(key)
    for k, v in props.items():
        if _upper_simple(k) == want:
            return v
    return None


def _set(props: dict[str, str], key: str, value: str) -> None:
    """Dictionary indexer on an OrdinalIgnoreCase dictionary: keeps the existing key's spelling."""
    want = _upper_simple(key)
    for k in props:
        if _upper_simple(k) == want:
            props[k] = value
            return
    props[key] = value


def _remove(props: dict[str, str], key: str) -> None:
    want = _upper_simple(key)
    for k in list(props):
        if _upper_simple(k) == want:
            del props[k]


_INT32 = re.compile(r"[\t\n\x0b\x0c\r ]*([+-]?)([0-9]+)[\t\n\x0b\x0c\r ]*\x00*\Z")


def dotnet_int_try_parse(s: str | None) -> int | None:
    """int.TryParse(s, out n) with NumberStyles.Integer: surrounding ASCII white space, one
    leading sign, ASCII digits, Int32 range (trailing NULs are ignored by .NET's parser).
    Returns None where TryParse returns false."""
    if s is None:
        return None
    m = _INT32.match(s)
    if not m:
        return None
    n = int(m.group(2)) * (-1 if m.group(1) == "-" else 1)
    if not -(2**31) <= n <= 2**31 - 1:
        return None
    return n


def output_lines(output: str) -> list[str]:
    """The lines the runner reads from a step's output.

    ProcessInvoker.StartReadStream calls StreamReader.ReadLine, which ends a line at "\\r\\n",
    "\\r" or "\\n" (not at the other characters Python's str.splitlines() uses), and returns
    no final empty line after a trailing line break."""
    if output == "":
        return []
    lines = re.split(r"\r\n|\r|\n", output)
    if lines[-1] == "":
        lines.pop()
    return lines


# --- parsing (src/Runner.Common/ActionCommand.cs) --------------------------------------------


def parse_v2(message: str, registered=REGISTERED_COMMANDS) -> Command | None:
    """ActionCommand.TryParseV2: `::name k=v,k=v::data` after leading white space."""
    if not message:
        return None
    message = _trim_start(message)
    if not message.startswith("::"):
        return None
    end = message.find("::", 2)
    if end < 0:
        return None
    info = message[2:end]
    space = info.find(" ")
    name = info if space < 0 else info[:space]
    registered_upper = {_upper_simple(c) for c in registered}
    if _upper_simple(name) not in registered_upper:
        return None
    props: dict[str, str] = {}
    if space > 0:
        for prop in _trim(info[space + 1 :]).split(","):
            if not prop:  # StringSplitOptions.RemoveEmptyEntries
                continue
            pair = _split_pair(prop)
            if len(pair) == 2:
                _set(props, pair[0], _replace_all(pair[1], _PROPERTY_UNESCAPES))
    data = _replace_all(message[end + 2 :], _DATA_UNESCAPES)
    return Command(name, props, data, syntax="v2")


def parse_v1(message: str, registered=REGISTERED_COMMANDS) -> Command | None:
    """ActionCommand.TryParse, the legacy form: `##[name k=v;k=v]data` anywhere in the line."""
    if not message:
        return None
    prefix = message.find("##[")
    if prefix < 0:
        return None
    rb = message.find("]", prefix)
    if rb < 0:
        return None
    info = message[prefix + 3 : rb]
    space = info.find(" ")
    name = info if space < 0 else info[:space]
    if _upper_simple(name) not in {_upper_simple(c) for c in registered}:
        return None
    props: dict[str, str] = {}
    if space > 0:
        for prop in info[space + 1 :].split(";"):
            if not prop:
                continue
            pair = _split_pair(prop)
            if len(pair) == 2:
                _set(props, pair[0], _replace_all(pair[1], _V1_UNESCAPES))
    data = _replace_all(message[rb + 1 :], _V1_UNESCAPES)
    return Command(name, props, data, syntax="v1")


def parse_line(line: str, registered=REGISTERED_COMMANDS) -> Command | None:
    """ActionCommandManager.TryProcessCommand tries TryParseV2, then TryParse."""
    return parse_v2(line, registered) or parse_v1(line, registered)


def parse_commands(output: str) -> list[Command]:
    """Every line of `output` that the runner consumes as a workflow command, in order.

    OutputManager.OnDataReceived hands a line to the command manager only when it contains
    "##[" or "::"; ActionCommandManager.TryProcessCommand then parses it against the registered
    command names and keeps the `stop-commands` state: after `::stop-commands::TOKEN` nothing
    is a command until a line `::TOKEN::` (that line is consumed too). Both the stop and the
    resume line are returned as commands."""
    commands: list[Command] = []
    registered = set(REGISTERED_COMMANDS)
    stop_token: str | None = None
    for number, line in enumerate(output_lines(output), 1):
        if not line or ("##[" not in line and "::" not in line):
            continue
        cmd = parse_line(line, registered)
        if cmd is None:
            continue
        cmd.line = number
        if stop_token is not None:
            # Stopped: only the resume token is processed; other commands print as text.
            if _upper_simple(cmd.name) == _upper_simple(stop_token):
                commands.append(cmd)
                registered.discard(stop_token)
                stop_token = None
            continue
        if _upper_simple(cmd.name) == _upper_simple("stop-commands"):
            # ActionCommandManager.ValidateStopToken: a registered command name, an empty token
            # or "pause-logging" is refused (the runner throws unless
            # ACTIONS_ALLOW_UNSECURE_STOP_COMMAND_TOKENS is set).
            token = cmd.data
            if (
                not token
                or _upper_simple(token) in {_upper_simple(c) for c in registered}
                or _upper_simple(token) == _upper_simple("pause-logging")
            ):
                raise ValueError(f"line {number}: the runner refuses the stop-commands token {token!r}")
            stop_token = token
            registered.add(token)
        commands.append(cmd)
    return commands


# --- annotations (src/Runner.Worker/ActionCommandManager.cs, ExecutionContext.cs) -----------


def validate_lines_and_columns(props: dict[str, str]) -> None:
    """IssueCommandExtension.ValidateLinesAndColumns, in place, step by step.

    Note the runner compares `line != endLine` as strings ("3" and "03" differ)."""
    line = _get(props, "line")
    end_line = _get(props, "endLine")
    column = _get(props, "col")
    end_column = _get(props, "endColumn")

    line_number = dotnet_int_try_parse(line)
    end_line_number = dotnet_int_try_parse(end_line)
    column_number = dotnet_int_try_parse(column)
    end_column_number = dotnet_int_try_parse(end_column)
    has_start_line = line_number is not None
    has_end_line = end_line_number is not None
    has_start_column = column_number is not None
    has_end_column = end_column_number is not None
    has_column = has_start_column or has_end_column
    # A failed int.TryParse leaves 0 in its out variable.
    line_number = line_number or 0
    column_number = column_number or 0

    if has_end_line and not has_start_line:
        _set(props, "line", end_line)
        has_start_line = True
        line = end_line
    if has_end_column and not has_start_column:
        _set(props, "col", end_column)
        has_start_column = True
        column = end_column
    if not has_start_line and has_column:
        _remove(props, "col")
        _remove(props, "endColumn")
    if has_end_line and line != end_line and has_column:
        # A span over several lines keeps no columns.
        _remove(props, "col")
        _remove(props, "endColumn")
    if has_start_line and has_end_line and end_line_number < line_number:
        _remove(props, "line")
        _remove(props, "endLine")
    if has_start_column and has_end_column and end_column_number < column_number:
        _remove(props, "col")
        _remove(props, "endColumn")


def _make_relative(path: str, folder: str) -> str:
    """IOUtil.MakeRelative on Linux (ordinal, '/' separators)."""
    if not path.startswith(folder):
        return path
    if len(path) == len(folder):
        return ""
    if folder.endswith("/"):
        return path[len(folder) :]
    if path[len(folder)] == "/":
        return path[len(folder) + 1 :]
    return path


def _truncate_utf16(text: str, units: int) -> str:
    """C# `s[..n]`: the first n UTF-16 code units (a surrogate pair may be cut)."""
    encoded = text.encode("utf-16-le", "surrogatepass")
    if len(encoded) <= units * 2:
        return text
    return encoded[: units * 2].decode("utf-16-le", "surrogatepass")


def annotation_for(
    cmd: Command, *, workspace: str | None = None, repository: str | None = None
) -> Annotation:
    """IssueCommandExtension.ProcessCommand for one error/warning/notice command."""
    level = cmd.name.lower()
    if level not in ISSUE_COMMANDS:
        raise ValueError(f"{cmd.name!r} is not an annotation command")
    props = dict(cmd.properties)
    validate_lines_and_columns(props)
    file = _get(props, "file")
    category = "General"
    if file:
        category = "Code"
        if workspace is not None:
            relative = _make_relative(file, workspace)
            if relative != file:
                if repository:
                    _set(props, "repo", repository)
                if relative:
                    _set(props, "file", relative)
    data = {k: v for k, v in props.items() if _upper_simple(k) != _upper_simple(_INTERNAL_TELEMETRY_KEY)}
    # ExecutionContext.AddIssue: the message is cut to _maxIssueMessageLength.
    message = _truncate_utf16(cmd.data, MAX_ISSUE_MESSAGE_LENGTH)
    return Annotation(
        level=level,
        message=message,
        file=_get(data, "file"),
        line=dotnet_int_try_parse(_get(data, "line")),
        end_line=dotnet_int_try_parse(_get(data, "endLine")),
        col=dotnet_int_try_parse(_get(data, "col")),
        end_column=dotnet_int_try_parse(_get(data, "endColumn")),
        title=_get(data, "title"),
        data=data,
        category=category,
    )


def annotations(
    output: str,
    *,
    workspace: str | None = None,
    repository: str | None = None,
    per_type_limit: int | None = MAX_COUNT_PER_ISSUE_TYPE,
) -> list[Annotation]:
    """The annotations one step's `output` gives, in order.

    `::group::`/`::endgroup::` lines are commands (folding in the log, ##[group]title), not
    annotations, and change nothing about the annotations between them. ExecutionContext.AddIssue
    attaches at most 10 errors, 10 warnings and 10 notices to a step (the rest only reach the
    log): pass per_type_limit=None to see them all. With `workspace`, a file path under it is
    made relative as the runner does with github.workspace (and `repo` is set to `repository`)."""
    result: list[Annotation] = []
    counts = {level: 0 for level in ISSUE_COMMANDS}
    for cmd in parse_commands(output):
        level = cmd.name.lower()
        if level not in ISSUE_COMMANDS:
            continue
        if per_type_limit is not None and counts[level] >= per_type_limit:
            continue
        counts[level] += 1
        result.append(annotation_for(cmd, workspace=workspace, repository=repository))
    return result
