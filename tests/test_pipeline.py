"""reuse.compare as a library: pair planning, orientation, progress, offsets, real text."""

from __future__ import annotations

import io
import itertools
import os
import random
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import reuse
from reuse.errors import InputError
from reuse.model import Document
from reuse.render.data import result_dict
from reuse.text import tokenise
from tests.helpers import words_of

LOREM = (
    "the committee said on tuesday that new rules for river shipping would take effect "
    "next spring after months of talks between port operators unions and regional "
    "officials who had warned that delays were costing exporters millions each week"
).split()


def make_text(rng: random.Random, n: int) -> str:
    return " ".join(f"w{rng.randrange(10**6)}" for _ in range(n))


def shared_corpus() -> list[Document]:
    rng = random.Random(5)
    passage = " ".join(LOREM)
    return [
        Document("c", make_text(rng, 80) + " " + passage + " " + make_text(rng, 40)),
        Document("a", make_text(rng, 30) + ". " + passage + ". " + make_text(rng, 60)),
        Document("b", make_text(rng, 120)),
    ]


def test_pairs_are_oriented_by_id_and_ranked() -> None:
    result = reuse.compare(shared_corpus())
    assert [(p.a, p.b) for p in result.pairs] == [("a", "c")]
    assert result.pairs[0].shared_words == len(LOREM)


def test_explicit_pairs_keep_order_and_report_empty_pairs() -> None:
    result = reuse.compare(shared_corpus(), pairs=[("c", "a"), ("b", "a")])
    assert [(p.a, p.b) for p in result.pairs] == [("c", "a"), ("b", "a")]
    assert len(result.pairs[0].passages) == 1
    assert result.pairs[1].passages == ()
    assert result.pairs[1].a_coverage == 0.0


def test_explicit_pairs_get_topic_similarity_beyond_the_full_matrix() -> None:
    full = reuse.compare(shared_corpus(), pairs=[("c", "a"), ("b", "a")])
    sampled = reuse.compare(
        shared_corpus(), reuse.Settings(topic_matrix_limit=1), pairs=[("c", "a"), ("b", "a")]
    )
    assert sampled.topic is None
    for small, large in zip(full.pairs, sampled.pairs, strict=True):
        assert large.topic_similarity == pytest.approx(small.topic_similarity, abs=0.05)
    assert sampled.pairs[0].topic_similarity > 0.3


def test_against_makes_reference_a_and_skips_other_pairs() -> None:
    docs = shared_corpus()
    docs.append(Document("d", docs[1].text))  # a copy of "a", not a reference
    result = reuse.compare(docs, against={"c"})
    assert sorted((p.a, p.b) for p in result.pairs) == [("c", "a"), ("c", "d")]


def test_duplicate_and_unknown_ids_are_refused() -> None:
    with pytest.raises(InputError, match="duplicate document id"):
        reuse.compare([Document("x", "one"), Document("x", "two")])
    with pytest.raises(InputError, match="not among the documents"):
        reuse.compare(shared_corpus(), pairs=[("a", "zzz")])


def test_progress_reports_every_stage_to_completion() -> None:
    from reuse import pipeline

    seen: dict[str, list[tuple[int, int]]] = {}

    def progress(stage: str, done: int, total: int) -> None:
        seen.setdefault(stage, []).append((done, total))

    def check() -> None:
        for stage, reports in seen.items():
            done = [d for d, _ in reports]
            assert done == sorted(done), stage  # never backwards
            assert len({t for _, t in reports}) == 1, stage  # one total
            assert done[-1] == reports[-1][1], stage  # finished

    reuse.compare(shared_corpus(), progress=progress)
    check()
    assert seen["fingerprinting"][-1] == (3, 3)
    # Boilerplate, each part of the candidate index, then the pairs.
    steps = pipeline._INDEX_PARTS + 2  # a small corpus: the fewest parts
    assert seen["finding candidates"] == [(n, steps) for n in range(steps + 1)]
    assert seen["aligning"][-1] == (1, 1)
    assert seen["topic similarity"][-1] == (1, 1)
    seen.clear()
    # Beyond the full topic matrix the weights are learnt on a sample, document by document.
    reuse.compare(shared_corpus(), reuse.Settings(topic_matrix_limit=1), progress=progress)
    check()
    assert seen["topic similarity"][-1] == (3, 3)


def test_topic_matrix_only_up_to_the_limit() -> None:
    small = reuse.compare(shared_corpus())
    assert small.topic is not None and len(small.topic.ids) == 3
    large = reuse.compare(shared_corpus(), reuse.Settings(topic_matrix_limit=2))
    assert large.topic is None
    assert result_dict(large)["topic_similarity"] is None
    assert large.pairs[0].topic_similarity == pytest.approx(small.pairs[0].topic_similarity)


def test_near_duplicate_articles_have_high_resemblance() -> None:
    rng = random.Random(9)
    body = make_text(rng, 300)
    result = reuse.compare([Document("x", body), Document("y", body + " the end")])
    assert result.pairs[0].resemblance > 0.9
    assert result.pairs[0].a_coverage == 1.0


pieces = st.lists(
    st.sampled_from([*LOREM, "“", "”", "—", ",", ".", "\n\n", "Ünïcode", "ﬁne", "1,275"]),
    min_size=5,
    max_size=40,
)


@settings(max_examples=40, deadline=None)
@given(prefix=pieces, middle=pieces, suffix=pieces, other=pieces)
def test_every_passage_slices_its_document(
    prefix: list[str], middle: list[str], suffix: list[str], other: list[str]
) -> None:
    shared = " ".join(LOREM)
    a = Document("a", " ".join(prefix) + " " + shared + " " + " ".join(middle))
    b = Document("b", " ".join(other) + "\n" + shared.upper() + " " + " ".join(suffix))
    result = reuse.compare([a, b], reuse.Settings(min_words=10))
    assert result.pairs, "the shared passage must be found"
    texts = {"a": a.text, "b": b.text}
    for pair in result.pairs:
        for p in pair.passages:
            a_tokens = tokenise(texts[pair.a][p.a.start : p.a.end])
            b_tokens = tokenise(texts[pair.b][p.b.start : p.b.end])
            assert len(a_tokens) == p.a_words and len(b_tokens) == p.b_words
            # A passage starts and ends on a matched word.
            assert a_tokens.words[0] == b_tokens.words[0]
            assert a_tokens.words[-1] == b_tokens.words[-1]
            for e in p.edits:
                assert p.a.start < e.a_start <= e.a_end < p.a.end


def _planted(pan13: Path) -> tuple[list[Document], list[tuple[str, str, list[tuple[int, int]]]]]:
    """Articles made of real PAN text with wire paragraphs copied in, lightly edited.

    Returns the documents and, per copy, the character range of each planted passage.
    """
    rng = random.Random(2013)
    sources = sorted((pan13 / "src").glob("*.txt"))[:200]
    texts = [t for t in (s.read_text(encoding="utf-8").split() for s in sources) if len(t) > 800]
    docs, truth = [], []
    for n in range(8):
        wire, own, promo = texts[3 * n], texts[3 * n + 1], texts[3 * n + 2]
        text, spans = "", []
        start = rng.randrange(0, max(1, len(wire) - 400))
        for k in range(3):
            # Three different stretches of the wire, 120 words apart: a stretch copied
            # twice would be one passage and its repeat, not three passages.
            edited = wire[start + 120 * k : start + 120 * k + rng.randrange(40, 110)]
            edited[len(edited) // 2] = "REPLACED"
            text += " ".join(own[40 * k : 40 * k + 40]) + "\n\n"
            spans.append((len(text), len(text) + len(" ".join(edited))))
            text += " ".join(edited) + "\n\nAlso read: " + " ".join(promo[20 * k : 20 * k + 12])
            text += "\n\n"
        docs.append(Document(f"wire-{n}", " ".join(wire)))
        docs.append(Document(f"copy-{n}", text))
        truth.append((f"wire-{n}", f"copy-{n}", spans))
    return docs, truth


def test_planted_passages_in_real_text(pan13: Path) -> None:
    docs, truth = _planted(pan13)
    result = reuse.compare(docs)
    by_id = {d.id: d for d in docs}
    found = {(p.a, p.b): p for p in result.pairs}
    for wire_id, copy_id, spans in truth:
        pair = found[(copy_id, wire_id)]
        assert len(pair.passages) == len(spans)
        copy = by_id[copy_id]
        for passage, (start, end) in zip(pair.passages, spans, strict=True):
            got = words_of(copy, passage.a.start, passage.a.end)
            want = words_of(copy, start, end)
            assert abs(got[0] - want[0]) <= 3 and abs(got[1] - want[1]) <= 3
            # The promo line stays outside (its first word may match the wire by chance).
            assert passage.a.end <= copy.text.index("read:", start)
    others = [p for p in result.pairs if p.a.startswith("copy") and p.b.startswith("copy")]
    assert all(max(p.a_coverage, p.b_coverage) <= 0.10 for p in others)


def test_pairs_rank_by_shared_words_then_ids() -> None:
    rng = random.Random(11)
    long_passage = make_text(rng, 60)
    short_passage = make_text(rng, 25)
    docs = [
        Document("a", make_text(rng, 40) + " " + short_passage),
        Document("b", short_passage + " " + make_text(rng, 40)),
        Document("c", make_text(rng, 40) + " " + long_passage),
        Document("d", long_passage + " " + make_text(rng, 40)),
        Document("e", make_text(rng, 30) + " " + short_passage),
    ]
    result = reuse.compare(docs)
    assert [(p.a, p.b, p.shared_words) for p in result.pairs] == [
        ("c", "d", 60),
        ("a", "b", 25),
        ("a", "e", 25),
        ("b", "e", 25),
    ]


def test_passage_reprinted_beyond_max_df_is_still_found() -> None:
    rng = random.Random(12)
    wire = make_text(rng, 80)
    docs = [Document(f"d{n}", make_text(rng, 50) + " " + wire) for n in range(6)]
    result = reuse.compare(docs, reuse.Settings(max_df=3))
    # Each copy is paired with the first one holding the passage.
    assert sorted((p.a, p.b) for p in result.pairs) == [("d0", f"d{n}") for n in range(1, 6)]
    against = reuse.compare(docs, reuse.Settings(max_df=3), against={"d3"})
    assert sorted((p.a, p.b) for p in against.pairs) == [("d3", f"d{n}") for n in (0, 1, 2, 4, 5)]


def test_sampling_setting_is_applied() -> None:
    docs = shared_corpus()
    assert reuse.compare(docs, reuse.Settings(sample=2)).pairs
    # With a one-in-a-million sample no shingle survives: no candidate, no pair.
    assert reuse.compare(docs, reuse.Settings(sample=1_000_000)).pairs == ()
    assert reuse.compare(docs, reuse.Settings(sample=2)).settings["sample"] == 2


def test_resemblance_of_texts_too_short_to_shingle_is_zero() -> None:
    result = reuse.compare([Document("x", "Short one."), Document("y", "x")], pairs=[("x", "y")])
    assert result.pairs[0].resemblance == 0.0


@pytest.mark.parametrize("sample", [1, 2])
def test_lines_repeated_across_many_articles_are_boilerplate_not_reuse(sample: int) -> None:
    rng = random.Random(11)

    def filler(n: int) -> str:
        return " ".join(f"w{rng.randrange(10**6)}" for _ in range(n))

    promo = "Sign up for our daily newsletter to get every headline of the day in your inbox."
    shared = filler(40)
    docs = [Document(f"d{n:02d}", f"{filler(120)}\n{promo}") for n in range(12)]
    docs[0] = Document("d00", f"{filler(60)}\n{shared}\n{promo}")
    docs[1] = Document("d01", f"{shared}\n{filler(60)}\n{promo}")
    result = reuse.compare(docs, reuse.Settings(sample=sample))
    # The promo line ends every article: boilerplate. The paragraph two share is reuse.
    assert [(p.a, p.b) for p in result.pairs] == [("d00", "d01")]
    (passage,) = result.pairs[0].passages
    assert passage.a_words == 40
    # Fewer articles than the threshold: the line is ordinary shared text.
    few = reuse.compare(docs, reuse.Settings(boilerplate=13, sample=sample))
    assert len(few.pairs) == 66
    off = reuse.compare(docs, reuse.Settings(boilerplate=0, sample=sample))
    assert len(off.pairs) == 66


def test_boilerplate_setting_is_checked() -> None:
    with pytest.raises(reuse.SettingsError, match="boilerplate"):
        reuse.Settings(boilerplate=1)


def _planted_corpus(n: int, seed: int) -> list[Document]:
    """Articles of random words; some share a lightly edited passage, some a promo line."""
    rng = random.Random(seed)
    vocab = ["w" + "".join(chr(97 + k // 26**d % 26) for d in range(3)) for k in range(5000)]

    def words(k: int) -> list[str]:
        return [rng.choice(vocab) for _ in range(k)]

    texts = [words(rng.randrange(150, 300)) for _ in range(n)]
    for _ in range(n // 2):
        passage = words(rng.randrange(30, 80))
        for k in rng.sample(range(n), rng.choice([2, 2, 3, 6])):
            copy = [w if rng.random() > 0.05 else rng.choice(vocab) for w in passage]
            at = rng.randrange(len(texts[k]))
            texts[k][at:at] = copy
    promo = "Follow us for the latest news from around the region and the world every day"
    return [
        Document(f"doc{k:04d}", " ".join(t) + (f"\n{promo}" if k % 3 == 0 else ""))
        for k, t in enumerate(texts)
    ]


# The full topic matrix, and (beyond its limit) weights learnt on a sample while
# workers count the candidate index.
@pytest.mark.parametrize("topic_matrix_limit", [5000, 10])
def test_any_number_of_workers_gives_the_same_bytes(
    monkeypatch: pytest.MonkeyPatch, topic_matrix_limit: int
) -> None:
    from reuse import pipeline
    from reuse.render.data import write_jsonl

    monkeypatch.setattr(pipeline, "_PREPARE_CHUNK", 16)
    monkeypatch.setattr(pipeline, "_ALIGN_CHUNK", 8)
    monkeypatch.setattr(pipeline, "_SENTENCE_CHUNK", 8)
    monkeypatch.setattr(pipeline, "_TOPIC_SAMPLE", 40)
    docs = _planted_corpus(120, seed=12)
    settings = reuse.Settings(topic_matrix_limit=topic_matrix_limit)
    outputs = []
    for workers, shm in ((1, pipeline._SHM), (2, pipeline._SHM), (3, pipeline._SHM), (2, "/no")):
        # Workers hand prepared documents over in shared memory, or (where there is
        # none) through the pipe.
        monkeypatch.setattr(pipeline, "_SHM", shm)
        stages: list[str] = []
        result = reuse.compare(
            docs,
            settings,
            workers=workers,
            progress=lambda stage, done, total, seen=stages: seen.append(stage),
        )
        buffer = io.StringIO()
        write_jsonl(result, buffer)
        outputs.append(buffer.getvalue())
        assert {"fingerprinting", "aligning"} <= set(stages)
        # Workers index the sentences (reworded search) before aligning.
        assert ("indexing sentences" in stages) == (workers > 1)
    assert len(result.pairs) > 50
    assert all(0 < p.topic_similarity <= 1 for p in result.pairs)
    assert outputs[0] == outputs[1] == outputs[2] == outputs[3]


def _reworded_corpus(n: int, seed: int) -> list[Document]:
    """Articles of sentences; pairs share an exact passage (which makes them candidates)
    and, elsewhere, sentences whose words one of them has in reverse order, which only
    reworded search finds."""
    rng = random.Random(seed)
    vocab = ["w" + "".join(chr(97 + k // 26**d % 26) for d in range(3)) for k in range(5000)]

    def sentence() -> list[str]:
        return [rng.choice(vocab) for _ in range(rng.randrange(10, 16))]

    texts = [[sentence() for _ in range(rng.randrange(12, 20))] for _ in range(n)]
    for first in range(0, n - 1, 2):
        a, b = texts[first], texts[first + 1]
        b[1:1] = [list(s) for s in a[2:5]]  # exact
        b[-1:-1] = [s[::-1] for s in a[-6:-2]]  # reworded
    return [
        Document(f"doc{k:04d}", " ".join(" ".join(s) + "." for s in t)) for k, t in enumerate(texts)
    ]


def test_sentences_indexed_by_workers_find_the_same_reworded_passages(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Workers index every planned document's sentences before aligning; the reworded
    passages found are those one process finds indexing as it aligns."""
    from reuse import pipeline
    from reuse.render.data import write_jsonl

    monkeypatch.setattr(pipeline, "_SENTENCE_CHUNK", 8)
    monkeypatch.setattr(pipeline, "_ALIGN_CHUNK", 8)
    docs = _reworded_corpus(60, seed=5)
    outputs, passages = [], []
    for workers in (1, 2):
        stages: list[str] = []
        result = reuse.compare(
            docs, workers=workers, progress=lambda stage, done, total, s=stages: s.append(stage)
        )
        assert ("indexing sentences" in stages) == (workers > 1)
        buffer = io.StringIO()
        write_jsonl(result, buffer)
        outputs.append(buffer.getvalue())
        # Each pair's exact passage, and its reworded one beside it.
        passages.append(sum(len(r.passages) for r in result.pairs))
    assert passages[0] >= 50
    assert outputs[0] == outputs[1]


def test_workers_cannot_be_negative() -> None:
    with pytest.raises(reuse.SettingsError, match="workers"):
        reuse.compare(_planted_corpus(3, seed=1), workers=-1)


def test_a_story_reprinted_by_many_outlets_is_reuse_not_boilerplate() -> None:
    rng = random.Random(13)

    def filler(n: int) -> str:
        return " ".join(f"w{rng.randrange(10**6)}" for _ in range(n))

    # A wire story of six short paragraphs, each line found in every reprint.
    story = "\n".join(filler(25) for _ in range(6))
    promo = "Sign up for our daily newsletter to get every headline of the day in your inbox."
    docs = [
        Document(f"d{n:02d}", f"{filler(80)}\n{story}\n{filler(40)}\n{promo}") for n in range(12)
    ]
    result = reuse.compare(docs)
    assert len(result.pairs) == 66
    for pair in result.pairs:
        # The story, whole; never the promo line.
        assert [p.a_words for p in pair.passages] == [150]


def test_comparisons_in_two_threads_do_not_mix() -> None:
    from concurrent.futures import ThreadPoolExecutor

    first, second = _planted_corpus(40, seed=21), _planted_corpus(40, seed=22)
    expected = [reuse.compare(first).pairs, reuse.compare(second).pairs]
    with ThreadPoolExecutor(2) as pool:
        got = list(pool.map(lambda docs: reuse.compare(docs).pairs, [first, second] * 3))
    assert got == expected * 3


def test_compare_pauses_the_cycle_collector_and_restores_it() -> None:
    import gc

    seen = []
    reuse.compare(shared_corpus(), progress=lambda *_: seen.append(gc.isenabled()))
    assert seen and not any(seen)
    assert gc.isenabled()
    gc.disable()
    try:
        reuse.compare(shared_corpus())
        assert not gc.isenabled()
    finally:
        gc.enable()


@pytest.mark.parametrize("every", [2, 3, 4])
def test_sampled_index_pairs_the_same_documents_as_per_document_samples(every: int) -> None:
    import numpy as np

    from reuse import pipeline
    from reuse.candidates import POSITION_BITS, find_candidates
    from reuse.fingerprint import mix, sample, sampled, shingle_hashes

    rng = random.Random(every)
    wires = [make_text(rng, 60) for _ in range(4)]
    docs = [
        Document(f"d{n:02}", f"{make_text(rng, 40)} {wires[n % 4]} {make_text(rng, 40)}")
        for n in range(24)
    ]
    docs += [Document("empty", ""), Document("tiny", "a b")]
    settings = reuse.Settings(sample=every, min_shared=2)
    texts = [d.text for d in docs]
    prepared = pipeline._Corpus([pipeline._prepare_many(texts, settings, every)])
    full = pipeline._Corpus([pipeline._prepare_many(texts, settings, 1)])
    # Every shingle of each document, before mixing: the sample is taken on these.
    raw = [shingle_hashes(p.hashes, settings.shingle_words) for p in full]
    # Each kept hash carries its word position in its low bits (`Layout`).
    low = np.uint64((1 << POSITION_BITS) - 1)
    for corpus, kept_every in ((prepared, every), (full, 1)):
        for p, r in zip(corpus, raw, strict=True):
            where = np.flatnonzero(sampled(r, kept_every))
            assert (p.shingles & ~low).tolist() == (mix(r[where]) & ~low).tolist()
            assert (p.shingles & low).tolist() == (where.astype(np.uint64) & low).tolist()
    planned = pipeline._plan_pairs(docs, prepared, settings, None, None)
    # Counted, the index lets go of them (`_shingle_set` makes them again).
    assert all(p.shingles.size == 0 for p in prepared)
    # Pair by pair: sharing two sampled shingles or more, lying far enough apart.
    places = []
    for r in raw:
        first: dict[int, int] = {}
        for t in np.flatnonzero(sampled(r, every)).tolist():
            first.setdefault(int(r[t]), t)
        places.append(first)
    expected = [
        (i, j)
        for i, j in itertools.combinations(range(len(docs)), 2)
        if len(shared := places[i].keys() & places[j].keys()) >= 2
        and max(places[i][h] for h in shared) - min(places[i][h] for h in shared)
        >= pipeline._min_span(settings)
    ]
    assert find_candidates([sample(r, every) for r in raw], min_shared=2, max_df=100)
    ids = [d.id for d in docs]
    assert sorted(tuple(sorted(pair)) for pair in planned) == expected
    assert planned and all(ids[i] < ids[j] for i, j in planned)


@pytest.mark.parametrize("every", [1, 2])
def test_a_phrase_of_a_few_words_makes_no_candidate(every: int) -> None:
    """Documents sharing only a phrase too short to be a passage (its few shingles side
    by side, each in the sample) are not aligned, though they share ``min_shared``
    shingles; documents sharing two such phrases far apart are."""
    import numpy as np

    from reuse import pipeline

    settings = reuse.Settings(sample=every, min_shared=3, min_words=15)
    rng = random.Random(every)
    # Seven words: three shingles of five, all three sampled (tried until they are).
    for _ in range(200):
        phrase, other = make_text(rng, 7), make_text(rng, 7)
        texts = {
            "a": f"{make_text(rng, 50)} {phrase} {make_text(rng, 50)}",
            "b": f"{make_text(rng, 60)} {phrase} {make_text(rng, 40)}",
            "c": f"{phrase} {make_text(rng, 80)} {other}",
            "d": f"{make_text(rng, 30)} {other} {make_text(rng, 70)} {phrase}",
        }
        prepared = pipeline._Corpus([pipeline._prepare_many(list(texts.values()), settings, every)])
        low = np.uint64(pipeline.POSITION_BITS)
        kept = [set((p.shingles >> low).tolist()) for p in prepared]
        if len(kept[0] & kept[1]) == 3 and len(kept[2] & kept[3]) == 6:
            break
    assert len(kept[0] & kept[1]) == 3 >= settings.min_shared
    docs = [Document(i, t) for i, t in texts.items()]
    planned = pipeline._plan_pairs(docs, prepared, settings, None, None)
    assert {(docs[i].id, docs[j].id) for i, j in planned} == {("c", "d")}
    # Shared shingles merely lying apart, whatever the shortest passage, are enough.
    loose = reuse.Settings(sample=every, min_shared=3, min_words=10)
    prepared = pipeline._Corpus([pipeline._prepare_many(list(texts.values()), loose, every)])
    assert len(pipeline._plan_pairs(docs, prepared, loose, None, None)) == 6


def _without_boilerplate(p: object, k: int, every: int) -> list[int]:
    """A prepared document's sampled shingles, brute force: made from its words as
    masked, each placed, less those holding a boilerplate word."""
    import numpy as np

    from reuse import pipeline

    made, _, at = pipeline._sampled_where(p.hashes, np.array([len(p)]), k, every)
    low = np.uint64((1 << pipeline.POSITION_BITS) - 1)
    placed = (made & ~low) | (at.astype(np.uint64) & low)
    words = p.boilerplate
    clear = [words is None or not words[t : t + k].any() for t in at.tolist()]
    return placed[np.asarray(clear, dtype=bool)].tolist()


@pytest.mark.parametrize("every", [1, 2])
def test_shingle_sets_made_again_from_words_hold_those_fingerprinting_kept(
    every: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Once the index is counted the corpus lets go of its shingles; each document's
    set is made again from its words, boilerplate masked: the very set fingerprinting
    and masking made, and besides the shingles holding a masked word, which masking
    left out of the index (no other document can share them)."""
    import numpy as np

    from reuse import pipeline
    from reuse.fingerprint import distinct

    rng = random.Random(every)
    footer = "Subscribe to our newsletter for the latest news every morning."
    docs = [
        Document(f"d{n:02}", f"{make_text(rng, 50)}\n{footer}\n{make_text(rng, 30)}")
        for n in range(30)
    ]
    settings = reuse.Settings(sample=every)
    texts = [d.text for d in docs]
    batches = [pipeline._prepare_many(texts[k : k + 7], settings, every) for k in range(0, 30, 7)]
    corpus = pipeline._mask_boilerplate(pipeline._Corpus(batches), settings, every)
    assert any(p.boilerplate is not None and p.boilerplate.any() for p in corpus)
    k = settings.shingle_words
    assert [p.shingles.tolist() for p in corpus] == [
        _without_boilerplate(p, k, every) for p in corpus
    ]

    # The index's shingles carry their positions in their low bits; the sets do not.
    def hashes(shingles: np.ndarray) -> list[int]:
        return distinct(shingles >> np.uint64(pipeline.POSITION_BITS)).tolist()

    kept = [hashes(p.shingles) for p in corpus]
    corpus.drop_shingles()
    assert all(p.shingles.size == 0 for p in corpus)
    monkeypatch.setattr(
        pipeline, "_shared", {"prepared": corpus, "settings": settings, "every": every}
    )
    remade = [pipeline._shingle_set(k) for k in range(len(docs))]
    assert all(s.tolist() == distinct(s).tolist() for s in remade)
    masked = 0
    for made, index in zip(remade, kept, strict=True):
        assert set(index) <= set(hashes(made))
        masked += len(hashes(made)) - len(index)
    assert masked >= len(docs) * (9 // every - 1)  # the footer's shingles, in each
    together = pipeline._shingle_sets([5, *range(len(docs))])[1:]
    assert [s.tolist() for s in together] == [s.tolist() for s in remade]
    assert all(kept)


def _unsampled_word(every: int) -> str:
    """A word whose shingle of itself repeated is not in the one-in-``every`` sample."""
    from reuse.fingerprint import sampled, shingle_hashes, word_hashes

    for n in itertools.count():
        word = f"z{n}"
        shingle = shingle_hashes(word_hashes([word] * 5), 5)
        if not sampled(shingle, every).all():
            return word
    raise AssertionError  # pragma: no cover


@pytest.mark.parametrize("long_stretch", [1100, 2500])
def test_masking_leaves_out_the_shingles_holding_boilerplate_however_far_apart(
    long_stretch: int,
) -> None:
    """The index's shingles know their positions only modulo 2**POSITION_BITS; where
    none is sampled for longer than that, masking must still drop exactly the right
    ones."""
    import numpy as np

    from reuse import pipeline

    every = 2
    rng = random.Random(long_stretch)
    footer = "Share this story on social media and follow us for more."
    stretch = " ".join([_unsampled_word(every)] * long_stretch)
    texts = [
        f"{make_text(rng, 40)}\n{footer}\n"
        + (f"{stretch}\n{footer}\n" if n < 3 else "")
        + make_text(rng, 40 + n)
        for n in range(30)
    ]
    settings = reuse.Settings(sample=every)
    k = settings.shingle_words
    batches = [pipeline._prepare_many(texts[s : s + 8], settings, every) for s in range(0, 30, 8)]
    unmasked = [batches[0].document(n) for n in range(3)]
    per_doc = np.array([p.shingles.size for p in unmasked])
    _, unsure = pipeline._shingle_positions(
        np.concatenate([p.shingles for p in unmasked]), per_doc, per_doc * 0 + 2 * long_stretch
    )
    assert unsure.all()  # the stretch hides a round of the low bits
    corpus = pipeline._mask_boilerplate(pipeline._Corpus(batches), settings, every)
    assert all(corpus[n].boilerplate.sum() >= 20 for n in range(3))  # two footers
    assert [p.shingles.tolist() for p in corpus] == [
        _without_boilerplate(p, k, every) for p in corpus
    ]
    assert all(corpus[n].shingles.size >= 20 for n in range(3))  # both sides kept


@given(st.lists(st.integers(1, 3000), min_size=1, max_size=40), st.integers(0, 5))
@settings(max_examples=60, deadline=None)
def test_shingle_positions_follow_the_low_bits_round(steps: list[int], first: int) -> None:
    import numpy as np

    from reuse import pipeline

    size = 1 << pipeline.POSITION_BITS
    at = np.cumsum([first, *steps])
    shingles = (np.arange(at.size, dtype=np.uint64) << np.uint64(40)) | (
        at.astype(np.uint64) & np.uint64(size - 1)
    )
    last = int(at[-1]) + 3
    position, unsure = pipeline._shingle_positions(shingles, np.array([at.size]), np.array([last]))
    hidden = first >= size or any(step >= size for step in steps)
    assert bool(unsure[0]) == (last - int(position[-1]) >= size)
    if not hidden:
        assert position.tolist() == at.tolist() and not unsure[0]
    else:
        assert unsure[0]


@pytest.mark.parametrize(("part_shingles", "block", "workers"), [(50, 1, 1), (200, 3, 2)])
def test_an_index_in_many_parts_and_blocks_pairs_the_same_documents(
    part_shingles: int, block: int, workers: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """More parts than the fewest (each gathering its shingles a few batches at a
    time, on workers or here): the same pairs, and a progress step for each part."""
    from reuse import pipeline

    docs = _planted_corpus(90, seed=21)
    settings = reuse.Settings(sample=1)
    expected = result_dict(reuse.compare(docs, settings))
    monkeypatch.setattr(pipeline, "_SCAN_BATCH", 4)
    monkeypatch.setattr(pipeline, "_INDEX_PART_SHINGLES", part_shingles)
    monkeypatch.setattr(pipeline, "_INDEX_BLOCK", block)
    steps: list[int] = []

    def progress(stage: str, done: int, total: int) -> None:
        if stage == "finding candidates":
            steps.append(total)

    got = result_dict(reuse.compare(docs, settings, progress=progress, workers=workers))
    assert got == expected
    assert expected["pairs"]
    assert steps and set(steps) == {steps[0]} and steps[0] - 2 > pipeline._INDEX_PARTS


def test_an_error_while_workers_prepare_leaves_no_shipped_batch(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import glob
    import os

    from reuse import pipeline

    monkeypatch.setattr(pipeline, "_PREPARE_CHUNK", 4)
    docs = _planted_corpus(80, seed=3)

    def fail(stage: str, done: int, total: int) -> None:
        if stage == "fingerprinting":
            raise RuntimeError("stop")

    with pytest.raises(RuntimeError, match="stop"):
        reuse.compare(docs, workers=2, progress=fail)
    left = glob.glob(os.path.join(pipeline._SHM, f"reuse-{os.getpid()}-*"))
    assert left == []


def test_batches_left_by_a_killed_comparison_are_removed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import subprocess
    import sys

    from reuse import pipeline

    monkeypatch.setattr(pipeline, "_SHM", str(tmp_path))
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    dead = int(gone.stdout)  # a process that has ended, like one killed for memory
    orphan = tmp_path / f"{pipeline._shipping_prefix(dead)}abc"
    alive = tmp_path / f"{pipeline._shipping_prefix(os.getppid())}abc"  # pytest's parent
    other = tmp_path / "unrelated-1-abc"
    for path in (orphan, alive, other):
        path.write_bytes(b"x")
    reuse.compare(_planted_corpus(20, seed=1), workers=2)
    assert not orphan.exists()
    assert alive.exists() and other.exists()
    reuse.compare(_planted_corpus(20, seed=1), workers=1)  # one process ships nothing
    assert alive.exists()


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.lists(st.sampled_from(["alpha", "beta,", "gamma.", "delta"]), max_size=12),
        min_size=1,
        max_size=4,
    ),
    st.lists(st.tuples(st.integers(0, 3), st.integers(0, 12), st.integers(0, 12)), max_size=12),
)
def test_character_ranges_of_word_ranges(
    texts: list[list[str]], ranges: list[tuple[int, int, int]]
) -> None:
    """Ranges of several documents (empty ones too), looked up together."""
    from reuse import pipeline

    joined = ["  ".join(words) for words in texts]
    prepared = pipeline._Corpus([pipeline._prepare_many(joined, reuse.Settings(), 1)])
    tokens = [tokenise(text) for text in joined]
    asked = []
    for doc, lo, hi in ranges:
        doc %= len(joined)
        n = len(tokens[doc])
        asked.append((doc, min(lo, n), min(max(lo, hi), n)))
    starts, ends = pipeline._char_ranges(
        prepared, [d for d, _, _ in asked], [lo for _, lo, _ in asked], [hi for _, _, hi in asked]
    )
    assert len(starts) == len(ends) == len(asked)
    for (doc, lo, hi), start, end in zip(asked, starts, ends, strict=True):
        words = tokens[doc]
        if hi > lo:  # from the first word's start to the last word's end
            assert (start, end) == (int(words.starts[lo]), int(words.ends[hi - 1]))
        else:  # empty, right after the word before
            after = int(words.ends[lo - 1]) if lo else 0
            assert (start, end) == (after, after)


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.lists(st.tuples(st.integers(-3, 70_000), st.integers(1, 70_000)), max_size=6),
        min_size=1,
        max_size=4,
    )
)
def test_compact_offsets_give_back_every_start_and_end(
    documents: list[list[tuple[int, int]]],
) -> None:
    """Gaps and lengths of any size (past one and two bytes), words starting before the
    last ends, empty documents: every document's offsets come back exactly."""
    import numpy as np

    from reuse import pipeline

    starts: list[int] = []
    ends: list[int] = []
    for words in documents:
        at = 0
        for gap, length in words:
            start = max(0, at + gap)
            starts.append(start)
            ends.append(start + length)
            at = start + length
    counts = [len(words) for words in documents]
    bounds = np.cumsum([0, *counts])
    gaps, lengths = pipeline._compact_offsets(
        np.array(starts, dtype=np.int64), np.array(ends, dtype=np.int64), bounds
    )
    back_starts, back_ends = pipeline._offsets(gaps, lengths, counts)
    assert back_starts.tolist() == starts
    assert back_ends.tolist() == ends
    # One document alone, as a single document's words are read back.
    for n, count in enumerate(counts):
        lo, hi = int(bounds[n]), int(bounds[n + 1])
        alone = pipeline._offsets(gaps[lo:hi], lengths[lo:hi], [count])
        assert alone[0].tolist() == starts[lo:hi]
        assert alone[1].tolist() == ends[lo:hi]


def test_news_text_offsets_take_one_byte_per_word() -> None:
    """Ordinary prose: each word's gap and length fit a byte."""
    from reuse import pipeline

    text = "The council met on Tuesday.\n\nIt voted, 7-2, to widen the bridge. " * 20
    batch = pipeline._prepare_many([text, "", text.upper()], reuse.Settings(), 1)
    assert batch.gaps.dtype.itemsize == batch.lengths.dtype.itemsize == 1
    long_gap = "word" + " " * 300 + "after"
    wide = pipeline._prepare_many([long_gap], reuse.Settings(), 1)
    assert wide.gaps.dtype.itemsize == 2
    doc = wide.document(0)
    tokens = doc.tokens()
    assert [long_gap[s:e] for s, e in zip(tokens.starts, tokens.ends, strict=True)] == [
        "word",
        "after",
    ]


def test_a_corpus_of_batches_gives_each_document_as_prepared_alone() -> None:
    """Documents looked up across batches (empty ones too) are those each batch made."""
    import numpy as np

    from reuse import pipeline

    rng = random.Random(7)
    texts = [make_text(rng, rng.randrange(0, 30)) for _ in range(11)] + [""]
    settings = reuse.Settings()
    batches = [pipeline._prepare_many(texts[k : k + 4], settings, 1) for k in range(0, 12, 4)]
    corpus = pipeline._Corpus(batches)
    assert len(corpus) == 12
    for k, text in enumerate(texts):
        alone = pipeline._prepare_many([text], settings, 1).document(0)
        got = corpus[k]
        assert got.hashes.tolist() == alone.hashes.tolist()
        assert got.shingles.tolist() == alone.shingles.tolist()
        assert got.line_keys.tolist() == alone.line_keys.tolist()
        ours, theirs = got.tokens(), alone.tokens()
        assert ours.words == theirs.words
        assert ours.starts.tolist() == theirs.starts.tolist()
        assert ours.ends.tolist() == theirs.ends.tolist()
        assert corpus[k] is got  # kept a while
    assert [len(p) for p in corpus] == corpus.word_counts() == [len(t.split()) for t in texts]
    assert corpus.line_counts().tolist() == [p.line_keys.size for p in corpus]
    sliced = [p.hashes.tolist() for p in corpus[2:5]]
    assert sliced == [corpus[k].hashes.tolist() for k in (2, 3, 4)]
    assert corpus[-1].hashes.tolist() == corpus[11].hashes.tolist()
    assert corpus[-12].hashes.tolist() == corpus[0].hashes.tolist()
    for outside in (12, -13):
        with pytest.raises(IndexError):
            corpus[outside]
    assert np.concatenate([p.hashes for p in corpus]).size == sum(corpus.word_counts())


@pytest.mark.parametrize("mask_batch", [1, 5, 10_000])
def test_boilerplate_is_masked_the_same_however_batches_are_grouped(
    mask_batch: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reuse import pipeline

    docs = _planted_corpus(60, seed=5)
    settings = reuse.Settings(boilerplate=5, sample=1)
    expected = result_dict(reuse.compare(docs, settings))
    monkeypatch.setattr(pipeline, "_SCAN_BATCH", 3)
    monkeypatch.setattr(pipeline, "_MASK_BATCH", mask_batch)
    got = result_dict(reuse.compare(docs, settings))
    assert got == expected
    # The promo line is boilerplate: in no reported passage.
    texts = {d.id: d.text for d in docs}
    quoted = [
        texts[pair["a"]][p["a"][0] : p["a"][1]] for pair in got["pairs"] for p in pair["passages"]
    ]
    assert quoted and not any("Follow us" in q for q in quoted)


def test_worker_processes_run_without_numpy_huge_pages() -> None:
    from reuse import pipeline

    before = pipeline._use_hugepages(True)
    try:
        for workers, expected in ((2, False), (1, True)):
            seen: list[bool | None] = []

            def report(
                stage: str, done: int, total: int, e: bool = expected, s: list[bool | None] = seen
            ) -> None:
                # Reads the switch (setting it to what it should already be).
                if stage in ("fingerprinting", "aligning"):
                    s.append(pipeline._use_hugepages(e))

            reuse.compare(_planted_corpus(40, seed=3), workers=workers, progress=report)
            assert seen and set(seen) == {expected}
            assert pipeline._use_hugepages(True) is True  # restored afterwards
    finally:
        pipeline._use_hugepages(bool(before))


def test_documents_kept_while_aligning_change_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Sentence indexes, topic rows and shingle sets are kept per document while it may
    serve another pair; a cache that keeps next to nothing gives the same result."""
    from reuse import pipeline
    from reuse.render.data import write_jsonl

    docs = _planted_corpus(60, seed=8)
    # Sampled topics and reworded search too, so every kept kind is used.
    settings = reuse.Settings(topic_matrix_limit=10, reworded=0.33)
    outputs = []
    for size in (pipeline._DOCUMENT_CACHE, 1):
        monkeypatch.setattr(pipeline, "_DOCUMENT_CACHE", size)
        buffer = io.StringIO()
        write_jsonl(reuse.compare(docs, settings), buffer)
        outputs.append(buffer.getvalue())
    assert outputs[0].count("\n") > 20
    assert outputs[0] == outputs[1]


@settings(max_examples=60, deadline=None)
@given(
    parts=st.lists(
        st.lists(st.tuples(st.integers(0, 6), st.integers(0, 6), st.integers(0, 12)), max_size=30),
        max_size=4,
    ),
    ranges=st.integers(1, 9),
    range_codes=st.integers(1, 50),
    steps=st.integers(1, 16),
    min_shared=st.integers(1, 3),
    min_words=st.integers(8, 20),
    positions=st.booleans(),
    ship=st.booleans(),
)
@example(  # one pair's codes, which every cut falls among
    parts=[[(1, 2, at) for at in range(12)]],
    ranges=4,
    range_codes=1,
    steps=16,
    min_shared=3,
    min_words=8,
    positions=True,
    ship=False,
)
def test_codes_counted_in_ranges_give_the_pairs_of_all_codes_together(
    parts: list[list[tuple[int, int, int]]],
    ranges: int,
    range_codes: int,
    steps: int,
    min_shared: int,
    min_words: int,
    positions: bool,
    ship: bool,
) -> None:
    """Pairs recurring across parts and across the cuts between ranges are counted
    once, whatever the number of ranges; from arrays or from shipped files; with
    positions, a pair's codes on both sides of a cut are judged together."""
    import numpy as np

    from reuse import pipeline
    from reuse.candidates import Layout, chosen_pairs, count_codes

    layout = Layout.for_corpus(7) if positions else Layout()
    settings = reuse.Settings(min_shared=min_shared, min_words=min_words)
    min_span = pipeline._min_span(settings)
    # A pair once per hash it shares: several times in one part, and in several parts.
    arrays = [
        np.sort(
            np.array(
                [
                    int(layout.code(np.int64(min(i, j)), np.int64(max(i, j)), np.int64(at)))
                    for i, j, at in part
                    if i != j
                ],
                dtype=np.int64,
            )
        )
        for part in parts
    ]
    everything = np.concatenate(arrays) if arrays else np.zeros(0, dtype=np.int64)
    codes, shared = count_codes(everything.copy())
    want_left, want_right, _ = chosen_pairs(
        codes, shared, min_shared=min_shared, layout=layout, min_span=min_span
    )
    # And pair by pair: enough codes, positions far enough apart (with positions).
    pairs: dict[tuple[int, int], list[int]] = {}
    for part in parts:
        for i, j, at in part:
            if i != j:
                pairs.setdefault((min(i, j), max(i, j)), []).append(at)
    assert list(zip(want_left.tolist(), want_right.tolist(), strict=True)) == [
        pair
        for pair, places in sorted(pairs.items())
        if len(places) >= min_shared and (not positions or max(places) - min(places) >= min_span)
    ]
    # At least ``ranges`` ranges, more where they would hold over ``range_codes`` codes,
    # at most ``steps``.
    old = pipeline._CODE_RANGES, pipeline._RANGE_CODES, pipeline._RANGE_STEPS
    pipeline._CODE_RANGES, pipeline._RANGE_CODES, pipeline._RANGE_STEPS = (
        ranges,
        range_codes,
        steps,
    )
    counted = [pipeline._counted_part(a, ship=ship) for a in arrays]
    try:
        left, right = pipeline._pairs_from_parts(counted, settings, None, layout, None)
    finally:
        pipeline._CODE_RANGES, pipeline._RANGE_CODES, pipeline._RANGE_STEPS = old
        for part in counted:
            if isinstance(part[0], str):
                os.unlink(part[0])
    assert left.tolist() == want_left.tolist()
    assert right.tolist() == want_right.tolist()
    if ship and any(a.size for a in arrays):
        assert any(isinstance(part[0], str) for part in counted)


def test_shipped_files_are_named_for_the_comparing_process(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A worker names what it ships for the process that forked it, as that process
    recorded itself: once orphaned, the worker's own parent would be init."""
    import numpy as np

    from reuse import pipeline

    monkeypatch.setitem(pipeline._shared, "parent", 987654)
    shipped = pipeline._ship([np.arange(5, dtype=np.int64)])
    assert shipped is not None
    path, layout = shipped
    try:
        assert os.path.basename(path).startswith("reuse-987654-")
        assert pipeline._read_shipped(path, layout)[0].tolist() == [0, 1, 2, 3, 4]
    finally:
        os.unlink(path)


def test_planned_pairs_kept_as_arrays_read_as_tuples() -> None:
    from reuse import pipeline

    planned = pipeline._Planned.of([(4, 9), (0, 300), (7, 2)])
    assert len(planned) == 3 and planned[1] == (0, 300) and planned[-1] == (7, 2)
    assert planned[1:] == [(0, 300), (7, 2)] and list(planned) == [(4, 9), (0, 300), (7, 2)]
    assert all(type(n) is int for pair in planned[:2] for n in pair)
    empty = pipeline._Planned.of([])
    assert len(empty) == 0 and empty[0:256] == [] and not empty
