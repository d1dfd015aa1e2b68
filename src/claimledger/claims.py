"""The contested-claims board: group attributions across articles into propositions, with two sides.

Input is any iterable of `claimledger.report/1` dicts (one article, a JSONL file, or a ledger).
1. Each attribution's content is reduced to its proposition (`stance.core`: "no evidence that X" -> X).
2. The propositions are grouped (`grouping.py`: sentence embeddings, predicate phrases and key words,
   local scaling, average linkage; blocked neighbour lists on large ledgers).
3. Per group the clearest affirmative content is the proposition; each member's stance toward it comes
   from `stance.stance_toward`. Ranking: contested first, then distinct sources, then recency.
"""

from __future__ import annotations

import dataclasses
import hashlib
import html
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import stance as st
from .grouping import EMBEDDING_PARAMS, LEXICAL_PARAMS, WORD_RE, Blocking, GroupingParams, group_texts
from .report import content_words, outermost

CONTESTED, ASSERTED, DENIED = "contested", "asserted", "denied"
UNATTRIBUTED = "(unattributed)"


@dataclass
class ClaimEntry:
    """One attribution on one side of a claim, with what a desk needs to check it."""

    source: str                 # resolved name, else the source phrase
    source_text: str
    source_kind: str
    attribution_id: str
    article_id: str
    published: str | None
    content: str
    start: int
    end: int
    cue: str
    stance: str                 # asserts | denies
    reasons: list[str] = field(default_factory=list)
    quoting: str | None = None  # whom the source relays ("the judge said, according to the Post")
    named: bool = False         # the source resolved to a name (else only its phrase is known)
    fragments: list[tuple[int, int]] = field(default_factory=list)  # a content split around its cue
    cue_start: int | None = None
    cue_end: int | None = None
    span_text: str | None = None  # the article's text[start:end] (`content` joins split pieces with "…")

    @property
    def who(self) -> str:
        """The source as a reader wants it: name, the phrase when it differs, whom it quotes."""
        who = self.source if self.source == self.source_text else f"{self.source} ({self.source_text})"
        return f"{who}, quoting {self.quoting}" if self.quoting else who

    def to_dict(self) -> dict[str, Any]:
        attributed = self.source_text != UNATTRIBUTED
        content: dict[str, Any] = {"text": self.content if self.span_text is None else self.span_text,
                                   "start": self.start, "end": self.end}
        if self.fragments:
            content["fragments"] = [{"start": s, "end": e} for s, e in self.fragments]
            content["shown"] = self.content
        return {"source": self.source if attributed else None, "source_text": self.source_text if attributed else None,
                "source_kind": self.source_kind, "attribution_id": self.attribution_id,
                "article_id": self.article_id, "published": self.published, "content": content,
                "cue": self.cue, "cue_span": None if self.cue_start is None else {"start": self.cue_start,
                                                                                  "end": self.cue_end},
                "stance": self.stance, "reasons": list(self.reasons),
                **({"quoting": self.quoting} if self.quoting else {})}


@dataclass
class Claim:
    id: str
    proposition: str
    asserts: list[ClaimEntry] = field(default_factory=list)
    denies: list[ClaimEntry] = field(default_factory=list)
    # (article id, attribution id) whose content words the proposition
    proposition_from: tuple[str, str] | None = None

    @property
    def status(self) -> str:
        if self.asserts and self.denies:
            return CONTESTED
        return ASSERTED if self.asserts else DENIED

    @property
    def entries(self) -> list[ClaimEntry]:
        return self.asserts + self.denies

    @property
    def sources(self) -> set[str]:
        return set(_source_keys(self.entries).values())

    @property
    def source_names(self) -> list[str]:
        """One name per counted source: the longest way the claim's entries name it."""
        keys = _source_keys(self.entries)
        longest: dict[str, str] = {}
        for e in self.entries:
            if id(e) in keys and len(e.source) > len(longest.get(keys[id(e)], "")):
                longest[keys[id(e)]] = e.source
        return sorted(longest.values())

    @property
    def opposed(self) -> bool:
        """Contested by two different sources, not one source on both sides (a grouping slip, or a
        source changing its account: worth a look, but not a dispute between sources)."""
        keys = _source_keys(self.entries)
        asserting = {keys[id(e)] for e in self.asserts if id(e) in keys}
        denying = {keys[id(e)] for e in self.denies if id(e) in keys}
        return any(a != d for a in asserting for d in denying)

    @property
    def articles(self) -> set[str]:
        return {e.article_id for e in self.entries}

    @property
    def latest(self) -> str:
        return max((e.published or "" for e in self.entries), default="")

    def to_dict(self) -> dict[str, Any]:
        origin = None
        if self.proposition_from:
            origin = {"article_id": self.proposition_from[0], "attribution_id": self.proposition_from[1]}
        return {"id": self.id, "proposition": self.proposition, "proposition_from": origin, "status": self.status,
                "opposed": self.opposed, "sources": len(self.sources), "source_names": self.source_names,
                "articles": len(self.articles), "latest": self.latest or None,
                "asserts": [e.to_dict() for e in self.asserts], "denies": [e.to_dict() for e in self.denies]}


_PROPER_WORD = re.compile(r"\s[A-Z]")


def _source_key(entry: ClaimEntry) -> str:
    if entry.named:
        return entry.source.lower()
    # An unnamed phrase is one source across articles only when it names a body ("the Tavir Water
    # Authority"); "Her office", "the company" or "a senior official" are known to be the same only
    # within one article.
    if _PROPER_WORD.search(entry.source_text) and entry.source_kind not in ("anonymous", "unknown"):
        return entry.source_text.lower()
    return f"{entry.article_id}\x00{entry.source_text.lower()}"


def _source_keys(entries: list[ClaimEntry]) -> dict[int, str]:
    """Each entry's source key (by `id(entry)`) for counting sources: a surname alone ("Marrow") is the
    full name given elsewhere in the claim ("Ilse Marrow"); one content span of one article counts once
    however many sources the extractor gave it; unattributed entries count for nothing."""
    keys: dict[int, str] = {}
    spans: set[tuple[str, int, int]] = set()
    for e in entries:
        span = (e.article_id, e.start, e.end)
        if e.source_text == UNATTRIBUTED or span in spans:
            continue
        spans.add(span)
        keys[id(e)] = _source_key(e)
    full = {k.rsplit(" ", 1)[-1]: k for k in sorted(set(keys.values())) if " " in k and "\x00" not in k}
    return {i: full.get(k, k) if " " not in k else k for i, k in keys.items()}


# ------------------------------------------------------------------ items: attributions with context

@dataclass
class _Item:
    attribution: dict[str, Any]
    article_id: str
    published: str | None
    core: str
    answers: str | None = None  # an anaphoric answer ("disputed that account"): the statement it answers
    # Who an unnamed pronoun source stands for ("He" after "A UN spokesman said"): that phrase.
    speaker: str | None = None

    @property
    def match_text(self) -> str:
        """What grouping compares: the proposition without its polarity."""
        return st.without_negation(self.core)


# A content that only points back at what was said before it: "disputed that account", "said that was
# not true", "rejected the allegations", "called it a lie".
# "disputed that account", "dismissed that account as invention", "said that was not true": an answer to
# the statement before it, not a proposition of its own.
_ANAPHORIC = re.compile(
    r"^\W*(?:that|this|it|those|these|the|such)\s+"
    r"(?:(?:account|claims?|version|reports?|allegations?|accusations?|charges?|characteri[sz]ation|description"
    r"|assertions?|statements?|suggestions?|figures?|numbers?|story|stories)\b(?:\s+as\s+[\w\s'’-]{1,40})?\W*$"
    r"|(?:(?:claims?|account|report|allegations?|story)\s+)?(?:is|was|are|were)\s+(?:not\s+|simply\s+|completely\s+)*"
    r"(?:true|false|untrue|correct|incorrect|wrong|accurate|inaccurate|a\s+lie|lies|nonsense|baseless|unfounded)\b)"
    r"|^\W*(?:it|that|this)\W*$",
    re.I)


def _speaker(attribution: dict[str, Any]) -> str:
    source = attribution.get("source") or {}
    return (source.get("name") or source.get("text") or "").lower()


# Cues of a call to act ("called for the state to pause its clinics"): nothing there is a claim to reject.
_CALLS = frozenset("call urge demand appeal ask recommend push".split())


def _answered(attributions: list[dict[str, Any]], k: int) -> dict[str, Any] | None:
    """The statement an anaphoric content answers: the nearest earlier attribution of another source;
    for a denial ("dismissed the reports as propaganda"), the nearest that asserts something, since
    reports and claims are dismissed, not the doubts raised about them."""
    me = attributions[k]
    at = int((me.get("cue") or {}).get("start", 0))
    cue = me.get("cue") or {}
    denial = st.intrinsic(cue.get("lemma"), cue.get("text", ""), content_words(me.get("content"))).polarity < 0
    candidates = []
    for other in reversed(attributions[:k]):
        content = other.get("content") or {}
        said = content_words(content)
        if int(content.get("end", 0)) <= at and _speaker(other) != _speaker(me) and not _ANAPHORIC.search(said) \
                and len(WORD_RE.findall(st.core(said))) >= 2 and (other.get("cue") or {}).get("lemma") not in _CALLS:
            candidates.append(other)
    if denial:
        asserting = [o for o in candidates if st.intrinsic((o.get("cue") or {}).get("lemma"), (o.get("cue") or {}).get(
            "text", ""), content_words(o.get("content"))).polarity > 0]
        if asserting:
            return asserting[0]
    return candidates[0] if candidates else None


_EVIDENCE_CUES = frozenset({"cite"})
# A correction quoting the outlet's own earlier text: what it stated is withdrawn, no one's live assertion.
_RETRACTED = re.compile(r"\b(?:earlier|previous|original|prior) (?:version|edition|draft) of this\b", re.I)


def _items(reports: Iterable[dict[str, Any]]) -> list[_Item]:
    items: list[_Item] = []
    for report in reports:
        article = report.get("article") or {}
        attributions = sorted(outermost(report.get("attributions") or []),
                              key=lambda a: int((a.get("cue") or {}).get("start", 0)))
        by_id = {a.get("id"): a for a in report.get("attributions") or []}
        for k, attribution in enumerate(attributions):
            content = content_words(attribution.get("content"))
            proposition, answers = st.core(content), None
            if _ANAPHORIC.search(content):
                # Grouped by what it answers; its side still comes from its own cue and words.
                answered = _answered(attributions, k)
                if answered is not None:
                    answers = content_words(answered.get("content"))
                    proposition = st.core(answers)
            if len(WORD_RE.findall(proposition)) < 2:  # "No." or a lone name states nothing to group
                continue
            if (attribution.get("cue") or {}).get("lemma") in _EVIDENCE_CUES:
                continue  # "..., citing intercepted radio traffic": the evidence named, not a proposition
            if _RETRACTED.search((attribution.get("source") or {}).get("text") or ""):
                continue  # "An earlier version of this article incorrectly stated ...": withdrawn, not live

            first = (by_id.get((attribution.get("source") or {}).get("same_as")) or {}).get("source") or {}
            items.append(_Item(attribution, str(article.get("id", "")), article.get("published"), proposition,
                               answers, first.get("name") or first.get("text")))
    return items

# ------------------------------------------------------------------ claims

def _entry(item: _Item, stance: st.Stance) -> ClaimEntry:
    a = item.attribution
    source = a.get("source") or {}
    content = a.get("content") or {}
    cue = a.get("cue") or {}
    source_text = source.get("text") or UNATTRIBUTED
    relayed = a.get("original_source") or {}
    fragments = [(int(f["start"]), int(f["end"])) for f in content.get("fragments") or ()]
    return ClaimEntry(
        source=source.get("name") or item.speaker or source_text, source_text=source_text,
        source_kind=source.get("kind") or "unknown", attribution_id=str(a.get("id", "")),
        article_id=item.article_id, published=item.published, content=content_words(content),
        start=int(content.get("start", 0)), end=int(content.get("end", 0)), cue=cue.get("text", ""),
        stance=stance.label, reasons=stance.reasons, quoting=relayed.get("name") or relayed.get("text"),
        named=bool(source.get("name")), fragments=fragments if len(fragments) > 1 else [],
        cue_start=cue.get("start"), cue_end=cue.get("end"), span_text=content.get("text"))


def _proposition_index(group: list[int], items: list[_Item], centrality: np.ndarray,
                       clauses: dict[int, bool]) -> int:
    """The clearest affirmative member: no denial cue or negation, a sentence of its own (a finite verb,
    no pronoun to open it) rather than a phrase ("the findings", "taking any money"), in the reporter's
    words rather than a quote (quotes say "I" and "we"), most central, then shortest."""
    position = {i: x for x, i in enumerate(group)}

    def rank(i: int) -> tuple[int, int, int, int, float, int]:
        a = items[i].attribution
        cue = a.get("cue") or {}
        own = st.intrinsic(cue.get("lemma"), cue.get("text", ""), content_words(a.get("content")))
        quoted = a.get("form") == "direct" or bool(_FIRST_PERSON.search(items[i].core))
        # "The dam is intact" is affirmative in form but the denying side of "destroyed"/"intact".
        contrary = sum(side < 0 for side in st.antonym_classes(items[i].core).values())
        unclear = int(not clauses.get(i, True)) + int(bool(_OPENING_PRONOUN.match(items[i].core)))
        return (0 if own.polarity > 0 and not own.reasons else 1, contrary, unclear, int(quoted),
                -float(centrality[position[i]]),
                len(items[i].core))
    return min(group, key=rank)


_FIRST_PERSON = re.compile(r"\b(?:I|we|us|our|my|me|you|your)\b", re.I)
_OPENING_PRONOUN = re.compile(r"\W*(?:it|its|he|his|she|her|they|their|them|this|these|those|there)\b", re.I)
_FINITE_TAGS = frozenset(("VBD", "VBZ", "VBP", "MD"))


def _finite_clauses(texts: list[str]) -> list[bool]:
    """Whether each text has a finite verb (tagger only: a few thousand short texts a second)."""
    from .nlp import load_nlp

    nlp = load_nlp()
    # The two components are run by hand: `select_pipes` would change the shared pipeline for every
    # thread, and the web UI analyses an article while it warms the board in the background.
    docs: Iterable[Any] = (nlp.make_doc(t) for t in texts)
    for name in ("tok2vec", "tagger"):
        docs = nlp.get_pipe(name).pipe(docs, batch_size=256)
    return [any(t.tag_ in _FINITE_TAGS for t in doc) for doc in docs]


# Where a content goes on to a second statement: a quotation split around its cue, "X and that Y".
_SECOND_STATEMENT = re.compile(r"\s+\u2026\s+|,?\s+and\s+that\s+")


def _proposition_text(core: str) -> str:
    text = _SECOND_STATEMENT.split(core, maxsplit=1)[0].strip().strip("\"“”").rstrip(",;:").strip()
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def _claim_id(entries: list[ClaimEntry]) -> str:
    keys = sorted(f"{e.article_id}\x00{e.attribution_id}" for e in entries)
    return "c" + hashlib.sha1("\x01".join(keys).encode("utf-8")).hexdigest()[:10]

def group_items(items: list[_Item], embedder: Any = None, params: GroupingParams | None = None,
                blocking: Blocking | None = None,
                stats: dict[str, Any] | None = None) -> tuple[list[list[int]], list[np.ndarray]]:
    """Indices of `items` grouped into propositions, and per group each member's centrality (its mean
    similarity to the others). `stats`, when given, receives how the blocked path went."""
    return group_texts([it.match_text for it in items], embedder, params, blocking, stats)


def resolve_embedder(use_embeddings: bool = True) -> Any:
    """The shared MiniLM encoder, or None (lexical grouping) when it is off or not installed."""
    if not use_embeddings:
        return None
    from .embeddings import default_embedder

    embedder = default_embedder()
    return embedder if embedder.available() else None


def build_claims(reports: Iterable[dict[str, Any]], min_sources: int = 1, contested_only: bool = False, *,
                 use_embeddings: bool = True, embedder: Any = None,
                 params: GroupingParams | None = None, blocking: Blocking | None = None,
                 min_similarity: float | None = None) -> list[Claim]:
    """Claims over `claimledger.report/1` dicts, ranked for the board.

    `embedder` overrides the default MiniLM encoder (anything with `embed(texts) -> unit vectors`);
    with `use_embeddings=False`, or when the model is not installed, grouping is lexical only.
    `min_similarity` never groups two attributions less alike than that (stricter, fewer merges).
    """
    items = _items(reports)
    if not items:
        return []
    if embedder is None:
        embedder = resolve_embedder(use_embeddings)
    if min_similarity is not None:
        base = params or (EMBEDDING_PARAMS if embedder is not None else LEXICAL_PARAMS)
        params = dataclasses.replace(base, min_raw=min_similarity)
    groups, centrality = group_items(items, embedder, params, blocking)
    # Only a claim of several members has a proposition to choose.
    several = [i for g in groups if len(g) > 1 for i in g]
    clauses = dict(zip(several, _finite_clauses([items[i].core for i in several]))) if several else {}
    claims: list[Claim] = []
    for group, central in zip(groups, centrality):
        ref = _proposition_index(group, items, central, clauses)
        proposition = items[ref].core
        claim = Claim(id="", proposition=_proposition_text(proposition),
                      proposition_from=(items[ref].article_id, str(items[ref].attribution.get("id", ""))))
        for i in group:
            a = items[i].attribution
            cue = a.get("cue") or {}
            # The full content, frame included: "no evidence that X" denies X.
            said = content_words(a.get("content"))
            stance = st.stance_toward(cue.get("lemma"), cue.get("text", ""), said, proposition)
            if items[i].answers is not None:
                # "said that was not true": the side of the statement it answers, turned by its verdict.
                answered = st.stance_toward(None, "", items[i].answers, proposition)
                verdict = st.intrinsic(cue.get("lemma"), cue.get("text", ""), said)
                stance = st.Stance(answered.polarity * verdict.polarity,
                                   verdict.reasons + answered.reasons + [f"answers \u201c{items[i].answers}\u201d"])
            entry = _entry(items[i], stance)
            (claim.asserts if stance.polarity > 0 else claim.denies).append(entry)
        claim.id = _claim_id(claim.entries)
        claims.append(claim)
    claims = [c for c in claims if len(c.sources) >= min_sources and (c.status == CONTESTED or not contested_only)]
    return rank(claims)


def rank(claims: list[Claim]) -> list[Claim]:
    """Contested first (two different sources on opposite sides before one source on both), then by
    number of distinct sources, then most recent first."""
    by_recency = sorted(claims, key=lambda c: (c.latest, c.id), reverse=True)
    return sorted(by_recency, key=lambda c: (c.status != CONTESTED, not c.opposed, -len(c.sources)))


def claims_for_report(report: dict[str, Any], use_embeddings: bool = True) -> list[dict[str, Any]]:
    """The `claims` list that `analyze --claims` adds to one report."""
    return [c.to_dict() for c in build_claims([report], use_embeddings=use_embeddings)]


# ------------------------------------------------------------------ rendering

def _said(e: ClaimEntry) -> str:
    """The content as shown between our own quotation marks: a direct quote loses its own."""
    text = e.content
    if len(text) > 1 and text[0] in "\"“" and text[-1] in "\"”":
        text = text[1:-1]
    return f"\u201c{text}\u201d"


def _where(e: ClaimEntry) -> str:
    return f"{e.published + ' ' if e.published else ''}{e.article_id} @{e.start}-{e.end}"


def _status_label(c: Claim) -> str:
    if c.status == CONTESTED and not c.opposed:
        return f"{c.status}, one source on both sides"
    return c.status


def _entry_line(e: ClaimEntry) -> str:
    why = f"  (why: {'; '.join(e.reasons)})" if e.reasons else ""
    return f"{e.who} [{e.source_kind}] {e.cue}: {_said(e)}{why}  \u2014 {_where(e)}"


def _count(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def format_text(claims: list[Claim]) -> str:
    if not claims:
        return "No claims.\n"
    lines: list[str] = []
    for c in claims:
        lines.append(f"[{_status_label(c).upper()}] {c.proposition}  ({_count(len(c.sources), 'source')}, "
                     f"{_count(len(c.articles), 'article')}, latest {c.latest or 'undated'}; {c.id})")
        for label, entries in (("asserts", c.asserts), ("denies", c.denies)):
            for e in entries:
                lines.append(f"  {label:7} {_entry_line(e)}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


_HTML_STYLE = ("<style>body{font-family:system-ui,sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem}"
               "section.claim{border:1px solid #ccc;border-radius:6px;margin:1rem 0;padding:.5rem 1rem}"
               ".contested{border-left:6px solid #c0392b}.asserted{border-left:6px solid #2e86c1}"
               ".denied{border-left:6px solid #7d3c98}.side{display:grid;grid-template-columns:1fr 1fr;gap:1rem}"
               "li{margin:.3rem 0}.meta{color:#555;font-size:.85em}</style>")


def claims_section(claims: list[Claim]) -> str:
    """The board as an HTML fragment (one <section> per claim), for a page of its own or an article's."""
    esc = html.escape
    by_status = {s: sum(c.status == s for c in claims) for s in (CONTESTED, ASSERTED, DENIED)}
    parts = [f"<p class=\"meta\">{_count(len(claims), 'claim')}: "
             + ", ".join(f"{n} {s}" for s, n in by_status.items()) + "</p>"]
    for c in claims:
        parts.append(f"<section class=\"claim {c.status}\" id=\"{esc(c.id)}\"><h2>{esc(c.proposition)}</h2>"
                     f"<p class=\"meta\">{esc(_status_label(c))} \u00b7 {_count(len(c.sources), 'source')} \u00b7 "
                     f"{_count(len(c.articles), 'article')}"
                     f" \u00b7 latest {esc(c.latest or 'undated')}</p><div class=\"side\">")
        for label, entries in (("Asserts", c.asserts), ("Denies", c.denies)):
            if not entries:
                continue
            parts.append(f"<div><h3>{label} ({len(entries)})</h3><ul>")
            for e in entries:
                why = f" <span class=\"meta\">why: {esc('; '.join(e.reasons))}</span>" if e.reasons else ""
                parts.append(f"<li><b>{esc(e.who)}</b> <span class=\"meta\">{esc(e.source_kind)}</span> "
                             f"{esc(e.cue)}: {esc(_said(e))}{why} <span class=\"meta\">{esc(_where(e))}</span></li>")
            parts.append("</ul></div>")
        parts.append("</div></section>")
    return "\n".join(parts)


def to_html(claims: list[Claim], title: str = "Claims board") -> str:
    esc = html.escape
    return "\n".join([f"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{esc(title)}</title>",
                      _HTML_STYLE + "</head><body>", f"<h1>{esc(title)}</h1>", claims_section(claims),
                      "</body></html>"])
