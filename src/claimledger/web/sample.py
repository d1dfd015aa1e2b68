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
    fillers = max(0, round((words - said_n * len(sentence.split())) / filler_words))
    text = "".join(sentence + _FILLER * (fillers // said_n + (i < fillers % said_n)) for i in range(said_n))
    marks = Marks(
        said=[Said("Mayor Ana Pol", "said", "the harbour will cost 12 million euros by March 2026",
                   name="Ana Pol", lemma="say") for _ in range(said_n)],
        quantities=[("12 million euros", 12_000_000, "EUR")] * said_n,
        dates=[("March 2026", "2026-03")] * said_n)
    return build_report(text, marks, id=id, title="The harbour works", outlet="Quay Post", published=published)


HOSTILE_TEXT = ('Councillor <script>window.__pwned = 1</script> Rae Idris said that the '
                '<img src=x onerror="window.__pwned = 2"> budget rose to 40 percent on 3 May 2025. '
                'A spokesperson said that the plan {{ 7*7 }} {% if 1 %}works{% endif %} and '
                '<a href="javascript:window.__pwned = 3">click here</a> was final.')


def demo_reports() -> list[dict[str, Any]]:
    """A small hand-written ledger: one claim contested across three articles, an unrelated claim, and an
    article whose text and fields try every injection (markup, event handlers, javascript: URLs,
    template syntax) — the web tests check that none of it becomes markup or runs."""
    bridge1 = build_report(
        "Officials said that saboteurs damaged the Lorvik bridge. "
        "General Mira Tann denied that saboteurs damaged the Lorvik bridge. "
        "The toll rose by 12 percent in April, the operator said.",
        Marks(said=[Said("Officials", "said", "saboteurs damaged the Lorvik bridge", kind="group", lemma="say"),
                    Said("General Mira Tann", "denied", "saboteurs damaged the Lorvik bridge", name="Mira Tann",
                         lemma="deny", polarity="deny"),
                    Said("the operator", "said", "The toll rose by 12 percent in April", kind="organization",
                         lemma="say")],
              quantities=[("12 percent", 12, "%")], dates=[("April", "2025-04")]),
        id="lorvik-1", title="Bridge damaged, officials say", outlet="North Courier", published="2025-05-02",
        url="https://example.org/lorvik-1")
    bridge2 = build_report(
        "A senior engineer said that the Lorvik bridge was not damaged by saboteurs. "
        "Mira Tann said that repairs will cost 3 million euros.",
        Marks(said=[Said("A senior engineer", "said", "the Lorvik bridge was not damaged by saboteurs",
                         kind="anonymous", lemma="say"),
                    Said("Mira Tann", "said", "repairs will cost 3 million euros", name="Mira Tann", lemma="say")],
              quantities=[("3 million euros", 3_000_000, "EUR")],
              findings=[("unsupported_total", "info", "The total is not broken down.", "Ask for the itemised "
                         "estimate.", ["3 million euros"])]),
        id="lorvik-2", title="Engineer disputes sabotage", outlet="South Ledger", published="2025-05-06")
    harbour = build_report(
        "Mayor Ana Pol said that the harbour will cost 12 million euros by March 2026. "
        "Last year the mayor said it would cost 9 million euros.",
        Marks(said=[Said("Mayor Ana Pol", "said", "the harbour will cost 12 million euros by March 2026",
                         name="Ana Pol", lemma="say"),
                    Said("the mayor", "said", "it would cost 9 million euros", name="Ana Pol", lemma="say")],
              quantities=[("12 million euros", 12_000_000, "EUR"), ("9 million euros", 9_000_000, "EUR")],
              dates=[("March 2026", "2026-03"), ("Last year", "2024")],
              findings=[("changed_figure", "warning", "The cost changed from 9 to 12 million euros.",
                         "Say why the estimate rose.", ["12 million euros", "9 million euros"])]),
        id="harbour", title="Harbour costs rise", outlet="North Courier", published="2025-04-20")
    hostile = build_report(
        HOSTILE_TEXT,
        Marks(said=[Said("Councillor <script>window.__pwned = 1</script> Rae Idris", "said",
                         'the <img src=x onerror="window.__pwned = 2"> budget rose to 40 percent on 3 May 2025',
                         name='Rae <img src=x onerror="window.__pwned = 4"> Idris', lemma="say"),
                    Said("A spokesperson", "said", "the plan {{ 7*7 }} {% if 1 %}works{% endif %}",
                         kind="anonymous", lemma="say")],
              quantities=[("40 percent", 40, "%")], dates=[("3 May 2025", "2025-05-03")],
              findings=[("<b>odd</b>", "error", '<img src=x onerror="window.__pwned = 5">{{ 7*7 }}',
                         '<a href="javascript:window.__pwned = 6">fix</a>', ["40 percent"])]),
        id='evil"><script>window.__pwned=7</script>', title="<script>window.__pwned = 8</script>{{ 7*7 }}",
        outlet="<i>Outlet</i>", published="2025-05-03", url="javascript:window.__pwned = 9")
    return [bridge1, bridge2, harbour, hostile]
