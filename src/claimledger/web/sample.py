"""Report dicts built from marked-up text, without the analyzer: for the web tests, the bench and demos.

Spans are located by substring search, so a fixture states *what* is highlighted and the offsets follow.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..pipeline import text_sha256
from ..report import SCHEMA


@dataclass
class Said:
    """One attribution: `source` `cue` `content`, each a substring of the text (first match after `after`)."""

    source: str | None
    cue: str
    content: str
    kind: str = "person"
    name: str | None = None
    lemma: str | None = None
    polarity: str = "affirm"
    form: str = "indirect"


@dataclass
class Marks:
    """Everything to mark in one article; quantities are (text, value, unit), dates (text, resolved),
    findings (kind, severity, message, suggestion, evidence texts)."""

    said: list[Said] = field(default_factory=list)
    quantities: list[tuple[str, float | int, str | None]] = field(default_factory=list)
    dates: list[tuple[str, str | None]] = field(default_factory=list)
    findings: list[tuple[str, str, str, str | None, list[str]]] = field(default_factory=list)
    entities: list[tuple[str, str]] = field(default_factory=list)   # (mention text, type)


class _Cursor:
    """Finds successive occurrences, so the same phrase marked twice lands on two places."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.used: dict[str, int] = {}

    def span(self, piece: str) -> dict[str, Any]:
        start = self.text.find(piece, self.used.get(piece, 0))
        if start < 0:
            start = self.text.find(piece)
        if start < 0:
            raise ValueError(f"{piece!r} is not in the text")
        self.used[piece] = start + len(piece)
        return {"start": start, "end": start + len(piece), "text": piece}


def build_report(text: str, marks: Marks, *, id: str, title: str | None = None, outlet: str | None = None,
                 published: str | None = None, url: str | None = None) -> dict[str, Any]:
    """A `claimledger.report/1` dict with the marked spans."""
    cur = _Cursor(text)
    attributions = []
    for n, s in enumerate(marks.said, 1):
        source = None
        if s.source is not None:
            source = {**cur.span(s.source), "name": s.name, "entity": None, "kind": s.kind}
        cue = {**cur.span(s.cue), "lemma": s.lemma or s.cue}
        attributions.append({"id": f"a{n}", "source": source, "cue": cue, "content": cur.span(s.content),
                             "form": s.form, "polarity": s.polarity})
    quantities = [{"id": f"q{n}", **cur.span(t), "value": v, "unit": u, "dimension": None, "bound": "exact",
                   "counts": None} for n, (t, v, u) in enumerate(marks.quantities, 1)]
    dates = [{**cur.span(t), "resolved": r} for t, r in marks.dates]
    findings = [{"id": f"f{n}", "kind": k, "severity": sev, "message": msg,
                 "evidence": [cur.span(e) for e in ev], "suggestion": sug}
                for n, (k, sev, msg, sug, ev) in enumerate(marks.findings, 1)]
    entities = [{"id": f"e{n}", "name": t, "type": typ, "mentions": [cur.span(t)]}
                for n, (t, typ) in enumerate(marks.entities, 1)]
    return {"schema": SCHEMA,
            "article": {"id": id, "title": title, "url": url, "outlet": outlet, "published": published,
                        "language": "en", "sha256": text_sha256(text)},
            "text": text, "entities": entities, "attributions": attributions, "no_comment": [],
            "quantities": quantities, "dates": dates, "findings": findings}


_FILLER = ("The council met again on the question of the harbour works and the budget that pays for them, "
           "while residents along the quay followed the debate closely. ")


def long_report(words: int, spans: int, *, id: str = "long", published: str = "2025-01-15") -> dict[str, Any]:
    """An article of about `words` words with about `spans` highlighted spans (for the render bench)."""
    sentence = "Mayor Ana Pol said that the harbour will cost 12 million euros by March 2026. "
    per_sentence = 5   # source, cue, content, quantity, date
    said_n = max(1, spans // per_sentence)
    filler_words = len(_FILLER.split())
    filler_each = max(0, (words - said_n * len(sentence.split())) // (said_n * filler_words))
    text = "".join(sentence + _FILLER * filler_each for _ in range(said_n))
    marks = Marks(
        said=[Said("Mayor Ana Pol", "said", "the harbour will cost 12 million euros by March 2026",
                   name="Ana Pol", lemma="say") for _ in range(said_n)],
        quantities=[("12 million euros", 12_000_000, "EUR")] * said_n,
        dates=[("March 2026", "2026-03")] * said_n)
    return build_report(text, marks, id=id, title="The harbour works", outlet="Quay Post", published=published)
