"""Scoring attributions against PolNeAR-format gold, with the definitions of shared/eval's scorer.

Unit: one role (source, cue or content) of one attribution, all its fragments together.
- exact: fragments trimmed of surrounding whitespace/punctuation, then merged when they overlap or
  only punctuation separates them; the interval tuples must be identical. Punctuation-only spans
  (":" cues) are trimmed of whitespace only.
- overlap: the spans share at least one token (\\w+ or a single other character); pairs are
  taken by decreasing token Jaccard.
- token: covered tokens of all spans of a role in an article, predicted vs gold.
Matching is one-to-one and greedy within an article; scores are micro-averaged.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from .ingest import json_problem
from .pipeline import InputError
from .report import outermost

ROLES = ("source", "cue", "content")
LEVELS = (*ROLES, "attribution")
METRICS = ("exact", "overlap", "token")
_SPACE = " \t\r\n\u00a0\u2009\u200a\u200b"
_PUNCT = ("\"'`\u2018\u2019\u201c\u201d\u00ab\u00bb\u2039\u203a,.;:!?-\u2013\u2014\u2026()[]{}<>*_/|"
          "\u2015\u2012\u2212")
TRIM_ALL = frozenset(_SPACE + _PUNCT)
TRIM_SPACE = frozenset(_SPACE)
TOKEN = re.compile(r"\w+|[^\w\s]")

Fragments = list[tuple[int, int]]


def load_jsonl(path: Path, check: Callable[[Any], str | None] | None = None,
               on_error: Callable[[str, str], None] | None = None) -> list[dict[str, Any]]:
    """The rows of a JSONL file. A malformed line, or a row `check` finds a problem with, goes to
    `on_error(origin, message)` and is skipped; without `on_error` it raises InputError."""
    def bad(origin: str, message: str) -> None:
        if on_error is None:
            raise InputError(origin, message)
        on_error(origin, message)

    rows = []
    try:
        with open(path, encoding="utf-8") as fh:
            for number, line in enumerate(fh, start=1):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                except json.JSONDecodeError as exc:
                    bad(f"{path}:{number}", json_problem(exc))
                    continue
                problem = check(row) if check else None
                if problem:
                    bad(f"{path}:{number}", problem)
                    continue
                rows.append(row)
    except OSError as exc:
        raise InputError(str(path), exc.strerror or str(exc)) from None
    except UnicodeDecodeError:
        raise InputError(str(path), "not UTF-8 text") from None
    return rows


def _attributions_problem(row: dict[str, Any], text_length: int | None) -> str | None:
    attributions = row.get("attributions")
    if attributions is None:
        return None
    if not isinstance(attributions, list):
        return "'attributions' is not a list"
    for k, attribution in enumerate(attributions, start=1):
        if not isinstance(attribution, dict):
            return f"attribution {k} is not an object"
        try:
            roles = roles_of(attribution)
        except (ValueError, TypeError) as exc:
            return f"attribution {k}: {exc}"
        for role, frags in roles.items():
            if any(not 0 <= s <= e or (text_length is not None and e > text_length) for s, e in frags):
                return f"attribution {k}: {role} offsets outside the text"
    return None


def gold_problem(row: Any) -> str | None:
    """Why a gold row cannot be scored (None when it can): it needs a non-empty text and readable spans."""
    if not isinstance(row, dict):
        return "not a JSON object"
    if not isinstance(row.get("text"), str):
        return "no 'text' string"
    if not row["text"].strip():
        return "empty 'text'"
    return _attributions_problem(row, len(row["text"]))


def prediction_problem(row: Any) -> str | None:
    """Why a predictions row cannot be scored (a report or a PolNeAR-format row)."""
    if not isinstance(row, dict):
        return "not a JSON object"
    return _attributions_problem(row, None)


def fragments(value: Any) -> Fragments:
    """Role value as (start, end) pairs, from a span dict (with optional `fragments`), a list, or a pair."""
    if value is None:
        return []
    if isinstance(value, dict):
        for key in ("fragments", "spans"):
            if isinstance(value.get(key), list):
                return fragments(value[key])
        if value.get("start") is None or value.get("end") is None:
            return []
        return [(int(value["start"]), int(value["end"]))]
    if isinstance(value, (list, tuple)):
        if len(value) == 2 and all(isinstance(v, int) for v in value):
            return [(value[0], value[1])]
        return [pair for item in value for pair in fragments(item)]
    raise ValueError(f"cannot read a role from {value!r}")


def roles_of(attribution: dict[str, Any]) -> dict[str, Fragments]:
    source = attribution.get("source", attribution.get("speaker"))
    return {"source": fragments(source), "cue": fragments(attribution.get("cue")),
            "content": fragments(attribution.get("content"))}


def exact_key(frags: Fragments, text: str, trim: frozenset[str] = TRIM_ALL) -> tuple[tuple[int, int], ...]:
    intervals = []
    for s, e in frags:
        s, e = max(0, s), min(len(text), e)
        while s < e and text[s] in trim:
            s += 1
        while e > s and text[e - 1] in trim:
            e -= 1
        if e > s:
            intervals.append((s, e))
    merged: list[tuple[int, int]] = []
    for s, e in sorted(intervals):
        if merged and (s <= merged[-1][1] or all(c in trim for c in text[merged[-1][1]:s])):
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    if not merged and frags and trim is TRIM_ALL:
        return exact_key(frags, text, TRIM_SPACE)
    return tuple(merged)


class TokenIndex:
    def __init__(self, text: str) -> None:
        self.bounds = [(m.start(), m.end()) for m in TOKEN.finditer(text)]
        self.starts = [s for s, _ in self.bounds]

    def covered(self, frags: Fragments) -> frozenset[int]:
        out = set()
        for s, e in frags:
            i = max(bisect.bisect_right(self.starts, s) - 1, 0)
            while i < len(self.bounds) and self.bounds[i][0] < e:
                if self.bounds[i][1] > s:
                    out.add(i)
                i += 1
        return frozenset(out)


def greedy_pairs(n_gold: int, n_pred: int, score: Callable[[int, int], float]) -> int:
    """One-to-one matches, best-scoring pairs first (ties: lower gold, then pred index)."""
    candidates = sorted((-sc, g, p) for g in range(n_gold) for p in range(n_pred) if (sc := score(g, p)))
    used_gold: set[int] = set()
    used_pred: set[int] = set()
    for _, g, p in candidates:
        if g not in used_gold and p not in used_pred:
            used_gold.add(g)
            used_pred.add(p)
    return len(used_gold)


def _jaccard(a: frozenset[int], b: frozenset[int]) -> float:
    union = len(a | b)
    return len(a & b) / union if union else 0.0


class Tally:
    def __init__(self) -> None:
        self.counts = {(lvl, m): [0, 0, 0] for lvl in LEVELS for m in METRICS}

    def add(self, level: str, metric: str, hits: int, n_pred: int, n_gold: int) -> None:
        c = self.counts[(level, metric)]
        c[0] += hits
        c[1] += n_pred
        c[2] += n_gold

    def result(self) -> dict[str, dict[str, dict[str, float]]]:
        out: dict[str, dict[str, dict[str, float]]] = {}
        for (level, metric), (hits, n_pred, n_gold) in self.counts.items():
            p = hits / n_pred if n_pred else 0.0
            r = hits / n_gold if n_gold else 0.0
            f = 2 * p * r / (p + r) if p + r else 0.0
            out.setdefault(level, {})[metric] = {"p": p, "r": r, "f1": f, "tp": hits,
                                                 "n_pred": n_pred, "n_gold": n_gold}
        return out


def _score_article(text: str, gold: list[dict], pred: list[dict], tally: Tally) -> None:
    tokens = TokenIndex(text)
    G = [roles_of(a) for a in gold]
    P = [roles_of(a) for a in pred]
    gk = [{r: exact_key(a[r], text) for r in ROLES} for a in G]
    pk = [{r: exact_key(a[r], text) for r in ROLES} for a in P]
    gt = [{r: tokens.covered(a[r]) for r in ROLES} for a in G]
    pt = [{r: tokens.covered(a[r]) for r in ROLES} for a in P]
    for r in ROLES:
        gi = [i for i in range(len(G)) if gk[i][r]]
        pj = [j for j in range(len(P)) if pk[j][r]]
        hits = greedy_pairs(len(gi), len(pj), lambda a, b: 1.0 if gk[gi[a]][r] == pk[pj[b]][r] else 0.0)
        tally.add(r, "exact", hits, len(pj), len(gi))
        hits = greedy_pairs(len(gi), len(pj), lambda a, b: _jaccard(gt[gi[a]][r], pt[pj[b]][r]))
        tally.add(r, "overlap", hits, len(pj), len(gi))
        gold_tokens = frozenset().union(*(t[r] for t in gt))
        pred_tokens = frozenset().union(*(t[r] for t in pt))
        for level in (r, "attribution"):
            tally.add(level, "token", len(gold_tokens & pred_tokens), len(pred_tokens), len(gold_tokens))

    gi = [i for i in range(len(G)) if any(gk[i].values())]
    pj = [j for j in range(len(P)) if any(pk[j].values())]

    def whole_overlap(a: int, b: int) -> float:
        total = 0.0
        for r in ROLES:
            g, p = gt[gi[a]][r], pt[pj[b]][r]
            if g or p:
                if not g & p:
                    return 0.0
                total += _jaccard(g, p)
        return total

    tally.add("attribution", "exact",
              greedy_pairs(len(gi), len(pj), lambda a, b: 1.0 if gk[gi[a]] == pk[pj[b]] else 0.0), len(pj), len(gi))
    tally.add("attribution", "overlap", greedy_pairs(len(gi), len(pj), whole_overlap), len(pj), len(gi))


def _row_id(row: dict[str, Any]) -> Any:
    if row.get("id") is not None:
        return row["id"]
    article = row.get("article")
    return article.get("id") if isinstance(article, dict) else None


def score_attributions(gold_rows: Iterable[dict], pred_rows: Iterable[dict]) -> dict[str, Any]:
    """Scores per level (source, cue, content, attribution) and metric (exact, overlap, token)."""
    predicted: dict[Any, list[dict]] = {}
    for row in pred_rows:
        # PolNeAR annotates no statement reported within another's content (see attribution.outermost)
        predicted.setdefault(_row_id(row), []).extend(outermost(row.get("attributions") or []))
    tally = Tally()
    for row in gold_rows:
        _score_article(row["text"], row.get("attributions") or [], predicted.get(_row_id(row), []), tally)
    return tally.result()


def predict_attributions(gold_rows: list[dict]) -> list[dict]:
    """Run the analyzer over the gold texts; one report dict per article."""
    from .pipeline import analyze_many

    records = [{"id": row.get("id"), "text": row["text"]} for row in gold_rows]
    reports = [report.to_dict() for report in analyze_many(records)]
    for report in reports:  # as scored, so that a saved file gives shared/eval's scorer the same figures
        report["attributions"] = outermost(report["attributions"])
    return reports


def format_table(scores: dict[str, Any]) -> str:
    lines = [f"{'level':<12} {'metric':<8} {'P':>7} {'R':>7} {'F1':>7} {'tp':>7} {'#pred':>7} {'#gold':>7}"]
    for level in LEVELS:
        for metric in METRICS:
            x = scores[level][metric]
            lines.append(f"{level:<12} {metric:<8} {x['p']:7.4f} {x['r']:7.4f} {x['f1']:7.4f} "
                         f"{x['tp']:7} {x['n_pred']:7} {x['n_gold']:7}")
    return "\n".join(lines)
