"""The ledger's tables: one SQLAlchemy Core schema for SQLite and PostgreSQL.

The only backend-specific pieces are the full-text indexes: FTS5 tables kept in sync by triggers on
SQLite (the sqlite-utils layout Datasette recognises) and a GIN `tsvector` expression index on
PostgreSQL. `store.py` opens, migrates and writes; `search.py` and `export.py` read.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
# Registers to_tsvector & co. with their PostgreSQL types before the schema below uses them.
import sqlalchemy.dialects.postgresql  # noqa: F401
from sqlalchemy.engine import Connection

SCHEMA_VERSION = 1


metadata = sa.MetaData()
# Python None becomes SQL NULL, not the JSON text 'null' (SQLAlchemy's default), so IS NULL works.
JSON = sa.JSON(none_as_null=True)


def _article_fk() -> sa.Column:
    return sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id", ondelete="CASCADE"),
                     nullable=False, index=True)


def _span(prefix: str, nullable: bool = False) -> list[sa.Column]:
    return [sa.Column(f"{prefix}text", sa.Text, nullable=nullable),
            sa.Column(f"{prefix}start", sa.Integer, nullable=nullable),
            sa.Column(f"{prefix}end", sa.Integer, nullable=nullable)]


def _source_columns() -> list[sa.Column]:
    # A report may carry no source (null); then every source_* column is null.
    return [*_span("source_", nullable=True),
            sa.Column("source_name", sa.Text, index=True),
            sa.Column("source_entity", sa.String(32)),
            sa.Column("source_kind", sa.String(32), index=True)]


def _cue_columns() -> list[sa.Column]:
    return [*_span("cue_"), sa.Column("cue_lemma", sa.String(64), index=True)]


def _extra() -> sa.Column:
    # Fields a later report version adds that this schema has no column for: kept so that the
    # export re-creates the report exactly.
    return sa.Column("extra", JSON)


def _child_table(name: str, *columns: sa.Column) -> sa.Table:
    """A table of one report part: one row per item, in report order within its article."""
    return sa.Table(
        name, metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        _article_fk(),
        sa.Column("ord", sa.Integer, nullable=False),
        *columns,
        _extra(),
        sa.UniqueConstraint("article_id", "ord"),
    )


ledger_meta = sa.Table(
    "ledger_meta", metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)

articles = sa.Table(
    "articles", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("report_id", sa.Text, nullable=False, index=True),   # the report's article.id
    sa.Column("title", sa.Text),
    sa.Column("url", sa.Text),
    sa.Column("outlet", sa.Text, index=True),
    sa.Column("published", sa.Date, index=True),
    sa.Column("language", sa.String(16)),
    sa.Column("sha256", sa.String(64), nullable=False, unique=True),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("warnings", JSON),
    sa.Column("ingested_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("analyzer_version", sa.String(64), nullable=False),
    _extra(),
)

entities = _child_table(
    "entities",
    sa.Column("entity_key", sa.String(32), nullable=False),        # "e1", unique within the article
    sa.Column("name", sa.Text, nullable=False, index=True),
    sa.Column("type", sa.String(32), index=True),
)

mentions = sa.Table(
    "mentions", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("entity_id", sa.Integer, sa.ForeignKey("entities.id", ondelete="CASCADE"), nullable=False,
              index=True),
    _article_fk(),
    sa.Column("ord", sa.Integer, nullable=False),
    *_span(""),
    _extra(),
)

attributions = _child_table(
    "attributions",
    sa.Column("attribution_key", sa.String(32), nullable=False),
    *_source_columns(),
    sa.Column("source_entity_id", sa.Integer, sa.ForeignKey("entities.id", ondelete="SET NULL"), index=True),
    *_cue_columns(),
    *_span("content_"),
    sa.Column("content_fragments", JSON),
    sa.Column("form", sa.String(16), index=True),
    sa.Column("polarity", sa.String(16), index=True),
)

no_comments = _child_table(
    "no_comments",
    *_source_columns(),
    *_cue_columns(),
)

quantities = _child_table(
    "quantities",
    sa.Column("quantity_key", sa.String(32), nullable=False),
    *_span(""),
    sa.Column("value", sa.Float),
    # The report distinguishes 5 from 5.0; a float column alone would not.
    sa.Column("value_is_int", sa.Boolean),
    sa.Column("unit", sa.String(32), index=True),
    sa.Column("dimension", sa.String(32), index=True),
    sa.Column("bound", sa.String(16)),
    sa.Column("counts", sa.Text),
    sa.Column("unit_name", sa.Text),
    sa.Column("unit_guess", sa.Text),
    sa.Column("range", JSON),
    sa.Column("change", JSON),
)

dates = _child_table(
    "dates",
    *_span(""),
    sa.Column("resolved", sa.String(32), index=True),
)

findings = _child_table(
    "findings",
    sa.Column("finding_key", sa.String(32), nullable=False),
    sa.Column("kind", sa.String(64), nullable=False, index=True),
    sa.Column("severity", sa.String(16), index=True),
    sa.Column("message", sa.Text),
    sa.Column("evidence", JSON),
    sa.Column("suggestion", sa.Text),
)

CHILD_TABLES = (entities, mentions, attributions, no_comments, quantities, dates, findings)
TABLES = {t.name: t for t in (articles, *CHILD_TABLES)}

# Full-text search: which columns each searchable table indexes.
FTS_COLUMNS = {
    "articles": ("title", "text"),
    "attributions": ("content_text", "source_text", "source_name", "cue_text"),
}
PG_TEXT_CONFIG = "english"


def pg_tsvector(table: sa.Table) -> sa.ColumnElement:
    """The one tsvector expression per table: the GIN index and the queries must use it verbatim."""
    parts = [sa.func.coalesce(table.c[name], sa.literal_column("''")) for name in FTS_COLUMNS[table.name]]
    document = parts[0]
    for part in parts[1:]:
        document = document.op("||")(sa.literal_column("' '")).op("||")(part)
    return sa.func.to_tsvector(sa.literal_column(f"'{PG_TEXT_CONFIG}'::regconfig"), document)


for _name in FTS_COLUMNS:
    # `_table`: SQLAlchemy does not find the table inside nested function calls by itself.
    sa.Index(f"ix_{_name}_tsv", pg_tsvector(TABLES[_name]), postgresql_using="gin",
             _table=TABLES[_name]).ddl_if(dialect="postgresql")


def sqlite_fts_ddl(table: str) -> list[str]:
    """FTS5 table and sync triggers in the layout `sqlite-utils enable-fts --create-triggers` writes.

    Datasette finds `<table>_fts` through its `content=[<table>]` clause and shows a search box.
    Only constant identifiers from FTS_COLUMNS appear here; no value is ever spliced in.
    """
    cols = FTS_COLUMNS[table]
    names = ", ".join(f"[{c}]" for c in cols)
    new = ", ".join(f"new.[{c}]" for c in cols)
    old = ", ".join(f"old.[{c}]" for c in cols)
    fts = f"{table}_fts"
    delete = f"INSERT INTO [{fts}] ([{fts}], rowid, {names}) VALUES('delete', old.rowid, {old});"
    insert = f"INSERT INTO [{fts}] (rowid, {names}) VALUES (new.rowid, {new});"
    return [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS [{fts}] USING FTS5 ({names}, tokenize='porter', content=[{table}])",
        f"CREATE TRIGGER IF NOT EXISTS [{table}_ai] AFTER INSERT ON [{table}] BEGIN {insert} END",
        f"CREATE TRIGGER IF NOT EXISTS [{table}_ad] AFTER DELETE ON [{table}] BEGIN {delete} END",
        f"CREATE TRIGGER IF NOT EXISTS [{table}_au] AFTER UPDATE ON [{table}] BEGIN {delete} {insert} END",
    ]


def fts_table(table: str) -> sa.TableClause:
    return sa.table(f"{table}_fts", sa.column("rowid"), sa.column(f"{table}_fts"), sa.column("rank"))


# Migrations: MIGRATIONS[n] upgrades a version-n ledger to n + 1 inside the opening transaction.
# To change the schema: edit the tables above, bump SCHEMA_VERSION and add the step that brings
# an existing version-(N-1) database to the new shape (ALTER TABLE via sa.DDL / op-style helpers).
Migration = Callable[[Connection], None]
MIGRATIONS: dict[int, Migration] = {}
