"""Quantities: every amount in an article with its value, unit or currency, bound and what is counted.

One regex pass over the text finds number atoms (digits, number words, fractions, vague plurals); each
atom is grown left (currency symbol, bound words) and right (scale word, currency name, unit, counted
noun). spaCy's parse supplies the counted noun and its lemma; its NER only helps to recognise ages.

Conventions (see DESIGN.md):
- `value` is a plain number in base units ("5 billion" -> 5000000000). A range ("3 to 5 billion",
  "between 10 and 20", "dozens") has `value=None` and `range=(lo, hi)`: there is no single number to give.
  (The scorer in shared/eval compares a range as the pair [lo, hi]; bench/eval_quantities.py writes it so.)
- A change "from A to B" gives two quantities, each with the same `change` dict
  {"type": "from_to", "from": id, "to": id, "from_value", "to_value", "direction"}.
  "rose 12%", "fell by 12%", "a loss of 60%" mark the stated change with {"type": "by", "direction"};
  "more than double", "tripled", "sixfold" give a ratio quantity {"type": "factor", "factor"}. Either
  also carries "from"/"to" ids when the two ends are stated in the same sentence.
- Currency `unit` is ISO 4217 (minor units: "GBX" for pence, "cent"); `unit_guess` says how a bare `$`
  was read. Physical units use pint names; `unit` is a short symbol (km, km2, kg, %), counted things are
  `count` with `counts` = lemma of the counted noun and `unit_name` = the counted phrase.
"""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass, field
from typing import Any

from spacy.tokens import Doc

from . import currency as cur
from .numbers import (DIGITS, FRACTION_WORDS, SCALE_ABBR, SCALE_WORDS, UNICODE_FRACTIONS,
                      VAGUE_PLURALS, WORD_NUMBER, parse_digits, parse_words, tidy)
from .report import Quantity

# ---------------------------------------------------------------------------------------------- units
# (surface forms, pint expression, short symbol, readable name). Surfaces are matched case-insensitively
# when they are words (len > 3), exactly otherwise. "glued" forms are single letters that are only a unit
# right after a digit ("37m", "45g"), never after a space.
UNIT_TABLE: list[tuple[tuple[str, ...], str, str, str]] = [
    (("square kilometres", "square kilometers", "square kilometre", "square kilometer", "sq km", "km2", "km²"),
     "kilometer**2", "km2", "square kilometre"),
    (("square metres", "square meters", "square metre", "square meter", "sq m", "sqm", "sq. m", "m2", "m²"),
     "meter**2", "m2", "square metre"),
    (("square miles", "square mile", "sq mi", "sq. mi"), "mile**2", "mi2", "square mile"),
    (("square feet", "square foot", "sq ft", "sqft", "sq. ft", "ft2"), "foot**2", "ft2", "square feet"),
    (("hectares", "hectare", "ha"), "hectare", "ha", "hectare"),
    (("acres", "acre"), "acre", "acre", "acre"),
    (("square yards", "square yard", "sq yd", "sq yds"), "yard**2", "yd2", "square yard"),
    (("square inches", "square inch", "sq in"), "inch**2", "in2", "square inch"),
    (("square centimetres", "square centimeters", "square centimetre", "square centimeter", "cm2", "cm²"),
     "centimeter**2", "cm2", "square centimetre"),
    (("cubic metres", "cubic meters", "cubic metre", "cubic meter", "m3", "m³"), "meter**3", "m3", "cubic metre"),
    (("cubic feet", "cubic foot", "cu ft", "cu. ft", "ft3", "ft³"), "foot**3", "ft3", "cubic foot"),
    (("cubic yards", "cubic yard", "cu yd"), "yard**3", "yd3", "cubic yard"),
    (("cubic inches", "cubic inch", "cu in"), "inch**3", "in3", "cubic inch"),
    (("cubic kilometres", "cubic kilometers", "cubic kilometre", "cubic kilometer", "km3", "km³"),
     "kilometer**3", "km3", "cubic kilometre"),
    (("cubic miles", "cubic mile"), "mile**3", "mi3", "cubic mile"),
    (("cubic centimetres", "cubic centimeters", "cubic centimetre", "cubic centimeter", "cm3", "cm³"),
     "centimeter**3", "cm3", "cubic centimetre"),
    (("kilometres per hour", "kilometers per hour", "kilometre per hour", "km/h", "km/hr", "kph", "kmh"),
     "kilometer/hour", "km/h", "kilometre per hour"),
    (("miles per hour", "mile per hour", "mph", "m.p.h."), "mile/hour", "mph", "mile per hour"),
    (("metres per second", "meters per second", "m/s"), "meter/second", "m/s", "metre per second"),
    (("miles per gallon", "mpg"), "mile/gallon", "mpg", "mile per gallon"),
    (("knots", "knot", "kt", "kts"), "knot", "kn", "knot"),
    (("kilometres", "kilometers", "kilometre", "kilometer", "km", "kms"), "kilometer", "km", "kilometre"),
    (("centimetres", "centimeters", "centimetre", "centimeter", "cm"), "centimeter", "cm", "centimetre"),
    (("millimetres", "millimeters", "millimetre", "millimeter", "mm"), "millimeter", "mm", "millimetre"),
    (("micrometres", "micrometers", "micrometre", "micrometer", "microns", "micron", "μm", "µm"),
     "micrometer", "µm", "micrometre"),
    (("nanometres", "nanometers", "nanometre", "nanometer", "nm"), "nanometer", "nm", "nanometre"),
    (("metres", "meters", "metre", "meter"), "meter", "m", "metre"),
    (("nautical miles", "nautical mile", "nmi"), "nautical_mile", "nmi", "nautical mile"),
    (("miles", "mile", "mi"), "mile", "mi", "mile"),
    (("feet", "foot", "ft"), "foot", "ft", "foot"),
    (("inches", "inch", "in.", "″", '"'), "inch", "in", "inch"),
    (("yards", "yard", "yds", "yd"), "yard", "yd", "yard"),
    (("kilograms", "kilogrammes", "kilogram", "kilos", "kilo", "kg", "kgs"), "kilogram", "kg", "kilogram"),
    (("milligrams", "milligram", "mg"), "milligram", "mg", "milligram"),
    (("micrograms", "microgram", "mcg", "µg", "μg"), "microgram", "µg", "microgram"),
    (("grams", "grammes", "gram"), "gram", "g", "gram"),
    (("tonnes", "tonne", "metric tons", "metric ton"), "metric_ton", "t", "tonne"),
    (("tons", "ton"), "ton", "ton", "ton"),
    (("lbs", "lb"), "pound", "lb", "pound-mass"),
    (("ounces", "ounce", "oz"), "ounce", "oz", "ounce"),
    (("millilitres", "milliliters", "millilitre", "milliliter", "ml", "mL"), "milliliter", "ml", "millilitre"),
    (("litres", "liters", "litre", "liter"), "liter", "l", "litre"),
    (("gallons", "gallon", "gal"), "gallon", "gal", "gallon"),
    # the barrel of news copy is oil's (42 US gallons, 159 l), not pint's 31.5-gallon fluid barrel
    (("barrels", "barrel", "bbl"), "oil_barrel", "bbl", "barrel"),
    (("pints", "pint"), "pint", "pt", "pint"),
    (("quarts", "quart"), "quart", "qt", "quart"),
    (("drams", "dram"), "dram", "dr", "dram"),
    (("milliseconds", "millisecond", "ms"), "millisecond", "ms", "millisecond"),
    (("seconds", "second", "secs", "sec"), "second", "s", "second"),
    (("minutes", "minute", "mins", "min"), "minute", "min", "minute"),
    (("hours", "hour", "hrs", "hr"), "hour", "h", "hour"),
    (("days", "day"), "day", "d", "day"),
    (("weeks", "week", "wks"), "week", "wk", "week"),
    (("months", "month"), "month", "month", "month"),
    (("years", "year", "yrs", "yr"), "year", "yr", "year"),
    (("decades", "decade"), "decade", "decade", "decade"),
    (("centuries", "century"), "century", "century", "century"),
    (("gigawatt hours", "gigawatt-hours", "gigawatt hour", "gwh"), "gigawatt_hour", "GWh", "gigawatt hour"),
    (("megawatt hours", "megawatt-hours", "megawatt hour", "mwh"), "megawatt_hour", "MWh", "megawatt hour"),
    (("kilowatt hours", "kilowatt-hours", "kilowatt hour", "kwh"), "kilowatt_hour", "kWh", "kilowatt hour"),
    (("milliampere hours", "mah"), "milliampere_hour", "mAh", "milliampere-hour"),
    (("gigawatts", "gigawatt", "GW"), "gigawatt", "GW", "gigawatt"),
    (("megawatts", "megawatt", "MW"), "megawatt", "MW", "megawatt"),
    (("kilowatts", "kilowatt", "kW", "KW"), "kilowatt", "kW", "kilowatt"),
    (("watts", "watt", "W"), "watt", "W", "watt"),
    (("brake horsepower", "bhp"), "horsepower", "bhp", "brake horsepower"),
    (("horsepower", "hp", "HP"), "horsepower", "hp", "horsepower"),
    (("kilovolts per centimetre", "kV/cm"), "kilovolt/centimeter", "kV/cm", "kilovolt per centimetre"),
    (("amperes per square centimetre", "A/cm2"), "ampere/centimeter**2", "A/cm2", "ampere per square centimetre"),
    (("kilovolts", "kilovolt", "kV"), "kilovolt", "kV", "kilovolt"),
    (("volts", "volt", "V"), "volt", "V", "volt"),
    (("amperes", "amps", "ampere", "amp", "A"), "ampere", "A", "ampere"),
    # a bare "F" after a number is Fahrenheit in news ("108F"), so farads only by name
    (("farads", "farad"), "farad", "F", "farad"),
    (("terabytes", "terabyte", "TB"), "terabyte", "TB", "terabyte"),
    (("gigabytes", "gigabyte", "GB"), "gigabyte", "GB", "gigabyte"),
    (("megabytes", "megabyte", "MB"), "megabyte", "MB", "megabyte"),
    (("gbps", "Gbit/s"), "gigabit/second", "Gbit/s", "gigabit per second"),
    (("mbps", "Mbit/s"), "megabit/second", "Mbit/s", "megabit per second"),
    (("gigahertz", "GHz"), "gigahertz", "GHz", "gigahertz"),
    (("megahertz", "MHz"), "megahertz", "MHz", "megahertz"),
    (("kilohertz", "kHz"), "kilohertz", "kHz", "kilohertz"),
    (("hertz", "Hz", "HZ"), "hertz", "Hz", "hertz"),
    (("gigapascals", "gigapascal", "GPa"), "gigapascal", "GPa", "gigapascal"),
    (("ksi",), "ksi", "ksi", "kilopound per square inch"),
    (("psi",), "psi", "psi", "pound per square inch"),
    (("pound-feet", "pound-foot", "lb-ft", "lb.-ft."), "foot*pound", "lb·ft", "pound-foot"),
    (("newton metres", "newton meters", "Nm"), "newton*meter", "N·m", "newton metre"),
    (("revolutions per minute", "rpm"), "revolutions_per_minute", "rpm", "revolutions per minute"),
    (("decibels", "decibel", "dB"), "decibel", "dB", "decibel"),
    (("kilocalories", "kcal"), "kilocalorie", "kcal", "kilocalorie"),
    (("calories", "calorie"), "calorie", "cal", "calorie"),
    (("ppm", "parts per million"), "ppm", "ppm", "parts-per-million"),
    (("ppb", "parts per billion"), "ppb", "ppb", "parts-per-billion"),
    (("degrees celsius", "degrees centigrade", "degree celsius", "°C", "ºC", "degC", "deg C", "celsius",
      "centigrade"), "degree_Celsius", "°C", "degree celsius"),
    (("degrees fahrenheit", "degree fahrenheit", "°F", "ºF", "degF", "deg F", "fahrenheit"),
     "degree_Fahrenheit", "°F", "degree fahrenheit"),
    (("degrees", "degree", "°"), "degree", "°", "degree"),
]
CASE_STRICT = {"ms", "mi", "in.", "min", "hr", "sec", "yd", "gal", "kt", "nm", "ha", "dr", "kts", "ft", "mg", "cm",
               "mm", "km", "kg", "kms", "kgs", "hrs", "secs", "mins", "wks", "yrs", "yr", "bbl", "lbs", "lb", "oz"}
# Single letters that are a unit only glued to the digits ("37m", "5W", "45g"), not after a space.
GLUED_UNITS: dict[str, tuple[str, str, str]] = {
    "m": ("meter", "m", "metre"), "g": ("gram", "g", "gram"), "l": ("liter", "l", "litre"),
    "L": ("liter", "l", "litre"), "s": ("second", "s", "second"), "h": ("hour", "h", "hour"),
    "C": ("degree_Celsius", "°C", "degree celsius"), "F": ("degree_Fahrenheit", "°F", "degree fahrenheit"),
    "t": ("metric_ton", "t", "tonne"), "b": ("bit", "b", "bit"),
}
# Words that are units for people rather than quantities of matter: counted, not measured.
PERCENT_RE = re.compile(r"\s?(?:%|per ?cent\b|percent\b|pct\b|pc\b)(?:-owned)?", re.I)
POINTS_RE = re.compile(r"\s?-?(percentage points?|basis points?|bps\b|bp\b)", re.I)

_DIM_NAMES = {"[length]": "length", "[length]**2": "area", "[length]**3": "volume", "[mass]": "mass",
              "[time]": "time", "[length] / [time]": "speed", "[temperature]": "temperature",
              "1 / [time]": "frequency", "[length] ** 2": "area", "[length] ** 3": "volume",
              "[mass] * [length] ** 2 / [time] ** 3": "power", "[mass] * [length] ** 2 / [time] ** 2": "energy",
              "[mass] / [length] / [time] ** 2": "pressure", "[current] * [time]": "charge",
              "1 / [length] ** 2": "fuel economy", "[current]": "current"}


@functools.lru_cache(maxsize=1)
def ureg():
    import pint

    return pint.UnitRegistry()


@functools.lru_cache(maxsize=None)
def dimension_of(pint_expr: str) -> str:
    """'kilometer**2' -> 'area' via pint's dimensionality (the unit table stays free of hand-written dims)."""
    try:
        dim = str(ureg().parse_units(pint_expr).dimensionality)
    except Exception:
        return "other"
    if dim == "dimensionless":
        return "dimensionless"
    return _DIM_NAMES.get(dim, dim.strip("[]"))


def convert_units(value: float, src: str, dst: str) -> float | None:
    """Convert between two pint expressions; None when the dimensions differ."""
    try:
        return float(ureg().Quantity(value, src).to(dst).magnitude)
    except Exception:
        return None


@functools.lru_cache(maxsize=1)
def _unit_index() -> tuple[re.Pattern[str], re.Pattern[str], dict[str, tuple[str, str, str]]]:
    words: dict[str, tuple[str, str, str]] = {}
    exact: dict[str, tuple[str, str, str]] = {}
    for surfaces, expr, short, name in UNIT_TABLE:
        for s in surfaces:
            # lower-case surfaces match any case ("mAh", "GWh", "MPH") unless they are short everyday
            # letter pairs that would match words or names in capitals
            loose = s.isascii() and s.lower() == s and s not in CASE_STRICT
            (words if loose else exact)[s] = (expr, short, name)
    for s in list(words):
        words[s.lower()] = words[s]
    table = {**{k.lower(): v for k, v in words.items()}, **exact}

    def alt(keys):
        return "|".join(re.escape(k) for k in sorted(keys, key=len, reverse=True))

    word_re = re.compile(rf"(?:{alt(words)})(?![\w])", re.I)
    exact_re = re.compile(rf"(?:{alt(exact)})(?![A-Za-z0-9])")
    return word_re, exact_re, table


def match_unit(text: str, pos: int, glued: bool) -> tuple[int, str, str, str] | None:
    """A unit starting at text[pos:] -> (end, pint expr, short, name)."""
    word_re, exact_re, table = _unit_index()
    best = None
    for rx in (word_re, exact_re):
        m = rx.match(text, pos)
        if m and (best is None or m.end() > best[0]):
            key = m.group(0)
            hit = table.get(key) or table.get(key.lower())
            if hit:
                best = (m.end(), *hit)
    if best is None and glued:
        m = re.match(r"([A-Za-z])(?![A-Za-z0-9])", text[pos:pos + 2])
        if m and m.group(1) in GLUED_UNITS:
            best = (pos + 1, *GLUED_UNITS[m.group(1)])
    return best


# ------------------------------------------------------------------------------------------- atoms
MONTHS = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
          r"Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?")
_FRACTION = r"(?:(?:a|one|two|three|four)[ -])?(?:half|thirds?|quarters?|fifths?|tenths?)"
ATOM_RE = re.compile(
    rf"(?P<digits>(?<![\d.,])(?<!\d,)(?:{DIGITS})(?:\s+\d+/\d+|[/\u2044]\d+)?(?:\s?[×x]\s?10[-\u2212]?\d+)?)"
    rf"|(?P<uni>[½¼¾⅓⅔⅛])"
    rf"|(?P<vague>\b(?:tens|hundreds|dozens|scores) of (?:thousands|millions|billions)\b"
    rf"|\b(?:dozens|hundreds|thousands|millions|billions|trillions)\b)"
    rf"|(?P<fraction>\b{_FRACTION}\b)"
    rf"|(?P<words>\b{WORD_NUMBER}\b)",
    re.I,
)
SCALE_RE = re.compile(r"(?P<sp>[\s-]?)(?P<w>hundred|thousand|million|billion|trillion|lakhs?|crores?|bn|mn|mln|mill|mil|"
                      r"tn|trn|[kKmMbBT])(?![A-Za-z])")
BOUND_BEFORE = [
    ("at_least", r"at least|no (?:less|fewer) than|a minimum of|minimum of|not less than"),
    ("at_most", r"up to|as (?:much|many|high) as|at most|no more than|a maximum of|maximum of|"
                r"not more than|a high of"),
    # "deposits from as little as 5%": the least one may pay, a floor
    ("at_least", r"as (?:little|few|low) as"),
    ("more_than", r"more than|over|above|in excess of|upwards of|exceeding|north of|well over|>|"
                  r"greater than|higher than|beyond"),
    ("less_than", r"less than|fewer than|under|below|lower than|short of|<|sub-"),
    ("about", r"about|around|roughly|approximately|approx\.?|nearly|almost|close to|some|an estimated|"
              r"estimated|circa|~|≈|more or less|just over|just under|an average of|on average"),
]
_BOUND_RES = [(b, re.compile(rf"(?:^|(?<=[\s(]))(?:{pat})\s*$", re.I)) for b, pat in BOUND_BEFORE]

_PREFIX_KEYS = sorted(cur.PREFIX_SYMBOLS, key=len, reverse=True)
_CODE_ALT = "|".join(sorted(cur.CODES, key=len, reverse=True))
CUR_PREFIX_RE = re.compile(
    rf"(?:(?<![A-Za-z'’.])(?:{'|'.join(re.escape(k) for k in _PREFIX_KEYS)})"
    rf"|\b(?:usd|aud|cad|mxn|nzd|hkd|u\.s\.?)\s?\$"
    rf"|\b(?:{_CODE_ALT})|\b(?:dollars?|euros?|rmb|sen)\b)\s?$",
    re.I)
_NAME_ALT = "|".join(sorted({re.escape(n) for n in cur.NAME_TO_CODE} | {"dollar", "buck"},
                            key=len, reverse=True))
CUR_NAME_RE = re.compile(rf"\s?(?:(?:us|u\.s\.|american)\s)?(?P<n>{_NAME_ALT})(?:s|es)?\b", re.I)
CUR_CODE_AFTER_RE = re.compile(rf"\s?(?P<c>{_CODE_ALT})\b")
SYMBOL_AFTER_RE = re.compile(r"\s?(?P<s>[€£¥元₾₭₹₽₴₿$]|ரூ)")
DOLLAR_TAG_RE = re.compile(r"\s(?P<t>Cdn|CDN|CAD|US|U\.S\.|USD|AUD|NZD|HKD)(?![A-Za-z])")
MINOR_RE = re.compile(r"[\s-]?(?P<m>cents?|pence|penny|pennies|sen|satoshis?|p)(?![A-Za-z])")
_PER_TIME_UNITS = r"year|annum|month|day|week|hour|night|minute|century"
# After a unit of time, "earlier", "ago", "later", "before", "after" and a bare "on" make a date ("$5 a year
# earlier", "a week before the vote", "a year on, ..."), except before what a price is stated net or gross of
# ("$45,000 a year before insurance"); after any other unit they are the sentence going on ("$82 a barrel on
# Wednesday", "£3 an hour on weekdays").
_NOT_A_RATE_AFTER_TIME = r"(?!\s(?:earlier|ago|later)\b|\s(?:before|after)\b(?!\s(?:tax|taxes|insurance|deductions|" \
                         r"costs|expenses|bonus(?:es)?|interest|inflation|subsidies)\b)|\son\b(?:\s*[,.;]|\s+from\b|$))"
PER_RE = re.compile(r"(?:\s?/\s?|\s(?:per|a|an|each)[\s-]|\sa-|\s?-\s?a\s?-\s?|-per-)(?:"
                    rf"(?P<t>{_PER_TIME_UNITS})\b{_NOT_A_RATE_AFTER_TIME}|"
                    r"(?P<d>share|barrel|gallon|litre|liter|dozen|gram|ounce|kilo|kg|tonne|ton|square foot|sq ft|"
                    r"square metre|square meter|sq m|sqm|person|head|game|match|hectare|acre|passenger|seat|ticket|"
                    r"vote|household|resident|student|pupil|child|patient|employee|member|customer|user|subscriber|"
                    r"kilometre|kilometer|km|mile|metre|meter|dose|tablet|pill|capsule|injection|jab|vial|course|"
                    r"treatment|session|cycle|visit|unit|item|copy|bottle|pack|packet|serving|meal|room|bed|"
                    r"vehicle|car|kilowatt[ -]hour|kWh|megawatt[ -]hour|MWh)\b)", re.I)
PER_TIME = {"annum": "year"}

YEAR_RE = re.compile(r"^(1[6-9]\d\d|20\d\d)$")
TIME_AFTER_RE = re.compile(r"^\s?(?:a\.m\.|p\.m\.|am\b|pm\b|AM\b|PM\b|GMT\b|EDT\b|EST\b|PDT\b|PST\b|"
                           r"BST\b|CET\b|UTC\b|ET\b|PT\b|[ap]\.?m\b)", re.I)
MONTH_BEFORE_RE = re.compile(rf"\b{MONTHS}\s?$|(?i:\b(?:jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)\.\s?$|"
                             r"\b(?:january|february|april|june|july|august|september|october|november|"
                             r"december)\s$)")
MONTH_AFTER_RE = re.compile(rf"^(?:st|nd|rd|th)?\s(?:of\s)?{MONTHS}(?![a-z])")
ORDINAL_AFTER_RE = re.compile(r"^(?:st|nd|rd|th)\b")
GLUE_WORDS = {"to", "minus", "sub", "mid", "over", "under", "up", "about", "around", "and", "or", "from", "than",
              "top", "the", "a", "an", "of", "by", "at", "in", "on"}
INDEX_BEFORE_RE = re.compile(r"(?:\bS\s?&?\s?P|\bsp|FTSE|Stoxx|STOXX|Nasdaq|NASDAQ|Russell|Nikkei|ASX|TSX|DAX|CAC|"
                             r"MSCI|Hang Seng|KOSPI|Sensex|Nifty|Topix|TOPIX|AEX|IBEX|SMI|OMX)(?:/\w+)?\s$", re.I)
ADDRESS_AFTER_RE = re.compile(r"^\s(?:[A-Z0-9][\w.]*\s){0,3}(?:St|Street|Rd|Road|Ave|Avenue|Way|Blvd|Boulevard|Drive|"
                              r"Dr|Lane|Ln|Place|Pl|Court|Ct|Terrace|Hwy|Parkway|Square|Close|Crescent)\b\.?")
ZIP_AFTER_RE = re.compile(r"^\s(?:ZIP|zip|Zip|postcode|postal code)\b")  # not "12,000 postal votes"
BLOCKED_RE = re.compile(r"\b\d{4}-\d{2}-\d{2}(?:T[\d:.]+Z?)?|\b\d{1,2}:\d{2}(?::\d{2})?(?:\.\d+)?|"
                        r"\(?\b\d{3}\)?[ .-]\d{3}[.-]\d{4}\b|\b\d{1,2}/\d{1,2}/\d{2,4}\b|\+\d{1,3}[ -]\d[\d -]{6,}\d")
ID_WORD_BEFORE_RE = re.compile(r"\b(?:category|Category|No\.?|number|Section|section|Row|row|Unit|unit|Room|room|Flight|flight|"
                               r"Route|route|Highway|Chapter|Article|Game|Week|Level|Phase|page|Page|Apt\.?|"
                               r"Suite|Gate|Platform|Interstate|I-|Exit|Proposition|Prop\.|Bill|Act|Code|"
                               r"Channel|Season|Episode|Volume|Vol\.|version|Version|v|#)\s?$")
AGE_AFTER_RE = re.compile(r"^[\s-]?(?:years?|yrs?)[\s-]?old\b|^-?(?:years?|yrs?)-olds?\b|^\s?year-old", re.I)
MULTIPLIER_RE = re.compile(r"\b(?P<b>(?:more|less) than |nearly |almost |about |over |well over )?"
                           r"(?P<w>double[ds]?|doubling|twice|triple[ds]?|tripling|quadruple[ds]?|halve[ds]?)\b",
                           re.I)
VIDEO_LINES = {144, 240, 360, 480, 576, 720, 1080, 1440, 2160, 4320}
PER_GAME = {"ppg": "point", "rpg": "rebound", "apg": "assist", "spg": "steal", "bpg": "block", "gpg": "goal"}
PER_GAME_RE = re.compile(r"\s?(ppg|rpg|apg|spg|bpg|gpg)\b", re.I)
AGE_BEFORE_RE = re.compile(r"(?i)\b(?:aged|age of|ages of|age)\s$")
FOLD_RE = re.compile(r"^[\s-]?fold\b", re.I)
TIMES_RE = re.compile(r"^\s(?:times|x)\b", re.I)
UP_WORDS = r"rose|rise|rises|rising|risen|up|increased?|increases|increasing|grew|grow|grows|growing|grown|" \
           r"climbed?|climbs|jumped?|jumps|gained?|gains|surged?|surges|soared?|soars|advanced?|added|adds|" \
           r"raised?|higher|boost(?:ed)?|went up|increase of|gain of|rise of|jump of|growth of"
DOWN_WORDS = r"fell|fall|falls|falling|fallen|down|decreased?|decreases|declined?|declines|dropped|drop|drops|" \
             r"slid|slide|slides|lost|lose|loses|shed|sheds|plunged?|plunges|tumbled?|slumped?|sank|cut|cuts|" \
             r"lower|eased?|shrank|shrunk|loss of|drop of|decline of|decrease of|fall of|reduction of|cut of"
RELATIVE_NOUN_AFTER_RE = re.compile(r"^\s?(?P<up>increase|rise|gain|jump|growth|hike|surge)|"
                                    r"^\s?(?P<down>drop|decline|decrease|fall|loss|cut|reduction|slump)", re.I)


@dataclass
class Atom:
    start: int
    end: int
    value: float | None
    kind: str                       # digits | words | fraction | vague
    range: tuple[float, float] | None = None


@dataclass
class Q:
    """A quantity under construction (offsets into the text)."""

    start: int
    end: int
    value: float | None
    range: tuple[float, float] | None = None
    unit: str | None = None
    dimension: str | None = None
    unit_name: str | None = None
    unit_guess: str | None = None
    counts: str | None = None
    bound: str = "exact"
    pint: str | None = None
    change: dict[str, Any] | None = None
    kind: str = "digits"
    has_unit: bool = False
    extras: dict[str, Any] = field(default_factory=dict)


def _atoms(text: str) -> list[Atom]:
    out: list[Atom] = []
    for m in ATOM_RE.finditer(text):
        s, e = m.start(), m.end()
        if m.group("digits"):
            raw = m.group("digits")
            sci = re.search(r"\s?[×x]\s?10([-\u2212]?\d+)$", raw)
            if sci:
                base = parse_digits(raw[:sci.start()])
                v = None if base is None else base * 10 ** int(sci.group(1).replace("\u2212", "-"))
            elif re.fullmatch(r"\d+[/\u2044]\d+", raw) and \
                    int(re.split(r"[/\u2044]", raw)[1]) not in (2, 3, 4, 5, 8, 10, 16, 32, 64, 100, 128, 1000):
                continue                 # "9/11", "24/7": names and dates, not fractions
            elif re.search(r"\s\d+/\d+$", raw):
                whole, frac = raw.rsplit(None, 1)
                a, b = frac.split("/")
                v = (parse_digits(whole) or 0) + float(a) / float(b) if float(b) else None
            else:
                v = parse_digits(raw)
            if v is not None:
                out.append(Atom(s, e, v, "digits"))
        elif m.group("uni"):
            out.append(Atom(s, e, UNICODE_FRACTIONS[m.group("uni")], "digits"))
        elif m.group("vague"):
            w = m.group("vague").lower().split()
            if len(w) == 3:     # "tens of thousands": 10x..100x the scale
                lo = {"tens": 10, "hundreds": 100, "dozens": 12, "scores": 20}[w[0]] * VAGUE_PLURALS[w[2]]
                out.append(Atom(s, e, None, "vague", range=(lo, lo * 10)))
            else:
                lo = VAGUE_PLURALS[w[0]]
                out.append(Atom(s, e, None, "vague", range=(lo, lo * 10)))
        elif m.group("fraction"):
            w = re.split(r"[ -]", m.group("fraction").lower())
            num = 1.0 if len(w) == 1 or w[0] in ("a", "one") else float(parse_words(w[0]) or 1)
            out.append(Atom(s, e, num * FRACTION_WORDS[w[-1]], "fraction"))
        else:
            raw = m.group("words")
            if raw.lower() in ("a", "an"):
                continue
            v = parse_words(raw)
            if v is not None:
                out.append(Atom(s, e, v, "words"))
    return out


# -------------------------------------------------------------------------------------- the scanner
class _Scanner:
    def __init__(self, doc: Doc, outlet: str | None):
        self.doc = doc
        self.text = doc.text
        self.outlet = outlet
        self._dollar: cur.DollarReading | None = None
        # token start offsets as a plain list: char -> token by bisection, without building Token objects
        self.starts = [int(x) for x in doc.to_array("IDX")] if len(doc) else []

    def dollar(self) -> cur.DollarReading:
        if self._dollar is None:
            self._dollar = cur.resolve_dollar(self.outlet, self.text)
        return self._dollar

    def token(self, char: int):
        """The token covering character `char`, else None (whitespace, out of range)."""
        i = bisect.bisect_right(self.starts, char) - 1
        if i < 0 or char < 0:
            return None
        tok = self.doc[i]
        return tok if char < tok.idx + len(tok.text) else None

    # ---- filters: numbers that are names, dates, times, ordinals, addresses ----
    def is_not_quantity(self, a: Atom) -> bool:
        t = self.text
        before, after = t[max(0, a.start - 30):a.start], t[a.end:a.end + 30]
        raw = t[a.start:a.end]
        if a.kind == "digits":
            glued = re.search(r"(?:^|[^A-Za-z])([A-Za-z]+)[-‑]?$", before)
            if glued and not CUR_PREFIX_RE.search(before) and glued.group(1).lower() not in GLUE_WORDS \
                    and not (glued.group(1) == "x" and re.search(r"\dx$", before)):
                return True                      # F-16, Su-34, COVID-19, G7, S23
            if re.match(r"^[-‑]?[A-Za-z]", after) and not self._unit_like_after(a):
                return True                      # 5G, 3s, 11a
            if re.match(r"^:\d", after) or re.search(r"\d:$", before):
                return True                      # 10:27
            if re.match(r"^[-.]\d{3,}", after) or re.search(r"\d{3,}[-.]$", before):
                return True                      # phone numbers, account numbers
            if re.match(r"^[-/]\d{2}\b", after) and YEAR_RE.match(raw):
                return True                      # 2014-15
            if re.match(r"^['’]?s\b", after):
                return True                      # 1990s, the 90’s
            if re.search(r"=[\"']$", before):
                return True                      # timestamp="1474387200": markup attributes
            if ORDINAL_AFTER_RE.match(after):
                return True
            if re.search(r"[#№]\s?$", before) or re.fullmatch(r"\d{13,}", raw):
                return True                      # "#5", tweet and account ids
        if TIME_AFTER_RE.match(after):
            return True
        if MONTH_BEFORE_RE.search(before) and a.kind == "digits" and (a.value or 0) <= 31 \
                and not re.match(r"^\s?(?:%|per|million|billion|[A-Za-z]{2,}s\b)", after):
            return True
        if MONTH_AFTER_RE.match(after) and a.kind == "digits" and (a.value or 0) <= 31:
            return True
        if ID_WORD_BEFORE_RE.search(before) or ADDRESS_AFTER_RE.match(after) or ZIP_AFTER_RE.match(after):
            return True
        if INDEX_BEFORE_RE.search(before) and not PERCENT_RE.match(after):
            return True                          # S&P 500, FTSE 100: index names
        if re.search(r"\b[a-z]+[A-Z]\w*\s$", before):
            return True                          # iPhone 14, eBay 2
        if re.search(r"[A-Z]\w*\s\($", before) and re.match(r"^\)", after):
            return True                          # "Dak Prescott (4)": a jersey number
        if a.kind == "fraction" and (re.search(r"(?i)\b(?:the|first|second|third|fourth|final|last|latter|"
                                               r"former|other)\s?-?\s?$", before) or re.match(r"^\s?-", after)
                                     or re.fullmatch(r"(?i)thirds?|quarters?|fifths?|tenths?", raw)
                                     and not re.match(r"^\s(?:of|(?:an?\s)?(?:thousand|million|billion|trillion))\b",
                                                      after)):
            return True                          # "the second half", "a third-party", "Fifth Amendment"
        if a.kind == "words" and re.match(r"^-(?!year|month|day|week|hour|minute|second|mile|foot|"
                                          r"inch|metre|meter|kilomet|per|fold|odd|plus)[a-z]", after, re.I):
            return True                          # "four-cylinder", "six-speed": a compound adjective
        return False

    def _unit_like_after(self, a: Atom) -> bool:
        t, pos = self.text, a.end
        pos2 = pos + 1 if t[pos:pos + 1] == "-" else pos
        if SCALE_RE.match(t, pos) or match_unit(t, pos2, glued=True) or CUR_CODE_AFTER_RE.match(t, pos):
            return True
        return bool(re.match(r"^(?:-?fold|-?year-old|-?(?:odd|plus)|pc\b|p\b|-to-\d)", t[pos:pos + 12], re.I)) \
            or bool(MINOR_RE.match(t, pos)) or bool(PERCENT_RE.match(t, pos))

    def looks_like_year(self, a: Atom) -> bool:
        raw = self.text[a.start:a.end]
        return a.kind == "digits" and bool(YEAR_RE.match(raw))

    def is_dated_year(self, a: Atom) -> bool:
        """'in 2019', 'since 2011', 'by 2030': a year for sure, whatever follows."""
        return self.looks_like_year(a) and bool(
            re.search(r"(?i)\b(?:in|since|by|until|till|during|before|after|of|from|early|late|mid-?)\s$",
                      self.text[max(0, a.start - 8):a.start]))

    # ---- growing an atom into a quantity ----
    def grow(self, a: Atom) -> Q:
        t = self.text
        q = Q(a.start, a.end, a.value, range=a.range, kind=a.kind)
        pos = a.end
        # scale word ("5 billion", "4.2bn", "half a million")
        if a.kind in ("digits", "words", "fraction"):
            pos = self._scale(q, pos)
        # currency before ("$4.2bn", "US$ 3", "EUR50m", "PS6m")
        before = t[max(0, a.start - 12):a.start]
        sign = re.search(r"(?i)\bminus[ -]?$", before) or re.search(r"(?:^|(?<=[\s(:]))[-\u2212+]$", before)
        if sign:
            if sign.group(0).strip("+ ") and q.value is not None:
                q.value = -q.value
            q.start -= len(sign.group(0))
            before = t[max(0, q.start - 12):q.start]
        cm = CUR_PREFIX_RE.search(before)
        if cm and cm.group(0).strip().upper() == "PS" and not re.match(r"\d", t[a.start:a.start + 1]):
            cm = None
        if cm and re.match(r"(?i)^(dollars?|euros?)\s?$", cm.group(0)) and not re.search(r"(?i)\bdollar\s$", before):
            cm = None
        if cm:
            sym = cm.group(0).strip()
            code = self._code_for_symbol(sym)
            if code:
                q.start -= len(cm.group(0))
                self._set_currency(q, code)
                pos = self._scale(q, pos) if not q.extras.get("scaled") else pos
                pos = self._dollar_tag(q, pos)
        # things written after the number
        if not q.has_unit:
            pos = self._after(q, a, pos)
        if q.has_unit:
            pos = self._per(q, pos)
        q.end = max(q.end, pos)
        return q

    def _scale(self, q: Q, pos: int) -> int:
        t = self.text
        m = SCALE_RE.match(t, pos)
        if m and q.value is not None:
            w = m.group("w")
            if len(w) <= 2 and w not in ("bn", "mn", "tn") and m.group("sp") == " " and q.dimension != "currency":
                return pos               # "5 m" is five metres, "3 b" is unclear; "$300 m" is money
            if w in ("m", "M") and not q.unit and self._metre_reading(pos + len(m.group("sp")) + 1):
                return pos
            if w in ("b", "T") and not q.unit:
                return pos
            if w in ("k", "K") and not q.unit and q.value < 10:
                return pos               # "4K TV", "8K video": a resolution, not four thousand
            mult = SCALE_WORDS.get(w.lower()) or SCALE_ABBR.get(w)
            if mult:
                q.value *= mult
                q.extras["scaled"] = True
                return m.end()
        if q.kind == "fraction" and q.value is not None:
            m2 = re.match(r"\s(?:an?\s)?(thousand|million|billion|trillion)\b", t[pos:], re.I)
            if m2:
                q.value *= SCALE_WORDS[m2.group(1).lower()]
                q.extras["scaled"] = True
                return pos + m2.end()
        return pos

    def _metre_reading(self, pos: int) -> bool:
        """'37m (121ft)', '400m-long', '100m freestyle' read as metres; '35m of its devices' as million."""
        rest = self.text[pos:pos + 40]
        if re.match(r"^\s?\(\s?[\d.,]+\s?(?:ft|feet|foot|yards?|in)\b", rest):
            return True
        if re.match(rf"^[\s-]?{_METRE_WORDS}", rest, re.I):
            return True
        return not re.match(r"^\s?(?:of\b|[a-zA-Z(])", rest)

    def _code_for_symbol(self, sym: str) -> str | None:
        s = re.sub(r"\s+", " ", sym)
        for key, code in cur.PREFIX_SYMBOLS.items():
            if s == key or s.upper() == key.upper():
                return code
        low = s.lower()
        if re.match(r"^(usd|aud|cad|mxn|nzd|hkd)\$$", low):
            return low[:3].upper()
        if re.match(r"^u\.s\.? ?\$$", low):
            return "USD"
        if low in ("dollar", "dollars"):
            return "$"
        if low in ("euro", "euros"):
            return "EUR"
        if low == "sen":
            return "sen"
        up = s.upper()
        if up in ("MEUR", "MUSD", "MGBP", "MAUD"):
            return "M" + up[1:]
        if up in cur.CODES:
            return cur.CODE_ALIASES.get(up, up)
        return None

    def _set_currency(self, q: Q, code: str) -> None:
        if code.startswith("M") and len(code) == 4 and code[1:] in cur.NAMES:   # MEUR: millions of euros
            code = code[1:]
            if q.value is not None:
                q.value *= 1e6
        if code == "$":
            reading = self.dollar()
            code, q.unit_guess = reading.code, reading.guess
        q.unit, q.dimension, q.has_unit = code, "currency", True
        if code == "sen":
            q.unit_name = "sen"
        else:
            q.unit_name = cur.readable(code)

    def _dollar_tag(self, q: Q, pos: int) -> int:
        m = DOLLAR_TAG_RE.match(self.text, pos)
        if m and q.unit in ("USD", "CAD", "AUD") and (q.unit_guess or q.unit == "USD"):
            code = cur.DOLLAR_SUFFIX[m.group("t").lower()]
            q.unit, q.unit_name, q.unit_guess = code, cur.readable(code), None
            return m.end()
        return pos

    def _after(self, q: Q, a: Atom, pos: int) -> int:
        t = self.text
        # currency code right after ("75 USD million", "115USD")
        m = CUR_CODE_AFTER_RE.match(t, pos)
        if m and not (m.group("c") in ("ALL", "CUP", "TOP", "MOP", "BOB") and m.group("c") != m.group("c").upper()):
            code = self._code_for_symbol(m.group("c"))
            if code and m.group("c").isupper():
                self._set_currency(q, code)
                pos = self._scale(q, m.end())
                return pos
        m = CUR_NAME_RE.match(t, pos)
        if m:
            name = m.group(0).strip().lower()
            code = cur.code_for_name(re.sub(r"^(?:u\.s\.|american)\s", "us ", name))
            if code and name.startswith("us "):
                code = "USD"
            if code == "$" and re.match(r"\s?(?:us|u\.s\.)\s", m.group(0), re.I):
                code = "USD"
            if code and not self._false_currency_word(m.group("n").lower(), q):
                self._set_currency(q, code)
                end = m.end()
                m2 = re.match(r"\s(?:us\s)?dollars?\b", t[end:], re.I)     # "50 dollar dollar"
                if m2 and code in ("USD", "CAD", "AUD"):
                    end += m2.end()
                return self._minor_part(q, end)
        m = SYMBOL_AFTER_RE.match(t, pos)
        if m:
            code = cur.SUFFIX_SYMBOLS.get(m.group("s"))
            if code:
                self._set_currency(q, code)
                return m.end()
        m = PERCENT_RE.match(t, pos)
        if m:
            q.unit, q.dimension, q.unit_name, q.has_unit = "%", "percentage", "percentage", True
            return m.end()
        m = POINTS_RE.match(t, pos)
        if m:
            w = m.group(1).lower()
            if w.startswith("percentage"):
                q.unit, q.unit_name = "pp", "percentage point"
            else:
                q.unit, q.unit_name = "bp", "basis point"
            q.dimension, q.has_unit = "percentage", True
            return m.end()
        m = MINOR_RE.match(t, pos)
        if m and m.group("m") == "p" and (q.value in VIDEO_LINES or not re.match(r"\d", t[pos - 1])):
            m = None                     # "1080p" is a video format, "5 p" without a digit glued is unclear
        if m:
            code, name = cur.MINOR[m.group("m").lower()] if m.group("m").lower() != "p" else ("GBX", "penny")
            q.unit, q.unit_name, q.dimension, q.has_unit = code, name, "currency", True
            return m.end()
        age = AGE_AFTER_RE.match(t[pos:])
        if age or (AGE_BEFORE_RE.search(t[max(0, q.start - 16):q.start]) and q.value is not None
                   and 0 <= q.value < 130):
            end = pos + age.end() if age else pos
            if not age:
                m = re.match(r"\s(?:years?|yrs?)(?:\sold)?\b", t[pos:])
                end = pos + m.end() if m else pos
            q.unit, q.unit_name, q.dimension, q.pint, q.has_unit = "yr", "year of age", "age", "year", True
            return end
        if FOLD_RE.match(t[pos:]):
            q.unit, q.dimension, q.unit_name, q.has_unit = "times", "ratio", "times", True
            q.change = {"type": "factor", "factor": q.value}
            return pos + FOLD_RE.match(t[pos:]).end()
        m = PER_GAME_RE.match(t, pos)
        if m:
            noun = PER_GAME[m.group(1).lower()]
            q.unit, q.dimension, q.counts, q.unit_name, q.has_unit = "count/game", "count", noun, \
                f"{noun} per game", True
            return m.end()
        if TIMES_RE.match(t[pos:]):
            q.unit, q.dimension, q.counts, q.unit_name, q.has_unit = "count", "count", "time", "count", True
            return pos + TIMES_RE.match(t[pos:]).end()
        m = re.match(r"\sof\san?\s(?:(?:US|U\.S\.|imperial|metric|fluid)\s)*", t[pos:pos + 30])
        if m and q.kind in ("digits", "fraction"):
            hit = match_unit(t, pos + m.end(), glued=False)
            if hit:                          # "1/16 of a US pint", "a third of a mile"
                end, expr, short, name = hit
                q.unit, q.unit_name, q.pint, q.has_unit = short, name, expr, True
                q.dimension = dimension_of(expr)
                return end
        glued = pos == a.end and a.kind == "digits"
        hy = re.match(r"\s?-\s?|\s", t[pos:pos + 3])
        upos = pos + hy.end() if hy else pos
        hit = match_unit(t, upos, glued=glued and upos == pos)
        if hit is None and not q.unit and upos > pos and re.match(r"m(?![A-Za-z])", t[upos:upos + 2]) \
                and (_METRES_AFTER.match(t, upos + 1)
                     or re.search(r"(?:ft|feet|foot|yards?|miles?)\s?\(\s?$", t[max(0, q.start - 12):q.start])):
            hit = (upos + 1, "meter", "m", "metre")   # "300 m tall", "the 800 m race": metres, though spaced
        if hit and not self._false_unit(q, upos, hit):
            end, expr, short, name = hit
            q.unit, q.unit_name, q.pint, q.has_unit = short, name, expr, True
            q.dimension = dimension_of(expr)
            return end
        if hit is None and t[pos:pos + 1] == " " and re.match(r" (?:pounds?)\b", t[pos:pos + 8], re.I):
            # "pounds" without a money clue is weight ("208 pounds"); money was taken above when scaled
            q.unit, q.unit_name, q.pint, q.dimension, q.has_unit = "lb", "pound-mass", "pound", "mass", True
            return pos + len(re.match(r" pounds?", t[pos:], re.I).group(0))
        return pos

    def _minor_part(self, q: Q, pos: int) -> int:
        """'3 dollars 50 cents', '15 dollars and 50.', 'thirteen dollars forty five' -> one amount."""
        m = re.match(rf"\s(?:and\s)?(?P<n>\d{{1,2}}|{WORD_NUMBER})(?P<c>\s(?:cents?|pence|p)\b)?"
                     r"(?=\s?(?:[.,;!?]|$)|\s(?:cents?|pence)\b)", self.text[pos:], re.I)
        if not m or q.value is None or q.value != int(q.value):
            return pos
        n = m.group("n")
        minor = float(n) if n[0].isdigit() else parse_words(n)
        if minor is None or not 0 < minor < 100 or (not m.group("c") and not re.match(r"\s(?:and\s)?\S", m.group(0))):
            return pos
        q.value += minor / 100
        return pos + m.end()

    def _false_currency_word(self, name: str, q: Q) -> bool:
        """'pound(s)' is money only with a scale or sterling; 'real', 'won', 'mark' need a money clue."""
        if name in ("pound", "pounds"):
            return not q.extras.get("scaled") and not _MONEY_BEFORE.search(self.text, max(0, q.start - 40), q.start)
        if name in ("real", "won", "rand", "kip", "franc", "lira", "peso", "dong", "shilling", "riyal", "lari"):
            return not q.extras.get("scaled") and name in ("real", "won", "dong", "kip")
        return False

    def _false_unit(self, q: Q, pos: int, hit) -> bool:
        end, expr, short, name = hit
        word = self.text[pos:end]
        nxt = self.text[end:end + 12]
        if word.lower() == "second" and q.kind == "words":
            return True                  # "one second-hand car"; "4.3 second" is a time
        if word in ('"', "″") and q.kind != "digits":
            return True
        if word == '"' and not (re.search(r"\d['’]$", self.text[max(0, q.start - 3):q.start]) or
                                re.match(r"\s?(?:tall|screen|display|TV|monitor|wide|long|high|deep)\b", nxt)):
            return True                  # a closing quote mark, not inches
        if word.lower() in ("degree", "degrees") and re.match(r"\s?(?:burns?|murder|in\b)", nxt):
            return True
        if word.lower() in ("hp",) and q.value is not None and q.value < 1 and q.kind != "digits":
            return True
        if expr == "inch" and word.lower() == "in.":
            return not re.match(r"^\s?[,;)]|^\s?$", nxt)
        return False

    def _per(self, q: Q, pos: int) -> int:
        m = PER_RE.match(self.text, pos)
        if not m:
            return pos
        d = (m.group("t") or m.group("d")).lower()
        d = PER_TIME.get(d, d)
        d = {"sq ft": "square foot", "sq m": "square metre", "sqm": "square metre", "square meter": "square metre",
             "liter": "litre", "kg": "kilogram", "kilo": "kilogram", "head": "person"}.get(d, d)
        q.unit = f"{q.unit}/{d}"
        if q.unit_name:
            q.unit_name = f"{q.unit_name} per {d}"
        if q.pint and d in ("year", "month", "day", "week", "hour", "minute", "gallon", "litre"):
            q.pint = f"{q.pint}/{'liter' if d == 'litre' else d}"
        return m.end()

    # ---- counted nouns via the parse ----
    def counted(self, q: Q) -> None:
        tok = self.token(q.end - 1)
        if tok is None:
            return
        doc = self.doc
        nxt = doc[tok.i + 1] if tok.i + 1 < len(doc) else None
        if nxt is not None and nxt.lower_ in CASUALTY_WORDS and nxt.pos_ in ("ADJ", "VERB", "NOUN") \
                and not (nxt.i + 1 < len(doc) and doc[nxt.i + 1].pos_ in ("NOUN", "PROPN")):  # "two missing children"
            # "55 dead and 120 injured": a toll counts the people it names by their state
            q.counts, q.unit, q.dimension, q.unit_name, q.has_unit = nxt.lower_, "count", "count", nxt.lower_, True
            q.extras["counted_end"] = nxt.idx + len(nxt.text)
            return
        head = None
        if tok.dep_ in ("nummod", "quantmod", "compound", "amod") and tok.head.i > tok.i \
                and tok.head.pos_ in ("NOUN", "PROPN") and tok.head.i - tok.i <= 5:
            head = tok.head
        elif tok.i + 1 < len(doc) and doc[tok.i + 1].pos_ == "NOUN" and doc[tok.i + 1].tag_ in ("NNS", "NN"):
            head = doc[tok.i + 1]
        if head is None and q.kind in ("words", "digits", "fraction", "vague"):
            # "one of the proudest moments", "two of Johnson's deputies", "dozens of people"
            m = re.match(r"^\s(?:of)\s(?:the\s|his\s|her\s|their\s|its\s|our\s|my\s|these\s|those\s)?",
                         self.text[q.end:q.end + 20])
            if m and (q.kind in ("words", "vague") or q.value is not None and q.value < 100
                      or q.extras.get("scaled")):
                after = self.token(q.end + m.end())
                if after is not None:
                    head = after
                    while head.pos_ in ("ADJ", "PROPN", "NOUN") and head.head.i > head.i \
                            and head.dep_ in ("amod", "compound", "nmod", "poss") and head.head.i - head.i < 4:
                        head = head.head
                    if head.pos_ != "NOUN" or head.tag_ not in ("NNS", "NN", "NNPS"):
                        head = None
        if head is None:
            tally = _TALLY_BEFORE.search(self.text[max(0, q.start - 60):q.start])
            if tally and not (nxt is not None and nxt.pos_ == "NOUN"):
                # "the death toll stood at 87", "put the number of dead at 14": the count the tally names
                what = (tally["what"] or ("dead" if tally["death"] else "toll")).lower()
                q.counts, q.unit, q.dimension, q.unit_name, q.has_unit = what, "count", "count", what, True
            return
        while head.dep_ == "compound" and head.head.i > head.i and head.head.i - head.i <= 2 \
                and head.head.pos_ == "NOUN":
            head = head.head                    # "11 member trade agreement"
        if head.lemma_.lower() in COUNT_STOP or (head.i + 1 < len(doc) and doc[head.i + 1].tag_ == "POS"):
            return                              # "one of the nation's largest companies": not the nation
        if _SCALE_BEFORE.search(self.text[max(0, q.start - 12):q.start]):
            q.extras["rating"] = True           # "a magnitude 6.4 earthquake", "a level 3 alert": a rating, not a count
            return
        hit = match_unit(head.text, 0, glued=False)
        if hit and hit[0] == len(head.text) and len(head.text) > 3:
            # "One US fluid ounce": a unit with modifiers in between is still a measure, not a count
            _, expr, short, name = hit
            q.unit, q.unit_name, q.pint, q.dimension, q.has_unit = short, name, expr, dimension_of(expr), True
            q.extras["counted_end"] = head.idx + len(head.text)
            return
        start_i = self.token(q.end - 1).i + 1
        span = doc[start_i:head.i]
        if any(w.lower_ in ("last", "next", "this", "previous", "past", "coming") for w in span):
            return                              # "2.1 last year": a time expression, not a count
        hyphened = {w.i for w in span if w.text == "-"} | {w.i - 1 for w in span if w.text == "-"} | \
                   {w.i + 1 for w in span if w.text == "-"}
        mods = [w for w in span if w.pos_ in ("ADJ", "NOUN", "PROPN") and w.dep_ != "poss"
                and w.i not in hyphened and w.lower_ not in ("of", "the", "more", "additional", "such")]
        if head.pos_ == "NOUN":
            lemma = head.lemma_.lower()
        else:
            lemma = head.text.lower()[:-1] if head.tag_ == "NNPS" and head.text.endswith("s") else head.text.lower()
        q.counts = "person" if lemma in ("people", "persons") else lemma
        q.unit, q.dimension = "count", "count"
        q.unit_name = " ".join([m.lemma_.lower() if m.pos_ != "PROPN" else m.text for m in mods] + [lemma])
        q.extras["counted_end"] = head.idx + len(head.text)
        q.has_unit = True


# States a casualty toll counts people by ("55 dead", "120 injured").
CASUALTY_WORDS = frozenset("dead injured wounded missing killed displaced homeless hurt".split())
# Nouns that follow a number without being what it counts.
COUNT_STOP = {"%", "percent", "time", "way", "bit", "couple", "pair", "thing", "kind", "sort", "type", "part",
              "yesterday", "today", "tomorrow", "pm", "am", "one", "other", "others"}
RANGE_CONNECT_RE = re.compile(r"^-?\s?(?P<c>-to-|to|-|\u2013|\u2014|and|or)\s?(?:-\s?)?"
                              r"(?:[$€£¥]|US\$|\$US|C\$|A\$|HK ?\$|S ?\$|RM|PS|Rs\.?|[A-Z]{3} ?)?\s?$")
BETWEEN_BEFORE_RE = re.compile(r"\bbetween\s$", re.I)
FROM_BEFORE_RE = re.compile(r"\bfrom\s(?:(?:up to|about|around|roughly|some|nearly|almost|just)\s)?$", re.I)
TO_BEFORE_RE = re.compile(r"\bto\s(?:(?:about|around|roughly|some|nearly|almost|just)\s)?$", re.I)
FROM_AFTER_RE = re.compile(r"^(?:,?\s(?:up|down))?\s(?:from)\s$", re.I)
CHANGE_BEFORE_RE = re.compile(rf"(?:^|\W)(?:(?P<up>{UP_WORDS})|(?P<down>{DOWN_WORDS}))"
                              r"(?:\s(?:by|of))?(?:\s(?:a|an|just|only|nearly|almost|about|around|some|roughly|"
                              r"more than|over|less than|under))*\s?$", re.I)


# "priced from £640", "fares start from $99", "rooms from just €80": the cheapest, a floor. Only "from" joins the
# span; the price word before it only says that it is a floor. ("starting at $448" stays exact, as NewsQuant
# annotates it.)
_PRICE_FLOOR = re.compile(r"(?i)\b(?:priced|prices?|fares?|costs?|cost|rates?|tickets?|rooms?|starts?|starting|"
                          r"available|retails?|retailing|sells?|selling)\s+(?P<b>from(?:\s+(?:just|only))?\s+)$")


def _bound(text: str, start: int, q: Q | None = None) -> tuple[str, int]:
    before = text[max(0, start - 30):start]
    for bound, rx in _BOUND_RES:
        m = rx.search(before)
        if m:
            if bound == "more_than" and re.search(r"(?i)\bover\s$", before) and (
                    re.search(r"(?i)\b(?:over the|over a)\s$", text[max(0, start - 12):start])
                    or q is not None and q.dimension == "time" and q.extras.get("after_amount")):
                continue
            return bound, start - len(m.group(0))
    m = _PRICE_FLOOR.search(text[max(0, start - 40):start])
    if m and q is not None and q.dimension == "currency" and q.kind != "range" and "from_of" not in q.extras:
        return "at_least", start - len(m.group("b"))
    return "exact", start


def _is_propn_name(scanner: _Scanner, q: Q) -> bool:
    """'S&P 500', 'Galaxy S23', 'Game 6', 'Section 427': a number glued to a name is part of it."""
    tok = scanner.token(q.start)
    if tok is None or tok.i == 0:
        return False
    prev = scanner.doc[tok.i - 1]
    if prev.idx + len(prev.text) != tok.idx - 1 and prev.idx + len(prev.text) != tok.idx:
        return False
    if prev.text[:1].isupper() and prev.pos_ == "PROPN" and not prev.is_sent_start and prev.ent_type_ != "PERSON":
        return True
    return bool(re.match(r"^[A-Z][A-Za-z]*&[A-Z]", prev.text))


def _list_item_after_name(scanner: _Scanner, q: Q, before: list[Q]) -> bool:
    """'the Civic Union won 131 seats, the Labour Front 78 seats and the Greens 39': in a list whose
    verb is left out, a number after a name is that name's count, like the first one in the sentence."""
    tok = scanner.token(q.start)
    if tok is None or not before:
        return False
    first = before[-1]
    first_tok = scanner.token(first.start)
    if first_tok is None or first_tok.sent.start != tok.sent.start or first.kind != "digits" \
            or first.unit not in (None, "count") or (q.counts and first.counts and q.counts != first.counts):
        return False
    name = tok.doc[tok.i - 1]
    while name.i > 0 and tok.doc[name.i - 1].pos_ in ("PROPN", "DET") and tok.doc[name.i - 1].i > first_tok.i:
        name = tok.doc[name.i - 1]
    opener = scanner.text[first.end:name.idx]
    return bool(re.search(r"(?:,|\band)\s*$", opener))


def _age(scanner: _Scanner, q: Q) -> bool:
    """'Senard, 65, now faces...': a bare number set off by commas after a person's name is an age."""
    t = scanner.text
    if not re.search(r"[A-Za-z],\s$", t[max(0, q.start - 3):q.start]) or not re.match(r"^,", t[q.end:q.end + 1]):
        return False
    tok = scanner.token(q.start - 3)
    return tok is not None and (tok.ent_type_ == "PERSON" or tok.pos_ == "PROPN") and q.value is not None \
        and 0 < q.value < 120 and q.value == int(q.value)


def _fraction_change(text: str, q: Q) -> bool:
    """'rose by a third', 'fell by half': the fraction is the size of a change, not an amount of anything."""
    m = CHANGE_BEFORE_RE.search(text[max(0, q.start - 40):q.start])
    return m is not None and bool(re.search(r"(?i)\sby\s$", m.group(0)))


def _share_unit(src: Q, dst: Q) -> None:
    for f in ("unit", "dimension", "unit_name", "unit_guess", "counts", "pint"):
        setattr(dst, f, getattr(src, f))
    dst.has_unit = src.has_unit


def extract(doc: Doc, outlet: str | None = None) -> list[Quantity]:
    """All quantities in `doc`, in text order, ids q1, q2, ..."""
    sc = _Scanner(doc, outlet)
    text = doc.text
    blocked = [(m.start(), m.end()) for m in BLOCKED_RE.finditer(text)]
    atoms = []
    dropped_end = -1
    for a in _atoms(text):
        if any(s < a.end and a.start < e for s, e in blocked) or sc.is_not_quantity(a) or \
                (a.start > 0 and text[a.start - 1] in "-\u2013" and a.start - 1 == dropped_end):
            dropped_end = a.end            # "Sept. 20-24": the second day goes with the first
            continue
        atoms.append(a)
    qs: list[Q] = []
    last_end = -1
    i = 0
    while i < len(atoms):
        a = atoms[i]
        i += 1
        if a.start < last_end:
            continue
        q = sc.grow(a)
        if not q.has_unit and i < len(atoms) and q.value is not None and \
                re.fullmatch(r"\s(?:in|out of)\s", text[q.end:atoms[i].start]) and atoms[i].value and \
                not q.extras.get("scaled") and q.value < atoms[i].value <= 1000 and \
                not sc.looks_like_year(atoms[i]):
            # "four in 10 voters", "one out of three Germans": a share, not two counts
            a2 = atoms[i]
            i += 1
            q2 = sc.grow(a2)
            sc.counted(q2)
            q.value = q.value / a2.value
            q.end = max(q2.end, q2.extras.get("counted_end", q2.end))
            q.unit, q.dimension, q.unit_name, q.has_unit = "fraction", "ratio", "fraction", True
            q.counts, q.kind = q2.counts, "share"
            qs.append(q)
            last_end = q.end
            continue
        # a second number joined by to / - / and / or: a range, a change, or a list sharing one unit
        partner = None
        if i < len(atoms) and atoms[i].start - q.end <= 12:
            nxt = atoms[i]
            m = RANGE_CONNECT_RE.match(text[q.end:nxt.start])
            if m and not (m.group("c") == "-" and re.match(r"\s-\S", text[q.end:nxt.start])):
                partner = (m.group("c").strip("-") or "-", nxt)
        if partner:
            conn, a2 = partner
            q2 = sc.grow(a2)
            base = (q.unit or "").split("/")[0], (q2.unit or "").split("/")[0]
            if q2.unit and q.unit and base[0] != base[1]:
                partner = None
            elif conn == "to" and (q.has_unit or a.kind == "fraction") and \
                    re.search(r"(?i)\bby\s$", text[max(0, q.start - 4):q.start]):
                partner = None             # "increased by $43.6 billion to $419.2 billion", "rose by a third to 6,400"
            elif sc.looks_like_year(a) and sc.looks_like_year(a2) and not (q.has_unit or q2.has_unit):
                i += 1                     # "between 2014 and 2017": two years
                last_end = q2.end
                continue
            elif q.has_unit and not q2.has_unit and conn == "to" and \
                    not FROM_BEFORE_RE.search(text[max(0, q.start - 30):q.start]):
                partner = None             # "rose 8% to 3.65": a change and its result, not a range
            elif sc.is_dated_year(a) or sc.is_dated_year(a2) or \
                    (sc.looks_like_year(a) or sc.looks_like_year(a2)) and not (
                    a.value and a2.value and 0.1 < a.value / a2.value < 10):
                partner = None
            if partner and q.unit and q2.unit and q.unit != q2.unit:   # "$62 and $68 per share"
                _share_unit(q2, q)
        if partner:
            i += 1
            if q2.extras.get("scaled") and not q.extras.get("scaled") and q.value is not None and \
                    a2.value and q2.value is not None and \
                    (q.value <= a2.value or (not q.has_unit and q.value / a2.value < 10)):
                q.value *= q2.value / a2.value      # "3 to 5 billion", "$10 to $15 billion"
                q.extras["scaled"] = True
            if not q.has_unit and q2.has_unit:
                _share_unit(q2, q)
            elif q.has_unit and not q2.has_unit and (
                    conn not in ("and", "or") or BETWEEN_BEFORE_RE.search(text[max(0, q.start - 9):q.start])
                    or re.match(r"\s*(?:[,;)]|$)", text[q2.end:q2.end + 2])):
                _share_unit(q, q2)         # "5 to 7", "aged 19 and 22,": yes; "$4.25 and 32 is ...": no
            if not q2.has_unit and not q.has_unit:
                sc.counted(q2)
                if q2.has_unit:
                    _share_unit(q2, q)
            before = text[max(0, q.start - 30):q.start]
            # "estimates range from 3,000 to 4,000": a span of values, not a change over time
            spanned = conn == "to" and re.search(r"(?i)\b(?:ranges?|ranged|ranging|anywhere)\s+from\s$", before)
            after = sc.token(q2.end + 1) if q2.end < len(text) and text[q2.end:q2.end + 1] == " " else None
            counted_span = conn in ("-", "\u2013") and q.value is not None and q2.value is not None \
                and q.value < q2.value and after is not None and after.tag_ == "NNS"
            # "3,000-4,000 people", "3–4 dykes": not a score ("2-0 down", "a 3-2 win") or an address
            if conn == "to" and FROM_BEFORE_RE.search(before) and not spanned:
                q.extras["from_of"] = q2
                qs += [q, q2]
            elif conn == "or" or (conn == "and" and not BETWEEN_BEFORE_RE.search(before)):
                qs += [q, q2]
            elif conn in ("-", "\u2013", "\u2014") and not BETWEEN_BEFORE_RE.search(before) and \
                    (q2.unit in (None, "count")) and not counted_span:
                last_end = q2.end          # "2-0 down", "a 5-5 ruling", "16-18 Industrial Avenue": scores, addresses
                continue
            else:
                lo, hi = q.value, q2.value
                if lo is None or hi is None:
                    qs += [q, q2]
                else:
                    r = Q(q.start, q2.end, None, range=(lo, hi), kind="range")
                    _share_unit(q2, r)
                    r.end = max(q2.end, q2.extras.get("counted_end", q2.end))
                    qs.append(r)
            last_end = max(qq.end for qq in qs[-2:]) if qs else q2.end
            continue
        qs.append(q)
        last_end = q.end
    out: list[Q] = []
    for q in qs:
        if not q.has_unit:
            sc.counted(q)
        if not q.has_unit and _age(sc, q):
            q.unit, q.unit_name, q.dimension, q.pint, q.has_unit = "yr", "year of age", "age", "year", True
        raw = text[q.start:q.end]
        if q.kind != "range" and q.unit in (None, "count") and q.change is None:
            if q.kind == "digits" and YEAR_RE.match(raw.strip()):
                continue
            if _is_propn_name(sc, q) and not _list_item_after_name(sc, q, out):
                continue
            if _in_phone_number(text, q):
                continue
        if q.kind == "words" and not q.has_unit:
            continue                      # bare "two", "one": pronouns and fragments more often than amounts
        if q.kind == "fraction" and not q.has_unit and not q.extras.get("scaled") \
                and not re.match(r"^\sof\b", text[q.end:q.end + 4]) and not _fraction_change(text, q):
            continue
        if q.kind == "fraction" and not q.extras.get("scaled"):
            # "two-thirds of voters": a share of the counted thing, not a count of it
            q.unit, q.dimension, q.unit_name, q.has_unit = "fraction", "ratio", "fraction", True
        if q.dimension == "time" and out and re.fullmatch(r"\s+over\s+", text[out[-1].end:q.start]):
            # "spent $2.4 billion over 11 years", "312 mm over two days": right after another amount, "over" a
            # period is the time that amount took, not "more than" the period
            q.extras["after_amount"] = True
        q.bound, q.start = _bound(text, q.start, q)
        q.end = max(q.end, q.extras.get("counted_end", q.end)) if q.unit == "count" and q.counts else q.end
        if q.unit == "count" and text[q.start:q.end].endswith(" times") and _TIMES_COMPARED.match(text, q.end):
            # "three times higher", "five times as many": a factor, not a count of "times"
            q.unit, q.unit_name, q.dimension, q.counts, q.kind = "times", "times", "ratio", None, "multiplier"
        out.append(q)
    _ellipsis(sc, out)
    _converted_dollars(text, out)
    _changes(sc, out)
    _points_of_percentages(sc, out)
    out += _multipliers(text, out)
    out.sort(key=lambda q: q.start)
    result: list[Quantity] = []
    ids = {id(q): f"q{n}" for n, q in enumerate(out, 1)}
    for q in out:
        if "from_of" in q.extras and id(q.extras["from_of"]) in ids:
            q2 = q.extras["from_of"]
            _link(q, q2, ids, "from \u2026 to")
        if "to_of" in q.extras and id(q.extras["to_of"]) in ids:
            _link(q.extras["to_of"], q, ids, "to \u2026 from")
    _link_by_changes(sc, out, ids)
    for q in out:
        value = None if q.value is None else tidy(q.value)
        rng = None if q.range is None else (tidy(q.range[0]), tidy(q.range[1]))
        result.append(Quantity(id=ids[id(q)], text=text[q.start:q.end], start=q.start, end=q.end, value=value,
                               unit=q.unit, dimension=q.dimension, bound=q.bound, counts=q.counts,
                               unit_name=q.unit_name, unit_guess=q.unit_guess, range=rng, change=q.change))
    return result


def _link_by_changes(sc: _Scanner, qs: list[Q], ids: dict[int, str]) -> None:
    """'fell 12% to $4.2bn from $4.8bn', 'more than doubled from 1.2m to 2.9m': the stated amount of change
    gets the ids of both ends when a from/to pair sits in the same sentence."""
    def sent(q: Q):
        tok = sc.token(q.start)
        return tok.sent.start if tok is not None else None

    pairs = [q for q in qs if q.change and q.change.get("type") == "from_to" and q.change["from"] == ids[id(q)]]
    for q in qs:
        if not q.change or q.change.get("type") not in ("by", "factor"):
            continue
        for p in pairs:
            if sent(p) == sent(q):
                q.change = {**q.change, "from": p.change["from"], "to": p.change["to"]}
                break


def _ellipsis(sc: _Scanner, qs: list[Q]) -> None:
    """'435 homes by open sale and 187 by tender': a bare number takes the unit of its neighbour in the
    same sentence (the previous one outside parentheses, else a following one): counts, money, mass,
    area and volume ("of the 3.6 million tonnes, 2.1 million came from the north")."""
    text = sc.text

    def sent(q: Q):
        tok = sc.token(q.start)
        return tok.sent.start if tok is not None else None

    def donor_ok(d: Q) -> bool:
        return d.has_unit and d.unit not in ("%", "pp", "bp", "yr") \
            and d.dimension in ("count", "currency", "mass", "area", "volume") \
            and d.kind != "range" and d.change is None or (d.has_unit and d.unit_name == "point")

    for n, q in enumerate(qs):
        if q.has_unit or q.kind != "digits" or q.value is None or q.extras.get("rating"):
            continue
        whole = _opening_whole(sc, qs[:n], q)
        if whole is not None:
            _share_unit(whole, q)
            q.extras["inherited"] = True
            continue
        before = text[max(0, q.start - 12):q.start]
        if re.search(r"(?i)\b(?:of|is|was|be|are|were|up|down)\s$", before) or \
                re.match(r"(?i)\s(?:is|was|are|were|others|other|more)\b", text[q.end:q.end + 8]):
            continue
        s0 = sent(q)
        donor = None
        for d in reversed(qs[:n]):
            if sent(d) != s0:
                break
            if text.count("(", d.start, q.start) > text.count(")", d.start, q.start) or \
                    re.search(r"\(\s*$", text[max(0, d.start - 3):d.start]) or d.unit in ("%", "pp", "bp"):
                continue
            donor = d
            break
        if donor is None or not donor_ok(donor):
            donor = None
            for d in qs[n + 1:]:
                if sent(d) != s0:
                    break
                if re.match(r"^[\s,]*(?:while|and|up|down|[,)])", text[q.end:d.start]) or d.start - q.end < 60:
                    donor = d
                break
        if donor is not None and donor_ok(donor) and donor.value and \
                1e-3 < abs(q.value / donor.value) < 1e3:
            _share_unit(donor, q)
            if donor.unit == "count":
                q.extras["inherited"] = True


# "Of the 250 people on board, 180 were rescued, 40 died ...": a sentence that opens on its whole.
_OPENS_ON_WHOLE = re.compile(r"^\W{0,2}Of\s+the\s+$")


def _opening_whole(sc: _Scanner, before: list[Q], q: Q) -> Q | None:
    """The whole a sentence opens on ("Of the 250 people on board, ..."), when q is a bare number after it in
    that sentence and no larger: every bare number there counts the same thing ("180 were rescued", "40 died").
    Unlike the neighbour rule of `_ellipsis`, a subject before "were"/"are" qualifies: the opening names it."""
    tok = sc.token(q.start)
    if tok is None:
        return None
    s0 = tok.sent.start_char
    for w in before:
        if w.start < s0 or not _OPENS_ON_WHOLE.match(sc.text[s0:w.start]):
            continue
        if w.unit == "count" and w.counts and w.kind != "range" and w.change is None and w.value \
                and q.value <= w.value and sc.text.count("(", w.end, q.start) <= sc.text.count(")", w.end, q.start):
            return w
        return None
    return None


# The words that restate an amount in another unit or currency: "..., or about ...", "..., equivalent to ...".
CONVERSION_LINK = r"(?:or|(?:the\s+)?equivalent\s+(?:to|of)|equal\s+to)"
_CONVERTED_TO = re.compile(rf"^\s*(?:\(\s*|,?\s*{CONVERSION_LINK}\s+)(?:(?:about|around|roughly|some|approximately|"
                           r"nearly|almost)\s+)?$", re.I)


# Words after a number and "m" that make the "m" metres ("400m-long", "the 800 m race").
_METRE_WORDS = (r"(?:long|high|tall|wide|deep|away|below|above|freestyle|sprint|race|hurdles|relay|dash|run|length"
                r"|height|depth)\b")


# "call 0161 555 0199", "+44 20 7946 0958", "555-867-5309": digits to dial, not amounts.
_PHONE = re.compile(r"(?<![\d,.])(?:\+\d{1,3}[ -]?)?\(?0\d{1,4}\)?(?:[ -]\d{2,4}){2,3}(?![\d,.])"
                    r"|(?<![\d,.])\+\d{1,3}(?:[ -]\d{1,4}){2,4}(?![\d,.])|\b\d{3}[-.]\d{3}[-.]\d{4}\b")


def _in_phone_number(text: str, q: Q) -> bool:
    window_start = max(0, q.start - 20)
    return any(m.start() + window_start <= q.start and q.end <= m.end() + window_start
               for m in _PHONE.finditer(text[window_start:q.end + 20]))


# What makes a spaced "m" metres ("300 m tall", "12 m wide", "800 m race", "2,438 m (8,000 ft)").
_METRES_AFTER = re.compile(rf"[\s-]?{_METRE_WORDS}|\s?\(\s?[\d.,]+\s?(?:ft|feet|foot|yards?)\b", re.I)


# A tally named before its number: "the death toll stood at 87", "the number of dead at 14".
_TALLY_BEFORE = re.compile(r"(?:\b(?:(?P<death>death|casualty)\s+)?(?:toll|tally)|\bnumber\s+of\s+"
                           r"(?P<what>dead|deaths|victims|casualties|injured|missing|wounded))\b[^.;\d]{0,30}?"
                           r"\b(?:at|to|of|reached|hit)\s+(?:about\s+|around\s+|some\s+|nearly\s+|at\s+least\s+)?$",
                           re.I)


# A number naming a step on a scale, not a count of what follows it.
_SCALE_BEFORE = re.compile(r"\b(?:magnitude|category|level|grade|phase|stage|force)\s$", re.I)


def _converted_dollars(text: str, qs: list[Q]) -> None:
    """'A$6.7bn (about $4.3bn)': a bare $ converting an amount in another dollar is not that dollar
    (nobody converts A$ into A$), so it is the US dollar."""
    for a, b in zip(qs, qs[1:]):
        if b.unit_guess and a.unit == b.unit and a.unit_guess is None and a.dimension == "currency" \
                and a.unit != "USD" and _CONVERTED_TO.match(text[a.end:b.start]):
            b.unit, b.unit_name = "USD", cur.readable("USD")
            b.unit_guess = f"bare $ read as USD: it converts {text[a.start:a.end]!r}"


def _link(frm: Q, to: Q, ids: dict[int, str], written: str) -> None:
    direction = None
    if frm.value is not None and to.value is not None:
        direction = "up" if to.value > frm.value else "down" if to.value < frm.value else "same"
    change = {"type": "from_to", "from": ids[id(frm)], "to": ids[id(to)],
              "from_value": None if frm.value is None else tidy(frm.value),
              "to_value": None if to.value is None else tidy(to.value), "direction": direction,
              "written": written}
    frm.change = change
    to.change = dict(change)


# A conversion or aside in parentheses between the two ends of a change: "to €3.8 billion ($4.3 billion) from",
# or set off by commas: "42 billion euros, or 35% of the total, up from 38.5 billion euros".
_PARENTHESIS = re.compile(r"\s*\([^()]*\)")
_OR_ASIDE = re.compile(r",\s*or\s+[^,;.()]{0,60}?(?=,)")
_OPEN_ASIDE = re.compile(r",\s*or\s+[^,;.()]{0,60}$")


def _next_outside_parentheses(text: str, qs: list[Q], n: int) -> int | None:
    """The index of the quantity after qs[n], past any set in parentheses or in a ', or ...,' aside after it
    ("€3.8 billion ($4.3 billion) from €3.5 billion": the conversion is not the other end of the change)."""
    for k in range(n + 1, len(qs)):
        between = text[qs[n].end:qs[k].start]
        if between.count("(") <= between.count(")") and not _OPEN_ASIDE.search(_OR_ASIDE.sub("", between)):
            return k
    return None


# Words of a time expression between the two ends of a change ("to €88 million in the first half from €70
# million a year earlier"), for when the tagger does not mark it as a date; and the little words that
# attach such an expression.
_TIME_WORD = re.compile(r"(?i)(?:quarters?|half|halves|period|years?|months?|weeks?|days?|season|ago|earlier|last|"
                        r"same|previous|prior|first|second|third|fourth|final|fiscal|full|comparable|corresponding|"
                        r"spring|summer|autumn|winter|"
                        r"year-earlier|year-ago|yesterday|overnight|today|Q[1-4]|H[12]|(?:19|20)\d\d|"
                        r"(?:mon|tues|wednes|thurs|fri|satur|sun)day|jan(?:uary)?|feb(?:ruary)?|march|april|may|"
                        r"june|july|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")
_TIME_GLUE = {"in", "on", "at", "during", "for", "over", "the", "a", "an", "this", "its", "their", "of", "since"}


# "Unemployment was 5.9% in June. That was down from 6.4% in May": the next sentence gives the earlier figure.
_NEXT_SENTENCE_FROM = re.compile(r"^(?:\s[\w-]+){0,2}?\.\s(?:That|This|It)(?:\s(?:was|is|were|are)|'s)?\s(?:up|down)\s"
                                 r"from\s(?:(?:about|around|some|nearly|almost)\s)?$")
_UP_FROM_AFTER = re.compile(r"\s*,\s(?:up|down)\sfrom\s", re.I)


def _gap_without_time(sc: _Scanner, start: int, end: int) -> str:
    """The words between two figures with asides and time expressions left out, so that a date does not
    keep a change's two ends apart."""
    text = sc.text
    cut = [(m.start() + start, m.end() + start) for m in _PARENTHESIS.finditer(text[start:end])]
    cut += [(m.start() + start, m.end() + start) for m in _OR_ASIDE.finditer(text[start:end])]
    first = bisect.bisect_left(sc.starts, start)
    toks = [t for t in sc.doc[first:] if t.idx + len(t.text) <= end] if first < len(sc.doc) else []
    toks = [t for t in toks if not t.is_space and not any(s <= t.idx < e for s, e in cut)]
    drop = [t.ent_type_ in ("DATE", "TIME") or bool(_TIME_WORD.fullmatch(t.text)) for t in toks]
    for i in range(len(toks) - 2, -1, -1):
        if not drop[i] and toks[i].lower_ in _TIME_GLUE and drop[i + 1]:
            drop[i] = True
    words = " ".join(t.text for t, d in zip(toks, drop) if not d)
    tail = " " if end > start and text[end - 1].isspace() else ""
    return re.sub(r"\s+([,;.])", r"\1", f" {words}{tail}" if words else tail)


def _points_of_percentages(sc: _Scanner, qs: list[Q]) -> None:
    """'fell 3 points to 12%', 'a drop of 3 points' after 'from 15% to 12%', 'was 41%, up from 37%, a rise of
    4 points', '58% against 31%, a gap of 27 points': a change or gap of percentages counted in points is in
    percentage points."""
    for n, q in enumerate(qs):
        if q.unit != "count" or q.counts != "point" or (q.change or {}).get("type", "by") != "by":
            continue
        # The points move a percentage given right after them ("3 points to 12%", "up 9.1 points from
        # 63.3%") or linked to them as a from/to pair; not "fell 30 points, or 1.2%" (index points).
        after = next((o for o in qs if o.start >= q.end), None)
        next_to = after is not None and after.unit == "%" and re.fullmatch(
            r"\s+(?:to|from)\s+(?:about\s+|around\s+|nearly\s+)?", sc.text[q.end:after.start])
        tok = sc.token(q.start)
        s0 = tok.sent.start_char if tok is not None else max(0, q.start - 120)
        lead = sc.text[s0:q.start]
        # A rate stated earlier in the sentence, as a level: "rose 1.2%, a gain of 90 points" moves an index
        # twice over (a change in per cent and in points), "was 41%, ... a rise of 4 points" moves the rate.
        level = next((o for o in reversed(qs[:n]) if o.start >= s0 and o.unit == "%"), None)
        # ("up 0.25 points, or 0.01%": a rate after ", or" restates a change, it is no level)
        after_level = level is not None and (level.change or {}).get("type") != "by" \
            and not re.search(r",?\s+or\s+(?:about\s+|around\s+)?$", sc.text[max(0, level.start - 12):level.start])
        if not next_to and not after_level and not re.search(
                r"(?i)\bfrom\s+[\d.]+\s?(?:%|percent)\s+to\s+[\d.]+\s?(?:%|percent)", lead):
            continue
        moved = CHANGE_BEFORE_RE.search(sc.text[max(0, q.start - 40):q.start])
        gap = GAP_BEFORE_RE.search(sc.text[max(0, q.start - 40):q.start])
        if q.change is None and moved is None and not (gap and after_level):
            continue
        q.unit, q.unit_name, q.dimension, q.counts, q.pint = "pp", "percentage point", "percentage", None, None
        if q.change is None and moved is not None:
            q.change = {"type": "by", "direction": "up" if moved.group("up") else "down"}


# A difference between two figures named as such: "a difference of 17 points", "a gap of 4 points".
GAP_BEFORE_RE = re.compile(r"(?i)\b(?:difference|gap|lead|margin|spread)\s+(?:of\s+)?"
                           r"(?:(?:about|around|nearly|almost|just|some|more than|less than)\s+)?$")


def _sentence_text(sc: _Scanner, q: Q) -> str:
    tok = sc.token(q.start)
    return tok.sent.text if tok is not None else sc.text[max(0, q.start - 200):q.end + 200]


def _changes(sc: _Scanner, qs: list[Q]) -> None:
    """Mark 'fell by 12%', 'a 60% drop', and link 'to X from Y' pairs."""
    text = sc.text
    for n, q in enumerate(qs):
        if q.change is not None:
            continue
        before = text[max(0, q.start - 40):q.start]
        m = CHANGE_BEFORE_RE.search(before)
        # "an operating loss of 48.6 billion yen", "lost $2 million": money lost is a result, not a change of it,
        # unless the sentence gives the change ("shrank from 6,190 to 5,468 million euros, a loss of 722 million")
        result = q.dimension == "currency" and m is not None \
            and re.search(r"(?i)\b(?:loss of|lost|lose|loses)\b", m.group(0)) \
            and not re.search(r"(?i)\bfrom\b[^.;]*\bto\b", _sentence_text(sc, q))
        # "investment gains of $31 million, up from $10 million": a level that itself changed, not a change
        result = result or q.unit not in ("%", "pp", "bp") and bool(_UP_FROM_AFTER.match(text, q.end))
        if m and not result and (q.unit in ("%", "pp", "bp") or re.search(r"(?i)\s(?:by|of)\s*$", m.group(0))):
            q.change = {"type": "by", "direction": "up" if m.group("up") else "down"}
            continue
        m2 = RELATIVE_NOUN_AFTER_RE.match(text[q.end:q.end + 15])
        if m2 and q.unit in ("%", "pp", "bp"):
            q.change = {"type": "by", "direction": "up" if m2.group("up") else "down"}
            continue
        k = _next_outside_parentheses(text, qs, n)
        if k is not None and FROM_BEFORE_RE.search(before) and "from_of" not in q.extras:
            q2 = qs[k]
            gap = _gap_without_time(sc, q.end, q2.start)
            if q2.change is None and (q2.unit == q.unit or q2.unit is None) and q.unit is not None and \
                    re.match(r"^(?:\s[\w-]+){0,4}?,?\s(?:to)\s(?:(?:about|around|some|nearly|almost)\s)?$", gap):
                if q2.unit is None:
                    _share_unit(q, q2)
                q.extras["from_of"] = q2     # "from 20 miles per gallon in 2008 to 29 mpg"
                continue
        if k is None:
            continue
        q2 = qs[k]
        gap = _gap_without_time(sc, q.end, q2.start)
        # "rose to X in the second quarter from Y"; and after any verb, "closed at X on Friday, up from Y"
        linked = TO_BEFORE_RE.search(before) and re.match(
            r"^(?:\s[\w-]+){0,2}?,?(?:\s(?:up|down))?\s(?:from)\s(?:(?:about|around|some|nearly|almost)\s)?$", gap) \
            or not re.search(r"(?i)\bby\s$", before) and re.match(
                r"^(?:\s[\w-]+){0,2}?,\s(?:up|down)\s(?:from)\s(?:(?:about|around|some|nearly|almost)\s)?$", gap) \
            or _NEXT_SENTENCE_FROM.match(gap)
        # "$82 a barrel, up from $74": the earlier price is per barrel too
        if linked and q2.change is None and q2.unit in (q.unit, None, (q.unit or "").split("/")[0]):
            if q2.unit is None:
                _share_unit(q, q2)
            q.extras["to_of"] = q2


# Words before an amount that make "pounds" money, not weight ("fined him 8,000 pounds", "a salary of 900 pounds").
_MONEY_BEFORE = re.compile(r"\b(?:fined?|fines|paid|pays?|cost|costs|worth|spent|spends?|salary|wages?|fees?|prices?|"
                           r"priced|charged|raised|awarded|compensation|damages|budget|bill|bonus|owed|owes|donated|"
                           r"sold for|bought for|rent|refund|grant|loan|debt|tax|taxes)\b[^.;\n\d]{0,30}$", re.I)
_TIMES_COMPARED = re.compile(r"\s+(?:higher|more|larger|greater|bigger|lower|smaller|faster|slower|"
                             r"longer|as|the)\b", re.I)


def _multipliers(text: str, qs: list[Q]) -> list[Q]:
    """'more than double', 'tripled', 'twice': a change by a factor, as a ratio quantity."""
    out = []
    factors = {"doubl": 2, "twice": 2, "tripl": 3, "quadrupl": 4, "halv": 0.5}
    taken = [(q.start, q.end) for q in qs]
    for m in MULTIPLIER_RE.finditer(text):
        if any(s <= m.start() < e for s, e in taken):
            continue
        w = m.group("w").lower()
        if not m.group("b") and not re.fullmatch(r"(?:doubl|tripl|quadrupl|halv)ed", w):
            continue                    # bare "twice", "double-digit": not a stated change; "tripled" is
        factor = next(v for k, v in factors.items() if w.startswith(k))
        bound = {"more than ": "more_than", "less than ": "less_than", "over ": "more_than",
                 "well over ": "more_than", "nearly ": "about", "almost ": "about",
                 "about ": "about"}.get((m.group("b") or "").lower(), "exact")
        q = Q(m.start(), m.end(), factor, unit="times", dimension="ratio", unit_name="times", bound=bound,
              kind="multiplier", has_unit=True)
        q.change = {"type": "factor", "factor": factor, "direction": "up" if factor > 1 else "down"}
        out.append(q)
    return out
