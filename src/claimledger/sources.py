"""Sources: what kind of source a phrase is, and which entity it refers to.

Resolution uses what the article itself says: entity mentions (from entities.extract), titles and
appositives around them ("German Chancellor Olaf Scholz", "Ana Ruiz, a former central banker"),
recency and pronoun agreement. No coreference model is available offline, so this is rules only.
"""

from __future__ import annotations

import bisect
import re

from spacy.tokens import Doc, Span as SpacySpan

from . import cues as C
from .report import Entity

PERSON_PRONOUNS = {"he": "m", "him": "m", "his": "m", "she": "f", "her": "f", "i": None, "me": None}
GROUP_PRONOUNS = {"they", "them", "we", "us"}
ORG_TYPES = {"ORG", "GPE", "NORP", "FAC", "LOC"}

# Nouns that name a person by role; singular -> person, plural -> group.
PERSON_NOUNS = frozenset("""
spokesman spokeswoman spokesperson official leader president minister chancellor governor senator
secretary director chief aide adviser advisor analyst expert lawyer attorney judge candidate
mayor lawmaker representative diplomat ambassador executive economist professor researcher
scientist author reporter journalist editor commentator pollster strategist member chairman
chairwoman chair founder manager prosecutor officer general commander premier king queen prince
activist critic supporter voter resident witness source person man woman doctor nominee
frontrunner front-runner congressman congresswoman mp host anchor moderator columnist writer
businessman billionaire father mother wife husband son daughter actor star head
""".split())

ORG_NOUNS = frozenset("""
ministry government office department agency campaign committee council party administration
commission newspaper paper company firm bank court police army military embassy white house
union organization organisation group board team network channel station outlet magazine
institute university parliament congress senate house cabinet kremlin pentagon regime
""".split())

# Nouns that a description may use for any titled person ("the German leader").
GENERIC_PERSON_NOUNS = frozenset("leader official politician head figure".split())

_TITLE_RE = re.compile(r"^(mr|mrs|ms|miss|sir|lord|lady|dame)\.?$", re.I)


def _head(span: SpacySpan):
    return span.root


def source_kind(span: SpacySpan, entity_type: str | None = None) -> str:
    """person / organization / group / anonymous / document / unknown for a source phrase."""
    low = span.text.lower()
    if any(m in low for m in C.ANONYMOUS_MARKERS):
        return "anonymous"
    head = _head(span)
    hl = head.lemma_.lower()
    if head.lower_ in PERSON_PRONOUNS:
        return "person"
    if head.lower_ in GROUP_PRONOUNS:
        return "group"
    if head.lower_ == "it":
        return "organization" if entity_type in ORG_TYPES else "unknown"
    if hl in ("source", "insider") or head.lower_ in ("sources", "insiders"):
        return "anonymous"
    if hl in C.DOCUMENT_NOUNS:
        return "document"
    if head.ent_type_ == "PERSON" or entity_type == "PERSON":
        return "person"
    if head.ent_type_ in ORG_TYPES or entity_type in ORG_TYPES:
        return "organization"
    if head.tag_ in ("NNS", "NNPS") or any(c.dep_ == "nummod" for c in head.children):
        if hl in ORG_NOUNS:
            return "organization"
        return "group"
    if hl in ORG_NOUNS:
        return "organization"
    if hl in PERSON_NOUNS or head.pos_ == "PROPN":
        return "person"
    return "unknown"


class Resolver:
    """Resolves source phrases of one doc to (canonical name, entity id)."""

    def __init__(self, doc: Doc, entities: list[Entity]):
        self.doc = doc
        self.entities = {e.id: e for e in entities}
        mentions = sorted((m.start, m.end, e.id) for e in entities for m in e.mentions)
        self.mentions = mentions
        self.starts = [m[0] for m in mentions]
        self.gender: dict[str, str] = {}
        self.titles: dict[str, set[str]] = {}
        for s, e, eid in mentions:
            if self.entities[eid].type != "PERSON":
                continue
            span = doc.char_span(s, e, alignment_mode="expand")
            if span is None:
                continue
            self._learn_titles(span, eid)

    def entity_type(self, eid: str | None) -> str | None:
        return self.entities[eid].type if eid in self.entities else None

    def _learn_titles(self, span: SpacySpan, eid: str) -> None:
        """Words before the name ("German Chancellor") and in an appositive ("a former central banker")."""
        doc = self.doc
        words = self.titles.setdefault(eid, set())
        i = span.start - 1
        while i >= 0 and doc[i].dep_ in ("compound", "amod") and doc[i].head.i >= span.start:
            w = doc[i].lower_.strip(".")
            if _TITLE_RE.match(w):
                self.gender.setdefault(eid, "m" if w in ("mr", "sir", "lord") else "f")
            else:
                words.add(w)
            i -= 1
        if i >= 0 and _TITLE_RE.match(doc[i].lower_):
            w = doc[i].lower_.strip(".")
            self.gender.setdefault(eid, "m" if w in ("mr", "sir", "lord") else "f")
        root = span.root
        for c in root.children:
            if c.dep_ == "appos" and c.i > root.i:
                for t in c.subtree:
                    if t.pos_ in ("NOUN", "ADJ", "PROPN") and t.i < c.i + 4:
                        words.add(t.lower_)

    def _entity_at(self, start: int, end: int) -> str | None:
        i = bisect.bisect_right(self.starts, end) - 1
        best = None
        while i >= 0 and self.mentions[i][1] > start - 200:
            s, e, eid = self.mentions[i]
            if s < end and e > start:
                best = eid
            i -= 1
        return best

    def _recent(self, before: int, types: set[str], gender: str | None = None) -> str | None:
        i = bisect.bisect_left(self.starts, before) - 1
        while i >= 0 and i >= len(self.starts) - 10_000:
            s, e, eid = self.mentions[i]
            ent = self.entities[eid]
            if ent.type in types and (gender is None or self.gender.get(eid, gender) == gender):
                return eid
            if before - s > 3000:
                break
            i -= 1
        return None

    def resolve(self, span: SpacySpan) -> tuple[str | None, str | None]:
        head = span.root
        # The head itself is (part of) a named mention: "Olaf Scholz, the chancellor".
        eid = self._entity_at(head.idx, head.idx + len(head.text))
        if eid is None and head.pos_ == "PROPN":
            eid = self._entity_at(span.start_char, span.end_char)
        if eid is not None:
            return self.entities[eid].name, eid
        low = head.lower_
        if low in PERSON_PRONOUNS:
            eid = self._recent(span.start_char, {"PERSON"}, PERSON_PRONOUNS[low])
            if eid and PERSON_PRONOUNS[low]:
                self.gender.setdefault(eid, PERSON_PRONOUNS[low])
        elif low in ("it",):
            eid = self._recent(span.start_char, ORG_TYPES - {"NORP"})
        elif low in ("they",):
            eid = None
        elif any(t.lower_ in ("the", "this") for t in span[:1]) and head.pos_ == "NOUN":
            eid = self._describe(span, head)
        if eid is None:
            if head.pos_ == "PROPN":
                # A name the NER missed: the proper-noun run ending at the head.
                i = head.i
                while i > span.start and span.doc[i - 1].pos_ == "PROPN" and span.doc[i - 1].dep_ == "compound":
                    i -= 1
                return span.doc[i:head.i + 1].text, None
            return None, None
        return self.entities[eid].name, eid

    def _describe(self, span: SpacySpan, head) -> str | None:
        """'the German leader', 'the chancellor', 'the ministry' -> the most recent fitting entity."""
        hl = head.lemma_.lower()
        mods = {t.lower_ for t in span if t.i != head.i and t.pos_ in ("ADJ", "PROPN", "NOUN")}
        i = bisect.bisect_left(self.starts, span.start_char) - 1
        while i >= 0:
            s, e, eid = self.mentions[i]
            ent = self.entities[eid]
            titles = self.titles.get(eid, set())
            if ent.type == "PERSON":
                if hl in titles or (hl in GENERIC_PERSON_NOUNS and mods & titles):
                    return eid
            elif ent.type in ORG_TYPES and hl in ORG_NOUNS:
                if hl in ent.name.lower().split() or (mods and mods & set(ent.name.lower().split())):
                    return eid
            i -= 1
        return None
