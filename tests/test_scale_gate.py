"""The scale quality gate: planted passages in 10,000 generated articles are found.

Speed is measured by ``python -m benchmarks.scale``, not asserted here; recall and
precision have floors in benchmarks/scale_floors.json, and a change that loses either
fails this test.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import reuse
from benchmarks.corpus import generate, pan_chain
from benchmarks.scale import score_reuse
from reuse.corpus import load
from reuse.render.data import write_jsonl

pytestmark = pytest.mark.slow
FLOORS = Path(__file__).resolve().parent.parent / "benchmarks" / "scale_floors.json"


@pytest.fixture(scope="module")
def corpus(pan13: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    floors = json.loads(FLOORS.read_text())
    folder = tmp_path_factory.mktemp("scale")
    articles, truth = generate(floors["articles"], pan_chain(), seed=7)
    with (folder / "articles.jsonl").open("w", encoding="utf-8") as f:
        f.writelines(json.dumps(a) + "\n" for a in articles)
    with (folder / "truth.jsonl").open("w", encoding="utf-8") as f:
        f.writelines(json.dumps(t) + "\n" for t in truth)
    return folder


# Default settings, and the ones a corpus above 20,000 articles gets by default (a
# one-in-two shingle sample, no reworded-sentence search), so the path every large
# corpus takes is held to the same floors.
MODES = {"default": reuse.Settings(), "as above 20,000": reuse.Settings(sample=2, reworded=0)}


@pytest.fixture(scope="module", params=list(MODES))
def scores(corpus: Path, request: pytest.FixtureRequest) -> dict[str, Any]:
    loaded = load([str(corpus / "articles.jsonl")])
    assert not loaded.notices
    result = reuse.compare(loaded.documents, MODES[request.param], workers=0)
    out = corpus / f"out-{list(MODES).index(request.param)}.jsonl"
    with out.open("w", encoding="utf-8") as f:
        write_jsonl(result, f)
    return {"floors": json.loads(FLOORS.read_text()), **score_reuse(corpus, out)}


@pytest.mark.parametrize("key", ["recall", "recall_50_99", "precision"])
def test_floor_holds(scores: dict[str, Any], key: str) -> None:
    assert scores["planted_pairs"] > 5000
    assert scores[key] >= scores["floors"][key], (key, scores)
