"""Read-only queries the web pages need beyond `Ledger`: pages of articles with counts, sources merged by
resolved name, findings across the ledger. SQLAlchemy Core against the store's tables; every value a
bound parameter. Full-text search and the article filters are `search.build_search`'s, reused as is.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from ..search import build_search
from ..schema import articles, attributions, findings, quantities
from ..store import Ledger, SearchFilters, plain_row

SEVERITY_ORDER = sa.case({"error": 0, "warning": 1, "info": 2}, value=findings.c.severity, else_=3)


@dataclass
class Page:
    items: list[dict[str, Any]]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    def to_dict(self) -> dict[str, Any]:
        return {"total": self.total, "page": self.page, "per_page": self.per_page, "pages": self.pages,
                "items": self.items}


def _count(table: sa.Table) -> sa.ScalarSelect:
    return (sa.select(sa.func.count()).select_from(table).where(table.c.article_id == articles.c.id)
            .correlate(articles).scalar_subquery())


def article_page(ledger: Ledger, query: str, filters: SearchFilters, page: int, per_page: int,
                 only_report_ids: set[str] | None = None) -> Page:
    """One page of articles matching `query` (full text, all words) and `filters`, with span counts."""
    statement = build_search(query, scope="articles", filters=filters, backend=ledger.target.backend,
                             limit=per_page)
    if only_report_ids is not None:
        statement = statement.where(articles.c.report_id.in_(sorted(only_report_ids)))
    counted = statement.add_columns(_count(attributions).label("attributions"),
                                    _count(quantities).label("quantities"), _count(findings).label("findings"))
    total_q = sa.select(sa.func.count()).select_from(statement.limit(None).order_by(None).subquery())
    with ledger.engine.connect() as conn:
        total = int(conn.scalar(total_q) or 0)
        rows = conn.execute(counted.offset((page - 1) * per_page)).mappings().all()
    return Page([plain_row(dict(r)) for r in rows], total, page, per_page)


def distinct_values(ledger: Ledger, column: sa.Column) -> list[str]:
    with ledger.engine.connect() as conn:
        return [v for v in conn.scalars(sa.select(column).where(column.is_not(None)).distinct().order_by(column))]


def outlets(ledger: Ledger) -> list[str]:
    return distinct_values(ledger, articles.c.outlet)


def finding_kinds(ledger: Ledger) -> list[str]:
    return distinct_values(ledger, findings.c.kind)


def report_by_id(ledger: Ledger, report_id: str) -> dict[str, Any] | None:
    """The stored report whose article id is `report_id` (the first stored, should two texts share it)."""
    with ledger.engine.connect() as conn:
        sha = conn.scalar(sa.select(articles.c.sha256).where(articles.c.report_id == report_id)
                          .order_by(articles.c.id).limit(1))
    if sha is None:
        return None
    return next(iter(ledger.reports([sha])), None)


def ledger_version(ledger: Ledger) -> tuple[int, int]:
    """Changes whenever an article is stored or replaced: the key for caches of whole-ledger views."""
    with ledger.engine.connect() as conn:
        row = conn.execute(sa.select(sa.func.count(), sa.func.max(articles.c.id))).one()
    return int(row[0]), int(row[1] or 0)


# ---------------------------------------------------------------------------------------------- sources

ANONYMOUS = "anonymous"
_WHO = sa.func.coalesce(attributions.c.source_name, attributions.c.source_text)


def sources(ledger: Ledger, kind: str | None = None) -> dict[str, list[dict[str, Any]]]:
    """Named sources merged by resolved name (case-insensitive), and anonymous ones apart, most quoted first.

    {"named": [{name, kinds, quotes, articles}], "anonymous": [{phrase, quotes, articles}]}."""
    key = sa.func.lower(_WHO)
    named_q = (sa.select(key.label("key"), sa.func.min(_WHO).label("name"), attributions.c.source_kind.label("kind"),
                         sa.func.count().label("quotes"),
                         sa.func.count(sa.distinct(attributions.c.article_id)).label("articles"))
               .where(_WHO.is_not(None), attributions.c.source_kind != ANONYMOUS)
               .group_by(key, attributions.c.source_kind))
    anon_key = sa.func.lower(attributions.c.source_text)
    anon_q = (sa.select(sa.func.min(attributions.c.source_text).label("phrase"), sa.func.count().label("quotes"),
                        sa.func.count(sa.distinct(attributions.c.article_id)).label("articles"))
              .where(attributions.c.source_kind == ANONYMOUS).group_by(anon_key))
    per_name_articles = (sa.select(key.label("key"),
                                   sa.func.count(sa.distinct(attributions.c.article_id)).label("articles"))
                         .where(_WHO.is_not(None), attributions.c.source_kind != ANONYMOUS).group_by(key))
    with ledger.engine.connect() as conn:
        rows = conn.execute(named_q).mappings().all()
        article_counts = {r.key: r.articles for r in conn.execute(per_name_articles)}
        anon = [dict(r) for r in conn.execute(anon_q).mappings()] if kind in (None, ANONYMOUS) else []
    merged: dict[str, dict[str, Any]] = {}
    for r in rows:
        entry = merged.setdefault(r["key"], {"name": r["name"], "kinds": {}, "quotes": 0,
                                             "articles": article_counts.get(r["key"], 0)})
        entry["kinds"][r["kind"] or "unknown"] = entry["kinds"].get(r["kind"] or "unknown", 0) + r["quotes"]
        entry["quotes"] += r["quotes"]
    named = []
    for entry in merged.values():
        # The kind most often given to this source; the others stay visible.
        kinds = sorted(entry["kinds"].items(), key=lambda kv: (-kv[1], kv[0]))
        entry["kind"] = kinds[0][0]
        entry["kinds"] = [k for k, _ in kinds]
        if kind is None or kind in entry["kinds"]:
            named.append(entry)
    named.sort(key=lambda e: (-e["quotes"], e["name"].lower()))
    anon.sort(key=lambda e: (-e["quotes"], e["phrase"].lower()))
    return {"named": named if kind != ANONYMOUS else [], "anonymous": anon}


def source_attributions(ledger: Ledger, name: str, limit: int = 500) -> list[dict[str, Any]]:
    """What one source said (resolved name or phrase, any case), newest first."""
    q = (sa.select(articles.c.report_id.label("article"), articles.c.title, articles.c.outlet,
                   articles.c.published, attributions.c.attribution_key.label("attribution"),
                   attributions.c.source_text, attributions.c.source_name, attributions.c.source_kind,
                   attributions.c.cue_text, attributions.c.polarity, attributions.c.content_text)
         .select_from(attributions.join(articles, attributions.c.article_id == articles.c.id))
         .where(sa.func.lower(_WHO) == name.lower())
         .order_by(articles.c.published.desc(), articles.c.id, attributions.c.ord).limit(limit))
    with ledger.engine.connect() as conn:
        return [plain_row(dict(r)) for r in conn.execute(q).mappings()]


# --------------------------------------------------------------------------------------------- findings

def findings_page(ledger: Ledger, kind: str | None, severity: str | None, page: int, per_page: int) -> Page:
    where = []
    if kind:
        where.append(findings.c.kind == kind)
    if severity:
        where.append(findings.c.severity == severity)
    base = sa.select(findings.c.finding_key.label("finding"), findings.c.kind, findings.c.severity,
                     findings.c.message, findings.c.suggestion, findings.c.evidence,
                     articles.c.report_id.label("article"), articles.c.title, articles.c.outlet,
                     articles.c.published) \
        .select_from(findings.join(articles, findings.c.article_id == articles.c.id)).where(*where)
    ordered = base.order_by(SEVERITY_ORDER, articles.c.published.desc(), articles.c.id, findings.c.ord)
    total_q = sa.select(sa.func.count()).select_from(findings).where(*where)
    with ledger.engine.connect() as conn:
        total = int(conn.scalar(total_q) or 0)
        rows = conn.execute(ordered.limit(per_page).offset((page - 1) * per_page)).mappings().all()
    return Page([plain_row(dict(r)) for r in rows], total, page, per_page)


def parse_day(value: str | None, name: str) -> str | None:
    """A YYYY-MM-DD filter value, or None when empty; ValueError with a readable message otherwise."""
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        raise ValueError(f"{name}: expected a date as YYYY-MM-DD, got {value[:40]!r}") from None
