"""Consistency findings: numbers in one article that cannot all be right.

Three checks over the extracted quantities (no extra models; the report's text and quantities suffice):
- conversion_mismatch: "3 billion euros ($4.7 million Cdn)", "87 mph (140 km/h)", "... or about ...":
  the second figure is recomputed from the first (ECB rate of the publication date; pint for units).
  A ratio near 10^±3, 10^±6, 10^±9 is a thousand/million/billion slip (error, with the intended figure as
  suggestion); more than 15% off otherwise is a warning (stale rate, wrong currency); else nothing.
  Without a publication date only the slips are reported: today's rate can be far from the article's.
- arithmetic: a change "from A to B" next to a stated percentage, difference or number of percentage or
  basis points that does not follow; a gap in points between two rates ("58% against 31%, a difference of
  17 points") that is not their difference; parts that add up to more than the total they are said to be part of;
  a share "N, or P%" of a whole the sentence names that is not P%; shares of one whole over 100%.
- contradiction: the same counted thing ("people ... killed") with two different values in one article; a
  weekday that is not the weekday of the date it names ("Sunday, June 6" when June 6 is a Saturday).
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import functools
import math
import re
from dataclasses import dataclass

from . import currency as cur
from .quantities import CONVERSION_LINK, GAP_BEFORE_RE, GLUED_UNITS, UNIT_TABLE, convert_units
from .dates import published_date
from .report import Finding, Quantity, Report, Span

SLIP_TOLERANCE = math.log10(1.35)     # how close to an exact power of 1000 a ratio must be to call it a slip
WARN_RATIO = 0.15                     # relative error beyond which a currency conversion is flagged
UNIT_RATIO = 0.05                     # the same for a unit conversion (exact factors; rounding only)
TEMPERATURE_SLACK = 1.5               # degrees a converted temperature may be off
PCT_TOLERANCE = 1.0                   # percentage points of slack for rounding in stated changes

SHORT_TO_PINT = {short: expr for _, expr, short, _ in UNIT_TABLE}
SHORT_TO_PINT.update({short: expr for expr, short, _ in GLUED_UNITS.values()})
SCALE_NAMES = [(1e12, "trillion"), (1e9, "billion"), (1e6, "million"), (1e3, "thousand")]

CONVERSION_GAP_RE = re.compile(
    r"^\s*(?:\(\s*(?:(?:about|around|roughly|approximately|approx\.|some|nearly|almost|or|c\.|~|US)\s*)?"
    rf"|(?:\s+of\s+[a-z]+){{0,2}},?\s*{CONVERSION_LINK}\s+"     # "30,000 cubic feet of grain, equivalent to ..."
    r"(?:about\s+|around\s+|roughly\s+|approximately\s+|some\s+|nearly\s+|almost\s+)?"
    r"|\s*/\s*)$", re.I)
PARTS_AFTER_RE = re.compile(r"(?i)^[^.;]{0,40}?(?:,|:|—|-)?\s*(?:including|among them|of whom|of which|of them|"
                            r"made up of|comprising|consisting of|broken down into|includes?|included|comprises|"
                            r"comprised)\b")
# Words that hand the whole out in full ("is split between A (x), B (y) and C (z)", "raised X from the sales
# of A (a) and B (b)"): parts that fall short of such a total are as wrong as parts that exceed it.
EXHAUSTIVE_AFTER_RE = re.compile(r"(?i)^[^.;]{0,40}?\b(?:(?:split|divided|shared|broken\s+down|allocated|apportioned)"
                                 r"\s+(?:between|among|amongst|into|as|across)|made\s+up\s+of|consist(?:s|ed|ing)?\s+of|"
                                 r"compris(?:es|ed|ing)|from\s+(?:the\s+)?sales?\s+of)\b")
# A part that is only a selection: then the listed parts need not fill the whole.
PARTIAL_RE = re.compile(r"(?i)\b(?:including|includes?|included|among\s+them|among\s+whom|of\s+whom|of\s+which|"
                        r"such\s+as|notably|mainly|mostly|chiefly)\b")
VERB_SKIP = {"were", "was", "have", "had", "has", "been", "are", "is", "be", "being", "reportedly", "also",
             "confirmed", "now", "later", "all", "who", "which", "that", "officially", "so", "far"}
CONTRA_EXCLUDE_RE = re.compile(r"(?i)\b(?:another|other|more|additional|further|extra|last|first|remaining|"
                               r"each|per|(?:rose|risen|climbed|increased|jumped|grown|reached|now|to|"
                               r"toll\s+(?:of|at|is|was|stood\s+at)))\s*$")
# A sentence that tells of a different event or an update: its count may differ without contradiction.
OTHER_EVENT_RE = re.compile(r"(?i)\b(?:separate|another|second|earlier|previous|also|other|last\s+year|"
                            r"rose|risen|climbed|increased|updated|revised|now|toll)\b")
WEEKDAY_RE = re.compile(r"\b(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b")


# Every kind of finding `check` raises (search filters by these).
FINDING_KINDS = ("arithmetic", "contradiction", "conversion_mismatch")


@dataclass
class _Ctx:
    report: Report
    date: dt.date | None
    findings: list[Finding]

    def add(self, kind: str, severity: str, message: str, evidence: list[Quantity],
            suggestion: str | None = None) -> None:
        spans = [Span(q.start, q.end, q.text) for q in evidence]
        self.findings.append(Finding(id=f"f{len(self.findings) + 1}", kind=kind, severity=severity,
                                     message=message, evidence=spans, suggestion=suggestion))


def check(report: Report) -> list[Finding]:
    """All findings for one report, ids f1, f2, ... in the order the checks run."""
    ctx = _Ctx(report, published_date(report.article.published), [])
    qs = sorted(report.quantities, key=lambda q: q.start)
    _conversions(ctx, qs)
    _changes(ctx, qs)
    _gaps(ctx, qs)
    _totals(ctx, qs)
    _shares(ctx, qs)
    _share_lists(ctx, qs)
    _contradictions(ctx, qs)
    _weekdays(ctx)
    return ctx.findings


# ------------------------------------------------------------------------------------ formatting
def fmt_amount(value: float, unit: str | None) -> str:
    """4700000000, 'CAD' -> '4.7 billion CAD'; 140, 'km/h' -> '140 km/h'."""
    v = abs(value)
    text = None
    for size, name in SCALE_NAMES:
        if v >= size and size >= 1e6:
            text = f"{_num(value / size)} {name}"
            break
    if text is None:
        text = f"{value:,.2f}".rstrip("0").rstrip(".") if v < 1e6 else f"{value:,.0f}"
    return f"{text} {unit}" if unit else text


def _num(x: float) -> str:
    s = f"{x:.3g}" if abs(x) < 1000 else f"{x:,.0f}"
    return s


def _base(unit: str | None) -> tuple[str | None, str | None]:
    if not unit:
        return None, None
    if unit in SHORT_TO_PINT:          # km/h, m/s are units, not "per" forms
        return unit, None
    base, _, per = unit.rpartition("/") if unit.rpartition("/")[0] in SHORT_TO_PINT else unit.partition("/")
    return base, per or None


# ------------------------------------------------------------------------------------ conversions
# Calendar days in a period a rate is given per. Hours are left out: "£15 an hour, or £31,000 a year" assumes
# a working year, not a calendar one.
PERIOD_DAYS = {"day": 1.0, "week": 7.0, "month": 365.25 / 12, "year": 365.25}


def _expected(ctx: _Ctx, a: Quantity, b: Quantity) -> tuple[float, str] | None:
    """b's value recomputed from a, with a note on the rate used; None when the pair is not a conversion.
    A rate may change its period as well as its unit: "£250,000 a week, or about £13 million a year"."""
    ua, pa = _base(a.unit)
    ub, pb = _base(b.unit)
    if pa and pb and pa != pb and pa in PERIOD_DAYS and pb in PERIOD_DAYS and ua and ub:
        per = PERIOD_DAYS[pb] / PERIOD_DAYS[pa]
        scaled = dataclasses.replace(a, value=a.value * per, unit=ua)
        if ua == ub:
            return scaled.value, f"{_num(per)} {pa}s a {pb}"
        inner = _expected(ctx, scaled, dataclasses.replace(b, unit=ub))
        return None if inner is None else (inner[0], f"{inner[1]}; {_num(per)} {pa}s a {pb}")
    if not ua or not ub or ua == ub or (pa and pb and pa != pb):
        return None
    if a.dimension == "currency" and b.dimension == "currency":
        va, ua = (a.value / 100, "GBP") if ua == "GBX" else (a.value, ua)
        vb_unit = "GBP" if ub == "GBX" else ub
        if ua not in cur.NAMES or vb_unit not in cur.NAMES:
            return None
        when = ctx.date or dt.date.today()
        out = cur.convert(va, ua, vb_unit, when)
        if out is None:
            return None
        if ub == "GBX":
            out *= 100
        if ctx.date and not (cur.rate_covered(ua, when) and cur.rate_covered(vb_unit, when)):
            return out, f"nearest rate held; none for {when.isoformat()}"
        return out, f"ECB rate of {when.isoformat()}" if ctx.date else "latest ECB rate (no publication date)"
    sa, sb = SHORT_TO_PINT.get(ua), SHORT_TO_PINT.get(ub)
    if sa and sb and a.dimension == b.dimension:
        out = convert_units(a.value, sa, sb)
        return (out, "unit conversion") if out is not None else None
    return None


def _temperature_delta(a: Quantity, b: Quantity) -> float | None:
    """b recomputed from a as a difference of temperatures (no offset between the scales)."""
    sa, sb = SHORT_TO_PINT.get(_base(a.unit)[0]), SHORT_TO_PINT.get(_base(b.unit)[0])
    if not sa or not sb:
        return None
    return convert_units(a.value, sa.replace("degree_", "delta_degree_"), sb.replace("degree_", "delta_degree_"))


# A temperature is a difference only when a change or comparison governs the number itself: "rose 3C",
# "a drop of 3C", "3C (5.4F) warmer". A word nearby is not enough: in "lows will drop to -5C (23F)" or
# "stayed above 20C (68F)" the figure is a reading on the thermometer.
_DELTA_BEFORE = re.compile(r"(?i)\b(?:rise|rises|rose|risen|rising|increase[sd]?|drop|drops|dropped|fall|falls|fell|"
                           r"fallen|decline[sd]?|climb(?:ed|s)?|jump(?:ed|s)?|gain(?:ed|s)?|warm(?:ed|ing)|"
                           r"cool(?:ed|ing)|up|down|swing|difference|anomaly)\s+(?:(?:by|of)\s+)?"
                           r"(?:(?:about|around|nearly|almost|some|roughly|more than|less than|over|just)\s+)?[-+]?$")
_DELTA_AFTER = re.compile(r"(?i)^\)?\s*(?:warmer|colder|hotter|cooler|higher|lower|more|less|above|below|"
                          r"over|under)\b")


def _governs_delta(text: str, a: Quantity, b: Quantity) -> bool:
    return bool(_DELTA_BEFORE.search(text[max(0, a.start - 40):a.start])
                or _DELTA_AFTER.match(text[b.end:b.end + 20]))


def _conversions(ctx: _Ctx, qs: list[Quantity]) -> None:
    text = ctx.report.text
    for a, b in zip(qs, qs[1:]):
        if a.value is None or b.value is None or (a.value == 0 or b.value == 0) and a.dimension != "temperature":
            continue
        if not CONVERSION_GAP_RE.match(text[a.end:b.start]):
            continue
        exp = _expected(ctx, a, b)
        if exp is None:
            continue
        expected, how = exp
        if a.dimension == "temperature":
            # Either reading may be meant; a pair that fits one is right. The message uses the reading the
            # wording asks for.
            delta = _temperature_delta(a, b)
            if delta is not None and abs(b.value - delta) <= TEMPERATURE_SLACK:
                continue
            if delta is not None and _governs_delta(text, a, b):
                expected, how = delta, "temperature difference"
        if expected == 0 and a.dimension != "temperature":
            continue
        ratio = b.value / expected if expected and b.value else 1.0  # 0C is 32F: no ratio, only a difference
        lg = math.log10(abs(ratio))
        k = round(lg / 3) * 3
        if k != 0 and abs(lg - k) < SLIP_TOLERANCE:
            intended = b.value / 10 ** k
            ctx.add("conversion_mismatch", "error",
                    f"{a.text!r} is about {fmt_amount(expected, b.unit)} ({how}), but the text gives "
                    f"{b.text!r}: off by a factor of {10 ** abs(k):,.0f}{_slip_words(b.text, -k)}",
                    [a, b], suggestion=fmt_amount(intended, b.unit))
        elif _off(a, b, expected) and b.bound not in ("more_than", "less_than", "at_least", "at_most") \
                and (ctx.date is not None and not how.startswith("nearest") or a.dimension != "currency"):
            # without a publication date, or one outside the rates held, the rate may be years off: only
            # factor-1000 slips are safe to call
            ctx.add("conversion_mismatch", "warning",
                    f"{a.text!r} is about {fmt_amount(expected, b.unit)} ({how}); the text's "
                    f"{b.text!r} is {_how_far(b.value, expected, a.dimension)}",
                    [a, b], suggestion=fmt_amount(expected, b.unit))


def _how_far(written: float, expected: float, dimension: str | None) -> str:
    if dimension == "temperature" or not expected:
        return f"{abs(written - expected):.3g} degrees {'higher' if written > expected else 'lower'}"
    return f"{abs(written / expected - 1) * 100:.0f}% {'higher' if written > expected else 'lower'}"


def _off(a: Quantity, b: Quantity, expected: float) -> bool:
    """Whether a conversion is off by more than rounding explains. Exchange rates drift between the
    rate the writer used and the day's ECB rate (15%); unit factors are exact, so a unit conversion
    may be off by 5% or half its last digit ("60 mph (100 km/h)"), and a temperature, whose scales
    have an offset, by a degree and a half ("38C (100F)")."""
    if a.dimension == "currency":
        return abs(b.value / expected - 1) > WARN_RATIO
    if a.dimension == "temperature":
        return abs(b.value - expected) > TEMPERATURE_SLACK
    return abs(b.value - expected) > max(UNIT_RATIO * abs(expected), 0.5 * _last_digit(b.value))


def _slip_words(written: str, k: int) -> str:
    """' (million written for billion?)' when the figure carries a scale word that k would change."""
    scales = {"thousand": 3, "k": 3, "million": 6, "m": 6, "mn": 6, "billion": 9, "bn": 9, "b": 9,
              "trillion": 12, "tn": 12}
    names = {3: "thousand", 6: "million", 9: "billion", 12: "trillion", 0: "no scale word"}
    m = re.search(r"(?i)(thousand|million|billion|trillion|bn|mn|tn)\b|\d(k|m|b)\b", written)
    if not m:
        return ""
    have = scales[(m.group(1) or m.group(2)).lower()]
    want = have + k
    return f" ({names[have]} written for {names[want]}?)" if want in names else ""


# ------------------------------------------------------------------------------------ arithmetic
_SENT_END_RE = re.compile(r"[.!?](?=\s+[A-Z\"'(“‘]|\s*$)|\n")


@functools.lru_cache(maxsize=8)
def _sentence_starts(text: str) -> list[int]:
    """Start offsets of the sentences (a cheap splitter: the checks only need 'same sentence or not')."""
    starts = [0]
    for m in _SENT_END_RE.finditer(text):
        nxt = m.end()
        while nxt < len(text) and text[nxt].isspace():
            nxt += 1
        if nxt < len(text):
            starts.append(nxt)
    return starts


def _sentence_bounds(text: str, pos: int) -> tuple[int, int]:
    starts = _sentence_starts(text)
    k = bisect.bisect_right(starts, pos) - 1
    return starts[k], starts[k + 1] if k + 1 < len(starts) else len(text)


def _changes(ctx: _Ctx, qs: list[Quantity]) -> None:
    text = ctx.report.text
    by_id = {q.id: q for q in qs}
    seen: set[tuple[str, str]] = set()
    for q in qs:
        ch = q.change or {}
        if ch.get("type") != "from_to" or (ch["from"], ch["to"]) in seen:
            continue
        seen.add((ch["from"], ch["to"]))
        a, b = by_id.get(ch["from"]), by_id.get(ch["to"])
        if a is None or b is None or a.value in (None, 0) or b.value is None:
            continue
        # "was 5.9% in June. That was down from 6.4%, a fall of 0.8 points": the pair may span two sentences
        s0, s1 = _sentence_bounds(text, min(a.start, b.start))[0], _sentence_bounds(text, max(a.start, b.start))[1]
        stated = [s for s in qs if s0 <= s.start < s1 and s.id not in (a.id, b.id)
                  and (s.change or {}).get("type") == "by" and s.value is not None]
        actual_pct = (b.value - a.value) / abs(a.value) * 100
        for f in (s for s in qs if s0 <= s.start < s1 and (s.change or {}).get("type") == "factor"):
            factor, got = float(f.value), b.value / a.value
            ok = {"more_than": got > factor * 0.97, "less_than": got < factor * 1.03,
                  "about": abs(got / factor - 1) <= 0.15}.get(f.bound, abs(got / factor - 1) <= 0.05)
            if not ok:
                ctx.add("arithmetic", "error",
                        f"from {fmt_amount(a.value, None)} to {fmt_amount(b.value, None)} is a factor of "
                        f"{got:.2f}, but the text says {f.text!r}", [a, b, f], suggestion=f"{got:.1f} times")
        for s in stated:
            direction = (s.change or {}).get("direction")
            if s.unit in ("pp", "bp") and a.unit == "%" and b.unit == "%":
                _points(ctx, a, b, s, direction)
            elif s.unit in ("%", "fraction"):
                # "by a third" is a round figure: a tenth of it is slack; "by 33%" gets the usual rounding
                pct = s.value * 100 if s.unit == "fraction" else s.value
                slack = 0.1 * pct if s.unit == "fraction" else max(PCT_TOLERANCE, 0.05 * pct)
                ok_rel = abs(abs(actual_pct) - pct) <= slack
                ok_abs = s.unit == "%" and a.unit == "%" and abs(abs(b.value - a.value) - pct) <= 0.05 + 0.01 * pct
                wrong_dir = direction and ((direction == "up") != (b.value > a.value)) and b.value != a.value
                if (ok_rel or ok_abs) and not wrong_dir:
                    continue
                msg = (f"from {fmt_amount(a.value, None)} to {fmt_amount(b.value, None)} is a "
                       f"{'rise' if actual_pct > 0 else 'fall'} of {abs(actual_pct):.1f}%, "
                       f"but the text says {s.text!r}{f' ({pct:.3g}%)' if s.unit == 'fraction' else ''}")
                ctx.add("arithmetic", "error", msg, [a, b, s], suggestion=f"{abs(actual_pct):.0f}%")
            elif s.unit and _base(s.unit)[0] == _base(b.unit)[0]:
                diff = abs(b.value - a.value)
                if abs(diff - s.value) <= max(0.02 * diff, 0.5 * _last_digit(s.value)):
                    continue
                ctx.add("arithmetic", "error",
                        f"from {fmt_amount(a.value, None)} to {fmt_amount(b.value, None)} is a difference of "
                        f"{fmt_amount(diff, None)}, but the text says {s.text!r}", [a, b, s],
                        suggestion=fmt_amount(diff, _base(b.unit)[0]))


def _points(ctx: _Ctx, a: Quantity, b: Quantity, stated: Quantity, direction: str | None) -> None:
    """'from 34% to 41%, a gain of 9 percentage points', 'from 4.25% to 4.50%, up 50 basis points': the
    stated change in points is the difference of the two rates."""
    diff = b.value - a.value
    points = stated.value / 100 if stated.unit == "bp" else stated.value
    # Rounding: basis points are quoted exactly (a quarter-point step is 25); "9 points" may round 8.6,
    # "8.6 points" only 8.55 to 8.65.
    decimals = len(f"{stated.value:g}".partition(".")[2])
    slack = 0.025 if stated.unit == "bp" else 0.5 * 10 ** -decimals + 1e-9
    wrong_dir = direction and ((direction == "up") != (diff > 0)) and diff != 0
    if abs(abs(diff) - points) <= slack and not wrong_dir:
        return
    said = f"{abs(diff) * 100:.0f} basis points" if stated.unit == "bp" else f"{abs(diff):.3g} percentage points"
    ctx.add("arithmetic", "error",
            f"from {fmt_amount(a.value, None)}% to {fmt_amount(b.value, None)}% is a {'rise' if diff > 0 else 'fall'} "
            f"of {said}, but the text says {stated.text!r}", [a, b, stated], suggestion=said)


def _gaps(ctx: _Ctx, qs: list[Quantity]) -> None:
    """'58% of patients improved, against 31% on placebo, a difference of 17 percentage points': a gap between
    two rates of the sentence, in points, is their difference."""
    text = ctx.report.text
    for n, gap in enumerate(qs):
        if gap.unit not in ("pp", "bp") or gap.value is None or gap.change is not None \
                or not GAP_BEFORE_RE.search(text[max(0, gap.start - 30):gap.start]):
            continue
        s0, _ = _sentence_bounds(text, gap.start)
        rates = [q for q in qs[:n] if q.start >= s0 and q.unit == "%" and q.value is not None]
        if len(rates) < 2 or any((q.change or {}).get("type") for q in rates[-2:]):
            continue
        a, b = rates[-2:]
        points = gap.value / 100 if gap.unit == "bp" else gap.value
        decimals = len(f"{gap.value:g}".partition(".")[2])
        slack = 0.025 if gap.unit == "bp" else 0.5 * 10 ** -decimals + 1e-9
        diff = abs(a.value - b.value)
        if abs(diff - points) <= slack:
            continue
        said = f"{diff * 100:.0f} basis points" if gap.unit == "bp" else f"{diff:.3g} percentage points"
        ctx.add("arithmetic", "error", f"{a.text!r} against {b.text!r} is a gap of {said}, but the text says "
                f"{gap.text!r}", [a, b, gap], suggestion=said)


def _last_digit(v: float) -> float:
    """The rounding unit of a stated figure: 2,100 -> 100, 2.5 -> 0.1, 2090 -> 10."""
    if v == int(v):
        n = int(abs(v))
        unit = 1
        while n and n % 10 == 0:
            n //= 10
            unit *= 10
        return unit
    return 10 ** -len(repr(float(v)).split(".")[1])


def _totals(ctx: _Ctx, qs: list[Quantity]) -> None:
    text = ctx.report.text
    for n, total in enumerate(qs):
        if total.value is None or total.range is not None or total.dimension in ("percentage", None):
            continue                               # "25% of inmates, 40% of whom ...": shares of other wholes
        of_the = re.search(r"(?i)(?:^|[.;:]\s+|\W)of the\s$", text[max(0, total.start - 9):total.start])
        has_parts = PARTS_AFTER_RE.match(text[total.end:total.end + 60]) or \
            EXHAUSTIVE_AFTER_RE.match(text[total.end:total.end + 60])
        if not (of_the or has_parts):
            continue
        s0, s1 = _sentence_bounds(text, total.start)
        after = total.end + (has_parts.end() if has_parts else 0)
        parts = [p for p in qs[n + 1:] if after <= p.start < s1 and p.value is not None and p.range is None
                 and p.change is None and _same_kind(
                     total, p, bare_ok=bool(of_the) and (p.unit == "count" or bool(re.match(
                         r"\s(?:were|are|was|is|had|have|has)\b", text[p.end:p.end + 6]))))]
        if not parts:
            continue
        if total.bound in ("more_than", "at_least", "about"):
            continue                               # "more than 40 people, including 30 children...": no cap
        # "56 passengers and 10 crew members on board, among them 30 Egyptians": the whole is both counts
        group = [total]
        for prev in reversed(qs[:n]):
            if prev.dimension == total.dimension and prev.value is not None and prev.range is None and \
                    re.fullmatch(r"\s*(?:,|and|,\s*and)\s*", text[prev.end:group[0].start]):
                group.insert(0, prev)
            else:
                break
        whole = sum(g.value for g in group)
        s = sum(p.value for p in parts)
        stated = " + ".join(repr(g.text) for g in group)
        if s > whole * 1.001:
            ctx.add("arithmetic", "error",
                    f"the parts add up to {fmt_amount(s, None)}, more than the stated total {stated}",
                    [*group, *parts], suggestion=f"check the total or the parts (sum {fmt_amount(s, None)})")
        elif _exhaustive(text, s0, s1, total, parts) and whole - s > _rounding_slack(group, parts):
            ctx.add("arithmetic", "warning",
                    f"the parts add up to {fmt_amount(s, None)}, not the stated total {stated}",
                    [*group, *parts], suggestion=f"check the total or the parts (sum {fmt_amount(s, None)}, "
                                                 f"{fmt_amount(whole - s, None)} short)")


def _exhaustive(text: str, s0: int, s1: int, total: Quantity, parts: list[Quantity]) -> bool:
    """Whether the parts are said to make up the whole total, not to be some of it: a verb that hands it out
    ("is split between", "from the sales of"), or a sentence opening on the whole whose list of three or
    more outcomes closes with "and" ("Of the 250 on board, 180 were rescued, 40 died and 20 are missing").
    In that list each part opens its own clause; "the Union won 131, the Front 78 and the Greens 39" names
    winners and may leave out the small ones."""
    if len(parts) < 2 or any(p.bound != "exact" for p in parts) or total.bound != "exact":
        return False
    if PARTIAL_RE.search(text[total.end:parts[-1].start]):
        return False
    if EXHAUSTIVE_AFTER_RE.match(text[total.end:total.end + 60]):
        return True
    gaps = [text[a.end:b.start] for a, b in zip(parts, parts[1:])]
    return len(parts) >= 3 and bool(re.match(r"\W{0,2}Of\s+the\s+$", text[s0:total.start])) \
        and re.search(r"\band\s*$", gaps[-1]) is not None and all(re.search(r",\s*$", g) for g in gaps[:-1]) \
        and re.search(r",\s*$", text[total.end:parts[0].start]) is not None


def _rounding_slack(group: list[Quantity], parts: list[Quantity]) -> float:
    """How far rounded parts may fall short of a rounded total: half the total's last digit, half a part's
    for every part beyond the first ("£1.2bn split as £0.7bn and £0.4bn" may be 0.74 and 0.44)."""
    part_digit = max(_written_digit(p) for p in parts)
    whole = sum(g.value for g in group)
    return max(0.5 * (max(_written_digit(g) for g in group) + part_digit * (len(parts) - 1)), 0.005 * whole)


def _written_digit(q: Quantity) -> float:
    """The rounding unit of a figure as written: '40 million' -> 1 million (not the 10 million its zeros
    suggest), '2.5bn' -> 100 million, '412' -> 1."""
    m = re.search(r"\d[\d,]*(?:\.(\d+))?", q.text)
    shown = float(m.group(0).replace(",", "")) if m else 0.0
    if not shown or q.value is None:
        return _last_digit(q.value or 0)
    return 10 ** -len(m.group(1) or "") * abs(q.value) / shown


# "2,300 jobs, or about 9% of its workforce of 31,000"; "Of the 40 members, 12 voted against, or 45%".
_OR_SHARE = re.compile(r"^(?:\s+[a-z][\w'-]*){0,4}\s*,\s*or\s+(?:about\s+|around\s+|roughly\s+|some\s+|nearly\s+|almost\s+"
                       r"|just\s+)?$|^\s*,?\s*or\s+$|^\s*\(\s*(?:about\s+|around\s+|some\s+|nearly\s+)?$")
# "600 loans, of which 90, or 15%": the whole right before the part.
_WHOLE_THEN_PART = re.compile(r"^[^.;\d]{0,30}?,?\s*(?:of\s+(?:which|whom|them)|among\s+them|including)\s+"
                              r"(?:about\s+|around\s+|some\s+|nearly\s+)?$", re.I)
# "212,400 votes, or 48%, out of 440,700": the whole right after the share.
_OUT_OF_WHOLE = re.compile(r"^\s*\)?\s*,?\s*(?:out\s+of|of)\s+(?:the\s+|a\s+total\s+of\s+|all\s+)?"
                           r"(?:about\s+|around\s+|some\s+|nearly\s+)?$", re.I)
_SHARE_OF_WHOLE = re.compile(r"^\s+of\s+(?:its|their|the|his|her|our|a)?\s*(?:[\w-]+\s+){0,3}?of\s+"
                             r"(?:about\s+|around\s+|some\s+|nearly\s+|roughly\s+)?$", re.I)
_WHOLE_BEFORE = re.compile(r"(?:^|\W)of\s+the\s+$", re.I)


def _shares(ctx: _Ctx, qs: list[Quantity]) -> None:
    """A share given as 'N, or P%' of a whole named in the sentence: is N really P% of it?"""
    text = ctx.report.text
    for k, pct in enumerate(qs):
        if pct.unit != "%" or pct.value is None or k == 0 or pct.change is not None:
            continue
        part = qs[k - 1]
        if part.unit == "%" or not part.value or part.range is not None or not _OR_SHARE.match(text[part.end:pct.start]):
            continue
        s0, s1 = _sentence_bounds(text, pct.start)
        whole = None
        after = next((q for q in qs[k + 1:] if q.start < s1), None)
        if k >= 2 and qs[k - 2].start >= s0 and qs[k - 2].unit != "%" \
                and re.fullmatch(r"\s+of\s+the\s+", text[qs[k - 2].end:part.start]):
            part, whole = qs[k - 2], part          # "2.3 million of the 3.4 million voters, or 81%"
        elif after is not None and (_SHARE_OF_WHOLE.match(text[pct.end:after.start])
                                    or _OUT_OF_WHOLE.match(text[pct.end:after.start])):
            whole = after                          # "9% of its workforce of 31,000", "or 52%, out of 440,700"
        elif k >= 2 and qs[k - 2].start >= s0 and _WHOLE_THEN_PART.match(text[qs[k - 2].end:part.start]):
            whole = qs[k - 2]                      # "600 loans, of which 90, or 15%"
        else:
            for w in reversed(qs[:k - 1]):         # "Of the 40 members, 12 ...", "2.3 million of the 3.4 million"
                if w.start < s0:
                    break
                if _WHOLE_BEFORE.search(text[max(s0, w.start - 9):w.start]) or \
                        _WHOLE_BEFORE.search(text[max(s0, part.end):w.start]):
                    whole = w
                    break
        if whole is None or not whole.value or whole.unit == "%" or whole.range is not None \
                or not (0 < part.value < whole.value):
            continue
        if part.dimension != whole.dimension and whole.dimension is not None and part.dimension is not None:
            continue
        actual = part.value / whole.value * 100
        # a share rounds to its last digit; "about" allows a point more
        slack = max(1.0, 0.1 * pct.value) if pct.bound != "exact" else max(0.5, 0.05 * pct.value)
        if abs(actual - pct.value) > slack:
            ctx.add("arithmetic", "error",
                    f"{part.text!r} of {whole.text!r} is {actual:.1f}%, but the text says {pct.text!r}",
                    [part, pct, whole], suggestion=f"{actual:.0f}%")


# Between the items of a list of shares: a comma or "and", then a short name ("Labour", "the Greens").
_SHARE_LIST_GAP = re.compile(r"^\s*(?:,|,?\s+and)\s+(?:the\s+)?[\w'-]+(?:\s+[\w'-]+){0,2}\s+(?:on\s+|with\s+)?$")
# What makes such a list one whole split up: a last part for the rest, or a verb of votes or shares.
_WHOLE_SPLIT = re.compile(r"(?i)\b(?:others?|the\s+rest|the\s+remainder|undecided|don't\s+know)\b|"
                          r"\b(?:won|took|got|polled|secured|received|garnered|share|shares|split|vote[sd]?)\b")


def _share_lists(ctx: _Ctx, qs: list[Quantity]) -> None:
    """'The Greens won 10.6%, Labour 35.9%, the Conservatives 48.2% and others 9.3%': shares of one whole
    cannot add up to well over 100%."""
    text = ctx.report.text
    k = 0
    while k < len(qs):
        run = [qs[k]]
        while run[-1].unit == "%" and k + len(run) < len(qs):
            nxt = qs[k + len(run)]
            if nxt.unit != "%" or not _SHARE_LIST_GAP.match(text[run[-1].end:nxt.start]):
                break
            run.append(nxt)
        k += len(run)
        if len(run) < 3 or any(q.value is None or q.change is not None or q.bound != "exact" for q in run):
            continue
        s0, s1 = _sentence_bounds(text, run[0].start)
        if not _WHOLE_SPLIT.search(text[s0:run[-1].end + 12]):
            continue
        total = sum(q.value for q in run)
        if total > 100 + max(1.0, 0.5 * len(run)):
            ctx.add("arithmetic", "warning", f"the shares {', '.join(repr(q.text) for q in run)} add up to "
                    f"{total:.3g}%, more than 100%", run, suggestion="check the shares")


PEOPLE = {"person", "people", "child", "woman", "man", "adult", "girl", "boy", "student", "soldier", "civilian",
          "officer", "worker", "resident", "passenger", "teenager", "baby", "infant", "victim", "patient",
          "citizen", "national", "member", "employee", "staff", "journalist", "firefighter", "miner", "nurse",
          "driver", "doctor", "teacher", "police", "policeman", "pilgrim", "tourist", "migrant", "refugee"}


GROUPS = {"person", "people", "victim", "casualty", "passenger", "resident", "civilian", "worker", "employee",
          "staff", "member", "student", "patient", "migrant", "refugee"}
# Totals whose parts are naturally named by kinds ("200 homes, including 120 flats and 80 houses").
BROAD = {"home", "building", "house", "property", "structure", "vehicle", "animal", "item", "unit", "job",
         "facility", "site", "weapon", "aircraft", "vessel", "school"}


def _same_kind(total: Quantity, part: Quantity, bare_ok: bool = False) -> bool:
    """Could `part` be a share of `total`? Same counted noun, or people within people, or same currency."""
    if total.dimension == "count":
        if part.unit is None and part.dimension is None:
            return bare_ok           # "Of the 120 people hurt, 80 were children"
        if part.dimension != "count" or not re.search(r"\d[\d,.]*\s*-?\s*[A-Za-z]", part.text):
            # A bare number that only borrowed its unit is no evidence of a part, unless the sentence
            # opened on the whole: "Of the 240 seats, the Union won 131, the Front 78 and the Greens 39".
            return bare_ok and part.counts == total.counts
        return part.counts == total.counts or (total.counts in GROUPS and part.counts in PEOPLE) or \
            total.counts in BROAD
    return bool(total.unit) and _base(part.unit)[0] == _base(total.unit)[0] and part.dimension == total.dimension


# ------------------------------------------------------------------------------------ contradictions
def _verb_near(text: str, q: Quantity) -> str | None:
    """The verb a counted quantity goes with: '7 people were killed' / 'killed 7 people' -> 'kill'."""
    after = re.findall(r"[A-Za-z]+", text[q.end:q.end + 50])
    for w in after[:4]:
        lw = w.lower()
        if lw in VERB_SKIP:
            continue
        if lw.endswith("ed") or lw in ("died", "dead", "killed", "injured", "missing", "hurt", "wounded"):
            return _stem(lw)
        break
    before = re.findall(r"[A-Za-z]+", text[max(0, q.start - 30):q.start])
    if before and (before[-1].lower().endswith("ed") or before[-1].lower() in ("kill", "killing", "left")):
        return _stem(before[-1].lower())
    return None


def _continuation(text: str, q: Quantity) -> str:
    """The two words after the verb: 'killed in Dallas' and 'killed in Orlando' are different events."""
    words = [w.lower() for w in re.findall(r"[A-Za-z]+", text[q.end:q.end + 80])]
    words = [w for w in words if w not in VERB_SKIP and w not in ("the", "a", "an")]
    return " ".join(words[1:3])


def _stem(w: str) -> str:
    w = {"died": "die", "dead": "die", "killed": "kill", "hurt": "injur", "wounded": "injur"}.get(w, w)
    return re.sub(r"(?:ed|d|ing|s)$", "", w)[:6]


def _compatible(a: Quantity, b: Quantity) -> bool:
    """Could both statements be true of the same number? Bounds make ranges of possible values."""
    def interval(q: Quantity) -> tuple[float, float]:
        v = float(q.value)
        return {"exact": (v, v), "about": (v * 0.85, v * 1.15), "at_least": (v, math.inf),
                "more_than": (v, math.inf), "at_most": (-math.inf, v), "less_than": (-math.inf, v)}[q.bound]

    (a0, a1), (b0, b1) = interval(a), interval(b)
    return a0 <= b1 and b0 <= a1


def _contradictions(ctx: _Ctx, qs: list[Quantity]) -> None:
    text = ctx.report.text
    groups: dict[tuple[str, str, str], list[Quantity]] = {}
    for q in qs:
        if q.unit != "count" or not q.counts or q.value is None or q.change is not None or q.range is not None:
            continue
        if CONTRA_EXCLUDE_RE.search(text[max(0, q.start - 15):q.start]) or \
                re.match(r"(?i)\s*(?:more|other|additional|each|per)\b", text[q.end:q.end + 12]):
            continue
        verb = _verb_near(text, q)
        if verb:
            # same counted phrase ("broadcast network debate" is not "debate") and the same verb
            groups.setdefault((q.unit_name or q.counts, verb, _continuation(text, q)), []).append(q)
    for (noun, verb, _), items in groups.items():
        first = items[0]
        for other in items[1:]:
            s_a, s_b = _sentence_bounds(text, first.start), _sentence_bounds(text, other.start)
            if s_a == s_b:
                continue
            sent_a, sent_b = text[s_a[0]:s_a[1]], text[s_b[0]:s_b[1]]
            if OTHER_EVENT_RE.search(sent_b) or OTHER_EVENT_RE.search(sent_a):
                continue
            days_a, days_b = set(WEEKDAY_RE.findall(sent_a)), set(WEEKDAY_RE.findall(sent_b))
            if days_a and days_b and not days_a & days_b:
                continue                      # Monday's attack and Tuesday's are different events
            if not _compatible(first, other):
                ctx.add("contradiction", "warning",
                        f"{first.text!r} and later {other.text!r}: two different figures for the same "
                        f"{noun} count ({verb}…)", [first, other],
                        suggestion="check which figure is current, or say why it changed")
                break
    _toll_below_minimum(ctx, qs)


# A sentence about another event: its toll is not this one's.
_ANOTHER_EVENT = re.compile(r"(?i)\b(?:separate|another|second|other|last\s+year|earlier\s+this\s+year|in\s+\d{4})\b")


def _toll_below_minimum(ctx: _Ctx, qs: list[Quantity]) -> None:
    """'killing at least 112 people' ... 'the death toll stood at 87': a toll may rise, but a later figure
    below an earlier minimum needs saying why (tolls are otherwise left out as updates)."""
    text = ctx.report.text
    deaths = [q for q in qs if q.unit == "count" and q.value is not None and q.range is None and q.change is None
              and (q.counts == "dead" or _verb_near(text, q) in ("kill", "die"))]
    reported = {(f.evidence[0].start, f.evidence[1].start) for f in ctx.findings if f.kind == "contradiction"}
    for k, low in enumerate(deaths):
        s_low = _sentence_bounds(text, low.start)
        if _ANOTHER_EVENT.search(text[s_low[0]:s_low[1]]):
            continue
        for floor in deaths[:k]:
            s_floor = _sentence_bounds(text, floor.start)
            if s_floor == s_low or floor.bound not in ("at_least", "more_than") or low.value >= floor.value \
                    or (floor.start, low.start) in reported or _ANOTHER_EVENT.search(text[s_floor[0]:s_floor[1]]):
                continue
            ctx.add("contradiction", "warning",
                    f"{floor.text!r} and later {low.text!r}: the later death toll is below the earlier minimum",
                    [floor, low], suggestion="check which figure is current, or say why it was revised down")
            return


# ------------------------------------------------------------------------------------ weekdays
_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_WEEKDAY_BEFORE = re.compile(r"\b(?P<w>Mon|Tues?|Wed(?:nes)?|Thu(?:rs?)?|Fri|Sat(?:ur)?|Sun)(?:day)?\.?,?\s+"
                             r"(?:the\s+)?$")
_WEEKDAY_INSIDE = re.compile(r"(?P<w>(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day),?\s+(?:the\s+)?(?P<rest>.*)", re.S)
_WEEKDAY_AFTER = re.compile(r"^,?\s+(?:a|which\s+(?:was|is)\s+a|that\s+(?:was|is))\s+(?P<w>(?:Mon|Tues|Wednes|Thurs|"
                            r"Fri|Satur|Sun)day)\b")
_MONTH_DAY = re.compile(r"(?i)\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2}\b|"
                        r"\b\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)")


def _weekdays(ctx: _Ctx) -> None:
    """'late on Sunday, June 6', 'Saturday 6 June', 'June 6, a Sunday': the weekday must be the date's."""
    text = ctx.report.text
    for d in ctx.report.dates:
        if not d.resolved or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", d.resolved):
            continue
        inside = _WEEKDAY_INSIDE.match(d.text)
        if inside:
            said, date_text, start = inside["w"], inside["rest"], d.start
        else:
            m = _WEEKDAY_BEFORE.search(text[max(0, d.start - 16):d.start]) or \
                _WEEKDAY_AFTER.match(text[d.end:d.end + 24])
            if m is None:
                continue
            said, date_text = m["w"], d.text
            start = d.start - len(m.group(0)) if m.re is _WEEKDAY_BEFORE else d.start
        if not _MONTH_DAY.search(date_text):
            continue                       # "Sunday" alone, "Friday the 13th": nothing to check against
        named = next(n for n in _DAY_NAMES if n.lower().startswith(said.lower()[:3]))
        date = dt.date.fromisoformat(d.resolved)
        actual = _DAY_NAMES[date.weekday()]
        if actual == named:
            continue
        end = d.end if inside or m.re is _WEEKDAY_BEFORE else d.end + m.end()
        meant = _nearest(date, named)
        ctx.findings.append(Finding(
            id=f"f{len(ctx.findings) + 1}", kind="contradiction", severity="warning",
            message=f"{date:%B} {date.day}, {date.year} is a {actual}, not a {named}",
            evidence=[Span(start, end, text[start:end])],
            suggestion=f"check the date or the weekday ({named} is {meant:%B} {meant.day})"))


def _nearest(date: dt.date, weekday: str) -> dt.date:
    """The named weekday closest to `date`: the date the writer may have meant."""
    want = _DAY_NAMES.index(weekday)
    ahead = (want - date.weekday()) % 7
    return date + dt.timedelta(days=ahead) if ahead <= 3 else date - dt.timedelta(days=7 - ahead)
