"""Speed, memory and recall of the whole pipeline on generated news-like corpora.

    python -m benchmarks.scale                       # 10k and 100k articles
    python -m benchmarks.scale --sizes 1000000       # a million (no baseline)

For each size, ``benchmarks.corpus`` generates the articles once (cached in .cache/),
then a fresh process reads the JSONL, normalises, fingerprints, finds candidates,
aligns and writes JSONL, exactly as ``reuse compare articles.jsonl -f jsonl`` does. It
reports wall time, articles per second, peak resident memory (of the main process,
of the largest worker, and of all the run's processes together, watched from outside:
`_tree_memory`), candidate pairs per article, and recall and precision of the planted
passages: a planted pair is found when one reported passage overlaps at least half of
its span in both articles; a reported passage is correct when it overlaps a planted
passage in both articles.

A run that does not finish (killed for memory, say) is reported in its row, with how
long it ran, and the other sizes still run.

Up to ``--single-up-to`` articles it also runs with one worker, checks that the output
bytes are the same, and reports the speedup of all cores.

Up to ``--baseline-up-to`` articles, the same corpus also goes through what a user
would write with datasketch: document-level MinHash (128 permutations, 5-word
shingles) and MinHashLSH at threshold 0.5, and our speed and recall are printed as
ratios against it.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import json
import os
import resource
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".cache" / "scale"
RESULTS = ROOT / "benchmarks" / "results"


def corpus(n: int, seed: int = 0) -> Path:
    """Generate (once per version of the generator) and return the folder holding
    articles.jsonl and truth.jsonl."""
    version = hashlib.sha256((ROOT / "benchmarks" / "corpus.py").read_bytes()).hexdigest()[:8]
    folder = CACHE / f"{n}-{seed}-{version}"
    if not (folder / ".complete").exists():
        subprocess.run(
            [sys.executable, "-m", "benchmarks.corpus", str(n), str(folder), "--seed", str(seed)],
            check=True,
            cwd=ROOT,
        )
        (folder / ".complete").touch()
    return folder


def reached(stage: str) -> None:
    """Say on stderr that a child run reached ``stage``: a run the system kills (for
    memory, say) leaves this as its last word, which the parent reports."""
    print(f"reached {stage}", file=sys.stderr, flush=True)


def _child_reuse(articles: Path, out: Path, workers: int) -> None:
    """Run the pipeline in this process and print its own measurements as JSON."""
    import reuse
    from reuse.cli import tune_memory
    from reuse.corpus import load
    from reuse.render.data import write_jsonl

    tune_memory()  # as `reuse compare` does, which also pauses the cycle collector
    gc.disable()

    started = time.perf_counter()
    stages: dict[str, float] = {}
    totals: dict[str, int] = {}

    def progress(stage: str, done: int, total: int) -> None:
        if stage not in totals:
            reached(stage)
        totals[stage] = total
        if done == total:
            stages[stage] = time.perf_counter() - started

    reached("reading")
    loaded = load([str(articles)])
    stages["reading"] = time.perf_counter() - started
    result = reuse.compare(loaded.documents, progress=progress, workers=workers)
    with out.open("w", encoding="utf-8") as f:
        write_jsonl(result, f, workers=workers)
    wall = time.perf_counter() - started
    print(
        json.dumps(
            {
                "articles": len(loaded.documents),
                "wall": wall,
                "stages": stages,
                "candidates": totals.get("aligning", 0),
                "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                # The largest worker process (each also counts pages shared with us).
                "worker_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
            }
        )
    )


def _child_baseline(articles: Path, out: Path) -> None:
    """The datasketch script a user would write: one MinHash per article, LSH at 0.5."""
    from datasketch import MinHash, MinHashLSH

    started = time.perf_counter()
    lsh = MinHashLSH(threshold=0.5, num_perm=128)
    ids = []
    with articles.open(encoding="utf-8") as f:
        for line in f:
            record = json.loads(line)
            words = record["text"].lower().split()
            m = MinHash(num_perm=128)
            m.update_batch(
                [" ".join(words[k : k + 5]).encode("utf-8") for k in range(len(words) - 4)]
            )
            ids.append(record["id"])
            lsh.insert(record["id"], m)
            found = lsh.query(m)
            with out.open("a", encoding="utf-8") as o:
                for other in found:
                    if other != record["id"]:
                        o.write(f"{other}\t{record['id']}\n")
    print(
        json.dumps(
            {
                "articles": len(ids),
                "wall": time.perf_counter() - started,
                "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            }
        )
    )


class ChildFailed(RuntimeError):
    """A measured run did not finish (killed for memory, say)."""


def _run_child(args: list[str]) -> dict[str, float]:
    """Run a child (`_child_reuse` or `_child_baseline`) and return what it printed,
    with ``all_mb``: the most memory its processes held together (`_tree_memory`),
    sampled four times a second; 0 where the system cannot tell."""
    started = time.perf_counter()
    shm_before = _shm_used()
    with subprocess.Popen(
        [sys.executable, "-m", "benchmarks.scale", "--child", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as child:
        outputs: list[tuple[str, str]] = []
        reader = threading.Thread(target=lambda: outputs.append(child.communicate()))
        reader.start()
        peak = 0
        while reader.is_alive():
            peak = max(peak, _tree_memory(child.pid, shm_before))
            reader.join(0.25)
    stdout, stderr = outputs[0]
    if child.returncode != 0:
        why = f"exit status {child.returncode}"
        if child.returncode == -9:
            why = "killed (SIGKILL: out of memory?)"
        last = stderr.strip().splitlines()[-1:] or [""]
        after = time.perf_counter() - started
        raise ChildFailed(f"{args[0]} run failed after {after:.0f} s: {why} {last[0]}".strip())
    result: dict[str, float] = json.loads(stdout.strip().splitlines()[-1])
    result["all_mb"] = peak / 2**20
    return result


def _shm_used() -> int:
    """Bytes in use in /dev/shm (0 where there is none)."""
    try:
        fs = os.statvfs("/dev/shm")
    except OSError:
        return 0
    return (fs.f_blocks - fs.f_bfree) * fs.f_frsize


def _tree_memory(pid: int, shm_before: int) -> int:
    """Bytes that process ``pid`` and its descendants hold together: their proportional
    set sizes summed (a page n of them share counts 1/n in each), and what /dev/shm
    holds beyond ``shm_before`` that none of them maps (the candidate index's codes,
    waiting there between workers). 0 where /proc cannot tell."""
    pss = shmem = 0
    pending = [pid]
    while pending:
        process = pending.pop()
        try:
            with open(f"/proc/{process}/task/{process}/children", encoding="ascii") as f:
                pending += [int(c) for c in f.read().split()]
            with open(f"/proc/{process}/smaps_rollup", encoding="ascii") as f:
                for line in f:
                    if line.startswith("Pss:"):
                        pss += int(line.split()[1]) * 1024
                    elif line.startswith("Pss_Shmem:"):
                        shmem += int(line.split()[1]) * 1024
        except (OSError, ValueError):
            continue  # gone meanwhile, or no /proc
    return pss + max(0, _shm_used() - shm_before - shmem) if pss else 0


def _truth(folder: Path) -> list[dict[str, object]]:
    with (folder / "truth.jsonl").open(encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def _half_inside(span: list[int], found: list[int]) -> bool:
    overlap = min(span[1], found[1]) - max(span[0], found[0])
    return overlap * 2 >= span[1] - span[0]


def _overlaps(span: list[int], found: list[int]) -> bool:
    return min(span[1], found[1]) > max(span[0], found[0])


def score_reuse(folder: Path, output: Path) -> dict[str, float]:
    """Recall of planted pairs (all, and 50-99-word passages) and passage precision."""
    truth = _truth(folder)
    planted: dict[tuple[str, str], list[tuple[list[int], list[int]]]] = defaultdict(list)
    for t in truth:
        planted[(str(t["a"]), str(t["b"]))].append((t["a_span"], t["b_span"]))  # type: ignore[arg-type]
    reported: dict[tuple[str, str], list[tuple[list[int], list[int]]]] = defaultdict(list)
    n_passages = correct = 0
    with output.open(encoding="utf-8") as f:
        for line in f:
            pair = json.loads(line)
            a, b = _article_id(pair["a"]), _article_id(pair["b"])
            for p in pair["passages"]:
                spans = (p["a"], p["b"]) if a < b else (p["b"], p["a"])
                key = (a, b) if a < b else (b, a)
                reported[key].append(spans)
                n_passages += 1
                correct += any(
                    _overlaps(ta, spans[0]) and _overlaps(tb, spans[1])
                    for ta, tb in planted.get(key, [])
                )
    found = short = short_found = 0
    for t in truth:
        key = (str(t["a"]), str(t["b"]))
        hit = any(
            _half_inside(t["a_span"], fa) and _half_inside(t["b_span"], fb)  # type: ignore[arg-type]
            for fa, fb in reported.get(key, [])
        )
        found += hit
        words = t.get("words", 100)
        if isinstance(words, int) and words < 100:
            short += 1
            short_found += hit
    return {
        "planted_pairs": len(truth),
        "recall": found / len(truth) if truth else 1.0,
        "recall_50_99": short_found / short if short else 1.0,
        "precision": correct / n_passages if n_passages else 1.0,
    }


def _article_id(doc_id: str) -> str:
    """Document ids from a JSONL file end with the record's own id."""
    return doc_id.rsplit("#", 1)[-1].rsplit(":", 1)[-1]


def score_baseline(folder: Path, output: Path) -> dict[str, float]:
    truth = {(str(t["a"]), str(t["b"])) for t in _truth(folder)}
    pairs = set()
    if output.exists():
        for line in output.read_text(encoding="utf-8").splitlines():
            a, b = line.split("\t")
            pairs.add((a, b) if a < b else (b, a))
    return {
        "recall": len(truth & pairs) / len(truth) if truth else 1.0,
        "candidates": len(pairs),
    }


def measure(n: int, baseline: bool, workers: int, single: bool) -> dict[str, object]:
    folder = corpus(n)
    out = folder / "reuse-out.jsonl"
    row: dict[str, object] = {"articles": n}
    ours = _run_child(
        ["reuse", str(folder / "articles.jsonl"), str(out), "--workers", str(workers)]
    )
    row.update(
        wall=round(ours["wall"], 1),
        docs_per_s=round(n / ours["wall"]),
        peak_rss_mb=round(ours["peak_rss_mb"]),
        worker_rss_mb=round(ours["worker_rss_mb"]),
        all_mb=round(ours["all_mb"]),
        candidates_per_article=round(ours["candidates"] / n, 2),
        stages={k: round(v, 1) for k, v in ours["stages"].items()},  # type: ignore[union-attr]
        **{k: round(v, 4) for k, v in score_reuse(folder, out).items()},
    )
    if single and workers != 1:
        alone = _run_child(
            [
                "reuse",
                str(folder / "articles.jsonl"),
                str(folder / "single.jsonl"),
                "--workers",
                "1",
            ]
        )
        if (folder / "single.jsonl").read_bytes() != out.read_bytes():
            raise RuntimeError("one worker and all cores gave different output")
        row["workers_speedup"] = round(alone["wall"] / ours["wall"], 2)
    if baseline:
        base_out = folder / "baseline-out.tsv"
        base_out.unlink(missing_ok=True)
        theirs = _run_child(["baseline", str(folder / "articles.jsonl"), str(base_out)])
        scored = score_baseline(folder, base_out)
        row["baseline"] = {
            "wall": round(theirs["wall"], 1),
            "docs_per_s": round(n / theirs["wall"]),
            "peak_rss_mb": round(theirs["peak_rss_mb"]),
            "recall": round(scored["recall"], 4),
        }
        row["speed_ratio"] = round(theirs["wall"] / ours["wall"], 2)
        row["recall_ratio"] = (
            round(float(row["recall"]) / scored["recall"], 2) if scored["recall"] else None  # type: ignore[arg-type]
        )
    return row


def _or_dash(value: object) -> str:
    return "-" if value is None else str(value)


def table(rows: list[dict[str, object]]) -> str:
    lines = [
        f"{'articles':>9} {'wall s':>7} {'docs/s':>7} {'peak MB':>8} {'worker MB':>9} "
        f"{'all MB':>7} "
        f"{'cand/art':>8} "
        f"{'recall':>7} {'rec50-99':>8} {'prec':>6} | {'baseline docs/s':>15} "
        f"{'b.recall':>8} {'speed x':>7} {'recall x':>8} {'vs 1 worker':>11}"
    ]
    for r in rows:
        if "failed" in r:
            lines.append(f"{r['articles']:>9,} {r['failed']}")
            continue
        b = r.get("baseline") or {}
        lines.append(
            f"{r['articles']:>9,} {r['wall']:>7} {r['docs_per_s']:>7,} {r['peak_rss_mb']:>8,} "
            f"{r['worker_rss_mb']:>9,} {_or_dash(r.get('all_mb')):>7} "
            f"{r['candidates_per_article']:>8} "
            f"{r['recall']:>7.4f} {r['recall_50_99']:>8.4f} "
            f"{r['precision']:>6.4f} | {b.get('docs_per_s', '-'):>15} "  # type: ignore[union-attr]
            f"{b.get('recall', '-'):>8} {r.get('speed_ratio', '-'):>7} "  # type: ignore[union-attr]
            f"{_or_dash(r.get('recall_ratio')):>8} {_or_dash(r.get('workers_speedup')):>11}"
        )
    return "\n".join(lines)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        kind, articles, out = sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4])
        if kind == "reuse":
            workers = int(sys.argv[6]) if len(sys.argv) > 6 else 0
            _child_reuse(articles, out, workers)
        else:
            _child_baseline(articles, out)
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--baseline-up-to", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=0, help="0: every core")
    parser.add_argument(
        "--single-up-to",
        type=int,
        default=10_000,
        help="also run with one worker up to this size, for the speedup (and same bytes)",
    )
    args = parser.parse_args()
    rows = []
    for n in args.sizes:
        try:
            rows.append(measure(n, n <= args.baseline_up_to, args.workers, n <= args.single_up_to))
        except ChildFailed as failed:
            rows.append({"articles": n, "failed": str(failed)})
        print(table(rows[-1:]), flush=True)
    print(table(rows))
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / "scale.json"
    out.write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    print(f"written {out} ({os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
