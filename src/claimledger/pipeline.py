"""From text to Report: one spaCy Doc per article, then named stages that each fill one part.

Stages are registered by name, in order, like spaCy components; each takes the parsed Doc and the
Report being built and returns the list it is responsible for.
"""

from __future__ import annotations

import hashlib
import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from spacy.tokens import Doc

from .nlp import load_nlp
from .report import ArticleMeta, Report

StageFn = Callable[[Doc, Report], None]
STAGES: dict[str, StageFn] = {}

# spaCy's parser cost grows with document length only linearly, but a single huge Doc holds
# all its arrays at once; long texts are parsed in paragraph-aligned chunks and re-joined.
CHUNK_CHARS = 100_000
MAX_CHARS = 20_000_000


def stage(name: str) -> Callable[[StageFn], StageFn]:
    """Register a report-filling stage under `name`; stages run in registration order."""

    def register(fn: StageFn) -> StageFn:
        STAGES[name] = fn
        return fn

    return register


@dataclass
class ArticleInput:
    """One article to analyze, as ingest hands it over."""

    text: str
    id: str | None = None
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    published: str | None = None
    origin: str = "<text>"          # file name (and line) for error messages
    warnings: list[str] = field(default_factory=list)


class InputError(ValueError):
    """A problem with one input that the user must fix; never a bug in claimledger."""

    def __init__(self, origin: str, message: str) -> None:
        super().__init__(f"{origin}: {message}")
        self.origin = origin
        self.message = message


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def article_id(text: str, given: str | None = None, sha256: str | None = None) -> str:
    """The given id, else a stable id from the text (same text, same id)."""
    return given if given else "sha-" + (sha256 or text_sha256(text))[:16]


def validate_text(text: str, origin: str) -> None:
    if not text or not text.strip():
        raise InputError(origin, "empty article (no text to analyze)")
    if len(text) > MAX_CHARS:
        raise InputError(origin, f"article is {len(text):,} characters, over the limit of {MAX_CHARS:,}")
    if "\x00" in text:
        raise InputError(origin, "text contains NUL bytes (binary data?)")


def _chunks(text: str, size: int = CHUNK_CHARS) -> list[str]:
    """Split at paragraph (else line, else space) boundaries; the pieces concatenate to `text`."""
    if len(text) <= size:
        return [text]
    pieces: list[str] = []
    start = 0
    while len(text) - start > size:
        window = text[start:start + size]
        cut = -1
        for pattern in (r"\n\s*\n", r"\n", r"\s"):
            matches = list(re.finditer(pattern, window))
            if matches and matches[-1].end() > size // 4:
                cut = matches[-1].end()
                break
        if cut <= 0:
            cut = size
        pieces.append(text[start:start + cut])
        start += cut
    pieces.append(text[start:])
    return pieces


def parse_many(texts: Iterable[str], batch_size: int = 16) -> Iterator[Doc]:
    """nlp.pipe over texts, in order, transparently chunking the long ones.

    A long text's chunks are parsed one at a time: the parser's memory grows with the text in flight,
    and sixteen 100,000-character chunks at once took over 5 GB."""
    nlp = load_nlp()
    batch: list[str] = []
    for text in texts:
        parts = _chunks(text)
        if len(parts) == 1:
            batch.append(text)
            if len(batch) < batch_size:
                continue
        if batch:
            yield from nlp.pipe(batch, batch_size=batch_size)
            batch = []
        if len(parts) > 1:
            yield Doc.from_docs(list(nlp.pipe(parts, batch_size=1)), ensure_whitespace=False)
    if batch:
        yield from nlp.pipe(batch, batch_size=batch_size)


def build_report(doc: Doc, article: ArticleInput, stages: Iterable[str] | None = None) -> Report:
    text = doc.text  # spaCy rebuilds this string from every token on each access
    sha256 = text_sha256(text)
    meta = ArticleMeta(id=article_id(text, article.id, sha256), sha256=sha256,
                       title=article.title, url=article.url, outlet=article.outlet,
                       published=article.published)
    report = Report(article=meta, text=text, warnings=list(article.warnings))
    for name in (stages if stages is not None else STAGES):
        STAGES[name](doc, report)
    return report


def analyze(text: str, *, published: str | None = None, title: str | None = None,
            url: str | None = None, id: str | None = None, outlet: str | None = None) -> Report:
    """Analyze one article text and return its Report."""
    article = ArticleInput(text=text, id=id, title=title, url=url, outlet=outlet, published=published)
    return next(analyze_many([article]))


def _as_input(record: Any) -> ArticleInput:
    if isinstance(record, ArticleInput):
        return record
    if isinstance(record, str):
        return ArticleInput(text=record)
    if isinstance(record, dict):
        return ArticleInput(text=record.get("text") or "", id=record.get("id"), title=record.get("title"),
                            url=record.get("url"), outlet=record.get("outlet"),
                            published=record.get("published"))
    raise TypeError(f"cannot analyze a {type(record).__name__}; give a str, dict or ArticleInput")


ErrorHandler = Callable[[ArticleInput, Exception], None]


def analyze_many(records: Iterable[Any], batch_size: int = 16, on_error: ErrorHandler | None = None,
                 stages: Iterable[str] | None = None) -> Iterator[Report]:
    """Stream reports for many articles (str, dict with `text`, or ArticleInput), parsed with nlp.pipe.

    `stages` limits the analysis to those named stages (default: all, in registration order).

    Without `on_error`, the first article that cannot be analyzed raises (InputError for bad input).
    With it, that article is handed to `on_error(article, exception)` and the stream goes on.
    """
    from . import stages as _stages  # noqa: F401  registers the built-in stages

    if stages is not None:
        stages = list(stages)
        unknown = [name for name in stages if name not in STAGES]
        if unknown:
            raise ValueError(f"unknown stage(s) {unknown}; known: {list(STAGES)}")
    pending: deque[ArticleInput] = deque()

    def texts() -> Iterator[str]:
        for record in records:
            article = _as_input(record)
            try:
                validate_text(article.text, article.origin)
                if article.published is not None:
                    from .dates import parse_published
                    article.published = parse_published(article.published, article.origin)
            except InputError as exc:
                if on_error is None:
                    raise
                on_error(article, exc)
                continue
            pending.append(article)
            yield article.text

    for doc in parse_many(texts(), batch_size=batch_size):
        article = pending.popleft()
        try:
            report = build_report(doc, article, stages)
        except Exception as exc:  # a bug in one stage must not lose the other articles
            if on_error is None:
                raise
            on_error(article, exc)
            continue
        yield report
