"""Sources: what kind of source a phrase is, and which entity it refers to.

Resolution uses what the article itself says: entity mentions (from entities.extract), titles and
appositives around them ("German Chancellor Olaf Scholz", "Ana Ruiz, a former central banker"),
recency and pronoun agreement. No coreference model is available offline, so this is rules only.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from spacy.tokens import Doc
from spacy.tokens import Span as SpacySpan

from . import cues as C
from .nlp import AGE, TITLE_ABBREVIATIONS, datelines
from .quotations import QuoteIndex, find_quotes
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
businessman banker economist billionaire father mother wife husband son daughter actor star head
firefighter paramedic nurse surgeon physician teacher farmer worker engineer hydrologist geologist
pilot soldier survivor victim neighbour neighbor owner shopkeeper driver student coach player
investigator inspector detective sheriff auditor consultant bishop priest imam rabbi mp correspondent
parent protester protestor demonstrator citizen villager patient passenger employee dispatcher user
speaker volunteer
""".split())

ORG_NOUNS = frozenset("""
ministry government office department agency campaign committee council party administration
commission newspaper paper company firm bank court police army military embassy white house
union organization organisation group board team network channel station outlet magazine
institute university parliament congress senate house cabinet kremlin pentagon regime
street hall palace service authority regulator watchdog broadcaster tribunal coalition alliance
federation association foundation municipality city county secretariat prefecture league club
operator airline carrier insurer utility lender charity manufacturer maker retailer panel force trust
developer label prosecution defence defense mission delegation
""".split())
# Nouns a story uses for the business it named earlier ("Dorrin Foods ... The company said"), when
# the name itself does not contain them.
BUSINESS_NOUNS = frozenset("company firm business maker manufacturer producer operator carrier airline "
                           "insurer lender retailer supplier group utility".split())
# Last words that make a name a business ("Harlen Hydro", "Brennick Marine"), which the small model
# often labels PERSON. Words that are also common surnames (Power, Steel) are left out.
CORPORATE_WORDS = frozenset("""
hydro marine foods semiconductors airlines airways motors energy holdings group partners capital systems
technologies logistics shipping pharma pharmaceuticals industries corp corporation inc ltd llc plc ag gmbh
company mining telecom insurance brewing railways construction chemicals electronics solutions software
labs bancorp financial securities investments ventures enterprises resources petroleum utilities textiles
properties electrical developments estates
""".split())
# Last words of institutions' names, which the model also calls people ("Riverside General Hospital").
INSTITUTION_WORDS = frozenset("""hospital clinic university college school institute foundation centre center
museum academy library laboratory observatory""".split())
# Last words that make a name an organisation's, whatever the model says.
ORGANISATION_NAME_ENDS = CORPORATE_WORDS | INSTITUTION_WORDS
# Words that make an organisation's name a public body, not a business ("the company" is not the ministry).
PUBLIC_BODY_WORDS = frozenset("""ministry government office department agency committee council party
administration commission court police army military embassy parliament congress senate cabinet
authority regulator tribunal municipality city county prefecture union university""".split())
_NOT_A_GROUP = PUBLIC_BODY_WORDS - {"council", "committee", "union", "party", "commission"}
# "The newspaper said" refers back to a masthead the NER rarely types as ORG ("Daily Courier" is
# often PRODUCT or WORK_OF_ART); a name with one of these words is taken for a news outlet.
MEDIA_NOUNS = frozenset("newspaper paper broadcaster magazine channel station outlet network daily tabloid".split())
# Nouns that say what a name after them is: "the Polish daily Rzeczpospolita", "the mining company Quorvel".
_PRESS_AND_BUSINESS_NOUNS = MEDIA_NOUNS | BUSINESS_NOUNS
MEDIA_NAME_WORDS = frozenset("""
times post news herald journal gazette tribune daily telegraph guardian chronicle observer express mail
star sun globe standard independent courier record review press reuters bbc cnn radio tv television
zeitung gazeta gazzetta corriere diario tidende tidning dagblad dagbladet krant courant
""".split())

# Nouns that a description may use for any titled person ("the German leader").
GENERIC_PERSON_NOUNS = frozenset("leader official politician head figure".split())


# Words that, written before a capitalised name, make it a person ("Interior Minister Ana Ruiz").
TITLES = {
    "president", "minister", "chancellor", "governor", "senator", "sen", "rep", "representative",
    "secretary", "spokesman", "spokeswoman", "spokesperson", "mayor", "judge", "justice", "general", "gen",
    "mr", "mrs", "ms", "dr", "prof", "professor", "ambassador", "king", "queen", "prince", "pope", "chief",
    "director", "ceo", "chairman", "chairwoman", "chair", "commissioner", "sheriff", "lt", "col", "sgt",
    "captain", "capt", "adm", "admiral", "envoy", "premier", "leader", "lawmaker", "congressman",
    "congresswoman", "councillor", "councilman", "councilwoman", "prosecutor", "attorney", "officer",
    "economist", "analyst", "deputy", "colonel", "sergeant", "lieutenant", "rabbi", "imam", "bishop",
    "executive", "coach", "manager", "founder", "commander", "corporal", "brigadier",
    "superintendent", "inspector", "detective",
    # occupations a story writes before a name like a title ("Pharmacist Joel Kaminski")
    "pharmacist", "influencer", "realtor", "activist", "blogger", "vlogger", "podcaster", "journalist",
    "columnist", "researcher", "scientist", "physician", "surgeon", "dentist", "epidemiologist", "virologist",
    "lawyer", "pastor", "reverend", "historian", "strategist", "pollster", "consultant",
} | {abbreviation.lower().rstrip(".") for abbreviation in TITLE_ABBREVIATIONS}

# Words that end a name run going left: "Interior Minister Ana Ruiz" is Ana Ruiz.
_ROLE_WORDS = PERSON_NOUNS | TITLES

# Honorifics that say a person's gender: what "he" or "she" may stand for. entities.clean_name drops
# these (and the neutral ones) from names.
GENDERED_HONORIFICS = {"mr": "m", "sir": "m", "lord": "m", "mrs": "f", "ms": "f", "miss": "f", "lady": "f", "dame": "f"}


def _honorific_gender(word: str) -> str | None:
    """'m' or 'f' for a gendered honorific ("Mr", "Dame", "Ms."), else None."""
    return GENDERED_HONORIFICS.get(word.lower().rstrip("."))

# Given names that say whether "he" or "she" may stand for someone, when no title or earlier pronoun did:
# common ones only, and none used for both (Alex, Jean, Andrea, Kim, Robin are left out).
_FEMALE_NAMES = frozenset("""
anna ana anne ann annie alice amy amanda angela barbara betty bridget carol caroline catherine charlotte
christine claire clara deborah diana donna dorothy elena eleanor elizabeth ellen emily emma eva eve
fatima fiona grace hannah harriet helen ingrid irene isabel isabella jane janet janice jennifer jessica
joan joanna judith julia julie karen kate katherine kathleen laura linda lisa lucy margaret maria marie
marta martha mary megan melissa michelle monica nadia nancy natalia nicole olga olivia patricia paula
rachel rebecca rosa ruth sandra sarah sofia sophie susan teresa victoria virginia wendy yvonne zoe
agnes astrid beatrix birgit camille carmen dagmar edith elsa freya greta hilde ingrid leila lena lise
lotte maja marit mette nina petra priya rita sanna selma sigrid sonja tove ulla vera yasmin
""".split())
_MALE_NAMES = frozenset("""
aaron adam ahmed alan albert alexander andrew anthony arthur ben benjamin bernard brian carl carlos
charles christopher colin daniel david dennis donald edward eric felix frank fred gary george gerald
gregory harold harry henry hugo ian jack jacob james jason jeffrey john jonathan joseph juan kenneth
kevin larry lars leon louis luis marco mark martin matthew michael mohammed muhammad nicholas oliver
omar oscar patrick paul peter philip pierre raymond richard robert roger ronald samuel scott sean simon
stephen steven thomas timothy tom tony victor walter william anders bjorn erik gunnar hans henrik ivan
jens jonas karl klaus lukas magnus nils olaf pavel piet rolf sven tobias ulrich viktor wolfgang
""".split())


def given_name_gender(name: str) -> str | None:
    first = name.split()[0].lower() if name.split() else ""
    return "f" if first in _FEMALE_NAMES else "m" if first in _MALE_NAMES else None


def _head(span: SpacySpan):
    """The phrase's head noun; for a phrase the parser made a clause ("A video viewed millions of times"),
    its subject."""
    root = span.root
    if root.pos_ in ("DET", "ADJ", "NUM"):
        # "A viral post" cut from "A viral post claims": every word hangs outside the span
        nouns = [t for t in span if t.pos_ in ("NOUN", "PROPN")]
        if nouns:
            return nouns[-1]
    if root.pos_ == "VERB":
        subject = next((c for c in root.children if c.dep_ in ("nsubj", "nsubjpass") and c.i in range(span.start, span.end)),
                       None)
        if subject is not None:
            return subject
    return root


# "two people close to the board", "a person with knowledge of the talks", "people briefed on the plan":
# unnamed on purpose, as a verification desk counts anonymous sources. (Not in C.ANONYMOUS_MARKERS,
# which content is also read against: "close to a deal" is no anonymity.)
_UNNAMED_INSIDERS = re.compile(r"\b(?:person|people|someone|individuals?|officials?|sources?|aides?)\s+"
                               r"(?:close to|with (?:direct |first-hand |firsthand )?knowledge of|briefed on|"
                               r"involved in|who (?:has|have) seen)\b", re.I)


_COLLECTIVE_PEOPLE = frozenset("staff crew personnel workforce faculty clergy couple pair duo trio family".split())

# "A friend of the prince", "a former colleague of the director": someone the story describes only by
# whom they know, which is how a desk counts an anonymous source.
_UNNAMED_RELATION = re.compile(r"(?:an?|one|another|two|three|several|some)\s+(?:\w+\s+){0,2}?(?:friend|colleague|"
                               r"relative|acquaintance|confidant|confidante|neighbou?r|associate)s?\s+of\b", re.I)
# Numbers someone put out are a document, not a group: "figures published by NHS England".
_FIGURE_NOUNS = frozenset("figure number count total tally".split())
_PUBLISHING = frozenset("publish release compile issue obtain produce post".split())
_EVIDENCE_VERBS = frozenset("show suggest indicate reveal confirm".split())
# Determiners that count people: "several backbench Conservatives" are people, whatever party they name.
_QUANTIFIERS = frozenset("several some many few two three four five six dozens hundreds most".split())


def _names_a_title(span: SpacySpan, head) -> bool:
    """'The Morning Clarion', 'The Clarion': a capitalised name after "the" is a masthead, a firm or a body,
    not a person ("the Rev. Ann Lowe" has her title; "the German leader" is no name)."""
    if head.pos_ != "PROPN" or span[0].lower_ != "the" or head.i <= span.start:
        return False
    words = span.doc[span.start + 1:head.i + 1]
    return all(t.pos_ == "PROPN" and t.text[:1].isupper() and not t.text.endswith(".")
               and t.lower_ not in PERSON_NOUNS and not _honorific_gender(t.text) for t in words)


def source_kind(span: SpacySpan, entity_type: str | None = None) -> str:
    """person / organization / group / anonymous / document / unknown for a source phrase."""
    if C.mentions_anonymity(span.text) or _UNNAMED_INSIDERS.search(span.text) or (
            _UNNAMED_RELATION.match(span.text) and not any(t.ent_type_ == "PERSON" for t in span)):
        return "anonymous"
    head = _head(span)
    if head.lower_ in ("who", "which", "that") and head.head.dep_ == "relcl":
        antecedent = _antecedent(head)
        return source_kind(span.doc[antecedent.left_edge.i:antecedent.i + 1], entity_type)
    hl = head.lemma_.lower()
    if head.lower_ in PERSON_PRONOUNS:
        return "person"
    if AGE.fullmatch(head.lower_):  # "the 44-year-old told reporters", whatever the NER made of the name
        return "group" if head.lower_.endswith("s") else "person"
    if head.lower_ in GROUP_PRONOUNS:
        return "group"
    if head.lower_ == "it":
        return "organization" if entity_type in ORG_TYPES or _unnamed_body_before(head) is not None else "unknown"
    if hl in ("source", "insider") or head.lower_ in ("sources", "insiders"):
        return "anonymous"
    # "data" lemmatises to "datum"; a lowercase "PROPN" ("the council tally") is a tagging slip
    # A sentence's first word is capitalised whatever it is ("Guidance published on Tuesday says ...").
    if (hl in C.DOCUMENT_NOUNS or head.lower_ in C.DOCUMENT_NOUNS) and (
            head.pos_ != "PROPN" or head.text.islower()
            or head.is_sent_start and not any(c.pos_ == "PROPN" for c in head.children)):
        return "document"  # a capitalised "Post" or "Report" is a name ("the Washington Post")
    if head.pos_ == "PROPN" and head.lower_ in MEDIA_NAME_WORDS and any(c.lower_ == "the" for c in head.children):
        return "organization"  # "the Gazette", "The Daily Courier": a masthead, whatever the NER called it
    if head.pos_ == "PROPN" and any(c.lemma_.lower() in _PRESS_AND_BUSINESS_NOUNS for c in head.children
                                    if c.dep_ in ("compound", "amod", "nmod") and c.i < head.i and c.text.islower()):
        return "organization"  # "The Polish daily Rzeczpospolita", "the mining company Quorvel"
    if _names_a_title(span, head):
        return "organization"
    if head.pos_ == "NOUN" and head.tag_ == "NN" and hl in BUSINESS_NOUNS:
        return "organization"  # "The firm behind the app, Zentrix": the noun says what the name is
    if hl in _FIGURE_NOUNS and (any(c.dep_ == "acl" and c.lemma_.lower() in _PUBLISHING for c in head.children)
                                or head.dep_ == "nsubj" and head.head.lemma_.lower() in _EVIDENCE_VERBS):
        # "figures published by NHS England", "numbers released on Monday", "Police figures show ..."
        return "document"
    if head.tag_ in ("NNS", "NNPS") and hl not in ORG_NOUNS and any(
            c.lower_ in _QUANTIFIERS for c in head.children if c.dep_ in ("det", "amod", "nummod")):
        return "group"  # "Several backbench Conservatives", "two senior EU diplomats"
    # The entity's type was settled over every mention in the article; a token's own label is a fallback.
    if head.pos_ == "PROPN" and len(span) == 1 and head.text in state_names(span.doc):
        return "organization"  # "Drosnia denied ...", after "Drosnia's Defence Ministry"
    if entity_type == "PERSON" or (head.ent_type_ == "PERSON" and entity_type not in ORG_TYPES):
        return "person"
    if hl in PERSON_NOUNS and head.pos_ == "NOUN" and head.tag_ == "NN":
        return "person"  # "Ostmark's foreign minister, Ivo Brand": the NER's ORG for the name is wrong
    if (hl in ORG_NOUNS or head.lower_ in CORPORATE_WORDS) and head.pos_ == "PROPN":
        return "organization"  # "Downing Street", "the White House", "Tellbridge Semiconductors"
    if head.ent_type_ in ORG_TYPES or entity_type in ORG_TYPES:
        return "organization"
    if hl in _COLLECTIVE_PEOPLE:
        return "group"  # "local hospital staff", "the crew"
    if head.tag_ in ("NNS", "NNPS") or any(c.dep_ == "nummod" and c.lower_ not in ("one", "1") for c in head.children):
        if hl in ORG_NOUNS:
            return "organization"
        return "group"
    if hl in ORG_NOUNS:
        return "organization"
    if hl in PERSON_NOUNS or head.pos_ == "PROPN":
        return "person"
    if head.tag_ == "NN" and any(c.dep_ == "nummod" and c.lower_ in ("one", "1") for c in head.children):
        return "person"  # "One commuter wrote ...": one of some people
    return "unknown"


_PLACE_TYPES = frozenset({"GPE", "LOC", "FAC"})


def _antecedent(pronoun):
    """The noun a relative pronoun's clause hangs on; for "who", the person the parser may have missed:
    in "Rosa Quint, a hydrologist at Lanmark University, who estimated ..." the clause is attached to
    "University", and the person is found by climbing to the appositive it belongs to."""
    noun = pronoun.head.head
    if pronoun.lower_ != "who":
        return noun
    # "Fishing unions in Veskaria, who said ...": the clause hangs on the place, but "who" is the unions.
    if noun.ent_type_ in _PLACE_TYPES and noun.dep_ == "pobj" and noun.head.head.pos_ in ("NOUN", "PROPN") \
            and noun.head.head.ent_type_ not in _PLACE_TYPES:
        noun = noun.head.head
    node = noun
    for _ in range(5):
        if node.lemma_.lower() in PERSON_NOUNS and node.dep_ == "appos":
            return node.head  # "Rosa Quint, a hydrologist ...": the name the description stands beside
        if node.ent_type_ == "PERSON" or node.lemma_.lower() in PERSON_NOUNS:
            return node
        if node.head.i == node.i:
            break
        node = node.head
    return noun


# Only a state has a ministry or an embassy ("Putin's army" and "Johnson's government" are a person's).
_STATE_BODIES = frozenset("ministry embassy consulate parliament legislature".split())


def state_names(doc: Doc) -> set[str]:
    """Names the article uses as states: "Ostmark's defence ministry", "Drosnia's embassy" (the model often
    leaves the possessive name unlabelled, or calls it a person)."""
    cached = doc.user_data.get("claimledger_states")
    if cached is None:
        cached = {t.text for t in doc if t.dep_ == "poss" and t.pos_ == "PROPN" and t.head.lemma_.lower() in _STATE_BODIES}
        doc.user_data["claimledger_states"] = cached
    return cached


def _subject_before(pronoun, speakers: bool = False):
    """The one subject of the sentence before the pronoun's, in the same paragraph; unless `speakers`,
    only when that sentence names no speaker of its own (its main verb is no speech verb)."""
    doc, sent = pronoun.doc, pronoun.sent
    if sent.start == 0 or "\n" in doc[sent.start - 1].text_with_ws:
        return None
    root = doc[sent.start - 1].sent.root
    subjects = [c for c in root.children if c.dep_ in ("nsubj", "nsubjpass")]
    if len(subjects) != 1 or (root.lemma_.lower() in C.SPEECH_VERBS and not speakers) or subjects[0].pos_ == "PRON":
        return None
    return subjects[0]


def _unnamed_body_before(pronoun):
    """'The transport agency runs the ferry. It has proposed ...', 'The agency said ... It has proposed': the
    organisation the sentence before was about, when that is a noun phrase (an agency, a council)."""
    subject = _subject_before(pronoun, speakers=True)
    return subject if subject is not None and subject.lemma_.lower() in ORG_NOUNS else None


# Where people go, live and travel: a name these place ("moved to Vigo", "lived on Skarn all her life",
# "the ferry to Brevik") is somewhere, whatever the NER called it.
_MOTION_VERBS = frozenset("move live grow travel fly return go come arrive settle relocate emigrate flee drive "
                          "sail walk head retire reside stay bear raise".split())
_ROUTE_NOUNS = frozenset("ferry flight flights road train trains trip journey route bridge bus border".split())
# Words that open a place's name ("Port Calder", "Fort Ellis", "Lake Orva"), never a person's.
_PLACE_NAME_STARTS = frozenset("Port Fort Mount Mt. Lake Cape Saint St. San Santa Point".split())
_LOCATIVE_PREPOSITIONS = frozenset("to from in on at into near across via".split())


def _destination(name) -> bool:
    """Whether a name is the place a motion or residence word puts someone or something."""
    prep = name.head
    if name.dep_ != "pobj" or prep.lower_ not in _LOCATIVE_PREPOSITIONS:
        return False
    host = prep.head
    return (host.pos_ in ("VERB", "AUX") and host.lemma_.lower() in _MOTION_VERBS) or host.lower_ in _ROUTE_NOUNS


# A title and the plain nouns a story uses for its holder later ("Justice Anne Corr ... The judge said").
_TITLE_ROLES = {
    "justice": "judge", "judge": "justice", "dr": "doctor", "prof": "professor", "professor": "academic",
    "sen": "senator", "senator": "lawmaker", "rep": "lawmaker", "representative": "lawmaker",
    "congressman": "lawmaker", "congresswoman": "lawmaker", "gen": "general", "general": "commander",
    "sgt": "sergeant", "det": "detective", "insp": "inspector", "supt": "superintendent", "capt": "captain",
    "col": "colonel", "lt": "lieutenant", "adm": "admiral", "gov": "governor", "pres": "president",
    "rev": "reverend", "ceo": "executive", "chairman": "chair", "chairwoman": "chair", "chairperson": "chair",
}


def _titled(role: str, titles: set[str]) -> bool:
    """Whether a role noun ("the judge") names someone with these titles ("Justice"), one or two steps
    along _TITLE_ROLES ("Sen." -> senator -> lawmaker)."""
    return role in titles or any(_TITLE_ROLES.get(t) == role or _TITLE_ROLES.get(_TITLE_ROLES.get(t, "")) == role
                                 for t in titles)


def _shares_title(words: set[str], titles: set[str]) -> bool:
    """'the Norrlandic leader' fits 'Chancellor Dalstrom of Norrland' (and 'German' fits 'Germany'):
    equal words, or one a stem of the other up to a demonym ending."""
    for a in words:
        for b in titles:
            short, long_ = sorted((a, b), key=len)
            if a == b or (len(short) >= 5 and long_.startswith(short[:max(4, len(short) - 3)])
                          and len(long_) - len(short) <= 3):
                return True
    return False


def _noun_and_modifiers(noun) -> set[str]:
    """'finance minister' -> {'minister', 'finance'}: the words a description gives as someone's title."""
    return {noun.lower_} | {t.lower_ for t in noun.children if t.dep_ in ("amod", "compound") and t.i < noun.i}


@dataclass
class _Person:
    """A person named in the article: where, under what name, and what the text calls them."""

    start: int
    name: str
    entity: str | None
    titles: set[str] = field(default_factory=set)
    gender: str | None = None
    # Named inside a quotation ('"Marco made an error," the coach said. He said ...'): talked about, not
    # a speaker a later pronoun source would stand for.
    quoted: bool = False


class Resolver:
    """Resolves source phrases of one doc to (canonical name, entity id).

    People are found from PERSON entities and, since the small NER model misses or mislabels many
    names, also from proper-name runs that the text marks as people: a title before them ("German
    Chancellor Olaf Scholz", "Mr. Weber"), an appositive naming a role ("Ana Ruiz, a former central
    banker"), or a speech verb they are the subject of.
    """

    def __init__(self, doc: Doc, entities: list[Entity], quotes: QuoteIndex | None = None):
        """`quotes`: the doc's quotations, when the caller has found them already."""
        self.doc = doc
        self.entities = {e.id: e for e in entities}
        # "WASHINGTON (Reuters) -": the agency that filed the story is no antecedent for "the company".
        text = doc.text
        lines = [(m.start(), m.end()) for m in datelines(text)]
        mentions = sorted((m.start, m.end, e.id) for e in entities for m in e.mentions
                          if not any(s <= m.start < e_ for s, e_ in lines))
        self.mentions = mentions
        self.starts = [m[0] for m in mentions]
        self.people: list[_Person] = []
        self.quotes = quotes if quotes is not None else QuoteIndex(find_quotes(text))
        self._find_people(self.quotes)
        # Tokens of the first line when it stands alone (a headline), else none.
        first_break = next((t.i for t in doc if "\n" in t.text_with_ws), len(doc))
        self.headline_end = first_break + 1 if first_break < min(len(doc), 30) else 0
        self.people_starts = [p.start for p in self.people]

    def entity_type(self, eid: str | None) -> str | None:
        return self.entities[eid].type if eid in self.entities else None

    # -------------------------------------------------------------- people

    def _find_people(self, quotes: QuoteIndex) -> None:
        doc = self.doc
        by_name: dict[str, _Person] = {}
        for tok in doc:
            if tok.pos_ != "PROPN" or (tok.dep_ == "compound" and tok.head.pos_ == "PROPN"):
                continue
            # the proper-name run ending at tok, without title words
            i = tok.i
            while i > 0:
                if i > 1 and doc[i - 1].text == "-" and not doc[i - 1].whitespace_ and doc[i - 2].pos_ == "PROPN":
                    i -= 1  # a hyphenated surname: "Okonkwo-Reyes"
                elif doc[i - 1].pos_ == "PROPN" and doc[i - 1].dep_ == "compound" \
                        and doc[i - 1].lower_.rstrip(".") not in _ROLE_WORDS:
                    i -= 1
                else:
                    break
            titles, gender = self._titles_before(i, tok)
            appos = self._appositive_words(tok) | self._described_by(tok) | self._country_after(tok)
            name_span = doc[i:tok.i + 1]
            eid = self._entity_at(name_span.start_char, name_span.end_char)
            # A surname the model left unlabelled ("Holt disagreed.") is still the person named in full; a name
            # ending in an institution's or a business's word ("Riverside General Hospital") is none.
            aged = any(AGE.fullmatch(w) for w in appos)  # "Ada Brisk (34)": only people have ages in apposition
            # "Vera Ostrow spoke to ...": a common given name before a surname, whatever the NER missed
            given = len(name_span) > 1 and given_name_gender(name_span.text) is not None
            is_person = (tok.ent_type_ == "PERSON" or bool(gender) or bool(titles & PERSON_NOUNS) or aged or given
                         or bool(appos & PERSON_NOUNS) or (eid is not None and self.entities[eid].type == "PERSON"))
            if not is_person or name_span[-1].lower_ in ORGANISATION_NAME_ENDS:
                continue
            if not (gender or aged or titles & PERSON_NOUNS or appos & PERSON_NOUNS) and (
                    _destination(tok) or name_span[0].text in _PLACE_NAME_STARTS and len(name_span) > 1):
                continue  # "moved to Vigo", "Port Calder is not banning ...": the NER's PERSON is a place
            name = self.entities[eid].name if eid else name_span.text
            person = by_name.get(name) or next((p for n, p in by_name.items()
                                               if n.split()[-1] == name.split()[-1]), None)
            if person is None:
                person = _Person(name_span.start_char, name, eid, gender=given_name_gender(name))
                by_name[name] = person
            self.people.append(_Person(name_span.start_char, person.name, person.entity or eid,
                                       person.titles, person.gender, quoted=quotes.at(name_span.start_char) >= 0))
            person.titles |= titles | appos
            person.gender = person.gender or gender
            self.people[-1].gender = person.gender

    def _titles_before(self, i: int, head) -> tuple[set[str], str | None]:
        doc = self.doc
        words: set[str] = set()
        gender = None
        j = i - 1
        while j >= 0 and doc[j].dep_ in ("compound", "amod", "nmod") and doc[j].head.i >= i - 1 \
                and doc[j].head.i <= head.i:
            w = doc[j].lower_.strip(".")
            honorific = _honorific_gender(w)
            if honorific:
                gender = honorific
            else:
                words.add(w)
            j -= 1
        if j >= 0 and _honorific_gender(doc[j].text):
            gender = _honorific_gender(doc[j].text)
        return words, gender

    @staticmethod
    def _appositive_words(head) -> set[str]:
        words: set[str] = set()
        for c in head.children:
            if c.dep_ == "appos" and c.i > head.i:
                words |= _noun_and_modifiers(c)
        # "Jon Veld, 81, runs the museum ... the 81-year-old": the age is how the story names him again
        doc, k = head.doc, head.i
        if k + 3 < len(doc) and doc[k + 1].text in (",", "(") and doc[k + 2].text.isdigit() \
                and doc[k + 3].text in (",", ")") and int(doc[k + 2].text) < 120:
            words.add(f"{doc[k + 2].text}-year-old")
        return words

    @staticmethod
    def _country_after(name) -> set[str]:
        """'Chancellor Mira Dalstrom of Norrland': the country, which 'the Norrlandic leader' names again."""
        return {t.lower_ for c in name.children if c.dep_ == "prep" and c.lower_ == "of"
                for t in c.children if t.dep_ == "pobj" and t.ent_type_ == "GPE"}

    @staticmethod
    def _described_by(name) -> set[str]:
        """'the finance minister, Petra Kovac': the noun a name stands in apposition to, and its modifiers."""
        noun = name.head
        if name.dep_ != "appos" or noun.i > name.i or noun.pos_ != "NOUN":
            return set()
        return _noun_and_modifiers(noun) | {noun.lemma_.lower()}

    # -------------------------------------------------------------- lookup

    def _entity_at(self, start: int, end: int) -> str | None:
        i = bisect.bisect_right(self.starts, end) - 1
        best = None
        while i >= 0 and self.mentions[i][1] > start - 200:
            s, e, eid = self.mentions[i]
            if s < end and e > start:
                best = eid
            i -= 1
        return best

    def _recent_person(self, before: int, gender: str | None = None, fits=None) -> _Person | None:
        i = bisect.bisect_left(self.people_starts, before) - 1
        while i >= 0:
            p = self.people[i]
            if before - p.start > 5000:
                break
            if (gender is None or p.gender in (None, gender)) and (fits is None or fits(p)):
                return p
            i -= 1
        return None

    def _by_surname(self, surname: str, before: int, ahead: bool = False) -> _Person | None:
        """The last person named before `before` whose surname is `surname` (lowercase); with `ahead`,
        else the first one named anywhere."""
        def fits(p: _Person) -> bool:
            return p.name.split()[-1].lower() == surname

        return self._recent_person(before, fits=fits) or (next(filter(fits, self.people), None) if ahead else None)

    def _named_subject(self, before: int) -> _Person | None:
        """Fallback for a pronoun with no known person: the last two- or three-word proper name
        that was a clause subject (the NER often calls a person ORG)."""
        i = bisect.bisect_left(self.starts, before) - 1
        while i >= 0 and before - self.mentions[i][0] < 1500:
            s, e, eid = self.mentions[i]
            ent = self.entities[eid]
            words = ent.name.split()
            if ent.type in ("PERSON", "ORG") and 2 <= len(words) <= 3 and all(w[:1].isupper() for w in words):
                span = self.doc.char_span(s, e, alignment_mode="expand")
                if span is not None and span.root.dep_ == "nsubj":
                    return _Person(s, ent.name, eid)
            i -= 1
        return None

    def _recent_business(self, before: int, excluded: frozenset[str] = PUBLIC_BODY_WORDS) -> str | None:
        """The last organisation named before `before` that is not a public body (for 'the company'), or
        not one of the `excluded` kinds."""
        i = bisect.bisect_left(self.starts, before) - 1
        while i >= 0 and before - self.mentions[i][0] <= 3000:
            s, e, eid = self.mentions[i]
            ent = self.entities[eid]
            words = set(ent.name.lower().split())
            # A name the speaker utters ('"Novamax does not cause hair loss," the company said') is what the
            # company talks about, often its product, not the company
            if ent.type == "ORG" and not words & excluded and self.quotes.at(s) < 0:
                return eid
            i -= 1
        return None

    def is_person(self, name: str | None, described: bool = False) -> bool:
        """Whether `name` is one of the people the article names; with `described`, only one the text
        itself marks as a person (a title, a role in apposition, Mr/Ms), not the NER's label alone."""
        return name is not None and any(p.name == name and (not described or p.gender or p.titles & PERSON_NOUNS)
                                        for p in self.people)

    def _recent_entity(self, before: int, types: set[str]) -> str | None:
        i = bisect.bisect_left(self.starts, before) - 1
        while i >= 0:
            s, e, eid = self.mentions[i]
            if self.entities[eid].type in types:
                span = self.doc.char_span(s, e, alignment_mode="expand")
                if span is None or not _destination(span.root):  # "the ferry to Brevik. It ..." is no Brevik
                    return eid
            if before - s > 3000:
                break
            i -= 1
        return None

    def _group_subject_before(self, pronoun) -> str | None:
        """'Parents who attended the meeting were angry. They said ...': the plural subject of the
        sentence before."""
        subject = _subject_before(pronoun)
        if subject is None or subject.tag_ not in ("NNS", "NNPS") \
                or subject.lemma_.lower() not in PERSON_NOUNS:  # people, not "The figures were late"
            return None
        return self.doc[subject.left_edge.i:subject.right_edge.i + 1].text

    def resolve(self, span: SpacySpan, before: int | None = None) -> tuple[str | None, str | None]:
        """(canonical name, entity id) for a source phrase; (None, None) when the text does not say.
        `before`: where a pronoun's antecedent must end, when not at the phrase itself."""
        head = span.root
        low = head.lower_
        label = head.is_upper and len(head.text) > 1
        if len(span) == 1 and head.is_alpha and (label or head.tag_ in ("NNS", "NNPS") and head.text[:1].isupper()):
            # "SATO:" in a transcript: the person of that surname, named before the line or after it; "Fields
            # said": a surname the tagger read as a plural noun ("Nadia Fields ... Fields"), named before
            p = self._by_surname(low, span.start_char, ahead=label)
            if p is not None:
                return p.name, p.entity
        if low in ("who", "which", "that") and head.head.dep_ == "relcl" and head.head.head.i != head.head.i:
            antecedent = _antecedent(head)
            # "her son, Daniel Hobb, who said ...": the name in apposition comes with the noun
            end = max([antecedent.i] + [c.i for c in antecedent.children if c.dep_ == "appos" and c.i < head.i])
            return self.resolve(span.doc[antecedent.left_edge.i:end + 1])
        if low in ("i", "me") and self.quotes.at(span.start_char) < 0:
            return None, None  # "I would say it does not": outside a quotation, the writer speaks
        if low in PERSON_PRONOUNS:
            at = span.start_char if before is None else before
            p = self._recent_person(at, PERSON_PRONOUNS[low], fits=lambda p: not p.quoted) \
                or self._named_subject(at)
            if p is not None and PERSON_PRONOUNS[low] and p.gender is None:
                for q in self.people:  # agreement learned from use: "he" fixes the gender
                    if q.name == p.name:
                        q.gender = PERSON_PRONOUNS[low]
            return (p.name, p.entity) if p else (None, None)
        if low == "it":
            subject = _unnamed_body_before(head)
            if subject is not None:
                # "The transport agency runs the ferry to Brevik. It has proposed ...": the agency, which
                # the text does not name (or names in the noun phrase itself)
                eid = self._entity_at(subject.left_edge.idx, subject.idx + len(subject.text))
                return (self.entities[eid].name, eid) if eid else (None, None)
            eid = self._recent_entity(span.start_char, ORG_TYPES - {"NORP"})
            return (self.entities[eid].name, eid) if eid else (None, None)
        if low in GROUP_PRONOUNS:
            return self._group_subject_before(head), None
        # The head is (part of) a name: "Olaf Scholz, the chancellor", "Scholz's office" is not.
        if head.pos_ == "PROPN" and head.text[:1].isupper():  # a lowercase "PROPN" is a tagging slip
            eid = self._entity_at(head.idx, head.idx + len(head.text))
            if eid is not None:
                return self.entities[eid].name, eid
            # "HALE:" in a transcript is the Governor Hale named above.
            p = self._by_surname(head.lower_, head.idx + len(head.text) + 1)
            if p is not None:
                return p.name, p.entity
            i = head.i
            while i > span.start and span.doc[i - 1].pos_ == "PROPN" and span.doc[i - 1].dep_ == "compound":
                i -= 1
            if head.lower_ in PERSON_NOUNS:
                # "The Health Minister, Ana Brill, said": a capitalised title, with the name beside it.
                named = self._apposed_name(span, head)
                if named[1] is not None:
                    return named
            if i == head.i and head.lower_ in PERSON_NOUNS:
                # A title-case headline's "Minister denies ...": a title, not a name; the article
                # names the minister below, so look back and then ahead.
                return self._titled_near(span, head.lower_)
            return span.doc[i:head.i + 1].text, None
        named = self._apposed_name(span, head)
        if named[1] is not None:
            return named
        author = self._author(span, head)
        if author[0] is not None:
            return author
        named = self._closing_name(span)
        if named[0] is not None:
            return named
        if head.pos_ == "NOUN" and head.lemma_.lower() in ORG_NOUNS:
            # "The GMB union", "the Veltra Air press office": the body named before its noun
            for c in head.children:
                eid = self._entity_at(c.idx, c.idx + len(c.text)) if c.dep_ == "compound" and c.pos_ == "PROPN" else None
                if eid is not None and self.entities[eid].type in ORG_TYPES - {"GPE", "NORP", "LOC"}:
                    return self.entities[eid].name, eid
        if head.pos_ == "NOUN" and span[0].lower_ in ("the", "this", "that"):
            return self._describe(span, head)
        if head.pos_ == "NOUN" and span[0].lower_ in ("its", "his", "her", "their") and head.lemma_.lower() in PERSON_NOUNS:
            # "the regulator's chief inspector, Tobias Okonkwo-Reyes ... Its chief inspector said": the role
            # the article gave someone, owned the same way
            return self._describe(span, head)
        if head.pos_ == "NOUN" and head.lemma_.lower() in PERSON_NOUNS and span.end <= self.headline_end:
            # "Opposition leader vows ...": a headline's role, named in the story below.
            return self._titled_near(span, head.lemma_.lower())
        return None, None

    def _author(self, span: SpacySpan, head) -> tuple[str | None, str | None]:
        """'a post on X by the blogger Ivan Petrov', 'a letter from the mayor': the one accountable for a
        document is who the desk names."""
        if head.lemma_.lower() not in C.DOCUMENT_NOUNS and head.lower_ not in C.DOCUMENT_NOUNS:
            return None, None
        for prep in head.children:
            if prep.dep_ == "prep" and prep.lower_ in ("by", "from") and prep.i < span.end:
                who = next((c for c in prep.children if c.dep_ == "pobj"), None)
                if who is not None and who.i < span.end:
                    return self.resolve(span.doc[who.left_edge.i:min(who.right_edge.i + 1, span.end)])
        return None, None

    def _apposed_name(self, span: SpacySpan, head) -> tuple[str | None, str | None]:
        """'The finance minister, Petra Kovac': the name in apposition says who. The parser often hangs
        it on the last noun ("The coach of Kellby Rovers, Ana Maris"); a role noun then still takes it."""
        for c in span:
            if c.dep_ != "appos" or c.pos_ != "PROPN" or c.i <= head.i:
                continue
            nested = c.head.i != head.i and head.lemma_.lower() in PERSON_NOUNS and head.is_ancestor(c)
            if c.head.i == head.i or nested:
                eid = self._entity_at(c.idx, c.idx + len(c.text))
                if eid is not None and self.entities[eid].type in (("PERSON",) if nested else ("PERSON", "ORG")):
                    return self.entities[eid].name, eid
        return None, None

    def _closing_name(self, span: SpacySpan) -> tuple[str | None, str | None]:
        """'The company that runs the plant, Clearspring': a name set off by a comma at the end of the
        phrase says who, however the parser hung it."""
        i = len(span)
        while i > 0 and span[i - 1].pos_ == "PROPN" and span[i - 1].text[:1].isupper():
            i -= 1
        if i == len(span) or i < 2 or span[i - 1].text != ",":
            return None, None
        eid = self._entity_at(span[i].idx, span[-1].idx + len(span[-1].text))
        if eid is None:
            return span[i:].text, None  # a name the model missed is still the name the text gives
        return self.entities[eid].name, eid

    def _titled_near(self, span: SpacySpan, title: str) -> tuple[str | None, str | None]:
        """The person given `title` before the span, else in the 2,000 characters after it."""
        p = self._recent_person(span.start_char, fits=lambda p: title in p.titles) or next(
            (p for p in self.people if span.end_char <= p.start < span.end_char + 2000 and title in p.titles), None)
        return (p.name, p.entity) if p else (None, None)

    def _named_next(self, span: SpacySpan, role: str) -> tuple[str | None, str | None]:
        """'The president's spokeswoman told reporters ... The spokeswoman, Anika Holm, added ...': a
        role the article has given nobody yet, named in apposition to the same role soon after."""
        doc = self.doc
        for tok in doc[span.end:min(len(doc), span.end + 80)]:
            if tok.lemma_.lower() != role or tok.pos_ != "NOUN" or not any(c.lower_ == "the" for c in tok.children):
                continue
            for c in tok.children:
                eid = self._entity_at(c.idx, c.idx + len(c.text)) if c.dep_ == "appos" and c.pos_ == "PROPN" else None
                if eid is not None and self.entities[eid].type == "PERSON":
                    return self.entities[eid].name, eid
            return None, None  # the next mention of the role names nobody: stop there
        return None, None

    def _describe(self, span: SpacySpan, head) -> tuple[str | None, str | None]:
        """'the German leader', 'the chancellor', 'the ministry' -> the most recent fitting referent."""
        hl = head.lemma_.lower()
        mods = {t.lower_ for t in span if t.i != head.i and t.pos_ in ("ADJ", "PROPN", "NOUN")}
        if hl in PERSON_NOUNS or hl not in ORG_NOUNS:
            # A role outside the lexicon counts once the article gave it to someone ("Dr. Tomas Weiler,
            # the agency's chief toxicologist ... The toxicologist said").
            p = self._recent_person(span.start_char, fits=lambda p: _titled(hl, p.titles) or head.lower_ in p.titles
                                    or (hl in GENERIC_PERSON_NOUNS and _shares_title(mods, p.titles)))
            if p is None and hl in PERSON_NOUNS:
                return self._named_next(span, hl)
            if p is not None or hl in PERSON_NOUNS:
                return (p.name, p.entity) if p else (None, None)
        if hl in BUSINESS_NOUNS and head.tag_ != "NNS":  # "the companies" are not the last one named
            # "The Valley Defence Council ... The group said": a group may be a council, a union or a
            # party, but not a ministry or a court.
            eid = self._recent_business(span.start_char, _NOT_A_GROUP if hl == "group" else PUBLIC_BODY_WORDS)
            if eid is not None:
                return self.entities[eid].name, eid
            subject = _subject_before(head, speakers=True)
            if subject is not None and subject.pos_ == "PROPN" and subject.ent_type_ not in ("PERSON", "GPE", "LOC") \
                    and not self.is_person(subject.text) and self.quotes.at(subject.idx) < 0:
                # "Helvion Pharma rejected the claim. ... the company said": the name the model left unlabelled
                return span.doc[subject.left_edge.i:subject.i + 1].text, None
        if hl in ORG_NOUNS:
            # "The Dalmarian ministry" is no other country's ministry: a capitalised modifier must fit the name.
            proper = {t.lower_ for t in span if t.i != head.i and t.text[:1].isupper() and t.pos_ in ("ADJ", "PROPN")
                      and t.i > span.start}
            i = bisect.bisect_left(self.starts, span.start_char) - 1
            while i >= 0:
                s, _, eid = self.mentions[i]
                ent = self.entities[eid]
                words = set(ent.name.lower().split())
                if ent.type in ORG_TYPES and (hl in words or head.lower_ in words) \
                        and (not proper or _shares_title(proper, words)):
                    return ent.name, eid
                if hl in MEDIA_NOUNS and ent.type in ORG_TYPES | {"PRODUCT", "WORK_OF_ART"} \
                        and words & MEDIA_NAME_WORDS:
                    return ent.name, eid
                if span.start_char - s > 5000:
                    break
                i -= 1
        return None, None
