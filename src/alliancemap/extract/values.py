"""Find money amounts in a sentence ("$13 billion", "€2bn", "1.5 billion dollars").

Deal sizes help rank and describe relations. To stay cheap on a large corpus, a literal-first
hint scan (currency signs, codes and words) skips most sentences before the one precompiled
amount regex runs.

Choices on ambiguous cases:

- A bare ``$`` means US dollars; ``¥`` alone means yen (``CN¥``, ``RMB``, ``yuan`` are CNY).
- Qualifiers are not part of the amount: "more than $10 billion" and "up to $10 billion"
  give 10e9; a trailing "-plus" or "+" is kept in the span but does not change it.
- A range ("$1-2 billion", "$1 to 2 billion") gives its lower bound with the shared scale.
- Single-letter scales must touch the number ("$28M", "£400m", "$1B", "$300K", "$2T");
  word scales may follow a space or a hyphen ("$5 million", "$5-million", "€2 bn").
- A currency word after the number needs a currency word or code ("1.5 billion dollars",
  "300 million USD"); "pounds" and "won" also need a scale word, since "300 pounds" is
  more often a weight and "won" a verb. Numbers without currency ("20 million users")
  are not money.
- ``usd`` uses the fixed rough rates in ``USD_PER_UNIT`` (about 2023 averages); it is for
  ranking deal sizes, not accounting.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Rough, fixed conversion rates to US dollars (about the 2023 average); enough to rank deals.
USD_PER_UNIT: dict[str, float] = {
    "USD": 1.0,
    "EUR": 1.08,
    "GBP": 1.24,
    "JPY": 0.0071,
    "CNY": 0.14,
    "INR": 0.012,
    "KRW": 0.00077,
    "CAD": 0.74,
    "AUD": 0.66,
    "NZD": 0.61,
    "HKD": 0.128,
    "SGD": 0.74,
    "CHF": 1.11,
    "SEK": 0.095,
    "BRL": 0.20,
}


@dataclass(frozen=True, slots=True)
class Money:
    """A money amount in a sentence: amount in currency units and a rough USD value."""

    start: int
    end: int
    text: str
    amount: float
    currency: str
    usd: float | None


_SYMBOLS = {
    "$": "USD",
    "us$": "USD",
    "u.s.$": "USD",
    "$us": "USD",
    "usd": "USD",
    "usd$": "USD",
    "c$": "CAD",
    "ca$": "CAD",
    "cad": "CAD",
    "a$": "AUD",
    "au$": "AUD",
    "aud": "AUD",
    "nz$": "NZD",
    "nzd": "NZD",
    "hk$": "HKD",
    "hkd": "HKD",
    "s$": "SGD",
    "sgd": "SGD",
    "r$": "BRL",
    "brl": "BRL",
    "\u20ac": "EUR",
    "eur": "EUR",
    "\u00a3": "GBP",
    "gbp": "GBP",
    "\u00a5": "JPY",
    "jpy": "JPY",
    "cn\u00a5": "CNY",
    "cny": "CNY",
    "rmb": "CNY",
    "\u20b9": "INR",
    "inr": "INR",
    "rs": "INR",
    "rs.": "INR",
    "\u20a9": "KRW",
    "krw": "KRW",
    "chf": "CHF",
    "sek": "SEK",
}
_WORDS = {
    "dollars": "USD",
    "us dollars": "USD",
    "u.s. dollars": "USD",
    "american dollars": "USD",
    "canadian dollars": "CAD",
    "australian dollars": "AUD",
    "hong kong dollars": "HKD",
    "singapore dollars": "SGD",
    "new zealand dollars": "NZD",
    "euro": "EUR",
    "euros": "EUR",
    "pounds": "GBP",
    "pounds sterling": "GBP",
    "yuan": "CNY",
    "renminbi": "CNY",
    "yen": "JPY",
    "rupees": "INR",
    "won": "KRW",
    "francs": "CHF",
    "swiss francs": "CHF",
}
_NEED_SCALE = frozenset({"pounds", "won"})
_SCALES = {
    "trillion": 1e12,
    "tn": 1e12,
    "t": 1e12,
    "billion": 1e9,
    "bn": 1e9,
    "b": 1e9,
    "million": 1e6,
    "mn": 1e6,
    "mln": 1e6,
    "mm": 1e6,
    "m": 1e6,
    "thousand": 1e3,
    "k": 1e3,
    "crore": 1e7,
    "lakh": 1e5,
}

_NUM = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_PREFIX = (
    r"(?<![A-Za-z])(?:US\$|U\.S\.\s?\$|\$US|USD\$?|C\$|CA\$|CAD|A\$|AU\$|AUD|NZ\$|NZD|HK\$|HKD"
    r"|S\$|SGD|R\$|BRL|EUR|GBP|JPY|CN\u00a5|CNY|RMB|INR|Rs\.?|KRW|CHF|SEK)"
    r"|[$\u20ac\u00a3\u00a5\u20b9\u20a9]"
)
_WORD_SCALE = r"(?i:trillion|billion|million|thousand|crore|lakh|bn|tn|mn|mln)"
_CURRENCY_WORD = (
    r"(?:(?:U\.S\.|US|American|Canadian|Australian|Hong\s+Kong|Singapore|New\s+Zealand)\s+dollars"
    r"|dollars|euros?|pounds(?:\s+sterling)?|yuan|renminbi|yen|rupees|won|(?:Swiss\s+)?francs"
    r"|USD|EUR|GBP|JPY|CNY|RMB|INR|CHF|CAD|AUD)\b"
)
_MONEY_RE = re.compile(
    rf"(?P<cur>{_PREFIX})\s?(?P<num>{_NUM})(?!\d)"
    rf"(?:\s?(?:-|\u2013|to)\s?(?:{_PREFIX})?{_NUM})?"
    rf"(?:[\s-]?(?P<wscale>{_WORD_SCALE})\b|(?P<lscale>MM|[bBmMkKtT])\b)?"
    rf"(?:-?plus\b|\+)?"
    rf"|(?<![\w.,$\u20ac\u00a3\u00a5])(?P<num2>{_NUM})(?!\d)"
    rf"(?:\s?(?:-|\u2013|to)\s?{_NUM})?"
    rf"(?:[\s-]?(?P<wscale2>{_WORD_SCALE})\b)?\s+(?P<word>{_CURRENCY_WORD})"
)
_SPACES = re.compile(r"\s+")
# Every amount contains one of these; each alternative starts with a literal character, so the
# regex engine scans for them at C speed and most sentences skip the full pattern.
_HINT_WORDS = (
    "$ \u20ac \u00a3 \u00a5 \u20b9 \u20a9 dollars euro pounds yuan renminbi yen rupees won francs"
    " USD EUR GBP JPY CNY RMB INR CHF CAD AUD HKD SGD NZD BRL KRW SEK Rs"
)
_HINT_RE = re.compile("|".join(re.escape(w) for w in _HINT_WORDS.split()))


def find_money(sentence: str) -> list[Money]:
    """Find money amounts in ``sentence``, with amount, ISO currency and rough USD value."""
    out: list[Money] = []
    if _HINT_RE.search(sentence) is None:
        return out
    for m in _MONEY_RE.finditer(sentence):
        cur = m.group("cur")
        if cur is not None:
            currency = _SYMBOLS[_SPACES.sub("", cur).lower()]
            number = m.group("num")
            scale = m.group("wscale") or m.group("lscale")
        else:
            word = _SPACES.sub(" ", m.group("word"))
            scale = m.group("wscale2")
            if word in _NEED_SCALE and scale is None:
                continue
            currency = _WORDS.get(word.lower()) or _SYMBOLS[word.lower()]
            number = m.group("num2")
        amount = float(number.replace(",", ""))
        if scale:
            amount *= _SCALES[scale.lower()]
        rate = USD_PER_UNIT.get(currency)
        usd = amount * rate if rate is not None else None
        out.append(Money(m.start(), m.end(), m.group(), amount, currency, usd))
    return out
