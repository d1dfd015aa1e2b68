"""Dates: the publication date, and (issue 5) relative dates resolved against it."""

from __future__ import annotations

import datetime as dt

from spacy.tokens import Doc

from .report import DateMention


def parse_published(value: str, origin: str = "--published") -> str:
    """Validate a publication date given as YYYY-MM-DD (a time part is accepted and dropped)."""
    from .pipeline import InputError

    raw = str(value).strip()
    day, _, rest = raw.partition("T") if "T" in raw else raw.partition(" ")
    try:
        if rest:
            dt.time.fromisoformat(rest.rstrip("Z").split("+")[0])
        return dt.date.fromisoformat(day).isoformat()
    except ValueError:
        raise InputError(origin, f"bad publication date {value!r} (expected YYYY-MM-DD)") from None


def extract(doc: Doc, published: str | None) -> list[DateMention]:
    return []
