"""The PAN 2013 quality gate: plagdet floors on a fixed, stratified sample.

The floors in benchmarks/pan13_floors.json are what the aligner already reaches; a
change that loses accuracy fails here. ``python -m benchmarks.pan13`` runs every pair.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from benchmarks.pan13 import FLOORS, detect, evaluate, gate_pairs

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def report(pan13: Path) -> dict[str, Any]:
    pairs = gate_pairs(pan13)
    assert len(pairs) == 300
    assert {p.subset for p in pairs} == {
        "01-no-plagiarism",
        "02-no-obfuscation",
        "03-random-obfuscation",
        "04-translation-obfuscation",
        "05-summary-obfuscation",
    }
    detections, _ = detect(pan13, pairs, pan13 / "reuse-pairs-gate-test.tsv")
    return evaluate(pan13, pairs, detections)


FLOOR_ITEMS = [
    (group, key, value)
    for group, floors in json.loads(FLOORS.read_text()).items()
    if isinstance(floors, dict)
    for key, value in floors.items()
]


@pytest.mark.parametrize(("group", "key", "floor"), FLOOR_ITEMS)
def test_floor_holds(report: dict[str, Any], group: str, key: str, floor: float) -> None:
    entry = report[group]
    if key.startswith("max_"):
        assert entry[key.removeprefix("max_")] <= floor, (group, key, entry)
    else:
        assert entry[key] >= floor, (group, key, entry)
