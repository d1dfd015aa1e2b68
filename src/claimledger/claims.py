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
from .report import content_words

CONTESTED, ASSERTED, DENIED = "contested", "asserted", "denied"


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

    @property
    def who(self) -> str:
        """The source as a reader wants it: name, the phrase when it differs, whom it quotes."""
        who = self.source if self.source == self.source_text else f"{self.source} ({self.source_text})"
        return f"{who}, quoting {self.quoting}" if self.quoting else who

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "source_text": self.source_text, "source_kind": self.source_kind,
                "attribution_id": self.attribution_id, "article_id": self.article_id,
                "published": self.published,
                "content": {"text": self.content, "start": self.start, "end": self.end},
                "cue": self.cue, "stance": self.stance, "reasons": list(self.reasons),
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
        return {_source_key(e) for e in self.entries}

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
                "sources": len(self.sources), "articles": len(self.articles), "latest": self.latest or None,
                "asserts": [e.to_dict() for e in self.asserts], "denies": [e.to_dict() for e in self.denies]}


def _source_key(entry: ClaimEntry) -> str:
    # Unnamed sources ("a senior official") are only known to be the same within one article.
    if entry.source_text != entry.source or entry.source_kind not in ("anonymous", "unknown", "group"):
        return entry.source.lower()
    return f"{entry.article_id}\x00{entry.source_text.lower()}"


# ------------------------------------------------------------------ items: attributions with context

@dataclass
class _Item:
    attribution: dict[str, Any]
    article_id: str
    published: str | None
    core: str

    @property
    def match_text(self) -> str:
        """What grouping compares: the proposition without its polarity."""
        return st.without_negation(self.core)


def _items(reports: Iterable[dict[str, Any]]) -> list[_Item]:
    items: list[_Item] = []
    for report in reports:
        article = report.get("article") or {}
        for attribution in report.get("attributions") or []:
            content = content_words(attribution.get("content"))
            proposition = st.core(content)
            if len(WORD_RE.findall(proposition)) < 2:  # "No." or a lone name states nothing to group
                continue
            items.append(_Item(attribution, str(article.get("id", "")), article.get("published"), proposition))
    return items

# ------------------------------------------------------------------ claims

def _entry(item: _Item, stance: st.Stance) -> ClaimEntry:
    a = item.attribution
    source = a.get("source") or {}
    content = a.get("content") or {}
    cue = a.get("cue") or {}
    source_text = source.get("text") or "(unattributed)"
    relayed = a.get("original_source") or {}
    return ClaimEntry(
        source=source.get("name") or source_text, source_text=source_text,
        source_kind=source.get("kind") or "unknown", attribution_id=str(a.get("id", "")),
        article_id=item.article_id, published=item.published, content=content_words(content),
        start=int(content.get("start", 0)), end=int(content.get("end", 0)), cue=cue.get("text", ""),
        stance=stance.label, reasons=stance.reasons, quoting=relayed.get("name") or relayed.get("text"))


def _proposition_index(group: list[int], items: list[_Item], centrality: np.ndarray) -> int:
    """The clearest affirmative member: no denial cue or negation, in the reporter's words rather than a
    quote (quotes say "I" and "we"), most central, then shortest."""
    position = {i: x for x, i in enumerate(group)}

    def rank(i: int) -> tuple[int, int, int, float, int]:
        a = items[i].attribution
        cue = a.get("cue") or {}
        own = st.intrinsic(cue.get("lemma"), cue.get("text", ""), content_words(a.get("content")))
        quoted = a.get("form") == "direct" or bool(_FIRST_PERSON.search(items[i].core))
        # "The dam is intact" is affirmative in form but the denying side of "destroyed"/"intact".
        contrary = sum(side < 0 for side in st.antonym_classes(items[i].core).values())
        return (0 if own.polarity > 0 and not own.reasons else 1, contrary, int(quoted),
                -float(centrality[position[i]]),
                len(items[i].core))
    return min(group, key=rank)


_FIRST_PERSON = re.compile(r"\b(?:I|we|us|our|my|me|you|your)\b", re.I)


def _proposition_text(core: str) -> str:
    text = core.strip().rstrip(",;:").strip()
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
    claims: list[Claim] = []
    for group, central in zip(groups, centrality):
        ref = _proposition_index(group, items, central)
        proposition = items[ref].core
        claim = Claim(id="", proposition=_proposition_text(proposition),
                      proposition_from=(items[ref].article_id, str(items[ref].attribution.get("id", ""))))
        for i in group:
            a = items[i].attribution
            cue = a.get("cue") or {}
            # The full content, frame included: "no evidence that X" denies X.
            stance = st.stance_toward(cue.get("lemma"), cue.get("text", ""),
                                      content_words(a.get("content")), proposition)
            entry = _entry(items[i], stance)
            (claim.asserts if stance.polarity > 0 else claim.denies).append(entry)
        claim.id = _claim_id(claim.entries)
        claims.append(claim)
    claims = [c for c in claims if len(c.sources) >= min_sources and (c.status == CONTESTED or not contested_only)]
    return rank(claims)


def rank(claims: list[Claim]) -> list[Claim]:
    """Contested first, then by number of distinct sources, then most recent first."""
    by_recency = sorted(claims, key=lambda c: (c.latest, c.id), reverse=True)
    return sorted(by_recency, key=lambda c: (c.status != CONTESTED, -len(c.sources)))


def claims_for_report(report: dict[str, Any], use_embeddings: bool = True) -> list[dict[str, Any]]:
    """The `claims` list that `analyze --claims` adds to one report."""
    return [c.to_dict() for c in build_claims([report], use_embeddings=use_embeddings)]


# ------------------------------------------------------------------ rendering

def _entry_line(e: ClaimEntry) -> str:
    return f"{e.who} [{e.source_kind}] {e.cue}: \u201c{e.content}\u201d  \u2014 {e.article_id} @{e.start}-{e.end}"


def _count(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def format_text(claims: list[Claim]) -> str:
    if not claims:
        return "No claims.\n"
    lines: list[str] = []
    for c in claims:
        lines.append(f"[{c.status.upper()}] {c.proposition}  ({_count(len(c.sources), 'source')}, "
                     f"{_count(len(c.articles), 'article')}, latest {c.latest or 'undated'}; {c.id})")
        for label, entries in (("asserts", c.asserts), ("denies", c.denies)):
            for e in entries:
                lines.append(f"  {label:7} {_entry_line(e)}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def to_html(claims: list[Claim], title: str = "Contested claims") -> str:
    esc = html.escape
    parts = [f"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{esc(title)}</title>",
             "<style>body{font-family:system-ui,sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem}"
             "section{border:1px solid #ccc;border-radius:6px;margin:1rem 0;padding:.5rem 1rem}"
             ".contested{border-left:6px solid #c0392b}.asserted{border-left:6px solid #2e86c1}"
             ".denied{border-left:6px solid #7d3c98}.side{display:grid;grid-template-columns:1fr 1fr;gap:1rem}"
             "li{margin:.3rem 0}.meta{color:#555;font-size:.85em}</style></head><body>",
             f"<h1>{esc(title)}</h1><p>{len(claims)} claims</p>"]
    for c in claims:
        parts.append(f"<section class=\"{c.status}\" id=\"{esc(c.id)}\"><h2>{esc(c.proposition)}</h2>"
                     f"<p class=\"meta\">{c.status} \u00b7 {_count(len(c.sources), 'source')} \u00b7 "
                     f"{_count(len(c.articles), 'article')}"
                     f" \u00b7 latest {esc(c.latest or 'undated')}</p><div class=\"side\">")
        for label, entries in (("Asserts", c.asserts), ("Denies", c.denies)):
            parts.append(f"<div><h3>{label} ({len(entries)})</h3><ul>")
            for e in entries:
                quoting = f" <span class=\"meta\">quoting</span> {esc(e.quoting)}" if e.quoting else ""
                parts.append(f"<li><b>{esc(e.source)}</b>{quoting} <span class=\"meta\">{esc(e.source_kind)}</span> "
                             f"{esc(e.cue)}: \u201c{esc(e.content)}\u201d <span class=\"meta\">{esc(e.article_id)} "
                             f"{e.start}\u2013{e.end}</span></li>")
            parts.append("</ul></div>")
        parts.append("</div></section>")
    parts.append("</body></html>")
    return "\n".join(parts)
