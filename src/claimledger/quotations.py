"""Quotations in news text: where each one opens and closes, across paragraphs, with broken marks.

`find_quotes` gives the spans; `QuoteIndex` answers "which quotation holds this character"; the small
predicates after them say how a quotation sits in its sentence and paragraph, for the attribution rules
that link quotations to their cues (`attribution.link_quotes`).
"""

from __future__ import annotations

import bisect
import re

# „...“ is how German and other continental copy quotes; its closer is the English opener.
QUOTE_MARK = re.compile(r"''|``|[\"“”«»„]")
_OPENERS = {"“", "«", "``", "„"}
_CLOSERS = {"”", "»"}
_PARA_BREAK = re.compile(r"\n\s*\n|\n")


def find_quotes(text: str) -> list[tuple[int, int, bool]]:
    """Quotation spans (start, end, closed) including their marks.

    A quote left open at a paragraph end continues if the next paragraph opens with a quote mark
    (the news convention for multi-paragraph quotes); otherwise it ends with its paragraph, so an
    unclosed quote never swallows the rest of the article.
    """
    paras = []
    pos = 0
    for m in _PARA_BREAK.finditer(text):
        paras.append((pos, m.start()))
        pos = m.end()
    paras.append((pos, len(text)))

    quotes: list[tuple[int, int, bool]] = []
    open_at: int | None = None
    for p, (ps, pe) in enumerate(paras):
        marks = list(QUOTE_MARK.finditer(text, ps, pe))
        skip_first = False
        if open_at is not None:
            # A carried-over quote: this paragraph must re-open it, else it ended with the last one.
            if marks and marks[0].start() == ps + (len(text[ps:pe]) - len(text[ps:pe].lstrip())):
                skip_first = True
            else:
                quotes.append((open_at, paras[p - 1][1], False))
                open_at = None
        for k, m in enumerate(marks):
            if skip_first and k == 0:
                continue
            mark = m.group()
            if open_at is None:
                if mark in _CLOSERS and not _closer_opens(text, m.start(), m.end(), ps):
                    continue  # a stray closer
                before, after = text[m.start() - 1:m.start()], text[m.end():m.end() + 1]
                if mark == '"' and (before.isdigit() or before and not before.isspace() and before not in "([—–-"
                                    and (not after or after.isspace())):
                    # inches ('a 6" pipe'), or a stray closer ('within an hour." The city'): an opening
                    # mark follows a space and comes before a word
                    continue
                open_at = m.start()
            else:
                after = text[m.end():m.end() + 1]
                if mark in _OPENERS and not (after == "" or after.isspace() or after in ".,;:!?)"):
                    # Curly opener while open: the previous quote was never closed; restart here.
                    # (One typed the wrong way round, at a word's end, still closes.)
                    if m.start() > open_at:
                        open_at = m.start()
                    continue
                quotes.append((open_at, m.end(), True))
                open_at = None
        if open_at is not None:
            nxt = paras[p + 1] if p + 1 < len(paras) else None
            reopens = nxt is not None and QUOTE_MARK.match(text, nxt[0] + len(text[nxt[0]:nxt[1]]) - len(text[nxt[0]:nxt[1]].lstrip()))
            if not reopens:
                quotes.append((open_at, pe, False))
                open_at = None
    return [q for q in quotes if q[1] - q[0] > 2]


def _closer_opens(text: str, start: int, end: int, para_start: int) -> bool:
    """Whether a closing mark, with no quotation open, is an opener typed the wrong way round:
    at the start of its paragraph, or after a space and right against the next word or an ellipsis
    ('” … they are so not like him,” she said')."""
    before = text[para_start:start]
    after = text[end:end + 2]
    if not before.strip():
        return True
    return before[-1:].isspace() and (after[:1].isalnum() or after.lstrip(" ")[:1] == "…")


class QuoteIndex:
    def __init__(self, quotes: list[tuple[int, int, bool]]):
        self.quotes = [(s, e) for s, e, _ in quotes]
        self.unclosed = {i for i, q in enumerate(quotes) if not q[2]}
        self.starts = [s for s, _, _ in quotes]

    def closed_at(self, char: int) -> int:
        """Like `at`, but an unclosed quote holds nothing (its cue may sit inside it)."""
        i = self.at(char)
        return -1 if i in self.unclosed else i

    def at(self, char: int) -> int:
        """Index of the quote containing char offset, or -1."""
        i = bisect.bisect_right(self.starts, char) - 1
        if i >= 0 and self.quotes[i][0] <= char < self.quotes[i][1]:
            return i
        return -1


def gap_ok(text: str, s: int, e: int, allowed: str) -> bool:
    return s <= e and not text[s:e].strip(allowed)


def quote_paragraph_follows(text: str, cursor: int, quote: tuple[int, int]) -> bool:
    """Whether `quote` is the whole of the paragraph right after the one ending near `cursor`
    ('"A," X said to cheers.\\n\\n"B"'): a quotation standing alone with no speaker of its own goes on
    with the last one. On PolNeAR train, 133 of 161 such cueless quote paragraphs belong to an earlier cue."""
    s, e = quote
    gap = text[cursor:s]
    nl = gap.find("\n")
    rest_of_sentence, between = gap[:nl], gap[nl:]
    if between.strip() or between.count("\n") > 2 or len(rest_of_sentence) > 200 \
            or QUOTE_MARK.search(rest_of_sentence) or rest_of_sentence.strip(" \t").endswith((",", ";", ":")) \
            or ends_a_sentence_in(rest_of_sentence.rstrip()):  # only the rest of the cue's own sentence
        return False
    line_end = text.find("\n", e)
    return not text[e:len(text) if line_end < 0 else line_end].strip(" .\t")


# Words whose full stop does not end a sentence ("Mr. Elkins said", "Gov. Ruiz").
ABBREVIATIONS = frozenset("mr mrs ms dr st jr sr gen sen rep gov lt col sgt capt prof no vs".split())
_STOP = re.compile(r"(\w*)([.!?])[\"”’']?\s")


def ends_a_sentence_in(text: str) -> bool:
    """Whether a sentence ends somewhere in `text`: a stop before a space, not an initial ("J.") or
    a title ("Mr.")."""
    for m in _STOP.finditer(text):
        word = m.group(1).lower()
        if m.group(2) != "." or not (len(word) == 1 or word in ABBREVIATIONS):
            return True
    return False


def closes_clause(text: str, end: int) -> bool:
    """Whether a quotation ending at `end` ends its clause ('said "A" in B' is mixed, not direct)."""
    rest = text[end:end + 2].lstrip(" ")
    return not rest or not (rest[0].isalnum())


def ends_sentence(text: str, end: int) -> bool:
    rest = text[end:end + 3]
    return not rest.strip() or rest.lstrip(" ")[:1] in (".", "\n", "")
