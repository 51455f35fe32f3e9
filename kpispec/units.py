"""Unit words: currencies, time units and count words, with their canonical forms."""

from __future__ import annotations

from functools import lru_cache

from .records import record

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


# Japanese counters that may be glued after a slash, as analysts write per-unit amounts: `3,000円/人`,
# `1.5回/人`. Only these, and only as a whole word: in a formula `売上/人数` and `売上/客数` stay
# divisions. The grammar's SLASH_UNIT terminal lists the same words (a test keeps them equal);
# any other word is written after `per` (`80円 per visitor`, `500円 per 会員`).
SLASH_COUNTERS = (
    "人 名 件 社 個 回 本 枚 台 戸 組 口 店 冊 通 席 泊 点 杯 食 部 棟 室 品 株 頭 匹 袋 箱 缶 着 軒 票 契約 世帯".split()
)

# Words for time that are not a period kpispec counts in, or not written as one: after `per` they
# are reported (KPI012) with the period they stand for where there is one, never read as a count
# (`100件 per mo` is not "100 per unit of mo", and `per 月間` not "per 月間" as a thing).
# How messages name the periods kpispec counts in (a word for time that is not one is reported).
PERIODS_EN = "day, week, month, quarter or year (or 日, 週, 月, 四半期, 年)"
PERIODS_JA = "`日`・`週`・`月`・`四半期`・`年`（英語では `day`・`week`・`month`・`quarter`・`year`）"

PERIOD_LIKE: dict[str, str | None] = {
    "mo": "month", "mos": "month", "mth": "month", "mths": "month", "mon": "month", "monthly": "month",
    "yr": "year", "yrs": "year", "annum": "year", "y": "year", "annual": "year", "annually": "year",
    "yearly": "year", "fy": "year", "fiscal_year": "year",
    "wk": "week", "wks": "week", "w": "week", "weekly": "week",
    "qtr": "quarter", "qtrs": "quarter", "q": "quarter", "quarterly": "quarter",
    "d": "day", "diem": "day", "daily": "day",
    "月間": "月", "月次": "月", "毎月": "月", "月当たり": "月", "週次": "週", "毎週": "週", "年次": "年", "毎年": "年",
    "年度": "年", "日次": "日", "毎日": "日", "日当たり": "日",
    "半期": None, "半年": None, "期": None, "時間": None, "分": None, "秒": None, "営業日": None, "平日": None,
    "h": None, "hr": None, "hrs": None, "hour": None, "hours": None, "min": None, "minute": None,
    "minutes": None, "sec": None, "second": None, "seconds": None, "weekday": None, "weekdays": None,
    "businessday": None, "business_day": None, "half": None, "halfyear": None, "half_year": None,
}


@record(frozen=True, slots=True)
class Unit:
    """kind is "currency", "count", "time" or "none"; code is JPY, 人, month, ...

    `per` is what the amount is per, for a per-unit amount: a count word (`3,000円/人` is JPY per
    人, `1.5回/人` is 回 per 人) or a currency code (`150円 per USD`, an exchange rate)."""

    kind: str
    code: str | None
    per: str | None = None

    @property
    def per_kind(self) -> str | None:
        """"count" or "currency" for a per-unit amount, else None."""
        return None if self.per is None else unit_of(self.per).kind


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


def per_unit(unit: Unit, word: str) -> Unit:
    """`unit` per one `word` (a count word, or a currency written in any of its forms)."""
    per = unit_of(word)
    return Unit(unit.kind, unit.code, per.code)
