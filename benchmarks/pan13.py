"""Score reuse's passages on the PAN 2013 text-alignment training corpus.

    python -m benchmarks.pan13                 # every pair, default settings
    python -m benchmarks.pan13 --sample gate   # the stratified CI gate sample

The suspicious document is the reusing one (``a``); pairs go through a ``--pairs``
file exactly as a user's would (``reuse.corpus.load_pairs``), then ``reuse.compare``
with default settings. Detections are scored with ``reuse.evaluate`` per subset,
overall, and for the odd and even halves (by suspicious document number): settings
are tuned on odd documents only, so the even half shows whether they generalise.
"""

from __future__ import annotations

import argparse
import json
import os
import tarfile
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import reuse
from reuse.corpus import load_pairs
from reuse.evaluate import Annotation, Scores, read_truth, score

ROOT = Path(__file__).resolve().parent.parent
TARBALL = Path(
    os.environ.get("REUSE_PAN13", ROOT.parent / "shared" / "data" / "pan13-train.tar.xz")
)
UNPACKED = ROOT / ".cache" / "pan13"
RESULTS = ROOT / "benchmarks" / "results"
FLOORS = ROOT / "benchmarks" / "pan13_floors.json"
GATE_PER_SUBSET = 60
NO_PLAGIARISM = "01-no-plagiarism"

# Published plagdet on the PAN 2013 test corpus (Potthast et al., PAN 2013 overview) and
# the best system since (Sanchez-Perez et al. 2014), for the results table.
PUBLISHED = {
    "Sanchez-Perez et al. 2014": 0.878,
    "best PAN 2013 system": 0.822,
    "second PAN 2013 system": 0.819,
    "PAN 2013 baseline": 0.422,
}


@dataclass(frozen=True, slots=True)
class Pair:
    subset: str
    susp: str
    src: str

    @property
    def odd(self) -> bool:
        return int(self.susp.removeprefix("suspicious-document").removesuffix(".txt")) % 2 == 1


def corpus_root() -> Path | None:
    """Unpack the corpus once into .cache/ (never into the repository) and return train/."""
    done = UNPACKED / ".complete"
    if not done.exists():
        if not TARBALL.exists():
            return None
        UNPACKED.mkdir(parents=True, exist_ok=True)
        with tarfile.open(TARBALL, "r:xz") as tar:
            tar.extractall(UNPACKED, filter="data")
        done.touch()
    return UNPACKED / "train"


def all_pairs(root: Path) -> list[Pair]:
    """Every pair of every subset, in each subset's file order."""
    pairs = []
    for subset in sorted(p for p in root.iterdir() if p.is_dir() and p.name[:2].isdigit()):
        for line in (subset / "pairs").read_text(encoding="utf-8").splitlines():
            if line.strip():
                susp, src = line.split()
                pairs.append(Pair(subset.name, susp, src))
    return pairs


def gate_pairs(root: Path) -> list[Pair]:
    """The CI gate sample: from each subset, every k-th pair in file order, k chosen so
    that about GATE_PER_SUBSET pairs remain (a fixed, stratified rule)."""
    by_subset: dict[str, list[Pair]] = defaultdict(list)
    for pair in all_pairs(root):
        by_subset[pair.subset].append(pair)
    sample = []
    for pairs in by_subset.values():
        step = max(1, len(pairs) // GATE_PER_SUBSET)
        sample += pairs[::step][:GATE_PER_SUBSET]
    return sample


def detect(root: Path, pairs: list[Pair], pairs_file: Path) -> tuple[list[list[Annotation]], float]:
    """Run reuse on the pairs through a pairs file; return detections per pair and seconds."""
    pairs_file.write_text("".join(f"susp/{p.susp}\tsrc/{p.src}\n" for p in pairs), encoding="utf-8")
    started = time.perf_counter()
    loaded, listed = load_pairs(str(pairs_file))
    if len(listed) != len(pairs):
        raise RuntimeError(f"{pairs_file}: {len(pairs) - len(listed)} pairs could not be read")
    result = reuse.compare(loaded.documents, reuse.Settings(), pairs=listed)
    elapsed = time.perf_counter() - started
    detections = []
    for pair, found in zip(pairs, result.pairs, strict=True):
        detections.append(
            [
                Annotation(pair.susp, p.a.start, p.a.end, pair.src, p.b.start, p.b.end)
                for p in found.passages
            ]
        )
    return detections, elapsed


def _scores_dict(scores: Scores) -> dict[str, float | int]:
    return {
        "plagdet": round(scores.plagdet, 4),
        "precision": round(scores.precision, 4),
        "recall": round(scores.recall, 4),
        "granularity": round(scores.granularity, 4),
        "cases": scores.cases,
        "detections": scores.detections,
    }


def evaluate(
    root: Path, pairs: list[Pair], detections: list[list[Annotation]]
) -> dict[str, object]:
    """Scores per subset, overall, per half; pair-level recall and false positive rate."""
    truth = [read_truth(root / p.subset / f"{p.susp[:-4]}-{p.src[:-4]}.xml") for p in pairs]
    groups: dict[str, list[int]] = defaultdict(list)
    for n, pair in enumerate(pairs):
        groups[pair.subset].append(n)
        groups["overall"].append(n)
        groups["odd half" if pair.odd else "even half"].append(n)
    report: dict[str, object] = {}
    for name, members in sorted(groups.items()):
        cases = [c for n in members for c in truth[n]]
        found = [d for n in members for d in detections[n]]
        entry: dict[str, object] = {"pairs": len(members)}
        if cases:
            entry.update(_scores_dict(score(cases, found)))
        with_reuse = [n for n in members if truth[n]]
        without = [n for n in members if not truth[n]]
        if with_reuse:
            entry["pair_recall"] = round(
                sum(bool(detections[n]) for n in with_reuse) / len(with_reuse), 4
            )
        if without:
            entry["false_positive_rate"] = round(
                sum(bool(detections[n]) for n in without) / len(without), 4
            )
        report[name] = entry
    return report


def table(report: dict[str, object], seconds: float, n_pairs: int) -> str:
    lines = [
        f"{'subset':28} {'plagdet':>8} {'prec':>6} {'rec':>6} {'gran':>6} "
        f"{'pair rec':>8} {'FPR':>6} {'pairs':>6}"
    ]
    for name, entry in report.items():
        assert isinstance(entry, dict)

        def cell(key: str, width: int, e: dict[str, object] = entry) -> str:
            value = e.get(key)
            return f"{value:>{width}.3f}" if isinstance(value, float) else f"{'-':>{width}}"

        lines.append(
            f"{name:28} {cell('plagdet', 8)} {cell('precision', 6)} {cell('recall', 6)} "
            f"{cell('granularity', 6)} {cell('pair_recall', 8)} {cell('false_positive_rate', 6)} "
            f"{entry['pairs']:>6}"
        )
    lines.append(f"{n_pairs} pairs in {seconds:.1f} s ({1000 * seconds / n_pairs:.1f} ms per pair)")
    lines.append("published plagdet: " + ", ".join(f"{k} {v}" for k, v in PUBLISHED.items()))
    return "\n".join(lines)


def run(sample: str) -> tuple[dict[str, object], float, int]:
    root = corpus_root()
    if root is None:
        raise SystemExit(f"PAN 2013 corpus not found at {TARBALL}; set REUSE_PAN13")
    pairs = gate_pairs(root) if sample == "gate" else all_pairs(root)
    detections, seconds = detect(root, pairs, root / f"reuse-pairs-{sample}.tsv")
    return evaluate(root, pairs, detections), seconds, len(pairs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sample", choices=["all", "gate"], default="all")
    args = parser.parse_args()
    report, seconds, n_pairs = run(args.sample)
    print(table(report, seconds, n_pairs))
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"pan13-{args.sample}.json"
    payload = {"sample": args.sample, "seconds": round(seconds, 1), "pairs": n_pairs, **report}
    out.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    print(f"written {out}")


if __name__ == "__main__":
    main()
