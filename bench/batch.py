"""Articles per second of `claimledger batch`: one process, the local pool, and Spark local[N].

    python bench/batch.py [CORPUS.jsonl] [--limit N] [--workers 2] [--master local[2]]
                          [--engines single,local,spark] [--json FILE]

CORPUS defaults to ../shared/eval/polnear/train.jsonl. Every engine analyzes the same articles into
its own output under --work (default /tmp/claimledger-bench); the outputs are then compared. Start-up
costs are timed on their own: the pool's worker start (spawn + model load) and Spark's session start
and first job (JVM, Python workers, model load). Peak RSS is read from /proc (VmHWM) and getrusage.
Run by hand on a quiet machine; prints numbers.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT.parent / "shared" / "eval" / "polnear" / "train.jsonl"


def subset(corpus: Path, limit: int | None, work: Path) -> tuple[Path, int, int]:
    """The first `limit` articles as JSONL under `work` (outside the repo); returns path, articles, words."""
    rows = [json.loads(line) for line in corpus.open(encoding="utf-8") if line.strip()]
    rows = rows[:limit] if limit else rows
    path = work / "input.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps({k: row.get(k) for k in ("id", "text", "title", "url", "outlet", "published")}) + "\n")
    return path, len(rows), sum(len(r["text"].split()) for r in rows)


def tiny(source: Path, work: Path, n: int = 2) -> Path:
    path = work / "tiny.jsonl"
    lines = source.read_text(encoding="utf-8").splitlines()[:n]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


CPU: dict[str, float] = {}


def timed(fn):  # type: ignore[no-untyped-def]
    """Wall seconds of fn(); the CPU seconds of this process tree meanwhile go to CPU['last']."""
    cpu = tree_cpu(os.getpid())
    start = time.perf_counter()
    result = fn()
    CPU["last"] = tree_cpu(os.getpid()) - cpu
    return time.perf_counter() - start, result


def proc_rss(match: str) -> list[float]:
    """Peak RSS (MiB) of live processes whose command line contains `match`."""
    out = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if match not in (proc / "cmdline").read_bytes().decode(errors="replace"):
                continue
            for line in (proc / "status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    out.append(int(line.split()[1]) / 1024)
        except OSError:
            continue
    return out


def tree_cpu(root: int) -> float:
    """CPU seconds used so far by `root` and every live descendant, including their reaped children.

    Wall-clock rates on a shared machine say little; CPU seconds per article is what a dedicated
    core would need.
    """
    tick = os.sysconf("SC_CLK_TCK")
    parent: dict[int, int] = {}
    used: dict[int, float] = {}
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parent[int(proc.name)] = int(fields[1])
        used[int(proc.name)] = sum(int(v) for v in fields[11:15]) / tick  # utime stime cutime cstime

    def under(pid: int) -> bool:
        while pid > 1:
            if pid == root:
                return True
            pid = parent.get(pid, 1)
        return False

    return sum(cpu for pid, cpu in used.items() if under(pid))


class PeakRss:
    """Samples the peak RSS of matching processes while a run is going (they are gone after it).

    getrusage(RUSAGE_CHILDREN) is no good here: a spawned child inherits its parent's high-water
    mark across fork+exec, so it would report this (larger) process.
    """

    def __init__(self, *matches: str) -> None:
        import threading

        self.matches, self.peak = matches, 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.5):
            self.peak = max([self.peak, *(v for m in self.matches for v in proc_rss(m))])

    def __enter__(self) -> PeakRss:  # noqa: PYI034
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--partitions", type=int, default=8)
    parser.add_argument("--engines", default="single,local,spark")
    parser.add_argument("--work", type=Path, default=Path("/tmp/claimledger-bench"))
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args()
    engines = args.engines.split(",")

    from claimledger import batch

    shutil.rmtree(args.work, ignore_errors=True)
    args.work.mkdir(parents=True)
    source, n, words = subset(args.corpus, args.limit, args.work)
    small = tiny(source, args.work)
    figures: dict[str, object] = {"corpus": str(args.corpus), "articles": n, "words": words,
                                  "workers": args.workers, "master": args.master}
    print(f"corpus: {args.corpus} ({n} articles, {words:,} words)")

    if "single" in engines:
        # load the model first: a long-running single process pays for it once
        load, _ = timed(lambda: batch.run_local(small, args.work / "warm", workers=0, partitions=args.partitions))
        secs, result = timed(lambda: batch.run_local(source, args.work / "single", workers=0,
                                                     partitions=args.partitions))
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        figures["single"] = {"seconds": secs, "cpu_s": CPU["last"], "articles_per_s": n / secs, "words_per_s": words / secs,
                             "model_load_s": load, "errors": result.errors, "peak_rss_mib": rss}
        print(f"single process:      {n / secs:7.2f} articles/s  {words / secs:8,.0f} words/s  ({secs:.1f} s; "
              f"model load + first article {load:.1f} s; peak RSS {rss:.0f} MiB)")

    if "local" in engines:
        start, _ = timed(lambda: batch.run_local(small, args.work / "pool-start", workers=args.workers,
                                                 partitions=args.partitions))
        with PeakRss("multiprocessing.spawn") as sampler:
            secs, result = timed(lambda: batch.run_local(source, args.work / "local", workers=args.workers,
                                                         partitions=args.partitions))
        rss = sampler.peak  # the largest worker
        figures["local"] = {"seconds": secs, "cpu_s": CPU["last"], "articles_per_s": n / secs, "words_per_s": words / secs,
                            "startup_s": start, "errors": result.errors, "worker_peak_rss_mib": rss}
        print(f"local, {args.workers} workers:   {n / secs:7.2f} articles/s  {words / secs:8,.0f} words/s  "
              f"({secs:.1f} s incl. pool start; pool start + {small.read_text().count(chr(10))} articles "
              f"{start:.1f} s; worker peak RSS {rss:.0f} MiB)")

    if "spark" in engines:
        session_s, spark = timed(lambda: batch.spark_session(args.master, shuffle_partitions=args.partitions))
        spark.sparkContext.setLogLevel("ERROR")
        first_s, _ = timed(lambda: batch.run_spark(small, args.work / "spark-warm", spark=spark,
                                                   partitions=args.partitions))
        with PeakRss("pyspark.daemon", "pyspark.worker") as sampler:
            secs, result = timed(lambda: batch.run_spark(source, args.work / "spark", spark=spark,
                                                         partitions=args.partitions))
        workers_rss = [sampler.peak]
        spark_cpu = CPU["last"]
        jvm_rss = proc_rss("org.apache.spark.deploy.SparkSubmit")
        spark.stop()
        figures["spark"] = {"seconds": secs, "cpu_s": spark_cpu, "articles_per_s": n / secs, "words_per_s": words / secs,
                            "session_start_s": session_s, "first_job_s": first_s, "errors": result.errors,
                            "python_worker_peak_rss_mib": max(workers_rss, default=None),
                            "jvm_peak_rss_mib": max(jvm_rss, default=None)}
        print(f"spark {args.master}:      {n / secs:7.2f} articles/s  {words / secs:8,.0f} words/s  ({secs:.1f} s "
              f"on a warm session; start-up: session {session_s:.1f} s + first 2-article job {first_s:.1f} s; "
              f"python worker peak RSS {max(workers_rss, default=0):.0f} MiB, "
              f"JVM {max(jvm_rss, default=0):.0f} MiB)")

    for engine in ("single", "local", "spark"):
        if engine in figures:
            cpu = figures[engine]["cpu_s"]  # type: ignore[index]
            figures[engine]["articles_per_cpu_s"] = n / cpu  # type: ignore[index]
            print(f"{engine}: {cpu:.1f} CPU s for the run = {n / cpu:.2f} articles per CPU second "
                  f"({words / cpu:,.0f} words per CPU second)")
    single = figures.get("single")
    for engine in ("local", "spark"):
        if single and engine in figures:
            speedup = figures[engine]["articles_per_s"] / single["articles_per_s"]  # type: ignore[index]
            spark_cores = args.master.removeprefix("local").strip("[]")
            cores = args.workers if engine == "local" else int(spark_cores) if spark_cores.isdigit() else 1
            figures[engine]["scaling_efficiency"] = speedup / cores  # type: ignore[index]
            print(f"{engine}: speed-up {speedup:.2f}x over one process, scaling efficiency {speedup / cores:.0%} "
                  f"on {cores} cores")

    outputs = [e for e in ("single", "local", "spark") if e in figures]
    if len(outputs) > 1:
        first = batch.read_output(args.work / outputs[0])
        same = all(batch.read_output(args.work / e) == first for e in outputs[1:])
        figures["identical_outputs"] = same
        print(f"outputs of {', '.join(outputs)} identical: {same}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
