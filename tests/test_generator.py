"""The benchmark generator: realistic chance sharing, and truth that points at the text."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest

from benchmarks.corpus import PHRASE, generate, pan_chain, shingle_sharing, train
from reuse.text import tokenise

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def generated(pan13: Path) -> tuple[list[dict[str, str]], list[dict[str, object]]]:
    return generate(3000, pan_chain(), seed=11)


def test_unrelated_articles_share_about_as_much_as_real_ones(
    generated: tuple[list[dict[str, str]], list[dict[str, object]]],
) -> None:
    sharing = shingle_sharing(*generated, samples=1000)
    # Real unrelated documents share a few tenths of a 5-word shingle per pair.
    assert 0.05 < sharing["real"] < 1.0
    assert sharing["real"] / 2 <= sharing["generated"] <= sharing["real"] * 2, sharing
    assert sharing["generated_any"] > 0


def test_truth_spans_hold_the_same_passage(
    generated: tuple[list[dict[str, str]], list[dict[str, object]]],
) -> None:
    articles, truth = generated
    text = {a["id"]: a["text"] for a in articles}
    assert len(truth) > 500
    for t in truth[:300]:
        a = tokenise(text[str(t["a"])][slice(*t["a_span"])]).words  # type: ignore[misc]
        b = tokenise(text[str(t["b"])][slice(*t["b_span"])]).words  # type: ignore[misc]
        # Lightly edited copies: most words in order on both sides.
        shared = len(set(itertools.pairwise(a)) & set(itertools.pairwise(b)))
        assert shared >= 0.5 * (min(len(a), len(b)) - 1), t
        assert 40 <= len(a) <= 360 and 40 <= len(b) <= 360


def test_recurring_phrases_are_held_by_two_texts_and_hold_no_punctuation() -> None:
    def filler(n: int) -> str:  # words no other text holds (letters only: one token each)
        return " ".join("z" + chr(97 + n) + chr(97 + k // 26) + chr(97 + k % 26) for k in range(40))

    texts = [
        f"{filler(0)} the cat sat on the mat today. {filler(1)} one two three four five six.",
        f"{filler(2)} the cat sat on the mat again, {filler(3)} seven eight nine ten eleven.",
        f"{filler(4)} the cat sat on the mat, once more {filler(5)} one two three four five.",
        f"{filler(6)} nothing repeats here.",
    ]
    chain = train(iter(texts))
    phrases = {" ".join(chain.words[w] for w in row) for row in chain.phrases.tolist()}
    assert "the cat sat on the" in phrases
    assert "cat sat on the mat" in phrases
    assert "one two three four five" in phrases
    assert not any("," in p or "." in p for p in phrases)
    assert "seven eight nine ten eleven" not in phrases  # in one text only
    # One row per text holding the phrase: three texts hold "the cat sat on the".
    rows = [" ".join(chain.words[w] for w in row) for row in chain.phrases.tolist()]
    assert rows.count("the cat sat on the") == 3
    assert chain.phrases.shape[1] == PHRASE
    assert np.issubdtype(chain.phrases.dtype, np.integer)


def test_the_command_streams_the_same_corpus_generate_returns(pan13: Path, tmp_path: Path) -> None:
    import json
    import subprocess
    import sys

    articles, truth = generate(400, pan_chain(), seed=5)
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.corpus", "400", str(tmp_path), "--seed", "5"],
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).resolve().parent.parent,
    )
    assert done.returncode == 0, done.stderr
    lines = (tmp_path / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in lines] == articles
    assert [a["id"] for a in articles] == sorted(a["id"] for a in articles)
    written = (tmp_path / "truth.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in written] == truth and truth
