"""Claims board at ledger scale: build time and peak memory on a synthetic ledger of N attributions.

The ledger is generated from templates (invented names and places, no news text): topics of a few
propositions, each said in several paraphrases, affirmed or denied, with some verbatim wire copies.
Each N runs in its own process so that peak RSS (ru_maxrss) is that build's.

    python bench/claims_scale.py                          # N = 5000 20000 50000, fake embedder
    python bench/claims_scale.py --sizes 5000 --embedder minilm   # the real MiniLM encoder
    python bench/claims_scale.py --sizes 5000 --compare   # also the dense path: time, memory, same groups?

The fake embedder (hashed key terms, 384 dimensions like MiniLM) stands in because MiniLM's own speed
(tens to hundreds of sentences a second on one core) would hide the board's cost; the predicate
phrases still go through spaCy, as in production.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import time
import zlib
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from claimledger import claims as C  # noqa: E402
from claimledger import grouping as G  # noqa: E402

# (affirmative paraphrases, denials) of one proposition about actor A, place P and thing T.
TEMPLATES = [
    (["{A} shelled the {T} at {P}", "the {T} at {P} was destroyed by {A} shelling", "{A} artillery wrecked the {P} {T}"],
     ["the {P} {T} was not hit", "there was no evidence that the {T} at {P} had been struck"]),
    (["{A} closed the border crossing at {P}", "the {P} crossing was shut by {A}", "{A} sealed the crossing near {P}"],
     ["the crossing at {P} remains open", "{A} never closed the {P} crossing"]),
    (["prices of {T} in {P} rose by {N} percent", "{T} became {N} percent dearer in {P}",
      "the cost of {T} in {P} went up {N} percent"],
     ["prices of {T} in {P} fell", "{T} prices in {P} did not rise"]),
    (["{A} paid {N} million for the {P} {T}", "the {T} in {P} was bought by {A} for {N} million",
      "{A} spent {N} million buying the {P} {T}"],
     ["{A} did not buy the {T} in {P}", "the {P} {T} was never sold to {A}"]),
    (["{N} workers at the {P} {T} were laid off", "the {T} in {P} cut {N} jobs", "{N} staff lost their jobs at the {P} {T}"],
     ["no jobs were cut at the {P} {T}", "the {T} in {P} kept all its workers"]),
    (["{A} troops entered {P}", "soldiers of {A} crossed into {P}", "{A} forces moved into {P}"],
     ["no {A} troops are in {P}", "{A} soldiers did not enter {P}"]),
]
THINGS = ["dam", "bridge", "power plant", "grain", "fuel", "hospital", "factory", "port", "rail depot", "mine"]
SOURCES = [("officials", "anonymous"), ("a spokesman", "anonymous"), ("the ministry", "organization"),
           ("witnesses", "group"), ("the governor", "person"), ("analysts", "group")]
SYLLABLES = "ka ro mi ten vo la shi den ur bel an tor vi sa ne go".split()


def _name(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()


def synthetic_reports(n: int, seed: int = 0, per_article: int = 8) -> list[dict]:
    """Report dicts holding n attributions: propositions of 3-8 attributions, 2-3 propositions a topic
    (near-misses: same place, different template or thing), ~10% verbatim wire copies."""
    rng = random.Random(seed)
    contents: list[tuple[str, str, str]] = []  # content, cue, lemma
    while len(contents) < n:
        place, actor = _name(rng), _name(rng)
        for _ in range(rng.randint(2, 3)):
            affirm, deny = rng.choice(TEMPLATES)
            fill = {"A": actor, "P": place, "T": rng.choice(THINGS), "N": str(rng.randint(2, 90))}
            for _ in range(rng.randint(3, 8)):
                if rng.random() < 0.1 and contents:
                    contents.append(contents[-1])  # a wire copy
                elif rng.random() < 0.3:
                    contents.append((rng.choice(deny).format(**fill), "said", "say"))
                else:
                    contents.append((rng.choice(affirm).format(**fill), "said", "say"))
    contents = contents[:n]
    reports = []
    for a0 in range(0, n, per_article):
        text, attributions = "", []
        for k, (content, cue, lemma) in enumerate(contents[a0:a0 + per_article], 1):
            source, kind = rng.choice(SOURCES)
            base = len(text)
            c0 = base + len(source) + len(cue) + 7
            text += f"{source} {cue} that {content}. "
            attributions.append({
                "id": f"a{k}", "form": "indirect", "polarity": "affirm",
                "source": {"text": source, "start": base, "end": base + len(source), "name": None,
                           "entity": None, "kind": kind},
                "cue": {"text": cue, "start": base + len(source) + 1, "end": base + len(source) + 1 + len(cue),
                        "lemma": lemma},
                "content": {"text": content, "start": c0, "end": c0 + len(content)}})
        day = 1 + (a0 // per_article) % 28
        reports.append({"schema": "claimledger.report/1",
                        "article": {"id": f"s{a0 // per_article}", "published": f"2025-03-{day:02d}"},
                        "text": text.rstrip(), "attributions": attributions})
    return reports


class HashEmbedder:
    """Stand-in for MiniLM at MiniLM's width: hashed key terms and character trigrams, unit length."""

    dimension = 384

    def embed(self, texts):
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for i, t in enumerate(texts):
            grams = [f"w:{w}" for w in G.key_terms(t)] + [t[j:j + 3].lower() for j in range(len(t) - 2)]
            for g in grams:
                out[i, zlib.crc32(g.encode("utf-8")) % self.dimension] += 1.0
        return out / np.clip(np.linalg.norm(out, axis=1, keepdims=True), 1e-9, None)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


def run_one(n: int, embedder_name: str, dense: bool) -> dict:
    reports = synthetic_reports(n)
    items = C._items(reports)
    if embedder_name == "minilm":
        embedder = C.resolve_embedder(True)
        if embedder is None:
            raise SystemExit("MiniLM not available")
    else:
        embedder = HashEmbedder()
    blocking = G.Blocking(dense_limit=10**9) if dense else G.BLOCKING
    base = peak_rss_mb()
    stats: dict = {}
    t0 = time.perf_counter()
    groups, _ = C.group_items(items, embedder, G.EMBEDDING_PARAMS, blocking, stats)
    grouped = time.perf_counter() - t0
    claims = C.build_claims(reports, embedder=embedder, blocking=blocking)  # embeddings now cached
    total = time.perf_counter() - t0
    return {"n": len(items), "path": "dense" if dense else "blocked" if len(items) > blocking.dense_limit else "dense",
            "embedder": embedder_name, "group_s": round(grouped, 1), "group_then_board_s": round(total, 1),
            "groups": len(groups), "claims": len(claims), "rss_before_mb": round(base), "peak_rss_mb": round(peak_rss_mb()),
            "group_sets": sorted(sorted(g) for g in groups) if n <= 20000 else None, **stats}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[5000, 20000, 50000])
    ap.add_argument("--embedder", choices=("fake", "minilm"), default="fake")
    ap.add_argument("--compare", action="store_true", help="also run the dense path and compare groups")
    ap.add_argument("--one", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--dense", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one, args.embedder, args.dense)))
        return
    for n in args.sizes:
        results = []
        for dense in (False, True) if args.compare else (False,):
            cmd = [sys.executable, __file__, "--one", str(n), "--embedder", args.embedder] + (["--dense"] if dense else [])
            out = subprocess.run(cmd, capture_output=True, text=True)
            if out.returncode:
                print(f"N={n} {'dense' if dense else 'blocked'}: failed\n{out.stderr[-2000:]}")
                continue
            r = json.loads(out.stdout.strip().splitlines()[-1])
            results.append(r)
            shown = {k: v for k, v in r.items() if k != "group_sets"}
            print(" ".join(f"{k}={v}" for k, v in shown.items()), flush=True)
        if len(results) == 2:
            same = results[0]["group_sets"] == results[1]["group_sets"]
            print(f"N={n}: blocked groups {'==' if same else '!='} dense groups")


if __name__ == "__main__":
    main()
