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
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from spacy.tokens import Doc, Span, Token

MODEL_PATH = Path(__file__).parent / "models" / "attribution_crf.crfsuite"

ROLES = ("SOURCE", "CUE", "CONTENT")

# Lemmas that head attribution cues (speech, cognition, stance, evidence). Drawn from what
# heads cues in PolNeAR train plus common newswire reporting verbs; the CRF also sees the raw
# lemma, so this list only has to generalise, not be complete.
REPORTING_LEMMAS = frozenset("""
say tell claim deny argue accuse accord announce believe think report add write ask call note
suggest show find tweet describe explain seem continue decline acknowledge endorse criticize
criticise appear declare expect refer urge cite recall support want conclude defend respond praise
agree propose hope state know refuse warn promise insist reply oppose reveal seek predict offer
question pledge vow fear dismiss blame admit attack indicate express confirm view blast post assure
order back discuss mock feel sign talk decide denounce prefer reiterate identify assert estimate
consider concede learn speak thank mention slam charge lament decry complain repeat joke highlight
emphasize emphasise stress echo compare portray favor favour request condemn allege welcome
encourage shout chant quote read reveal testify remark comment observe point worry doubt suspect
wonder imagine recommend demand insist contend maintain predict forecast caution concede confess
disclose divulge inform notify announce proclaim assert affirm reaffirm retort counter rebut refute
reject dispute deplore lambast rail scold chide accuse applaud hail laud tout boast brag vow swear
threaten propose suggest advise argue reason speculate guess figure assume reckon estimate calculate
project expect anticipate fear hope wish demand insist pledge promise guarantee acknowledge admit
concede recognize recognise confirm verify deny dismiss reject contradict challenge question doubt
criticism claim statement assessment belief view opinion argument allegation accusation report
decision remark comment suggestion warning promise announcement testimony interview according
describe characterize label brand dub term
""".split())

QUOTE_OPEN = {"\u201c", "\u00ab"}
QUOTE_CLOSE = {"\u201d", "\u00bb"}
QUOTE_BOTH = {'"', "''", "``"}


@dataclass
class TaggedAttribution:
    """One predicted attribution: character fragments (doc.text slices) per role."""

    source: list[tuple[int, int]] = field(default_factory=list)
    cue: list[tuple[int, int]] = field(default_factory=list)
    content: list[tuple[int, int]] = field(default_factory=list)


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


def _is_reporting(tok: Token) -> bool:
    return tok.lemma_.lower() in REPORTING_LEMMAS and tok.pos_ in ("VERB", "NOUN", "AUX", "ADJ", "PROPN")


def _quote_kind(text: str) -> str:
    if text in QUOTE_OPEN:
        return "open"
    if text in QUOTE_CLOSE:
        return "close"
    if text in QUOTE_BOTH:
        return "both"
    return ""


def _quote_states(toks: list[Token]) -> tuple[list[str], list[tuple[int, int]]]:
    """Per token: 'in' inside a quotation, 'q' a quote mark, '' outside; plus the (open, close)
    token positions of each quotation. State is tracked over the paragraph; an unclosed quote
    only runs to the paragraph end."""
    states = []
    spans = []
    inside = False
    opened = 0
    for k, tok in enumerate(toks):
        kind = _quote_kind(tok.text)
        if kind:
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
        spans.append((opened, len(toks) - 1))
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


def _anchor(tok: Token, rep: set[int]) -> tuple[Token | None, Token | None]:
    """The nearest reporting word at or above `tok` in its tree, and the child of it on the path."""
    prev = None
    x = tok
    for _ in range(40):
        if x.i in rep:
            return x, prev
        if x.head.i == x.i:
            return None, None
        prev, x = x, x.head
    return None, None


def _root_child(tok: Token) -> Token | None:
    """The child of the sentence root whose subtree holds `tok` (None for the root itself)."""
    x = tok
    for _ in range(40):
        if x.head.i == x.i:
            return None
        if x.head.head.i == x.head.i:
            return x
        x = x.head
    return None


def paragraph_features(toks: list[Token]) -> list[list[str]]:
    """CRF attributes for each token of one paragraph."""
    n = len(toks)
    rep = {t.i for t in toks if _is_reporting(t)}
    qstate, qspans = _quote_states(toks)
    # Does a reporting word (or colon) sit just before a quote's opening or just after its close?
    q_rv_before = [False] * n
    q_rv_after = [False] * n
    for qs, qe in qspans:
        before = any(toks[j].i in rep or toks[j].text == ":" for j in range(max(0, qs - 4), qs))
        after = any(toks[j].i in rep for j in range(qe + 1, min(n, qe + 5)))
        for j in range(qs, qe + 1):
            q_rv_before[j] = before
            q_rv_after[j] = after
    # Linear distance to the nearest reporting word of the same sentence.
    sent_rep: dict[int, list[int]] = {}
    for k, t in enumerate(toks):
        if t.i in rep:
            sent_rep.setdefault(t.sent.start, []).append(k)

    base: list[list[str]] = []
    short: list[list[str]] = []
    for k, t in enumerate(toks):
        lower = t.lower_
        lem = t.lemma_.lower()
        sent = t.sent
        f = [
            "w=" + lower, "s3=" + lower[-3:], "sh=" + _shape(t.text), "p=" + t.pos_, "t=" + t.tag_,
            "d=" + t.dep_, "l=" + lem, "e=" + (t.ent_iob_ + t.ent_type_ if t.ent_type_ else "O"),
            "hl=" + t.head.lemma_.lower(), "dh=" + t.dep_ + "|" + t.head.pos_,
            "q=" + qstate[k],
        ]
        if t.i in rep:
            f.append("rv")
        if t.i == sent.start:
            f.append("sst")
        if t.i == sent.end - 1:
            f.append("send")
        if t.i == sent.root.i:
            f.append("root")
        if k == 0:
            f.append("pst")
        if k == n - 1:
            f.append("pend")
        if q_rv_before[k]:
            f.append("qrb")
        if q_rv_after[k]:
            f.append("qra")
        anchor, child = _anchor(t, rep)
        if anchor is None:
            f.append("a=none")
        else:
            rel = child.dep_ if child is not None else "self"
            side = "L" if t.i < anchor.i else "R" if t.i > anchor.i else "0"
            f += ["a=" + rel, "a=" + rel + "|" + side, "al=" + anchor.lemma_.lower(),
                  "al=" + anchor.lemma_.lower() + "|" + rel]
            if child is not None:
                if t.i == child.left_edge.i:
                    f.append("a_le")
                if t.i == child.right_edge.i:
                    f.append("a_re")
        rc = _root_child(t)
        root_rep = "R" if sent.root.i in rep else "N"
        f.append("rc=" + (rc.dep_ if rc is not None else "root") + "|" + root_rep)
        if rc is not None:
            if t.i == rc.left_edge.i:
                f.append("rc_le")
            if t.i == rc.right_edge.i:
                f.append("rc_re")
        reps = sent_rep.get(sent.start)
        if reps:
            nearest = min(reps, key=lambda j: abs(j - k))
            f.append("nd=" + _bucket(k - nearest))
        else:
            f.append("nd=none")
        base.append(f)
        short.append(["w=" + lower, "p=" + t.pos_, "d=" + t.dep_, "q=" + qstate[k]] + (["rv"] if t.i in rep else []))

    out = []
    for k in range(n):
        f = list(base[k])
        for off in (-2, -1, 1, 2):
            j = k + off
            pre = f"{off}:"
            if 0 <= j < n:
                f += [pre + a for a in short[j]]
            else:
                f.append(pre + "BOUND")
        if k > 0:
            f.append("pp=" + toks[k - 1].pos_ + "|" + toks[k].pos_)
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
    """Group one paragraph's runs into attributions, one per cue."""
    cues = [r for r in runs if r.role == "CUE"]
    if not cues:
        return []
    sent_of = [t.sent.start for t in toks]

    def score(r: _Run, cue: _Run) -> tuple:
        same_sent = sent_of[r.start] == sent_of[cue.start] or sent_of[r.end - 1] == sent_of[cue.start]
        # Fewer cues in between is better: a run belongs to the cue nearest in reading order.
        lo, hi = (r.end, cue.start) if r.end <= cue.start else (cue.end, r.start)
        between = sum(1 for c in cues if c is not cue and lo <= c.start < hi)
        return (not _tree_link(toks, r, cue), between, not same_sent, _gap(r, cue))

    out = {id(c): TaggedAttribution(cue=[_chars(toks, c)]) for c in cues}
    for r in runs:
        if r.role == "CONTENT":
            best = min(cues, key=lambda c: score(r, c))
            out[id(best)].content.append(_chars(toks, r))
    sources = [r for r in runs if r.role == "SOURCE"]
    for c in cues:
        if not sources:
            break
        best = min(sources, key=lambda s: score(s, c))
        b = score(best, c)
        if b[0] is False or not b[2]:
            out[id(c)].source.append(_chars(toks, best))
    return [out[id(c)] for c in cues]


def predict(doc: Doc) -> list[TaggedAttribution]:
    """Tag `doc` with the shipped CRF and return its attributions in text order."""
    tagger = _tagger()
    result: list[TaggedAttribution] = []
    for toks in paragraphs(doc):
        labels = tagger.tag(paragraph_features(toks))
        result.extend(link(toks, runs_from_labels(labels)))
    for att in result:
        att.content.sort()
    return result
