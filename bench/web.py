"""Web UI render times: an article of 5,000 words with 300 highlighted spans (target < 200 ms) and the
articles list over a ledger of 2,000 articles (target < 300 ms), as full requests through the ASGI app.

The ledger is built from synthetic reports (claimledger.web.sample) with `Ledger.store`, no analysis:
    python bench/web.py [--articles 2000] [--words 5000] [--spans 300] [--repeat 20] [--db PATH]
Prints the median and the 95th percentile per page.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from fastapi.testclient import TestClient  # noqa: E402

from claimledger.store import Ledger  # noqa: E402
from claimledger.web import create_app  # noqa: E402
from claimledger.web.sample import Marks, Said, build_report, long_report  # noqa: E402

OUTLETS = ["North Courier", "South Ledger", "Quay Post", "Valley Times", "Harbour Herald"]
NAMES = ["Ana Pol", "Mira Tann", "Rae Idris", "Lena Voss", "Bo Ek", "Cara Moe", "Dan Oz", "Eli Roon"]


def small_report(i: int) -> dict:
    """A short article, distinct per i (its own text, so its own sha256), with a dozen spans."""
    name, other = NAMES[i % len(NAMES)], NAMES[(i * 3 + 1) % len(NAMES)]
    day = f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}"
    text = (f"Report {i}. {name} said that the harbour budget reached {100 + i} million euros in March. "
            f"{other} denied that the council had approved {i % 40 + 2} new berths. "
            "Residents followed the debate closely while the council met again on the question of the works. "
            f"The operator said that traffic rose by {i % 17 + 1} percent last year.")
    marks = Marks(said=[Said(name, "said", f"the harbour budget reached {100 + i} million euros in March",
                             name=name, lemma="say"),
                        Said(other, "denied", f"the council had approved {i % 40 + 2} new berths", name=other,
                             lemma="deny", polarity="deny"),
                        Said("The operator", "said", f"traffic rose by {i % 17 + 1} percent last year",
                             kind="organization", lemma="say")],
                  quantities=[(f"{100 + i} million euros", (100 + i) * 1_000_000, "EUR"),
                              (f"{i % 17 + 1} percent", i % 17 + 1, "%")],
                  dates=[("March", "2025-03"), ("last year", "2024")],
                  findings=[("changed_figure", ("info", "warning", "error")[i % 3], "The figure differs.",
                             "Check the figure.", [f"{100 + i} million euros"])] if i % 4 == 0 else [])
    return build_report(text, marks, id=f"bench-{i}", title=f"Harbour report {i}", outlet=OUTLETS[i % 5],
                        published=day)


def build(db: str, n: int, words: int, spans: int) -> None:
    started = time.perf_counter()
    with Ledger.open(db, create=True) as ledger:
        for start in range(0, n, 500):
            ledger.store([small_report(i) for i in range(start, min(n, start + 500))])
        ledger.store([long_report(words, spans, id="long")])
        total = ledger.count()
    print(f"ledger: {total} articles stored in {time.perf_counter() - started:.1f} s")


def timed(client: TestClient, url: str, repeat: int) -> tuple[float, float]:
    for _ in range(2):   # warm-up: templates compiled, caches filled
        assert client.get(url).status_code == 200, url
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200, url
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(0.95 * len(times)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--words", type=int, default=5000)
    parser.add_argument("--spans", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--db", help="Reuse/keep the ledger here (default: a temporary file)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or str(Path(tmp) / "bench.db")
        if not Path(db).exists():
            build(db, args.articles, args.words, args.spans)
        app = create_app(db, use_embeddings=False, read_only=True)
        app.state.web.warm = lambda: None   # measure the claims board cold below, not in the background
        with TestClient(app) as client:
            report = client.get("/api/articles/long").json()
            n_words = len(report["text"].split())
            cases = [
                (f"article page ({n_words} words, {args.spans} spans)", "/articles/long", 200),
                (f"articles list, page 1 of {args.articles + 1}", "/articles", 300),
                ("articles list, full-text search 'harbour budget'", "/articles?q=harbour+budget", 300),
                ("articles list, outlet + date range + finding", "/articles?outlet=Quay+Post&since=2025-03-01"
                                                               "&until=2025-09-30&finding=changed_figure", 300),
                ("articles list, page 20", "/articles?page=20", 300),
            ]
            failed = False
            for label, url, target in cases:
                median, p95 = timed(client, url, args.repeat)
                ok = median < target
                failed |= not ok
                print(f"{label:60s} median {median:7.1f} ms  p95 {p95:7.1f} ms  "
                      f"(target < {target} ms: {'ok' if ok else 'MISSED'})")
            # The claims board (lexical grouping) over every attribution: built once per ledger version.
            t0 = time.perf_counter()
            client.get("/claims")
            cold = time.perf_counter() - t0
            median, _ = timed(client, "/claims", 5)
            print(f"{'claims page, first visit (board built) / cached':60s} {cold:.1f} s / median {median:.1f} ms"
                  " (informational)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
