"""Topic similarity: same story high, unrelated low, matrix symmetric with unit diagonal."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reuse.fingerprint import word_hashes
from reuse.similarity import HashedTopics, fit_topics
from reuse.text import scan

TEXTS = [
    "flood waters rose in the river town and families left their homes",
    "families left homes as the river flood reached the town centre",
    "the central bank kept interest rates unchanged after the budget vote",
    "",
]


def test_same_story_scores_above_unrelated() -> None:
    model = fit_topics(TEXTS)
    assert model.pair(0, 1) > 0.3
    assert model.pair(0, 2) < 0.05
    assert model.pair(0, 3) == 0.0


def test_matrix_is_symmetric_with_unit_diagonal() -> None:
    matrix = fit_topics(TEXTS).matrix()
    assert matrix.shape == (4, 4)
    assert np.allclose(matrix, matrix.T)
    assert np.all(np.diag(matrix) == 1.0)
    assert np.all((matrix >= 0) & (matrix <= 1))
    assert matrix[0, 1] == pytest.approx(fit_topics(TEXTS).pair(0, 1))


def test_texts_without_topic_words() -> None:
    model = fit_topics(["1 2 3", "the and of"])
    assert model.pair(0, 1) == 0.0


def test_chinese_and_japanese_characters_count_as_words() -> None:
    from reuse.text import tokenise

    texts = ["東京都の知事は会見した", "東京都の知事は会見を開いた", "大阪で雨が降った"]
    model = fit_topics([" ".join(tokenise(t).words) for t in texts])
    assert model.pair(0, 1) > 0.5 > model.pair(0, 2)


def test_weights_learnt_from_a_sample_still_give_every_text_a_row() -> None:
    texts = ["flood river town", "river flood town bridge", "budget vote council", "vote"]
    full = fit_topics(texts)
    sampled = fit_topics(texts, fit_on=[0, 2])
    assert sampled.pair(0, 1) > 0.5 > sampled.pair(0, 2)
    # "bridge" was never in the sample: it weighs nothing, so the pair looks closer.
    assert sampled.pair(0, 1) > full.pair(0, 1)


def test_large_corpus_topic_values_come_from_a_sample(monkeypatch: pytest.MonkeyPatch) -> None:
    import reuse
    from reuse import pipeline
    from tests.test_pipeline import _planted_corpus

    docs = _planted_corpus(80, seed=5)
    small = reuse.compare(docs, reuse.Settings(topic_matrix_limit=10))
    monkeypatch.setattr(pipeline, "_TOPIC_SAMPLE", 20)
    sampled = reuse.compare(docs, reuse.Settings(topic_matrix_limit=10))
    assert small.topic is None and sampled.topic is None
    assert [p.passages for p in small.pairs] == [p.passages for p in sampled.pairs]
    values = [p.topic_similarity for p in sampled.pairs]
    assert all(0.0 <= v <= 1.0 for v in values)
    assert values != [p.topic_similarity for p in small.pairs]


VOCABULARY = [
    "flood",
    "river",
    "town",
    "the",
    "of",
    "bank",
    "rates",
    "x1",
    "a",
    "vote",
    "é",
    "ünal",
]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(st.sampled_from(VOCABULARY), max_size=25), min_size=2, max_size=6))
def test_hashed_topics_equal_scikit_learn(docs: list[list[str]]) -> None:
    texts = [" ".join(words) for words in docs]
    scanned = scan(texts)
    terms = [HashedTopics.terms(word_hashes(w.joined.split()), w.topical) for w in scanned]
    model, reference = HashedTopics.fit(terms), fit_topics([w.joined for w in scanned])
    for i in range(len(texts)):
        for j in range(len(texts)):
            got = HashedTopics.cosine(model.row(terms[i]), model.row(terms[j]))
            want = reference.pair(i, j) if i != j else float(bool(model.row(terms[i])[0].size))
            assert got == pytest.approx(want, abs=1e-9)


@settings(max_examples=40, deadline=None)
@given(
    docs=st.lists(st.lists(st.sampled_from(VOCABULARY), max_size=25), min_size=1, max_size=12),
    fitted=st.integers(1, 12),
)
def test_rows_made_together_equal_rows_made_one_by_one(docs: list[list[str]], fitted: int) -> None:
    """Bit for bit, including empty documents and words the fit never saw; with few
    documents fitted, there is no room to pack a document number above its words."""
    scanned = scan([" ".join(words) for words in docs])
    terms = [HashedTopics.terms(word_hashes(w.joined.split()), w.topical) for w in scanned]
    model = HashedTopics.fit(terms[:fitted])
    sizes = np.array([t.size for t in terms], dtype=np.int64)
    together = model.rows(np.concatenate(terms), sizes)
    assert len(together) == len(terms)
    assert model.rows(np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.int64)) == []
    # Terms found for all documents at once are each document's own.
    hashes = [word_hashes(w.joined.split()) for w in scanned]
    bounds = np.cumsum([0] + [h.size for h in hashes]).tolist()
    joined, sizes = HashedTopics.terms_of_many(
        np.concatenate(hashes), np.concatenate([w.topical for w in scanned]), bounds
    )
    parts = np.split(joined, np.cumsum(sizes)[:-1])
    assert [part.tolist() for part in parts] == [t.tolist() for t in terms]
    for (words, weights), term in zip(together, terms, strict=True):
        alone_words, alone_weights = model.row(term)
        assert words.dtype == alone_words.dtype and weights.dtype == alone_weights.dtype
        assert words.tolist() == alone_words.tolist()
        assert weights.tolist() == alone_weights.tolist()


def test_hashed_topics_leave_out_words_the_sample_never_saw() -> None:
    scanned = scan(TEXTS)
    terms = [HashedTopics.terms(word_hashes(w.joined.split()), w.topical) for w in scanned]
    model = HashedTopics.fit(terms[2:])  # fitted on the bank story only
    assert HashedTopics.cosine(model.row(terms[0]), model.row(terms[1])) == pytest.approx(
        fit_topics(TEXTS, fit_on=[2, 3]).pair(0, 1), abs=1e-9
    )
