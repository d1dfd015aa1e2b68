"""Stance of an attribution toward a proposition: does the source assert it or deny it?

Three signals multiply (each is +1 or -1):
- the cue: "denied", "rejected", "dismissed", "refuted", "was lying" ... flip what follows;
- negation inside the content: "not", "never", "no evidence", "nobody", "false", "baseless" ...;
- news antonyms between the content and the proposition: "intact" against "destroyed", "fell" against
  "rose", "unarmed" against "armed".
Negation is counted in the proposition too, so "won contracts without bidding" and "awarded contracts
with no tender" are on the same side. The extractor's `polarity` field already folds cue and content
negation together, so it is not used here (it would count the same "not" twice).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from . import cues as C

ASSERTS, DENIES = "asserts", "denies"

# Lemmas of reporting verbs that deny what they report ("X denied that ...", "X rejected claims that ...").
DENIAL_CUES = C.DENIAL_VERBS | frozenset(
    "deride scoff question doubt".split())  # "questioned"/"doubted" take the denying side
# Multi-word and inflected cue forms whose lemma may not be reported.
_DENIAL_CUE_TEXT = re.compile(
    r"\b(?:was|were|is|are|of) lying\b|\blied\b|\blies\b|\brule[sd]? out\b|\bruling out\b|\bpushed back\b"
    r"|\bden(?:y|ies|ied|ying)\b|\breject|\bdismiss|\brefut|\brebut|\bdisput|\bcontradict|\bdebunk"
    r"|\bcast(?:s|ing)? doubt\b|\bquestion(?:s|ed|ing)?\b",
    re.I)

# Negation markers counted inside a content or a proposition.
_NEGATION = re.compile(
    r"\b(?:not|never|no|nobody|nothing|none|neither|nor|without|cannot|nowhere|no-one)\b|n't\b"
    r"|\b(?:" + "|".join(C.FALSITY_ADJECTIVES) + r"|wrong|lied|(?:was|were|is|are|been) lying)\b",
    re.I)
# Phrases with a negation word that do not negate ("no doubt", "not only") or that negate nothing.
_NOT_NEGATION = re.compile(
    r"\bno (?:question|doubt)\b|\bnot only\b|\bnot just\b|\bno sooner\b|\bno matter\b|\bnothing but\b",
    re.I)
# "had done nothing wrong" says no once: the "wrong" after it is what is denied, not a second negation.
_NOTHING_WRONG = re.compile(r"\b(nothing|no)\s+(?:\w+\s+)?wrong\b", re.I)

# Pairs of word classes that contradict each other in news. Entries are lowercase words or phrases,
# matched on word boundaries with optional inflection (see _class_pattern). The first class is the
# newsworthy side (destroyed, killed, banned): the board prefers it when it words a proposition.
# Bare "up"/"down" are left out: "brought the dam down" and "the ferry went down" are not directions.
ANTONYMS: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("direction",
     ("rise", "rose", "risen", "increase", "climb", "grow", "grew", "grown", "jump", "soar", "surge",
      "gain", "higher", "more", "go up", "gone up", "went up", "lift", "raise", "hike", "pick up", "picked up",
      "rebound"),
     ("fall", "fell", "fallen", "drop", "decline", "decrease", "ease", "shrink", "shrank", "slump",
      "plunge", "lower", "fewer", "less", "cut", "reduce", "reduction", "gone down")),
    ("damage",
     ("destroy", "destruction", "wreck", "damage", "demolish", "hit", "struck", "strike", "shell", "bomb",
      "flatten", "collapse", "burn", "burned", "burnt", "blow up", "blew up", "breach"),
     ("intact", "undamaged", "unharmed", "unscathed", "spared", "untouched", "preserved", "accounted for",
      "still standing")),
    ("armed", ("armed", "weapon", "gun", "handgun", "pistol", "rifle", "knife"), ("unarmed",)),
    ("harm", ("dangerous", "unsafe", "toxic", "harmful", "hazardous", "endanger", "risk", "threat", "poison"),
     ("safe", "harmless", "non-toxic", "nontoxic", "benign")),
    ("life", ("dead", "die", "died", "killed", "missing", "drown", "perish"),
     ("alive", "survive", "survivor", "rescue", "saved")),
    ("permission", ("ban", "banned", "barred", "bar", "prohibit", "forbid", "suspend", "suspension",
                    "ineligible", "disqualify", "outlaw"),
     ("allow", "permit", "eligible", "cleared", "legal", "lawful")),
    ("existence", ("disappear", "vanish", "gone", "extinct", "melt away"),
     ("remain", "still be there", "still there", "persist", "endure")),
    ("activity", ("stop", "halt", "cease", "shut", "suspend", "idle"),
     ("continue", "resume", "still", "keep", "kept")),
    ("guilt", ("guilty", "culpable", "responsible"), ("innocent", "blameless", "acquitted")),
    ("verdict", ("confirm", "true", "accurate", "correct"), ("deny", "denied", "false", "untrue", "wrong")),
    ("outcome", ("win", "won", "victory", "succeed", "success", "pass", "passed"),
     ("lose", "lost", "defeat", "fail", "failure")),
    ("quality", ("better", "improve", "strong"), ("worse", "worsen", "weak")),
    ("openness", ("open", "reopen"), ("closed", "close", "shut")),
    # Territory: taken against still held. Only forms that cannot mean a meeting "held" or a record "held".
    ("control", ("capture", "captured", "seize", "seized", "overrun", "overran", "liberate", "liberated",
                 "has fallen", "had fallen", "have fallen", "fell to", "taken control", "took control", "full control"),
     ("remains under", "remain under", "still under", "under its control", "under their control", "under our control",
      "in its hands", "in our hands", "still holds", "still hold", "still held", "repel", "repelled")),
    # Fires, outbreaks, floods: still spreading against contained.
    ("containment", ("spread", "spreading", "out of control", "raging", "rage"),
     ("contain", "contained", "under control", "extinguish", "put out")),
)


def _class_pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    # Allow common inflections (destroy/destroyed/destroying, bomb/bombs/bombed/bombing).
    alts = sorted((re.escape(w).replace(r"\ ", r"\s+") for w in words), key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(alts) + r")(?:s|es|ed|d|ing|ment|ly)?\b", re.I)


_ANTONYM_PATTERNS = tuple((name, _class_pattern(a), _class_pattern(b)) for name, a, b in ANTONYMS)

# Frames around the reported proposition: "(found) no evidence that X", "claims that X", "reports of X".
# Their negation (if any) is counted by _NEGATION; stripping them leaves the proposition for matching.
_FRAME = re.compile(
    r"^(?:that\s+)?(?:(?:there\s+(?:is|was|has been|had been|were)\s+)?(?:no|little|any)\s+"
    r"(?:evidence|sign|signs|indication|proof|trace|basis)\s+(?:that|of)\s+"
    r"|(?:the\s+)?(?:claims?|reports?|accusations?|allegations?|suggestions?|talk|rumou?rs?|speculation)"
    r"\s+(?:that|of)\s+)",
    re.I)


_THAT = re.compile(r"^that\s+(?=\S)", re.I)


@dataclass
class Stance:
    """+1 asserts the proposition, -1 denies it; `reasons` says which signals flipped it."""

    polarity: int
    reasons: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return ASSERTS if self.polarity > 0 else DENIES


def cue_denies(cue_lemma: str | None, cue_text: str) -> bool:
    if cue_lemma and cue_lemma.lower() in DENIAL_CUES:
        return True
    return bool(_DENIAL_CUE_TEXT.search(cue_text or ""))


def negations(text: str) -> list[str]:
    """The negation markers in a text, after removing phrases that only look negative."""
    cleaned = _NOTHING_WRONG.sub(r"\1", _NOT_NEGATION.sub(" ", text))
    return [m.group(0).lower() for m in _NEGATION.finditer(cleaned)]


def antonym_classes(text: str) -> dict[str, int]:
    """For each antonym pair the text takes a side on: +1 (first class) or -1 (second class)."""
    return dict(_antonym_sides(text))


@functools.lru_cache(maxsize=65536)
def _antonym_sides(text: str) -> tuple[tuple[str, int], ...]:
    # Cached: a claim's proposition is compared with every one of its members.
    sides = []
    for name, first, second in _ANTONYM_PATTERNS:
        a, b = bool(first.search(text)), bool(second.search(text))
        if a != b:  # a text using both sides ("rose, then fell") takes no side
            sides.append((name, 1 if a else -1))
    return tuple(sides)


def core(text: str) -> str:
    """The content without a leading evidential/reporting frame, for display and matching."""
    stripped = text.strip().strip("\"“”'‘’").strip()
    previous = None
    while previous != stripped:
        previous = stripped
        stripped = _FRAME.sub("", stripped, count=1)
        stripped = _THAT.sub("", stripped, count=1)
    return stripped.rstrip(",;: ")


_NEGATOR_WORDS = re.compile(r"\b(?:not|never|no|nobody|nothing|none)\b\s*|n't\b", re.I)


def without_negation(text: str) -> str:
    """The text with its negating function words removed: a proposition and its negation read alike
    ("the dam was not hit" -> "the dam was hit"), which is what grouping needs."""
    return re.sub(r"\s{2,}", " ", _NEGATOR_WORDS.sub("", text)).strip()


# Coordinated clauses and list items each carry their own negation: "had not paid and would never pay"
# and "false and baseless" say no once, not twice.
_COORDINATION = re.compile(r"\s*(?:[,;:]|\s(?:and|or|but|nor)\s)\s*", re.I)


# Clauses that state no position of the source's own: a condition ("if the recount does not change it"),
# an earlier position reported ("after first saying no data was taken"), or who someone is ("teachers who
# cannot afford rent should get second jobs" asserts the second jobs).
_SIDE_CLAUSE = re.compile(r"\b(?:if|unless|whether|even if|in case|after (?:first |initially )?(?:saying|denying"
                          r"|claiming|insisting)|who|whom|whose)\b[^,;:]*", re.I)


def content_negations(content: str) -> list[str]:
    """The negation markers that flip a content: within one clause they cancel in pairs ("not
    untrue"), across coordinated clauses they do not add up (any negated clause negates), and a
    condition or an earlier position reported counts for nothing."""
    main = _SIDE_CLAUSE.sub(" ", content)
    flipped = [markers for markers in map(negations, _COORDINATION.split(main)) if len(markers) % 2]
    return flipped[0][:1] if flipped else []


def intrinsic(cue_lemma: str | None, cue_text: str, content: str) -> Stance:
    """Polarity of what the source says relative to the plain, un-negated reading of its content."""
    polarity, reasons = 1, []
    if cue_denies(cue_lemma, cue_text):
        polarity, reasons = -polarity, reasons + [f"cue '{cue_text}'"]
    if C.cue_negated(cue_text):  # "did not deny that ..." asserts it
        polarity, reasons = -polarity, reasons + [f"negated cue '{cue_text}'"]
    for marker in content_negations(content):
        polarity, reasons = -polarity, reasons + [f"'{marker}' in content"]
    return Stance(polarity, reasons)


def antonym_flip(content: str, proposition: str) -> list[str]:
    """Antonym pairs on which the content and the proposition take opposite sides."""
    mine, theirs = antonym_classes(content), antonym_classes(proposition)
    return [name for name, side in mine.items() if theirs.get(name, side) != side]


# Where a content goes on to another statement: a new sentence, a quotation split around its cue, "X and
# that Y", a semicolon. (Not a comma or a bare "and": "the claim that X, which Y made, is false" is one.)
_STATEMENT_BREAK = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"”’']))\s+(?=[\"“‘']?[A-Z])|\s+\u2026\s+|,?\s+and\s+that\s+|;\s+")
_WORD = re.compile(r"[a-z][a-z'’-]{2,}")
_STOPWORDS = frozenset("""the and that this these those with from into over under about than then there their they them
was were been being has have had having are not never nothing none its his her our your who whom which what when
where why how said says say told also just still even very only some any all each every more most other such""".split())


def _key_words(text: str) -> set[str]:
    return {w[:5] for w in _WORD.findall(text.lower()) if w not in _STOPWORDS}


def statement_about(content: str, proposition: str) -> str:
    """The one statement of a content that speaks to `proposition`: "our forces struck a depot and that no
    civilians were harmed" is about the depot in its first part, and the "no" of the second says nothing
    about it. The whole content when no part shares more words with the proposition than the others."""
    parts = [p for p in _STATEMENT_BREAK.split(content) if p.strip()]
    if len(parts) < 2:
        return content
    wanted = _key_words(proposition)
    overlaps = [len(_key_words(p) & wanted) for p in parts]
    best = max(overlaps)
    if best == 0 or overlaps.count(best) > 1:
        return content
    return parts[overlaps.index(best)]


def stance_toward(cue_lemma: str | None, cue_text: str, content: str, proposition: str) -> Stance:
    """Whether an attribution (cue + content) asserts or denies `proposition` (an affirmative sentence).
    Only the content's statement about the proposition counts (`statement_about`)."""
    own = intrinsic(cue_lemma, cue_text, statement_about(content, proposition))
    polarity, reasons = own.polarity, list(own.reasons)
    prop_neg = content_negations(proposition)
    if prop_neg:
        polarity, reasons = -polarity, reasons + [f"proposition is negative ('{prop_neg[0]}')"]
    if not names_differ(content, proposition):
        for name in antonym_flip(content, proposition):
            polarity, reasons = -polarity, reasons + [f"antonym ({name})"]
    return Stance(polarity, reasons)


_NAME = re.compile(r"\b[A-Z][\w'’-]+")
_NOT_NAMES = frozenset("I Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May "
                       "June July August September October November December".split())


def _names(text: str) -> tuple[set[str], set[str]]:
    """Capitalised words: those inside the text (names), and all of them (the first may be a name too)."""
    found = [(m.start(), m.group()) for m in _NAME.finditer(text) if m.group() not in _NOT_NAMES]
    opening = len(text) - len(text.lstrip("\"“‘' "))
    return {w for at, w in found if at > opening}, {w for _, w in found}


# Words that place a thing among its kind: "the west office block" is not "the east warehouse".
_LOCATORS = re.compile(r"\b(?:north|south|east|west|northern|southern|eastern|western|upper|lower|left|right"
                       r"|first|second|third|front|rear|inner|outer)\b", re.I)


def names_differ(content: str, proposition: str) -> bool:
    """Whether both texts name things and share no capitalised word: "the Kessel dam was intact" says
    nothing against "the Orlen dam was breached", so their antonyms do not oppose them. Both placing
    things and sharing no place ("the west block was intact" / "the east warehouse burned") counts too."""
    (mine, mine_all), (theirs, theirs_all) = _names(content), _names(proposition)
    if mine and theirs and not mine_all & theirs_all:
        return True
    here = {m.lower() for m in _LOCATORS.findall(content)}
    there = {m.lower() for m in _LOCATORS.findall(proposition)}
    return bool(here and there) and not here & there


def attribution_stance(attribution: dict, proposition: str) -> Stance:
    """`stance_toward` for an attribution in report-dict form."""
    cue = attribution.get("cue") or {}
    return stance_toward(cue.get("lemma"), cue.get("text", ""), (attribution.get("content") or {}).get("text", ""),
                         proposition)
