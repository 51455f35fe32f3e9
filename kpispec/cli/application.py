"""The typer application: the root options and the commands, one module each; and how a usage error
(an unknown option, a missing argument, a value not allowed…) is said.

In English a usage error is click's own, as click prints it. In Japanese it is rendered here from
the exception's fields (the option, the parameter, the value, the suggestions), never translated
from click's English: the command's usage line stays as it is (it is syntax), the words around it
are Japanese. Where click's exception does not carry what the Japanese needs, the command and group
classes below add it while parsing (`kpispec_*` attributes), without changing click's English.

--help is in the run's language too: in Japanese the page is written by help_ja.py, from its own
texts for every command and parameter, laid out as click lays out the English.
"""

from __future__ import annotations

import difflib
import sys
from enum import Enum

import typer
from typer.core import TyperCommand, TyperGroup

from .. import __version__
from typing import Optional

from .common import Lang, run_language, use_root_language
from .io import printable, say


def _click_class(name: str) -> type:
    """A class of the click typer uses (its own copy since typer 0.2x, click itself before)."""
    return next(c for c in typer.BadParameter.__mro__ if c.__name__ == name)


UsageError = _click_class("UsageError")
ClickException = _click_class("ClickException")


def _remember_values(command) -> None:
    """Have each parameter's type note, on the error it raises, the value it refused: click's
    BadParameter does not keep it, and the Japanese message names it."""
    for param in command.params:
        kind = param.type
        if getattr(kind, "_kpispec_remembers", False):
            continue
        convert = kind.convert

        def remembering(value, param, ctx, convert=convert):
            try:
                return convert(value, param, ctx)
            except UsageError as exc:
                if not hasattr(exc, "kpispec_value"):
                    exc.kpispec_value = value
                raise

        kind.convert = remembering
        kind._kpispec_remembers = True


def _japanese_help(command, ctx) -> str | None:
    """The command's --help in Japanese when the run speaks it (help_ja.py, imported only then)."""
    if run_language() != "ja":
        return None
    from .help_ja import help_text

    return help_text(command, ctx)


def _usage_piece(piece: str) -> str:
    if piece.startswith("{") and "}" in piece:  # typer's mark of a required argument: not click's, nor any shell's
        name, _, rest = piece[1:].partition("}")
        return name + rest
    return piece


class KpiCommand(TyperCommand):
    """A command whose usage errors know their context, extra arguments which ones they are, and
    whose --help is in the run's language."""

    def get_help(self, ctx):
        return _japanese_help(self, ctx) or super().get_help(ctx)

    def collect_usage_pieces(self, ctx):
        """The usage line as click writes it (`paths...`, `[old]`), without typer's braces (`{paths}...`)."""
        return [_usage_piece(piece) for piece in super().collect_usage_pieces(ctx)]

    def parse_args(self, ctx, args):
        _remember_values(self)
        words = list(args)  # click's parser consumes the list it is given
        allowed = ctx.allow_extra_args
        ctx.allow_extra_args = True
        try:
            rest = super().parse_args(ctx, args)
        except UsageError as exc:
            exc.kpispec_context = ctx
            raise
        finally:
            ctx.allow_extra_args = allowed
        if rest and not allowed and not ctx.resilient_parsing:
            # Parsed again as click does it, for click's own error (its English), told the extras.
            try:
                return super().parse_args(ctx, words)
            except UsageError as exc:
                exc.kpispec_context = ctx
                exc.kpispec_extra = list(rest)
                raise
        return rest


class KpiGroup(TyperGroup):
    """`kpispec` itself: its usage errors know their context, an unknown command its name; its
    --help (and its help when run alone) is in the run's language."""

    def get_help(self, ctx):
        return _japanese_help(self, ctx) or super().get_help(ctx)

    def parse_args(self, ctx, args):
        try:
            rest = super().parse_args(ctx, args)
        except UsageError as exc:
            exc.kpispec_context = ctx
            raise
        ctx.meta["kpispec.command_given"] = bool(getattr(ctx, "_protected_args", None) or
                                                 getattr(ctx, "protected_args", None))
        return rest

    def resolve_command(self, ctx, args):
        try:
            return super().resolve_command(ctx, args)
        except UsageError as exc:
            if args and not hasattr(exc, "option_name"):  # not a word read as an unknown option
                exc.kpispec_unknown_command = args[0]
                exc.kpispec_commands = list(self.commands)
            raise

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except UsageError as exc:
            if exc.ctx is ctx and not ctx.meta.get("kpispec.command_given", True):
                exc.kpispec_missing_command = True
            raise


app = typer.Typer(
    cls=KpiGroup,
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["--help", "-h"]},  # "--help" first: click names it in "Try … for help"
    help="kpispec: KPI plans as code. Check, compile and document .kpi files.",
)


def _version(value: bool):
    if value:
        sys.stdout.write(f"kpispec {__version__}\n")
        raise typer.Exit(0)


@app.callback()
def root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show the version and exit."),
    lang: Optional[Lang] = typer.Option(None, "--lang", help="Message language (default: from LANG)."),
):
    """kpispec: KPI plans as code."""
    if lang is not None:  # `kpispec --lang ja check …`: a command's own --lang, when given, still decides
        use_root_language(lang)


def run(args: list[str]) -> int:
    """The typer application on `args`: its exit status, a usage error said in the run's language."""
    try:
        code = app(args=args, prog_name="kpispec", standalone_mode=False)
    except typer.Abort:
        say("中断しました" if run_language() == "ja" else "Aborted!")
        return 1
    except ClickException as exc:
        if run_language() == "ja" and isinstance(exc, UsageError) and not _is(exc, "NoArgsIsHelpError"):
            say(in_japanese(exc))
        else:  # and `kpispec` alone prints its help (in the run's language: KpiGroup.get_help)
            exc.show()
        return exc.exit_code
    return code if isinstance(code, int) else 0


# ------------------------------------------------------------------ usage errors in Japanese


def _is(exc, name: str) -> bool:
    return any(c.__name__ == name for c in type(exc).__mro__)


def _quoted(value) -> str:
    return f"'{printable(str(value.value if isinstance(value, Enum) else value))}'"


def _which(names) -> str:
    """`どちらか` of two, `どれか` of more."""
    return "どちらか" if len(names) == 2 else "どれか"


def _either(names: list[str]) -> str:
    """`--format のことですか？`, or of several, `…、… のどれかのことですか？`."""
    return f"{names[0]} のことですか？" if len(names) == 1 else f"{'、'.join(names)} の{_which(names)}のことですか？"


def _hint(exc, ctx) -> str | None:
    """The parameter as click names it in its English (`'--format' / '-f'`, `'paths'`)."""
    hint = getattr(exc, "param_hint", None)
    if hint is None and getattr(exc, "param", None) is not None:
        hint = exc.param.get_error_hint(ctx)
    if hint is not None and not isinstance(hint, str):
        hint = " / ".join(repr(x) for x in hint)
    return hint


def _option(ctx, name: str):
    """The option `name` of the command being parsed (its --help too), or None."""
    if ctx is None:
        return None
    for param in ctx.command.get_params(ctx):
        if name in (*getattr(param, "opts", ()), *getattr(param, "secondary_opts", ())):
            return param
    return None


def _choices(param) -> list[str] | None:
    choices = getattr(getattr(param, "type", None), "choices", None)
    return None if choices is None else [_quoted(c) for c in choices]


def _reason(exc) -> str:
    """What is wrong, in Japanese, from the exception's fields."""
    ctx = getattr(exc, "kpispec_context", None) or exc.ctx
    if hasattr(exc, "kpispec_unknown_command"):
        name = exc.kpispec_unknown_command
        near = difflib.get_close_matches(name, exc.kpispec_commands)
        return f"コマンド {_quoted(name)} はありません。" + (_either([_quoted(n) for n in near]) if near else "")
    if getattr(exc, "kpispec_missing_command", False):
        return "コマンドを指定してください。"
    if hasattr(exc, "kpispec_extra"):
        return f"余計な引数があります：{'、'.join(_quoted(a) for a in exc.kpispec_extra)}"
    if _is(exc, "NoSuchOption"):
        near = sorted(exc.possibilities or ())
        return f"オプション {printable(exc.option_name)} はありません。" + (_either(near) if near else "")
    if _is(exc, "BadOptionUsage"):
        name = printable(exc.option_name)
        option = _option(ctx, exc.option_name)
        if option is not None and (getattr(option, "is_flag", False) or getattr(option, "count", False)):
            return f"オプション {name} は値を取りません。"
        nargs = getattr(option, "nargs", 1) if option is not None else 1
        return f"オプション {name} には値が必要です。" if nargs == 1 else f"オプション {name} には値が {nargs} 個必要です。"
    if _is(exc, "MissingParameter"):
        kind = getattr(exc, "param_type", None) or getattr(exc.param, "param_type_name", None)
        what = {"argument": "引数", "option": "オプション"}.get(kind, "パラメータ")
        hint = _hint(exc, ctx)
        choices = _choices(exc.param)
        return (f"{what} {hint} を指定してください。" if hint else f"{what}を指定してください。") + (
            f"（{'、'.join(choices)} の{_which(choices)}）" if choices else "")
    if _is(exc, "BadParameter"):
        hint = _hint(exc, ctx)
        said = getattr(exc.message, "ja", None)  # kpispec's own (io.Text): its Japanese
        if said:
            return said
        choices = _choices(exc.param)
        if choices and hasattr(exc, "kpispec_value"):
            return (f"{hint} の値 {_quoted(exc.kpispec_value)} は使えません。"
                    f"{'、'.join(choices)} の{_which(choices)}を指定してください。")
        return f"{hint} の値が正しくありません：{exc.message}" if hint else f"値が正しくありません：{exc.message}"
    said = getattr(exc.message, "ja", None)
    return said or exc.format_message()  # a usage error kpispec does not know: click's words


def in_japanese(exc) -> str:
    """A usage error as click lays it out (the usage line, where to find help, the error), in Japanese."""
    lines = []
    ctx = exc.ctx
    if ctx is not None:  # click shows the usage only where it knows the command
        formatter = ctx.make_formatter()
        formatter.write_usage(ctx.command_path, " ".join(ctx.command.collect_usage_pieces(ctx)), prefix="使い方: ")
        lines.append(formatter.getvalue().rstrip("\n"))
        if ctx.command.get_help_option(ctx) is not None:
            help_option = max(ctx.command.get_help_option_names(ctx), key=len)
            lines.append(f"'{ctx.command_path} {help_option}' で使い方の詳細を表示できます。")
        lines.append("")
    lines.append(f"エラー: {_reason(exc)}")
    return "\n".join(lines)


from . import check as _check  # noqa: E402,F401  (the commands register themselves on `app`)
from . import compile as _compile  # noqa: E402,F401
from . import diff as _diff  # noqa: E402,F401
from . import docs as _docs  # noqa: E402,F401
from . import explain as _explain  # noqa: E402,F401
from . import fmt as _fmt  # noqa: E402,F401
from . import graph as _graph  # noqa: E402,F401
from . import init as _init  # noqa: E402,F401
from . import schema as _schema  # noqa: E402,F401
from . import whatif as _whatif  # noqa: E402,F401

for _command in app.registered_commands:  # every command, whoever declares it, says its usage errors so
    if _command.cls in (None, TyperCommand):  # typer's default (a class of a command's own is kept)
        _command.cls = KpiCommand
