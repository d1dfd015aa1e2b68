"""Search statements over the ledger: full text plus filters, for SQLite (FTS5) and PostgreSQL (tsvector).

A query is a list of words, all of which must match (stemmed: "denied" finds "denies"). Words are
taken apart here and handed to the database as one bound parameter, so no user text ever becomes
query syntax: FTS5 gets each word as a quoted string, PostgreSQL gets `plainto_tsquery`.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from .schema import PG_TEXT_CONFIG, articles, attributions, findings, fts_table, pg_tsvector

if TYPE_CHECKING:
    from .store import SearchFilters

SCOPES = ("attributions", "articles")
WORD = re.compile(r"\w+", re.UNICODE)


def fts5_query(query: str) -> str:
    """Every word as a quoted FTS5 string, so punctuation and operators in user text stay literal."""
    return " ".join('"' + word.replace('"', '""') + '"' for word in WORD.findall(query))


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _text_match(table: sa.Table, query: str, backend: str) -> tuple[Any, Any, Any]:
    """(join target or None, where clause, rank expression: lower is better)."""
    if backend == "postgresql":
        tsquery = sa.func.plainto_tsquery(sa.literal_column(f"'{PG_TEXT_CONFIG}'::regconfig"),
                                          sa.bindparam("q", query))
        vector = pg_tsvector(table)
        return None, vector.op("@@")(tsquery), -sa.func.ts_rank(vector, tsquery)
    fts = fts_table(table.name)
    return (fts, fts.c[f"{table.name}_fts"].op("MATCH")(sa.bindparam("q", fts5_query(query))),
            fts.c.rank)


def _attribution_filters(f: SearchFilters) -> list[Any]:
    where = []
    if f.source:
        where.append(sa.or_(attributions.c.source_name.ilike(_like(f.source), escape="\\"),
                            attributions.c.source_text.ilike(_like(f.source), escape="\\")))
    if f.kind:
        where.append(attributions.c.source_kind == f.kind)
    if f.polarity:
        where.append(attributions.c.polarity == f.polarity)
    return where


def _article_filters(f: SearchFilters) -> list[Any]:
    import datetime as dt

    where = []
    if f.since:
        where.append(articles.c.published >= dt.date.fromisoformat(f.since))
    if f.until:
        where.append(articles.c.published <= dt.date.fromisoformat(f.until))
    if f.outlet:
        where.append(sa.func.lower(articles.c.outlet) == f.outlet.lower())
    if f.finding:
        where.append(sa.exists().where(findings.c.article_id == articles.c.id, findings.c.kind == f.finding))
    return where


ARTICLE_FIELDS = (articles.c.report_id.label("article"), articles.c.title, articles.c.outlet,
                  articles.c.published, articles.c.url)


def build_search(query: str, *, scope: str, filters: SearchFilters, backend: str, limit: int) -> sa.Select:
    if scope not in SCOPES:
        raise ValueError(f"scope must be one of {SCOPES}")
    has_text = bool(WORD.search(query or ""))
    if scope == "attributions":
        columns = [*ARTICLE_FIELDS, attributions.c.attribution_key.label("attribution"),
                   attributions.c.source_text, attributions.c.source_name, attributions.c.source_kind,
                   attributions.c.cue_text, attributions.c.form, attributions.c.polarity,
                   attributions.c.content_text, attributions.c.content_start, attributions.c.content_end]
        base = attributions.join(articles, attributions.c.article_id == articles.c.id)
        where = _attribution_filters(filters) + _article_filters(filters)
        table, order_tail = attributions, [articles.c.id, attributions.c.ord]
    else:
        columns = [*ARTICLE_FIELDS, articles.c.sha256,
                   sa.func.substr(articles.c.text, 1, 200).label("snippet")]
        base = articles
        where = _article_filters(filters)
        attribution_where = _attribution_filters(filters)
        if attribution_where:
            where.append(sa.exists().where(attributions.c.article_id == articles.c.id, *attribution_where))
        table, order_tail = articles, [articles.c.id]
    order: list[Any] = []
    if has_text:
        fts, match, rank = _text_match(table, query, backend)
        if fts is not None:
            base = base.join(fts, fts.c.rowid == table.c.id)
        where.append(match)
        order.append(rank)
    order.append(articles.c.published.desc().nulls_last() if backend == "postgresql"
                 else articles.c.published.desc())
    return sa.select(*columns).select_from(base).where(*where).order_by(*order, *order_tail).limit(limit)


def _short(text: str | None, width: int = 160) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= width else text[:width - 1] + "…"


def format_hit(row: dict[str, Any]) -> str:
    """One line per hit: date, outlet, who, how, what, and the article it is in."""
    head = " ".join(x for x in (row.get("published") or "----------", row.get("outlet") or "") if x)
    where = f"[{row['article']}{'#' + row['attribution'] if row.get('attribution') else ''}]"
    if "content_text" in row:
        who = row.get("source_name") or row.get("source_text") or "(no source)"
        kind = f" ({row['source_kind']})" if row.get("source_kind") else ""
        deny = " [deny]" if row.get("polarity") == "deny" else ""
        return f"{head}  {who}{kind} {row.get('cue_text') or ''}{deny}: {_short(row['content_text'])}  {where}"
    return f"{head}  {_short(row.get('title') or row.get('snippet'), 120)}  {where}"


def write_results(rows: list[dict[str, Any]], fmt: str, out: Any) -> None:
    import csv
    import json

    if fmt == "json":
        out.write(json.dumps(rows, ensure_ascii=False, indent=1) + "\n")
    elif fmt == "csv":
        if rows:
            writer = csv.DictWriter(out, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    else:
        for row in rows:
            out.write(format_hit(row) + "\n")
