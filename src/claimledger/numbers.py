"""Numbers as written in news: digits with separators, decimals and fractions, number words and scale words.

Everything here is pure string work (no spaCy), so quantities.py and the findings checks share one reading
of "4.2bn", "twenty-eight thousand six hundred forty-two" or "half a million".
"""

from __future__ import annotations

import re

UNITS_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
TENS_WORDS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
              "eighty": 80, "ninety": 90}
# Scale words multiply what precedes them; abbreviations only count right after a digit (see SCALE_ABBR).
SCALE_WORDS = {"hundred": 1e2, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12,
               "lakh": 1e5, "lakhs": 1e5, "crore": 1e7, "crores": 1e7}
SCALE_ABBR = {"k": 1e3, "K": 1e3, "m": 1e6, "M": 1e6, "mn": 1e6, "mln": 1e6, "mil": 1e6, "mill": 1e6,
              "b": 1e9, "bn": 1e9, "bln": 1e9, "B": 1e9, "tn": 1e12, "trn": 1e12, "tr": 1e12, "T": 1e12}
FRACTION_WORDS = {"half": 0.5, "quarter": 0.25, "third": 1 / 3, "thirds": 1 / 3, "quarters": 0.25,
                  "fifth": 0.2, "fifths": 0.2, "tenth": 0.1, "tenths": 0.1}
# "a dozen", "a score" count as exact numbers; plural vague forms ("dozens", "hundreds") are ranges.
GROUP_WORDS = {"dozen": 12, "gross": 144}
VAGUE_PLURALS = {"dozens": 12, "scores": 20, "hundreds": 1e2, "thousands": 1e3, "millions": 1e6,
                 "billions": 1e9, "trillions": 1e12}
UNICODE_FRACTIONS = {"½": 0.5, "¼": 0.25, "¾": 0.75, "⅓": 1 / 3, "⅔": 2 / 3, "⅛": 0.125}

_WORD = "|".join(sorted(list(UNITS_WORDS) + list(TENS_WORDS), key=len, reverse=True))
# A run of number words: "twenty-eight thousand six hundred forty-two", "four thousand", "a hundred".
WORD_NUMBER = (rf"(?:(?:{_WORD})(?:-(?:{_WORD}))?|a(?=[ -](?:hundred|thousand|million|billion|trillion|dozen)\b))"
               rf"(?:[ -](?:and[ -])?(?:(?:{_WORD})(?:-(?:{_WORD}))?"
               r"|hundred|thousand|million|billion|trillion|dozen))*")
# Digits: 1,234,567.89 / 12,34,567 (Indian grouping) / 1 234 567 is not handled (ambiguous with lists).
DIGITS = r"(?:\d{1,3}(?:,\d{2,3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)"
NUMBER_WORD_RE = re.compile(rf"\b{WORD_NUMBER}\b", re.I)


def parse_digits(s: str) -> float | None:
    """'1,234.5' -> 1234.5; '12,34,567.89' -> 1234567.89; '.5' -> 0.5; '1/16' -> 0.0625."""
    s = s.strip().replace("\u2212", "-").replace("\u2044", "/")
    if "/" in s:
        a, _, b = s.partition("/")
        try:
            den = float(b)
            return float(a) / den if den else None
        except ValueError:
            return None
    try:
        return float(s.replace(",", ""))
    except ValueError:
        return None


def parse_words(s: str) -> float | None:
    """Number words to a value: 'twenty-eight thousand six hundred forty-two' -> 28642, 'a dozen' -> 12."""
    toks = [t for t in re.split(r"[\s-]+", s.lower().strip()) if t and t != "and"]
    if not toks:
        return None
    total, current, seen = 0.0, 0.0, False
    for i, t in enumerate(toks):
        if t in ("a", "an"):
            if i + 1 < len(toks):
                current = 1.0 if current == 0 else current
                seen = True
                continue
            return None
        if t in UNITS_WORDS:
            current += UNITS_WORDS[t]
        elif t in TENS_WORDS:
            current += TENS_WORDS[t]
        elif t in GROUP_WORDS:
            current = (current or 1.0) * GROUP_WORDS[t]
        elif t == "hundred":
            current = (current or 1.0) * 100
        elif t in SCALE_WORDS:
            total += (current or 1.0) * SCALE_WORDS[t]
            current = 0.0
        else:
            return None
        seen = True
    return total + current if seen else None


def scale_of(word: str) -> float | None:
    """The multiplier of a scale word or abbreviation ('million' -> 1e6, 'bn' -> 1e9), else None."""
    w = word.strip().rstrip(".")
    if w.lower() in SCALE_WORDS:
        return SCALE_WORDS[w.lower()]
    return SCALE_ABBR.get(w)


def tidy(value: float) -> float | int:
    """Plain number for the report: 5000000000.0 -> 5000000000, 0.1+0.2 -> 0.3 (rounded to 10 digits)."""
    v = round(value, 10)
    if v == int(v) and abs(v) < 1e18:
        return int(v)
    return float(f"{v:.12g}")
