"""Dates: the publication date, and (issue 5) date expressions resolved against it.

`extract` finds date expressions with a small TimeML-style grammar of regular expressions (one pass
over the text), adds spaCy DATE entities the grammar does not cover, and resolves each against the
publication date. Values follow the TimeML/TempEval-3 conventions: `2013-03-14`, `2013-03`, `2013`,
`2013-W12` (ISO week), `2013-W12-WE` (weekend), `2013-Q1`, `2013-H1`, `2013-SU`, `199X` (decade),
`19` (century), `PRESENT_REF` / `PAST_REF` / `FUTURE_REF`, and None when the text does not pin a date.

Relative forms need a direction that the words alone often do not give ("on Tuesday", "in March"):
it comes from the tense of the governing verb in the spaCy parse ("met" -> the most recent Tuesday,
"will meet" -> the next one).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

from spacy.tokens import Doc

from .nlp import datelines
from .report import DateMention


def published_date(value: object) -> dt.date | None:
    """The date of an already validated publication date ('YYYY-MM-DD…'), or None when absent or unreadable."""
    if not value:
        return None
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


PUBLISHED_YEARS = (1600, 2999)


def parse_published(value: str, origin: str = "--published") -> str:
    """Validate a publication date given as YYYY-MM-DD (a time part is accepted and dropped)."""
    from .pipeline import InputError

    raw = str(value).strip()
    day, _, rest = raw.partition("T") if "T" in raw else raw.partition(" ")
    try:
        if rest:
            dt.time.fromisoformat(rest.rstrip("Z").split("+")[0])
        date = dt.date.fromisoformat(day)
    except ValueError:
        raise InputError(origin, f"bad publication date {value!r} (expected YYYY-MM-DD)") from None
    if not PUBLISHED_YEARS[0] <= date.year <= PUBLISHED_YEARS[1]:
        # Relative dates are resolved by date arithmetic, which has no year 0 or 10000.
        raise InputError(origin, f"publication date {value!r} is outside the years "
                                 f"{PUBLISHED_YEARS[0]}-{PUBLISHED_YEARS[1]}")
    return date.isoformat()


# ---------------------------------------------------------------------------------------------
# Vocabulary

MONTHS = {"january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
          "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
          "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
          "sept": 9, "oct": 10, "nov": 11, "dec": 12}
WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5,
            "sunday": 6, "mon": 0, "tue": 1, "tues": 1, "wed": 2, "thu": 3, "thur": 3, "thurs": 3,
            "fri": 4, "sat": 5, "sun": 6}
NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
           "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15,
           "twenty": 20, "thirty": 30, "fifty": 50, "hundred": 100}
ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4,
            "final": 4, "last": 4}
SEASONS = {"spring": "SP", "summer": "SU", "fall": "FA", "autumn": "FA", "winter": "WI"}
SEASON_START = {"WI": 12, "SP": 3, "SU": 6, "FA": 9}
DAY_PARTS = {"morning": "TMO", "afternoon": "TAF", "evening": "TEV", "night": "TNI"}
REF_WORDS = {"now": "PRESENT_REF", "currently": "PRESENT_REF", "nowadays": "PRESENT_REF",
             "these days": "PRESENT_REF", "at present": "PRESENT_REF", "presently": "PRESENT_REF",
             "recently": "PAST_REF", "lately": "PAST_REF", "the past": "PAST_REF",
             "the future": "FUTURE_REF"}
# Month/weekday names that are also ordinary words; they count only when capitalized and, for
# these, only when spaCy does not read them as a verb or modal ("May I", "they march").
ABBREVIATED_MONTHS = {"jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"}
AMBIGUOUS_NAMES = {"may", "march", "august", "sun", "sat", "wed", "mar", "jan", "sep", "dec"}

_MONTH_RE = (r"(?:jan(?:uary|\.)?|feb(?:ruary|\.)?|mar(?:ch|\.)?|apr(?:il|\.)?|may|june|jun\.?|july|jul\.?|"
             r"aug(?:ust|\.)?|sept?(?:ember|\.)?|oct(?:ober|\.)?|nov(?:ember|\.)?|dec(?:ember|\.)?)")
_WEEKDAY_RE = (r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|"
               r"(?:mon|tues?|wed|thu(?:rs?)?|fri|sat|sun)\.)")
_NUM_RE = r"(?:\d{1,3}|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|fifty|a\s+hundred|several|a\s+few|a\s+couple\s+of|few|many)"
_MOD_RE = (r"(?:(?P<mod>early|late|mid|earlier|later|the\s+(?:end|beginning|start|middle|close)\s+of)"
           r"(?:\s+|-))?")
_UNITS_WORDS = r"(?:one|two|three|four|five|six|seven|eight|nine)"
_TEENS_WORDS = r"(?:ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen)"
_TENS_WORDS = r"(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)"
# Broadcast transcripts spell years out: "nineteen ninety-six", "two thousand and one".
_SPELLED_YEAR_RE = (r"(?:nineteen\s+(?:" + _TENS_WORDS + r"(?:[\s-]+" + _UNITS_WORDS + r")?|" + _TEENS_WORDS +
                    r"|oh[\s-]+" + _UNITS_WORDS + r")|two\s+thousand(?:\s+(?:and\s+)?(?:" + _UNITS_WORDS + r"|" +
                    _TEENS_WORDS + r"))?)")
_YEAR_RE = r"(?:1[5-9]\d\d|20\d\d|" + _SPELLED_YEAR_RE + r")"
_WORD_VALUES = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen".split())}
_WORD_VALUES.update({w: 10 * i for i, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split(), 2)})


def year_number(text: str) -> int:
    """1996 from "1996" or "nineteen ninety-six"; 2001 from "two thousand and one"."""
    text = text.strip().lower()
    if text.isdigit():
        return int(text)
    words = [w for w in re.split(r"[\s-]+", text) if w not in ("and", "oh")]
    if words[:2] == ["two", "thousand"]:
        return 2000 + sum(_WORD_VALUES[w] for w in words[2:])
    return 100 * _WORD_VALUES[words[0]] + sum(_WORD_VALUES[w] for w in words[1:])


@dataclass
class Anchor:
    """What a mention is resolved against: the publication date and the tense around the mention."""

    date: dt.date | None
    tense: str | None        # "past", "future", "present" or None
    quarterly: bool          # the sentence (or the one before) speaks of quarters/fiscal periods
    prep: str = ""           # the word before the mention, lower-cased ("since", "in", ...)


Resolver = Callable[[re.Match, Anchor], "str | None"]
RULES: list[tuple[str, re.Pattern, Resolver]] = []
RESOLVERS: dict[str, Resolver] = {}


def rule(name: str, pattern: str) -> Callable[[Resolver], Resolver]:
    """Register a grammar rule: a case-insensitive pattern and the function resolving its match."""

    def register(fn: Resolver) -> Resolver:
        # Not inside a number: "90,000 years ago" is no "000 years ago".
        RULES.append((name, re.compile(r"(?<![\w'-])(?<!\d[,.])(?:" + pattern + r")(?![\w-])", re.I), fn))
        RESOLVERS[name] = fn
        return fn

    return register


# ---------------------------------------------------------------------------------------------
# Calendar helpers

def _month_num(word: str) -> int:
    return MONTHS[word.lower().rstrip(".")]


def _iso_week(d: dt.date) -> str:
    year, week, _ = d.isocalendar()
    return f"{year}-W{week:02d}"


def _add_months(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def _count(word: str | None) -> int | None:
    if word is None:
        return None
    w = re.sub(r"\s+", " ", word.lower())
    if w.isdigit():
        return int(w)
    if w == "a hundred":
        return 100
    return NUMBERS.get(w)


def _direction(rel: str | None, tense: str | None, default: str | None = None) -> str | None:
    """'past', 'future' or None (same period as the anchor) from a modifier word, else the tense."""
    rel = (rel or "").lower()
    if rel in ("last", "past", "previous", "prior", "since"):
        return "past"
    if rel in ("next", "coming", "upcoming", "following"):
        return "future"
    if rel in ("this", "current"):
        return None
    if tense == "past":
        return "past"
    if tense == "future":
        return "future"
    return default


# How far (months) the nearest occurrence may sit on the wrong side of a tense before the tense wins.
# The past tense often comes from a reporting verb ("said ... Dec. 1"), so it needs slack; an
# explicit future ("will", "going to") is rarely misattached and wins at once.
PAST_SLACK = 4
FUTURE_SLACK = 0


def _year_for(month: int, day: int, anchor: dt.date, direction: str | None, strict: bool = False) -> int:
    """The year putting `month` (and `day`, 0 if unknown) nearest the anchor. A direction overrides
    that when the nearest occurrence is months away on the wrong side: tense is too noisy to trust
    close by. `strict`: the direction is explicit in the words ("since August") and always wins."""
    if day:
        gaps = [(dt.date(anchor.year + k, month, min(day, 28)) - anchor).days / 30.4 for k in (-1, 0, 1)]
    else:
        # Whole months: the anchor's own month is "now", neither past nor future.
        gaps = [12 * k + month - anchor.month for k in (-1, 0, 1)]
    nearest = min(range(3), key=lambda i: abs(gaps[i]))
    if direction == "past" and gaps[nearest] > 0 and (strict or gaps[nearest] >= PAST_SLACK):
        nearest -= 1
    elif direction == "future" and gaps[nearest] < 0 and (strict or gaps[nearest] <= -FUTURE_SLACK):
        nearest += 1
    return anchor.year + nearest - 1


def _quarter(d: dt.date) -> int:
    return (d.month - 1) // 3 + 1


def _latest_quarter(d: dt.date) -> tuple[int, int]:
    """The quarter a report published on `d` most likely speaks of: the last one completed."""
    q = _quarter(d) - 1
    return (d.year, q) if q else (d.year - 1, 4)


# ---------------------------------------------------------------------------------------------
# Grammar: each rule's pattern and how its match is resolved. Spans follow TimeML: determiners
# and modifiers ("the", "last", "early") belong to the expression, prepositions ("on", "in") do not.

@rule("iso_date", r"(?P<y>\d{4})-(?P<m>\d\d)-(?P<d>\d\d)")
def _iso_date(m: re.Match, a: Anchor) -> str | None:
    return _safe_date(int(m["y"]), int(m["m"]), int(m["d"]))


@rule("slash_date", r"(?P<m>\d{1,2})/(?P<d>\d{1,2})/(?P<y>\d{4}|\d\d)")
def _slash_date(m: re.Match, a: Anchor) -> str | None:
    year = int(m["y"])
    if year < 100:
        year += 1900 if year > 30 else 2000
    return _safe_date(year, int(m["m"]), int(m["d"]))


def _safe_date(year: int, month: int, day: int) -> str | None:
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


@rule("month_day", _MOD_RE + r"(?:(?P<rel>last|next|this|this\s+past|this\s+coming)\s+)?"
      r"(?:" + _WEEKDAY_RE + r",?\s+)?(?P<month>" + _MONTH_RE + r")\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?"
      r"(?:,?\s+(?P<year>" + _YEAR_RE + r"))?")
def _month_day(m: re.Match, a: Anchor) -> str | None:
    return _day_of(int(m["day"]), _month_num(m["month"]), m["year"], a, (m["rel"] or "").split()[-1:])


@rule("day_month", r"(?:the\s+)?(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<month>" + _MONTH_RE + r")"
      r"(?:,?\s+(?P<year>" + _YEAR_RE + r"))?")
def _day_month(m: re.Match, a: Anchor) -> str | None:
    return _day_of(int(m["day"]), _month_num(m["month"]), m["year"], a)


def _day_of(day: int, month: int, year: str | None, a: Anchor, rel: list[str] | None = None) -> str | None:
    if year:
        return _safe_date(year_number(year), month, day)
    if a.date is None:
        return None
    # An explicit "last Oct. 23" / "since May 5" / "next June 1" fixes the side of the anchor.
    explicit = (rel or [""])[0] if (rel or [""])[0] in ("last", "past", "next", "coming") else (
        a.prep if a.prep == "since" else "")
    return _safe_date(_year_for(month, day, a.date, _direction(explicit, a.tense), strict=bool(explicit)),
                      month, day)


@rule("month_year", _MOD_RE + r"(?P<month>" + _MONTH_RE + r"),?\s+(?:of\s+)?(?:(?P<year>" + _YEAR_RE + r")|"
      r"(?P<rel>this|last|next)\s+year)")
def _month_year(m: re.Match, a: Anchor) -> str | None:
    if m["year"]:
        return f"{year_number(m['year'])}-{_month_num(m['month']):02d}"
    if a.date is None:
        return None
    year = a.date.year + {"this": 0, "last": -1, "next": 1}[m["rel"].lower()]
    return f"{year}-{_month_num(m['month']):02d}"


@rule("month", _MOD_RE + r"(?:(?P<rel>last|next|this|past|coming)\s+)?(?P<month>" + _MONTH_RE + r")")
def _month(m: re.Match, a: Anchor) -> str | None:
    if a.date is None:
        return None
    month = _month_num(m["month"])
    rel = (m["rel"] or "").lower()
    if rel == "this":
        return f"{a.date.year}-{month:02d}"
    explicit = rel or (a.prep if a.prep == "since" else "")
    year = _year_for(month, 0, a.date, _direction(explicit, a.tense), strict=bool(explicit))
    if rel in ("last", "past") and month == a.date.month:
        year -= 1
    elif rel in ("next", "coming") and month == a.date.month:
        year += 1
    return f"{year}-{month:02d}"


@rule("weekday", r"(?:(?:early|late|earlier|later)\s+)?"
      r"(?:(?P<rel>last|next|this|this\s+coming|coming|upcoming|past|this\s+past|that|the\s+following|"
      r"the\s+previous)\s+)?"
      r"(?P<wd>" + _WEEKDAY_RE + r")(?:(?:\s+|-)(?P<part>morning|afternoon|evening|night))?")
def _weekday(m: re.Match, a: Anchor) -> str | None:
    if a.date is None:
        return None
    want = WEEKDAYS[m["wd"].lower().rstrip(".")]
    rel = re.sub(r"^(?:the|this)\s+", "", re.sub(r"\s+", " ", (m["rel"] or "").lower()))
    have = a.date.weekday()
    if rel in ("last", "past", "previous"):
        delta = -((have - want) % 7 or 7)
    elif a.prep == "since":
        delta = -((have - want) % 7)   # "since Tuesday" in Tuesday's paper: since this morning, not a week
    elif rel in ("next", "coming", "upcoming", "following") or a.prep in FORWARD_WORDS:
        delta = (want - have) % 7 or 7
    elif a.prep == "by" and a.tense != "past" and want != have:
        delta = (want - have) % 7    # "could reach 60 mph by Thursday": a deadline ahead
    elif want == have:
        delta = 0            # news says "Friday" for the day of publication itself
    elif a.tense == "future" or rel == "this" and want > have:
        delta = (want - have) % 7
    else:
        delta = -((have - want) % 7)
    # "Friday night" is still that Friday: TimeML DATE values mostly drop the part of day.
    return (a.date + dt.timedelta(days=delta)).isoformat()


@rule("day_word", r"(?:(?P<mod>early|late|earlier|later)\s+)?(?P<word>today|yesterday|tomorrow|"
      r"the\s+day\s+before\s+yesterday|the\s+day\s+after\s+tomorrow)")
def _day_word(m: re.Match, a: Anchor) -> str | None:
    if a.date is None:
        return None
    word = re.sub(r"\s+", " ", m["word"].lower())
    delta = {"today": 0, "yesterday": -1, "tomorrow": 1, "the day before yesterday": -2,
             "the day after tomorrow": 2}[word]
    return (a.date + dt.timedelta(days=delta)).isoformat()


@rule("story_day", r"(?:the\s+)?(?P<word>following\s+day|next\s+day|previous\s+day|same\s+day"
      r"|day\s+(?:after|before)(?=\s*(?:[,.;:)]|$)))"   # not "the day before the vote": that is its own anchor
      r"|(?P<n>a|an|one|two|three|four|five|six|seven|eight|nine|ten|\d{1,2})\s+(?P<unit>days?|weeks?)\s+"
      r"(?P<dir>later|earlier|afterwards?|before(?=\s*(?:[,.;:)]|$)))")
def _story_day(m: re.Match, a: Anchor) -> str | None:
    """'the following day', 'two days later', 'a day earlier': counted from a day the story named before
    (see `extract`), not from publication; alone it places nothing."""
    return None


def story_shift(m: re.Match) -> int:
    """Days from the story's last named day for a `story_day` match."""
    if m["word"]:
        word = re.sub(r"\s+", " ", m["word"].lower())
        return {"following day": 1, "next day": 1, "day after": 1, "day before": -1, "previous day": -1,
                "same day": 0}[word]
    n = _count(m["n"].lower()) or 1
    days = n * (7 if m["unit"].lower().startswith("week") else 1)
    return days if m["dir"].lower() in ("later", "after", "afterward", "afterwards") else -days


@rule("part_of_day", r"(?P<word>tonight|this\s+(?:morning|afternoon|evening)|last\s+night)")
def _part_of_day(m: re.Match, a: Anchor) -> str | None:
    if a.date is None:
        return None
    word = m["word"].lower().split()
    day = a.date - dt.timedelta(days=1) if word[0] == "last" else a.date
    return day.isoformat() + DAY_PARTS.get(word[-1], "TNI")


@rule("ref", r"(?:right\s+|more\s+|most\s+)?(?P<word>now|currently|nowadays|these\s+days|at\s+present|presently|recently|lately|"
      r"the\s+past|recent|the\s+(?:near\s+)?future|the\s+(?:near|short)\s+term|current)")
def _ref(m: re.Match, a: Anchor) -> str | None:
    word = re.sub(r"\s+", " ", m["word"].lower())
    if word in ("current", "recent"):
        return "PRESENT_REF" if word == "current" else "PAST_REF"
    return REF_WORDS.get(word) or ("FUTURE_REF" if "future" in word or "term" in word else None)


@rule("recent_units", r"(?:the\s+)?(?P<word>recent|coming|future|past)\s+(?:years|months|weeks|days|decades|quarters)|"
      r"(?P<later>a\s+later\s+date)")
def _recent_units(m: re.Match, a: Anchor) -> str | None:
    return "FUTURE_REF" if m["later"] or m["word"].lower() in ("coming", "future") else "PAST_REF"


@rule("year_end", r"(?P<rel>this|last|next)?\s*year(?:'s)?[\s-]end")
def _year_end(m: re.Match, a: Anchor) -> str | None:
    if a.date is None:
        return None
    rel = (m["rel"] or "").lower()
    return str(a.date.year + {"last": -1, "next": 1}.get(rel, 0))


@rule("rel_unit", _MOD_RE + r"(?P<rel>this|(?:the\s+)?last|(?:the\s+)?next|this\s+past|the\s+past|the\s+previous|the\s+coming|the\s+current|"
      r"the\s+following|the\s+prior|the\s+same|the\s+latest|that|the)\s+(?:(?P<kind>fiscal|full|calendar)\s+)?"
      r"(?P<unit>week(?:end)?|month|year|decade|century)")
def _rel_unit(m: re.Match, a: Anchor) -> str | None:
    rel = re.sub(r"^(?:the|this)(?:\s+|$)", "", re.sub(r"\s+", " ", m["rel"].lower()))
    if m["rel"].lower() == "this":
        rel = "this"
    unit = m["unit"].lower()
    if a.date is None:
        return None
    if rel in ("following", "previous", "prior", "same", "that"):
        return None      # relative to a date named earlier in the story, not to publication
    if rel in ("", "latest") and not m["mod"] and unit != "weekend":
        # "the year", "the fiscal year" are the current one in news; "the week" is left open.
        return str(a.date.year) if unit == "year" and rel == "" else None
    step = {"last": -1, "past": -1, "next": 1, "coming": 1}.get(rel, 0)
    return _shift(a.date, unit, step, a.tense if unit == "weekend" and rel in ("", "this") else None)


def _shift(anchor: dt.date, unit: str, step: int, tense: str | None = None) -> str | None:
    """The value of the `unit` (week, month, ...) that is `step` units from the anchor's."""
    if unit == "day":
        return (anchor + dt.timedelta(days=step)).isoformat()
    if unit == "week":
        return _iso_week(anchor + dt.timedelta(weeks=step))
    if unit == "weekend":
        # "The weekend" is the one just gone unless the clause looks ahead or it is already Thursday.
        base = anchor
        if step < 0 or (step == 0 and tense != "future" and anchor.weekday() < 5
                        and (tense == "past" or anchor.weekday() < 3)):
            base = anchor - dt.timedelta(weeks=1)
        elif step > 0:
            base = anchor + dt.timedelta(weeks=1)
        return _iso_week(base) + "-WE"
    if unit == "month":
        year, month = _add_months(anchor.year, anchor.month, step)
        return f"{year}-{month:02d}"
    if unit == "year":
        return str(anchor.year + step)
    if unit == "decade":
        return f"{anchor.year // 10 + step}X"  # same decade convention as the decade rule
    if unit == "century":
        return f"{anchor.year // 100 + step:02d}"
    if unit == "quarter":
        index = anchor.year * 4 + _quarter(anchor) - 1 + step
        return f"{index // 4}-Q{index % 4 + 1}"
    return None


@rule("ago", r"(?:(?:nearly|almost|about|around|roughly|some|just|only|more\s+than|less\s+than|over|"
      r"under)\s+)?(?:(?P<n>" + _NUM_RE + r")\s+)?(?P<unit>day|week|month|year|decade)s?\s+"
      r"(?P<dir>ago|earlier|from\s+now|hence)")
def _ago(m: re.Match, a: Anchor) -> str | None:
    n = _count(m["n"])
    back = m["dir"].lower() in ("ago", "earlier")
    if m["n"] is None and m["dir"].lower() != "ago":
        return None          # "days earlier": relative to the story, not to publication
    if n is None:
        return "PAST_REF" if back else "FUTURE_REF"
    if a.date is None:
        return None
    unit = m["unit"].lower()
    if unit == "year" and a.quarterly and n == 1 and back:
        year, q = _latest_quarter(a.date)
        return f"{year - 1}-Q{q}"
    if unit == "decade":
        return str(a.date.year - 10 * n if back else a.date.year + 10 * n)
    return _shift(a.date, unit, -n if back else n)


@rule("fortnight", r"(?:(?<=\bin\s)|(?<=\bwithin\s))(?P<n>a|one|two|three)\s+fortnights?(?:'s?\s+time)?|"
      r"(?P<n2>a|one|two|three)\s+fortnights?\s+(?P<dir>ago|from\s+now|hence)")
def _fortnight(m: re.Match, a: Anchor) -> str | None:
    """'a fortnight ago', 'in a fortnight': fourteen days from the publication date, to the day (a British
    fortnight names a day, not an ISO week). A fortnight with no 'in'/'ago' is a length of time, not a date."""
    if a.date is None:
        return None
    days = 14 * (_count(m["n"] or m["n2"]) or 1)
    back = (m["dir"] or "").lower() == "ago"
    return _shift(a.date, "day", -days if back else days)


@rule("year_adj", r"(?:the\s+(?:comparable\s+)?(?:year-earlier|year-ago|prior-year)\s+(?P<noun>quarter|period))|"
      r"year-earlier|year-ago|prior-year|a\s+year\s+earlier|a\s+year\s+ago")
def _year_adj(m: re.Match, a: Anchor) -> str | None:
    if a.date is None:
        return None
    noun = (m["noun"] or "").lower()
    if a.quarterly or noun in ("quarter", "period"):
        year, q = _latest_quarter(a.date)
        return f"{year - 1}-Q{q}"
    return str(a.date.year - 1)


@rule("year", _MOD_RE + r"(?:(?P<pre>fiscal|calendar|the\s+year|fiscal\s+year|model\s+year)\s+)?"
      r"(?P<year>" + _YEAR_RE + r")(?!\s*(?:%|percent|[-,.]\d))")
def _year(m: re.Match, a: Anchor) -> str | None:
    return str(year_number(m["year"]))


@rule("decade", r"(?:the\s+)?" + _MOD_RE + r"(?:(?P<dec>1[5-9]\d|20\d)0'?s|'(?P<short>\d)0s|"
      r"(?P<word>twenties|thirties|forties|fifties|sixties|seventies|eighties|nineties))")
def _decade(m: re.Match, a: Anchor) -> str | None:
    # TimeML decades: the first three digits, padded with X as TE3 annotates them ("199X").
    if m["dec"]:
        return m["dec"] + "X"
    if m["short"]:
        return "19" + m["short"] + "X"
    return "19" + str(_WORD_VALUES[m["word"].lower()[:-3] + "y"] // 10) + "X"


@rule("century", r"(?:the\s+)?(?P<ord>\d{1,2})(?:st|nd|rd|th)\s+century|(?P<rel>this|last|next)\s+century")
def _century(m: re.Match, a: Anchor) -> str | None:
    if m["ord"]:
        return f"{int(m['ord']) - 1:02d}"
    if a.date is None:
        return None
    return _shift(a.date, "century", {"this": 0, "last": -1, "next": 1}[m["rel"].lower()])


@rule("quarter", r"(?:the\s+)?(?:(?P<rel>latest|last|past|previous|current|next|coming|same|"
      r"year-ago|year-earlier)\s+)?(?:(?P<y1>" + _YEAR_RE + r")\s+|this\s+year's\s+|last\s+year's\s+|next\s+year's\s+)?"
      r"(?:fiscal\s+)?(?P<ord>first|second|third|fourth|1st|2nd|3rd|4th)(?:\s+|-)(?:fiscal\s+)?quarter"
      r"(?:\s+of\s+(?:fiscal\s+)?(?P<y2>" + _YEAR_RE + r")|\s+of\s+(?P<yrel>this|last|next)\s+year)?"
      r"|(?P<q>Q[1-4])(?:\s+(?P<y3>" + _YEAR_RE + r"))?")
def _quarter_rule(m: re.Match, a: Anchor) -> str | None:
    q = ORDINALS.get((m["ord"] or "").lower()) or int(m["q"][1])
    year_text = m["y1"] or m["y2"] or m["y3"]
    if year_text:
        return f"{year_number(year_text)}-Q{q}"
    if a.date is None:
        return None
    text = m.group(0).lower()
    year = a.date.year
    yrel = (m["yrel"] or "").lower()
    if yrel:
        # "the first quarter of next year": one span, the year said outright (no guessing from the tense)
        year += {"last": -1, "next": 1}.get(yrel, 0)
    elif "last year's" in text or (m["rel"] or "").lower() in ("year-ago", "year-earlier"):
        year -= 1
    elif "next year's" in text:
        year += 1
    elif q > _quarter(a.date) and a.tense == "past":
        year -= 1
    return f"{year}-Q{q}"


@rule("this_quarter", r"the\s+(?:(?P<rel>latest|last|past|previous|current|next|coming|year-ago|"
      r"year-earlier|prior-year|fiscal|comparable|comparable\s+year-ago|comparable\s+year-earlier)\s+)?quarter|"
      r"the\s+(?P<prel>latest|year-ago|year-earlier|prior-year|comparable)\s+period|"
      r"the\s+(?P<year>" + _YEAR_RE + r")\s+(?:period|quarter)")
def _this_quarter(m: re.Match, a: Anchor) -> str | None:
    if a.date is None:
        return None
    rel = (m["rel"] or m["prel"] or "").lower()
    if m["year"]:
        return f"{year_number(m['year'])}-Q{_latest_quarter(a.date)[1]}"
    if rel in ("current",):
        return f"{a.date.year}-Q{_quarter(a.date)}"
    if rel in ("next", "coming"):
        return _shift(a.date, "quarter", 1)
    year, q = _latest_quarter(a.date)
    if "year-" in rel or rel == "prior-year":
        year -= 1
    return f"{year}-Q{q}"


@rule("half", r"(?:the\s+)?(?P<ord>first|second)\s+half(?:\s+of\s+(?:(?:fiscal\s+)?(?P<year>" + _YEAR_RE + r")|"
      r"(?P<rel>the|this|last|next)\s+year))?")
def _half(m: re.Match, a: Anchor) -> str | None:
    h = 1 if m["ord"].lower() == "first" else 2
    if m["year"]:
        return f"{year_number(m['year'])}-H{h}"
    if a.date is None:
        return None
    return f"{a.date.year + {'last': -1, 'next': 1}.get((m['rel'] or '').lower(), 0)}-H{h}"


@rule("season", _MOD_RE + r"(?:(?P<rel>last|next|this|past|this\s+past|coming|the|that)\s+)?"
      r"(?:(?:early|late|mid)(?:\s+|-))?(?P<season>spring|summer|fall|"
      r"autumn|winter)(?:\s+(?:of\s+)?(?P<year>" + _YEAR_RE + r"))?")
def _season(m: re.Match, a: Anchor) -> str | None:
    code = SEASONS[m["season"].lower()]
    if m["year"]:
        return f"{year_number(m['year'])}-{code}"
    if a.date is None:
        return None
    rel = re.sub(r"^this\s+", "", re.sub(r"\s+", " ", (m["rel"] or "").lower()))
    if rel == "that":
        return None
    start = SEASON_START[code]
    # The season's occurrence that starts in the anchor's year (winter: the one starting in December).
    year = a.date.year
    current_start = dt.date(year, start, 1)
    in_season = _season_of(a.date) == code
    direction = _direction(rel, a.tense, None)
    if in_season:
        year = a.date.year - (1 if code == "WI" and a.date.month < 3 else 0)
        if rel in ("last", "past"):
            year -= 1
        elif rel in ("next", "coming"):
            year += 1
        return f"{year}-{code}"
    if direction == "past" and current_start > a.date:
        year -= 1
    elif direction == "future" and current_start < a.date:
        year += 1
    return f"{year}-{code}"


def _season_of(d: dt.date) -> str:
    return {12: "WI", 1: "WI", 2: "WI", 3: "SP", 4: "SP", 5: "SP", 6: "SU", 7: "SU", 8: "SU"}.get(d.month, "FA")


HOLIDAYS: dict[str, Callable[[int], dt.date]] = {
    "christmas": lambda y: dt.date(y, 12, 25),
    "christmas day": lambda y: dt.date(y, 12, 25),
    "christmas eve": lambda y: dt.date(y, 12, 24),
    "new year's day": lambda y: dt.date(y, 1, 1),
    "new year's eve": lambda y: dt.date(y, 12, 31),
    "independence day": lambda y: dt.date(y, 7, 4),
    "halloween": lambda y: dt.date(y, 10, 31),
    "valentine's day": lambda y: dt.date(y, 2, 14),
    "thanksgiving": lambda y: _nth_weekday(y, 11, 3, 4),
    "thanksgiving day": lambda y: _nth_weekday(y, 11, 3, 4),
    "labor day": lambda y: _nth_weekday(y, 9, 0, 1),
    "memorial day": lambda y: _nth_weekday(y, 5, 0, -1),
    # US election day: the Tuesday after the first Monday of November.
    "election day": lambda y: _nth_weekday(y, 11, 0, 1) + dt.timedelta(days=1),
}


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> dt.date:
    if n > 0:
        first = dt.date(year, month, 1)
        return first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    last = dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)
    return last - dt.timedelta(days=(last.weekday() - weekday) % 7)


@rule("holiday", r"(?:(?P<rel>last|next|this)\s+)?(?P<name>christmas(?:\s+(?:day|eve))?|new\s+year's\s+(?:day|eve)|"
      r"independence\s+day|election\s+day|halloween|valentine's\s+day|thanksgiving(?:\s+day)?|labor\s+day|memorial\s+day)"
      r"(?:,?\s+(?P<year>" + _YEAR_RE + r"))?")
def _holiday(m: re.Match, a: Anchor) -> str | None:
    rule_fn = HOLIDAYS[re.sub(r"\s+", " ", m["name"].lower())]
    if m["year"]:
        return rule_fn(year_number(m["year"])).isoformat()
    if a.date is None:
        return None
    this_year = rule_fn(a.date.year)
    explicit = bool(m["rel"]) and m["rel"].lower() != "this"
    year = _year_for(this_year.month, this_year.day, a.date, _direction(m["rel"], a.tense), strict=explicit)
    return rule_fn(year).isoformat()


# ---------------------------------------------------------------------------------------------
# Tense of the clause a mention sits in

# Words just before a weekday that put it after publication ("as soon as Tuesday").
FORWARD_WORDS = {"upcoming", "coming", "next", "as soon as", "ahead of"}
PLANNING_LEMMAS = {"plan", "schedule", "intend"}
MODALS = {"would", "might", "may", "should", "must", "can"}     # "could" is as often past ability
FUTURE_AUX = {"will", "shall", "'ll", "wo"}
FUTURE_LEMMAS = {"schedule", "expect", "plan", "due", "upcoming", "intend", "set", "hope", "aim"}


def tense_at(doc: Doc, start: int, end: int) -> str | None:
    """'past', 'future', 'present' or None: the tense of the verb governing the characters start:end."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return None
    token = span.root
    for _ in range(8):
        if token.pos_ in ("VERB", "AUX") and token.dep_ != "amod":
            break
        if token.head.i == token.i:
            break
        token = token.head
    else:
        return None
    if token.pos_ not in ("VERB", "AUX"):
        return None
    return _clause_tense(token)


def _clause_tense(verb) -> str | None:
    auxes = [c for c in verb.children if c.dep_ in ("aux", "auxpass")]
    words = {c.lower_ for c in auxes}
    if words & FUTURE_AUX or "going" in words:
        return "future"
    if verb.lemma_.lower() in PLANNING_LEMMAS:
        return "future"          # "planned a rally on Saturday", "has scheduled a hearing Thursday"
    if verb.lemma_ == "be" and verb.tag_ in ("VBZ", "VBP") and any(
            c.dep_ in ("acomp", "attr") and c.lemma_.lower() in FUTURE_LEMMAS for c in verb.children):
        return "future"          # "bids are due on Friday", "the vote is set for Sept 8"
    if words & MODALS:
        # "would be traveling Thursday", "might come Tuesday": not yet happened, unless perfect.
        return "past" if words & {"have", "'ve"} else "future"
    if verb.tag_ == "VB" and "to" in words:
        # "is expected to meet Tuesday", "plans to vote Monday": the matrix verb decides,
        # and intention verbs point forward.
        head = verb.head
        if head.i != verb.i and head.pos_ in ("VERB", "AUX"):
            if head.lemma_.lower() in FUTURE_LEMMAS or head.lower_ == "going":
                return "future"
            return _clause_tense(head)
        return None
    if any(c.tag_ == "VBD" for c in auxes) or verb.tag_ == "VBD":
        return "past"
    if verb.tag_ == "VBN" and words & {"has", "have", "'ve", "'s"}:
        return "past"
    if verb.tag_ == "VBN" and any(c.tag_ in ("VBZ", "VBP") for c in auxes):
        return "future" if verb.lemma_.lower() in FUTURE_LEMMAS else "present"
    if verb.tag_ in ("VBZ", "VBP", "VBG"):
        return "present"
    return None


# ---------------------------------------------------------------------------------------------
# Extraction

QUARTER_SENSITIVE = {"ago", "year_adj"}     # rules whose value depends on Anchor.quarterly
COMPARISON_RE = re.compile(r"\b(?:from|compared|versus|vs\.?|against|than)\b", re.I)
QUARTERLY_RE = re.compile(r"\b(?:quarter|quarterly|fiscal)\b", re.I)
# spaCy DATE entities that are durations or vague spans rather than points in time.
DURATION_RE = re.compile(
    r"^(?:the\s+)?(?:past|last|next|first|final|coming|previous|recent|few|several|\d|"
    + "|".join(n for n in NUMBERS if n not in ("a", "an")) + r")\b.*\b(?:days?|weeks?|months?|years?|decades?|"
    r"centuries|hours?|minutes?)$|^(?:a|an)\s+(?:day|week|month|year|decade)$|^(?:days|weeks|months|years)$|"
    r"^(?:daily|weekly|monthly|annually|annual|yearly|quarterly)$|\bold$|\bages?\b|^\d+$", re.I)


def _find(doc: Doc, text: str) -> list[tuple[int, int, str, re.Match]]:
    """Leftmost-longest non-overlapping plausible grammar matches over the whole text.
    (`text` is doc.text, passed in because spaCy rebuilds that string on every access.)"""
    found = []
    for name, pattern, _fn in RULES:
        for m in pattern.finditer(text):
            if m.end() > m.start() and _plausible(doc, m.start(), m.end(), name, m):
                found.append((m.start(), m.end(), name, m))
    found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
    chosen: list[tuple[int, int, str, re.Match]] = []
    end = -1
    for f in found:
        if f[0] >= end:
            chosen.append(f)
            end = f[1]
    return chosen


TIME_PREPOSITIONS = {"in", "since", "during", "until", "till", "before", "after", "through", "fiscal"}
YEAR_PREPOSITIONS = {"in", "since", "by", "of", "until", "till", "from", "during", "before", "after", "through",
                     "between", "to", "and", "fiscal", "early", "late", "mid", "around", "circa"}


def _plausible(doc: Doc, start: int, end: int, name: str, m: re.Match) -> bool:
    """Filter grammar matches that are ordinary words, not dates ("May I", "the march", "2000 people")."""
    text = m.group(0)
    for key in ("month", "wd", "season"):
        word = m.groupdict().get(key)
        if word is None or key == "season":
            continue
        if not word[0].isupper():
            return False
        if key == "month" and word.lower() in ABBREVIATED_MONTHS and not (m.groupdict().get("day")
                                                                        or m.groupdict().get("year")):
            return False     # "Jan" alone is more often a first name than January
        if word.lower().rstrip(".") in AMBIGUOUS_NAMES and key == "month" and not m.groupdict().get("day") \
                and not m.groupdict().get("year"):
            tok = _token_at(doc, m.start(key))
            if tok is not None and (tok.tag_ in ("MD", "VB", "VBP", "VBZ", "VBD") or tok.pos_ in ("VERB", "AUX")):
                return False
            if word.lower() in ("may", "march", "august") and tok is not None and (tok.i == 0 or tok.is_sent_start) \
                    and tok.ent_type_ != "DATE":
                return False
    if name == "season" and not (m["rel"] and m["rel"].lower() != "the") and not m["year"] and not m["mod"]:
        # "fall", "spring" are common verbs and nouns; bare, they count only after a time preposition.
        before = re.search(r"(\w+)\W+(?:the\s+)?$", m.string[max(0, start - 20):start])
        if not before or before.group(1).lower() not in ("in", "during", "by", "until", "since", "over", "this",
                                                          "through", "till", "before", "after"):
            return False
    if name == "month_year" and m["year"] and _counts_something(doc, m.start("year")):
        return False     # "in May, 2000 people came"
    if name == "year" and not m["pre"] and not m["mod"]:
        tok = _token_at(doc, m.start("year"))
        prev = m.string[max(0, start - 2):start]
        if "$" in prev or "#" in prev:
            return False
        if tok is None:
            return True
        prev_word = tok.nbor(-1).lower_ if tok.i > 0 else ""
        # "2000 people", "1500 shares": a count, unless a preposition of time precedes ("in 1990 prices").
        if _counts_something(doc, m.start("year")) and prev_word not in TIME_PREPOSITIONS:
            return False
        if prev_word in YEAR_PREPOSITIONS:
            return True
        if tok.ent_type_ not in ("DATE", "EVENT", "CARDINAL", ""):
            return False     # "$1999", "1500 kg", "the Boeing 1900"
        if tok.i + 1 < len(doc) and tok.nbor(1).ent_type_ in ("FAC", "GPE", "LOC"):
            return False     # a street number: "1600 Pennsylvania Avenue"
    if name in ("ref",) and text.lower() == "now":
        tok = _token_at(doc, start)
        # "now" as a discourse marker at the head of a sentence ("Now, ...") still counts in TimeML;
        # but "right now" / "by now" keep only "now" anyway.
        return tok is None or tok.pos_ != "CCONJ"
    return True


def _counts_something(doc: Doc, char: int) -> bool:
    """The number at `char` is followed by a plural noun, so it counts things rather than naming a year."""
    tok = _token_at(doc, char)
    if tok is None or tok.i + 1 >= len(doc):
        return False
    nxt = tok.nbor(1)
    return nxt.tag_ in ("NNS", "NNPS") and nxt.ent_type_ != "DATE"


def _token_at(doc: Doc, char: int):
    span = doc.char_span(char, char + 1, alignment_mode="expand")
    return span[0] if span is not None and len(span) else None


def _quarterly(doc: Doc, text: str, start: int) -> bool:
    """An earnings comparison: quarters are in view (this sentence or the one before: reports name
    the quarter once) and the sentence compares figures ("up from $4 million a year earlier"), so
    "a year earlier" means the same quarter a year before."""
    tok = _token_at(doc, start)
    if tok is None or not doc.has_annotation("SENT_START"):
        return bool(QUARTERLY_RE.search(text[max(0, start - 300):start + 100])
                    and COMPARISON_RE.search(text[max(0, start - 200):start + 50]))
    sent = tok.sent
    first = doc[sent.start - 1].sent.start if sent.start > 0 else sent.start
    return bool(QUARTERLY_RE.search(doc[first:sent.end].text) and COMPARISON_RE.search(sent.text))


_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
def _dateline_day(text: str, published: dt.date | None) -> dt.date | None:
    """'MARLOW BAY, March 7 - The minister said today ...': the story's own day, when its dateline gives
    one in the week before publication (a story put online a day or two late still means March 7 by
    'today')."""
    if published is None:
        return None
    m = next((m for m in datelines(text, end=400)
              if m["month"] and text[m.start("month") - 2:m.start("month")] == ", "), None)
    if m is None:
        return None
    try:
        month = _month_num(m["month"])
        day = dt.date(_year_for(month, int(m["day"]), published, "past"), month, int(m["day"]))
    except (KeyError, ValueError):
        return None
    return day if dt.timedelta(0) <= published - day <= dt.timedelta(days=7) else None


def _from_story_day(before: list[DateMention], start: int, days: int) -> str | None:
    """The day `days` from the last day the story named in the 600 characters before `start`."""
    for mention in reversed(before):
        if start - mention.end > 600:
            break
        if mention.resolved and _DAY.match(mention.resolved):
            return (dt.date.fromisoformat(mention.resolved) + dt.timedelta(days=days)).isoformat()
    return None


def extract(doc: Doc, published: str | None, include_unresolved: bool = False) -> list[DateMention]:
    """Date expressions in `doc`, each resolved against the publication date (YYYY-MM-DD or None).

    Without a publication date, relative expressions are still reported, with resolved=None.
    With one, expressions that stay unresolvable are story-relative ("that week", "the following
    year") or, for spaCy DATE entities the grammar does not cover, mostly durations and vague
    phrases; they are reported (resolved=None) only when `include_unresolved` is set, since a
    mention nobody can place is noise in the report."""
    # A bad date is the user's to fix: parse_published raises the pipeline's InputError for it.
    anchor_date = dt.date.fromisoformat(parse_published(published, "published")) if published else None
    text = doc.text
    anchor_date = _dateline_day(text, anchor_date) or anchor_date
    mentions: list[DateMention] = []
    taken: list[tuple[int, int]] = []
    story: set[int] = set()  # starts of story-relative mentions: they never anchor another
    for start, end, name, m in _find(doc, text):
        before = re.search(r"(as\s+soon\s+as|ahead\s+of|[A-Za-z]+)\W*$", text[max(0, start - 20):start])
        anchor = Anchor(date=anchor_date, tense=tense_at(doc, start, end),
                        quarterly=name in QUARTER_SENSITIVE and _quarterly(doc, text, start),
                        prep=re.sub(r"\s+", " ", before.group(1).lower()) if before else "")
        fn = RESOLVERS[name]
        if name == "quarter" and "-quarter" in m.group(0).lower() and text[start:start + 4].lower() == "the ":
            start += 4       # "the third-quarter results": TimeML marks the modifier only
        try:
            resolved = fn(m, anchor)
        except (OverflowError, ValueError):  # "in 9,000 years": past what a calendar date can hold
            resolved = None
        if name == "story_day":
            resolved = _from_story_day([d for d in mentions if d.start not in story], start, story_shift(m))
            story.add(start)
        taken.append((start, end))
        if resolved is None and anchor_date is not None and not include_unresolved:
            continue         # story-relative ("that week", "the following year"): nothing to place
        mentions.append(DateMention(text=text[start:end], start=start, end=end, resolved=resolved))
    for ent in doc.ents if include_unresolved else ():
        if ent.label_ != "DATE":
            continue
        s, e = ent.start_char, ent.end_char
        if any(s < te and ts < e for ts, te in taken) or DURATION_RE.search(ent.text.strip()):
            continue
        mentions.append(DateMention(text=text[s:e], start=s, end=e, resolved=None))
    mentions.sort(key=lambda d: d.start)
    return mentions
