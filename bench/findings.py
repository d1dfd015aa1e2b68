"""Generated benchmark for consistency findings: clean sentences vs the same sentences with a slip.

usage: python bench/findings.py [--n 300] [--seed 7] [--show 10]

Every item is written from our own templates: a currency conversion at the ECB rate of its publication
date (rounded the way newsrooms round), a unit conversion, a change with its percentage, difference or
factor ("tripled from A to B"),
a total with its parts, or two sentences repeating a casualty count. Each clean item has a slipped twin:
the converted figure off by 10^3/10^6 (million for billion) or by a stale/wrong rate (+-30..80%), a
wrong percentage, parts larger than the total, a contradicting count.

Reports recall on injected slips (the expected finding kind is raised) and false alarms per 100 clean
items (any finding at all on a clean item).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from claimledger import currency as cur  # noqa: E402
from claimledger.pipeline import analyze_many  # noqa: E402

SUBJECTS = ["The company", "The ministry", "The club", "The city council", "The airline", "The regulator",
            "The province", "The developer", "The charity", "The energy firm"]
VERBS_MONEY = ["agreed to pay {a} ({b}) to settle the dispute.", "was fined {a} ({b}) on Tuesday.",
               "will invest {a} ({b}) in the new plant.", "raised {a}, or about {b}, from investors.",
               "set aside {a} ({b}) for repairs.", "reported a loss of {a} ({b}) for the year.",
               "said on March 3 that it had spent {a} (about {b}) on 14 new trains since 2019.",
               "paid {a} (roughly {b}) for a 25% stake, two people familiar with the deal said.",
               "expects revenue of {a}, or around {b}, in its 2025 fiscal year."]
# (code, formatter of an amount in that currency)
SCALES = [(1e3, "thousand"), (1e6, "million"), (1e9, "billion")]


def sig(x: float, digits: int = 2) -> float:
    if x == 0:
        return 0
    from math import floor, log10

    return round(x, -int(floor(log10(abs(x)))) + digits - 1)


def split_scale(x: float) -> tuple[float, str]:
    for size, name in reversed(SCALES):
        if x >= size and size >= 1e6:
            return x / size, name
    return x, ""


def num(x: float) -> str:
    if x >= 1000 and x == int(x):
        return f"{int(x):,}"
    return f"{x:g}"


def money(x: float, code: str, style: int) -> str:
    v, scale = split_scale(x)
    s = num(v)
    short = {"million": "m", "billion": "bn", "": ""}[scale]
    long_ = f" {scale}" if scale else ""
    if code == "USD":
        return [f"${s}{long_}", f"US${s}{short}", f"${s}{short}"][style % 3]
    if code == "CAD":
        return [f"${s}{long_} Cdn", f"C${s}{long_}", f"{s}{long_} Canadian dollars"][style % 3]
    if code == "EUR":
        return [f"€{s}{long_}", f"{s}{long_} euros", f"€{s}{short}"][style % 3]
    if code == "GBP":
        # bare "pounds" without a scale word reads as weight, as it does in news; keep the sign then
        return [f"£{s}{long_}", f"£{s}{short}", f"{s}{long_} pounds" if scale else f"£{s}"][style % 3]
    if code == "JPY":
        return [f"¥{s}{long_}", f"{s}{long_} yen", f"{s}{long_} yen"][style % 3]
    if code == "AUD":
        return [f"A${s}{long_}", f"{s}{long_} Australian dollars", f"A${s}{short}"][style % 3]
    if code == "CNY":
        return [f"{s}{long_} yuan", f"{s}{long_} yuan", f"{s}{long_} yuan"][style % 3]
    if code == "CHF":
        return f"{s}{long_} Swiss francs"
    if code == "INR":
        return f"{s}{long_} rupees"
    raise ValueError(code)


PAIRS = [("EUR", "USD"), ("GBP", "USD"), ("EUR", "CAD"), ("JPY", "USD"), ("AUD", "USD"), ("CNY", "USD"),
         ("USD", "EUR"), ("GBP", "EUR"), ("CHF", "USD"), ("USD", "GBP"), ("INR", "USD")]
UNIT_PAIRS = [("miles", "km", "mile", "kilometer"), ("km", "miles", "kilometer", "mile"),
              ("feet", "metres", "foot", "meter"), ("kg", "pounds", "kilogram", "pound"),
              ("mph", "km/h", "mile/hour", "kilometer/hour"),
              ("square miles", "square kilometres", "mile**2", "kilometer**2"),
              ("litres", "gallons", "liter", "gallon")]
UNIT_SENTENCES = ["The route runs for {a} ({b}) along the coast.", "The storm front spread over {a} ({b}).",
                  "The new section adds {a} ({b}) to the network.", "Officials measured {a} ({b}) at the site.",
                  "By 2030, the 12 new lines will cover about {a} ({b}), the ministry said.",
                  "Rescuers reached the village, some {a} ({b}) from the capital, on Friday."]


@dataclass
class Item:
    kind: str          # expected finding kind for the slipped twin
    clean: str
    slipped: str
    published: str


def conversion(rng: random.Random) -> Item:
    src, dst = rng.choice(PAIRS)
    day = dt.date(2016, 1, 1) + dt.timedelta(days=rng.randrange(0, 3200))
    mag = rng.choice([1e5, 1e6, 1e7, 1e8, 1e9, 1e10])
    if src in ("JPY", "INR"):
        mag *= 100
    amount = sig(rng.uniform(1.2, 9.8) * mag, 2)
    conv = cur.convert(amount, src, dst, day)
    good = sig(conv, 2)
    if rng.random() < 0.55:
        bad = good * rng.choice([1e3, 1e-3, 1e6])
        if bad < 1000:
            bad = good * 1e3
    else:
        bad = sig(good * rng.choice([rng.uniform(1.3, 1.8), rng.uniform(0.45, 0.75)]), 2)
    style = rng.randrange(3)
    tmpl = f"{rng.choice(SUBJECTS)} " + rng.choice(VERBS_MONEY)
    return Item("conversion_mismatch", tmpl.format(a=money(amount, src, style), b=money(good, dst, style + 1)),
                tmpl.format(a=money(amount, src, style), b=money(bad, dst, style + 1)), day.isoformat())


def unit_conversion(rng: random.Random) -> Item:
    from claimledger.quantities import convert_units

    ua, ub, pa, pb = rng.choice(UNIT_PAIRS)
    a = float(rng.choice([rng.randrange(3, 95), rng.randrange(100, 990, 10)]))
    b = convert_units(a, pa, pb)
    good = round(b) if b >= 10 else round(b, 1)
    bad = good * rng.choice([1.5, 1.8, 0.5, 0.6, 2.2])
    bad = round(bad) if bad >= 10 else round(bad, 1)
    tmpl = rng.choice(UNIT_SENTENCES)
    return Item("conversion_mismatch", tmpl.format(a=f"{num(a)} {ua}", b=f"{num(good)} {ub}"),
                tmpl.format(a=f"{num(a)} {ua}", b=f"{num(bad)} {ub}"), "2024-06-01")


CHANGE_THINGS = [("The lake", "square kilometres"), ("The herd", "animals"), ("Membership", "members"),
                 ("The forest", "hectares"), ("The budget", "million euros"), ("Output", "tonnes")]


def change(rng: random.Random) -> Item:
    thing, unit = rng.choice(CHANGE_THINGS)
    a = rng.randrange(200, 9000, 10)
    down = rng.random() < 0.5
    b = int(a * (rng.uniform(0.2, 0.9) if down else rng.uniform(1.1, 2.5)))
    pct = abs(b - a) / a * 100
    verb, noun = ("shrank", "a loss of") if down else ("grew", "an increase of")
    wrong = pct * rng.choice([0.5, 0.6, 1.5, 1.8])
    wrong = wrong if abs(wrong - pct) >= 5 else pct + rng.choice([-5, 5, 10])
    form = rng.randrange(4)
    if form == 0:
        good, bad = f"{pct:.0f}%", f"{abs(wrong):.0f}%"
        tmpl = f"{thing} {verb} from {a:,} to {b:,} {unit}, {noun} {{x}}."
    elif form == 1:
        diff = abs(b - a)
        good, bad = f"{diff:,} {unit}", f"{int(diff * rng.choice([0.5, 1.6, 2]) + 40):,} {unit}"
        tmpl = f"{thing} {verb} from {a:,} to {b:,} {unit}, {noun} {{x}}."
    elif form == 2:        # "fell 38% to 1,234 from 2,000"
        good, bad = f"{pct:.0f}%", f"{abs(wrong):.0f}%"
        word = "fell" if down else "rose"
        tmpl = f"In 2023, {thing.lower()} {word} {{x}} to {b:,} {unit} from {a:,} {unit} a year earlier."
    else:                  # "a 38% drop"
        good, bad = f"{pct:.1f}%", f"{abs(wrong):.1f}%"
        tail = "drop" if down else "increase"
        tmpl = f"{thing} went from {a:,} {unit} in 2019 to {b:,} {unit} last year, a {{x}} {tail}."
    return Item("arithmetic", tmpl.format(x=good), tmpl.format(x=bad), "2024-06-01")


PARTS = [("people were injured", ["children", "adults"]), ("workers lost their jobs", ["nurses", "drivers"]),
         ("homes were damaged", ["flats", "houses"])]


def totals(rng: random.Random) -> Item:
    what, names = rng.choice(PARTS)
    total = rng.randrange(20, 900)
    p1 = rng.randrange(1, total // 2 + 1)
    p2 = rng.randrange(1, total - p1 + 1)
    over = total + rng.randrange(3, 40)
    q1 = over - p2 if over - p2 > 0 else over
    noun = what.split()[0]
    form = rng.randrange(3)
    if form == 0:
        tmpl = f"A total of {total} {what}, including {{p1}} {names[0]} and {p2} {names[1]}."
    elif form == 1:
        tmpl = f"Officials said {total} {what} on Sunday, among them {{p1}} {names[0]} and {p2} {names[1]}."
    else:
        tmpl = f"Of the {total} {what.split()[0]} affected, {{p1}} were {names[0]} and {p2} were {names[1]}."
    clean, slipped = tmpl.format(p1=p1), tmpl.format(p1=q1)
    return Item("arithmetic", clean, slipped, "2024-06-01")


def contradiction(rng: random.Random) -> Item:
    n = rng.randrange(3, 60)
    m = n + rng.choice([-2, -1, 2, 3, 5, 10]) if n > 3 else n + 4
    noun, verb = rng.choice([("people", "killed"), ("people", "injured"), ("soldiers", "killed"),
                             ("passengers", "injured"), ("miners", "killed")])
    place = rng.choice(["the blast", "the crash", "the attack", "the collapse"])
    tmpl = (f"{n} {noun} were {verb} in {place} on Monday, officials said. Rescue teams worked through the night. "
            f"Police confirmed that {{m}} {noun} were {verb} in {place}.")
    return Item("contradiction", tmpl.format(m=n), tmpl.format(m=m), "2024-06-01")


def factor(rng: random.Random) -> Item:
    word, k = rng.choice([("doubled", 2), ("tripled", 3), ("more than doubled", 2.3), ("halved", 0.5)])
    a = rng.randrange(200, 9000, 10)
    good = int(a * k)
    # "more than doubled" stays true for any factor above 2: its slip must fall short of 2
    bad = int(a * rng.uniform(1.2, 1.8)) if word.startswith("more") else int(a * k * rng.choice([0.6, 0.7, 1.5, 1.7]))
    thing = rng.choice(["Sales", "Exports", "Bookings", "Subscriptions"])
    tmpl = f"{thing} {word} from {a:,} to {{b}} units last year."
    return Item("arithmetic", tmpl.format(b=f"{good:,}"), tmpl.format(b=f"{bad:,}"), "2024-06-01")


def points(rng: random.Random) -> Item:
    """A rate's change stated in percentage points or basis points (polls, jobless rates, interest rates)."""
    a = rng.randrange(10, 700) / 10
    b = round(a + rng.choice([-1, 1]) * rng.randrange(3, 90) / 10, 1)
    diff = abs(b - a)
    verb = "rose" if b > a else "fell"
    if rng.random() < 0.5:
        good, bad = f"{diff:.1f} percentage points", f"{diff + rng.choice([1.0, 2.0, -0.5 * diff]):.1f} percentage points"
        thing = rng.choice(["Support for the plan", "The jobless rate", "Turnout"])
    else:
        good, bad = f"{diff * 100:.0f} basis points", f"{diff * 100 + rng.choice([25, 50, -10]):.0f} basis points"
        thing = rng.choice(["The policy rate", "The ten-year yield"])
    tmpl = f"{thing} {verb} from {a:.1f}% to {b:.1f}% last year, {'a gain' if b > a else 'a drop'} of {{x}}."
    return Item("arithmetic", tmpl.format(x=good), tmpl.format(x=bad), "2024-06-01")


def converted_change(rng: random.Random) -> Item:
    """Wire copy gives the new figure's conversion in parentheses between the two ends of a change."""
    day = dt.date(2016, 1, 1) + dt.timedelta(days=rng.randrange(0, 3200))
    before = rng.randrange(12, 95) / 10
    after = round(before * rng.uniform(1.1, 1.6), 1)
    usd = sig(cur.convert(after * 1e9, "EUR", "USD", day), 2)
    pct = (after - before) / before * 100
    wrong = pct * rng.choice([0.5, 1.6, 2.0]) if pct >= 8 else pct + 10
    tmpl = (f"{rng.choice(SUBJECTS)}'s revenue climbed to {after:.1f} billion euros ({money(usd, 'USD', 1)}) "
            f"from {before:.1f} billion euros, an increase of {{x}}.")
    return Item("arithmetic", tmpl.format(x=f"{pct:.0f}%"), tmpl.format(x=f"{wrong:.0f}%"), day.isoformat())


def share(rng: random.Random) -> Item:
    """A part given with its share of a whole named in the same sentence ('N, or P% of M')."""
    whole = rng.randrange(40, 90000)
    part = int(whole * rng.uniform(0.05, 0.8))
    pct = part / whole * 100
    wrong = pct + rng.choice([-1, 1]) * max(4.0, 0.3 * pct)
    wrong = wrong if wrong > 0 else pct + 6
    tmpl = rng.choice([f"The firm will cut {part:,} jobs, or {{x}} of its workforce of {whole:,}, by next year.",
                       f"Of the {whole:,} members, {part:,} voted against the plan, or {{x}}.",
                       f"Some {part:,} of the {whole:,} registered voters, or {{x}}, cast a ballot."])
    return Item("arithmetic", tmpl.format(x=f"{pct:.0f}%"), tmpl.format(x=f"{wrong:.0f}%"), "2024-06-01")


MAKERS = [conversion, conversion, unit_conversion, change, totals, contradiction, factor, points, converted_change,
          share]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=300)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--show", type=int, default=8, help="print up to N misses and false alarms")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    items = [MAKERS[i % len(MAKERS)](rng) for i in range(a.n)]
    records = []
    for i, it in enumerate(items):
        records.append({"id": f"c{i}", "text": it.clean, "published": it.published})
        records.append({"id": f"s{i}", "text": it.slipped, "published": it.published})
    reports = {r.article.id: r for r in analyze_many(records)}
    hits, alarms = Counter(), Counter()
    per_kind = Counter()
    shown_miss = shown_alarm = 0
    for i, it in enumerate(items):
        clean, slipped = reports[f"c{i}"], reports[f"s{i}"]
        per_kind[it.kind] += 1
        if clean.findings:
            alarms[it.kind] += 1
            if shown_alarm < a.show:
                shown_alarm += 1
                print("FALSE ALARM:", it.clean, "->", [f.message for f in clean.findings])
        if any(f.kind == it.kind for f in slipped.findings):
            hits[it.kind] += 1
        elif shown_miss < a.show:
            shown_miss += 1
            print("MISSED:", it.slipped, "->", [f.message for f in slipped.findings])
    n = len(items)
    print(f"\nitems: {n} clean + {n} slipped (seed {a.seed})")
    for kind in sorted(per_kind):
        print(f"  {kind:20s} recall {100 * hits[kind] / per_kind[kind]:5.1f}%  "
              f"false alarms {alarms[kind]}/{per_kind[kind]}")
    print(f"recall on injected slips: {100 * sum(hits.values()) / n:.1f}%")
    print(f"false alarms per 100 clean items: {100 * sum(alarms.values()) / n:.2f}")


if __name__ == "__main__":
    main()
