"""Turn paths (text, HTML, JSONL, directories, stdin) into ArticleInput records.

Problems with one input never stop the others: each becomes an InputProblem naming the file
(and line) and what is wrong with it, for the caller to report.
"""

from __future__ import annotations

import codecs
import datetime as dt
import json
import os
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from .dates import parse_published
from .pipeline import ArticleInput, InputError, validate_text

TEXT_SUFFIXES = {".txt", ".text", ".md", ""}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
ARTICLE_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES
# One article rarely exceeds 100 KB; a file of several MB is usually a dump or the wrong file,
# and parsing it would take minutes. Refuse it with a clear message unless the user raises the limit.
DEFAULT_MAX_BYTES = 5_000_000
PREFERRED_LEGACY = "cp1252"
MIN_HTML_WORDS = 8


@dataclass
class InputProblem:
    origin: str
    message: str
    # A file a directory holds but that was left out on purpose (not an article file): said, not a failure.
    notice: bool = False

    def __str__(self) -> str:
        return f"{self.origin}: {self.message}"

    @classmethod
    def of(cls, exc: InputError) -> "InputProblem":
        return cls(exc.origin, exc.message)



def json_problem(exc: json.JSONDecodeError) -> str:
    """'malformed JSON (Expecting value at column 3)': the decoder's own message ends in 'at' for some errors."""
    reason = exc.msg[:-3] if exc.msg.endswith(" at") else exc.msg
    return f"malformed JSON ({reason} at column {exc.colno})"

def looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    control = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13, 27))
    return bool(sample) and control / len(sample) > 0.05


def decode_bytes(data: bytes, origin: str) -> tuple[str, list[str]]:
    """Decode as UTF-8, else detect the encoding; returns the text and warnings."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Word and Notepad save "Unicode" text as UTF-16 with a byte-order mark; its NULs are not binary.
        try:
            return data.decode("utf-16"), [f"{origin}: not UTF-8; decoded as UTF-16"]
        except UnicodeDecodeError:
            raise InputError(origin, "damaged UTF-16 text") from None
    if looks_binary(data):
        raise InputError(origin, "binary file, not text")
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    results = list(from_bytes(data))
    if not results:
        raise InputError(origin, "not valid UTF-8 and no text encoding could be detected")
    best = results[0]
    # Short Western text decodes equally well as several legacy code pages; English-language news
    # that is not UTF-8 is overwhelmingly Windows-1252, so it wins among equally good readings.
    for match in results:
        close = match.chaos <= best.chaos + 0.005 and match.coherence >= best.coherence - 0.05
        if close and PREFERRED_LEGACY in (match.encoding, *match.could_be_from_charset):
            try:
                return data.decode(PREFERRED_LEGACY), [f"{origin}: not UTF-8; decoded as {PREFERRED_LEGACY}"]
            except UnicodeDecodeError:
                break
    return str(best), [f"{origin}: not UTF-8; decoded as {best.encoding}"]


def _check_size(size: int, origin: str, max_bytes: int) -> None:
    if size > max_bytes:
        raise InputError(origin, f"file is {size / 1e6:.1f} MB, over the {max_bytes / 1e6:.1f} MB limit "
                         f"for one article (raise it with --max-bytes)")


def _article(text: str, origin: str, warnings: list[str], published_override: str | None,
             **meta: str | None) -> ArticleInput:
    validate_text(text, origin)
    found = meta.pop("published", None)
    published = published_override or found
    if published is not None:
        published = parse_published(published, origin)
    return ArticleInput(text=text, origin=origin, warnings=warnings, published=published, **meta)


# A wire dateline with a full date near the top: "PORT ELLERY, March 18, 2025 (Wire) -".
_DATELINE_DATE = re.compile(r"^[ \t]*[A-Z][A-Z'. -]{1,40},[ \t]+([A-Z][a-z]{2,8})\.?[ \t]+(\d{1,2}),?[ \t]+(\d{4})\b",
                            re.M)


# A header line naming the date: "Published: 2026-06-08", "Date: March 18, 2025", "Posted on 18 March 2025".
# "Updated:" is not the publication date, so it is used only when nothing else gives one.
_HEADER_KEYS = "Published|Date|Posted|Dated|Updated"
_HEADER_DATE = re.compile(rf"^[ \t]*(?P<key>{_HEADER_KEYS})(?:[ \t]+on)?[ \t]*:?[ \t]+"
                          r"(?P<date>[^\n]{6,40}?)[ \t]*\r?$", re.M | re.I)
_HEADER_LINES = 12


def _calendar_date(raw: str) -> dt.date | None:
    """'2026-06-08', 'March 18, 2025', '18 March 2025' (a time after the date is ignored)."""
    from .dates import MONTHS

    m = re.match(r"(\d{4})-(\d{2})-(\d{2})\b", raw)
    if m:
        y, mo, d = int(m[1]), int(m[2]), int(m[3])
    else:
        m = re.match(r"(?:[A-Za-z]+,?\s+)?(?:(?P<m1>[A-Za-z]{3,9})\.?\s+(?P<d1>\d{1,2}),?|(?P<d2>\d{1,2})\s+"
                     r"(?P<m2>[A-Za-z]{3,9})\.?,?)\s+(?P<y>\d{4})\b", raw)
        if m is None or (m["m1"] or m["m2"]).lower() not in MONTHS:
            return None
        y, mo, d = int(m["y"]), MONTHS[(m["m1"] or m["m2"]).lower()], int(m["d1"] or m["d2"])
    try:
        return dt.date(y, mo, d)
    except ValueError:
        return None


def header_date(text: str) -> tuple[str | None, str | None]:
    """The date a 'Published:' (or 'Date:', 'Posted:') line in the article's header gives, as YYYY-MM-DD; and,
    when none does, such a line whose date is not a calendar date (what it says), else None."""
    from .dates import PUBLISHED_YEARS

    head = "\n".join(text.lstrip().splitlines()[:_HEADER_LINES])
    found: dict[str, dt.date] = {}
    unread = None
    for m in _HEADER_DATE.finditer(head):
        updated = m["key"].lower() == "updated"
        date = _calendar_date(m["date"])
        if date is not None and PUBLISHED_YEARS[0] <= date.year <= PUBLISHED_YEARS[1]:
            found.setdefault("updated" if updated else "published", date)
        elif date is None and not updated and unread is None:
            unread = m.group(0).strip()
    date = found.get("published") or found.get("updated")
    return (date.isoformat(), None) if date else (None, unread)


def dateline_date(text: str) -> str | None:
    """The publication date a plain-text article states in its dateline (YYYY-MM-DD), if any."""
    from .dates import MONTHS, PUBLISHED_YEARS

    m = _DATELINE_DATE.search(text[:2000])
    if m is None or m.group(1).lower() not in MONTHS or not PUBLISHED_YEARS[0] <= int(m.group(3)) <= PUBLISHED_YEARS[1]:
        return None
    try:
        return dt.date(int(m.group(3)), MONTHS[m.group(1).lower()], int(m.group(2))).isoformat()
    except ValueError:
        return None


def read_text(data: bytes, origin: str, published: str | None = None) -> ArticleInput:
    text, warnings = decode_bytes(data, origin)
    found, unread = header_date(text)
    found = found or dateline_date(text)
    if found is None and published is None and unread is not None:
        # "Published: 2026-13-45": say so, rather than resolve nothing without a word
        warnings.append(f"{origin}: no date could be read from '{unread}'; relative dates are left unresolved "
                        f"(give one with --published)")
    return _article(text, origin, warnings, published, title=headline(text), published=found)


_HEADLINE = re.compile(r"\A[ \t]*([^\n]{3,150}?)[ \t]*\r?\n(?P<next>[^\n]*)")
# What may follow a headline directly, with no blank line: a date or byline header, or a wire dateline.
_UNDER_HEADLINE = re.compile(rf"[ \t]*(?:(?:{_HEADER_KEYS})\b[^\n]*\d|By[ \t]+[A-Z]|"
                             r"[A-Z][A-Z'. -]{1,40},[^\n]{0,40}?(?:\(\w[^)]*\)[ \t]*)?[-\u2013\u2014]|"
                             r"[A-Z][A-Z'. -]{1,40}[ \t]+\(\w[^)]*\)[ \t]*[-\u2013\u2014])")


def headline(text: str) -> str | None:
    """A plain-text article's title: a short first line standing alone above the body, not a sentence.
    It stands alone when a blank line follows it, or a header line (a date, a byline) or a wire dateline,
    which no sentence wrapped onto a second line would begin with."""
    m = _HEADLINE.match(text)
    if m is None or m.group(1).rstrip().endswith((".", ",", ";", ":")):
        return None
    if m["next"].strip() and not _UNDER_HEADLINE.match(m["next"]):
        return None
    if not m["next"].strip() and not text[m.end():].strip():
        return None
    return m.group(1).strip()


def read_html(data: bytes, origin: str, published: str | None = None) -> ArticleInput:
    import trafilatura

    html, warnings = decode_bytes(data, origin)
    extracted = trafilatura.extract(html, output_format="json", with_metadata=True,
                                    include_comments=False, favor_precision=True)
    found = json.loads(extracted) if extracted else {}
    text = (found.get("text") or "").strip()
    # Given a page with no article, trafilatura falls back to stray link text ("Home"); a handful
    # of words is not an article.
    if len(text.split()) < MIN_HTML_WORDS:
        raise InputError(origin, "no article text found in the HTML")
    return _article(text, origin, warnings, published, title=found.get("title") or None,
                    url=found.get("source") or found.get("url") or None,
                    outlet=found.get("sitename") or None, published=found.get("date") or None)


def _meta_value(value: object, field: str, where: str, warnings: list[str]) -> str | None:
    """A record's metadata field as text: strings as they are, numbers written out (ids are often
    numbers); anything else is left out with a warning rather than stored as Python's repr."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    warnings.append(f"{where}: '{field}' is {type(value).__name__}, not text; left out")
    return None


def read_jsonl(lines: Iterable[bytes], origin: str, published: str | None = None,
               max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[ArticleInput | InputProblem]:
    for number, raw in enumerate(lines, start=1):
        where = f"{origin}:{number}"
        if not raw.strip():
            continue
        try:
            _check_size(len(raw), where, max_bytes)
            line, warnings = decode_bytes(raw, where)
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(where, json_problem(exc)) from None
            if not isinstance(record, dict):
                raise InputError(where, "expected a JSON object with a 'text' field")
            text = record.get("text")
            if not isinstance(text, str):
                raise InputError(where, "no 'text' string in this record")
            meta = {k: _meta_value(record.get(k), k, where, warnings)
                    for k in ("id", "title", "url", "outlet", "published")}
            yield _article(text, where, warnings, published, **meta)
        except InputError as exc:
            yield InputProblem.of(exc)


def _walk(directory: Path, skipped: list[Path] | None = None) -> Iterator[Path]:
    """The article files under `directory`, hidden ones left out; the others go to `skipped` if given."""
    for root, dirs, files in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            path = Path(root) / name
            if name.startswith("."):
                continue
            if path.suffix.lower() in ARTICLE_SUFFIXES:
                yield path
            elif skipped is not None:
                skipped.append(path)


def read_stream(stream: BinaryIO, origin: str, kind: str, published: str | None,
                max_bytes: int) -> Iterator[ArticleInput | InputProblem]:
    """Read one already-open input of the given kind: 'text', 'html' or 'jsonl'."""
    if kind == "jsonl":
        empty = True
        for item in read_jsonl(stream, origin, published, max_bytes):
            empty = False
            yield item
        if empty:
            yield InputProblem(origin, "no records (the JSONL input is empty)")
        return
    data = stream.read(max_bytes + 1)
    try:
        _check_size(len(data), origin, max_bytes)
        yield (read_html if kind == "html" else read_text)(data, origin, published)
    except InputError as exc:
        yield InputProblem.of(exc)


def kind_of(path: Path) -> str:
    suffix = path.suffix.lower()
    return "html" if suffix in HTML_SUFFIXES else "jsonl" if suffix in JSONL_SUFFIXES else "text"


def read_inputs(paths: Iterable[str], published: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES,
                stdin: BinaryIO | None = None, stdin_kind: str = "text") -> Iterator[ArticleInput | InputProblem]:
    """Every article in `paths` ('-' is stdin), in order, or a problem per input that failed."""
    for given in paths:
        if given == "-":
            stream = stdin if stdin is not None else sys.stdin.buffer
            yield from read_stream(stream, "<stdin>", stdin_kind, published, max_bytes)
            continue
        path = Path(given)
        if path.is_dir():
            skipped: list[Path] = []
            files = list(_walk(path, skipped))
            suffixes = ", ".join(sorted(s for s in ARTICLE_SUFFIXES if s))
            if not files:
                yield InputProblem(given, f"directory holds no article files ({suffixes})")
            for file in skipped:
                yield InputProblem(str(file), f"skipped: not an article file ({suffixes}); name it to read it as text",
                                   notice=True)
            for file in files:
                yield from _read_path(file, published, max_bytes)
        else:
            yield from _read_path(path, published, max_bytes)


def _read_path(path: Path, published: str | None, max_bytes: int) -> Iterator[ArticleInput | InputProblem]:
    origin = str(path)
    try:
        kind = kind_of(path)
        if kind != "jsonl":
            _check_size(path.stat().st_size, origin, max_bytes)
        with path.open("rb") as stream:
            yield from read_stream(stream, origin, kind, published, max_bytes)
    except FileNotFoundError:
        yield InputProblem(origin, "no such file or directory")
    except PermissionError:
        yield InputProblem(origin, "permission denied")
    except IsADirectoryError:
        yield InputProblem(origin, "is a directory")
    except InputError as exc:
        yield InputProblem.of(exc)
    except OSError as exc:
        yield InputProblem(origin, f"cannot read ({exc.strerror or exc})")
