"""The built-in stages, in the order they run. Importing this module registers them."""

from __future__ import annotations

from spacy.tokens import Doc

from . import attribution, consistency, dates, entities, quantities
from .pipeline import stage
from .report import Report


@stage("entities")
def _entities(doc: Doc, report: Report) -> None:
    report.entities = entities.extract(doc)


@stage("attributions")
def _attributions(doc: Doc, report: Report) -> None:
    report.attributions, report.no_comment = attribution.extract(doc, report.entities)


@stage("quantities")
def _quantities(doc: Doc, report: Report) -> None:
    report.quantities = quantities.extract(doc, outlet=report.article.outlet)


@stage("dates")
def _dates(doc: Doc, report: Report) -> None:
    report.dates = dates.extract(doc, report.article.published)


@stage("findings")
def _findings(doc: Doc, report: Report) -> None:
    report.findings = consistency.check(report)
