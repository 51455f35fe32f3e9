"""Unit words: currencies, time units and count words, with their canonical forms."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

# ISO 4217 codes people are likely to plan in. Any other word is a count word.
CURRENCY_CODES = frozenset(
    "JPY USD EUR GBP CNY KRW TWD HKD SGD AUD NZD CAD CHF INR THB VND IDR MYR PHP "
    "SEK NOK DKK PLN CZK HUF BRL MXN ARS CLP COP ZAR RUB TRY AED SAR ILS EGP NGN KES".split()
)
CURRENCY_ALIASES = {
    "円": "JPY", "日本円": "JPY", "ドル": "USD", "米ドル": "USD", "ユーロ": "EUR", "元": "CNY",
    "人民元": "CNY", "ウォン": "KRW", "ポンド": "GBP", "台湾ドル": "TWD", "香港ドル": "HKD",
}
TIME_UNITS = {
    "day": "day", "days": "day", "日": "day", "日間": "day",
    "week": "week", "weeks": "week", "週": "week", "週間": "week",
    "month": "month", "months": "month", "ヶ月": "month", "か月": "month", "カ月": "month",
    "ケ月": "month", "ヵ月": "month", "ヶ月間": "month", "か月間": "month", "カ月間": "month",
    "quarter": "quarter", "quarters": "quarter", "四半期": "quarter",
    "year": "year", "years": "year", "年": "year", "年間": "year",
}


@dataclass(frozen=True, slots=True)
class Unit:
    """kind is "currency", "count", "time" or "none"; code is JPY, 人, month, ..."""

    kind: str
    code: str | None

    @property
    def label(self) -> str:
        return self.code or ""


NO_UNIT = Unit("none", None)


@lru_cache(maxsize=4096)
def unit_of(word: str | None) -> Unit:
    if not word:
        return NO_UNIT
    if word in CURRENCY_CODES:
        return Unit("currency", word)
    if word in CURRENCY_ALIASES:
        return Unit("currency", CURRENCY_ALIASES[word])
    if word in TIME_UNITS:
        return Unit("time", TIME_UNITS[word])
    return Unit("count", word)
