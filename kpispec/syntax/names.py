"""How a written word outside quotes is read: in its NFKC form, as Python reads identifiers (PEP 3131).

`ＣＰＡ` and `CPA` are one id, half-width `ｾｯｼｮﾝ` is `セッション`, `ＣＶＲ２` is `CVR2`; case is kept
(`cvr` and `CVR` stay two ids). Every NAME token becomes an AST name through `read` (in build.py,
where the parser's tokens become names), so definitions, references, duplicates, suggestions and
the compiled JSON all see the same text; the name keeps its span, so carets point at what was
written. A word whose NFKC form is no id (`①売上` reads `1売上`) or is a keyword (`ｔａｒｇｅｔ`
reads `target`) is refused (`BadName`, reported as KPI001 by parse.py), never read as something
else. An ASCII word is read as written without looking further: most words are.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from ..language import KEYWORDS

# Characters that are no letter or digit, but that NFKC makes letters, digits or `_`: the full-width
# and other `＿`, letterlike symbols (`№`), enclosed letters (`Ⓐ`), CJK and Kangxi radicals (`⼈`, as
# text copied from a PDF has it for `人`), enclosed CJK and CJK compatibility characters (`㊤`, `㌔`,
# `㍿`). The NAME terminal takes them, and the word is read in its NFKC form (or refused, `㈱` being
# `(株)`).
EXTRA = r"\uff3f\ufe33\ufe34\ufe4d-\ufe4f\u2100-\u214f\u2460-\u24ff\u2e80-\u2fdf\u3190-\u319f\u3200-\u33ff"
# and the combining marks that NFKC composes into a letter: decomposed (NFD) text has `テ` + U+3099 for `デ`
MARKS = r"\u0300-\u036f\u3099\u309a"
# The grammar's NAME (grammar/kpispec.lark), which tests/test_fullwidth.py holds to this: a letter or
# `_`, then letters, digits and `_`, and what NFKC reads as those.
NAME_PATTERN = rf"(?:[^\W\d]|[{EXTRA}])[\w{EXTRA}{MARKS}]*"
# What a word must be once read: a letter or `_`, then letters, digits, `_` and combining marks (as
# Python's identifiers have them: `क़` is read as `क` and a combining nukta).
_ID = re.compile(rf"[^\W\d][\w{MARKS}]*")
_START = re.compile(r"[^\W\d]")
_FULLWIDTH_LETTER = re.compile(r"[\uff01-\uff5e]")


class BadName(Exception):
    """A word whose NFKC form is not an id, or is a keyword: where it starts, as written, as read."""

    def __init__(self, written: str, start: int, read_as: str):
        super().__init__(written, start, read_as)
        self.written = written
        self.start = start
        self.read_as = read_as

    @property
    def end(self) -> int:
        return self.start + len(self.written)


def normalise(word: str) -> str:
    """The word as kpispec reads it (NFKC); an ASCII word as it is."""
    return word if word.isascii() else unicodedata.normalize("NFKC", word)


def read(word: str) -> str | None:
    """The id a NAME token reads as, or None when its NFKC form is no id or is a keyword."""
    return word if word.isascii() else _read(word)


@lru_cache(maxsize=8192)
def _read(word: str) -> str | None:
    # Japanese ids repeat (defined once, referred to several times): each is read once
    text = word if unicodedata.is_normalized("NFKC", word) else unicodedata.normalize("NFKC", word)
    if text in KEYWORDS or not (_ID.fullmatch(text) or _is_id(text)):
        return None
    return text


def _continues(char: str) -> bool:
    return char.isalnum() or char == "_" or unicodedata.category(char)[0] == "M"


def _is_id(text: str) -> bool:
    """A letter or `_`, then letters, digits, `_` and any combining marks."""
    return bool(_START.fullmatch(text[:1])) and all(_continues(c) for c in text[1:])


def problem(written: str, read_as: str):
    """(message, help, label) of a word that `read` refuses, as two-language Msgs."""
    from ..diagnostics import msg

    if read_as in KEYWORDS:
        if _FULLWIDTH_LETTER.search(written):
            what = msg("full-width letters", "全角文字")
        else:
            what = msg("characters other than half-width letters", "半角英字以外の文字")
        return (
            msg(f"{what.en} in the keyword `{read_as}`: `{written}` is read as `{read_as}`",
                f"キーワード `{read_as}` に{what.ja}が使われています（`{written}` は `{read_as}` と読まれます）"),
            msg(f"write the keyword in half-width letters: `{read_as}` (keywords cannot be ids: to name "
                f"something, choose another word)",
                f"キーワードは半角で書いてください：`{read_as}`（キーワードは ID にできません。名前なら別の語にしてください）"),
            msg(f"write `{read_as}`", f"`{read_as}` と書いてください"),
        )
    if read_as[:1].isdigit():
        reason = msg("an id cannot start with a digit, and circled or full-width digits are read as digits: "
                     "start it with a letter or `_`",
                     "ID は数字で始められません（丸数字や全角数字は数字として読まれます）。文字か `_` で始めてください")
    else:
        bad = next(c for i, c in enumerate(read_as) if not (_START.fullmatch(c) if i == 0 else _continues(c)))
        reason = msg(f"an id is made of letters, digits and `_`, and `{bad}` is none of them: put symbols in the "
                     f"quoted label",
                     f"ID に使えるのは文字・数字・`_` だけで、`{bad}` は使えません。記号は引用符で囲んだラベルに書きます")
    if read_as == written:  # `⺀`: taken for a letter, but no letter once read
        message = msg(f"`{written}` is not an id", f"`{written}` は ID になりません")
    else:
        message = msg(f"`{written}` is read as `{read_as}`, which is not an id",
                      f"`{written}` は `{read_as}` と読まれ、ID になりません")
    return (
        message,
        reason,
        msg("not an id once read", "ID として読めません"),
    )
