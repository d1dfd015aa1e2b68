"""Learned attribution span tagger: a linear-chain CRF (python-crfsuite) over spaCy tokens.

Each paragraph is one sequence; every token gets a BIO label for SOURCE / CUE / CONTENT
(PolNeAR is "univocal": a token has at most one role). Features come from the spaCy parse the
pipeline already made (lemma, POS, dependency, the token's relation to the nearest reporting verb
above it, quotation state), so tagging costs one Python pass over the tokens plus CRF decoding.
Predicted runs are then linked into attributions: each cue takes the contents and the source that
the parse (else proximity) ties to it.

The weights ship in `models/attribution_crf.crfsuite`, trained on PolNeAR train by
`training/train_attribution_crf.py`. This module is usable alone; `attribution.py` combines it
with the rules.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from spacy.tokens import Doc, Token

from . import attribution_net

MODEL_PATH = Path(__file__).parent / "models" / "attribution_crf.crfsuite"

ROLES = ("SOURCE", "CUE", "CONTENT")

# Lemmas that head attribution cues (speech, cognition, stance, evidence). Drawn from what
# heads cues in PolNeAR train plus common newswire reporting verbs; the CRF also sees the raw
# lemma, so this list only has to generalise, not be complete.
REPORTING_LEMMAS = frozenset(["say", "tell", "claim", "deny", "argue", "accuse", "accord", "announce", "believe", "think", "report", "add", "write", "ask", "call", "note", "suggest", "show", "find", "tweet", "describe", "explain", "seem", "continue", "decline", "acknowledge", "endorse", "criticize", "criticise", "appear", "declare", "expect", "refer", "urge", "cite", "recall", "support", "want", "conclude", "defend", "respond", "praise", "agree", "propose", "hope", "state", "know", "refuse", "warn", "promise", "insist", "reply", "oppose", "reveal", "seek", "predict", "offer", "question", "pledge", "vow", "fear", "dismiss", "blame", "admit", "attack", "indicate", "express", "confirm", "view", "blast", "post", "assure", "order", "back", "discuss", "mock", "feel", "sign", "talk", "decide", "denounce", "prefer", "reiterate", "identify", "assert", "estimate", "consider", "concede", "learn", "speak", "thank", "mention", "slam", "charge", "lament", "decry", "complain", "repeat", "joke", "highlight", "emphasize", "emphasise", "stress", "echo", "compare", "portray", "favor", "favour", "request", "condemn", "allege", "welcome", "encourage", "shout", "chant", "quote", "read", "reveal", "testify", "remark", "comment", "observe", "point", "worry", "doubt", "suspect", "wonder", "imagine", "recommend", "demand", "insist", "contend", "maintain", "predict", "forecast", "caution", "concede", "confess", "disclose", "divulge", "inform", "notify", "announce", "proclaim", "assert", "affirm", "reaffirm", "retort", "counter", "rebut", "refute", "reject", "dispute", "deplore", "lambast", "rail", "scold", "chide", "accuse", "applaud", "hail", "laud", "tout", "boast", "brag", "vow", "swear", "threaten", "propose", "suggest", "advise", "argue", "reason", "speculate", "guess", "figure", "assume", "reckon", "estimate", "calculate", "project", "expect", "anticipate", "fear", "hope", "wish", "demand", "insist", "pledge", "promise", "guarantee", "acknowledge", "admit", "concede", "recognize", "recognise", "confirm", "verify", "deny", "dismiss", "reject", "contradict", "challenge", "question", "doubt", "criticism", "claim", "statement", "assessment", "belief", "view", "opinion", "argument", "allegation", "accusation", "report", "decision", "remark", "comment", "suggestion", "warning", "promise", "announcement", "testimony", "interview", "according", "describe", "characterize", "label", "brand", "dub", "term"])

# A run this many tokens from a cue in the next/previous sentence still belongs to it.
NEAR_GAP = 4
MODIFIER_DEPS = frozenset({"prep", "advcl", "parataxis", "advmod", "npadvmod", "conj", "acl", "relcl"})

# Lemmas that head a PolNeAR train cue at least 3 times and at least 15% of the time they occur
# (train minus its last 84 articles, verbs/nouns/adjectives; obvious noise removed by hand). A
# weaker signal than the list above: stance and evaluation words ("praise", "skeptical").
TRAIN_CUE_LEMMAS = frozenset(["say", "tell", "call", "accord", "ask", "add", "write", "show", "support", "suggest", "note", "report", "argue", "see", "know", "question", "announce", "seem", "want", "expect", "describe", "talk", "claim", "appear", "point", "find", "endorse", "statement", "seek", "criticize", "continue", "accuse", "tweet", "offer", "promise", "believe", "respond", "cite", "explain", "declare", "look", "acknowledge", "speak", "decline", "refer", "agree", "plan", "mention", "praise", "defend", "hop", "insist", "refuse", "urge", "warn", "oppose", "express", "back", "vow", "focus", "view", "release", "discuss", "propose", "pledge", "recall", "criticism", "push", "consider", "clear", "conclude", "reveal", "predict", "sign", "decide", "concern", "fear", "hope", "blast", "blame", "reject", "denounce", "address", "dismiss", "worry", "favor", "feel", "indicate", "deny", "endorsement", "admit", "share", "answer", "remember", "confirm", "charge", "reply", "attention", "remark", "mock", "like", "repeat", "read", "echo", "slam", "tout", "identify", "order", "recognize", "highlight", "deliver", "list", "learn", "portray", "assure", "doubt", "complain", "embrace", "threaten", "request", "prefer", "advocate", "aim", "chant", "emphasize", "remind", "demand", "nominate", "opposition", "assert", "joke", "reference", "estimate", "promote", "encourage", "condemn", "allege", "reiterate", "compare", "concede", "boast", "sound", "thank", "introduce", "voice", "stress", "ignore", "lament", "determine", "rail", "argument", "present", "publish", "disclose", "convince", "launch", "accept", "wonder", "deem", "persuade", "intend", "detail", "shout", "decry", "imply", "hint", "letter", "credit", "suggestion", "quote", "signal", "eager", "confident", "applaud", "assertion", "underscore", "apologize", "assail", "recommend", "anger", "opinion", "willing", "complaint", "plead", "dispute", "advice", "demonstrate", "cheer", "boo", "outline", "quick", "skeptical", "approve", "unclear", "welcome", "worried", "caution", "allegation", "enjoy", "disavow", "aware", "concerned", "celebrate", "regard", "champion", "stance", "congratulate", "rattle", "tend", "title", "adopt", "distance", "attribute", "counter", "hopeful", "brag", "accusation", "expose", "appoint", "cry", "warning", "recite", "rebuke", "hail", "realize", "paint", "recount", "envision", "rebut", "alarm", "anxiety", "speculate", "confidence", "invoke", "consensus", "critique", "guilty", "suspect", "devote", "yell", "weigh", "resist", "imagine", "vouch", "disagreement", "bemoan", "articulate", "proclaim", "design", "rip", "stump", "sue", "assumption", "pivot", "deride", "assume", "display", "dislike", "liken", "forecast", "allude", "sharp", "understanding", "inform", "rebuff", "guess", "disclosure", "restrict", "notion", "renew", "seize", "scrutiny", "observe", "harsh", "invite", "retweete", "label", "swipe", "reaffirm", "clarify", "outspoken", "interject", "balk", "reluctant", "frame", "interpret", "contemplate", "spar", "react", "interested", "affirm", "acquiesce", "brush", "favorable", "notice", "forget", "contend", "laugh", "pitch", "shrug", "chide", "sentiment", "lash", "contradict", "desire", "disagree", "belief", "wary", "speculation", "characterize", "unveil", "backing", "supportive", "passion", "obvious", "fierce", "endorses", "assessment", "optimistic", "hammer", "broadcast", "dub", "tribute", "lambast", "refusal", "prohibit", "dedicate", "smile", "talking", "upset", "repudiate", "bash", "description", "dwell", "discover", "opt", "rejection", "nervous", "mandate", "recognition", "quip", "inclination", "utter", "relish", "withdraw", "seemed", "vocal", "circulate", "peg", "felt", "inclined", "justify", "column", "enthusiastic", "pump", "testify", "glad", "scar", "resonate", "coin", "refrain", "downplay", "erupt", "mull", "unleash", "slogan", "trumpet", "unhappy", "proponent", "finger", "horrify", "impassioned", "admire", "preach", "greet", "assurance", "bitter", "anticipate", "withhold", "scorn", "devoted", "savage", "plea", "trash", "veto", "impressed", "lecture", "perception", "illustrate", "jab", "insistence", "herald", "scoff", "strive", "keen", "startle", "denunciation", "renounce", "revile", "enamored", "mince", "reluctance", "stern", "foresee", "reassure", "infuriate", "admission", "opine", "dismay", "desperate", "subtle", "posit", "defender", "resistance", "calculate", "query", "apology", "formal", "comfortable", "deflect", "rumor", "hostility", "explore", "adamant", "pronounce", "muse", "rouse", "thrill", "shocked", "bristle", "silence", "contention", "petition", "unaware", "chatter", "prediction"]) - REPORTING_LEMMAS

QUOTE_OPEN = {"\u201c", "\u00ab", "\u201e"}  # “ « „ (continental copy closes „ with “)
QUOTE_CLOSE = {"\u201d", "\u00bb"}
QUOTE_BOTH = {'"', "''", "``"}


@dataclass
class TaggedAttribution:
    """One predicted attribution: character fragments (doc.text slices) per role."""

    source: list[tuple[int, int]] = field(default_factory=list)
    cue: list[tuple[int, int]] = field(default_factory=list)
    content: list[tuple[int, int]] = field(default_factory=list)
    # The CRF's marginal probability of the cue's labels (the least sure cue token).
    cue_confidence: float = 1.0


def is_available() -> bool:
    return MODEL_PATH.is_file()


@functools.lru_cache(maxsize=1)
def _tagger():
    import pycrfsuite

    tagger = pycrfsuite.Tagger()
    tagger.open(str(MODEL_PATH))
    return tagger


# ------------------------------------------------------------------ sequences and features

def paragraphs(doc: Doc) -> Iterator[list[Token]]:
    """Non-space tokens grouped by paragraph (a whitespace token holding a newline ends one)."""
    current: list[Token] = []
    for tok in doc:
        if tok.is_space or not tok.text.strip():
            if "\n" in tok.text and current:
                yield current
                current = []
            continue
        current.append(tok)
        if "\n" in tok.whitespace_ and current:
            yield current
            current = []
    if current:
        yield current


def _reporting(lemma: str, pos: str) -> bool:
    if pos not in ("VERB", "NOUN", "AUX", "ADJ", "PROPN"):
        return False
    if lemma == "state":  # "the state" is mostly a polity in political news
        return pos == "VERB"
    return lemma in REPORTING_LEMMAS or lemma in TRAIN_CUE_LEMMAS


def _quote_kind(text: str) -> str:
    if text in QUOTE_OPEN:
        return "open"
    if text in QUOTE_CLOSE:
        return "close"
    if text in QUOTE_BOTH:
        return "both"
    return ""


def _quote_states(texts: list[str]) -> tuple[list[str], list[tuple[int, int]]]:
    """Per token: 'in' inside a quotation, 'q' a quote mark, '' outside; plus the (open, close)
    token positions of each quotation. State is tracked over the paragraph; an unclosed quote
    only runs to the paragraph end."""
    states = []
    spans = []
    inside = False
    opened = 0
    low_opener = False  # the open quotation began with „, so “ closes it
    for k, text in enumerate(texts):
        kind = _quote_kind(text)
        if inside and low_opener and text == "\u201c":
            kind = "close"
        if kind:
            low_opener = text == "\u201e" if not inside else low_opener
            closing = kind == "close" or (kind == "both" and inside)
            if closing and inside:
                spans.append((opened, k))
            if not closing:
                opened = k
            inside = not closing
            states.append("q")
        else:
            states.append("in" if inside else "")
    if inside:
        spans.append((opened, len(texts) - 1))
    return states, spans


def _shape(text: str) -> str:
    out = []
    for ch in text[:6]:
        c = "X" if ch.isupper() else "x" if ch.islower() else "d" if ch.isdigit() else ch
        if not out or out[-1] != c:
            out.append(c)
    return "".join(out)


def _bucket(d: int) -> str:
    a = abs(d)
    b = "0" if a == 0 else "1" if a == 1 else "2" if a == 2 else "3-4" if a <= 4 else "5-8" if a <= 8 else "9+"
    return ("-" if d < 0 else "+") + b


class _DocArrays:
    """Per-token attributes of a Doc as plain lists, read once: spaCy creates a Python Token
    object on every attribute access through `.head` or `.children`, which dominated the cost."""

    def __init__(self, doc: Doc) -> None:
        n = len(doc)
        self.doc = doc
        self.text: list[str] = []
        self.lower: list[str] = []
        self.lemma: list[str] = []
        self.pos: list[str] = []
        self.tag: list[str] = []
        self.dep: list[str] = []
        self.ent: list[str] = []
        self.sent_start: list[bool] = []
        for t in doc:
            self.text.append(t.text)
            self.lower.append(t.lower_)
            self.lemma.append(t.lemma_.lower())
            self.pos.append(t.pos_)
            self.tag.append(t.tag_)
            self.dep.append(t.dep_)
            self.ent.append(t.ent_iob_ + t.ent_type_ if t.ent_type_ else "O")
            self.sent_start.append(bool(t.is_sent_start))
        # HEAD comes back as unsigned offsets; view them as signed.
        rel = doc.to_array("HEAD").astype("int64").tolist() if n else []
        self.head = [i + h for i, h in enumerate(rel)]
        self.children: list[list[int]] = [[] for _ in range(n)]
        for i, h in enumerate(self.head):
            if h != i:
                self.children[h].append(i)
        self.left = list(range(n))
        self.right = list(range(n))
        for i in range(n):
            x = i
            for _ in range(60):
                h = self.head[x]
                if h == x:
                    break
                self.left[h] = min(self.left[h], i)
                self.right[h] = max(self.right[h], i)
                x = h

    def subtree(self, i: int) -> set[int]:
        out = {i}
        stack = [i]
        while stack:
            for c in self.children[stack.pop()]:
                out.add(c)
                stack.append(c)
        return out


_cache: list[_DocArrays] = []


def _arrays(doc: Doc) -> _DocArrays:
    if not _cache or _cache[0].doc is not doc:
        _cache[:] = [_DocArrays(doc)]
    return _cache[0]


def paragraph_features(toks: list[Token]) -> list[list[str]]:
    """CRF attributes for each token of one paragraph."""
    n = len(toks)
    if not n:
        return []
    A = _arrays(toks[0].doc)
    idx = [t.i for t in toks]
    head, dep, lemma, pos, lower = A.head, A.dep, A.lemma, A.pos, A.lower
    rep = {i for i in idx if _reporting(lemma[i], pos[i])}
    qstate, qspans = _quote_states([A.text[i] for i in idx])
    # Does a reporting word (or colon) sit just before a quote's opening or just after its close?
    q_rv_before = [False] * n
    q_rv_after = [False] * n
    q_edge = [""] * n
    for qs, qe in qspans:
        before = any(idx[j] in rep or A.text[idx[j]] == ":" for j in range(max(0, qs - 4), qs))
        after = any(idx[j] in rep for j in range(qe + 1, min(n, qe + 5)))
        for j in range(qs, qe + 1):
            q_rv_before[j] = before
            q_rv_after[j] = after
        if qs + 1 < qe:
            q_edge[qs + 1] = "first"
            q_edge[qe - 1] = "last"
    # Sentence id per token and reporting words per sentence, for the linear distance feature.
    sid = []
    cur = 0
    for k, i in enumerate(idx):
        if k and A.sent_start[i]:
            cur += 1
        sid.append(cur)
    sent_rep: dict[int, list[int]] = {}
    root_rep: dict[int, str] = {}
    for k, i in enumerate(idx):
        if i in rep:
            sent_rep.setdefault(sid[k], []).append(k)
        if head[i] == i:
            root_rep[sid[k]] = "R" if i in rep else "N"

    # A reporting word hanging off a clause as a modifier ("..., according to X", "..., he said"
    # as parataxis) marks that clause, minus its own subtree, as a candidate content.
    modified: dict[int, str] = {}
    for i in idx:
        if i in rep and head[i] != i and dep[i] in MODIFIER_DEPS:
            own = A.subtree(i)
            for x in sorted(A.subtree(head[i])):
                if x not in own and x not in modified:
                    modified[x] = dep[i] + "|" + lemma[i]

    base: list[list[str]] = []
    short: list[list[str]] = []
    for k, i in enumerate(idx):
        lw = lower[i]
        lem = lemma[i]
        h = head[i]
        d = dep[i]
        f = [
            "w=" + lw, "s3=" + lw[-3:], "sh=" + _shape(A.text[i]), "p=" + pos[i], "t=" + A.tag[i],
            "d=" + d, "l=" + lem, "e=" + A.ent[i], "hl=" + lemma[h], "dh=" + d + "|" + pos[h],
            "q=" + qstate[k],
        ]
        # What hangs below the word: a verb with a clausal complement and a subject is a cue
        # even when it is missing from the lexicon.
        has_comp = False
        for c in A.children[i]:
            cd = dep[c]
            f.append("ch=" + cd)
            if cd in ("ccomp", "xcomp", "dobj"):
                has_comp = True
            elif cd in ("nsubj", "nsubjpass"):
                # Who the verb's subject is: people and organisations speak.
                f.append("sj=" + (A.ent[c][1:] if A.ent[c] != "O" else pos[c]))
        if has_comp:
            f.append("lc=" + lem)
        if h in rep:
            f.append("hrv")
        if i in rep:
            f.append("rv=" + ("hand" if lem in REPORTING_LEMMAS else "data"))
        if k == 0 or sid[k - 1] != sid[k]:
            f.append("sst")
        if k == n - 1 or sid[k + 1] != sid[k]:
            f.append("send")
        if h == i:
            f.append("root")
        if k == 0:
            f.append("pst")
        if k == n - 1:
            f.append("pend")
        if q_rv_before[k]:
            f.append("qrb")
        if q_rv_after[k]:
            f.append("qra")
        if q_edge[k]:
            f.append("qe=" + q_edge[k])
        if A.text[i] == ":" and k <= 6:
            # "NAME: words" opening a paragraph (transcripts, headlines, tweets) is a cue.
            f.append("colon_early")
            if all(lower[idx[j]] != A.text[idx[j]] or pos[idx[j]] == "PROPN" for j in range(k)):
                f.append("colon_after_name")
        mod = modified.get(i)
        if mod is not None:
            f += ["rm=" + mod.split("|")[0], "rml=" + mod]
        # The nearest reporting word at or above the token, and the child of it on the path.
        anchor, child = -1, -1
        x, prev = i, -1
        for _ in range(40):
            if x in rep:
                anchor, child = x, prev
                break
            if head[x] == x:
                break
            prev, x = x, head[x]
        if anchor < 0:
            f.append("a=none")
        else:
            rel = dep[child] if child >= 0 else "self"
            side = "L" if i < anchor else "R" if i > anchor else "0"
            al = lemma[anchor]
            f += ["a=" + rel, "a=" + rel + "|" + side, "al=" + al, "al=" + al + "|" + rel]
            if child >= 0:
                if i == A.left[child]:
                    f.append("a_le")
                if i == A.right[child]:
                    f.append("a_re")
        # Clause edges: the token opens/closes the subtree of an ancestor (up to 4 levels up);
        # and which child of the sentence root holds it.
        x = i
        for _ in range(4):
            if i == A.left[x]:
                f.append("le=" + dep[x])
            if i == A.right[x]:
                f.append("re=" + dep[x])
            if head[x] == x:
                break
            x = head[x]
        x = i
        rc = "root"
        for _ in range(40):
            if head[x] == x:
                break
            if head[head[x]] == head[x]:
                rc = dep[x]
                break
            x = head[x]
        f.append("rc=" + rc + "|" + root_rep.get(sid[k], "N"))
        reps = sent_rep.get(sid[k])
        if reps:
            nearest = min(reps, key=lambda j: abs(j - k))
            f.append("nd=" + _bucket(k - nearest))
        else:
            f.append("nd=none")
        base.append(f)
        short.append(["w=" + lw, "l=" + lem, "p=" + pos[i], "d=" + d, "q=" + qstate[k]]
                     + (["rv"] if i in rep else []))

    out = []
    is_rep = [i in rep for i in idx]
    for k in range(n):
        f = list(base[k])
        for off in (-2, -1, 1, 2):
            j = k + off
            pre = f"{off}:"
            if 0 <= j < n:
                f += [pre + a for a in short[j]]
            else:
                f.append(pre + "BOUND")
        # A reporting word anywhere in the next/previous few tokens.
        if any(is_rep[max(0, k - 6):k]):
            f.append("rv_prev6")
        if any(is_rep[k + 1:k + 7]):
            f.append("rv_next6")
        if k > 0:
            f.append("pp=" + pos[idx[k - 1]] + "|" + pos[idx[k]])
            f.append("ww=" + lower[idx[k - 1]] + "|" + lower[idx[k]])
        if k + 1 < n:
            f.append("wn=" + lower[idx[k]] + "|" + lower[idx[k + 1]])
        out.append(f)
    return out


# ------------------------------------------------------------------ decoding and linking

@dataclass
class _Run:
    role: str
    start: int      # index into the paragraph token list
    end: int        # exclusive


def runs_from_labels(labels: list[str]) -> list[_Run]:
    runs: list[_Run] = []
    cur: _Run | None = None
    for k, lab in enumerate(labels):
        if lab == "O":
            cur = None
            continue
        bio, role = lab.split("-", 1)
        if cur is not None and bio == "I" and cur.role == role and cur.end == k:
            cur.end = k + 1
        else:
            cur = _Run(role, k, k + 1)
            runs.append(cur)
    return runs


def _chars(toks: list[Token], run: _Run) -> tuple[int, int]:
    first, last = toks[run.start], toks[run.end - 1]
    return first.idx, last.idx + len(last.text)


def _tree_link(toks: list[Token], a: _Run, cue: _Run) -> bool:
    """Does a token of run `a` have a token of `cue` among its ancestors (or vice versa)?"""
    cue_ids = {toks[k].i for k in range(cue.start, cue.end)}
    for k in range(a.start, a.end):
        for anc in toks[k].ancestors:
            if anc.i in cue_ids:
                return True
    return False


def _gap(a: _Run, b: _Run) -> int:
    if a.end <= b.start:
        return b.start - a.end
    if b.end <= a.start:
        return a.start - b.end
    return 0


def link(toks: list[Token], runs: list[_Run]) -> list[TaggedAttribution]:
    """Group one paragraph's runs into attributions, one per cue.

    A content or source run joins the cue its parse ties it to, else the nearest cue in reading
    order within the sentence (or just across a sentence break, as in `"A," she said. "B."`).
    Content in a paragraph without any cue, and a source no cue can claim, are dropped.
    """
    cues = [r for r in runs if r.role == "CUE"]
    if not cues:
        return []
    sent_of = []
    for k, t in enumerate(toks):  # sentence number per token (Token.sent is slow)
        sent_of.append(sent_of[-1] + (1 if t.is_sent_start else 0) if k else 0)

    def score(r: _Run, cue: _Run) -> tuple:
        same_sent = sent_of[r.start] == sent_of[cue.start] or sent_of[r.end - 1] == sent_of[cue.start]
        # Fewer cues in between is better: a run belongs to the cue nearest in reading order.
        lo, hi = (r.end, cue.start) if r.end <= cue.start else (cue.end, r.start)
        between = sum(1 for c in cues if c is not cue and lo <= c.start < hi)
        return (not _tree_link(toks, r, cue), between, not same_sent, _gap(r, cue))

    def attached(sc: tuple) -> bool:
        return not sc[0] or not sc[2] or (sc[1] == 0 and sc[3] <= NEAR_GAP)

    out = {id(c): TaggedAttribution(cue=[_chars(toks, c)]) for c in cues}
    # Measured on held-out train: content far from any cue is still more often the paragraph's
    # cue's (quotes running over sentences) than a stray; with no cue at all in the paragraph it
    # is mostly a false positive and is dropped (the early return above).
    for r in runs:
        if r.role == "CONTENT":
            best = min(cues, key=lambda c: score(r, c))
            out[id(best)].content.append(_chars(toks, r))
    sources = [r for r in runs if r.role == "SOURCE"]
    for c in cues:
        if not sources:
            break
        best = min(sources, key=lambda s: score(s, c))
        if attached(score(best, c)):
            out[id(c)].source.append(_chars(toks, best))
    if FALLBACK:
        for c in cues:
            _fill_from_parse(toks, c, out[id(c)])
    return [out[id(c)] for c in cues]


# Parse fallbacks for a cue the tagger left bare. On held-out train they leave role F1 flat
# (+/-0.1) and add ~1 point of whole-attribution exact F1; switchable for experiments.
FALLBACK = True
FALLBACK_MOD = True
CARRY = True
_COMP = ("ccomp", "xcomp", "dobj")


def _fill_from_parse(toks: list[Token], cue: _Run, att: TaggedAttribution) -> None:
    """A cue the tagger left without source or content takes its verb's subject / complement."""
    if att.source and att.content:
        return
    first, last = toks[0].i, toks[-1].i
    cue_ids = {toks[k].i for k in range(cue.start, cue.end)}
    for k in range(cue.start, cue.end):
        for ch in toks[k].children:
            if ch.i in cue_ids or not first <= ch.left_edge.i <= ch.right_edge.i <= last:
                continue
            lo, hi = ch.left_edge, ch.right_edge
            if hi.is_punct and hi.i > lo.i:
                hi = hi.doc[hi.i - 1]
            span = (lo.idx, hi.idx + len(hi.text))
            if not att.source and ch.dep_ == "nsubj":
                att.source.append(span)
            elif not att.content and ch.dep_ in _COMP:
                att.content.append(span)
    if att.content or not FALLBACK_MOD:
        return
    # A cue that modifies a clause ("According to X, CLAUSE", "CLAUSE, he said" as parataxis)
    # reports that clause: the head's subtree on the far side of the cue's own subtree.
    top = toks[cue.start]
    while top.head.i in cue_ids and top.head.i != top.i:
        top = top.head
    if top.head.i == top.i or top.dep_ not in MODIFIER_DEPS:
        return
    head = top.head
    lo, hi = head.left_edge.i, head.right_edge.i
    if not first <= lo <= hi <= last:
        return
    doc = top.doc
    if top.left_edge.i - lo > hi - top.right_edge.i:
        a, b = lo, top.left_edge.i - 1
    else:
        a, b = top.right_edge.i + 1, hi
    while a <= b and (doc[a].is_punct or doc[a].is_space):
        a += 1
    while b >= a and (doc[b].is_punct or doc[b].is_space):
        b -= 1
    if a <= b:
        att.content.append((doc[a].idx, doc[b].idx + len(doc[b].text)))


@dataclass
class Tagging:
    """The tagger's view of one Doc: its attributions, and for every token the probability that it
    belongs to a cue / a source (B- + I- marginals), which lets the rules' spans be checked against it."""

    attributions: list[TaggedAttribution]
    cue_probability: dict[int, float]
    source_probability: dict[int, float] = field(default_factory=dict)
    content_probability: dict[int, float] = field(default_factory=dict)


# How much of a token's label distribution comes from the neural tagger (the rest from the CRF's
# marginals), when its weights are installed. Chosen on PolNeAR train's held-out slice.
NET_WEIGHT = 0.5


def _label_probabilities(crf, feats: list[list[str]], net_probs) -> np.ndarray:
    """Per-token distribution over attribution_net.LABELS: the CRF's marginals, blended with the net's."""
    crf.set(feats)
    labels = attribution_net.LABELS[1:]  # "O" is what the others leave
    probs = np.empty((len(feats), len(attribution_net.LABELS)), dtype="float32")
    probs[:, 1:] = [[crf.marginal(label, k) for label in labels] for k in range(len(feats))]
    probs[:, 0] = 1.0 - probs[:, 1:].sum(axis=1)
    if net_probs is not None:
        probs = (1.0 - NET_WEIGHT) * probs + NET_WEIGHT * net_probs
    return probs


def _tagger_inputs(doc: Doc) -> Iterator[tuple[list[Token], list[list[str]], np.ndarray | None]]:
    """(paragraph tokens, CRF features, network probabilities or None) paragraph by paragraph, built a
    few thousand tokens at a time: the feature strings of a book-length text would fill gigabytes."""
    use_net = NET_WEIGHT > 0 and attribution_net.is_available()
    net = attribution_net.load(attribution_net.MODEL_PATH) if use_net else None
    batch: list[list[Token]] = []
    size = 0
    for toks in itertools.chain(paragraphs(doc), [None]):
        if toks is not None:
            batch.append(toks)
            size += len(toks)
            if size < attribution_net.BATCH_TOKENS:
                continue
        feats = [paragraph_features(t) for t in batch]
        probs = net.predict([attribution_net.encode(f) for f in feats]) if net is not None and feats \
            else [None] * len(feats)
        yield from zip(batch, feats, probs)
        batch, size = [], 0


def tag(doc: Doc) -> Tagging:
    """Tag `doc` with the shipped CRF (blended with the neural tagger when its weights are present)."""
    crf = _tagger()
    result: list[TaggedAttribution] = []
    cue_probability: dict[int, float] = {}
    source_probability: dict[int, float] = {}
    content_probability: dict[int, float] = {}
    index = attribution_net.LABEL_INDEX
    by_role = {"CUE": cue_probability, "SOURCE": source_probability, "CONTENT": content_probability}
    for toks, f, p_net in _tagger_inputs(doc):
        probs = _label_probabilities(crf, f, p_net)
        # The CRF alone decodes with its own transition weights; a blend decodes the blended marginals.
        labels = crf.tag() if p_net is None else attribution_net.decode(probs)
        for role, into in by_role.items():
            in_role = probs[:, index["B-" + role]] + probs[:, index["I-" + role]]
            into.update(zip((t.i for t in toks), in_role.tolist()))
        runs = runs_from_labels(labels)
        atts = link(toks, runs)
        for att in atts:
            cs, ce = att.cue[0]
            sure = [float(probs[k, index[labels[k]]]) for k, t in enumerate(toks) if cs <= t.idx < ce]
            att.cue_confidence = min(sure, default=1.0)
        if not atts and result and CARRY and _quote_kind(toks[0].text) in ("open", "both"):
            # A quotation running on from the previous paragraph (it opens with a quote mark
            # and has no cue of its own) belongs to the last attribution.
            result[-1].content.extend(_chars(toks, r) for r in runs if r.role == "CONTENT")
        result.extend(atts)
    _cache.clear()  # do not keep the last Doc alive
    for att in result:
        att.content.sort()
    result.sort(key=lambda a: min(a.cue + a.source + a.content))
    return Tagging(result, cue_probability, source_probability, content_probability)


def predict(doc: Doc) -> list[TaggedAttribution]:
    """The tagger's attributions for `doc`, in text order."""
    return tag(doc).attributions
