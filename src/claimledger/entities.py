"""Named entities from spaCy's NER, with the mentions of one entity clustered under one name.

"German Chancellor Olaf Scholz", "Scholz" and "Scholz's" become one entity named "Olaf Scholz":
a short mention joins the longest earlier-or-later name whose words contain it.
"""

from __future__ import annotations

import re
from collections import Counter

from spacy.tokens import Doc, Span as SpacySpan

from .report import Entity, Span

# Numbers, dates and amounts are reported as quantities and dates, not as entities.
NAME_LABELS = {"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT", "PRODUCT", "LAW",
               "WORK_OF_ART", "LANGUAGE"}
# spaCy's small model often labels one person PERSON in one place and ORG/GPE in another;
# these labels may merge with each other when the names match.
MERGEABLE = {"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC"}
_LEADING = re.compile(r"^(the|a|an)\s+", re.I)
_POSSESSIVE = re.compile(r"(?:'s|’s|'|’)$")


def clean_name(text: str) -> str:
    """The name a mention spells, without a leading article, possessive or stray punctuation."""
    name = " ".join(text.split())
    name = _LEADING.sub("", name)
    name = _POSSESSIVE.sub("", name)
    return name.strip(" \t\n.,;:\"“”‘’'()[]-–—")


def _mention_bounds(ent: SpacySpan) -> tuple[int, int]:
    """Character bounds of a mention with a leading 'the' and trailing possessive dropped."""
    start, end = ent.start, ent.end
    if end - start > 1 and ent.doc[start].lower_ == "the":
        start += 1
    if end - start > 1 and ent.doc[end - 1].tag_ == "POS":
        end -= 1
    span = ent.doc[start:end]
    return span.start_char, span.end_char


def _words(name: str) -> list[str]:
    return [w.lower() for w in re.findall(r"[\w][\w.\-]*", name)]


def _joins(short: str, long: str) -> bool:
    """Whether the mention `short` can refer to the entity named `long`."""
    if short.lower() == long.lower():
        return True
    sw, lw = _words(short), _words(long)
    if not sw or len(sw) >= len(lw):
        return False
    # "Scholz" -> "Olaf Scholz"; "Merkel" -> "Angela Merkel"; "Post" must not join "Washington Post"
    # unless it is the head (last) word or a contiguous run of the long name.
    n = len(sw)
    for i in range(len(lw) - n + 1):
        if lw[i:i + n] == sw:
            return i + n == len(lw) or i == 0 and n > 1
    # An acronym: "EU" -> "European Union".
    initials = "".join(w[0] for w in lw if w not in {"of", "the", "and", "for"})
    return len(sw) == 1 and len(short) >= 2 and short.isupper() and short.lower() == initials


def extract(doc: Doc) -> list[Entity]:
    mentions: list[tuple[str, str, int, int]] = []  # (name, label, start, end)
    for ent in doc.ents:
        if ent.label_ not in NAME_LABELS:
            continue
        name = clean_name(ent.text)
        if not name or not re.search(r"[A-Za-z]", name):
            continue
        start, end = _mention_bounds(ent)
        mentions.append((name, ent.label_, start, end))

    # Longest names first become cluster heads, so short mentions find their full form
    # wherever it occurs in the article.
    clusters: list[dict] = []
    by_length = sorted(range(len(mentions)), key=lambda i: (-len(_words(mentions[i][0])), i))
    assignment: dict[int, int] = {}
    for i in by_length:
        name, label, _, _ = mentions[i]
        target = None
        for c, cluster in enumerate(clusters):
            compatible = label == cluster["label"] or (label in MERGEABLE and cluster["label"] in MERGEABLE)
            if compatible and _joins(name, cluster["name"]):
                target = c
                break
        if target is None:
            clusters.append({"name": name, "label": label, "labels": Counter()})
            target = len(clusters) - 1
        clusters[target]["labels"][label] += 1
        assignment[i] = target

    entities: list[Entity] = []
    order = sorted(range(len(clusters)),
                   key=lambda c: min(mentions[i][2] for i, t in assignment.items() if t == c))
    for n, c in enumerate(order, start=1):
        members = sorted((mentions[i] for i, t in assignment.items() if t == c), key=lambda m: m[2])
        cluster = clusters[c]
        # The full name's own label, unless the short mentions clearly outvote it.
        label = cluster["label"]
        top, count = cluster["labels"].most_common(1)[0]
        if top != label and count > len(members) / 2 and label in MERGEABLE and top in MERGEABLE:
            label = top
        entities.append(Entity(id=f"e{n}", name=cluster["name"], type=label,
                               mentions=[Span.of(doc.text, s, e) for _, _, s, e in members]))
    return entities
