"""The `claimledger.report/1` contract as plain dataclasses.

Every stage returns these; `Report.to_dict()` is the only place that decides the JSON shape,
so the CLI, the store and the web UI cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SCHEMA = "claimledger.report/1"


@dataclass
class Span:
    """A stretch of the article text; `start`/`end` are character offsets (Python slice convention)."""

    start: int
    end: int
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text}

    @classmethod
    def of(cls, text: str, start: int, end: int) -> "Span":
        return cls(start, end, text[start:end])


@dataclass
class Entity:
    id: str
    name: str
    type: str
    mentions: list[Span] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "type": self.type,
                "mentions": [m.to_dict() for m in self.mentions]}


SOURCE_KINDS = ("person", "organization", "group", "anonymous", "document", "unknown")


@dataclass
class Source:
    text: str
    start: int
    end: int
    name: str | None = None
    entity: str | None = None
    kind: str = "unknown"
    # An unnamed source that stands for an earlier one ("A UN spokesman said ... He said"): the id of the
    # attribution whose source it is. `name` stays null, as the text gives no name.
    same_as: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out = {"text": self.text, "start": self.start, "end": self.end,
               "name": self.name, "entity": self.entity, "kind": self.kind}
        if self.same_as:
            out["same_as"] = self.same_as
        return out


@dataclass
class Cue:
    text: str
    start: int
    end: int
    lemma: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"text": self.text, "start": self.start, "end": self.end}
        if self.lemma is not None:
            out["lemma"] = self.lemma
        return out


FRAGMENT_JOINER = " \u2026 "


def content_words(content: dict[str, Any] | None) -> str:
    """What the source said, from a report's `content` dict: a quote split around its cue shows its
    pieces joined by an ellipsis instead of the envelope text, which holds the cue and the speaker."""
    content = content or {}
    return _said(content.get("text", ""), [f.get("text", "") for f in content.get("fragments") or []])


_RELATIVE_PRONOUNS = frozenset({"which", "that", "who", "whom", "what"})


def _said(whole: str, pieces: list[str]) -> str:
    if len(pieces) > 1 and pieces[0].lower() in _RELATIVE_PRONOUNS:
        # "who … were paid agitators": the pronoun piece (kept in the offsets, as PolNeAR marks it)
        # adds nothing to the words a reader or the claims board compares.
        pieces = pieces[1:]
    if len(pieces) == 1:
        return pieces[0]
    return FRAGMENT_JOINER.join(pieces) if pieces else whole


def outermost(attributions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A report's attributions without those reported within another's content: PolNeAR annotates none,
    and the claims board counts each statement once, by the story's own attribution."""
    return [a for a in attributions if not a.get("within")]


@dataclass
class Attribution:
    id: str
    source: Source | None
    cue: Cue
    content: Span
    form: str = "indirect"        # direct | indirect | mixed
    polarity: str = "affirm"      # affirm | deny
    # Discontinuous content (a quote split around its cue) keeps every piece here; `content` then
    # covers the first piece to the last and its dict carries the pieces as `fragments`.
    content_parts: list[Span] = field(default_factory=list)
    # Who the source reports as having said it: the judge in '"...," the judge said, according to the
    # Post'. The source stays the Post (who vouches for the words); this keeps the speaker.
    original_source: Source | None = None
    # The id of the attribution whose content reports this one ("Residents said the mayor had told
    # them ..." holds the mayor's statement); None for the story's own attributions.
    within: str | None = None

    @property
    def words(self) -> str:
        """The content as said (split pieces joined by an ellipsis); see `content_words`."""
        return _said(self.content.text, [p.text for p in self.content_parts])

    def to_dict(self) -> dict[str, Any]:
        content = self.content.to_dict()
        if len(self.content_parts) > 1:
            content["fragments"] = [p.to_dict() for p in self.content_parts]
        return {
            "id": self.id,
            "source": self.source.to_dict() if self.source else None,
            "cue": self.cue.to_dict(),
            "content": content,
            "form": self.form,
            "polarity": self.polarity,
            **({"original_source": self.original_source.to_dict()} if self.original_source else {}),
            **({"within": self.within} if self.within else {}),
        }


@dataclass
class NoComment:
    source: Source | None
    cue: Cue

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source.to_dict() if self.source else None, "cue": self.cue.to_dict()}


BOUNDS = ("exact", "at_least", "at_most", "about", "more_than", "less_than")


@dataclass
class Quantity:
    id: str
    text: str
    start: int
    end: int
    value: float | int | None
    unit: str | None = None
    dimension: str | None = None
    bound: str = "exact"
    counts: str | None = None
    unit_name: str | None = None
    unit_guess: str | None = None      # why an ambiguous unit ($) was read as it was
    range: tuple[float, float] | None = None
    change: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id, "text": self.text, "start": self.start, "end": self.end,
            "value": self.value, "unit": self.unit, "dimension": self.dimension,
            "bound": self.bound, "counts": self.counts,
        }
        if self.unit_name is not None:
            out["unit_name"] = self.unit_name
        if self.unit_guess is not None:
            out["unit_guess"] = self.unit_guess
        if self.range is not None:
            out["range"] = list(self.range)
        if self.change is not None:
            out["change"] = self.change
        return out


@dataclass
class DateMention:
    text: str
    start: int
    end: int
    resolved: str | None

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "start": self.start, "end": self.end, "resolved": self.resolved}


SEVERITIES = ("error", "warning", "info")


@dataclass
class Finding:
    id: str
    kind: str
    severity: str
    message: str
    evidence: list[Span] = field(default_factory=list)
    suggestion: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind, "severity": self.severity, "message": self.message,
                "evidence": [e.to_dict() for e in self.evidence], "suggestion": self.suggestion}


@dataclass
class ArticleMeta:
    id: str
    sha256: str
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    published: str | None = None
    language: str = "en"

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "url": self.url, "outlet": self.outlet,
                "published": self.published, "language": self.language, "sha256": self.sha256}


@dataclass
class Report:
    article: ArticleMeta
    text: str
    entities: list[Entity] = field(default_factory=list)
    attributions: list[Attribution] = field(default_factory=list)
    no_comment: list[NoComment] = field(default_factory=list)
    quantities: list[Quantity] = field(default_factory=list)
    dates: list[DateMention] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "schema": SCHEMA,
            "article": self.article.to_dict(),
            "text": self.text,
            "entities": [e.to_dict() for e in self.entities],
            "attributions": [a.to_dict() for a in self.attributions],
            "no_comment": [n.to_dict() for n in self.no_comment],
            "quantities": [q.to_dict() for q in self.quantities],
            "dates": [d.to_dict() for d in self.dates],
            "findings": [f.to_dict() for f in self.findings],
        }
        if self.warnings:
            out["warnings"] = list(self.warnings)
        return out
