"""Fast hashing, sampling and Jaccard agree with plain reference implementations."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from reuse.fingerprint import (
    HashSet,
    jaccard,
    joined_hashes,
    mix,
    narrow,
    run_hashes,
    sample,
    shingle_hashes,
    widen,
    word_hashes,
)

MASK = (1 << 64) - 1
words = st.lists(st.sampled_from(["a", "b", "c", "dé", "1", "275", "khojaly"]), max_size=40)
u64 = st.integers(min_value=0, max_value=MASK)


def ref_mix(h: int) -> int:
    h ^= h >> 33
    h = (h * 0xFF51AFD7ED558CCD) & MASK
    h ^= h >> 33
    h = (h * 0xC4CEB9FE1A85EC53) & MASK
    return h ^ (h >> 33)


def ref_shingles(hashes: list[int], k: int) -> list[int]:
    out = []
    for i in range(len(hashes) - k + 1):
        acc = 0
        for h in hashes[i : i + k]:
            acc = (acc * 0x9E3779B97F4A7C15 + h) & MASK
        out.append(ref_mix(acc))
    return out


def ref_word_hash(word: str) -> int:
    p = 0xC2B2AE3D27D4EB4F
    raw = sum(ord(c) * pow(p, t, 1 << 64) for t, c in enumerate(word)) & MASK
    return ((ref_mix((raw * p + len(word)) & MASK) >> 32) * 0xD6E8FEB86659FD93) & MASK


@given(st.lists(st.text(max_size=12), max_size=30))
def test_word_hashes_equal_plain_polynomial(ws: list[str]) -> None:
    assert word_hashes(ws).tolist() == [ref_word_hash(w) for w in ws]


@given(st.lists(st.lists(st.sampled_from(["a", "bb", "dé", "1", "日", "𝔸x"]), max_size=9)))
def test_joined_hashes_equal_word_hashes(texts: list[list[str]]) -> None:
    got = joined_hashes([" ".join(t) for t in texts])
    assert [h.tolist() for h in got] == [word_hashes(t).tolist() for t in texts]


@given(st.lists(st.text(max_size=12), max_size=30))
def test_word_hashes_narrow_to_four_bytes_and_back(ws: list[str]) -> None:
    hashes = word_hashes(ws)
    ids = narrow(hashes)
    assert ids.dtype == np.uint32
    assert widen(ids).tolist() == hashes.tolist()


def test_distinct_words_hash_apart() -> None:
    vocabulary = [f"{a}{b}{c}" for a in "abcdexyz" for b in "aeiou1" for c in "nrstlé"]
    assert len(set(word_hashes(vocabulary).tolist())) == len(vocabulary)


@given(st.lists(u64, max_size=30), st.integers(min_value=1, max_value=6))
def test_shingle_hashes_equal_reference(hashes: list[int], k: int) -> None:
    got = shingle_hashes(np.array(hashes, dtype=np.uint64), k).tolist()
    assert got == ref_shingles(hashes, k)


@given(st.lists(u64, max_size=30), st.integers(min_value=1, max_value=6))
def test_unmixed_shingle_hashes_are_the_mixed_ones_before_mixing(hashes: list[int], k: int) -> None:
    """Mixing is a bijection: unmixed hashes tell the same shingles apart."""
    values = np.array(hashes, dtype=np.uint64)
    unmixed = shingle_hashes(values, k, mixed=False)
    assert mix(unmixed).tolist() == shingle_hashes(values, k).tolist()


@given(st.lists(u64, max_size=50), st.integers(min_value=1, max_value=8))
def test_sample_keeps_exactly_the_divisible_hashes(hashes: list[int], every: int) -> None:
    got = sample(np.array(hashes, dtype=np.uint64), every).tolist()
    assert got == [h for h in hashes if h % every == 0]


def test_sample_is_consistent_across_documents() -> None:
    shared = shingle_hashes(
        word_hashes(["the", "karabakh", "region", "had", "been", "the", "site"]), 3
    )
    doc_a = np.concatenate([shared, shingle_hashes(word_hashes(["x", "y", "z", "w"]), 3)])
    doc_b = np.concatenate([shingle_hashes(word_hashes(["p", "q", "r", "s"]), 3), shared])
    kept_a, kept_b = set(sample(doc_a, 2).tolist()), set(sample(doc_b, 2).tolist())
    assert set(sample(shared, 2).tolist()) <= kept_a & kept_b


def test_sampling_rate_is_unbiased_on_real_shingles() -> None:
    rng = np.random.default_rng(7)
    hashes = shingle_hashes(rng.integers(0, 2**63, 20_000, dtype=np.uint64), 5)
    assert abs(sample(hashes, 4).size / hashes.size - 0.25) < 0.02


@given(st.lists(st.integers(0, 30), max_size=40), st.lists(st.integers(0, 30), max_size=40))
def test_jaccard_equals_the_set_definition(a: list[int], b: list[int]) -> None:
    expected = len(set(a) & set(b)) / len(set(a) | set(b)) if a and b else 0.0
    got = jaccard(np.array(a, dtype=np.uint64), np.array(b, dtype=np.uint64))
    assert got == expected


@given(st.lists(u64, max_size=20), st.data())
def test_run_hashes_equal_plain_polynomial(values: list[int], data: st.DataObject) -> None:
    cuts = sorted(data.draw(st.lists(st.integers(0, len(values)), min_size=2, max_size=6)))
    starts, ends = cuts[:-1], cuts[1:]
    p = 0xC2B2AE3D27D4EB4F
    expected = []
    for s, e in zip(starts, ends, strict=True):
        raw = sum(v * pow(p, t, 1 << 64) for t, v in enumerate(values[s:e])) & MASK
        expected.append(ref_mix((raw * p + e - s) & MASK))
    got = run_hashes(np.array(values, dtype=np.uint64), np.array(starts), np.array(ends))
    assert got.tolist() == expected


# Members: arbitrary 64-bit values, small integers and repeats among them (the slots of
# small integers differ only in the multiplier's low bits).
members = st.lists(st.one_of(u64, st.integers(0, 40)), max_size=300)


@given(members, st.lists(st.one_of(u64, st.integers(0, 40)), max_size=50), st.data())
def test_hash_set_answers_as_a_set_does(
    values: list[int], others: list[int], data: st.DataObject
) -> None:
    s = HashSet(np.array(values, dtype=np.uint64))
    # Queries: members, non-members, 0, and whatever the table holds in its free slots.
    queries = values + others + [0] + s._table[:64].tolist()
    queries = data.draw(st.permutations(queries))
    got = s.members(np.array(queries, dtype=np.uint64)).tolist()
    assert got == [q in set(values) for q in queries]
    assert s.size == len(set(values))


def test_hash_set_of_stop_words_stays_small() -> None:
    """A few hundred members fit a table of tens of thousands of slots (in cache)."""
    values = np.random.default_rng(3).integers(0, 2**63, 400, dtype=np.uint64)
    s = HashSet(values)
    assert s._table.size <= 2**17
    assert s.members(values).all()
