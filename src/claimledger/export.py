"""Exports of a ledger: one table as JSONL / CSV / Parquet, or the stored reports as JSONL.

Reports come back exactly as `analyze` wrote them (byte for byte); table exports carry JSON columns
as JSON text so CSV and Parquet readers need no schema of ours.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import sqlalchemy as sa

from .schema import TABLES
from .store import Ledger, plain_row


EXPORT_FORMATS = ("jsonl", "csv", "parquet")


def _cell(value: Any, column: sa.Column) -> Any:
    """A value for CSV: JSON columns as JSON text, dates as ISO strings."""
    if value is None:
        return ""
    if isinstance(column.type, sa.JSON):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def _arrow_type(column: sa.Column) -> Any:
    import pyarrow as pa

    kind = column.type
    if isinstance(kind, sa.Boolean):
        return pa.bool_()
    if isinstance(kind, sa.Integer):
        return pa.int64()
    if isinstance(kind, sa.Float):
        return pa.float64()
    if isinstance(kind, sa.DateTime):
        return pa.timestamp("us", tz="UTC")
    if isinstance(kind, sa.Date):
        return pa.date32()
    return pa.string()   # text, and JSON as JSON text (Spark: from_json, DuckDB: json functions)


def _arrow_value(value: Any, column: sa.Column) -> Any:
    if value is None:
        return None
    if isinstance(column.type, sa.JSON):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(column.type, sa.DateTime) and isinstance(value, dt.datetime) and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)   # SQLite hands back naive UTC
    return value


def export_table(ledger: Ledger, table: str, fmt: str, out: Any, chunk: int = 5000) -> int:
    """Write one table's rows to `out` (a text stream for jsonl/csv, a path for parquet)."""
    import csv

    t = TABLES[table]
    count = 0
    if fmt == "jsonl":
        for row in ledger.rows(table, chunk):
            out.write(json.dumps(plain_row(row), ensure_ascii=False) + "\n")
            count += 1
    elif fmt == "csv":
        writer = csv.writer(out)
        writer.writerow([c.name for c in t.columns])
        for row in ledger.rows(table, chunk):
            writer.writerow([_cell(row[c.name], c) for c in t.columns])
            count += 1
    elif fmt == "parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        schema = pa.schema([pa.field(c.name, _arrow_type(c), nullable=c.nullable) for c in t.columns])
        with pq.ParquetWriter(str(out), schema, compression="zstd") as writer:
            batch: list[dict[str, Any]] = []

            def flush() -> None:
                columns = {c.name: [_arrow_value(r[c.name], c) for r in batch] for c in t.columns}
                writer.write_table(pa.Table.from_pydict(columns, schema=schema))
                batch.clear()

            for row in ledger.rows(table, chunk):
                batch.append(row)
                count += 1
                if len(batch) >= chunk:
                    flush()
            if batch or count == 0:
                flush()
    else:
        raise ValueError(f"unknown export format {fmt!r}")
    return count


def export_reports(ledger: Ledger, out: Any) -> int:
    """Every stored report as one JSON line, exactly as `claimledger analyze --format jsonl` wrote it."""
    count = 0
    for report in ledger.reports():
        out.write(json.dumps(report, ensure_ascii=False) + "\n")
        count += 1
    return count
