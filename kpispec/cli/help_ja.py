"""`--help` in Japanese: every command's description, every parameter's help, and the help page
laid out with them as click lays out the English one.

The texts are all here, beside the English each command declares (its docstring and its options'
`help=`): application.py hands a command's help to `help_text` when the run's language is ja, and
this module is imported only then. The page is click's: the same usage line (syntax, as it is), the
same sections and columns, the same `[default: …]` and `[required]` from each parameter, with the
words around them in Japanese. tests/test_help_ja.py fails when a command or a parameter has no
Japanese here, or when an entry here names one that no longer exists.
"""

from __future__ import annotations

import copy
import re
import unicodedata

# A command's description, and the shorter one `kpispec --help` lists it with (None: the
# description itself). "" is kpispec itself.
COMMANDS: dict[str, tuple[str, str | None]] = {
    "": ("kpispec: KPI の計画をコードで管理します。.kpi ファイルを検査し、コンパイルし、文書にします。", None),
    "check": ("計画を検査します：構文、名前、SMART の各要素、ツリーの計算、単位、循環。",
              "計画を検査します（構文、名前、SMART、ツリーの計算、単位、循環）"),
    "compile": ("計画を JSON にコンパイルします（schemas/kpispec.schema.json を参照）。",
                "計画を JSON にコンパイルします"),
    "diff": ("計画を意味で比較します：何が変わったか、各目標の変更前と変更後の状況。",
             "計画を意味で比較します（変更点と、各目標の前後の状況）"),
    "docs": ("計画の文書サイトを作ります：ツリー、目標、表、診断（mkdocs）。",
             "計画の文書サイトを作ります（ツリー、目標、表、診断）"),
    "explain": ("ルールを説明します：何を検査するか、その理由、違反する例と問題のない例、直し方"
                "（--lang ja なら日本語で）。",
                "ルールを説明します（検査の内容、理由、例、直し方）"),
    "graph": ("計画の KPI ツリーを Mermaid のフローチャートか Graphviz の有向グラフで描きます。"
              "各目標の判定も描きます。",
              "KPI ツリーを Mermaid か Graphviz の図で描きます"),
    "fmt": ("計画を kpispec の決まったレイアウトに整えます。コメントと文字列はすべてそのまま残します。",
            "計画のレイアウトを整えます"),
    "init": ("プロジェクトを始めます：問題なく検査を通る計画のひな形、kpispec.toml、pre-commit のフック。",
             "計画のひな形と設定、pre-commit のフックを書き出します"),
    "schema": ("コンパイルした JSON の JSON Schema（draft 2020-12）を出力します。--config を付けると、代わりに設定"
               "（pyproject.toml の [tool.kpispec]、または kpispec.toml）の JSON Schema を出力します。",
               "コンパイルした JSON の JSON Schema を出力します"),
    "whatif": ("計画を別の値で計算し直し（--set）、入力を逆算し（--solve）、入力を効果の大きい順に並べます"
               "（--sensitivity）。",
               "別の値での再計算、入力の逆算、入力の感度"),
}

_MAX_SIZE = "バイト数か、kB、MB、GB を付けて指定します。"
_OUT_OF_REPOSITORY = "リポジトリの外へ出るシンボリックリンクでも、"

# A parameter's help, by command ("" for kpispec itself) and the parameter's name as click knows it
# (`output_format` for --format, `paths` for the argument).
PARAMS: dict[tuple[str, str], str] = {
    ("", "version"): "バージョンを表示して終了します。",

    ("check", "paths"): "検査するファイルかフォルダ。フォルダはその中の *.kpi ファイルを探します。- は標準入力から計画を読みます。",
    ("check", "output_format"): "出力の形式：text は人が読むためのもの。json、sarif（GitHub のコードスキャン）、"
                                "github（GitHub Actions のアノテーション）。省略時は GitHub Actions の中では github、"
                                "それ以外では text。",
    ("check", "output_file"): "報告を標準出力ではなくこのファイルに書き込みます（実行が失敗しても、ファイル全体を置き換えます）。",
    ("check", "strict"): "警告があっても失敗します（終了コード 1）。",
    ("check", "exit_zero"): "指摘があっても終了コード 0 で終わります（実行そのものの失敗は 2 のまま）。",
    ("check", "select"): "これらのルールのコードか接頭辞（KPI301,KPI2）だけを報告します。繰り返し指定できます。",
    ("check", "ignore"): "これらのルールのコードか接頭辞を報告しません。繰り返し指定できます。",
    ("check", "config_file"): "上のフォルダを順に探す代わりに、この kpispec.toml か pyproject.toml を使います。",
    ("check", "root"): "sarif と github の出力で、ファイルをこのフォルダからのパスで示します（省略時は git リポジトリの最上位）。",
    ("check", "stdin_filename"): "- で標準入力から読む計画の名前。報告に使い、設定ファイルもここから探します。",
    ("check", "color"): "text の出力の色：auto（端末のときだけ。NO_COLOR と FORCE_COLOR も見ます）、always、never。",
    ("check", "follow_symlinks"): "フォルダの中のシンボリックリンクと、名前で指定したリンクのうちリポジトリの外を"
                                  "指すものもたどります。",
    ("check", "max_file_size"): "これより大きいファイルは読まずに報告します（KPI007）。" + _MAX_SIZE,

    ("schema", "config"): "コンパイルした JSON ではなく、設定（pyproject.toml の [tool.kpispec]、または kpispec.toml）のスキーマにします。",

    ("compile", "file"): "コンパイルする .kpi ファイル。",
    ("compile", "output"): "JSON を標準出力ではなくこのファイルに書き込みます（通常のファイル。入力のファイルは不可）。",
    ("compile", "follow_symlinks"): _OUT_OF_REPOSITORY + "計画のファイルをたどり、出力を書き込みます。",
    ("compile", "max_file_size"): "これより大きいファイルは読みません。" + _MAX_SIZE,
    ("compile", "with_verdicts"): "計画の検査もして、式を持つノードそれぞれに判定を付けます：入力の目標値から決まる値、"
                                  "目標値との差、達成か未達か（文言は --lang の言語）。",

    ("diff", "old"): "変更前の計画：ファイルか、git から読む REV:path（HEAD~1:plans/ec.kpi）。",
    ("diff", "new"): "変更後の計画：ファイルか REV:path。",
    ("diff", "git"): "REV と作業ツリーの間で変わった .kpi ファイルをすべて比較します（追加、削除、移動されたものと、"
                     "追跡されていないものも）。",
    ("diff", "format_"): "text、markdown（プルリクエストのコメント用）、json のどれか。",
    ("diff", "exit_code"): "計画が変わっていれば終了コード 1 で終わります（git diff --exit-code と同じ）。",
    ("diff", "follow_symlinks"): _OUT_OF_REPOSITORY + "計画のファイルをたどります。",
    ("diff", "max_file_size"): "これより大きいファイルと git のオブジェクトは読みません。" + _MAX_SIZE,

    ("docs", "paths"): "文書にする計画のファイルかフォルダ。",
    ("docs", "output"): "サイトをこのフォルダに書き込みます（なければ作ります。置き換えるのは kpispec が作ったサイト"
                        "だけです）。",
    ("docs", "title"): "サイトの名前（既定値: KPI 計画）。",
    ("docs", "serve"): "サイトを書き出す代わりに、ライブプレビューを表示します。計画が変わると作り直します。",
    ("docs", "dev_addr"): "プレビューのアドレスとポート。",
    ("docs", "config_file"): "すべての計画に、この kpispec.toml か pyproject.toml を使います。",
    ("docs", "follow_symlinks"): "リポジトリの外へ出るシンボリックリンクもたどります。",

    ("explain", "code"): "KPI301 のようなルールのコード、またはその名前（targets-miss-goal）。",

    ("graph", "file"): "描く .kpi ファイル。",
    ("graph", "format_"): "mermaid（Markdown 用）または dot（Graphviz）。",
    ("graph", "output"): "グラフを標準出力ではなくこのファイルに書き込みます（通常のファイル。入力のファイルは不可）。",
    ("graph", "follow_symlinks"): _OUT_OF_REPOSITORY + "計画のファイルをたどり、出力を書き込みます。",

    ("fmt", "paths"): "整形するファイルかフォルダ。フォルダはその中の *.kpi ファイルを探します。`-` だけを指定すると、"
                      "標準入力の計画を整形して標準出力に出します。",
    ("fmt", "check"): "ファイルを変えずに、整形で変わるファイルを一覧にします。1 つでもあれば終了コード 1 で終わります。",
    ("fmt", "diff"): "ファイルを変えずに、整形で変わる内容を git と同じ差分の形式で表示します。変わるものがあれば終了コード 1 で終わります。",
    ("fmt", "follow_symlinks"): "フォルダの中のシンボリックリンクと、名前で指定したリンクのうちリポジトリの外を"
                                "指すものもたどります。",
    ("fmt", "max_file_size"): "これより大きいファイルは整形せずに報告します。" + _MAX_SIZE,

    ("init", "folder"): "準備するフォルダ（なければ作ります）。",
    ("init", "template"): "計画のひな形：ec（EC サイト）、b2b（SaaS の営業ファネル）、sns（SNS・広告）、subscription（サブスクリプション）。",
    ("init", "lang"): "計画のひな形とファイルのコメント、メッセージの言語（既定では LANG などの環境変数で決まります）。",
    ("init", "hook_repo"): "チームが kpispec を置いている git の URL。--hook-rev と一緒に指定すると、pre-commit が kpispec を"
                           "インストールするフックになります。指定しなければ、各マシンにインストール済みの kpispec を使います。",
    ("init", "hook_rev"): "--hook-repo の、使うタグかコミット。",

    ("schema", "output"): "スキーマを標準出力ではなくこのファイルに書き込みます（通常のファイル）。",

    ("whatif", "file"): "試算する .kpi ファイル。",
    ("whatif", "set_"): "ID の目標値（param ならその値）を VALUE に置き換えます。例：--set cvr=3%。繰り返し指定"
                        "できます。単位のない数値には目標値の単位と期間が付きます。式が他のノードに使われている"
                        "ノードはその値として使い、何にも使われない目標（KGI）はその値が目標値になります。",
    ("whatif", "solve"): "ID を入力とする各目標をちょうど満たす ID の値を求めます（他の入力は目標値のまま）。"
                         "繰り返し指定できます。",
    ("whatif", "sensitivity"): "目標ごとに、入力の目標値を 10% 良くしたとき目標がどれだけ動くかで、入力を順に並べます。",
    ("whatif", "goal"): "これらの目標だけを扱います（--set の試算、--solve、--sensitivity）。繰り返し指定できます。",
    ("whatif", "format_"): "text または json。",
    ("whatif", "follow_symlinks"): _OUT_OF_REPOSITORY + "計画のファイルをたどります。",
    ("whatif", "max_file_size"): "これより大きいファイルは読みません。" + _MAX_SIZE,
}

# The parameters every command has, with the English they translate: used for a command's
# parameter of that name only where it says that English (one that says something else needs an
# entry of its own above).
SHARED: dict[str, tuple[str, str]] = {
    "help": ("Show this message and exit.", "このヘルプを表示して終了します。"),
    "lang": ("Message language (default: from LANG).", "メッセージの言語（既定では LANG などの環境変数で決まります）。"),
}

# click's own words on a help page.
USAGE = "使い方: "
ARGUMENTS, OPTIONS, COMMANDS_HEADING = "引数", "オプション", "コマンド"
DEFAULT, REQUIRED = "既定値: ", "必須"


def command_help(name: str) -> tuple[str, str | None] | None:
    return COMMANDS.get(name)


def param_help(command: str, param) -> str | None:
    """The Japanese help of `param` of the command `command`, or None where there is none."""
    said = PARAMS.get((command, param.name))
    if said is None and param.name in SHARED and SHARED[param.name][0] == param.help:
        said = SHARED[param.name][1]
    return said


def help_text(command, ctx) -> str:
    """`command`'s help page in Japanese (what click's Command.get_help returns in English)."""
    name = command.name or ""
    formatter = ctx.make_formatter()
    formatter.write_usage(ctx.command_path, " ".join(command.collect_usage_pieces(ctx)), prefix=USAGE)
    said = command_help(name)
    description = said[0] if said else command.help  # none: its English (a test fails on it)
    if description:
        formatter.write_paragraph()
        with formatter.indentation():
            _write_text(formatter, description)
    arguments, options = [], []
    for param in command.get_params(ctx):
        record = _record(name, param, ctx)
        if record is not None:
            (arguments if param.param_type_name == "argument" else options).append(record)
    for heading, rows in ((ARGUMENTS, arguments), (OPTIONS, options)):
        if rows:
            with formatter.section(heading):
                _write_dl(formatter, rows)
    subcommands = getattr(command, "commands", None)
    if subcommands:
        rows = []
        for sub in command.list_commands(ctx):
            cmd = command.get_command(ctx, sub)
            if cmd is None or cmd.hidden:
                continue
            said = command_help(sub)
            rows.append((sub, (said[1] or said[0]) if said else cmd.get_short_help_str(45), ""))
        if rows:
            with formatter.section(COMMANDS_HEADING):
                _write_dl(formatter, rows)
    command.format_epilog(ctx, formatter)
    return formatter.getvalue().rstrip("\n")


def _record(command: str, param, ctx) -> tuple[str, str, str] | None:
    """The parameter's row as click writes it: its names, its help and click's `  […]` after it,
    in Japanese."""
    said = param_help(command, param)
    if said is None:  # no Japanese: click's English row (a test fails on it)
        record = param.get_help_record(ctx)
        return None if record is None else (*record, "")
    shown = copy.copy(param)  # the command's own parameter is left as it is
    shown.help = said
    record = shown.get_help_record(ctx)
    if record is None:
        return None
    names, text = record
    if not text.startswith(said):  # pragma: no cover - click writes the help first
        return names, text, ""
    return names, said, _extras(text[len(said):])


def _extras(text: str) -> str:
    """click's `  [default: 100MB; required]` after a help, in Japanese."""
    if not (text.startswith("  [") and text.endswith("]")):
        return text
    parts = []
    for part in text[3:-1].split("; "):
        if part == "required":
            part = REQUIRED
        elif part.startswith("default: "):
            part = DEFAULT + part[len("default: "):]
        parts.append(part)
    return f"  [{'; '.join(parts)}]"


# ------------------------------------------------------------------ layout by display width

# click wraps at spaces and counts characters; Japanese has no spaces and its characters take two
# columns. Here a line breaks between any two Japanese characters, at a space, or between a word of
# ASCII and Japanese, never inside an ASCII word (an option, a path), and never before a closing
# mark (、。）) or after an opening one (（「).
_NO_START = set("、。，．・：；？！）」』】〕〉》ー々ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ")
_NO_END = set("（「『【〔〈《")
_TOKENS = re.compile(r" +|[\x21-\x7e]+|.")


def cells(text: str) -> int:
    """The columns `text` takes on a terminal: two for a wide character, one for others."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def wrap(text: str, width: int, tail: str = "") -> list[str]:
    """`text` in lines of at most `width` columns (a piece that cannot break may be longer), and
    after it `tail` (click's `  [既定値: text]`), kept whole."""
    pieces: list[list[str]] = []  # [text, the spaces before it]
    space = ""
    for token in _TOKENS.findall(text.replace("\n", " ")):
        if token.isspace():
            space = token
            continue
        if pieces and not space and (token[0] in _NO_START or pieces[-1][0][-1] in _NO_END):
            pieces[-1][0] += token
        else:
            pieces.append([token, space])
        space = ""
    if tail.strip():  # whole where it fits on a line, else broken at its spaces as click does
        kept = tail.strip()
        for i, part in enumerate([kept] if cells(kept) <= width else kept.split(" ")):
            pieces.append([part, tail[:len(tail) - len(tail.lstrip())] if i == 0 else " "])
    lines: list[str] = []
    line = ""
    for piece, spaces in pieces:
        joined = line + spaces + piece if line else piece
        if line and cells(joined) > width:
            lines.append(line)
            line = piece
        else:
            line = joined
    if line:
        lines.append(line)
    return lines


def _write_text(formatter, text: str) -> None:
    indent = " " * formatter.current_indent
    for line in wrap(text, formatter.width - formatter.current_indent):
        formatter.write(f"{indent}{line}\n")


def _write_dl(formatter, rows: list[tuple[str, str, str]], col_max: int = 30, col_spacing: int = 2) -> None:
    """click's HelpFormatter.write_dl, the second column (a text and its tail) wrapped by display width."""
    first_col = min(max(cells(first) for first, *_ in rows), col_max) + col_spacing
    indent = " " * formatter.current_indent
    for first, second, tail in rows:
        formatter.write(f"{indent}{first}")
        if not (second or tail):
            formatter.write("\n")
            continue
        if cells(first) <= first_col - col_spacing:
            formatter.write(" " * (first_col - cells(first)))
        else:
            formatter.write("\n" + " " * (first_col + formatter.current_indent))
        lines = wrap(second, max(formatter.width - first_col - 2, 10), tail)
        formatter.write(f"{lines[0]}\n")
        for line in lines[1:]:
            formatter.write(f"{'':>{first_col + formatter.current_indent}}{line}\n")
