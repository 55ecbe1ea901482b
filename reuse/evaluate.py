"""Score detected passages against ground truth with the PAN text-alignment measures.

Potthast, Stein, Barrón-Cedeño and Rosso, "An Evaluation Framework for Plagiarism
Detection" (COLING 2010): character-level macro precision and recall, counted over both
the suspicious (reusing) and the source characters of each case; granularity, the mean
number of detections per detected case; and plagdet = F1 / log2(1 + granularity).
A detection detects a case when it overlaps it in both documents. Identical detections
count once.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ElementTree
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from reuse.align import covered

__all__ = ["Annotation", "Scores", "read_truth", "score"]


@dataclass(frozen=True, slots=True)
class Annotation:
    """A case or a detection: ``[this_start, this_end)`` of ``this`` reuses
    ``[source_start, source_end)`` of ``source`` (half-open character ranges)."""

    this: str
    this_start: int
    this_end: int
    source: str
    source_start: int
    source_end: int

    def __post_init__(self) -> None:
        if not (
            0 <= self.this_start <= self.this_end and 0 <= self.source_start <= self.source_end
        ):
            raise ValueError(f"bad annotation {self}")

    def __len__(self) -> int:
        return (self.this_end - self.this_start) + (self.source_end - self.source_start)

    def detects(self, other: Annotation) -> bool:
        """Whether the two overlap in both documents (the relation is symmetric)."""
        return (
            self.this == other.this
            and self.source == other.source
            and self.this_start < other.this_end
            and other.this_start < self.this_end
            and self.source_start < other.source_end
            and other.source_start < self.source_end
        )


@dataclass(frozen=True, slots=True)
class Scores:
    """PAN measures of detections against cases."""

    precision: float
    recall: float
    granularity: float
    cases: int
    detections: int

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0

    @property
    def plagdet(self) -> float:
        """F1 discounted by granularity.

        >>> round(Scores(1.0, 1.0, 2.0, 1, 2).plagdet, 3)
        0.631
        """
        return self.f1 / math.log2(1 + self.granularity)


def _share_found(target: Annotation, others: list[Annotation]) -> float:
    """Share of ``target``'s characters (both sides) inside the others that overlap it."""
    hits = [o for o in others if target.detects(o)]
    if not hits:
        return 0.0
    this = covered(
        [(max(o.this_start, target.this_start), min(o.this_end, target.this_end)) for o in hits]
    )
    source = covered(
        [
            (max(o.source_start, target.source_start), min(o.source_end, target.source_end))
            for o in hits
        ]
    )
    return (this + source) / len(target) if len(target) else 1.0


def _by_pair(annotations: Iterable[Annotation]) -> dict[tuple[str, str], list[Annotation]]:
    index: dict[tuple[str, str], list[Annotation]] = defaultdict(list)
    for annotation in annotations:
        index[annotation.this, annotation.source].append(annotation)
    return index


def _macro(targets: list[Annotation], others: dict[tuple[str, str], list[Annotation]]) -> float:
    return sum(_share_found(t, others.get((t.this, t.source), [])) for t in targets) / len(targets)


def score(cases: Iterable[Annotation], detections: Iterable[Annotation]) -> Scores:
    """Return the PAN measures of ``detections`` against ``cases``.

    With no cases and no detections, precision and recall are 1; with detections but no
    cases (or the reverse), the side with nothing to find scores 0, as in PAN's scorer.
    """
    case_list = sorted(set(cases), key=_order)
    detection_list = sorted(set(detections), key=_order)
    if not case_list and not detection_list:
        return Scores(1.0, 1.0, 1.0, 0, 0)
    if not case_list or not detection_list:
        return Scores(0.0, 0.0, 1.0, len(case_list), len(detection_list))
    cases_by_pair, detections_by_pair = _by_pair(case_list), _by_pair(detection_list)
    recall = _macro(case_list, detections_by_pair)
    precision = _macro(detection_list, cases_by_pair)
    per_case = [
        sum(c.detects(d) for d in detections_by_pair.get((c.this, c.source), [])) for c in case_list
    ]
    detected = [n for n in per_case if n]
    granularity = sum(detected) / len(detected) if detected else 1.0
    return Scores(precision, recall, granularity, len(case_list), len(detection_list))


def _order(a: Annotation) -> tuple[str, int, int, str, int, int]:
    return (a.this, a.this_start, a.this_end, a.source, a.source_start, a.source_end)


def read_truth(path: Path) -> list[Annotation]:
    """Read the plagiarism cases of one PAN truth XML file.

    Raises:
        ValueError: the file is not a PAN truth file.
    """
    root = ElementTree.parse(path).getroot()
    this = root.get("reference")
    if this is None:
        raise ValueError(f"{path}: no reference attribute; not a PAN truth file")
    cases = []
    for feature in root.iter("feature"):
        if feature.get("name") != "plagiarism":
            continue
        this_start = int(feature.get("this_offset", "0"))
        source_start = int(feature.get("source_offset", "0"))
        cases.append(
            Annotation(
                this,
                this_start,
                this_start + int(feature.get("this_length", "0")),
                feature.get("source_reference", ""),
                source_start,
                source_start + int(feature.get("source_length", "0")),
            )
        )
    return cases
