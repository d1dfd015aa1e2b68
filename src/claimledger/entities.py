"""Named entities from spaCy's NER, with the mentions of one entity clustered under one name.

"German Chancellor Olaf Scholz", "Scholz" and "Scholz's" become one entity named "Olaf Scholz":
a short mention joins the longest earlier-or-later name whose words contain it.
"""

from __future__ import annotations

import re
from collections import Counter

from spacy.tokens import Doc, Span as SpacySpan

from .report import Entity, Span
from .sources import (BUSINESS_NOUNS, GENDERED_HONORIFICS, ORGANISATION_NAME_ENDS, PERSON_NOUNS, PUBLIC_BODY_WORDS,
                      TITLES, state_names)

# Numbers, dates and amounts are reported as quantities and dates, not as entities.
NAME_LABELS = {"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT", "PRODUCT", "LAW",
               "WORK_OF_ART", "LANGUAGE"}
# spaCy's small model often labels one person PERSON in one place and ORG/GPE in another;
# these labels may merge with each other when the names match.
MERGEABLE = {"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC"}
_LEADING = re.compile(r"^(the|a|an)\s+", re.I)
_POSSESSIVE = re.compile(r"(?:'s|’s|'|’)$")




# "Ms Brill" and "Sir Anselm Rookwood" are Ana Brill and Anselm Rookwood: an honorific is no part of the
# name a later mention must match.
_HONORIFIC = re.compile(r"^(?:" + "|".join([*GENDERED_HONORIFICS, "mx", "dr", "prof"]) + r")\.?\s+(?=\S)", re.I)


def clean_name(text: str) -> str:
    """The name a mention spells, without a leading article, honorific, possessive or stray punctuation."""
    name = " ".join(text.split())
    name = _LEADING.sub("", name)
    name = _HONORIFIC.sub("", name)
    name = _POSSESSIVE.sub("", name)
    return name.strip(" \t\n.,;:\"“”‘’'()[]-–—")


def _mention_bounds(ent: SpacySpan) -> tuple[int, int]:
    """Character bounds of a mention with a leading 'the' and trailing possessive dropped."""
    start, end = ent.start, ent.end
    if end - start > 1 and ent.doc[start].lower_ == "the":
        start += 1
    if end - start > 1 and ent.doc[end - 1].tag_ == "POS":
        end -= 1
    # A title-case headline's verb the model read into the name ("Millbrook Council Approves ...").
    while end - start > 1 and ent.doc[end - 1].tag_ in ("VBZ", "VBD", "VBP"):
        end -= 1
    # "Ana Brill" when the model took only "Brill": a capitalised given name compounded onto the mention.
    while start > 0 and ent.doc[start - 1].pos_ == "PROPN" and ent.doc[start - 1].dep_ == "compound" \
            and ent.doc[start - 1].head.i in range(start, end) and ent.doc[start - 1].is_title \
            and not ent.doc[start - 1].ent_type_ and ent.doc[start - 1].lower_.rstrip(".") not in TITLES:
        start -= 1
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
            # "Veldt" for "Veldt Foods" is left apart: "the Harlen dam" is not "Harlen Hydro", and a name
            # string alone cannot tell the two uses apart.
            return i + n == len(lw) or i == 0 and n > 1
    # An acronym: "EU" -> "European Union".
    initials = "".join(w[0] for w in lw if w not in {"of", "the", "and", "for"})
    return len(sw) == 1 and len(short) >= 2 and short.isupper() and short.lower() == initials




_ALSO_NAMES = frozenset({"son", "star", "host"})  # "Son Heung-min" is a name, whatever the role nouns say
_ROLE_NOUNS_NOT_NAMES = PERSON_NOUNS - _ALSO_NAMES


def _without_titles(name: str) -> str:
    """'Councillor Mira Falk' -> 'Mira Falk': a person's name without the titles the model took into it."""
    words = name.split()
    # "Moderator Janice Tuttle", "Resident Angela Birch": a role word before a name is no part of it either
    while len(words) > 1 and (words[0].lower().rstrip(".") in TITLES
                              or words[0].lower() in _ROLE_NOUNS_NOT_NAMES):
        words = words[1:]
    return " ".join(words)


def _titled_people(doc: Doc) -> list[tuple[int, int]]:
    """Token ranges of capitalised names that follow a title word."""
    found = []
    for tok in doc:
        if tok.lower_.rstrip(".") not in TITLES or tok.i + 1 >= len(doc):
            continue
        end = tok.i + 1
        while end < len(doc) and end - tok.i <= 3 and doc[end].pos_ == "PROPN" and doc[end].text[:1].isupper() \
                and doc[end].lower_.rstrip(".") not in TITLES:
            end += 1
        if end > tok.i + 1:
            found.append((tok.i + 1, end))
    return found


_NAME_LINKS = frozenset({"of", "for", "and", "on"})


def _public_bodies(doc: Doc, covered: set[int]) -> list[tuple[int, int]]:
    """Token ranges of capitalised names of public bodies the model missed ("the Ministry of Health of
    Casparia", "the Civil Aviation Board"): it often drops them after a dateline or in an unfamiliar
    context. Two words at least, one of them a public body's ("Ministry", "Authority", "Council")."""
    found = []
    i = 0
    while i < len(doc):
        if not _capitalised_word(doc[i]) or i in covered or (doc[i].is_sent_start and doc[i].pos_ != "PROPN"):
            i += 1
            continue
        end = i + 1
        while end < len(doc) and end not in covered:
            if _capitalised_word(doc[end]):
                end += 1
            elif doc[end].lower_ in _NAME_LINKS and end + 1 < len(doc) and _capitalised_word(doc[end + 1]) \
                    and end + 1 not in covered:
                end += 2
            else:
                break
        words = [t.lower_ for t in doc[i:end]]
        # "Senate Majority Leader", "Health Ministry spokesman": a title before a name, not a body
        titled = any(w.rstrip(".") in TITLES for w in words)
        if end - i >= 2 and any(w in PUBLIC_BODY_WORDS for w in words) and not titled \
                and "\n" not in doc[i:end].text:
            found.append((i, end))
        i = end
    return found


def _capitalised_word(tok) -> bool:
    return tok.is_alpha and tok.text[:1].isupper() and not tok.is_upper and tok.pos_ in ("PROPN", "NOUN")


def _ner_mentions(doc: Doc, text: str) -> list[tuple[str, str, int, int]]:
    """(name, label, start_char, end_char) for named mentions, NER plus titled names."""
    titled = _titled_people(doc)
    titled_tokens = {i for s, e in titled for i in range(s, e)}
    mentions: list[tuple[str, str, int, int]] = []
    for ent in doc.ents:
        if ent.label_ not in NAME_LABELS:
            continue
        label = ent.label_
        if any(i in titled_tokens for i in range(ent.start, ent.end)):
            if label not in MERGEABLE:
                continue
            label = "PERSON"  # the small model often calls "Olaf Scholz" an ORG after a title
        start, end = _mention_bounds(ent)
        person_after = _person_after_comma(ent) if label == "ORG" else None
        if person_after is not None:
            # "the Joint Monitoring Mission, Ines Varga": the model ran a body and its spokeswoman together
            mentions.append((clean_name(person_after.text), "PERSON", person_after.start_char, person_after.end_char))
            end = min(end, person_after.start_char)
        name = clean_name(text[min(start, ent.start_char):end])
        if not name or not re.search(r"[A-Za-z]", name):
            continue
        if label == "PERSON":
            name = _without_titles(name)
        mentions.append((name, label, start, end))
    covered = {i for ent in doc.ents for i in range(ent.start, ent.end)}
    for s, e in titled:
        if not any(i in covered for i in range(s, e)):
            span = doc[s:e]
            mentions.append((clean_name(span.text), "PERSON", span.start_char, span.end_char))
    for s, e in _public_bodies(doc, covered | titled_tokens):
        span = doc[s:e]
        mentions.append((clean_name(span.text), "ORG", span.start_char, span.end_char))
    mentions = [(_with_polity(doc, name, start), label, start, end) if label == "ORG" else (name, label, start, end)
                for name, label, start, end in mentions]
    # A surname the model missed ("Ruiz said") still belongs to the person named in full elsewhere.
    surnames = {m[0].split()[-1]: m[0] for m in mentions if m[1] == "PERSON" and len(m[0].split()) > 1}
    taken = [(m[2], m[3]) for m in mentions]
    for tok in doc:
        if tok.text in surnames and tok.pos_ == "PROPN" and not any(a <= tok.idx < b for a, b in taken):
            mentions.append((tok.text, "PERSON", tok.idx, tok.idx + len(tok.text)))
    return sorted(mentions, key=lambda m: m[2])


# Words of an institution's name that every state has ("Defence Ministry", "Foreign Office", "Armed Forces").
_INSTITUTION_WORDS = frozenset("""
ministry ministries army government embassy consulate police military navy parliament office department forces
force air armed defence defense foreign interior home health finance justice education economy trade security
intelligence service services border guard guards national state media agency cabinet presidency presidential
administration central bank coast general staff command joint chiefs of the and affairs emergency emergencies
""".split())


def _every_state_has(name: str) -> bool:
    return bool(name) and all(w.lower() in _INSTITUTION_WORDS for w in name.split())


def _with_polity(doc: Doc, name: str, start: int) -> str:
    """'Ostland's Defence Ministry' and 'Belmar's Defence Ministry' are two institutions: a name every state
    has keeps the state that owns it, or two adversaries' ministries would be one source."""
    if not _every_state_has(name):
        return name
    first = doc.char_span(start, start + 1, alignment_mode="expand")
    if first is None or first.start < 2:
        return name
    possessive, owner = doc[first.start - 1], doc[first.start - 2]
    if possessive.tag_ != "POS" or owner.pos_ != "PROPN":
        return name
    return f"{owner.text}'s {name}"


_CORPORATE_TAILS = frozenset("inc inc. ltd ltd. llc plc corp corp. co co. sa ag gmbh lp llp".split())


def _person_after_comma(ent: SpacySpan) -> SpacySpan | None:
    """The name after a comma inside an organisation's mention, when it is a person's (two or three
    capitalised words in apposition), not a place or a corporate tail ("Acme, Inc.")."""
    commas = [t for t in ent if t.text == ","]
    if len(commas) != 1:
        return None
    after = ent.doc[commas[0].i + 1:ent.end]
    words = [t for t in after if not t.is_punct]
    if not 2 <= len(words) <= 3 or not all(t.text[:1].isupper() and t.pos_ == "PROPN" for t in words) \
            or words[-1].lower_ in _CORPORATE_TAILS or words[-1].dep_ != "appos":
        return None
    return ent.doc[words[0].i:words[-1].i + 1]


def _names_a_business(doc: Doc, start: int, end: int) -> bool:
    """A mention that ends in a corporate or institution's word or stands in apposition to a business noun
    ("The dam's operator, Harlen Hydro"; "Brennick Marine, a shipping company"; "Riverside General Hospital")."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return False
    if len(span) > 1 and span[-1].lower_.rstrip(".") in ORGANISATION_NAME_ENDS:
        return True
    root = span.root
    described = [root.head] if root.dep_ == "appos" else []
    described += [c for c in root.children if c.dep_ == "appos"]
    # "Home appliance maker Nexora": a business noun set before the name, like a title before a person's
    described += [c for c in root.children if c.dep_ == "compound" and c.i < span.start]
    return any(t.pos_ == "NOUN" and t.lemma_.lower() in BUSINESS_NOUNS for t in described)


def _titled_by_apposition(doc: Doc, start: int, end: int) -> bool:
    """'The minister, Sanna Holt, said': a name in apposition to a person's title is a person's."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or span[-1].lower_ in ORGANISATION_NAME_ENDS:
        return False
    root = span.root
    described = [root.head] if root.dep_ == "appos" else []
    described += [c for c in root.children if c.dep_ == "appos"]
    return any(t.pos_ in ("NOUN", "PROPN") and t.lower_ in TITLES and not t.ent_type_ for t in described)


def extract(doc: Doc) -> list[Entity]:
    text = doc.text  # spaCy rebuilds doc.text from every token on each access
    mentions = _ner_mentions(doc, text)

    # Longest names first become cluster heads, so short mentions find their full form
    # wherever it occurs in the article.
    clusters: list[dict] = []
    by_length = sorted(range(len(mentions)), key=lambda i: (-len(_words(mentions[i][0])), i))
    assignment: dict[int, int] = {}
    person_surnames = {m[0].split()[-1] for m in mentions if m[1] == "PERSON" and len(m[0].split()) > 1}
    for i in by_length:
        name, label, at, _ = mentions[i]
        fitting = [c for c, cluster in enumerate(clusters)
                   if (label == cluster["label"] or (label in MERGEABLE and cluster["label"] in MERGEABLE))
                   and _joins(name, cluster["name"])]
        target = fitting[0] if fitting else None
        if fitting and _every_state_has(name):
            # "the Defence Ministry" after Ostland's and Belmar's: the one named last before it; before
            # any state's is named, no state's
            before = [(max((s for s in clusters[c]["starts"] if s < at), default=-1), c) for c in fitting]
            target = max(before)[1] if max(before)[0] >= 0 else None
        if target is None and label == "PERSON" and " " not in name and name not in person_surnames:
            # "Dunmore Electrical recalled ... Dunmore said": the model's "person" is the business named by
            # its first word, when no person of that name is in the story ("the Harlen dam" is never a
            # PERSON mention, so it stays apart from Harlen Hydro).
            target = next((c for c, cluster in enumerate(clusters) if cluster["label"] == "ORG"
                           and cluster["name"].split()[0] == name and len(cluster["name"].split()) > 1), None)
            if target is not None:
                label = "ORG"
        if target is None:
            clusters.append({"name": name, "label": label, "labels": Counter(), "starts": []})
            target = len(clusters) - 1
        clusters[target]["labels"][label] += 1
        clusters[target]["starts"].append(at)
        assignment[i] = target

    # "Ostmark's defence ministry": only a state has a ministry or an embassy, whatever the model says.
    # The name is matched as written: the model often leaves that possessive mention unlabelled.
    polities = state_names(doc)
    members_of: dict[int, list[tuple[str, str, int, int]]] = {}
    for i in range(len(mentions)):  # mentions are in text order, so each list is too
        members_of.setdefault(assignment[i], []).append(mentions[i])
    entities: list[Entity] = []
    for n, (c, members) in enumerate(sorted(members_of.items(), key=lambda kv: kv[1][0][2]), start=1):
        cluster = clusters[c]
        # The full name's own label; short mentions ("Scholz") get random labels from the small
        # model, so they may only outvote it towards PERSON, the label they most often deserve.
        label = cluster["label"]
        top, count = cluster["labels"].most_common(1)[0]
        if top == "PERSON" and count > len(members) / 2 and label in MERGEABLE:
            label = top
        if label == "PERSON" and cluster["name"] in polities:
            label = "GPE"
        if label == "PERSON" and any(_names_a_business(doc, start, end) for _, _, start, end in members):
            label = "ORG"
        elif label in MERGEABLE - {"PERSON"} and any(_titled_by_apposition(doc, start, end) for _, _, start, end in members):
            label = "PERSON"
        entities.append(Entity(id=f"e{n}", name=cluster["name"], type=label,
                               mentions=[Span.of(text, s, e) for _, _, s, e in members]))
    return entities
