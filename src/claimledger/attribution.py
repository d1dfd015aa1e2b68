"""Attribution: who said what. (Filled by issue 4; until then it finds nothing rather than faking.)"""

from __future__ import annotations

from spacy.tokens import Doc

from .report import Attribution, Entity, NoComment


def extract(doc: Doc, entities: list[Entity]) -> tuple[list[Attribution], list[NoComment]]:
    return [], []
