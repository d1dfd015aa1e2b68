"""Attribution: who said what, found by rules over quotation structure and the dependency parse.

The pieces are separately callable so a learned tagger can replace or vote with any of them:
`quotations.find_quotes` (quotation spans), `find_cues` (cue tokens and their span), `source_tokens`,
`content_fragments`, `link_quotes`, `polarity_of`, `find_no_comment`; `extract` runs them all.
Every offset is a character offset into `doc.text`.
"""

from __future__ import annotations

import bisect
import dataclasses
import itertools
import re
from collections import Counter
from collections.abc import Callable, Collection
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from . import attribution_model
from . import cues as C
from .nlp import DATELINE
from .quotations import (QuoteIndex, closes_clause, ends_a_sentence_in, ends_sentence, find_quotes,
                         gap_ok, quote_paragraph_follows)
from .report import Attribution, Cue, Entity, NoComment, Source, Span
from .sources import MEDIA_NOUNS, ORG_NOUNS, PERSON_NOUNS, PERSON_PRONOUNS, Resolver, source_kind

# ------------------------------------------------------------------ candidates

@dataclass
class Candidate:
    """One attribution in token terms, before it becomes a report Attribution."""

    cue: tuple[int, int]                       # token range [start, end)
    lemma: str
    source: tuple[int, int] | None = None      # token range
    content: list[tuple[int, int]] = field(default_factory=list)  # char ranges
    quoted: bool = False                       # content is (entirely) quotation
    head: int = -1                             # cue head token index
    clausal: bool = False                      # the cue governs a clause after it (its own content)
    original_source: tuple[int, int] | None = None  # token range: the speaker an "according to" relays
    verbatim: bool = False                     # a transcript's line: the speaker's own words, though unquoted


_CONTENT_DEPS = {"ccomp", "xcomp", "dobj", "oprd", "dative", "attr", "acomp"}
_EXTEND_DEPS = {"ccomp", "xcomp", "oprd", "dobj", "pobj"}
_SUBJ_DEPS = ("nsubj", "nsubjpass", "csubj")
_INHERIT_DEPS = {"xcomp", "advcl", "conj", "dep", "pcomp"}
# Verb + preposition pairs that PolNeAR annotates as one cue ("called for", "referring to").
_CUE_PREPS = {("call", "for"), ("call", "on"), ("refer", "to"), ("point", "to"), ("talk", "about"),
              ("speak", "about"), ("complain", "about"), ("warn", "of"), ("warn", "against"),
              ("argue", "for"), ("argue", "against"), ("push", "for"), ("advocate", "for")}
_NON_CUE_ADVERBS = frozenset("when where why how however meanwhile instead though thus so yet too "
                             "therefore nevertheless".split())
_OBJECT_PREPS = frozenset("with against for on to about from".split())
_PUNCT_EDGE = set(" \t\n,.;:!?—–-()[]")


def trim_chars(text: str, s: int, e: int, keep_quotes: bool = True) -> tuple[int, int]:
    strip = _PUNCT_EDGE if keep_quotes else _PUNCT_EDGE | set("\"“”'‘’`")
    while s < e and text[s] in strip:
        s += 1
    while e > s and text[e - 1] in strip:
        e -= 1
    if keep_quotes and s < e:
        # 'were "paid agitators' reads as broken: a quotation opened inside the span closes in it.
        inside = text[s:e]
        opened = inside.count("\u201c") > inside.count("\u201d") or inside.count('"') % 2 == 1
        if opened:
            # The closing mark may follow the sentence's own stop, which sits inside the quotation
            # ('was "the worst I have seen."'); PolNeAR train keeps it 924 times, leaves it out 4.
            close = e
            while close < len(text) and close - e < 2 and text[close] in ".,!?;:":
                close += 1
            if close < len(text) and text[close] in "\u201d\"":
                e = close + 1
    return s, e


def merge_touching(text: str, ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Fragments with nothing but spaces between them are one piece of content."""
    out: list[tuple[int, int]] = []
    for s, e in sorted(ranges):
        if out and (s <= out[-1][1] or (not text[out[-1][1]:s].strip() and "\n" not in text[out[-1][1]:s])):
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def tokens_chars(doc: Doc, i: int, j: int) -> tuple[int, int]:
    return doc[i].idx, doc[j - 1].idx + len(doc[j - 1].text)


def complement_type(tok: Token) -> str:
    """'clause' (ccomp), 'object' (object, infinitive, prepositional complement) or 'bare'."""
    deps = {c.dep_ for c in tok.children}
    if "ccomp" in deps:
        return "clause"
    if deps & {"dobj", "xcomp", "dative", "oprd"} or any(c.dep_ == "prep" and c.i == tok.i + 1 for c in tok.children):
        return "object"
    if {"nsubjpass", "agent"} <= deps:
        return "object"  # "the figures were disputed by economists": the passive subject is the object
    return "bare"


_CUE_SETS = {"clause": C.CLAUSE_CUES, "object": C.OBJECT_CUES, "bare": C.BARE_CUES}


def _is_cue_verb(tok: Token, in_quote: bool) -> bool:
    """A possible cue head; `cue_confirmed` decides once quotations are linked."""
    if tok.pos_ not in ("VERB", "AUX") or in_quote or tok.lemma_.lower() not in C.SPEECH_VERBS:
        return False
    # A past participle naming or describing a noun ("a company called X", "so-called") reports nothing.
    if tok.dep_ == "acl" and tok.tag_ == "VBN" and not _main_verb_read_as_participle(tok) \
            and not _speaker_after_clause(tok) \
            or (tok.i > 0 and tok.doc[tok.i - 1].lower_ in ("so-", "so")):
        return False
    if _quoted_as_saying(tok) is not None or counts_views(tok):
        return False
    return True


def _main_verb_read_as_participle(tok: Token) -> bool:
    """'Gregor Vellan, who ran the port until 2021, denied on Monday that he took bribes': after a
    relative clause the parser may make the name the sentence's root and the verb its participle; a
    participle with a that-clause of its own on a root noun is the main verb."""
    return tok.head.dep_ == "ROOT" and tok.head.pos_ in ("PROPN", "NOUN") \
        and any(c.dep_ == "ccomp" and c.i > tok.i for c in tok.children)


def _speaker_after_clause(tok: Token) -> bool:
    """'<clause>, the city's prosecutor alleged on Monday.': the parser may hang the speaker on the
    clause as an appositive and read the verb as its participle ('the prosecutor (who was) alleged').
    A clause cue closing the sentence after a comma and a speaker noun, with nothing of its own but
    when or where, is the main verb."""
    doc, head = tok.doc, tok.head
    if tok.dep_ != "acl" or tok.lemma_.lower() not in C.CLAUSE_CUES or head.i > tok.i \
            or head.left_edge.i == 0 or doc[head.left_edge.i - 1].text != "," \
            or any(c.dep_ not in ("prep", "npadvmod", "advmod", "punct") for c in tok.children):
        return False
    end = tok.right_edge.i + 1
    if end < len(doc) and not (doc[end].is_punct and doc[end].text in ".!?") and not doc[end].is_space:
        return False
    lemma = head.lemma_.lower()
    return lemma in PERSON_NOUNS or lemma in ORG_NOUNS or head.ent_type_ in ("PERSON", "ORG", "NORP")


def question_frame(tok: Token) -> bool:
    """'Asked whether ..., X said', 'When pressed on ...': the reporter's question frames the answer, so
    it has no source in the text (PolNeAR still marks the question as an attribution)."""
    # "The minister, asked about the delay, said ...": the parser may hang the frame on the speaker
    set_off = tok.dep_ == "acl" and tok.head.i < tok.i and tok.i > 0 and tok.doc[tok.i - 1].text == ","
    return tok.lemma_.lower() in ("ask", "press", "question") and tok.tag_ in ("VBN", "VBD") \
        and (tok.dep_ == "advcl" or set_off) and not any(c.dep_ in _SUBJ_DEPS for c in tok.children)


def _quoted_as_saying(tok: Token) -> Token | None:
    """For 'quoted' of 'X was quoted as saying ...', the speech verb that carries the attribution."""
    if tok.lemma_.lower() != "quote":
        return None
    return next((x for c in tok.children if c.dep_ == "prep" and c.lower_ == "as"
                 for x in c.children if x.dep_ == "pcomp" and x.lemma_.lower() in C.SPEECH_VERBS), None)


def _quoting_verb(tok: Token) -> Token | None:
    """For 'saying' of 'X was quoted as saying ...', the 'quoted' it hangs on."""
    if tok.dep_ == "pcomp" and tok.head.lower_ == "as" and _quoted_as_saying(tok.head.head) is not None:
        return tok.head.head
    return None


def cue_confirmed(tok: Token, quoted: bool) -> bool:
    """Whether the verb is a cue given what it governs (a linked quotation always confirms)."""
    lemma = tok.lemma_.lower()
    # "a claim the water board disputed": the noun the clause hangs on is what is disputed
    restating = tok.dep_ == "relcl" and tok.head.lemma_.lower() in C.NOMINAL_CUES and lemma in C.SPEECH_VERBS
    return quoted or lemma in _CUE_SETS[complement_type(tok)] or _that_clause(tok) or restating \
        or _topic_after_addressee(tok) is not None


def _topic_after_addressee(tok: Token) -> Token | None:
    """The "about" of 'spoke to Mika Dorsey about the collapse': the one spoken to is part of the cue,
    the topic is what was said ("spoke to reporters about", as the tagger learned from PolNeAR)."""
    if tok.lemma_.lower() not in ("speak", "talk"):
        return None
    to = next((c for c in tok.children if c.dep_ == "prep" and c.i == tok.i + 1 and c.lower_ in ("to", "with")), None)
    return next((c for c in tok.children if c.dep_ == "prep" and c.lower_ in ("about", "on")
                 and to is not None and c.i == to.right_edge.i + 1), None)


def cue_span(tok: Token) -> tuple[int, int]:
    """The cue's token range: the verb with its auxiliaries, negation, an adverb right before it,
    particles, and a following 'in a statement', 'about' or complement preposition (PolNeAR's
    convention)."""
    start, end = tok.i, tok.i + 1
    lemma = tok.lemma_.lower()
    quoting = _quoting_verb(tok)
    if quoting is not None:
        return cue_span(quoting)[0], end  # "was quoted as saying" is one cue
    if puts_it(tok):
        return start, end + 1  # "put it"
    about = _topic_after_addressee(tok)
    if about is not None:
        return start, about.i + 1
    if lemma == "accord":
        for c in tok.children:
            if c.dep_ == "prep" and c.lower_ == "to":
                end = max(end, c.i + 1)
        return start, end
    left = sorted((c for c in tok.children if c.i < tok.i), key=lambda c: -c.i)
    for c in left:
        # auxiliaries, negation and a manner/time adverb right before the verb ("has now said",
        # "often says", "did not deny") belong to the cue; sentence adverbs do not.
        adverb = c.dep_ == "advmod" and c.pos_ == "ADV" and c.lower_ not in _NON_CUE_ADVERBS
        if c.i == start - 1 and (c.dep_ in ("aux", "auxpass", "neg") and c.lower_ != "to" or adverb):
            start = c.i
        else:
            break
    for c in tok.children:
        if c.i != end:
            continue
        if c.dep_ == "prt":
            end = c.i + 1
        elif c.dep_ == "prep" and c.lower_ == "about":
            end = c.i + 1
        elif c.dep_ == "prep" and (lemma, c.lower_) in _CUE_PREPS:
            end = c.i + 1
        elif c.dep_ == "prep" and c.lower_ in _OBJECT_PREPS and lemma in C.OBJECT_CUES and not _when_or_where(c) \
                and not any(x.dep_ in ("dobj", "ccomp", "xcomp") for x in tok.children):
            end = c.i + 1  # "agreed with", "railed against": the preposition's object is the content
        elif c.dep_ == "prep" and c.lower_ == "in":
            objs = [x for x in c.children if x.dep_ == "pobj"]
            if objs and objs[0].lemma_.lower() in C.CUE_MEDIUM_NOUNS:
                end = objs[0].i + 1
    return start, end


def find_cues(doc: Doc, quotes: QuoteIndex) -> list[Token]:
    """Verbal cue heads, plus 'according' of 'according to'."""
    heads = []
    for tok in doc:
        if tok.lower_ == "according" and tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ == "to":
            heads.append(tok)
        elif tok.lemma_.lower() in C.SPEECH_VERBS:
            if _is_cue_verb(tok, quotes.closed_at(tok.idx) >= 0):
                heads.append(tok)
        elif tok.pos_ == "VERB" and _that_clause(tok) and quotes.closed_at(tok.idx) < 0:
            heads.append(tok)  # any verb reporting a that-clause ("X conceded that ...")
        elif (puts_a_figure(tok) or puts_it(tok) or _topic_after_addressee(tok) is not None) \
                and quotes.closed_at(tok.idx) < 0:
            heads.append(tok)
    return heads


def _that_clause(tok: Token) -> bool:
    return any(c.dep_ == "ccomp" and c.i > tok.i and any(m.dep_ == "mark" and m.lower_ == "that" for m in c.children)
               for c in tok.children) and any(c.dep_ == "nsubj" for c in tok.children)


def _subject(tok: Token) -> Token | None:
    subjects = [c for c in tok.children if c.dep_ in _SUBJ_DEPS]
    if subjects:
        # Two subjects are a misparse, typically a quotation read as a noun phrase ('"The dam held
        # for an hour," the engineer said'): the one next to the verb is the speaker.
        return min(subjects, key=lambda c: abs(c.i - tok.i))
    for c in tok.children:
        if c.dep_ == "agent":
            objs = [x for x in c.children if x.dep_ == "pobj"]
            if objs:
                return objs[0]
    return None


def _agent(verb: Token) -> Token | None:
    """The object of a passive verb's "by" phrase."""
    for c in verb.children:
        if c.dep_ == "agent":
            return next((x for x in c.children if x.dep_ == "pobj"), None)
    return None


def _complement_of_agent(agent: Token) -> Token | None:
    """'criticized by opponents for her plan', 'described by engineers as unsafe', 'accused by a reporter
    of grabbing her': the parser often hangs the verb's phrase on the agent ("supporters of her opponent"
    is one noun phrase, though)."""
    return next((c for c in agent.children if c.dep_ == "prep" and (
        c.lower_ in ("for", "as") or (c.lower_ == "of" and any(x.tag_ == "VBG" for x in c.children)))), None)


_CONTACT_VERBS = frozenset("reach ask contact interview press question approach quiz".split())


def _np_range(tok: Token, stop_at: Token | None = None, trim_clauses: bool = False) -> tuple[int, int]:
    """Token range of the phrase headed by tok, trimmed of edge punctuation, kept within one paragraph.

    With trim_clauses, a relative or participial clause ("Murphy, who thinks ...") is cut off: PolNeAR
    leaves it out of a source that follows its cue.
    """
    doc = tok.doc
    s, e = tok.left_edge.i, tok.right_edge.i + 1
    if stop_at is not None and s <= stop_at.i < e:
        e = stop_at.left_edge.i if stop_at.left_edge.i > tok.i else e
    if trim_clauses:
        for t in doc[s:e]:
            # A clause that is itself an attribution ("Murphy, who thinks ...") is left out.
            if t.dep_ in ("relcl", "acl") and t.i > tok.i and t.head.i >= tok.i \
                    and t.lemma_.lower() in C.SPEECH_VERBS:
                e = min(e, t.left_edge.i)
                break
            if t.dep_ == "appos" and t.head.dep_ == "appos" and t.i > tok.i:
                e = min(e, t.left_edge.i)
                break
    # "said Petra Kovac, the finance minister, on Monday": a closing time phrase dates the
    # statement; it does not describe the speaker.
    e = _without_closing_prep(tok, e, lambda t: any(
        c.dep_ == "pobj" and c.ent_type_ in ("DATE", "TIME") for c in t.children))
    # "said James Lewis, an analyst, via email" / "..., in a statement provided by his firm": how the
    # statement reached the writer, not who the speaker is.
    e = _without_closing_prep(tok, e, lambda t: doc[t.i - 1].text == "," and (
        t.lower_ == "via" or any(c.dep_ == "pobj" and c.lemma_.lower() in _MEDIUM_NOUNS for c in t.children)))
    # A participle set off by commas ("Trump, speaking at a rally in Wilmington, warned ..."): what the
    # speaker was doing, not who they are.
    # So is how the writer reached them ("Aalders, reached by phone after the interview, said"; PolNeAR
    # train leaves such phrases out of the source 21 times in 24).
    for t in doc[tok.i + 1:e]:
        doing = t.tag_ == "VBG" or (t.tag_ in ("VBN", "VBD") and t.lemma_.lower() in _CONTACT_VERBS)
        if doing and t.dep_ in ("acl", "advcl") and t.head.i == tok.i and doc[t.left_edge.i - 1].text == "," \
                and t.right_edge.i + 1 >= e - 1:
            e = t.left_edge.i
            break
    # A dateline or kicker before the name ("New York (AFP) - Vice President Joe Biden"): not the source.
    for i in range(tok.i - 1, s - 1, -1):
        if doc[i].text in ("–", "—", "--"):
            s = i + 1
            break
    # A headline run into the first paragraph: keep the part on the head's own line.
    for i in range(tok.i - 1, s - 1, -1):
        if "\n" in doc[i].text or "\n" in doc[i].whitespace_:
            s = i + 1
            break
    for i in range(tok.i, e):
        if "\n" in doc[i].whitespace_ or (i + 1 < e and "\n" in doc[i + 1].text):
            e = i + 1
            break
    while s < e and (_edge_punct(doc[s])):
        s += 1
    while e > s and (_edge_punct(doc[e - 1])):
        e -= 1
    return s, e


def _without_closing_prep(tok: Token, e: int, wanted: Callable[[Token], bool]) -> int:
    """End of the phrase headed by tok (ending at token e) without a `wanted` prepositional phrase that
    closes it and hangs on tok or on its appositive."""
    for t in tok.doc[tok.i + 1:e]:
        on_head = t.head.i == tok.i or (t.head.dep_ == "appos" and t.head.head.i == tok.i)
        if t.dep_ == "prep" and on_head and t.right_edge.i == e - 1 and wanted(t):
            return t.left_edge.i
    return e


def _edge_punct(t: Token) -> bool:
    return t.is_space or (t.is_punct and t.text not in ("%", ")") ) or t.text in ("--",)


def _governing(tok: Token) -> Token | None:
    """For an infinitive cue ("went on to say", "is expected to endorse"), the verb it completes."""
    if tok.dep_ == "xcomp" and any(c.dep_ == "aux" and c.lower_ == "to" for c in tok.children):
        if tok.head.pos_ in ("VERB", "AUX") and tok.head.i < tok.i:
            return tok.head
    return None


def impersonal(cue_lemma: str, subject: str) -> bool:
    """"It seems that ...", "it appears ...": nobody is speaking."""
    return subject.lower() == "it" and cue_lemma in ("seem", "appear")


def _joined_to_reported_clause(verb: Token) -> bool:
    """'The mayor said the bridge would reopen but would not comment': a verb without a subject of its own
    that the parser coordinated inside a reported clause, where it may be the reporter's."""
    return verb.dep_ == "conj" and verb.head.dep_ == "ccomp" and not any(c.dep_ in _SUBJ_DEPS for c in verb.children)


_MANY = frozenset("millions thousands hundreds dozens billions tens".split())
_REACH_VERBS = frozenset("view watch share see like retweet repost download stream play read hear".split())


def _reach(phrase: Token) -> bool:
    """'millions of times', '10,000 times'."""
    return any(t.lemma_.lower() == "time" for t in phrase.subtree) and any(t.like_num or t.lower_ in _MANY
                                                                            for t in phrase.subtree)


def counts_views(verb: Token) -> bool:
    """'viewed millions of times', 'shared 10,000 times': how far a post travelled, not what it said
    (the parser may also make the count the subject of the report that follows)."""
    return verb.lemma_.lower() in _REACH_VERBS and any(
        c.dep_ in ("dobj", "npadvmod") and _reach(c)
        or c.dep_ == "ccomp" and any(x.dep_ == "nsubj" and _reach(x) for x in c.children) for c in verb.children)


def _second_report(verb: Token) -> bool:
    """A speech verb without a subject, after "and" or "but", that the parser hung on another speech
    verb as a second complement ('said the fire was contained and warned that roads would stay shut')."""
    doc = verb.doc
    return verb.dep_ == "ccomp" and verb.i > 0 and doc[verb.i - 1].lower_ in ("and", "but") \
        and verb.lemma_.lower() in C.SPEECH_VERBS and verb.head.lemma_.lower() in C.SPEECH_VERBS \
        and verb.head.i < verb.i and not any(c.dep_ in _SUBJ_DEPS for c in verb.children)


def _subject_speaks(verb: Token) -> bool:
    """Whether the clause's own subject could be a speaker: not a passive topic ('the budget had been
    revised'), a thing described ('the report was a smear and denied that ...': the reporter denies)
    nor a thing that acts but does not talk ('the talks had failed and added that ...')."""
    subj = _subject(verb)
    if subj is None or subj.dep_ == "nsubjpass" or verb.lemma_ == "be":
        return False
    lemma = subj.lemma_.lower()
    return (subj.pos_ in ("PRON", "PROPN") or lemma in PERSON_NOUNS or lemma in ORG_NOUNS
            or subj.ent_type_ in ("PERSON", "ORG", "NORP", "GPE"))


def source_tokens(tok: Token, quoted: Callable[[int], bool] | None = None) -> tuple[int, int] | None:
    """The source phrase of the cue headed by tok, or None. `quoted(char)` tells whether a character
    lies inside a quotation: a cue outside one never takes its speaker from inside one."""
    if tok.lower_ == "according":
        for c in tok.children:
            if c.lower_ == "to":
                objs = [x for x in c.children if x.dep_ == "pobj"]
                if objs:
                    return _np_range(objs[0], trim_clauses=True)
        return None
    if tok.lower_ == "in" and tok.pos_ == "ADP":
        objs = [x for x in tok.children if x.dep_ == "pobj"]
        return _np_range(objs[0]) if objs else None
    if tok.dep_ in ("ccomp", "conj") and counts_views(tok.head) \
            and not any(c.dep_ in _SUBJ_DEPS and not _reach(c) for c in tok.children):
        # "A video viewed millions of times claimed that ...": the parser made the participle the main
        # verb; the source is the post with its reach
        subj = _subject(tok.head)
        if subj is not None and subj.i < tok.head.i:
            s, e = subj.left_edge.i, tok.i
            while e > s and _edge_punct(tok.doc[e - 1]):
                e -= 1
            return s, e
    subj = _subject(tok)
    headless = _verbless_sentence_subject(tok)
    if headless is not None:
        return headless
    if subj is not None:
        if impersonal(tok.lemma_.lower(), subj.text):
            return None
        if subj.dep_ == "nsubjpass" and tok.lemma_.lower() not in C.WEAK_VERBS:
            # "was asked", "is described": the subject is the topic, not the source; the agent, if
            # any, is ("has been criticized by opponents for ...").
            agent = _agent(tok)
            return _np_range(agent, stop_at=_complement_of_agent(agent)) if agent is not None else None
        # "X, who said ...": PolNeAR marks the relative pronoun; the resolver names X.
        return _np_range(subj, trim_clauses=subj.i > tok.i)
    opening = _subject_read_into_opening_phrase(tok)
    if opening is not None:
        return opening
    if tok.i > 0 and any(c.dep_ == "compound" and c.i == tok.i - 1 and c.pos_ == "NOUN" for c in tok.children) \
            and tok.left_edge.i < tok.i - 1:
        # "One recycled post claims that ...": the parser hung the subject's words on the verb
        return tok.left_edge.i, tok.i
    # "X was quoted as saying ...": the one quoted speaks.
    quoting = _quoting_verb(tok)
    quoted_one = next((c for c in quoting.children if c.dep_ == "nsubjpass"), None) if quoting is not None else None
    if quoted_one is not None:
        return _np_range(quoted_one)
    # "X, who said ..."
    if tok.dep_ == "relcl":
        return _np_range(tok.head, stop_at=tok)
    # "a statement saying ...", "50 percent saying ...": the noun the participle modifies; but "The
    # minister, asked about ..." is the one asked.
    if tok.dep_ == "acl" and tok.head.pos_ in ("NOUN", "PROPN", "NUM", "PRON") and not question_frame(tok):
        return _np_range(tok.head, stop_at=tok)
    # "Asked whether ..., X said": the passive participle's subject is the one asked, not the asker.
    if tok.tag_ == "VBN" and tok.dep_ == "advcl" or question_frame(tok):
        return None
    if tok.dep_ == "advcl":
        speaker = _misparsed_clause_subject(tok)
        if speaker is not None:
            return _np_range(speaker)
    speaker = _speaker_read_as_main_subject(tok)
    if speaker is not None:
        return _np_range(speaker, trim_clauses=True)
    if _second_report(tok):
        # "The chief said the fire was contained and warned that ...": the parser made the second
        # report another complement of the first; both are the chief's
        subj = _subject(tok.head)
        if subj is not None and subj.dep_ != "nsubjpass":
            return _np_range(subj, trim_clauses=subj.i > tok.head.i)
    # "X said ..., adding that ...": participles and conjuncts share the governing subject, also
    # through a preposition ("X began by thanking ... and urging ...").
    head = tok
    for _ in range(4):
        climbs = head.dep_ in _INHERIT_DEPS or (head.dep_ == "prep" and head.i != tok.i)
        if not climbs or head.head.i == head.i:
            break
        head = head.head
        # "The mayor said the budget had been revised but denied that ...": the parser joins the second
        # cue to the reported clause; its speaker is the first cue's.
        if head.i == tok.head.i and _joined_to_reported_clause(tok) and not _subject_speaks(head) \
                and head.head.lemma_.lower() in C.SPEECH_VERBS:
            head = head.head
        # "X wrote the agents knew ..., saying ...": a speech participle hung on the reported clause
        # belongs to the reporter, the parser's nearest verb notwithstanding.
        if tok.tag_ == "VBG" and tok.lemma_.lower() in C.SPEECH_VERBS and head.dep_ == "ccomp" \
                and head.head.lemma_.lower() in C.SPEECH_VERBS:
            head = head.head
        subj = _subject(head)
        if subj is not None and quoted is not None and quoted(subj.idx) and not quoted(tok.idx):
            # '..., telling the crowd, "Some people get angry."': the parser hangs the participle on
            # the quotation's verb; the speaker is the subject further up.
            continue
        if subj is not None and subj.dep_ != "nsubjpass":
            return _np_range(subj, trim_clauses=subj.i > head.i)
    return None


def _subject_read_into_opening_phrase(tok: Token) -> tuple[int, int] | None:
    """'In an interview with Times Radio, the head of the union, Samuel Achebe, said ...': the parser
    hangs the speaker on the opening phrase's last noun as appositives and leaves the verb without a
    subject. The speaker is those appositives, which run up to the verb ("In Dorn, Sofia Brandt, an
    analyst, said": or a conjunct the parser joined to the place)."""
    doc = tok.doc
    if any(c.dep_ in _SUBJ_DEPS for c in tok.children):
        return None
    for pp in tok.children:
        if pp.dep_ != "prep" or pp.i > tok.i:
            continue
        for node in pp.subtree:
            apps = [c for c in node.children if c.i > node.i and (
                c.dep_ == "appos" or c.dep_ == "conj" and c.pos_ == "PROPN" and c.ent_type_ in ("PERSON", "")
                and not any(x.dep_ == "cc" for x in node.children))]
            if apps and doc[apps[0].left_edge.i - 1].text == "," \
                    and all(t.is_punct for t in doc[apps[-1].right_edge.i + 1:tok.i]):
                start, end = apps[0].left_edge.i, apps[-1].right_edge.i + 1
                while end > start and doc[end - 1].is_punct:
                    end -= 1
                return start, end
    return None


_SUBORDINATORS = frozenset("after before when while since until once as because".split())


def _verbless_sentence_subject(tok: Token) -> tuple[int, int] | None:
    """'A statement issued by Brenmoor Water after the press conference said ...': with no verb left for
    the sentence, the parser makes the subject noun its root and reads "after ... said" as a clause of
    it. The speaker is that noun's phrase, up to the subordinator."""
    head = tok.head
    if tok.dep_ != "advcl" or head.dep_ != "ROOT" or head.pos_ not in ("NOUN", "PROPN") or head.i > tok.i:
        return None
    mark = next((c for c in tok.children if c.dep_ == "mark" and c.lower_ in _SUBORDINATORS and c.i < tok.i), None)
    if mark is None or mark.i <= head.i:
        return None
    s, _ = _np_range(head)
    return s, mark.i


def _misparsed_clause_subject(tok: Token) -> Token | None:
    """'..., as Lena Holt, the mayor's sister, attacked Voss': the parser reads the conjunction as a
    preposition and the subject as its object; the speaker is that object, right before the verb."""
    for c in itertools.chain(tok.head.children, tok.children):
        if c.dep_ in ("prep", "mark") and c.lower_ in ("as", "while", "after", "before", "when") and c.i < tok.i:
            objs = [x for x in c.children if x.dep_ == "pobj"]
            if objs and all(t.is_punct for t in tok.doc[objs[0].right_edge.i + 1:tok.i]) \
                    and not any(x.dep_ in _SUBJ_DEPS for x in tok.children):
                return objs[0]
    return None


def _speaker_read_as_main_subject(tok: Token) -> Token | None:
    """'<A>, said Lena Voss, an auditor, would show a loss': the parser makes the speaker after the
    aside's verb the main clause's subject; the speaker is the phrase right after the verb, between
    the aside's commas."""
    doc = tok.doc
    if tok.dep_ not in ("parataxis", "ccomp") or tok.i == 0 or doc[tok.i - 1].text not in _ASIDE_COMMAS \
            or any(c.dep_ in _SUBJ_DEPS for c in tok.children):
        return None
    for c in tok.head.children:
        if c.dep_ != "nsubj" or c.left_edge.i != tok.i + 1 or not tok.i < c.right_edge.i < tok.head.i:
            continue
        # The parser may hang the closing comma on the phrase itself.
        closing = c.right_edge.i if doc[c.right_edge.i].text in _ASIDE_COMMAS else c.right_edge.i + 1
        if doc[closing].text in _ASIDE_COMMAS:
            return c
    return None


_MEDIUM_NOUNS = frozenset("statement interview email e-mail letter tweet post text message call release".split())
_SETTING_NOUNS = frozenset("conference rally interview event debate speech meeting hearing briefing "
                           "appearance forum town hall show program".split())


def _when_or_where(c: Token) -> bool:
    """A time or setting adjunct of the cue verb ("on Sunday", "at a news conference"): it says
    when the source spoke, not what they said."""
    if c.dep_ in ("npadvmod", "advmod") and c.ent_type_ in ("DATE", "TIME"):
        return True
    if c.dep_ == "prep":
        objs = [x for x in c.children if x.dep_ == "pobj"]
        return bool(objs) and c.lower_ != "since" and (objs[0].ent_type_ in ("DATE", "TIME")
                                                       or objs[0].lemma_.lower() in _SETTING_NOUNS)
    return False


def _subtree_minus(doc: Doc, outer: Token, inner_ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Token ranges of outer's subtree with the given token ranges removed (a piece that is only
    a conjunction or punctuation, like the "And" of "And as X pointed out, ...", is dropped)."""
    s, e = outer.left_edge.i, outer.right_edge.i + 1
    cuts = sorted(r for r in inner_ranges if r[0] < e and r[1] > s)
    out = []
    cur = s
    for cs, ce in cuts:
        if cs > cur:
            out.append((cur, cs))
        cur = max(cur, ce)
    if cur < e:
        out.append((cur, e))
    return [(a, b) for a, b in out if any(t.dep_ not in ("cc", "punct") and not t.is_space for t in doc[a:b])]


_ASIDE_COMMAS = frozenset({",", "--", "—", "–"})
_CLAUSE_OPENERS = frozenset("which who whom whose while as before after when although though because since "
                            "whereas unless until".split())


def _parenthetical_content(tok: Token, cue: tuple[int, int], source: tuple[int, int] | None) -> list[tuple[int, int]]:
    """'<A>, X said, <B>': a source and cue set off by commas inside the sentence report the
    whole sentence, both sides of the aside ("Part of the problem, say experts, is the ground").
    Read from the commas, not the tree: the parser hangs a fronted phrase ("At times last year,
    officials said, ...") on the aside's verb, and a trailing "that ..." on it too."""
    if tok.dep_ not in ("ROOT", "parataxis", "ccomp") or source is None:
        return []
    doc = tok.doc
    sent = tok.sent
    start, end = min(cue[0], source[0]), max(cue[1], source[1])
    # The aside may carry its setting ("officials said on Monday,").
    while end < sent.end and doc[end].head.i == tok.i and (
            _when_or_where(doc[end]) or (doc[end].dep_ in ("dobj", "dative") and _addressee(doc[end]))):
        end = doc[end].right_edge.i + 1
    if start - 1 <= sent.start or end >= sent.end - 1:
        return []
    if doc[start - 1].text not in _ASIDE_COMMAS or doc[end].text not in _ASIDE_COMMAS:
        return []
    pieces = [(sent.start, start - 1), (end + 1, sent.end)]
    if any(t.is_quote or t.text in ("''", "``") for t in doc[pieces[0][0]:pieces[0][1]]):
        return []  # quotation pieces around a cue are linked by the quotation code
    if any(t.is_quote or t.text in ("''", "``") for t in doc[pieces[1][0]:pieces[1][1]]) \
            and not _subject_phrase(doc[pieces[0][0]:pieces[0][1]]):
        # 'In a statement, X said, "..."' / 'When asked, he said, "..."': a fronted setting before a
        # quotation is not said; 'No new name, he said, "hides ..."' starts the quoted clause.
        return []
    if not all(any(not (t.is_punct or t.is_space) for t in doc[s:e]) for s, e in pieces):
        return []
    # "The bridge is safe, the mayor said, adding that ..." / "..., but critics disagree" / "..., which":
    # what follows the cue starts a clause of its own, so the cue is not an aside inside one clause.
    after, rest = doc[end + 1], doc[end + 1:sent.end]
    own_subject = any(t.dep_ in ("nsubj", "nsubjpass") and rest.start <= t.head.i < rest.end for t in rest)
    if (after.pos_ == "CCONJ" and own_subject) or after.tag_ == "VBG" or after.lower_ in _CLAUSE_OPENERS:
        return []  # but "not only A, he said, but also B" goes on with one clause
    # "Revenue fell 6 percent, the company said, slightly below what analysts expected": after a whole
    # clause, a phrase opening with an adverb or preposition is the writer's comment.
    first = doc[pieces[0][0]:pieces[0][1]]
    whole_clause = any(t.dep_ in _SUBJ_DEPS and t.head.pos_ in ("VERB", "AUX") and first.start <= t.head.i < first.end
                       and t.head.tag_ in ("VBD", "VBZ", "VBP", "MD") for t in first)
    if whole_clause and after.pos_ in ("ADV", "ADP"):
        return []
    return pieces


def _subject_phrase(span: Span) -> bool:
    """Whether a sentence's opening words are a clause or its subject, not a setting ("In a statement",
    "When asked", "Speaking to reporters", "Now")."""
    top = [t for t in span if (t.head.i == t.i or not span.start <= t.head.i < span.end) and not t.is_punct]
    return bool(top) and not any(t.dep_ in ("prep", "advcl", "advmod", "npadvmod", "mark", "intj", "cc", "agent")
                                 or t.tag_ == "VBG" for t in top)


_FIGURE_NOUNS = frozenset("number toll figure count cost total estimate tally death".split())


def puts_a_figure(tok: Token) -> bool:
    """'The ministry put the number of dead at 40': a source stating a figure, the figure being the
    object and its "at" phrase (conflicting tolls are what an editor checks first)."""
    return tok.lemma_.lower() in ("put", "place") and tok.pos_ == "VERB" \
        and any(c.dep_ == "dobj" and c.lemma_.lower() in _FIGURE_NOUNS for c in tok.children) \
        and any(c.dep_ == "prep" and c.lower_ == "at" for c in tok.children)


def puts_it(tok: Token) -> bool:
    """'As the economist Lena Ohr put it, "prices never fall"', 'She put it bluntly: "..."': a source's
    wording, "put it" the cue (PolNeAR's, too)."""
    doc = tok.doc
    if tok.lemma_.lower() != "put" or tok.pos_ != "VERB" or tok.i + 1 >= len(doc) \
            or doc[tok.i + 1].lower_ != "it" or doc[tok.i + 1].dep_ != "dobj":
        return False
    after = next((t for t in doc[tok.i + 2:tok.i + 4] if t.pos_ != "ADV"), None)
    return any(c.dep_ == "mark" and c.lower_ == "as" for c in tok.children) or (
        after is not None and (after.text == ":" or after.is_quote))


def content_fragments(tok: Token, cue: tuple[int, int], source: tuple[int, int] | None) -> list[tuple[int, int]]:
    """Content as token ranges for a cue headed by tok (before quotation linking)."""
    doc = tok.doc
    if tok.dep_ == "csubj" and tok.head.lemma_ == "be" and any(c.lower_ == "what" and c.i < tok.i for c in tok.children):
        # "What I can say is that the board was not asked": the clause after "is" is what was said
        said = [c for c in tok.head.children if c.dep_ in ("ccomp", "attr") and c.i > tok.head.i]
        if said:
            return [(said[0].left_edge.i, said[0].right_edge.i + 1)]
    if puts_a_figure(tok):
        at = next(c for c in tok.children if c.dep_ == "prep" and c.lower_ == "at")
        figure = next(c for c in tok.children if c.dep_ == "dobj")
        return [(figure.left_edge.i, at.right_edge.i + 1)]
    if tok.lower_ in ("according", "in") and tok.pos_ in ("VERB", "ADP"):
        # "According to X, <clause>" / "<clause>, according to X" / "In a poll, <clause>":
        # the clause the phrase attaches to.
        clause = tok.head
        while clause.dep_ in ("prep",) and clause.head.i != clause.i:
            clause = clause.head
        if clause.i == tok.i:
            return []
        return _subtree_minus(doc, clause, [(tok.left_edge.i, tok.right_edge.i + 1)])
    aside = _parenthetical_content(tok, cue, source)
    if aside:
        return aside
    lemma = tok.lemma_.lower()
    comps = [c for c in tok.children if c.dep_ in _CONTENT_DEPS and c.i >= cue[1]]
    # "called for X", "referring to X": the object of the preposition the cue took in.
    for c in tok.children:
        if c.dep_ == "prep" and cue[0] <= c.i < cue[1]:
            comps.extend(x for x in c.children if x.i >= cue[1])
            # "said in a statement that ...": the clause hangs off the medium noun.
            for obj in c.children:
                comps.extend(x for x in obj.children if x.i >= cue[1] and x.dep_ in ("acl", "ccomp"))
    if not any(c.dep_ == "ccomp" for c in comps):
        # "told investors on a call that ...", "testified at a hearing that ...": the parser hangs the
        # reported clause on the setting's noun.
        addressed_only = lemma in C.ADDRESSEE_VERBS and bool(comps) \
            and all(c.dep_ in ("dobj", "dative") and _addressee(c) for c in comps)
        framed = _clause_under_setting(tok, cue, addressed_only)
        if framed is not None:
            return [(framed.left_edge.i, framed.right_edge.i + 1)]
    if lemma in C.ADDRESSEE_VERBS and any(c.dep_ in ("ccomp", "xcomp") for c in comps):
        # The one addressed is not what is said, except who is asked to act ("asked them to leave":
        # PolNeAR train keeps the object 27 times, leaves it 13); who is asked a question is left
        # out ("asked him what he does": out 20 times).
        if lemma != "ask" or any(c.dep_ == "ccomp" for c in comps):
            comps = [c for c in comps if c.dep_ not in ("dobj", "dative")]
    # "asked Trump about his remarks", "warned us about ...", "reminded the crowd of the stakes": the one
    # addressed is not what is said; the prepositional phrase is.
    if lemma in C.ADDRESSEE_VERBS and comps and all(c.dep_ in ("dobj", "dative") and _addressee(c) for c in comps):
        topic = [c for c in tok.children if c.dep_ == "prep" and c.i > max(x.i for x in comps)
                 and c.lower_ in ("about", "of", "for", "on", "over")]
        if topic:
            return [(topic[0].i, topic[0].right_edge.i + 1)]
    if lemma not in C.OBJECT_CONTENT_VERBS and lemma not in C.ADDRESSEE_VERBS:
        clausal = [c for c in comps if c.dep_ in ("ccomp", "xcomp")]
        if clausal:
            comps = clausal
    if comps:
        s = min(c.left_edge.i for c in comps)
        e = max(c.right_edge.i for c in comps) + 1
        # "accused X of ...": keep the prepositional complement that follows the object
        for c in tok.children:
            if c.dep_ == "prep" and c.i == e and lemma in C.OBJECT_CONTENT_VERBS and c.lower_ in ("of", "for", "to", "as"):
                e = c.right_edge.i + 1
        # Clausal content runs to the end of the cue verb's phrase: the parse often hangs the
        # clause's own tail ("..., but they are unfamiliar with ...", "at a time when ...") on the
        # verb. Coordinated predicates and the verb's own subject stay out.
        if any(c.dep_ in _EXTEND_DEPS for c in comps):
            for c in tok.children:
                if c.i >= e and c.dep_ not in ("conj", "cc", "punct", "parataxis", "nsubj", "nsubjpass", "dep") \
                        and not _when_or_where(c):
                    e = max(e, c.right_edge.i + 1)
        # "saying growth was slowing but that risks remained": a second that-clause, which the parser
        # may hang on the main verb, goes on with the first.
        while e + 1 < len(doc) and doc[e].dep_ == "cc" and doc[e].lower_ in ("and", "but") \
                and doc[e + 1].lower_ == "that" and doc[e + 1].dep_ == "mark" and doc[e + 1].head.dep_ == "conj" \
                and doc[e + 1].head.i > e:
            e = doc[e + 1].head.right_edge.i + 1
        # "rules that courts said discriminated", "daughters, who he said were living abroad": the
        # relative pronoun belongs to the reported clause, a piece of its own before the source.
        # The parser often hangs the pronoun on the cue as a second subject.
        relative = [t for t in itertools.chain(tok.children, *(c.subtree for c in comps))
                    if t.i < cue[0] and t.tag_ in ("WDT", "WP") and t.dep_ in ("nsubj", "nsubjpass", "dobj")
                    # "the third week that the poll has shown Trump ahead": not an argument after all
                    and not (t.dep_ == "dobj" and sum(c.dep_ == "dobj" for c in t.head.children) > 1)]
        pronoun = relative[:1] if tok.dep_ == "relcl" and source is not None and relative \
            and relative[0].i < source[0] else []
        s = max(s, cue[1])
        if source is not None and s <= source[0] < e:
            e = source[0]
        return [(t.i, t.i + 1) for t in pronoun] + [(s, e)]
    # "Holt has been criticized by opponents for her plan": the one criticized, and what for.
    passive = next((c for c in tok.children if c.dep_ == "nsubjpass"), None)
    agent = _agent(tok) if passive is not None else None
    if agent is not None:
        why = _complement_of_agent(agent) or next(
            (c for c in tok.children if c.dep_ == "prep" and c.lower_ in ("for", "as", "of") and c.i > agent.i), None)
        pieces = [(passive.left_edge.i, passive.right_edge.i + 1)]
        return pieces + ([(why.i, why.right_edge.i + 1)] if why is not None else [])
    # "as councillors called for her to step aside": the parser may read "for" as the mark of an
    # infinitive clause of the cue's own; that clause after "for" is what is called for.
    for c in tok.children:
        mark = next((m for m in c.children if m.dep_ == "mark" and m.lower_ == "for"), None)
        if c.dep_ == "advcl" and mark is not None and mark.i == cue[1] - (doc[cue[1] - 1].lower_ == "for") \
                and (lemma, "for") in _CUE_PREPS:
            return [(mark.i + 1, c.right_edge.i + 1)]
    # "said yes", "said so": a one-word answer is the content.
    short = [c for c in tok.children if c.i >= cue[1] and c.lower_ in ("yes", "no", "so")]
    if short:
        return [(short[0].i, short[0].i + 1)]
    # "responded to the charge", "agreed with Sanders": the prepositional object; never a date
    # ("said on Thursday"), and never when the reported clause came first ("<clause>, X said on ...").
    preps = [c for c in tok.children if c.dep_ == "prep" and c.i >= cue[1]
             and c.lower_ in ("to", "with", "on", "about", "against", "for", "over")
             and any(x.dep_ in ("pobj", "pcomp") and x.ent_type_ not in ("DATE", "TIME") for x in c.children)]
    left_clause = any(c.dep_ in ("ccomp", "parataxis") and c.i < tok.i for c in tok.children)
    if preps and lemma in C.OBJECT_CUES and not left_clause:
        objs = [x for x in preps[0].children if x.dep_ in ("pobj", "pcomp")]
        return [(objs[0].left_edge.i, objs[-1].right_edge.i + 1)]
    # "the plan (that) critics opposed", "which he said": the relative pronoun, else the noun.
    if tok.dep_ == "relcl" or any(c.dep_ == "dobj" and c.tag_ in ("WDT", "WP") and c.i < tok.i for c in tok.children):
        rel = [c for c in tok.children if c.i < tok.i and c.tag_ in ("WDT", "WP") and c.dep_ in ("dobj", "nsubj", "nsubjpass")]
        if rel:
            # "what X called 'the worst'", "who the council described as a lightweight": the pronoun
            # and what it is called, two pieces around the cue.
            said = [c for c in tok.children if c.i >= cue[1] and (c.dep_ in ("oprd", "xcomp", "acomp", "attr")
                                                                  or (c.dep_ == "prep" and c.lower_ == "as"))]
            return [(rel[0].i, rel[0].i + 1)] + [(c.left_edge.i, c.right_edge.i + 1) for c in said[:1]]
        if tok.dep_ == "relcl" and tok.head.i < tok.i and not any(c.dep_ in _SUBJ_DEPS and c.i > tok.i for c in tok.children):
            head = tok.head
            return [(head.left_edge.i, head.i + 1)]
    left = [c for c in tok.children if c.dep_ in ("ccomp", "parataxis") and c.i < tok.i]
    if left:
        c = left[-1]
        return [(c.left_edge.i, c.right_edge.i + 1)]
    if _speaker_after_clause(tok):
        # "<clause>, the prosecutor alleged on Monday.": the clause before the speaker's comma.
        return [(tok.sent.start, tok.head.left_edge.i - 1)]
    # "<clause>, X said, <clause>": the cue clause is a parenthetical inside the content.
    if tok.dep_ in ("parataxis", "ccomp", "advcl") and tok.head.i != tok.i:
        parent = tok.head
        # "X met Y, as the Times reported, and he will ...": the clause coordinated after the aside
        # is the writer's own (or another source's), not what the Times reported.
        later = [(c.left_edge.i, c.right_edge.i + 1) for c in parent.children if c.dep_ == "conj" and c.i > tok.i]
        return _subtree_minus(doc, parent, [(tok.left_edge.i, tok.right_edge.i + 1)] + later)
    return []


def _clause_under_setting(tok: Token, cue: tuple[int, int], addressed_only: bool = False) -> Token | None:
    """A that-clause with its own subject hanging on the object of a preposition after the cue.

    With `addressed_only` (the cue took only who it addresses: "told reporters in a speech that taxes
    would rise"), a "that" the parser read as the relative clause's object also opens the reported
    clause, when the preposition's object is a setting or medium ("speech", "statement")."""
    for prep in tok.children:
        if prep.dep_ != "prep" or prep.i < cue[1]:
            continue
        for obj in prep.children:
            setting = obj.lemma_.lower() in _SETTING_NOUNS or obj.lemma_.lower() in _MEDIUM_NOUNS
            for clause in obj.children:
                opener = [m for m in clause.children if m.lower_ == "that" and m.i == clause.left_edge.i]
                if clause.dep_ in ("relcl", "acl", "ccomp") and opener \
                        and (opener[0].dep_ == "mark" or (addressed_only and setting and opener[0].dep_ == "dobj")) \
                        and any(c.dep_ in _SUBJ_DEPS for c in clause.children):
                    return clause
    return None


_AUDIENCE_NOUNS = frozenset("crowd audience reporters journalists people voters supporters followers parents "
                            "residents members listeners viewers readers students workers".split())


def _addressee(tok: Token) -> bool:
    """Whether an object names who is spoken to (a person, group or body), not what is said."""
    lemma = tok.lemma_.lower()
    return tok.pos_ in ("PRON", "PROPN") or tok.ent_type_ in ("PERSON", "ORG", "NORP", "GPE") \
        or lemma in PERSON_NOUNS or lemma in ORG_NOUNS or tok.lower_ in _AUDIENCE_NOUNS


def cut_nested(doc: Doc, frag: tuple[int, int], tok: Token, head_ids: Collection[int]) -> tuple[int, int]:
    """End the content before a coordinated or adverbial cue of the same source ("says he respects
    X and calls her ...", "insisted ... while adding ..."): that is a separate attribution."""
    s, e = frag
    for i in range(s, e):
        t = doc[i]
        if i in head_ids and i != tok.i and (t.dep_ in ("conj", "advcl") or _second_report(t)) and t.head.i != i:
            cut = t.left_edge.i
            while cut > s and (doc[cut - 1].dep_ in ("cc", "punct") or doc[cut - 1].lower_ in ("while", "before")):
                cut -= 1
            if cut > s:
                return s, cut
    return s, e


def cut_trailing(doc: Doc, frag: tuple[int, int]) -> tuple[int, int]:
    """Leave out a comma-separated trailing participle or non-restrictive relative clause
    ("..., putting them at odds with ...", "..., which will be wrapped in ..."): PolNeAR ends the
    content before such commentary."""
    s, e = frag
    for i in range(s + 2, e - 1):
        t = doc[i]
        if doc[i - 1].text != ",":
            continue
        # "..., a claim the army rejected": the writer naming what was said, not more of it.
        restated = t.dep_ == "det" and t.head.dep_ in ("appos", "npadvmod", "dobj") \
            and t.head.lemma_.lower() in C.NOMINAL_CUES
        if (t.tag_ == "VBG" and t.dep_ in ("advcl", "xcomp", "acl") and not s <= t.head.i < i) or \
                (t.lower_ in ("which", "who") and t.head.dep_ == "relcl") or restated:
            clause = t if t.tag_ == "VBG" else t.head
            if clause.right_edge.i + 1 >= e - 1:
                return s, i - 1
    return s, e


def clause_content(doc: Doc, text: str, tok: Token, cue: tuple[int, int], source: tuple[int, int] | None,
                   head_ids: Collection[int] = ()) -> list[tuple[int, int]]:
    """The content the parse gives the cue headed by tok, as character ranges before quotation linking:
    its fragments, each ended before a nested cue among `head_ids` and before trailing commentary, and
    kept within the cue's paragraph."""
    # Commentary trails a content after its cue; before the cue ("<clause>, which ..., the authors said")
    # the whole sentence up to the cue is what was said.
    frags = [cut_nested(doc, f, tok, head_ids) for f in content_fragments(tok, cue, source)]
    frags = [f if f[1] <= cue[0] else cut_trailing(doc, f) for f in frags]
    clipped = (clip_paragraph(text, *tokens_chars(doc, s, e), anchor=tok.idx) for s, e in frags if e > s)
    return [c for c in clipped if c[1] > c[0]]


def clip_paragraph(text: str, s: int, e: int, anchor: int) -> tuple[int, int]:
    """Keep non-quoted content within the cue's paragraph (parses sometimes run across them)."""
    # A fragment wholly in another paragraph is a parse error, not content.
    if "\n" in text[e:anchor] or "\n" in text[anchor:s]:
        return s, s
    if anchor >= e:
        nl = text.rfind("\n", s, e)
        return (nl + 1 if nl >= 0 else s), e
    nl = text.find("\n", max(s, anchor), e)
    if nl >= 0:
        e = nl
    nl = text.rfind("\n", s, min(anchor, e))
    if nl >= 0:
        s = nl + 1
    return s, e


# ------------------------------------------------------------------ quotation linking

def link_quotes(doc: Doc, cand: Candidate, quotes: QuoteIndex, claimed: set[int], cue_after=None,
                text: str | None = None) -> None:
    """Replace content by the quotation(s) the cue introduces or closes, when there are any.

    `cue_after(char)` tells whether another cue follows a quotation ending at char (then that
    quotation is that cue's, not a continuation of this one)."""
    text = doc.text if text is None else text  # Doc.text re-joins every token: pass it when you have it
    cs, ce = tokens_chars(doc, *cand.cue)
    qs = quotes.quotes
    chosen: list[int] = []
    src_chars = tokens_chars(doc, *cand.source) if cand.source else (cs, ce)
    clause_s, clause_e = min(cs, src_chars[0]), max(ce, src_chars[1])
    head = doc[cand.head] if cand.head >= 0 else None
    if head is not None and head.lemma_.lower() in C.ADDRESSEE_VERBS:
        # 'told CNN in an interview: "..."': the addressee and adjuncts belong to the cue clause.
        for c in head.children:
            if c.i > head.i and c.dep_ not in ("ccomp", "xcomp", "punct", "conj", "cc"):
                clause_e = max(clause_e, tokens_chars(doc, c.right_edge.i, c.right_edge.i + 1)[1])
    # 'X said: "..."' / 'X said, "..."': a quotation right after the cue clause wins.
    j = bisect.bisect_left(quotes.starts, clause_e)
    if j < len(qs) and j not in claimed:
        gap = text[clause_e:qs[j][0]]
        if gap_ok(text, clause_e, qs[j][0], " ,:\n\t—–-") and (gap.strip() or ends_sentence(text, qs[j][1])) \
                and closes_clause(text, qs[j][1]):
            chosen.append(j)
    if not chosen:
        # Quotes in which the content the parse found starts: the whole quotation is the content.
        for fs, fe in cand.content:
            qi = quotes.at(fs)
            if qi >= 0 and qi not in chosen:
                chosen.append(qi)
    # '"...," X said': a quotation ending right before the cue clause, unless the cue has a
    # clause of its own after it ('on "This Week," Carson admitted that ...').
    own_right = cand.clausal and any(fs >= ce and quotes.at(fs) < 0 for fs, _ in cand.content)
    mixed_start: int | None = None
    i = bisect.bisect_right(quotes.starts, clause_s) - 1
    if i >= 0 and not own_right and qs[i][1] <= clause_s and gap_ok(text, qs[i][1], clause_s, " ,\n\t—–-") \
            and i not in chosen and "\n" not in text[qs[i][1]:clause_s]:
        # 'The people here "deserve someone ...," said X': the parsed clause starts before the
        # quotation in the same paragraph, so the content is mixed: clause start to quote end.
        # A quotation set off by a dash ('Neither man was impressed - "Born rich," Mr. Elkins said -')
        # is an aside: the words before it are the writer's.
        lead = [f for f in cand.content if f[0] < qs[i][0] <= f[1] + 1 and f[1] <= clause_s
                and quotes.at(f[0]) < 0 and "\n" not in text[f[0]:qs[i][0]]
                and not text[f[0]:qs[i][0]].rstrip().endswith(("-", "—", "–"))]
        if lead and i not in claimed and not chosen:
            mixed_start = lead[0][0]
        chosen.append(i)
    chosen = [q for q in chosen if q not in claimed]
    # 'No new name, he said, "hides what it is."': the unquoted start of the sentence, before the
    # aside, is the first piece of a quotation that follows the cue clause.
    aside = [f for f in cand.content if f[1] <= clause_s and quotes.at(f[0]) < 0
             and gap_ok(text, f[1], clause_s, " ,—–-") and "\n" not in text[f[0]:clause_s]
             and _subject_phrase(doc.char_span(f[0], f[1], alignment_mode="expand"))]
    if not chosen:
        # 'said the scandal was "the worst I have seen."': a quotation inside the parsed clause is
        # part of this mixed content, not a quotation waiting for the next cue ('He urged ...').
        for fs, fe in cand.content:
            q = bisect.bisect_left(quotes.starts, fs)
            while q < len(qs) and qs[q][0] <= fe:
                if qs[q][1] <= fe + 2:
                    claimed.add(q)
                q += 1
        return
    chosen.sort()
    # The quotation goes on after the cue clause ('"A," X said. "B" "C"', '"A," X said, as he
    # left. "B"'): following quotes of the same paragraph, unless one has a cue of its own.
    last = chosen[-1]
    cursor = max(clause_e, qs[last][1])
    k = last + 1
    while k < len(qs) and k not in claimed:
        nq = qs[k]
        gap = text[cursor:nq[0]]
        if "\n" in gap and quote_paragraph_follows(text, cursor, nq):
            if cue_after is not None and (cue_after(nq[1]) or cue_after(cursor, nq[0])):
                break
            chosen.append(k)
            k += 1
            cursor = nq[1]
            continue
        if nq[0] < cursor or "\n" in gap or len(gap) > 250:
            break
        runs_in = gap.strip(" .,;\t") and not gap.rstrip().endswith((".", ",", ";"))
        if (nq[1] - nq[0] < 30 and not gap.rstrip().endswith((".", ":"))) \
                or (runs_in and not gap.rstrip().endswith(":") and not re.search(r"[.!?]", text[cursor - 3:nq[0]])):
            # A title or scare quote inside the cue sentence ('said on CNN's "State of the Union."'):
            # skip it, and look for the speaker's next quotation after it.
            k += 1
            cursor = nq[1]
            continue
        if runs_in:
            break  # words running into the quote after the sentence ended, or a colon: someone else's
        if cue_after is not None and (cue_after(nq[1]) or cue_after(cursor, nq[0])):
            break
        chosen.append(k)
        k += 1
        cursor = nq[1]
    for q in chosen:
        claimed.add(q)
    cand.content = [_cut_before_clause(text, qs[q], clause_s) if q in quotes.unclosed else qs[q] for q in chosen]
    cand.quoted = mixed_start is None
    if mixed_start is not None:
        cand.content[0] = (mixed_start, cand.content[0][1])
    elif aside and cand.content[0][0] >= clause_e:
        cand.content.insert(0, aside[0])
        cand.quoted = False


def _cut_before_clause(text: str, quote: tuple[int, int], clause_s: int) -> tuple[int, int]:
    """An unclosed quotation that runs over its own cue ('"There was no warning, said Kessel, who ...')
    ends before the cue clause."""
    s, e = quote
    if not s < clause_s < e:
        return quote
    end = clause_s
    while end > s + 1 and text[end - 1] in " ,;:—–-\t":
        end -= 1
    return s, end


# ------------------------------------------------------------------ polarity, form, no comment

# Words that call what they answer untrue: as its complement ("That claim is false", "This is a lie
# invented in ...") or as what a naming cue calls it ("branded the report 'false'", "described the
# claims as baseless", "called the account 'pure fiction'").
_FALSITY = re.compile(r"\b(?:" + "|".join(C.FALSITY_ADJECTIVES) + r"|lies?|fabrications?|fiction|invention|rubbish)\b",
                      re.I)
_ASSERTING_CUES = frozenset("say tell claim state suggest allege report mention acknowledge confirm admit concede "
                            "accept verify recognize recognise".split())
_NAMING_CUES = frozenset("call brand describe label term characterize characterise".split())
# Cue phrases that deny whatever their lemma is ("pushed back against claims", "poured cold water on").
_DENYING_CUE_TEXT = re.compile(r"\blying\b|\bpush(?:ed|es|ing)? back\b|\bpour(?:ed|s|ing)? cold water\b", re.I)
_FLAT_NO = re.compile(r"\W*(?:no|nope|absolutely not|certainly not|of course not|not at all|not true|never)\W*", re.I)
_NEGATIVE_WORDS = frozenset("no nobody nothing none neither nowhere never no-one noone".split())


def polarity_of(doc: Doc, cue: Cue, content: list[Span]) -> str:
    """`deny` for denial cues and for contents whose main clause negates what it reports, else `affirm`.

    Only the main clause of the content's first sentence counts: a negation in a side clause ("it is
    over, they just didn't want a fuss"), after "but", inside a report within the report ("her teachers
    had told her women 'did not build things'") or in a quotation's later sentences is not a denial."""
    cue_lemma = cue.lemma or ""
    if cue_lemma in C.DENIAL_VERBS or _DENYING_CUE_TEXT.search(cue.text):
        # "did not deny that he had met the lobbyist", "has not disputed the report": no denial
        return "affirm" if C.cue_negated(cue.text) else "deny"
    if cue_lemma in _ASSERTING_CUES and C.cue_negated(cue.text):
        # "Ostland has not acknowledged any civilian deaths"; "The mayor never said the library would close":
        # what follows was not asserted, and a desk must not read it as the mayor's ("would not rule out",
        # "are not mincing words", "do not know how many" are other things)
        return "deny"
    if not content:
        return "affirm"
    if cue_lemma in _NAMING_CUES and _FALSITY.search(" ".join(p.text for p in content)):
        return "deny"
    span = doc.char_span(content[0].start, content[-1].end, alignment_mode="expand")
    if span is None or not len(span):
        return "affirm"
    # "Hume, she said, had not replied": the pieces read as one clause, the cue between them left out.
    first = span[0].sent
    tokens = [t for t in span if t.i < first.end and any(p.start <= t.idx < p.end for p in content)
              and not cue.start <= t.idx < cue.end]
    if tokens and _FLAT_NO.fullmatch(doc[tokens[0].i:tokens[-1].i + 1].text):
        return "deny"  # an answer that opens "No." or "Absolutely not."
    inside = {t.i for t in tokens}
    roots = [t for t in tokens if t.head.i not in inside or t.head.i == t.i]
    return "deny" if any(_negates(_opening_clause(r)) for r in roots if not r.is_punct) else "affirm"


_HEDGES = frozenset("think believe feel suppose guess".split())


def _opening_clause(root: Token) -> Token:
    """'"The deal was done in March, they just did not want a fuss"': the parser makes the later clause
    the root and the first its complement; the statement is the clause that opens it."""
    while True:
        earlier = [c for c in root.children if c.dep_ == "ccomp" and c.i < root.i]
        if not earlier and root.lemma_ in _HEDGES and not any(c.dep_ == "neg" for c in root.children) \
                and any(c.dep_ == "nsubj" and c.lower_ in ("i", "we") for c in root.children):
            # "I think the plan is not working": the hedge frames the statement, which is the clause after it
            earlier = [c for c in root.children if c.dep_ == "ccomp"]
        if not earlier:
            return root
        root = earlier[0]


def _plainly_wrong(word: Token) -> bool:
    """'That's simply wrong' calls what it answers untrue; 'it was wrong to cut the budget' and 'wrong
    about the cost' judge something else."""
    return word.lower_ == "wrong" and not any(c.dep_ in ("xcomp", "ccomp", "prep") for c in word.children) \
        and word.head.i < word.i and not any(c.dep_ == "expl" or c.lower_ == "it" and c.dep_ == "nsubj"
                                              for c in word.head.children)


# "be": "it was not clear who fired", "we are not sure whether it held"
_KNOWING = frozenset("determine say tell know establish verify confirm ascertain identify be".split())


def _left_open(root: Token) -> bool:
    """'could not determine who fired', 'did not know whether the bridge held': a question left open."""
    return root.lemma_.lower() in _KNOWING and any(
        c.dep_ in ("ccomp", "xcomp") and (c.left_edge.tag_ in ("WDT", "WP", "WRB") or c.left_edge.lower_ in ("whether", "if"))
        for c in root.children)


def _imperative(root: Token) -> bool:
    """'Do not go outside', 'Never leave a fire unattended': a bare verb with no subject opens the clause."""
    if root.tag_ != "VB" or any(c.dep_ in ("nsubj", "nsubjpass", "expl") for c in root.children):
        return False
    first = min(root.subtree, key=lambda t: t.i)
    while first.is_punct and first.i < root.i:
        first = first.doc[first.i + 1]
    return first.lower_ in ("do", "never", "don't") or first.i == root.i


def _negates(root: Token) -> bool:
    """Whether a clause's main word is negated: "were not involved", "found no evidence that", "there had
    been no attack", "nobody was hurt", "That claim is false", "was lying", "his client denies the charges"."""
    negations = [c for c in root.children if (c.dep_ == "neg" or (c.dep_ == "advmod" and c.lower_ == "never"))
                 and not (c.i > root.i and c.i > 0 and c.doc[c.i - 1].text == ",")]  # "time, not ideas"
    if root.lemma_.lower() in C.DENIAL_VERBS and not any(c.dep_ == "aux" and c.tag_ == "TO" for c in root.children):
        # "his client denies the charges", but not what someone "refused to repudiate", and "I have never
        # disputed the figures" denies nothing
        return not negations
    if root.lower_ == "lying" and any(c.dep_ == "aux" for c in root.children):
        return True
    if negations and _imperative(root):
        return False  # "Do not go outside": an instruction, not a proposition denied
    if negations and _left_open(root):
        return False  # "they could not determine who fired": uncertainty admitted, nothing denied
    for c in root.children:
        if c in negations:
            return True
        if c.dep_ in ("nsubj", "nsubjpass", "dobj", "attr", "npadvmod") and (
                c.lower_ in _NEGATIVE_WORDS or any(d.dep_ in ("det", "neg") and d.lower_ == "no" for d in c.children)):
            return True
        if c.dep_ in ("acomp", "attr") and root.lemma_ == "be" and (
                _FALSITY.fullmatch(c.lower_) or _plainly_wrong(c) or any(d.dep_ == "neg" and d.i < c.i for d in c.children)
                or c.dep_ == "attr" and _FALSITY.search(c.doc[c.left_edge.i:c.i].text)):  # "a made-up quote"
            # "That claim is false"; 'was "not aware of any wrongdoing"', but not the contrast in
            # "was an investment, not a cost"
            return True
    return False


def form_of(cand: Candidate, text: str, quotes: QuoteIndex) -> str:
    if cand.quoted or cand.verbatim:
        return "direct"
    # a content the parse found that is all quoted words ('As Osei put it in 2019, "new roads fill up."')
    if cand.content and all((i := quotes.closed_at(s)) >= 0 and e <= quotes.quotes[i][1] for s, e in cand.content):
        return "direct"
    for s, e in cand.content:
        i = bisect.bisect_left(quotes.starts, s)
        if i < len(quotes.quotes) and quotes.quotes[i][0] < e:
            return "mixed"
    return "indirect"


# "did not", "has not": the negated auxiliaries of a comment withheld.
_HAS_NOT = r"(?:did not|didn't|has not|hasn't|have not|haven't|had not)"
_NO_COMMENT = re.compile(
    r"\b(?:declined|declines|decline|refused|refuses)\s+(?:to\s+)?(?:comment|immediate comment|be interviewed)"
    rf"|\b{_HAS_NOT}\s+(?:immediately\s+)?"
    r"(?:respond|reply|return|answer)(?:ed)?\b[^.\n]{0,40}?\b(?:comment|request|message|call|email|inquir|question)\w*"
    r"(?:\s+(?:for|seeking)\s+(?:immediate\s+|further\s+)?comment)?"  # "... to a request for comment", whole
    r"|\b(?:could not|couldn't|cannot|can't) be reached for comment"
    # "has not commented publicly on the attack", "did not immediately respond."
    rf"|\b{_HAS_NOT}\s+(?:yet\s+)?commented(?:\s+publicly)?"
    rf"|\b{_HAS_NOT}\s+(?:yet\s+|immediately\s+)?respond(?:ed)?"
    r"(?=\s*[.;]|\s+publicly)"
    r"|\b(?:would not|wouldn't|did not|didn't|will not|won't)\s+comment\b"
    r"|\b(?:declined|declines|refused|refuses)\s+to\s+(?:say|confirm|disclose|discuss|specify|elaborate|name)\b"
    r"|\b(?:declined|declines|refused|refuses)\s+to\s+(?:give|provide|offer|release)\s+(?:any\s+|further\s+|more\s+"
    r"|additional\s+)?(?:details|information|specifics|figures)\b"
    r"|\b(?:would not|wouldn't)\s+(?:confirm|say|disclose|discuss)\b"
    r"|\b(?:had|has|have|offered|gave)\s+no\s+(?:immediate\s+|further\s+)?comment\b"
    # "Officials have not said how many people were evacuated": a question left open, not a statement.
    rf"|\b(?:{_HAS_NOT}|would not|wouldn't|could not|couldn't|cannot|can't)\s+(?:yet\s+)?"
    r"(?:say|said|disclose|disclosed|specify|specified|reveal|revealed|explain|explained)"
    r"(?=\s+(?:how|whether|when|where|why|who|what|which)\b)",
    re.I)


def find_no_comment(doc: Doc, resolver: Resolver | None = None) -> list[NoComment]:
    out = []
    text = doc.text
    for m in _NO_COMMENT.finditer(text):
        span = doc.char_span(m.start(), m.end(), alignment_mode="expand")
        if span is None:
            continue
        verb = next((t for t in span if t.pos_ in ("VERB", "AUX") and t.lemma_.lower() in C.NO_COMMENT_VERBS), span.root)
        subj = _subject(verb)  # passive too: "the mayor could not be reached"
        if _joined_to_reported_clause(verb) and _subject(verb.head.head) is not None:
            subj = _subject(verb.head.head)  # the refusal is the speaker's, not the reported clause's
        src = _np_range(subj) if subj is not None else source_tokens(verb)
        source = make_source(doc, src, resolver) if src else None
        out.append(NoComment(source=source, cue=Cue(m.group(), m.start(), m.end(), verb.lemma_.lower())))
    return out


# ------------------------------------------------------------------ assembly


def _without_dateline(doc: Doc, rng: tuple[int, int]) -> tuple[int, int]:
    """The source's tokens after a dateline the parser took into the subject."""
    first = rng[0]
    while first > 0 and "\n" not in doc[first - 1].text_with_ws and rng[0] - first < 12:
        first -= 1
    if first > 0 and "\n" not in doc[first - 1].text_with_ws:
        return rng  # the source starts deep inside a line: no dateline before it
    line = doc[first:rng[1]]
    m = DATELINE.match(line.text.lstrip())
    if m is None:
        return rng
    end = line.start_char + (len(line.text) - len(line.text.lstrip())) + m.end()
    if not doc[rng[0]].idx < end <= doc[rng[1] - 1].idx:
        return rng
    return next(i for i in range(rng[0], rng[1]) if doc[i].idx >= end), rng[1]


# A live blog's time stamp opening the line ("15:10 Opposition councillor Bashir Lindqvist said ...").
_CLOCK = re.compile(r"^\d{1,2}[:.]\d{2}$")
_CLOCK_SUFFIX = frozenset("am pm a.m. p.m. gmt bst cet cest utc et edt est pt".split())


def _without_time_stamp(doc: Doc, rng: tuple[int, int]) -> tuple[int, int]:
    start, end = rng
    if end - start < 2 or not _CLOCK.match(doc[start].text):
        return rng
    start += 1
    while end - start > 1 and doc[start].lower_ in _CLOCK_SUFFIX:
        start += 1
    return start, end


def make_source(doc: Doc, rng: tuple[int, int], resolver: Resolver | None) -> Source:
    rng = _without_time_stamp(doc, _without_dateline(doc, rng))
    if rng[1] - rng[0] > 1 and doc[rng[0]].lower_ == "even":
        rng = (rng[0] + 1, rng[1])  # "Even a top strategist said": the focus word is the writer's, not the speaker
    span = doc[rng[0]:rng[1]]
    if _joins_two_speakers(span):
        # "The army of Valdoria and the Free Highlands Front accused each other ...": two sources,
        # neither of which may take the other's words.
        return Source(span.text, span.start_char, span.end_char, kind="group")
    name, ent = resolver.resolve(span) if resolver else (None, None)
    kind = source_kind(span, resolver.entity_type(ent) if resolver and ent else None)
    if kind == "document" and ent is None and name == span.root.text:
        name = None  # "Guidance published on Tuesday says": a sentence's capital, not a name
    if kind == "document" and ent is not None and span.root.lemma_.lower() in MEDIA_NOUNS:
        kind = "organization"  # "The paper said", resolved to the newspaper named before: its newsroom speaks
    if resolver and ((kind == "unknown" or kind in ("group", "organization") and span.text.isupper())
                     and resolver.is_person(name)
                     or kind == "organization" and span.root.pos_ == "PROPN" and resolver.is_person(name, described=True)):
        # "the toxicologist", resolved to the person the article gave that role; "According to Ferro",
        # introduced as "the league's integrity chief, Nadia Ferro" but labelled ORG by the NER.
        kind = "person"
    return Source(span.text, span.start_char, span.end_char, name=name, entity=ent, kind=kind)


def _joins_two_speakers(span: Span) -> bool:
    """Whether a source phrase coordinates two who could each speak ("X and Y"), not one name that holds
    an "and" ("Marks and Spencer", "the Ministry of Health and Welfare")."""
    root = span.root
    one_name = [(e.start, e.end) for e in span.doc.ents if e.start <= root.i < e.end]
    return any(c.dep_ == "conj" and span.start <= c.i < span.end and c.pos_ in ("PROPN", "NOUN")
               and not any(s <= c.i < e for s, e in one_name)
               and any(x.dep_ == "cc" and x.lower_ == "and" for x in root.children) for c in root.children)


_COLON_HEAD = re.compile(r"^([A-Z][^\n:]{0,60}?):\s+(\S[^\n]*)$", re.M)
# Headline kickers ("Breaking: ...", "WATCH: ...") label the story; nobody is speaking.
_COLON_LABELS = frozenset("""breaking wow watch look listen read update updated exclusive video photos photo
pictures transcript opinion analysis editorial live developing alert flashback boom whoa omg bombshell
explainer factbox timeline just in must-see revealed confirmed warning interview correction clarification
""".split()) | {"video transcript", "just in", "q&a", "fact check", "fact-check", "editor's note", "editor’s note",
                "ask the desk", "reality check", "verdict", "our ruling", "the claim"}


def is_label(text: str) -> bool:
    """'Fact check', 'Correction', 'UPDATE': a line's label, not a speaker."""
    return text.strip().lower() in _COLON_LABELS


# Interview transcripts: "Q: ..." is the interviewer's question, "A: ..." the interviewee's answer.
QUESTION_LABEL, ANSWER_LABEL = "Q", "A"


def colon_candidates(doc: Doc) -> list[Candidate]:
    """'Speaker: statement' lines (headlines, transcripts) whose left side names someone."""
    out = []
    text = doc.text
    qa_transcript = _is_qa_transcript(text)
    transcript = qa_transcript or _is_labelled_transcript(text)
    for m in _COLON_HEAD.finditer(text):
        left = doc.char_span(m.start(1), m.end(1), alignment_mode="expand")
        if left is None or len(left) > 6:
            continue
        if is_label(left.text):
            continue
        if left.text == QUESTION_LABEL:
            continue  # a question asserts nothing; what it reports ("X says ...") is found as usual
        qa = left.text == ANSWER_LABEL
        # "Betting regulator: no licensed operator had reported ...": a speaker noun names someone too.
        named = all(t.is_title or t.is_upper or t.pos_ == "PROPN" or t.is_punct for t in left) \
            or left.root.lemma_.lower() in PERSON_NOUNS | ORG_NOUNS
        headline = m.start() == 0 or "\n\n" not in text[:m.start()]
        # A transcript's short answers ("OSTROW: Rest, first.") are lines like any other.
        if not qa and not (named and (headline or len(m.group(2).split()) >= 5
                                      or transcript and _SPEAKER_LABEL.match(text, m.start()))):
            continue
        if any(t.pos_ in ("VERB", "AUX") and t.dep_ not in ("compound", "amod") or t.lower_ in ("and", "vs", "vs.", "v.")
               for t in left):  # a verb, but not a modifier ("Betting regulator")
            continue
        colon = doc.char_span(m.end(1), m.end(1) + 1, alignment_mode="expand")
        if colon is None:
            continue
        cs, ce = trim_chars(text, m.start(2), m.end(2))
        # An answer, or a named speaker's line in a transcript, is verbatim.
        verbatim = text[cs] in "\"“'" or qa or (not headline and transcript)
        # A labelled transcript's line ("SATO: ...") is verbatim, but statements reported inside it are
        # still nested in it (PolNeAR annotates none), as in a Q&A answer.
        out.append(Candidate(cue=(colon.start, colon.end), lemma=":", source=(left.start, left.end),
                             content=[(cs, ce)], quoted=verbatim and (qa_transcript or text[cs] in "\"“'"),
                             head=colon.start, verbatim=verbatim))
    return out


_SPEAKER_LABEL = re.compile(r"(?m)^([A-Z][A-Z'\-]+):\s")


def _is_qa_transcript(text: str) -> bool:
    return bool(re.search(rf"(?m)^{QUESTION_LABEL}:\s", text)) and bool(re.search(rf"(?m)^{ANSWER_LABEL}:\s", text))


def _is_labelled_transcript(text: str) -> bool:
    """Two speakers' capitalised labels each opening two lines or more ("SATO: ...", "LINDQVIST: ...")."""
    labels = Counter(m.group(1) for m in _SPEAKER_LABEL.finditer(text))
    return sum(1 for n in labels.values() if n >= 2) >= 2


def colon_quote_candidates(doc: Doc, quotes: QuoteIndex, claimed: set[int],
                           found: list[Candidate]) -> list[Candidate]:
    """'He then listed the qualities he wants: "..."': a quotation introduced by a colon whose
    sentence has a subject but no cue of its own; the colon is the cue."""
    out = []
    text = doc.text
    cue_tokens = {i for c in found for i in range(*c.cue)}
    for qi, (qs_, qe) in enumerate(quotes.quotes):
        if qi in claimed:
            continue
        at = len(text[max(0, qs_ - 4):qs_].rstrip()) + max(0, qs_ - 4) - 1  # last non-space before the quote
        if at < 0 or text[at] != ":":
            continue
        colon = doc.char_span(at, at + 1, alignment_mode="expand")
        if colon is None or colon[0].text != ":":
            continue
        sent = colon[0].sent
        if any(i in cue_tokens for i in range(sent.start, sent.end)):
            continue
        subj = _subject(sent.root)
        if subj is None or subj.dep_ == "nsubjpass":
            continue
        out.append(Candidate(cue=(colon.start, colon.end), lemma=":", source=_np_range(subj), head=colon.start,
                             content=[(qs_, qe)], quoted=True))
    return out


_SINGULAR_DETERMINERS = frozenset("a an one another this every each".split())


def _verb_read_as_plural_noun(tok: Token) -> bool:
    """'A viral post claims that ...', 'One recycled post claims ...': a singular determiner before a
    plural noun with words between is a subject and its verb that the parser ran into one noun phrase."""
    first = tok.left_edge
    return tok.tag_ == "NNS" and first.i < tok.i - 1 and first.dep_ in ("det", "nummod") \
        and first.lower_ in _SINGULAR_DETERMINERS and tok.doc[tok.i - 1].tag_ in ("NN", "NNP")


def nominal_candidates(doc: Doc) -> list[Candidate]:
    """"X's claim that ...", "the assessment that ...": a cue noun with a that-clause (or an
    infinitive for pledges and promises); the possessor, if any, is the source."""
    out = []
    for tok in doc:
        if tok.pos_ != "NOUN" or tok.lemma_.lower() not in C.NOMINAL_CUES:
            continue
        clause = next((c for c in tok.children if c.dep_ in ("acl", "ccomp", "relcl") and c.i > tok.i
                       and any(m.dep_ == "mark" and m.lower_ == "that" or m.dep_ == "aux" and m.lower_ == "to"
                               for m in c.children)), None)
        if clause is None:
            continue
        poss = next((c for c in tok.children if c.dep_ == "poss"), None)
        source = None
        if poss is not None:
            s, e = _np_range(poss)
            if e > s and doc[e - 1].tag_ == "POS":
                e -= 1
            source = (s, e)
        elif _verb_read_as_plural_noun(tok):
            # "A viral post claims that ...": one post cannot be "claims"; the words before are the source
            source = (tok.left_edge.i, tok.i)
        out.append(Candidate(cue=(tok.i, tok.i + 1), lemma=tok.lemma_.lower(), head=tok.i, source=source,
                             content=[tokens_chars(doc, clause.left_edge.i, clause.right_edge.i + 1)]))
    return out


def sourceless_candidates(doc: Doc) -> list[Candidate]:
    """Raising verbs ("he seems to ...", "X is expected to ...") and "reportedly": no source;
    the content is the subject plus the infinitive, or the clause the adverb modifies."""
    out = []
    for tok in doc:
        low = tok.lower_
        if low in C.ATTRIBUTING_ADVERBS and tok.dep_ == "advmod":
            head = tok.head
            frags = _subtree_minus(doc, head, [(tok.i, tok.i + 1)])
            out.append(Candidate(cue=(tok.i, tok.i + 1), lemma=low, head=tok.i,
                                 content=[tokens_chars(doc, s, e) for s, e in frags if e > s]))
            continue
        if tok.pos_ not in ("VERB", "AUX") or tok.lemma_.lower() not in C.RAISING_VERBS:
            continue
        subj = next((c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        xcomp = next((c for c in tok.children if c.dep_ == "xcomp" and c.i > tok.i), None)
        if subj is None or xcomp is None or subj.i > tok.i:
            continue
        if tok.lemma_.lower() == "expect" and subj.dep_ != "nsubjpass":
            continue
        cue = cue_span(tok)
        frags = [_np_range(subj), (xcomp.left_edge.i, xcomp.right_edge.i + 1)]
        out.append(Candidate(cue=cue, lemma=tok.lemma_.lower(), head=tok.i,
                             content=[tokens_chars(doc, s, e) for s, e in frags if e > s]))
    return out


_HEADLINE_VERBS = ("Says|Said|Warns|Claims|Tells|Slams|Blasts|Calls|Urges|Admits|Denies|Vows|Predicts|Suggests|"
                   "Reveals|Rips|Praises|Endorses|Defends|Attacks|Accuses|Explains|Insists|Announces|Argues|"
                   "Rejects|Dismisses|Questions|Mocks|Hits")
_HEADLINE = re.compile(r"^([A-Z][^\n.:]{1,50}?) (" + _HEADLINE_VERBS + r") (\S[^\n]{0,200})$", re.M)


def headline_candidates(doc: Doc) -> list[Candidate]:
    """Title-case headlines ("Rubio Says Reform Was A Sign Of Leadership"), which the parser,
    trained on sentence case, reads poorly."""
    out = []
    text = doc.text
    for m in _HEADLINE.finditer(text):
        src = doc.char_span(m.start(1), m.end(1), alignment_mode="expand")
        cue = doc.char_span(m.start(2), m.end(2), alignment_mode="expand")
        if src is None or cue is None:
            continue
        cs, ce = trim_chars(text, m.start(3), m.end(3))
        out.append(Candidate(cue=(cue.start, cue.end), lemma=m.group(2).lower().rstrip("s"),
                             source=(src.start, src.end), content=[(cs, ce)], head=cue.start))
    return out


_IN_SOURCE_NOUNS = frozenset("poll polls survey surveys study report exit analysis".split())
# Later in a sentence only the nouns that report measurements: "was at 25 percent in the poll",
# while "named in the report" states no finding of the report.
_IN_SOURCE_NOUNS_LATER = frozenset("poll polls survey surveys".split())


def _authored_by_speaker(verb: Token) -> bool:
    """'In a report published on Thursday, the institute estimated ...': the report is the medium of a
    named speaker's cue, not a source of its own as the poll of 'In a poll, 28 percent said ...' is."""
    subject = _subject(verb)
    return subject is not None and subject.ent_type_ not in ("PERCENT", "CARDINAL", "QUANTITY") \
        and not any(c.dep_ == "nummod" for c in subject.children) and subject.pos_ in ("PROPN", "NOUN") \
        and (subject.ent_type_ in ("ORG", "PERSON", "NORP", "GPE") or subject.lemma_.lower() in ORG_NOUNS
             or subject.lemma_.lower() in PERSON_NOUNS)


def in_phrase_cues(doc: Doc) -> list[Token]:
    """'In a (new) poll, <clause>' / '<clause> in the latest survey': the preposition is the cue, its
    object the source, the clause it modifies the content."""
    out = []
    for tok in doc:
        if tok.lower_ != "in" or tok.dep_ != "prep":
            continue
        objs = [x for x in tok.children if x.dep_ == "pobj"]
        if not objs:
            continue
        noun = objs[0].lemma_.lower()
        if tok.i == tok.sent.start:
            if noun in _IN_SOURCE_NOUNS:
                out.append(tok)
        elif noun in _IN_SOURCE_NOUNS_LATER and tok.head.pos_ in ("VERB", "AUX") \
                and any(c.dep_ in ("nsubj", "nsubjpass", "expl") for c in tok.head.children):
            out.append(tok)
    return out


def candidates(doc: Doc, quotes: QuoteIndex | None = None, nested: list[Candidate] | None = None) -> list[Candidate]:
    """All attribution candidates of a parsed doc, in token terms, quotations linked; statements reported
    inside another's content go to `nested` when given (see `drop_nested`)."""
    text = doc.text
    if quotes is None:
        quotes = QuoteIndex(find_quotes(text))
    out: list[Candidate] = []
    claimed: set[int] = set()
    heads = find_cues(doc, quotes)
    head_ids = {t.i for t in heads}
    heads_by_char = sorted(heads, key=lambda t: t.idx)
    head_chars = [t.idx for t in heads_by_char]
    # A cue between two pieces of a quotation stops it when it is a statement of its own or introduces
    # the next piece ('..., adding, "B"'); one in a relative clause or a participle that only describes
    # the speaker ('said Ivo Brand, who said he had crossed it', 'said when opening the road') does not.
    describing = {t.i for t in heads if t.dep_ in ("relcl", "advcl", "acl", "pcomp", "xcomp") or t.tag_ == "VBG"}

    def cue_after(char: int, before: int | None = None) -> bool:
        """Another cue follows a quotation ending at char; or, with `before`, one in [char, before)
        stops a quotation from going on there."""
        k = bisect.bisect_left(head_chars, char)
        if before is not None:
            between = heads_by_char[k:bisect.bisect_left(head_chars, before)]
            return any(t.i not in describing or not text[t.idx + len(t):before].strip(" ,:\t") for t in between)
        if k == len(head_chars):
            return False
        between = text[char:head_chars[k]]
        if len(between) >= 60 or "\n" in between or ends_a_sentence_in(between):
            return False
        # '"... a coal base." While critics welcomed the plan, ...': after a quotation that ends its
        # sentence, a cue with its own complement starts a statement of its own.
        nxt = heads_by_char[k]
        own = any(c.i > nxt.i and c.dep_ in _CONTENT_DEPS for c in nxt.children)
        return not (own and re.search(r"[.!?][\"'”’]*$", text[max(0, char - 4):char]))

    # "Voters said in a poll that ..." is the verb's attribution, the poll only its medium; a poll
    # opening the sentence ("In a poll, 28 percent said ...") is a source of its own.
    in_cues = [t for t in in_phrase_cues(doc) if t.head.i not in head_ids
               or (t.i == t.sent.start and not _authored_by_speaker(t.head))]
    for tok in heads + in_cues:
        cue = cue_span(tok) if tok.lower_ != "in" else (tok.i, tok.i + 1)
        gov = _governing(tok)
        if gov is not None:
            if gov.i in head_ids or gov.lemma_.lower() in ("decline", "refuse", "want", "try"):
                continue  # the governing verb is the cue ("declined to say whether ...")
            cue = (cue_span(gov)[0], cue[1])
        src = source_tokens(tok, lambda char: quotes.at(char) >= 0)
        if src is None and gov is not None:
            subj = _subject(gov)
            src = _np_range(subj) if subj is not None else None
        cand = Candidate(cue=cue, lemma=_cue_lemma(tok), source=src, head=tok.i,
                         clausal=any(c.dep_ == "ccomp" and c.i > tok.i for c in tok.children))
        cand.content = clause_content(doc, text, tok, cue, src, head_ids)
        if tok.lower_ == "according":
            # "According to X, <clause>": the clause is the content; a quote only if it holds it.
            qi = quotes.at(cand.content[0][0]) if cand.content else -1
            if qi >= 0 and qi not in claimed:
                claimed.add(qi)
                cand.content, cand.quoted = [quotes.quotes[qi]], True
        else:
            link_quotes(doc, cand, quotes, claimed, cue_after, text)
        cand.content = merge_touching(text, [c for c in (trim_chars(text, s, e) for s, e in cand.content)
                                              if c[1] > c[0]])
        if not cand.content:
            continue
        if tok.pos_ in ("VERB", "AUX") and tok.lower_ != "according" and not cue_confirmed(tok, cand.quoted) \
                and not puts_a_figure(tok) and not puts_it(tok):
            continue
        if tok.lemma_.lower() in C.WEAK_VERBS and src is None:
            continue
        said = " ".join(text[s:e] for s, e in cand.content)  # not the envelope: it may hold the source
        if C.mentions_anonymity(said) or C.asks_anonymity(text, tokens_chars(doc, *cue), cand.content):
            continue  # "who asked not to be named", "who declined to be identified": no statement
        out.append(cand)
    # Title-case headlines override what the parser made of them.
    headlines = headline_candidates(doc)
    headline_cues = {c.cue[0] for c in headlines}
    out = [c for c in out if c.cue[0] not in headline_cues]
    taken = {c.cue[0] for c in out}
    extras = (headlines + colon_candidates(doc) + colon_quote_candidates(doc, quotes, claimed, out)
              + sourceless_candidates(doc) + nominal_candidates(doc))
    for extra in extras:
        extra.content = [c for c in (trim_chars(text, s, e) for s, e in extra.content) if c[1] > c[0]]
        if extra.cue[0] not in taken and extra.content:
            out.append(extra)
            taken.add(extra.cue[0])
    out = drop_nested(doc, out, text, nested)
    out.sort(key=lambda c: c.cue[0])
    return out


def drop_nested(doc: Doc, cands: list[Candidate], text: str, nested: list[Candidate] | None = None) -> list[Candidate]:
    """Drop a cue that sits inside another candidate's indirect content ("X said Y had told him
    that ..."): PolNeAR marks each token once, so the reported-within-reported is not annotated
    (on train such nested cues are wrong five times out of six). A sourceless outer candidate ("X, who
    said ..., appeared to ...") holds nothing that would make the inner cue reported speech. A relative
    clause with its own speaker and clause ("hackers who officials say are tied to ...") is kept, and the
    outer content ends before it. The dropped statements that have a speaker and a clause of their own
    go to `nested`, when given: a reader still wants to know who is reported to have said them."""
    cue_at = [doc[c.cue[0]].idx for c in cands]
    # Content pieces that can hold another cue, by start, so each cue looks only at the pieces that
    # can reach it (a book-length text has thousands of candidates).
    pieces = sorted((s, e, k) for k, o in enumerate(cands) if not o.quoted and o.source is not None
                    for s, e in o.content)
    starts = [p[0] for p in pieces]
    longest = max((e - s for s, e, _ in pieces), default=0)
    keep = []
    for k, c in enumerate(cands):
        pos = cue_at[k]
        # A nominal cue with its own possessor ("questioned Smith's claim that ...") is its own claim.
        own = c.lemma in C.NOMINAL_CUES and c.source is not None and c.head >= 0 and doc[c.head].pos_ == "NOUN"
        holding = sorted({j for s, e, j in pieces[bisect.bisect_left(starts, pos - longest):bisect.bisect_right(starts, pos)]
                          if j != k and s <= pos < e})
        outer = [cands[j] for j in holding if not any(s <= cue_at[j] < e for s, e in c.content)]
        if own or not outer:
            keep.append(c)
        elif c.head >= 0 and c.source is not None and doc[c.head].dep_ == "relcl" \
                and _relative_statement(doc[c.head]) and _cut_before_relative(doc, text, outer[0], doc[c.head]):
            keep.append(c)
        elif outer[0].lemma == "according to" and c.quoted and c.source is not None and c.cue[0] < outer[0].cue[0]:
            relay_quote(outer[0], c)
        elif outer[0].lemma == "according to" and c.source is not None and outer[0].original_source is None \
                and c.lemma in C.CLAUSE_CUES and (c.clausal or c.quoted):
            # "According to a transcript, the mayor said ...": the transcript vouches, the mayor spoke.
            # Not "According to the indictment, Vellan approved the payments": what he is said to have done.
            outer[0].original_source = c.source
        elif nested is not None and c.source is not None and (c.clausal or c.quoted) and c.content:
            nested.append(c)
    return keep


def _relative_statement(verb: Token) -> bool:
    """'a gap that engineers say renders the wall moot', 'hackers who officials say are tied to ...':
    a relative clause whose verb has its own speaker and clause is a statement of its own. With the
    relative pronoun as subject ('experts who say ...', 'the book she wrote') it stays description."""
    subj = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
    return bool(subj) and not any(c.lower_ in ("who", "that", "which") for c in subj) \
        and any(c.dep_ == "ccomp" for c in verb.children)


def _cut_before_relative(doc: Doc, text: str, outer: Candidate, verb: Token) -> bool:
    """'cited the case of Red Fox, a group of hackers who officials say is tied to ...': the outer
    content ends before the appositive (or the relative clause) that holds another statement."""
    antecedent = verb.head
    while antecedent.dep_ == "pobj" and antecedent.head.dep_ == "prep":
        antecedent = antecedent.head.head  # "a group of hackers who ...": the group
    start = antecedent.left_edge.i if antecedent.dep_ == "appos" else verb.left_edge.i
    cut = doc[start].idx
    for k, (s, e) in enumerate(outer.content):
        if s < cut < e:
            end = trim_chars(text, s, cut)[1]
            if end - s < 2:
                return False
            outer.content[k] = (s, end)
            return True
    return False


def relay_quote(according: Candidate, quote: Candidate) -> None:
    """'"A," the judge said, according to the Post. "B"': the Post's attribution holds the judge's
    clause and every later piece of the quotation (as PolNeAR marks it), and keeps the judge as the
    original source."""
    according.content = sorted(set(according.content) | {q for q in quote.content if q[0] >= according.content[-1][1]})
    according.original_source = quote.source


def _cue_lemma(tok: Token) -> str:
    if tok.lower_ == "according":
        return "according to"
    return tok.lemma_.lower()


def _attribution_of(doc: Doc, text: str, cand: Candidate, ident: str, resolver: Resolver,
                    quotes: QuoteIndex) -> Attribution:
    cs, ce = tokens_chars(doc, *cand.cue)
    parts = [Span.of(text, s, e) for s, e in cand.content]
    return Attribution(
        id=ident, source=make_source(doc, cand.source, resolver) if cand.source else None,
        cue=Cue(text[cs:ce], cs, ce, cand.lemma),
        content=Span.of(text, parts[0].start, parts[-1].end),
        form=form_of(cand, text, quotes),
        polarity="affirm",  # set once the content is final
        content_parts=parts if len(parts) > 1 else [],
        original_source=make_source(doc, cand.original_source, resolver) if cand.original_source else None)


def _finish(doc: Doc, text: str, a: Attribution) -> None:
    """What every attribution gets once its spans are settled: connectives and dangling words off the
    content, anonymity read from its clause, and its polarity."""
    _drop_connectives(text, a)
    _mark_anonymous(doc, text, a)
    a.polarity = polarity_of(doc, a.cue, a.content_parts or [a.content])


def _add_nested(doc: Doc, text: str, attributions: list[Attribution], inner: list[Candidate], resolver: Resolver,
                quotes: QuoteIndex, no_comment: list[tuple[int, int]]) -> None:
    """'Residents said the mayor had told them the road would reopen': the mayor's statement, reported
    within the residents', is added with `within` naming the attribution that reports it. PolNeAR
    annotates none of these, so evaluation leaves them out (`report.outermost`)."""
    for cand in inner:
        cs, ce = tokens_chars(doc, *cand.cue)
        if any(s <= cs < e for s, e in no_comment) or any(a.cue.start < ce and cs < a.cue.end for a in attributions):
            continue
        outer = next((a for a in attributions if a.within is None and a.source is not None
                      and any(p.start <= cs < p.end for p in a.content_parts or [a.content])), None)
        if outer is None:
            continue
        a = _attribution_of(doc, text, cand, f"a{len(attributions) + 1}", resolver, quotes)
        a.within = outer.id
        if a.source is not None and a.source.name == outer.source.name and a.source.text.lower() in PERSON_PRONOUNS:
            # "Castellanos said he had once told her ...": whoever "he" is, he is not the one telling it
            a.source.name = a.source.entity = None
        _finish(doc, text, a)
        attributions.append(a)


def extract(doc: Doc, entities: list[Entity], use_model: bool = True) -> tuple[list[Attribution], list[NoComment]]:
    """Attributions and no-comment records of a parsed Doc (needs the dependency parse)."""
    if not doc.has_annotation("DEP"):
        return [], []  # rules read the parse; an unparsed Doc yields nothing rather than guesses
    text = doc.text
    quotes = QuoteIndex(find_quotes(text))
    resolver = Resolver(doc, entities, quotes)
    no_comment = find_no_comment(doc, resolver)
    nc_ranges = [(n.cue.start, n.cue.end) for n in no_comment]
    attributions: list[Attribution] = []
    inner: list[Candidate] = []
    for cand in candidates(doc, quotes, inner):
        cs, ce = tokens_chars(doc, *cand.cue)
        if any(s <= cs < e for s, e in nc_ranges):
            continue
        attributions.append(_attribution_of(doc, text, cand, f"a{len(attributions) + 1}", resolver, quotes))
    if use_model and attribution_model.is_available():
        from .attribution_combine import combine  # that module builds on this one's helpers

        attributions = combine(doc, attributions, attribution_model.tag(doc), resolver, quotes, nc_ranges)
    for a in attributions:
        _finish(doc, text, a)
    notes = [(m.start(), m.end()) for m in _EDITORS_NOTE.finditer(text)]
    kept = [a for a in attributions if not any(s <= a.cue.start < e for s, e in notes)
            and not (a.form == "indirect" and _ONLY_A_TIME.fullmatch(a.content.text))
            and not (a.cue.lemma == "recall" and _COUNTED_GOODS.match(a.content.text))]
    if len(kept) < len(attributions):
        attributions = kept
        for n, a in enumerate(attributions, start=1):
            a.id = f"a{n}"
    _add_nested(doc, text, attributions, inner, resolver, quotes, nc_ranges)
    _speaker_outside_own_words(doc, attributions, resolver)
    # Pronouns carry from statement to statement of the story itself, not through one reported within another.
    told = [a for a in attributions if a.within is None]
    carry_pronoun_sources(told, [p.start for p in resolver.people if not p.quoted])
    _pronoun_stays_with_the_speaker(told, resolver)
    _name_the_interviewee(attributions, entities)
    _first_person_is_the_speaker(attributions)
    _cited_is_the_original_source(doc, attributions, resolver)
    _relayed_speaker(doc, text, attributions, resolver)
    _refusal_reported_by_its_speaker(attributions, no_comment)
    return attributions, no_comment


_AS_SAYING = re.compile(r"\s+as (?:saying|telling \w+|writing|stating)\s+(?:that\s+)?", re.I)


_REFERRING_PRONOUNS = frozenset("it he she they we".split())


def _refusal_reported_by_its_speaker(attributions: list[Attribution], no_comment: list[NoComment]) -> None:
    """'The firm said it would not comment on the documents': the refusal is the firm's (not that of an
    unresolved "it"), and the statement that reports it denies nothing."""
    for nc in no_comment:
        outer = next((a for a in attributions if a.source is not None
                      and any(p.start <= nc.cue.start < p.end for p in a.content_parts or [a.content])), None)
        if outer is None:
            continue
        outer.polarity = "affirm"
        if nc.source is None or nc.source.text.lower() in _REFERRING_PRONOUNS:
            nc.source = dataclasses.replace(outer.source)


def _relayed_speaker(doc: Doc, text: str, attributions: list[Attribution], resolver: Resolver) -> None:
    """'The Clarion quoted a senior nurse as saying patients were moved': the outlet relays what the nurse
    said. The nurse, whom a desk counts, becomes the original source, and the content is what was said
    (whether the cue took the nurse in or the content did)."""
    for a in attributions:
        if a.original_source is not None or a.content_parts:
            continue
        cue = doc.char_span(a.cue.start, a.cue.end, alignment_mode="expand")
        verb = next((t for t in cue if t.lemma_.lower() in ("quote", "cite")), None) if cue is not None else None
        if verb is None:
            continue
        m = _AS_SAYING.search(text, verb.idx + len(verb.text), a.content.end)
        if m is None or m.end() >= a.content.end or not (m.start() < a.cue.end or m.start() >= a.content.start):
            continue
        speaker = doc.char_span(verb.idx + len(verb.text), m.start(), alignment_mode="contract")
        if speaker is None or not len(speaker) or len(speaker) > 12:
            continue
        a.original_source = make_source(doc, (speaker.start, speaker.end), resolver)
        if m.start() >= a.content.start:
            a.content = Span.of(text, m.end(), a.content.end)
            a.polarity = polarity_of(doc, a.cue, [a.content])


def _pronoun_stays_with_the_speaker(attributions: list[Attribution], resolver: Resolver) -> None:
    """'Tom Adler said that Maria Lenz had resigned. He added ...': "he" goes on with the speaker, not with
    someone the speaker talked about, as it already does for people named inside a quotation. Only when
    nobody is named between the two statements and the speaker's known gender does not rule it out. A
    pronoun repeating the previous speaker's pronoun goes on with it too."""
    ordered = sorted((a for a in attributions if a.source is not None), key=lambda a: a.cue.start)
    for prev, a in itertools.pairwise(ordered):
        src, speaker = a.source, prev.source
        low = src.text.lower()
        if low not in ("he", "she") or src.name is None or speaker.name is None or speaker.name == src.name \
                or speaker.text.lower() in ("he", "she") and speaker.text.lower() != low or prev.content.end > src.start \
                or src.start - prev.content.end > PRONOUN_REACH // 2:
            continue
        mentions = [p for p in resolver.people if prev.content.start <= p.start < src.start]
        about = [p for p in mentions if p.name == src.name]
        # 'She said the line had stayed with her. "I was terrified," she said': one "she" after another,
        # nobody named between, is the same woman, however recently someone else was named before.
        chain = speaker.text.lower() == low and not any(speaker.end <= p.start < src.start for p in resolver.people)
        if chain or about and all(prev.content.start <= p.start < prev.content.end for p in mentions) \
                and all(p.gender in (None, PERSON_PRONOUNS[low]) for p in resolver.people if p.name == speaker.name):
            src.name, src.entity = speaker.name, speaker.entity


def _speaker_outside_own_words(doc: Doc, attributions: list[Attribution], resolver: Resolver) -> None:
    """'Hume, she said, had not replied': a pronoun set inside the clause it reports is not the person
    that clause is about; its antecedent comes before the clause."""
    for a in attributions:
        src = a.source
        if src is None or src.text.lower() not in PERSON_PRONOUNS or not a.content.start < src.start < a.content.end \
                or a.form == "direct":  # '"A," she added, "B"': a quotation split around its cue is no clause
            continue
        span = doc.char_span(src.start, src.end)
        if span is not None:
            src.name, src.entity = resolver.resolve(span, before=a.content.start)


def _cited_is_the_original_source(doc: Doc, attributions: list[Attribution], resolver: Resolver) -> None:
    """'Local media reported 55 dead, citing hospital staff': the staff are where the media's figure came
    from. PolNeAR marks "citing" as a cue of its own, so that attribution stays; the report it backs
    gets the cited as its original source."""
    for citing in attributions:
        if citing.source is None or not citing.cue.text.lower().startswith("citing"):
            continue
        backed = next((a for a in attributions if a is not citing and a.source is not None
                       and (a.source.start, a.source.end) == (citing.source.start, citing.source.end)
                       and a.cue.start < citing.cue.start and a.original_source is None), None)
        span = doc.char_span(citing.content.start, citing.content.end, alignment_mode="expand")
        if backed is not None and span is not None:
            backed.original_source = make_source(doc, (span.start, span.end), resolver)


def _name_the_interviewee(attributions: list[Attribution], entities: list[Entity]) -> None:
    """'A: ...' answers are the interviewee's: the one a transcript's other speaker lines name, else the
    person the article names most often."""
    answers = [a for a in attributions if a.cue.text == ":" and a.source and a.source.text == ANSWER_LABEL]
    if not answers:
        return
    by_id = {e.id: e for e in entities}
    speakers = [by_id[a.source.entity] for a in attributions
                if a.cue.text == ":" and a.source and a.source.entity in by_id and a not in answers]
    people = [e for e in entities if e.type == "PERSON"]
    pool = speakers or people
    if not pool:
        return
    chosen = max(pool, key=lambda e: (len(e.mentions), -e.mentions[0].start))
    for a in answers:
        a.source.name, a.source.entity, a.source.kind = chosen.name, chosen.id, "person"
    # The other speakers of a transcript are people too, whatever type the model gave a rare name.
    for a in attributions:
        if a.cue.text == ":" and a.source and a.source.entity in by_id and by_id[a.source.entity].type != "ORG":
            a.source.kind = "person"


_FIRST_PERSON = frozenset({"i", "we", "me", "us"})


def _first_person_is_the_speaker(attributions: list[Attribution]) -> None:
    """'"What I can say is that ...," Belovska said': "I" inside someone's own words is that someone,
    whatever name the resolver found nearby."""
    verbatim = [a for a in attributions if a.form == "direct" and a.source is not None]
    for a in attributions:
        if a.source is None or a.source.text.lower() not in _FIRST_PERSON:
            continue
        outer = next((o for o in verbatim if o is not a and o.source.text.lower() not in _FIRST_PERSON
                      and any(p.start <= a.cue.start < p.end for p in (o.content_parts or [o.content]))), None)
        if outer is not None:
            a.source.name, a.source.entity, a.source.kind = outer.source.name, outer.source.entity, outer.source.kind
            if outer.source.name is None:
                a.source.same_as = outer.source.same_as or outer.id


# "But the plan failed, she said": the connective links the writer's sentences; it is not what was said
# (PolNeAR train leaves a sentence-opening "But" out of the content 52 times; the 29 times it is in are
# mostly quotations, which keep it).
_CONNECTIVE = re.compile(r"(?:And yet|But|And(?! so\b)|Yet|Still,|However,|Meanwhile,|In contrast,)(?:\s+|$)")


# ... and a content that stops on a conjunction or relative word ("she had met him twice but", "a new
# ad, which") stopped where the parse cut a clause the source did not say: the word goes with that clause.
_DANGLING = re.compile(r"[\s,;]+(?:but|and|or|though|although|while|because|which|who)$", re.I)


def _drop_connectives(text: str, att: Attribution) -> None:
    parts = att.content_parts or [att.content]
    first = parts[0]
    m = _CONNECTIVE.match(text[:first.end], first.start)
    if m is not None and not (first.start and text[first.start - 1] in "\"“'‘"):
        rest = trim_chars(text, m.end(), first.end)
        parts = ([Span.of(text, *rest)] if rest[1] > rest[0] else []) + parts[1:]
    tail = _DANGLING.search(text, parts[-1].start, parts[-1].end) if parts else None
    if tail is not None and tail.start() > parts[-1].start:
        parts[-1] = Span.of(text, *trim_chars(text, parts[-1].start, tail.start()))
    if not parts or parts == (att.content_parts or [att.content]):
        return
    att.content = Span.of(text, parts[0].start, parts[-1].end)
    att.content_parts = parts if len(parts) > 1 else []


def _mark_anonymous(doc: Doc, text: str, att: Attribution) -> None:
    """An unnamed source whose own clause says why it is unnamed ("a senior official told Reuters on
    condition of anonymity", "an aide, speaking on condition of anonymity, said") is anonymous, though
    the words stand outside the source phrase."""
    src = att.source
    if src is None or src.name is not None or src.kind not in ("person", "group", "unknown"):
        return
    cue = doc.char_span(att.cue.start, att.cue.end, alignment_mode="expand")
    if cue is None:
        return
    # The source's sentence from the source on, with what was said left out.
    pieces, at, end = [], min(src.start, att.cue.start), cue.sent.end_char
    for part in att.content_parts or [att.content]:
        pieces.append(text[at:min(part.start, end)])
        at = max(at, part.end)
    pieces.append(text[at:end])
    if C.mentions_anonymity(" ".join(pieces)):
        src.kind = "anonymous"


# An editor's note is the outlet speaking about its own story ("Editor's note: X, who has repeatedly
# pledged to ..."), boilerplate that no source said: PolNeAR train leaves 14 of its 16 notes unannotated.
_EDITORS_NOTE = re.compile(r"^[ \t]*editor[’']?s[ \t\xa0]*note\b[^\n]*", re.I | re.M)


# "Stavness replied the same evening.": a cue with only a time after it said nothing the story reports.
_ONLY_A_TIME = re.compile(
    r"(?:on |in |at |by |early |late |later )?(?:the |that |this |last |next )?(?:same |following |previous |next )?"
    r"(?:morning|afternoon|evening|night|day|week|weekend|month|year|(?:mon|tues|wednes|thurs|fri|satur|sun)day)s?"
    r"(?: (?:morning|afternoon|evening|night))?\W*", re.I)


# "Dunmore recalled 40,000 heaters": a product recall, not a memory (a remembered thing is rarely counted).
_COUNTED_GOODS = re.compile(r"(?:(?:about|some|nearly|almost|more than|over|up to|all|its|the)\s+)?\d[\d,.]*"
                            r"(?:\s+(?:million|billion|thousand|hundred))?\s+[a-z]", re.I)


# A pronoun source takes the previous speaker of its kind only this close (characters: a paragraph or two).
PRONOUN_REACH = 600
_PRONOUN_KINDS = {"it": ("organization", "document"), "they": ("group", "organization"),
                  "we": ("group", "organization")}


_PARTITIVE = re.compile(r"(?:one|two|three|some|many|most|several|both|each|all|none) of (?:them|those|these|the (\w+))$")


def carry_pronoun_sources(attributions: list[Attribution], person_mentions: list[int] = ()) -> None:
    """Pronoun sources the resolver could not settle from names alone.

    'The agency said ... It added ...': an unresolved "it" / "they" stands for the previous unnamed
    speaker of a fitting kind. 'A UN spokesman said ... He said ...': "he" / "she" right after an
    unnamed person's statement, with no named person mentioned in between, is that person, however
    recently a named one spoke before."""
    previous: list[Source] = []
    said_by: dict[int, str] = {}  # id(source) -> the attribution id an unnamed speaker is first seen at

    def stand_for(src: Source, prior: Source) -> None:
        # A named prior gives its name; an unnamed one is pointed at, since the text names no one.
        src.name, src.entity, src.kind = prior.name, prior.entity, prior.kind
        if prior.name is None:
            src.same_as = prior.same_as or said_by[id(prior)]

    for a in sorted(attributions, key=lambda x: x.cue.start):
        src = a.source
        if src is None:
            continue
        said_by[id(src)] = a.id
        low = src.text.lower()
        if src.name is None and low in _PRONOUN_KINDS:
            for prior in reversed(previous):
                if src.start - prior.end > PRONOUN_REACH:
                    break
                if prior.name is None and prior.same_as is None and prior.text.lower() in _PRONOUN_KINDS:
                    continue  # an unresolved "they" names nobody
                if prior.kind in _PRONOUN_KINDS[low]:
                    stand_for(src, prior)
                    break
        elif (partitive := _PARTITIVE.match(low)) and src.kind in ("unknown", "group"):
            # "One of them said ...", "One of the people said ...": one of the previous group (the one
            # named by that noun), anonymous if they were.
            noun = partitive.group(1)
            prior = next((p for p in reversed(previous) if p.kind in ("group", "anonymous")
                          and src.start - p.end <= PRONOUN_REACH
                          and (noun is None or re.search(rf"\b{re.escape(noun)}\b", p.text.lower()))), None)
            if prior is not None:
                src.kind = prior.kind
        elif low in ("he", "she") and previous:
            prior = previous[-1]
            if prior.name is None and prior.kind in ("person", "anonymous") and (
                    prior.same_as is not None and prior.text.lower() == low
                    or prior.text.lower() not in ("he", "she", "i", "me")) \
                    and src.start - prior.end <= PRONOUN_REACH // 2 \
                    and not any(prior.end <= m < src.start for m in person_mentions):
                stand_for(src, prior)
        elif src.name is None and low.startswith("the ") and len(low.split()) == 2:
            # "A nurse at the clinic, who asked not to be named, said ... The nurse said ...": the same
            # unnamed source, still anonymous.
            noun = low.split()[1]
            prior = next((p for p in reversed(previous) if p.name is None and p.kind == "anonymous"
                          and noun in re.findall(r"[a-z]+", p.text.lower())[:4]
                          and src.start - p.end <= PRONOUN_REACH), None)
            if prior is not None:
                stand_for(src, prior)
        previous.append(src)
